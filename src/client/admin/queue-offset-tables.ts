// Owns: decoding the admin bodies that are tables keyed by MessageQueue — TopicStatsTable
// (GET_TOPIC_STATS_INFO) and ConsumeStats (GET_CONSUME_STATS) — as a broker, ours or Java's, writes them.
// Counterpart: org.apache.rocketmq.common.admin.{TopicStatsTable,TopicOffset,ConsumeStats,OffsetWrapper} (4.9.8).
//
// fastjson writes these maps with the MessageQueue bean itself as the key, which is not JSON:
//   {"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":0,"maxOffset":3,"minOffset":0}}}
//   {"consumeTps":0.0,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:{"brokerOffset":3,"consumerOffset":1,"lastTimestamp":0}}}
// parseMessageQueueKeyed (the broker side's codec) turns each key into a JSON string first.

import { expectInteger, expectObject, expectString, FastJsonShapeError, type JsonObject } from '../../common/fastjson.js';
import { parseMessageQueueKeyed } from '../../remoting/requests/admin-broker.js';
import { compareMessageQueue, type MessageQueue } from '../message.js';

/** A queue's offsets as GET_TOPIC_STATS_INFO reports them. */
export interface TopicOffset {
  minOffset: number;
  /** One past the last message (the queue's next offset). */
  maxOffset: number;
  /** Store time of the last message (ms), 0 when the queue is empty. */
  lastUpdateTimestamp: number;
}

/** A group's progress on one queue, as GET_CONSUME_STATS reports it. */
export interface OffsetWrapper {
  /** The queue's max offset. */
  brokerOffset: number;
  /** The group's committed offset (0 when it has none). */
  consumerOffset: number;
  /** Store time of the last consumed message (ms), 0 when unknown. */
  lastTimestamp: number;
}

export interface QueueEntry<T> {
  mq: MessageQueue;
  value: T;
}

export interface TopicStatsTable {
  /** Sorted as Java's MessageQueue.compareTo. */
  offsetTable: Array<QueueEntry<TopicOffset>>;
}

export interface ConsumeStats {
  consumeTps: number;
  /** Sorted as Java's MessageQueue.compareTo. */
  offsetTable: Array<QueueEntry<OffsetWrapper>>;
}

function parseBody(body: Buffer | null, what: string): JsonObject {
  if (body === null || body.length === 0) throw new FastJsonShapeError(what, 'the response has no body');
  return expectObject(parseMessageQueueKeyed(body.toString('utf8')), what);
}

function readQueueKey(key: string, field: string): MessageQueue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(key);
  } catch {
    throw new FastJsonShapeError(field, `expected a MessageQueue key, got ${JSON.stringify(key)}`);
  }
  const o = expectObject(parsed, field);
  return {
    topic: expectString(o['topic'], `${field}.topic`),
    brokerName: expectString(o['brokerName'], `${field}.brokerName`),
    queueId: expectInteger(o['queueId'], `${field}.queueId`),
  };
}

function readTable<T>(o: JsonObject, what: string, read: (value: JsonObject, field: string) => T): Array<QueueEntry<T>> {
  const raw = o['offsetTable'];
  if (raw === undefined || raw === null) return [];
  const out: Array<QueueEntry<T>> = [];
  for (const [key, value] of Object.entries(expectObject(raw, `${what}.offsetTable`))) {
    const field = `${what}.offsetTable[${key}]`;
    out.push({ mq: readQueueKey(key, field), value: read(expectObject(value, field), field) });
  }
  return out.sort((a, b) => compareMessageQueue(a.mq, b.mq));
}

/** An absent long reads as 0, as fastjson leaves a Java field at its default. */
function long(o: JsonObject, key: string, field: string): number {
  const value = o[key];
  return value === undefined || value === null ? 0 : expectInteger(value, `${field}.${key}`);
}

/** Throws FastJsonSyntaxError or FastJsonShapeError on a malformed body. */
export function decodeTopicStatsTable(body: Buffer | null): TopicStatsTable {
  const o = parseBody(body, 'TopicStatsTable');
  return {
    offsetTable: readTable(o, 'TopicStatsTable', (v, field) => ({
      minOffset: long(v, 'minOffset', field),
      maxOffset: long(v, 'maxOffset', field),
      lastUpdateTimestamp: long(v, 'lastUpdateTimestamp', field),
    })),
  };
}

/** Throws FastJsonSyntaxError or FastJsonShapeError on a malformed body. */
export function decodeConsumeStats(body: Buffer | null): ConsumeStats {
  const o = parseBody(body, 'ConsumeStats');
  const tps = o['consumeTps'];
  if (tps !== undefined && tps !== null && typeof tps !== 'number') throw new FastJsonShapeError('ConsumeStats.consumeTps', 'expected a number');
  return {
    consumeTps: typeof tps === 'number' ? tps : 0,
    offsetTable: readTable(o, 'ConsumeStats', (v, field) => ({
      brokerOffset: long(v, 'brokerOffset', field),
      consumerOffset: long(v, 'consumerOffset', field),
      lastTimestamp: long(v, 'lastTimestamp', field),
    })),
  };
}
