// Owns: the headers and bodies of the broker's admin requests other than topics: runtime info,
// topic and consume stats, connections, offsets reset, broker config, subscription groups.
// Counterpart: GetConsumeStatsRequestHeader, GetTopicStatsInfoRequestHeader, ResetOffsetRequestHeader,
// GetBrokerConfigResponseHeader, DeleteSubscriptionGroupRequestHeader, ... and the bodies ConsumeStats,
// TopicStatsTable, ConsumerConnection, ProducerConnection, ResetOffsetBody, GroupList, KVTable (4.9.8).
//
// Grammar (extFields -> body):
//   GET_BROKER_RUNTIME_INFO (28)            -                                   -> KVTable {"table":{k:"v"}}
//   GET_BROKER_CONFIG (26)                  -                                   -> header version (DataVersion JSON), body "k=v\n"...
//   UPDATE_BROKER_CONFIG (25)               body "k=v\n"...                     -> -
//   GET_ALL_CONSUMER_OFFSET (43)            -                                   -> {"offsetTable":{"topic@group":{0:5}}}
//   UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) body SubscriptionGroupConfig      -> -
//   GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201)  -                                   -> SubscriptionGroupWrapper
//   GET_TOPIC_STATS_INFO (202)              topic                               -> TopicStatsTable
//   GET_CONSUMER_CONNECTION_LIST (203)      consumerGroup                       -> ConsumerConnection
//   GET_PRODUCER_CONNECTION_LIST (204)      producerGroup                       -> ProducerConnection
//   DELETE_SUBSCRIPTIONGROUP (207)          groupName [removeOffset]            -> -
//   GET_CONSUME_STATS (208)                 consumerGroup [topic]               -> ConsumeStats
//   RESET_CONSUMER_CLIENT_OFFSET (220)      topic group timestamp isForce, body ResetOffsetBody (broker -> client)
//   INVOKE_BROKER_TO_RESET_OFFSET (222)     topic group timestamp isForce       -> ResetOffsetBody
//   QUERY_TOPIC_CONSUME_BY_WHO (300)        topic                               -> GroupList
//
// fastjson writes maps keyed by a MessageQueue bean with the bean itself as the key:
// {"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{...}}}. Java admin tools read
// exactly that, so the encoders below write it; parseMessageQueueKeyed turns it back into JSON.

import { toFastJson } from '../../common/fastjson.js';
import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field, type RequestHeaderOf } from './define-request.js';

export const GetTopicStatsInfo = defineRequest({
  codes: [RequestCode.GET_TOPIC_STATS_INFO],
  header: { topic: field.string() },
});
export type GetTopicStatsInfoHeader = RequestHeaderOf<typeof GetTopicStatsInfo>;

export const GetConsumeStats = defineRequest({
  codes: [RequestCode.GET_CONSUME_STATS],
  header: { consumerGroup: field.string(), topic: field.string({ optional: true }) },
});
export type GetConsumeStatsHeader = RequestHeaderOf<typeof GetConsumeStats>;

export const GetConsumerConnectionList = defineRequest({
  codes: [RequestCode.GET_CONSUMER_CONNECTION_LIST],
  header: { consumerGroup: field.string() },
});

export const GetProducerConnectionList = defineRequest({
  codes: [RequestCode.GET_PRODUCER_CONNECTION_LIST],
  header: { producerGroup: field.string() },
});

/** INVOKE_BROKER_TO_RESET_OFFSET's header; the broker sends the same one in RESET_CONSUMER_CLIENT_OFFSET. */
export const ResetOffset = defineRequest({
  codes: [RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, RequestCode.RESET_CONSUMER_CLIENT_OFFSET],
  header: {
    topic: field.string(),
    group: field.string(),
    /** ms since the epoch; -1 means "the queue's max offset". */
    timestamp: field.long(),
    isForce: field.bool(),
  },
});
export type ResetOffsetHeader = RequestHeaderOf<typeof ResetOffset>;

export const GetBrokerConfig = defineRequest({
  codes: [RequestCode.GET_BROKER_CONFIG],
  header: {},
  /** The config's DataVersion as fastjson text. */
  response: { version: field.string() },
});

export const DeleteSubscriptionGroup = defineRequest({
  codes: [RequestCode.DELETE_SUBSCRIPTIONGROUP],
  header: {
    groupName: field.string(),
    /** mqadmin deleteSubGroup -r: also forget the group's offsets (absent: false). */
    removeOffset: field.bool({ optional: true }),
  },
});

export const QueryTopicConsumeByWho = defineRequest({
  codes: [RequestCode.QUERY_TOPIC_CONSUME_BY_WHO],
  header: { topic: field.string() },
});

// ---------------------------------------------------------------------------------------------
// Bodies

export interface MessageQueueKey {
  topic: string;
  brokerName: string;
  queueId: number;
}

/** Java's MessageQueue.compareTo: topic, then brokerName, then queueId. */
export function compareMessageQueues(a: MessageQueueKey, b: MessageQueueKey): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/** A fastjson map keyed by MessageQueue beans, entries in the order given. */
export function encodeMessageQueueMap(entries: ReadonlyArray<readonly [MessageQueueKey, unknown]>): string {
  const parts = entries.map(
    ([mq, value]) => toFastJson({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic }) + ':' + toFastJson(value),
  );
  return '{' + parts.join(',') + '}';
}

/** A Java double as fastjson writes it: always with a fraction (0.0, 1.0, 0.7166666666666667). */
export function javaDouble(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

export interface TopicOffset {
  minOffset: number;
  maxOffset: number;
  lastUpdateTimestamp: number;
}

/** TopicStatsTable: {"offsetTable":{MessageQueue:{lastUpdateTimestamp,maxOffset,minOffset}}}. */
export function encodeTopicStatsTable(entries: ReadonlyArray<readonly [MessageQueueKey, TopicOffset]>): string {
  const beans = entries.map(([mq, o]) => [mq, { lastUpdateTimestamp: o.lastUpdateTimestamp, maxOffset: o.maxOffset, minOffset: o.minOffset }] as const);
  return '{"offsetTable":' + encodeMessageQueueMap(beans) + '}';
}

export interface OffsetWrapper {
  brokerOffset: number;
  consumerOffset: number;
  lastTimestamp: number;
}

/** ConsumeStats: {"consumeTps":0.0,"offsetTable":{MessageQueue:{brokerOffset,consumerOffset,lastTimestamp}}}. */
export function encodeConsumeStats(consumeTps: number, entries: ReadonlyArray<readonly [MessageQueueKey, OffsetWrapper]>): string {
  const beans = entries.map(([mq, o]) => [mq, { brokerOffset: o.brokerOffset, consumerOffset: o.consumerOffset, lastTimestamp: o.lastTimestamp }] as const);
  return '{"consumeTps":' + javaDouble(consumeTps) + ',"offsetTable":' + encodeMessageQueueMap(beans) + '}';
}

/** ResetOffsetBody: {"offsetTable":{MessageQueue:offset}}. */
export function encodeResetOffsetBody(entries: ReadonlyArray<readonly [MessageQueueKey, number]>): string {
  return '{"offsetTable":' + encodeMessageQueueMap(entries) + '}';
}

/** Java's Connection bean. */
export interface Connection {
  clientId: string;
  clientAddr: string;
  language: string;
  version: number;
}

export function connectionBean(c: Connection): object {
  return { clientAddr: c.clientAddr, clientId: c.clientId, language: c.language, version: c.version };
}

/** GroupList: {"groupList":[...]}. */
export function encodeGroupList(groups: Iterable<string>): string {
  return toFastJson({ groupList: [...groups] });
}

/** KVTable: {"table":{"k":"v"}}, values as text. */
export function encodeKVTable(table: ReadonlyMap<string, string>): string {
  return toFastJson({ table });
}

const MESSAGE_QUEUE_KEY = /([{,])(\{"brokerName":"(?:[^"\\]|\\.)*","queueId":-?\d+,"topic":"(?:[^"\\]|\\.)*"\}):/g;

/**
 * Turns fastjson's MessageQueue-keyed maps into JSON (each key becomes the key bean's JSON text as
 * a string) and parses the result with JSON.parse. For admin clients and tests; throws SyntaxError.
 */
export function parseMessageQueueKeyed(text: string): unknown {
  return JSON.parse(text.replace(MESSAGE_QUEUE_KEY, (_m, lead: string, key: string) => `${lead}${JSON.stringify(key)}:`)) as unknown;
}

/** The key parseMessageQueueKeyed gives a queue. */
export function messageQueueKeyText(mq: MessageQueueKey): string {
  return toFastJson({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic });
}

// ---------------------------------------------------------------------------------------------
// Properties text (GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG bodies)

/** Java's MixAll.properties2String: "key=value\n" per entry. */
export function encodeProperties(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries) out += `${key}=${value}\n`;
  return out;
}

/**
 * Java's Properties.load, for the texts admin tools send: blank lines and lines starting with '#'
 * or '!' are skipped; the key ends at the first '=', ':' or whitespace; the value loses its leading
 * whitespace. Backslash escapes and line continuations are not handled (mqadmin never sends them).
 */
export function decodeProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rawLine of text.split(/\r?\n|\r/)) {
    const line = rawLine.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=:\s]*)\s*[=:]?\s*(.*)$/s.exec(line);
    if (match === null) continue;
    out.set(match[1] ?? '', match[2] ?? '');
  }
  return out;
}
