// Owns: the queue locks orderly consumers take at rebalance (LOCK_BATCH_MQ) so that one client
// of a group consumes a queue at a time; a lock lapses when its holder stops renewing it.
// Counterpart: org.apache.rocketmq.broker.client.rebalance.RebalanceLockManager (4.9.8).
//
// Java clients renew every 20 s (lockAll) and the broker lets a lock live 60 s without renewal
// (-Drocketmq.broker.rebalance.lockMaxLiveTime). Any request by the holder renews the lock.

import pino, { type Logger } from 'pino';
import type { MessageQueue } from '../../remoting/requests/client.js';

/** Java's REBALANCE_LOCK_MAX_LIVE_TIME. */
export const REBALANCE_LOCK_MAX_LIVE_TIME_MS_DEFAULT = 60_000;

interface LockEntry {
  mq: MessageQueue;
  clientId: string;
  lastUpdateTimestamp: number;
}

export interface RebalanceLockManagerOptions {
  now?: () => number;
  /** How long a lock lives without renewal (ms). */
  lockMaxLiveTimeMs?: number;
  logger?: Logger;
}

/** A key that tells queues apart: topics cannot hold NUL, and the last part is a number. */
function queueKey(mq: MessageQueue): string {
  return `${mq.topic}\u0000${mq.brokerName}\u0000${mq.queueId}`;
}

export class RebalanceLockManager {
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #groups = new Map<string, Map<string, LockEntry>>();
  lockMaxLiveTimeMs: number;

  constructor(options: RebalanceLockManagerOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.lockMaxLiveTimeMs = options.lockMaxLiveTimeMs ?? REBALANCE_LOCK_MAX_LIVE_TIME_MS_DEFAULT;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'broker.rebalance-lock' });
  }

  /** Takes or renews the lock of one queue; false when another live client holds it. */
  tryLock(group: string, mq: MessageQueue, clientId: string): boolean {
    return this.tryLockBatch(group, [mq], clientId).length === 1;
  }

  /**
   * Takes or renews the locks of `mqs` for `clientId`: a queue is granted when it is unlocked,
   * already held by this client, or held by a lock that expired. Returns the granted queues
   * (each once, whatever the duplicates in `mqs`).
   */
  tryLockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): MessageQueue[] {
    const now = this.#now();
    let locks = this.#groups.get(group);
    if (locks === undefined) {
      locks = new Map();
      this.#groups.set(group, locks);
    }
    const granted = new Map<string, MessageQueue>();
    for (const mq of mqs) {
      const key = queueKey(mq);
      if (granted.has(key)) continue;
      const entry = locks.get(key);
      if (entry === undefined) {
        locks.set(key, { mq, clientId, lastUpdateTimestamp: now });
        this.#logger.debug({ group, clientId, mq }, 'queue lock taken');
      } else if (entry.clientId === clientId) {
        // Renewal; Java grants a holder its own expired lock the same way.
        entry.lastUpdateTimestamp = now;
      } else if (this.#expired(entry, now)) {
        this.#logger.info({ group, clientId, previousClientId: entry.clientId, mq }, 'queue lock expired, taken over');
        entry.clientId = clientId;
        entry.lastUpdateTimestamp = now;
      } else {
        this.#logger.debug({ group, clientId, holder: entry.clientId, mq }, 'queue locked by another client');
        continue;
      }
      granted.set(key, mq);
    }
    return [...granted.values()];
  }

  /** Releases the queues `clientId` holds among `mqs`; locks held by others stay. */
  unlockBatch(group: string, mqs: Iterable<MessageQueue>, clientId: string): void {
    const locks = this.#groups.get(group);
    if (locks === undefined) return;
    for (const mq of mqs) {
      const key = queueKey(mq);
      const entry = locks.get(key);
      if (entry === undefined) continue;
      if (entry.clientId !== clientId) {
        this.#logger.debug({ group, clientId, holder: entry.clientId, mq }, 'unlock of a queue locked by another client ignored');
        continue;
      }
      locks.delete(key);
    }
    if (locks.size === 0) this.#groups.delete(group);
  }

  /** Whether `clientId` holds a live lock on the queue (does not renew it). */
  isLocked(group: string, mq: MessageQueue, clientId: string): boolean {
    const entry = this.#groups.get(group)?.get(queueKey(mq));
    return entry !== undefined && entry.clientId === clientId && !this.#expired(entry, this.#now());
  }

  /** The client holding a live lock on the queue, if any. */
  holderOf(group: string, mq: MessageQueue): string | undefined {
    const entry = this.#groups.get(group)?.get(queueKey(mq));
    return entry !== undefined && !this.#expired(entry, this.#now()) ? entry.clientId : undefined;
  }

  #expired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdateTimestamp > this.lockMaxLiveTimeMs;
  }
}
