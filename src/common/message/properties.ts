// Owns: the message properties string (stored in every CommitLog record, sent in SEND_MESSAGE's
// `properties` header field and inside batch bodies) and the well-known property names. No I/O.
// Counterpart: org.apache.rocketmq.common.message.MessageDecoder#messageProperties2String and
// #string2messageProperties, org.apache.rocketmq.common.message.MessageConst (4.9.8, plus the
// keys 5.x added).
//
//   name U+0001 value U+0002 name U+0001 value [U+0002]
//
// The string is UTF-8 on the wire behind a signed short length, so it must stay below 32 768
// bytes (PROPERTIES_BYTES_MAX).

import { javaHashMapOrder } from './java-hash.js';

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';
/** Java's `Short.MAX_VALUE`: the longest properties string, in UTF-8 bytes, a record can hold. */
export const PROPERTIES_BYTES_MAX = 32767;

/**
 * Well-known property names, spelled as in Java (`MessageConst.PROPERTY_KEYS`). Every key of
 * 4.9.8 and of 5.x is here; which of them are reserved is `SYSTEM_PROPERTY_KEYS`.
 */
export const MessageConst = Object.freeze({
  PROPERTY_KEYS: 'KEYS',
  PROPERTY_TAGS: 'TAGS',
  PROPERTY_WAIT_STORE_MSG_OK: 'WAIT',
  PROPERTY_DELAY_TIME_LEVEL: 'DELAY',
  PROPERTY_RETRY_TOPIC: 'RETRY_TOPIC',
  PROPERTY_REAL_TOPIC: 'REAL_TOPIC',
  PROPERTY_REAL_QUEUE_ID: 'REAL_QID',
  PROPERTY_TRANSACTION_PREPARED: 'TRAN_MSG',
  PROPERTY_PRODUCER_GROUP: 'PGROUP',
  PROPERTY_MIN_OFFSET: 'MIN_OFFSET',
  PROPERTY_MAX_OFFSET: 'MAX_OFFSET',
  PROPERTY_BUYER_ID: 'BUYER_ID',
  PROPERTY_ORIGIN_MESSAGE_ID: 'ORIGIN_MESSAGE_ID',
  PROPERTY_TRANSFER_FLAG: 'TRANSFER_FLAG',
  PROPERTY_CORRECTION_FLAG: 'CORRECTION_FLAG',
  PROPERTY_MQ2_FLAG: 'MQ2_FLAG',
  PROPERTY_RECONSUME_TIME: 'RECONSUME_TIME',
  PROPERTY_MSG_REGION: 'MSG_REGION',
  PROPERTY_TRACE_SWITCH: 'TRACE_ON',
  PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX: 'UNIQ_KEY',
  PROPERTY_EXTEND_UNIQ_INFO: 'EXTEND_UNIQ_INFO',
  PROPERTY_MAX_RECONSUME_TIMES: 'MAX_RECONSUME_TIMES',
  PROPERTY_CONSUME_START_TIMESTAMP: 'CONSUME_START_TIME',
  PROPERTY_INNER_NUM: 'INNER_NUM',
  PROPERTY_INNER_BASE: 'INNER_BASE',
  DUP_INFO: 'DUP_INFO',
  PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS: 'CHECK_IMMUNITY_TIME_IN_SECONDS',
  PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET: 'TRAN_PREPARED_QUEUE_OFFSET',
  PROPERTY_TRANSACTION_ID: '__transactionId__',
  PROPERTY_TRANSACTION_CHECK_TIMES: 'TRANSACTION_CHECK_TIMES',
  PROPERTY_INSTANCE_ID: 'INSTANCE_ID',
  PROPERTY_CORRELATION_ID: 'CORRELATION_ID',
  PROPERTY_MESSAGE_REPLY_TO_CLIENT: 'REPLY_TO_CLIENT',
  PROPERTY_MESSAGE_TTL: 'TTL',
  PROPERTY_REPLY_MESSAGE_ARRIVE_TIME: 'ARRIVE_TIME',
  PROPERTY_PUSH_REPLY_TIME: 'PUSH_REPLY_TIME',
  PROPERTY_CLUSTER: 'CLUSTER',
  PROPERTY_MESSAGE_TYPE: 'MSG_TYPE',
  PROPERTY_POP_CK: 'POP_CK',
  PROPERTY_POP_CK_OFFSET: 'POP_CK_OFFSET',
  PROPERTY_FIRST_POP_TIME: '1ST_POP_TIME',
  PROPERTY_SHARDING_KEY: '__SHARDINGKEY',
  PROPERTY_FORWARD_QUEUE_ID: 'PROPERTY_FORWARD_QUEUE_ID',
  PROPERTY_REDIRECT: 'REDIRECT',
  PROPERTY_INNER_MULTI_DISPATCH: 'INNER_MULTI_DISPATCH',
  PROPERTY_INNER_MULTI_QUEUE_OFFSET: 'INNER_MULTI_QUEUE_OFFSET',
  PROPERTY_TRACE_CONTEXT: 'TRACE_CONTEXT',
  PROPERTY_TIMER_DELAY_SEC: 'TIMER_DELAY_SEC',
  PROPERTY_TIMER_DELIVER_MS: 'TIMER_DELIVER_MS',
  PROPERTY_BORN_HOST: '__BORNHOST',
  PROPERTY_BORN_TIMESTAMP: 'BORN_TIMESTAMP',
  PROPERTY_TIMER_ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  PROPERTY_TIMER_DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  PROPERTY_TIMER_ROLL_TIMES: 'TIMER_ROLL_TIMES',
  PROPERTY_TIMER_OUT_MS: 'TIMER_OUT_MS',
  PROPERTY_TIMER_DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
  PROPERTY_TIMER_DELAY_LEVEL: 'TIMER_DELAY_LEVEL',
  PROPERTY_TIMER_DELAY_MS: 'TIMER_DELAY_MS',
  PROPERTY_CRC32: '__CRC32#',
  PROPERTY_DLQ_ORIGIN_TOPIC: 'DLQ_ORIGIN_TOPIC',
  PROPERTY_DLQ_ORIGIN_MESSAGE_ID: 'DLQ_ORIGIN_MESSAGE_ID',
  /** Properties whose name starts with this are never stored by a 5.x broker. */
  PROPERTY_TRANSIENT_PREFIX: '__RMQ.TRANSIENT.',
  PROPERTY_TRANSIENT_TOPIC_CONFIG: '__RMQ.TRANSIENT.TOPIC_SYS_FLAG',
  PROPERTY_TRANSIENT_GROUP_CONFIG: '__RMQ.TRANSIENT.GROUP_SYS_FLAG',
  /** Separates the keys inside the KEYS property. */
  KEY_SEPARATOR: ' ',
});

/**
 * Java's `MessageConst.STRING_HASH_SET` (5.x, a superset of 4.9.8's): the names a Java producer
 * refuses as user properties and the 5.x proxy both refuses on send and hides from gRPC
 * `user_properties`. Some MessageConst keys are deliberately not in it (`__transactionId__`,
 * `TRANSACTION_CHECK_TIMES`, `CHECK_IMMUNITY_TIME_IN_SECONDS`, `INNER_NUM`, `INNER_BASE`,
 * `__SHARDINGKEY`, `TRACE_CONTEXT`, `INNER_MULTI_DISPATCH`, ...).
 */
export const SYSTEM_PROPERTY_KEYS: ReadonlySet<string> = Object.freeze(
  new Set<string>([
    MessageConst.PROPERTY_TRACE_SWITCH,
    MessageConst.PROPERTY_MSG_REGION,
    MessageConst.PROPERTY_KEYS,
    MessageConst.PROPERTY_TAGS,
    MessageConst.PROPERTY_WAIT_STORE_MSG_OK,
    MessageConst.PROPERTY_DELAY_TIME_LEVEL,
    MessageConst.PROPERTY_RETRY_TOPIC,
    MessageConst.PROPERTY_REAL_TOPIC,
    MessageConst.PROPERTY_REAL_QUEUE_ID,
    MessageConst.PROPERTY_TRANSACTION_PREPARED,
    MessageConst.PROPERTY_PRODUCER_GROUP,
    MessageConst.PROPERTY_MIN_OFFSET,
    MessageConst.PROPERTY_MAX_OFFSET,
    MessageConst.PROPERTY_BUYER_ID,
    MessageConst.PROPERTY_ORIGIN_MESSAGE_ID,
    MessageConst.PROPERTY_TRANSFER_FLAG,
    MessageConst.PROPERTY_CORRECTION_FLAG,
    MessageConst.PROPERTY_MQ2_FLAG,
    MessageConst.PROPERTY_RECONSUME_TIME,
    MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX,
    MessageConst.PROPERTY_MAX_RECONSUME_TIMES,
    MessageConst.PROPERTY_CONSUME_START_TIMESTAMP,
    MessageConst.PROPERTY_POP_CK,
    MessageConst.PROPERTY_POP_CK_OFFSET,
    MessageConst.PROPERTY_FIRST_POP_TIME,
    MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET,
    MessageConst.DUP_INFO,
    MessageConst.PROPERTY_EXTEND_UNIQ_INFO,
    MessageConst.PROPERTY_INSTANCE_ID,
    MessageConst.PROPERTY_CORRELATION_ID,
    MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT,
    MessageConst.PROPERTY_MESSAGE_TTL,
    MessageConst.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME,
    MessageConst.PROPERTY_PUSH_REPLY_TIME,
    MessageConst.PROPERTY_CLUSTER,
    MessageConst.PROPERTY_MESSAGE_TYPE,
    MessageConst.PROPERTY_INNER_MULTI_QUEUE_OFFSET,
    MessageConst.PROPERTY_TIMER_DELAY_MS,
    MessageConst.PROPERTY_TIMER_DELAY_SEC,
    MessageConst.PROPERTY_TIMER_DELIVER_MS,
    MessageConst.PROPERTY_TIMER_ENQUEUE_MS,
    MessageConst.PROPERTY_TIMER_DEQUEUE_MS,
    MessageConst.PROPERTY_TIMER_ROLL_TIMES,
    MessageConst.PROPERTY_TIMER_OUT_MS,
    MessageConst.PROPERTY_TIMER_DEL_UNIQKEY,
    MessageConst.PROPERTY_TIMER_DELAY_LEVEL,
    MessageConst.PROPERTY_BORN_HOST,
    MessageConst.PROPERTY_BORN_TIMESTAMP,
    MessageConst.PROPERTY_DLQ_ORIGIN_TOPIC,
    MessageConst.PROPERTY_DLQ_ORIGIN_MESSAGE_ID,
    MessageConst.PROPERTY_CRC32,
  ]),
);

/**
 * Parses a properties string the way Java 4.9.8 does, so both sides agree on what a message
 * carries:
 * - items are cut at U+0002; a missing final separator is fine, and so is a trailing one;
 * - an item is cut at its first U+0001 (a value may itself contain U+0001);
 * - items with no U+0001, an empty name or an empty value are skipped silently;
 * - a repeated name keeps its first position and its last value (as `HashMap.put` does), which
 *   matters for batch records, where the broker appends `WAIT` a second time.
 *
 * The Map iterates in the order names first appear in the string. For anything a Java broker
 * wrote, that is Java HashMap order already.
 */
export function decodeProperties(properties: string): Map<string, string> {
  const map = new Map<string, string>();
  const length = properties.length;
  let index = 0;
  while (index < length) {
    let end = properties.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    // Shortest valid item: one-char name, separator, one-char value.
    if (end - index >= 3) {
      const kv = properties.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kv > index && kv < end - 1) map.set(properties.slice(index, kv), properties.slice(kv + 1, end));
    }
    index = end + 1;
  }
  return map;
}

/** Name/value pairs to encode. A null or undefined value is left out, as Java leaves out null. */
export type PropertyEntries = Iterable<readonly [string, string | null | undefined]>;

/**
 * Writes properties in the order given, in the form the 4.9.8 Java side writes: no separator
 * after the last item (older Java clients and ali-ons end with one; Java and this decoder accept
 * both). Empty values are written, although every decoder then drops them, as Java does.
 *
 * To reproduce what a Java broker stores byte for byte, order the entries as a Java HashMap
 * would: `encodePropertiesInJavaOrder`.
 */
export function encodeProperties(properties: PropertyEntries): string {
  let out = '';
  for (const [name, value] of properties) {
    if (value === null || value === undefined) continue;
    if (out.length > 0) out += PROPERTY_SEPARATOR;
    out += name + NAME_VALUE_SEPARATOR + value;
  }
  return out;
}

/**
 * Writes properties as a Java broker or client holding them in a `HashMap` does
 * (`messageProperties2String`): Java HashMap iteration order, no trailing separator. The Map's
 * own order stands for insertion order, which decides the order of names sharing a bucket: a
 * broker inserts what the producer sent first (in the producer's string order) and `CLUSTER`
 * after it.
 *
 * `capacity` is the HashMap's table size; the default fits a map grown by puts from `new
 * HashMap<>()`, which is how Java builds properties.
 */
export function encodePropertiesInJavaOrder(
  properties: ReadonlyMap<string, string | null | undefined>,
  capacity?: number,
): string {
  const keys = javaHashMapOrder([...properties.keys()], capacity);
  let out = '';
  for (const name of keys) {
    const value = properties.get(name);
    if (value === null || value === undefined) continue;
    if (out.length > 0) out += PROPERTY_SEPARATOR;
    out += name + NAME_VALUE_SEPARATOR + value;
  }
  return out;
}
