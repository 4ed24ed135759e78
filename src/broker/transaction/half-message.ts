// Owns: the messages a transaction writes, built from what it started with: the half message a
// TRAN_MSG send becomes, its re-appended copy before each check, the committed message, the op
// record that marks a half message resolved, the record a discarded half message leaves in
// TRANS_CHECK_MAX_TIME_TOPIC, and the record sent to a producer in CHECK_TRANSACTION_STATE. No I/O.
// Counterpart: org.apache.rocketmq.broker.transaction.queue.TransactionalMessageBridge
// (parseHalfMessageInner, renewHalfMessageInner, renewImmunityHalfMessageInner, makeOpMessageInner),
// TransactionalMessageUtil, EndTransactionProcessor.endMessageTransaction and
// DefaultTransactionalMessageCheckListener.toMessageExtBrokerInner (4.9.8).
//
// A half message is the producer's message parked in RMQ_SYS_TRANS_HALF_TOPIC queue 0 with
// REAL_TOPIC / REAL_QID naming where it belongs and its transaction bits reset to "not", so it gets
// a ConsumeQueue entry there (and none in its real topic). Resolving it appends an op record to
// RMQ_SYS_TRANS_OP_HALF_TOPIC, same queue id: tag "d", body = the half message's queue offset in
// decimal. The check service reads both queues to find half messages nobody resolved.

import { type MessageExt, encodeMessageRecord } from '../../common/message/message-record.js';
import { MessageSysFlag, resetTransactionValue } from '../../common/message/message-sys-flag.js';
import { encodePropertiesInJavaOrder, MessageConst } from '../../common/message/properties.js';
import type { MessageInput } from '../../store/message-store.js';
import { RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC } from '../topic/topic-config-manager.js';

/** The broker's own consumer group for both transaction queues (Java's MixAll.CID_SYS_RMQ_TRANS). */
export const CID_SYS_RMQ_TRANS = 'CID_RMQ_SYS_TRANS';
/** Tag of an op record: the half message it names is resolved ("remove"). */
export const REMOVE_TAG = 'd';
/** Where half messages checked transactionCheckMax times go (Java's TRANS_CHECK_MAX_TIME_TOPIC, 1 queue). */
export const TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const TRANS_CHECK_MAX_TIME_QUEUE_NUMS = 1;
/** The queue half messages are parked in. */
export const HALF_QUEUE_ID = 0;

export { RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC };

/** Java's Boolean.parseBoolean of TRAN_MSG: a transactional (half) message. */
export function isTransactionPrepared(properties: ReadonlyMap<string, string>): boolean {
  return properties.get(MessageConst.PROPERTY_TRANSACTION_PREPARED)?.toLowerCase() === 'true';
}

/**
 * The half message to store for a TRAN_MSG send: topic and queue moved to REAL_TOPIC / REAL_QID,
 * the half topic's queue 0, transaction bits "not". The properties are re-encoded in Java HashMap
 * order (as Java does here), so the stored bytes equal a 4.9.8 broker's.
 */
export function toHalfMessage(msg: MessageInput): MessageInput {
  const properties = new Map(msg.properties);
  // Compat: 4.9.8's send path takes WAIT out and puts it back after CLUSTER, which moves it behind
  // keys sharing its HashMap bucket (PGROUP): the half record's order shows it (store snapshot).
  const wait = properties.get(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
  if (wait !== undefined) {
    properties.delete(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
    properties.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, wait);
  }
  properties.set(MessageConst.PROPERTY_REAL_TOPIC, msg.topic);
  properties.set(MessageConst.PROPERTY_REAL_QUEUE_ID, String(msg.queueId));
  return {
    ...msg,
    topic: RMQ_SYS_TRANS_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    sysFlag: resetTransactionValue(msg.sysFlag ?? 0, MessageSysFlag.TRANSACTION_NOT_TYPE),
    properties,
    propertiesString: encodePropertiesInJavaOrder(properties),
  };
}

/**
 * A copy of a half message to append to the half queue again (before it is checked, or while it is
 * immune): same body, born data, sysFlag and properties, which the caller may have changed
 * (TRANSACTION_CHECK_TIMES, TRAN_PREPARED_QUEUE_OFFSET).
 *
 * Compat: Java's copy loses the message's flag and reconsumeTimes (renewHalfMessageInner does not
 * set them); ours keeps them, so a message committed after a check carries what the producer sent.
 */
export function renewHalfMessage(half: MessageExt, properties: ReadonlyMap<string, string>): MessageInput {
  return {
    topic: half.topic,
    queueId: half.queueId,
    flag: half.flag,
    body: half.body,
    properties,
    propertiesString: encodePropertiesInJavaOrder(properties),
    sysFlag: half.sysFlag,
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
  };
}

/** Why a half message cannot be turned into its real message (its REAL_* properties are broken). */
export type CommitRefusal = { reason: string };

/**
 * The message a COMMIT writes: the half message back in its real topic and queue, transaction bits
 * "commit", preparedTransactionOffset = the half message's commit-log offset.
 *
 * Compat: Java clears TRAN_MSG, REAL_TOPIC and REAL_QID from the message's property map only after
 * it has encoded the properties string, so the committed record stores the half message's string
 * unchanged (fixture store-manifest: the committed FixtureTopic record). We store the same string;
 * the cleared map decides only the tag code and the index keys, which those three do not touch.
 */
export function toCommittedMessage(half: MessageExt): MessageInput | CommitRefusal {
  const topic = half.properties.get(MessageConst.PROPERTY_REAL_TOPIC);
  const queueIdText = half.properties.get(MessageConst.PROPERTY_REAL_QUEUE_ID);
  if (topic === undefined) return { reason: 'the half message has no REAL_TOPIC property' };
  const queueId = queueIdText === undefined ? Number.NaN : Number(queueIdText);
  if (!Number.isInteger(queueId) || queueId < 0 || queueId > 0x7fffffff) return { reason: `the half message's REAL_QID [${queueIdText ?? ''}] is not a queue id` };
  const properties = new Map(half.properties);
  properties.delete(MessageConst.PROPERTY_TRANSACTION_PREPARED);
  properties.delete(MessageConst.PROPERTY_REAL_TOPIC);
  properties.delete(MessageConst.PROPERTY_REAL_QUEUE_ID);
  return {
    topic,
    queueId,
    flag: half.flag,
    body: half.body,
    properties,
    propertiesString: half.propertiesString,
    sysFlag: resetTransactionValue(half.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.commitLogOffset,
  };
}

/** Java's `new Message(opTopic, "d", body)`: WAIT=true and the tag, encoded before anything else is added. */
const OP_PROPERTIES: ReadonlyMap<string, string> = new Map([
  [MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'true'],
  [MessageConst.PROPERTY_TAGS, REMOVE_TAG],
]);
const OP_PROPERTIES_STRING = encodePropertiesInJavaOrder(OP_PROPERTIES);

/**
 * The op record that resolves the half message at `halfQueueOffset` of half queue `queueId`, born
 * on the broker itself. Compat: Java also gives it a UNIQ_KEY, after encoding its properties, so
 * the key is indexed but never stored; we give it none.
 */
export function opMessage(halfQueueId: number, halfQueueOffset: number, brokerAddr: string, nowMs: number): MessageInput {
  return {
    topic: RMQ_SYS_TRANS_OP_HALF_TOPIC,
    queueId: halfQueueId,
    body: Buffer.from(String(halfQueueOffset), 'utf8'),
    properties: OP_PROPERTIES,
    propertiesString: OP_PROPERTIES_STRING,
    sysFlag: 0,
    bornTimestamp: nowMs,
    bornHost: brokerAddr,
  };
}

/**
 * The half queue offset an op record names, or -1 (as Java's getLong) when its body is not a
 * decimal number.
 */
export function opRecordHalfOffset(op: MessageExt): number {
  const text = op.body.toString('utf8');
  if (!/^-?\d{1,16}$/.test(text)) return -1;
  return Number(text);
}

/** A half message checked transactionCheckMax times, kept for people to look at. */
export function toCheckMaxTimeMessage(half: MessageExt, properties: ReadonlyMap<string, string>): MessageInput {
  return {
    topic: TRANS_CHECK_MAX_TIME_TOPIC,
    queueId: 0,
    flag: half.flag,
    body: half.body,
    properties,
    propertiesString: encodePropertiesInJavaOrder(properties),
    sysFlag: half.sysFlag,
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    reconsumeTimes: half.reconsumeTimes,
  };
}

/** Where a re-appended copy of a half message was stored. */
export interface HalfCopyPosition {
  queueOffset: number;
  commitLogOffset: number;
}

/**
 * The CHECK_TRANSACTION_STATE body: the half message as a record, with its real topic and queue,
 * the position of the copy just appended, and the properties the check was made with.
 *
 * Compat: Java sets WAIT=false on a map the check body shares after the copy was stored
 * (fixture transaction/010), so the body says WAIT=false while the stored copy says what the
 * producer sent. We send the same.
 */
export function checkMessageBody(half: MessageExt, properties: ReadonlyMap<string, string>, copy: HalfCopyPosition): Buffer | undefined {
  const realTopic = properties.get(MessageConst.PROPERTY_REAL_TOPIC);
  const realQueueId = Number(properties.get(MessageConst.PROPERTY_REAL_QUEUE_ID));
  if (realTopic === undefined || !Number.isInteger(realQueueId)) return undefined;
  const sent = new Map(properties);
  sent.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'false');
  return encodeMessageRecord({
    topic: realTopic,
    queueId: realQueueId,
    flag: half.flag,
    queueOffset: copy.queueOffset,
    commitLogOffset: copy.commitLogOffset,
    sysFlag: half.sysFlag,
    bornTimestamp: half.bornTimestamp,
    bornHost: half.bornHost,
    storeTimestamp: half.storeTimestamp,
    storeHost: half.storeHost,
    reconsumeTimes: half.reconsumeTimes,
    preparedTransactionOffset: half.preparedTransactionOffset,
    body: half.body,
    bodyCRC: half.bodyCRC,
    propertiesString: encodePropertiesInJavaOrder(sent),
  });
}
