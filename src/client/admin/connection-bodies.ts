// Owns: decoding the admin bodies that describe clients: ConsumerConnection
// (GET_CONSUMER_CONNECTION_LIST), ProducerConnection (GET_PRODUCER_CONNECTION_LIST) and GroupList
// (QUERY_TOPIC_CONSUME_BY_WHO).
// Counterpart: org.apache.rocketmq.common.protocol.body.{ConsumerConnection,ProducerConnection,Connection,GroupList} (4.9.8).
//
//   ConsumerConnection: {"connectionSet":[{"clientAddr":"127.0.0.1:50312","clientId":"10.0.0.2@123",
//     "language":"JAVA","version":409}],"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
//     "consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING","subscriptionTable":{"T":{SubscriptionData}}}
//   ProducerConnection: {"connectionSet":[Connection...]}
//   GroupList:          {"groupList":["g1","g2"]}

import { expectArray, expectInteger, expectObject, expectString, FastJsonShapeError, type JsonObject, parseFastJson } from '../../common/fastjson.js';

/** One client connection as a broker sees it (Java's Connection). */
export interface Connection {
  clientId: string;
  /** "ip:port" of the client's socket. */
  clientAddr: string;
  /** JAVA, NODE_JS, CPP... */
  language: string;
  /** The client's MQVersion ordinal (see versionDesc). */
  version: number;
}

export interface SubscriptionEntry {
  topic: string;
  /** The subscription expression ("*", "TagA || TagB", or SQL92). */
  subString: string;
  expressionType: string;
}

export interface ConsumerConnection {
  connectionSet: Connection[];
  /** CONSUME_ACTIVELY (pull) or CONSUME_PASSIVELY (push); absent when the broker did not say. */
  consumeType: string | undefined;
  messageModel: string | undefined;
  consumeFromWhere: string | undefined;
  /** topic -> subscription. */
  subscriptionTable: Map<string, SubscriptionEntry>;
}

export interface ProducerConnection {
  connectionSet: Connection[];
}

function parseBody(body: Buffer | null, what: string): JsonObject {
  if (body === null || body.length === 0) throw new FastJsonShapeError(what, 'the response has no body');
  return expectObject(parseFastJson(body.toString('utf8')), what);
}

function optionalString(o: JsonObject, key: string, field: string): string | undefined {
  const value = o[key];
  return value === undefined || value === null ? undefined : expectString(value, `${field}.${key}`);
}

function readConnections(o: JsonObject, what: string): Connection[] {
  const raw = o['connectionSet'];
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, `${what}.connectionSet`).map((item, i) => {
    const field = `${what}.connectionSet[${i}]`;
    const c = expectObject(item, field);
    return {
      clientId: expectString(c['clientId'], `${field}.clientId`),
      clientAddr: optionalString(c, 'clientAddr', field) ?? '',
      language: optionalString(c, 'language', field) ?? '',
      version: c['version'] === undefined || c['version'] === null ? 0 : expectInteger(c['version'], `${field}.version`),
    };
  });
}

/** Throws FastJsonSyntaxError or FastJsonShapeError on a malformed body. */
export function decodeConsumerConnection(body: Buffer | null): ConsumerConnection {
  const what = 'ConsumerConnection';
  const o = parseBody(body, what);
  const subscriptionTable = new Map<string, SubscriptionEntry>();
  const table = o['subscriptionTable'];
  if (table !== undefined && table !== null) {
    for (const [topic, value] of Object.entries(expectObject(table, `${what}.subscriptionTable`))) {
      const field = `${what}.subscriptionTable.${topic}`;
      const s = expectObject(value, field);
      subscriptionTable.set(topic, {
        topic: optionalString(s, 'topic', field) ?? topic,
        subString: optionalString(s, 'subString', field) ?? '*',
        expressionType: optionalString(s, 'expressionType', field) ?? 'TAG',
      });
    }
  }
  return {
    connectionSet: readConnections(o, what),
    consumeType: optionalString(o, 'consumeType', what),
    messageModel: optionalString(o, 'messageModel', what),
    consumeFromWhere: optionalString(o, 'consumeFromWhere', what),
    subscriptionTable,
  };
}

/** Throws FastJsonSyntaxError or FastJsonShapeError on a malformed body. */
export function decodeProducerConnection(body: Buffer | null): ProducerConnection {
  return { connectionSet: readConnections(parseBody(body, 'ProducerConnection'), 'ProducerConnection') };
}

/** Throws FastJsonSyntaxError or FastJsonShapeError on a malformed body. */
export function decodeGroupList(body: Buffer | null): string[] {
  const o = parseBody(body, 'GroupList');
  const raw = o['groupList'];
  if (raw === undefined || raw === null) return [];
  return expectArray(raw, 'GroupList.groupList').map((g, i) => expectString(g, `GroupList.groupList[${i}]`));
}
