// Owns: what a timer message carries at each stage, as pure functions: the delivery time a
// producer asked for, the record parked in rmq_sys_wheel_timer, and the record written when its
// time comes (to its own topic, or back to the timer topic for another round of a long wait).
// Counterpart: org.apache.rocketmq.broker.util.HookUtils#transformTimerMessage and
// TimerMessageStore#convert / #convertMessage (5.x).
//
// Properties through the stages (Java's names, except the last):
//   sent       TIMER_DELIVER_MS (absolute ms) | TIMER_DELAY_SEC | TIMER_DELAY_MS | __STARTDELIVERTIME
//   parked     + TIMER_OUT_MS (the slot), REAL_TOPIC, REAL_QID; topic rmq_sys_wheel_timer, queue 0
//   rolled     + TIMER_ROLL_TIMES, TIMER_ENQUEUE_MS, TIMER_DEQUEUE_MS, __RMQTS_TIMER_SOURCE
//   delivered  - REAL_TOPIC, REAL_QID; + TIMER_ENQUEUE_MS, TIMER_DEQUEUE_MS, __RMQTS_TIMER_SOURCE
// The producer's own properties (TIMER_DELIVER_MS included) stay, as in RocketMQ 5.
//
// __RMQTS_TIMER_SOURCE (rocketmq-ts) names the CommitLog offset of the parked record a delivered
// or rolled record came from: after a crash, recovery reads it back from the CommitLog to know
// which parked messages were already delivered (see timer-message-store.ts).

import type { MessageExt } from '../../common/message/message-record.js';
import { encodeProperties, MessageConst } from '../../common/message/properties.js';
import type { MessageInput } from '../../store/message-store.js';

/** Java's TimerMessageStore.TIMER_TOPIC: TopicValidator.SYSTEM_TOPIC_PREFIX + "wheel_timer". */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';

/**
 * Compat: the start-deliver time (absolute ms) ali-ons and the Aliyun ONS clients set
 * (`Message#setStartDeliverTime`). Apache RocketMQ's broker ignores it; we treat it as
 * TIMER_DELIVER_MS, with the lowest precedence.
 */
export const PROPERTY_START_DELIVER_TIME = '__STARTDELIVERTIME';

/** rocketmq-ts: the CommitLog offset of the parked record this delivered or rolled record came from. */
export const PROPERTY_TIMER_SOURCE_OFFSET = '__RMQTS_TIMER_SOURCE';

/** The properties that ask for a delivery time, in order of precedence. */
const REQUEST_KEYS = [MessageConst.PROPERTY_TIMER_DELAY_SEC, MessageConst.PROPERTY_TIMER_DELAY_MS, MessageConst.PROPERTY_TIMER_DELIVER_MS, PROPERTY_START_DELIVER_TIME] as const;

const LONG = /^-?\d{1,18}$/;

/** True when any property asking for a delivery time is present. */
export function asksForDeliveryTime(properties: ReadonlyMap<string, string>): boolean {
  for (const key of REQUEST_KEYS) if (properties.has(key)) return true;
  return false;
}

/**
 * The delivery time (absolute ms) the properties ask for, 'illegal' when the value that counts is
 * not an integer (Java's Long.parseLong fails), undefined when none is present.
 */
export function requestedDeliverMs(properties: ReadonlyMap<string, string>, nowMs: number): number | 'illegal' | undefined {
  for (const key of REQUEST_KEYS) {
    const raw = properties.get(key);
    if (raw === undefined) continue;
    if (!LONG.test(raw)) return 'illegal';
    const value = Number(raw);
    if (key === MessageConst.PROPERTY_TIMER_DELAY_SEC) return nowMs + value * 1000;
    if (key === MessageConst.PROPERTY_TIMER_DELAY_MS) return nowMs + value;
    return value;
  }
  return undefined;
}

/**
 * TIMER_OUT_MS for a delivery time: the slot whose end the message is delivered at. Java's rule:
 * a time on a slot boundary goes to the slot before it (delivered exactly on time), any other to
 * the slot it falls in (delivered at that slot's end, less than one precision late). Either way
 * delivery is at ceil(deliverMs / precisionMs) * precisionMs: never early, never a slot late.
 */
export function timerOutMs(deliverMs: number, precisionMs: number): number {
  return deliverMs % precisionMs === 0 ? deliverMs - precisionMs : Math.floor(deliverMs / precisionMs) * precisionMs;
}

/** The key a cancel (TIMER_DEL_UNIQKEY) names a message by: Java 5's buildDeleteKey. */
export function timerDeleteKey(topic: string, uniqKey: string): string {
  return `${topic}+${uniqKey}`;
}

/** The message to park in the timer topic instead of `msg`, due at slot `outMs`. */
export function parkedMessage(msg: MessageInput, outMs: number): MessageInput {
  const properties = new Map(msg.properties);
  properties.set(MessageConst.PROPERTY_TIMER_OUT_MS, String(outMs));
  properties.set(MessageConst.PROPERTY_REAL_TOPIC, msg.topic);
  properties.set(MessageConst.PROPERTY_REAL_QUEUE_ID, String(msg.queueId));
  return { ...msg, topic: TIMER_TOPIC, queueId: 0, properties, propertiesString: encodeProperties(properties) };
}

/** What the timer log entry of a parked record tells its delivery. */
export interface DeliveryContext {
  /** CommitLog offset of the parked record. */
  sourceOffset: number;
  enqueueTimeMs: number;
  nowMs: number;
}

/**
 * The record to write when a parked message's time comes: its own topic and queue again, its
 * properties less REAL_TOPIC and REAL_QID. Undefined when the parked record does not name them.
 */
export function deliveredMessage(parked: MessageExt, at: DeliveryContext): MessageInput | undefined {
  const properties = parked.properties;
  const topic = properties.get(MessageConst.PROPERTY_REAL_TOPIC);
  const queueId = Number(properties.get(MessageConst.PROPERTY_REAL_QUEUE_ID));
  if (topic === undefined || topic === '' || !Number.isInteger(queueId) || queueId < 0) return undefined;
  properties.delete(MessageConst.PROPERTY_REAL_TOPIC);
  properties.delete(MessageConst.PROPERTY_REAL_QUEUE_ID);
  stamp(properties, at);
  return recordInput(parked, topic, queueId, properties);
}

/** The record to write when a roll entry's slot comes: the same message, parked again. */
export function rolledMessage(parked: MessageExt, at: DeliveryContext): MessageInput {
  const properties = parked.properties;
  const rolls = Number(properties.get(MessageConst.PROPERTY_TIMER_ROLL_TIMES) ?? '0');
  properties.set(MessageConst.PROPERTY_TIMER_ROLL_TIMES, String((Number.isInteger(rolls) ? rolls : 0) + 1));
  stamp(properties, at);
  return recordInput(parked, TIMER_TOPIC, 0, properties);
}

function stamp(properties: Map<string, string>, at: DeliveryContext): void {
  properties.set(MessageConst.PROPERTY_TIMER_ENQUEUE_MS, String(at.enqueueTimeMs));
  properties.set(MessageConst.PROPERTY_TIMER_DEQUEUE_MS, String(at.nowMs));
  properties.set(PROPERTY_TIMER_SOURCE_OFFSET, String(at.sourceOffset));
}

function recordInput(parked: MessageExt, topic: string, queueId: number, properties: Map<string, string>): MessageInput {
  return {
    topic,
    queueId,
    flag: parked.flag,
    // The stored bytes: a compressed body stays compressed, with its sysFlag bit.
    body: parked.body,
    properties,
    propertiesString: encodeProperties(properties),
    sysFlag: parked.sysFlag,
    bornTimestamp: parked.bornTimestamp,
    bornHost: parked.bornHost,
    reconsumeTimes: parked.reconsumeTimes,
  };
}
