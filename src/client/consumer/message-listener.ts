// Owns: what a PushConsumer's application code implements: the two listener kinds (concurrently,
// orderly), the statuses they return and the contexts they receive.
// Counterpart: org.apache.rocketmq.client.consumer.listener.{MessageListenerConcurrently,
// MessageListenerOrderly, ConsumeConcurrentlyStatus, ConsumeOrderlyStatus,
// ConsumeConcurrentlyContext, ConsumeOrderlyContext} (4.9.8).
//
// Java tells the kinds apart by interface; a function carries no interface at run time, so an
// orderly listener is registered as `{ consumeOrderly }` and a concurrent one as
// `{ consumeConcurrently }` or a bare function.

import type { MessageQueue, ReceivedMessage } from '../message.js';

/**
 * The listener's verdict on a concurrently consumed batch. The constants keep their literal types
 * where a bare string would widen: an async listener may `return ConsumeConcurrentlyStatus.CONSUME_SUCCESS`
 * (or `'CONSUME_SUCCESS' as const`).
 */
export const ConsumeConcurrentlyStatus = Object.freeze({
  CONSUME_SUCCESS: 'CONSUME_SUCCESS',
  /** The failed messages come back later through the group's retry topic (clustering). */
  RECONSUME_LATER: 'RECONSUME_LATER',
} as const);
export type ConsumeConcurrentlyStatus = (typeof ConsumeConcurrentlyStatus)[keyof typeof ConsumeConcurrentlyStatus];

/** The listener's verdict on an orderly consumed batch. */
export const ConsumeOrderlyStatus = Object.freeze({
  SUCCESS: 'SUCCESS',
  /** The same batch is retried after suspendCurrentQueueTimeMillis; the queue waits meanwhile. */
  SUSPEND_CURRENT_QUEUE_A_MOMENT: 'SUSPEND_CURRENT_QUEUE_A_MOMENT',
} as const);
export type ConsumeOrderlyStatus = (typeof ConsumeOrderlyStatus)[keyof typeof ConsumeOrderlyStatus];

/** Java's ConsumeConcurrentlyContext: what the listener may tune about a batch's outcome. */
export interface ConsumeConcurrentlyContext {
  /** The queue the batch came from. */
  readonly messageQueue: MessageQueue;
  /**
   * The delay level a failed message is sent back with: 0 (the default) lets the broker decide
   * (3 + reconsumeTimes), -1 sends it straight to the dead letter queue.
   */
  delayLevelWhenNextConsume: number;
  /**
   * With CONSUME_SUCCESS, messages [0..ackIndex] succeeded and the rest failed (sent back).
   * Default: the whole batch (Java's Integer.MAX_VALUE).
   */
  ackIndex: number;
}

/** Java's ConsumeOrderlyContext (autoCommit mode). */
export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** How long SUSPEND_CURRENT_QUEUE_A_MOMENT waits before retrying; -1 (default) means the consumer's suspendCurrentQueueTimeMillis. */
  suspendCurrentQueueTimeMillis: number;
}

/** Messages of one queue; a thrown error or rejected promise counts as RECONSUME_LATER. */
export type ConsumeConcurrentlyFunction = (
  msgs: ReceivedMessage[],
  context: ConsumeConcurrentlyContext,
) => ConsumeConcurrentlyStatus | Promise<ConsumeConcurrentlyStatus>;

/** Messages of one queue in queue-offset order; a thrown error or rejected promise counts as SUSPEND_CURRENT_QUEUE_A_MOMENT. */
export type ConsumeOrderlyFunction = (msgs: ReceivedMessage[], context: ConsumeOrderlyContext) => ConsumeOrderlyStatus | Promise<ConsumeOrderlyStatus>;

/** A concurrent listener: messages of a queue may be consumed in parallel and out of order. */
export interface MessageListenerConcurrently {
  consumeConcurrently: ConsumeConcurrentlyFunction;
}

/** An orderly listener: one batch at a time per queue, in queue-offset order (queues locked on the broker when clustering). */
export interface MessageListenerOrderly {
  consumeOrderly: ConsumeOrderlyFunction;
}

/** What registerMessageListener takes: a bare function is a concurrent listener. */
export type MessageListener = ConsumeConcurrentlyFunction | MessageListenerConcurrently | MessageListenerOrderly;

/** Java's ConsumeConcurrentlyContext default ackIndex, Integer.MAX_VALUE. */
export const ACK_INDEX_ALL = 2_147_483_647;

export type NormalizedListener =
  | { readonly orderly: false; readonly consume: ConsumeConcurrentlyFunction }
  | { readonly orderly: true; readonly consume: ConsumeOrderlyFunction };

export function normalizeListener(listener: MessageListener): NormalizedListener {
  if (typeof listener === 'function') return { orderly: false, consume: listener };
  if ('consumeOrderly' in listener && typeof listener.consumeOrderly === 'function') return { orderly: true, consume: listener.consumeOrderly.bind(listener) };
  if ('consumeConcurrently' in listener && typeof listener.consumeConcurrently === 'function') {
    return { orderly: false, consume: listener.consumeConcurrently.bind(listener) };
  }
  throw new TypeError('a message listener is a function, { consumeConcurrently } or { consumeOrderly }');
}
