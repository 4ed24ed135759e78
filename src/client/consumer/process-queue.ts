// Owns: the client-side cache of one assigned queue: the pulled messages not yet consumed (by
// queue offset), their count and body bytes for flow control, the smallest unconsumed offset
// (what may be committed), and the queue's state (dropped, broker lock, timestamps).
// Counterpart: org.apache.rocketmq.client.impl.consumer.ProcessQueue (4.9.8).
//
// Java keeps a TreeMap. Pulls of one queue arrive in increasing offsets, so a Map in insertion
// order is already sorted and its first key is the smallest; the rare insert below the largest
// key (orderly messages put back for another try) rebuilds the Map in order.

import { MessageConst } from '../../common/message/properties.js';
import type { ReceivedMessage } from '../message.js';

/** Java's rocketmq.client.rebalance.lockMaxLiveTime: a lock not renewed for this long is no longer trusted. */
export const REBALANCE_LOCK_MAX_LIVE_TIME_MS = 30_000;
/** Java's rocketmq.client.rebalance.lockInterval: how often orderly consumers renew their locks. */
export const REBALANCE_LOCK_INTERVAL_MS = 20_000;
/** Java's rocketmq.client.pull.pullMaxIdleTime: a queue not pulled for this long is dropped and re-created. */
export const PULL_MAX_IDLE_TIME_MS = 120_000;

const MiB = 1024 * 1024;

/** Java's ProcessQueueInfo, as GET_CONSUMER_RUNNING_INFO reports it. */
export interface ProcessQueueInfo {
  commitOffset: number;
  cachedMsgMinOffset: number;
  cachedMsgMaxOffset: number;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: number;
  transactionMsgMaxOffset: number;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: number;
  lastLockTimestamp: number;
  droped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

export class ProcessQueue {
  /** Cached, not yet consumed (orderly: not yet taken) messages by queue offset, ascending. */
  #msgs = new Map<number, ReceivedMessage>();
  /** Orderly: the batch being consumed, taken out of #msgs until commit or put back. */
  #consuming = new Map<number, ReceivedMessage>();
  #msgCount = 0;
  #msgBytes = 0;
  /** The largest offset ever put (Java's queueOffsetMax). */
  #queueOffsetMax = 0;
  /** Orderly: a consume loop owns the queue (Java's `consuming`). */
  #dispatched = false;
  /** Orderly consume loops of this queue run one after the other (Java's per-queue lock object). */
  orderlyChain: Promise<void> = Promise.resolve();
  /** The listener call in progress (Java's consumeLock held), for waiting on it. */
  consumeInFlight: Promise<unknown> | undefined;
  dropped = false;
  locked = false;
  lastLockTimestamp = Date.now();
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();
  tryUnlockTimes = 0;
  /** Messages the broker has beyond the last one pulled (Java's msgAccCnt). */
  msgAccCnt = 0;

  get msgCount(): number {
    return this.#msgCount;
  }

  get msgBytes(): number {
    return this.#msgBytes;
  }

  get msgSizeInMiB(): number {
    return Math.floor(this.#msgBytes / MiB);
  }

  isLockExpired(nowMs = Date.now()): boolean {
    return nowMs - this.lastLockTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME_MS;
  }

  isPullExpired(nowMs = Date.now()): boolean {
    return nowMs - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  /**
   * Caches pulled messages (a repeated offset replaces the cached copy and is not counted twice).
   * Returns true when an orderly consume loop should be started: there is work and none owns the queue.
   */
  putMessage(msgs: readonly ReceivedMessage[]): boolean {
    let largest = this.#lastKey();
    for (const msg of msgs) {
      const offset = msg.queueOffset;
      if (this.#msgs.has(offset)) {
        this.#msgs.set(offset, msg);
        continue;
      }
      if (largest !== undefined && offset < largest) this.#insertBelow(offset, msg);
      else this.#msgs.set(offset, msg);
      largest = largest === undefined || offset > largest ? offset : largest;
      this.#msgCount++;
      this.#msgBytes += msg.body.length;
      this.#queueOffsetMax = offset;
    }
    const last = msgs[msgs.length - 1];
    const brokerMax = last?.properties.get(MessageConst.PROPERTY_MAX_OFFSET);
    if (last !== undefined && brokerMax !== undefined) {
      const behind = Number(brokerMax) - last.queueOffset;
      if (behind > 0) this.msgAccCnt = behind;
    }
    if (this.#msgs.size > 0 && !this.#dispatched) {
      this.#dispatched = true;
      return true;
    }
    return false;
  }

  /** Cached offsets from the smallest to the largest (concurrent flow control). */
  maxSpan(): number {
    const first = this.#firstKey();
    const last = this.#lastKey();
    return first === undefined || last === undefined ? 0 : last - first;
  }

  /**
   * Concurrent: forgets consumed messages and returns the offset that may be committed: the
   * smallest still cached, or one past the largest ever pulled when none is left; -1 when the
   * cache was already empty (nothing to commit).
   */
  removeMessage(msgs: readonly ReceivedMessage[]): number {
    this.lastConsumeTimestamp = Date.now();
    if (this.#msgs.size === 0) return -1;
    let result = this.#queueOffsetMax + 1;
    for (const msg of msgs) {
      const cached = this.#msgs.get(msg.queueOffset);
      if (cached === undefined) continue;
      this.#msgs.delete(msg.queueOffset);
      this.#msgCount--;
      this.#msgBytes -= cached.body.length;
    }
    if (this.#msgCount === 0) this.#msgBytes = 0;
    const first = this.#firstKey();
    if (first !== undefined) result = first;
    return result;
  }

  /** The oldest cached message (consume timeout checks). */
  firstMessage(): ReceivedMessage | undefined {
    const first = this.#firstKey();
    return first === undefined ? undefined : this.#msgs.get(first);
  }

  /** Orderly: takes the next batch out of the cache (into the consuming set). Empty means the loop may stop. */
  takeMessages(batchSize: number): ReceivedMessage[] {
    this.lastConsumeTimestamp = Date.now();
    const out: ReceivedMessage[] = [];
    for (const [offset, msg] of this.#msgs) {
      if (out.length >= batchSize) break;
      out.push(msg);
      this.#consuming.set(offset, msg);
    }
    for (const msg of out) this.#msgs.delete(msg.queueOffset);
    if (out.length === 0) this.#dispatched = false;
    return out;
  }

  /** Orderly: the consuming batch succeeded; returns the offset to commit (one past it), or -1. */
  commit(): number {
    let last: number | undefined;
    for (const [offset, msg] of this.#consuming) {
      last = last === undefined || offset > last ? offset : last;
      this.#msgCount--;
      this.#msgBytes -= msg.body.length;
    }
    if (this.#msgCount === 0) this.#msgBytes = 0;
    this.#consuming.clear();
    return last === undefined ? -1 : last + 1;
  }

  /** Orderly: puts a batch back at the front of the cache for another try. */
  makeMessageToConsumeAgain(msgs: readonly ReceivedMessage[]): void {
    for (const msg of msgs) {
      this.#consuming.delete(msg.queueOffset);
      const last = this.#lastKey();
      if (last !== undefined && msg.queueOffset < last) this.#insertBelow(msg.queueOffset, msg);
      else this.#msgs.set(msg.queueOffset, msg);
    }
  }

  /** Whether messages wait in the cache (orderly unlock delay). */
  hasTempMessage(): boolean {
    return this.#msgs.size > 0;
  }

  /** Forgets everything (offset reset). */
  clear(): void {
    this.#msgs.clear();
    this.#consuming.clear();
    this.#msgCount = 0;
    this.#msgBytes = 0;
    this.#queueOffsetMax = 0;
  }

  info(commitOffset: number): ProcessQueueInfo {
    const consumingKeys = [...this.#consuming.keys()];
    return {
      commitOffset,
      cachedMsgMinOffset: this.#firstKey() ?? 0,
      cachedMsgMaxOffset: this.#lastKey() ?? 0,
      cachedMsgCount: this.#msgs.size,
      cachedMsgSizeInMiB: this.msgSizeInMiB,
      transactionMsgMinOffset: consumingKeys.length === 0 ? 0 : Math.min(...consumingKeys),
      transactionMsgMaxOffset: consumingKeys.length === 0 ? 0 : Math.max(...consumingKeys),
      transactionMsgCount: consumingKeys.length,
      locked: this.locked,
      tryUnlockTimes: this.tryUnlockTimes,
      lastLockTimestamp: this.lastLockTimestamp,
      droped: this.dropped,
      lastPullTimestamp: this.lastPullTimestamp,
      lastConsumeTimestamp: this.lastConsumeTimestamp,
    };
  }

  #firstKey(): number | undefined {
    const first = this.#msgs.keys().next();
    return first.done === true ? undefined : first.value;
  }

  /**
   * The largest cached offset. Usually the last one put; when consumption removed that one first,
   * the cache is scanned (bounded by pullThresholdForQueue entries).
   */
  #lastKey(): number | undefined {
    if (this.#msgs.size === 0) return undefined;
    if (this.#msgs.has(this.#queueOffsetMax)) return this.#queueOffsetMax;
    let last = -1;
    for (const offset of this.#msgs.keys()) if (offset > last) last = offset;
    return last;
  }

  /** Keeps #msgs sorted when an offset lands below the largest: rebuilds it (rare). */
  #insertBelow(offset: number, msg: ReceivedMessage): void {
    const entries = [...this.#msgs.entries(), [offset, msg] as [number, ReceivedMessage]];
    entries.sort((a, b) => a[0] - b[0]);
    this.#msgs = new Map(entries);
  }
}
