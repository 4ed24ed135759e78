// Owns: which queue a send goes to: round robin over the topic's writable queues, avoiding the
// broker that just failed on a retry, and, with sendLatencyFaultEnable, avoiding brokers that
// were slow or failing for a while scaled by their latency.
// Counterpart: org.apache.rocketmq.client.latency.MQFaultStrategy and
// TopicPublishInfo#selectOneMessageQueue / #getQueueIdByBroker (4.9.8).

import { isWriteable } from '../../common/topic-config.js';
import type { TopicPublishInfo } from '../connection/topic-route.js';
import type { MessageQueue } from '../message.js';
import { type FaultClock, LatencyFaultTolerance } from './latency-fault-tolerance.js';
import type { RoundRobinIndex } from './round-robin-index.js';

/** A send that took at least latencyMax[i] makes its broker unavailable for notAvailableDuration[i]. */
export const LATENCY_MAX_MS: readonly number[] = Object.freeze([50, 100, 550, 1000, 2000, 3000, 15_000]);
export const NOT_AVAILABLE_DURATION_MS: readonly number[] = Object.freeze([0, 0, 30_000, 60_000, 120_000, 180_000, 600_000]);
/** The latency charged to a broker whose send failed: it lands in the last step (600 s). */
export const ISOLATION_LATENCY_MS = 30_000;

export interface FaultStrategyOptions {
  sendLatencyFaultEnable: boolean;
  clock?: FaultClock;
  random?: () => number;
}

export class FaultStrategy {
  readonly sendLatencyFaultEnable: boolean;
  readonly faultTolerance: LatencyFaultTolerance;

  constructor(options: FaultStrategyOptions) {
    this.sendLatencyFaultEnable = options.sendLatencyFaultEnable;
    this.faultTolerance = new LatencyFaultTolerance(options.clock, options.random);
  }

  /**
   * The queue for the next attempt. `lastBrokerName` is the broker of the previous attempt of the
   * same send (undefined on the first). Undefined only when the topic has no writable queue.
   */
  selectOneMessageQueue(info: TopicPublishInfo, index: RoundRobinIndex, lastBrokerName?: string): MessageQueue | undefined {
    const queues = info.messageQueues;
    if (queues.length === 0) return undefined;
    if (!this.sendLatencyFaultEnable) return selectRoundRobin(info, index, lastBrokerName);

    // Compat: as Java 4.9.8, the latency path does not look at lastBrokerName: a broker that just
    // failed is already marked unavailable for 600 s by updateFaultItem.
    const start = index.next();
    for (let i = 0; i < queues.length; i++) {
      const mq = queues[((start + i) & 0x7fffffff) % queues.length]!;
      if (this.faultTolerance.isAvailable(mq.brokerName)) return mq;
    }
    // Every broker is marked: take the least bad one, on a queue it has for this topic.
    const notBestBroker = this.faultTolerance.pickOneAtLeast();
    const writeQueueNums = notBestBroker === undefined ? -1 : writeQueueNumsOf(info, notBestBroker);
    if (notBestBroker !== undefined && writeQueueNums > 0) {
      const mq = selectRoundRobin(info, index);
      if (mq !== undefined) return { topic: mq.topic, brokerName: notBestBroker, queueId: index.next() % writeQueueNums };
    } else if (notBestBroker !== undefined) {
      // Compat: Java drops the entry of a broker that does not serve this topic.
      this.faultTolerance.remove(notBestBroker);
    }
    return selectRoundRobin(info, index);
  }

  /**
   * Records how a send to `brokerName` went. `isolation` (the send failed) charges it
   * ISOLATION_LATENCY_MS. Does nothing unless sendLatencyFaultEnable.
   */
  updateFaultItem(brokerName: string, currentLatencyMs: number, isolation: boolean): void {
    if (!this.sendLatencyFaultEnable) return;
    const duration = computeNotAvailableDuration(isolation ? ISOLATION_LATENCY_MS : currentLatencyMs);
    this.faultTolerance.updateFaultItem(brokerName, currentLatencyMs, duration);
  }
}

/** How long a broker is avoided after a send that took `latencyMs`. */
export function computeNotAvailableDuration(latencyMs: number): number {
  for (let i = LATENCY_MAX_MS.length - 1; i >= 0; i--) {
    if (latencyMs >= LATENCY_MAX_MS[i]!) return NOT_AVAILABLE_DURATION_MS[i]!;
  }
  return 0;
}

/**
 * The next queue in turn; with `lastBrokerName`, the next one on another broker when there is one
 * (Java's TopicPublishInfo.selectOneMessageQueue).
 */
export function selectRoundRobin(info: TopicPublishInfo, index: RoundRobinIndex, lastBrokerName?: string): MessageQueue | undefined {
  const queues = info.messageQueues;
  if (queues.length === 0) return undefined;
  if (lastBrokerName !== undefined) {
    for (let i = 0; i < queues.length; i++) {
      const mq = queues[index.next() % queues.length]!;
      if (mq.brokerName !== lastBrokerName) return mq;
    }
  }
  return queues[index.next() % queues.length];
}

/** The write queue count of a broker for this topic, or -1 when it has no writable queues here. */
export function writeQueueNumsOf(info: TopicPublishInfo, brokerName: string): number {
  for (const qd of info.route.queueDatas) {
    if (isWriteable(qd.perm) && qd.brokerName === brokerName) return qd.writeQueueNums;
  }
  return -1;
}
