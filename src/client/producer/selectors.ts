// Owns: choosing the queue of an ordered send: the selector type and the built-in selectors
// (by hash of an argument, and at random), with the Java hash codes they depend on.
// Counterpart: org.apache.rocketmq.client.producer.MessageQueueSelector and
// selector.SelectMessageQueueByHash / SelectMessageQueueByRandom (4.9.8).
//
// A selector sees every writable queue of the topic, in the order Java lists them (brokers by
// name, queue ids ascending), so the same argument picks the same queue as a Java producer would
// for a topic with the same route.

import { javaStringHashCode } from '../../common/message/java-hash.js';
import type { Message, MessageQueue } from '../message.js';

/**
 * Picks the queue for one message among the topic's writable queues. `arg` is the value given to
 * `send(message, { selector, arg })`. Returning undefined fails the send.
 */
export type MessageQueueSelector = (mqs: readonly MessageQueue[], message: Message, arg: unknown) => MessageQueue | undefined;

/**
 * The queue at `hashCode(arg) % mqs.length` (negated when negative), where hashCode is Java's
 * for the argument's type: String for strings, Integer/Long for integers, Double for other
 * numbers, Long for bigints, Boolean for booleans. The same argument always maps to the same
 * queue while the queue list is unchanged.
 */
export const selectMessageQueueByHash: MessageQueueSelector = (mqs, _message, arg) => {
  if (mqs.length === 0) return undefined;
  let value = javaHashCode(arg) % mqs.length;
  if (value < 0) value = Math.abs(value);
  return mqs[value];
};

/** A queue chosen at random. */
export const selectMessageQueueByRandom: MessageQueueSelector = (mqs) => mqs[Math.floor(Math.random() * mqs.length)];

/**
 * Java's `hashCode()` of the boxed value a Java producer would have been given.
 * Throws TypeError for values with no Java counterpart (objects, undefined).
 */
export function javaHashCode(arg: unknown): number {
  switch (typeof arg) {
    case 'string':
      return javaStringHashCode(arg);
    case 'number':
      if (Number.isInteger(arg) && arg >= -0x80000000 && arg <= 0x7fffffff) return arg | 0; // Integer
      if (Number.isSafeInteger(arg)) return javaLongHashCode(BigInt(arg)); // Long
      return javaDoubleHashCode(arg);
    case 'bigint':
      return javaLongHashCode(arg);
    case 'boolean':
      return arg ? 1231 : 1237;
    default:
      throw new TypeError(`no Java hash code for a ${arg === null ? 'null' : typeof arg} selector argument`);
  }
}

/** Long.hashCode: the two 32-bit halves XORed. */
function javaLongHashCode(value: bigint): number {
  const v = BigInt.asUintN(64, value);
  return Number(BigInt.asIntN(32, v ^ (v >> 32n)));
}

/** Double.hashCode: Long.hashCode of doubleToLongBits (every NaN has one canonical bit pattern). */
function javaDoubleHashCode(value: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Number.isNaN(value) ? NaN : value);
  return javaLongHashCode(view.getBigUint64(0));
}
