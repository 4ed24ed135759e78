// Owns: a push consumer's rebalance: which queues it holds (the process-queue table), dropping
// the ones taken away (commit their offset; orderly: wait for the running batch, then unlock),
// creating the ones given (orderly clustering: only once locked) and starting their pulls, the
// per-topic threshold split, and the broker queue locks orderly consumption needs.
// Counterpart: org.apache.rocketmq.client.impl.consumer.RebalanceImpl and RebalancePushImpl (4.9.8).

import { messageQueueKey, type MessageQueue } from '../message.js';
import type { QueueLocks } from './consume-orderly.js';
import { RemoteOffsetStore } from './offset-store.js';
import { ProcessQueue } from './process-queue.js';
import type { PullRequest } from './pull-message-service.js';
import type { PushConsumerState } from './push-consumer-state.js';
import { allocateQueues, computePullFromWhere, lockQueues, RETRY_GROUP_TOPIC_PREFIX, unlockQueues } from './rebalance.js';

/** Java's tryLock(1000) on the process queue's consume lock before unlocking a dropped orderly queue. */
const CONSUME_LOCK_WAIT_MS = 1000;

export class RebalancePush implements QueueLocks {
  readonly #state: PushConsumerState;
  readonly #dispatchPull: (request: PullRequest) => void;
  /** Orderly queues handed over while still caching messages, unlocked later (and at shutdown). */
  readonly #pendingUnlocks = new Map<string, MessageQueue>();

  constructor(state: PushConsumerState, dispatchPull: (request: PullRequest) => void) {
    this.#state = state;
    this.#dispatchPull = dispatchPull;
  }

  async doRebalance(): Promise<void> {
    for (const topic of [...this.#state.subscriptions.keys()]) {
      try {
        await this.#rebalanceByTopic(topic);
      } catch (err) {
        if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) this.#state.logger.warn({ err, topic }, 'rebalance of a topic failed');
      }
    }
    this.#truncateMessageQueueNotMyTopic();
  }

  async #rebalanceByTopic(topic: string): Promise<void> {
    const state = this.#state;
    const mqAll = state.topicSubscribeInfo.get(topic);
    if (mqAll === undefined) {
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) state.logger.warn({ topic }, 'doRebalance, but the topic has no route yet');
      return;
    }
    const { consumerGroup, messageModel, allocateStrategy } = state.config;
    const mine = await allocateQueues(state.instance, consumerGroup, topic, mqAll, messageModel, allocateStrategy);
    if (mine === undefined) return;
    if (await this.#updateProcessQueueTable(topic, mine)) this.#messageQueueChanged(topic);
  }

  /** Java's updateProcessQueueTableInRebalance; true when the table changed. */
  async #updateProcessQueueTable(topic: string, mqSet: readonly MessageQueue[]): Promise<boolean> {
    const state = this.#state;
    const wanted = new Set(mqSet.map(messageQueueKey));
    let changed = false;
    // Dropped queues are released side by side: each waits for a commit (and, orderly, for its
    // running batch), and one unreachable broker must not hold up the others.
    const removals: Array<Promise<void>> = [];
    for (const [key, { mq, pq }] of [...state.processQueueTable]) {
      if (mq.topic !== topic) continue;
      const gone = !wanted.has(key);
      if (!gone && !pq.isPullExpired()) continue;
      if (!gone) state.logger.warn({ topic, queueId: mq.queueId }, 'the queue was not pulled for too long, re-creating it');
      pq.dropped = true;
      removals.push(
        this.removeUnnecessaryMessageQueue(mq, pq).then((removed) => {
          if (!removed) return;
          if (state.processQueueTable.get(key)?.pq === pq) state.processQueueTable.delete(key);
          changed = true;
        }),
      );
    }
    await Promise.all(removals);
    const lockFirst = state.orderly && state.clustering;
    for (const mq of mqSet) {
      const key = messageQueueKey(mq);
      if (state.processQueueTable.has(key)) continue;
      if (lockFirst && !(await this.lock(mq))) {
        state.logger.info({ topic, queueId: mq.queueId }, 'a new queue is not ours yet: its broker lock is held by another member');
        continue;
      }
      state.offsetStore.removeOffset(mq);
      const pq = new ProcessQueue();
      pq.locked = true;
      pq.lastLockTimestamp = Date.now();
      let nextOffset: number;
      try {
        nextOffset = await computePullFromWhere(state.instance, state.offsetStore, mq, state.config.consumeFromWhere, state.config.consumeTimestamp);
      } catch (err) {
        state.logger.warn({ err, topic, queueId: mq.queueId }, 'cannot compute where a new queue starts, trying at the next rebalance');
        continue;
      }
      if (nextOffset < 0 || state.processQueueTable.has(key) || state.serviceState !== 'RUNNING') continue;
      state.processQueueTable.set(key, { mq, pq });
      state.logger.info({ topic, queueId: mq.queueId, brokerName: mq.brokerName, nextOffset }, 'queue assigned');
      this.#dispatchPull({ consumerGroup: state.config.consumerGroup, mq, pq, nextOffset });
      changed = true;
    }
    return changed;
  }

  /**
   * Java's messageQueueChanged: a new subVersion for the topic's subscription, the topic budgets
   * split over the queues now held, and a heartbeat so brokers see the change at once.
   */
  #messageQueueChanged(topic: string): void {
    const state = this.#state;
    const subscription = state.subscriptions.get(topic);
    if (subscription !== undefined) subscription.subVersion = Date.now();
    const queues = state.processQueueTable.size;
    if (queues > 0) {
      const { pullThresholdForTopic, pullThresholdSizeForTopic } = state.config;
      if (pullThresholdForTopic !== -1) state.pullThresholdForQueue = Math.max(1, Math.floor(pullThresholdForTopic / queues));
      if (pullThresholdSizeForTopic !== -1) state.pullThresholdSizeForQueue = Math.max(1, Math.floor(pullThresholdSizeForTopic / queues));
    }
    void state.instance.sendHeartbeatToAllBrokers();
  }

  #truncateMessageQueueNotMyTopic(): void {
    const state = this.#state;
    for (const [key, { mq, pq }] of [...state.processQueueTable]) {
      if (state.subscriptions.has(mq.topic)) continue;
      state.processQueueTable.delete(key);
      pq.dropped = true;
    }
  }

  /**
   * Commits a dropped queue's offset and forgets it; orderly clustering also waits (up to 1 s) for
   * a running batch and releases the broker lock. False when the batch is still running: the
   * queue stays in the table, dropped, and the next rebalance tries again.
   */
  async removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    const state = this.#state;
    await this.#persistNow(mq);
    state.offsetStore.removeOffset(mq);
    if (!(state.orderly && state.clustering)) return true;
    const running = pq.consumeInFlight;
    if (running !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        running.then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CONSUME_LOCK_WAIT_MS))),
      ]);
      clearTimeout(timer);
      if (!finished) {
        pq.tryUnlockTimes++;
        state.logger.warn({ topic: mq.topic, queueId: mq.queueId, tryUnlockTimes: pq.tryUnlockTimes }, 'a batch of the dropped queue is still being consumed; unlock later');
        return false;
      }
    }
    this.#unlockDelay(mq, pq);
    return true;
  }

  /** RebalanceImpl#removeProcessQueue: forget this process queue (if it is still the queue's) and release the queue. */
  async removeProcessQueue(mq: MessageQueue, pq: ProcessQueue): Promise<void> {
    const key = messageQueueKey(mq);
    if (this.#state.processQueueTable.get(key)?.pq !== pq) return;
    this.#state.processQueueTable.delete(key);
    pq.dropped = true;
    await this.removeUnnecessaryMessageQueue(mq, pq);
  }

  /**
   * Java commits a dropped queue's offset one-way; the next owner may then read an older offset and
   * consume again what we did. We wait for the broker's answer when it keeps the offsets.
   */
  async #persistNow(mq: MessageQueue): Promise<void> {
    const store = this.#state.offsetStore;
    try {
      if (store instanceof RemoteOffsetStore) await store.persistSync(mq);
      else await store.persist(mq);
    } catch (err) {
      this.#state.logger.warn({ err, topic: mq.topic, queueId: mq.queueId }, 'committing the offset of a dropped queue failed');
    }
  }

  /** Java's unlockDelay: a queue handed over with messages still cached is unlocked unlockDelayTimeMillis later. */
  #unlockDelay(mq: MessageQueue, pq: ProcessQueue): void {
    const delayMs = this.#state.config.unlockDelayTimeMillis;
    if (!pq.hasTempMessage() || delayMs === 0) {
      void this.unlock(mq);
      return;
    }
    const key = messageQueueKey(mq);
    this.#pendingUnlocks.set(key, mq);
    this.#state.tasks.later(delayMs, async () => {
      if (this.#pendingUnlocks.delete(key)) await this.unlock(mq);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Broker locks (orderly, clustering)

  async lock(mq: MessageQueue): Promise<boolean> {
    const state = this.#state;
    try {
      const locked = await lockQueues(state.instance, state.config.consumerGroup, mq.brokerName, [mq]);
      this.#markLocked(locked);
      return locked.some((m) => messageQueueKey(m) === messageQueueKey(mq));
    } catch (err) {
      state.logger.warn({ err, topic: mq.topic, queueId: mq.queueId }, 'lock failed');
      return false;
    }
  }

  /** Java's lockAll: renews every held queue's lock, per broker; queues refused are marked unlocked. */
  async lockAll(): Promise<void> {
    const state = this.#state;
    for (const [brokerName, mqs] of this.#queuesByBroker()) {
      try {
        const locked = await lockQueues(state.instance, state.config.consumerGroup, brokerName, mqs);
        this.#markLocked(locked);
        const ok = new Set(locked.map(messageQueueKey));
        for (const mq of mqs) {
          const assigned = state.assigned(mq);
          if (assigned !== undefined && !ok.has(messageQueueKey(mq))) {
            if (assigned.pq.locked) state.logger.warn({ topic: mq.topic, queueId: mq.queueId }, 'the queue lock was lost');
            assigned.pq.locked = false;
          }
        }
      } catch (err) {
        state.logger.warn({ err, brokerName }, 'lockBatchMQ failed');
      }
    }
  }

  async unlock(mq: MessageQueue): Promise<void> {
    const state = this.#state;
    await unlockQueues(state.instance, state.config.consumerGroup, mq.brokerName, [mq]);
    const assigned = state.assigned(mq);
    if (assigned !== undefined) assigned.pq.locked = false;
  }

  /** Releases every held lock, the delayed ones included (shutdown). */
  async unlockAll(): Promise<void> {
    const state = this.#state;
    const byBroker = this.#queuesByBroker();
    for (const mq of this.#pendingUnlocks.values()) {
      const list = byBroker.get(mq.brokerName) ?? [];
      list.push(mq);
      byBroker.set(mq.brokerName, list);
    }
    this.#pendingUnlocks.clear();
    await Promise.all(
      [...byBroker].map(async ([brokerName, mqs]) => {
        await unlockQueues(state.instance, state.config.consumerGroup, brokerName, mqs);
        for (const mq of mqs) {
          const assigned = state.assigned(mq);
          if (assigned !== undefined) assigned.pq.locked = false;
        }
      }),
    );
  }

  #markLocked(locked: readonly MessageQueue[]): void {
    const now = Date.now();
    for (const mq of locked) {
      const assigned = this.#state.assigned(mq);
      if (assigned === undefined) continue;
      assigned.pq.locked = true;
      assigned.pq.lastLockTimestamp = now;
    }
  }

  #queuesByBroker(): Map<string, MessageQueue[]> {
    const out = new Map<string, MessageQueue[]>();
    for (const { mq } of this.#state.processQueueTable.values()) {
      const list = out.get(mq.brokerName);
      if (list === undefined) out.set(mq.brokerName, [mq]);
      else list.push(mq);
    }
    return out;
  }
}
