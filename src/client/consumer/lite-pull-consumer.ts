// Owns: the LitePullConsumer: an application polls messages when it wants them. Queues come from
// subscribe() (the group's members share them by rebalance) or assign() (fixed, no rebalance);
// one pull task per queue (lite-pull-tasks.ts) fills a bounded buffer (poll-buffer.ts) that poll()
// drains; offsets are committed by hand (commit, commitSync) or automatically for what poll
// returned; seek moves a queue.
// Counterpart: org.apache.rocketmq.client.consumer.DefaultLitePullConsumer,
// org.apache.rocketmq.client.impl.consumer.DefaultLitePullConsumerImpl and RebalanceLitePullImpl (4.9.8).
//
// Where we differ from Java, and why:
// - commitSync() persists at once and resolves when the broker answered (Java's only fills the
//   offset store and leaves the sending to the 5 s schedule); commit() is the deferred variant.
// - shutdown() with autoCommit commits what poll returned before the final persist, as Kafka's
//   close() does; Java persists only what an earlier poll had committed.
// - poll() skips the buffered messages of paused queues (they are returned after resume());
//   Java returns what was in flight when pause() was called.
// - A queue leaving the assignment by rebalance has its polled offset committed first (with
//   autoCommit), so its next owner starts where this one stopped.

import type { Logger } from 'pino';
import { MQError } from '../../common/mq-error.js';
import type { TopicRouteData } from '../../common/route-data.js';
import type { ConsumerData, SubscriptionData } from '../../remoting/requests/client.js';
import { maxOffset, minOffset, searchOffset } from '../connection/broker-api.js';
import { ClientInstance, type ConsumerMember } from '../connection/client-instance.js';
import { toSubscribeInfo } from '../connection/topic-route.js';
import { compareMessageQueue, messageQueueKey, type MessageQueue, type ReceivedMessage } from '../message.js';
import { AssignedQueues, type QueueState } from './assigned-queues.js';
import { type LitePullConsumerConfig, type ResolvedLitePullConfig, resolveLitePullConfig } from './lite-pull-config.js';
import { LitePullTasks } from './lite-pull-tasks.js';
import { LocalFileOffsetStore, type OffsetStore, RemoteOffsetStore } from './offset-store.js';
import { PollBuffer } from './poll-buffer.js';
import { PullApi } from './pull-api.js';
import { allocateQueues, computePullFromWhere } from './rebalance.js';
import { buildSubscriptionData } from './subscription.js';

/** Called with a topic's queues when they change (Java's TopicMessageQueueChangeListener). */
export type TopicMessageQueueChangeListener = (topic: string, queues: MessageQueue[]) => void;

/** What is buffered between the pull tasks and poll(), for monitoring. */
export interface LitePullBufferStatus {
  /** Messages pulled and not yet returned by poll, over all queues. */
  messageCount: number;
  /** How many times a pull was held back because a threshold was crossed. */
  flowControlTimes: number;
  queues: Array<{
    mq: MessageQueue;
    messageCount: number;
    bodyBytes: number;
    paused: boolean;
    /** Where the next pull starts (-1: not yet known). */
    pullOffset: number;
    /** The offset after the last polled message (-1: nothing polled yet). */
    consumeOffset: number;
  }>;
}

type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'START_FAILED' | 'SHUTDOWN_ALREADY';
type SubscriptionType = 'NONE' | 'SUBSCRIBE' | 'ASSIGN';

/** Java checks queue metadata first 10 s after start. */
const TOPIC_METADATA_FIRST_CHECK_MS = 10_000;

const NOT_RUNNING = 'The consumer not running, please start it first.';
const SUBSCRIPTION_CONFLICT = 'Subscribe and assign are mutually exclusive.';

/**
 * A consumer the application drives: `poll()` returns the next pulled messages, and the
 * application decides when their offsets are committed (or lets autoCommit do it).
 *
 * ```ts
 * const consumer = new LitePullConsumer({ namesrvAddr: '127.0.0.1:9876', consumerGroup: 'CID_orders' });
 * await consumer.subscribe('Orders', 'TagA || TagB');
 * await consumer.start();
 * for (;;) {
 *   const messages = await consumer.poll();
 *   // ... handle them; with autoCommit their offsets are committed by a later poll
 * }
 * ```
 */
export class LitePullConsumer {
  readonly #clientConfig: LitePullConsumerConfig;
  readonly #config: ResolvedLitePullConfig;
  readonly #startTimestamp = Date.now();
  #serviceState: ServiceState = 'CREATE_JUST';
  #subscriptionType: SubscriptionType = 'NONE';
  #instance: ClientInstance | undefined;
  #offsetStore: OffsetStore | undefined;
  #tasks: LitePullTasks | undefined;
  #logger: Logger | undefined;
  readonly #subscriptions = new Map<string, SubscriptionData>();
  readonly #assignSubscriptions = new Map<string, SubscriptionData>();
  /** Readable queues of each subscribed topic, from the latest route. */
  readonly #topicSubscribeInfo = new Map<string, MessageQueue[]>();
  readonly #assigned = new AssignedQueues();
  readonly #buffer = new PollBuffer();
  readonly #topicListeners = new Map<string, TopicMessageQueueChangeListener>();
  readonly #knownTopicQueues = new Map<string, MessageQueue[]>();
  #metadataCheckTimer: NodeJS.Timeout | undefined;
  #rebalanceChain: Promise<void> = Promise.resolve();
  #nextAutoCommitDeadline = -1;
  #shutdownPromise: Promise<void> | undefined;
  readonly #member: ConsumerMember;

  constructor(config: LitePullConsumerConfig) {
    this.#config = resolveLitePullConfig(config);
    this.#clientConfig = config;
    this.#member = {
      group: this.#config.consumerGroup,
      consumerData: () => this.#consumerData(),
      subscribedTopics: () => this.#subscribedTopics(),
      onTopicRoute: (topic, route) => this.#onTopicRoute(topic, route),
      rebalance: () => this.#rebalance(),
      persistOffsets: () => this.#persistConsumerOffset(),
      runningInfo: () => this.#runningInfo(),
    };
  }

  /** The consumer group. */
  get consumerGroup(): string {
    return this.#config.consumerGroup;
  }

  /** True between a successful start() and shutdown(). */
  get running(): boolean {
    return this.#serviceState === 'RUNNING';
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Joins the client instance, loads offsets and starts pulling what was subscribed or assigned. */
  async start(): Promise<void> {
    if (this.#serviceState !== 'CREATE_JUST') {
      throw new MQError(-1, `The PullConsumer service state not OK, maybe started once, ${this.#serviceState}`);
    }
    this.#serviceState = 'START_FAILED';
    try {
      const instance = ClientInstance.acquire(this.#clientConfig);
      this.#instance = instance;
      this.#logger = instance.logger.child({ component: 'client.lite-pull', group: this.#config.consumerGroup });
      this.#tasks = new LitePullTasks({
        config: this.#config,
        buffer: this.#buffer,
        pullApi: new PullApi(instance),
        logger: this.#logger,
        running: () => this.#serviceState === 'RUNNING',
        subscriptionOf: (topic) => this.#subscriptionOf(topic),
        startOffset: (state) => this.#startOffset(state),
      });
      this.#offsetStore =
        this.#config.messageModel === 'BROADCASTING'
          ? new LocalFileOffsetStore(this.#config.localOffsetStoreDir, instance.clientId, this.#config.consumerGroup)
          : new RemoteOffsetStore(instance, this.#config.consumerGroup);
      await this.#offsetStore.load();
      instance.registerConsumer(this.#member);
    } catch (err) {
      // A duplicate group, a bad client setting: nothing was started, so the consumer may be fixed and started again.
      this.#serviceState = 'CREATE_JUST';
      throw err;
    }
    this.#serviceState = 'RUNNING';
    this.#startTopicMetadataCheck();
    await this.#operateAfterRunning();
    this.#logger.info({ messageModel: this.#config.messageModel }, 'lite pull consumer started');
  }

  /** Stops the pull tasks, commits (with autoCommit) and persists the offsets, and leaves the client instance. Idempotent. */
  shutdown(): Promise<void> {
    if (this.#serviceState === 'RUNNING') this.#shutdownPromise = this.#shutdown();
    return this.#shutdownPromise ?? Promise.resolve();
  }

  async #shutdown(): Promise<void> {
    this.#serviceState = 'SHUTDOWN_ALREADY';
    clearTimeout(this.#metadataCheckTimer);
    this.#tasks!.cancelAll();
    this.#buffer.wakeAll();
    if (this.#config.autoCommit) this.#commitAll();
    try {
      await this.#persistNow(this.#assigned.queues());
    } catch (err) {
      this.#logger!.warn({ err }, 'offset commit at shutdown failed');
    }
    await this.#instance!.unregisterConsumer(this.#config.consumerGroup);
    this.#logger!.info('lite pull consumer shut down');
  }

  async #operateAfterRunning(): Promise<void> {
    const instance = this.#instance!;
    if (this.#subscriptionType === 'SUBSCRIBE') {
      await this.#updateRoutes(this.#subscriptions.keys());
      await instance.sendHeartbeatToAllBrokers();
      instance.rebalanceImmediately();
    } else if (this.#subscriptionType === 'ASSIGN') {
      await this.#updateRoutes(this.#assigned.topics());
      await instance.sendHeartbeatToAllBrokers();
      for (const state of this.#assigned.states()) this.#tasks!.start(state);
    }
    for (const topic of this.#topicListeners.keys()) {
      try {
        this.#knownTopicQueues.set(topic, await this.fetchMessageQueues(topic));
      } catch (err) {
        this.#logger!.warn({ err, topic }, 'cannot read the queues of a listened topic');
      }
    }
  }

  async #updateRoutes(topics: Iterable<string>): Promise<void> {
    await Promise.all(
      [...topics].map((topic) =>
        this.#instance!.updateTopicRoute(topic).catch((err: unknown) => this.#logger!.warn({ err, topic }, 'cannot read the route of a topic')),
      ),
    );
  }

  #checkRunning(): void {
    if (this.#serviceState !== 'RUNNING') throw new MQError(-1, NOT_RUNNING);
  }

  #setSubscriptionType(type: SubscriptionType): void {
    if (this.#subscriptionType === 'NONE') this.#subscriptionType = type;
    else if (this.#subscriptionType !== type) throw new MQError(-1, SUBSCRIPTION_CONFLICT);
  }

  // -------------------------------------------------------------------------------------------
  // Subscribe, assign

  /**
   * Subscribes to a topic with a tag expression (`*`, `TagA || TagB`). The group's members share
   * the topic's queues, reassigned whenever a member joins or leaves. Not with assign().
   */
  async subscribe(topic: string, expression = '*'): Promise<void> {
    if (typeof topic !== 'string' || topic === '') throw new MQError(-1, 'Topic can not be null or empty.');
    this.#setSubscriptionType('SUBSCRIBE');
    this.#subscriptions.set(topic, buildSubscriptionData(topic, expression));
    if (this.#serviceState === 'RUNNING') {
      await this.#updateRoutes([topic]);
      await this.#instance!.sendHeartbeatToAllBrokers();
      this.#instance!.rebalanceImmediately();
    }
  }

  /** Stops reading a subscribed topic; its offsets are persisted (with autoCommit, up to what poll returned). */
  unsubscribe(topic: string): void {
    this.#subscriptions.delete(topic);
    this.#topicSubscribeInfo.delete(topic);
    for (const state of this.#assigned.removeTopic(topic)) this.#dropQueue(state, true);
  }

  /** Reads exactly these queues, with no rebalance: replaces any earlier assignment. Not with subscribe(). */
  assign(queues: readonly MessageQueue[]): void {
    if (queues.length === 0) throw new MQError(-1, 'Message queues can not be null or empty.');
    this.#setSubscriptionType('ASSIGN');
    const { added, removed } = this.#assigned.update(undefined, queues);
    for (const state of removed) this.#dropQueue(state, false);
    if (this.#serviceState === 'RUNNING') for (const state of added) this.#tasks!.start(state);
  }

  /** The tag expression used for a topic's assigned queues (default `*`); before start(), as Java. */
  setSubExpressionForAssign(topic: string, expression: string): void {
    if (expression.trim() === '') throw new MQError(-1, 'subExpression can not be null or empty.');
    if (this.#serviceState !== 'CREATE_JUST') throw new MQError(-1, 'setAssignTag only can be called before start.');
    this.#setSubscriptionType('ASSIGN');
    this.#assignSubscriptions.set(topic, buildSubscriptionData(topic, expression));
  }

  /** The queues this consumer reads now (subscribe: its share after the latest rebalance). */
  assignment(): MessageQueue[] {
    return this.#assigned.queues().sort(compareMessageQueue);
  }

  /** Every readable queue of a topic, from the NameServer. */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.#checkRunning();
    const route = await this.#instance!.updateTopicRoute(topic);
    const queues = toSubscribeInfo(topic, route).sort(compareMessageQueue);
    if (queues.length === 0) throw new MQError(-1, `Can not find Message Queue for this topic, ${topic}`);
    return queues;
  }

  /**
   * Calls `listener` whenever the queues of `topic` change (checked every
   * topicMetadataCheckIntervalMillis). A second listener for a topic replaces the first.
   */
  async registerTopicMessageQueueChangeListener(topic: string, listener: TopicMessageQueueChangeListener): Promise<void> {
    this.#topicListeners.set(topic, listener);
    if (this.#serviceState === 'RUNNING') this.#knownTopicQueues.set(topic, await this.fetchMessageQueues(topic));
  }

  #startTopicMetadataCheck(): void {
    const interval = this.#config.topicMetadataCheckIntervalMillis;
    const run = async (): Promise<void> => {
      for (const [topic, listener] of [...this.#topicListeners]) {
        if (this.#serviceState !== 'RUNNING') return;
        try {
          const queues = await this.fetchMessageQueues(topic);
          const known = this.#knownTopicQueues.get(topic);
          if (known !== undefined && sameQueues(known, queues)) continue;
          this.#knownTopicQueues.set(topic, queues);
          listener(topic, queues);
        } catch (err) {
          this.#logger!.warn({ err, topic }, 'topic queue check failed');
        }
      }
      if (this.#serviceState === 'RUNNING') this.#metadataCheckTimer = setTimeout(() => void run(), interval).unref();
    };
    this.#metadataCheckTimer = setTimeout(() => void run(), Math.min(TOPIC_METADATA_FIRST_CHECK_MS, interval)).unref();
  }

  // -------------------------------------------------------------------------------------------
  // Rebalance (subscribe mode; the client instance calls it)

  #rebalance(): Promise<void> {
    // Calls from the schedule and from NOTIFY_CONSUMER_IDS_CHANGED run one after the other.
    this.#rebalanceChain = this.#rebalanceChain.then(() => this.#doRebalance()).catch((err: unknown) => {
      this.#logger?.warn({ err }, 'rebalance failed');
    });
    return this.#rebalanceChain;
  }

  async #doRebalance(): Promise<void> {
    if (this.#serviceState !== 'RUNNING' || this.#subscriptionType !== 'SUBSCRIBE') return;
    for (const topic of [...this.#subscriptions.keys()]) {
      const mqAll = this.#topicSubscribeInfo.get(topic);
      if (mqAll === undefined) {
        this.#logger!.debug({ topic }, 'no route for a subscribed topic yet, not rebalancing it');
        continue;
      }
      const c = this.#config;
      const allocated = await allocateQueues(this.#instance!, c.consumerGroup, topic, mqAll, c.messageModel, c.allocateStrategy);
      // The subscription may have ended, or the consumer stopped, while the group was read.
      if (allocated === undefined || !this.#subscriptions.has(topic) || this.#serviceState !== 'RUNNING') continue;
      const { added, removed } = this.#assigned.update(topic, allocated);
      for (const state of removed) this.#dropQueue(state, true);
      for (const state of added) this.#tasks!.start(state);
      if (added.length > 0 || removed.length > 0) {
        this.#logger!.info({ topic, queues: allocated.map(messageQueueKey) }, 'rebalanced result changed');
      }
    }
  }

  /**
   * A queue left the assignment: stop its task and forget its buffer. With persist (rebalance,
   * unsubscribe) its offset is handed to the broker for its next owner (Java's
   * removeUnnecessaryMessageQueue), with autoCommit first including what poll returned.
   */
  #dropQueue(state: QueueState, persist: boolean): void {
    this.#tasks?.cancel(state);
    this.#buffer.clear(state);
    if (!persist || this.#offsetStore === undefined || this.#serviceState !== 'RUNNING') return;
    const store = this.#offsetStore;
    if (this.#config.autoCommit && state.consumeOffset >= 0) store.updateOffset(state.mq, state.consumeOffset, false);
    // persist() takes the offset before its first await, so removing it right after is safe.
    store.persist(state.mq).catch((err: unknown) => this.#logger!.debug({ err, mq: state.key }, 'offset commit of a dropped queue failed'));
    store.removeOffset(state.mq);
  }

  // -------------------------------------------------------------------------------------------
  // What the pull tasks ask of the consumer

  /** Java's lite consumer reads memory first (a commit() made before the task started counts), then the store or consumeFromWhere. */
  async #startOffset(state: QueueState): Promise<number> {
    const store = this.#offsetStore!;
    const inMemory = await store.readOffset(state.mq, 'READ_FROM_MEMORY');
    if (inMemory >= 0) return inMemory;
    return computePullFromWhere(this.#instance!, store, state.mq, this.#config.consumeFromWhere, this.#config.consumeTimestamp);
  }

  #subscriptionOf(topic: string): SubscriptionData {
    if (this.#subscriptionType === 'SUBSCRIBE') {
      const sub = this.#subscriptions.get(topic);
      if (sub !== undefined) return sub;
    }
    let sub = this.#assignSubscriptions.get(topic);
    if (sub === undefined) this.#assignSubscriptions.set(topic, (sub = buildSubscriptionData(topic, '*')));
    return sub;
  }

  // -------------------------------------------------------------------------------------------
  // Poll, pause, seek

  /**
   * The next pulled messages of one queue (at most pullBatchSize, in queue order), waiting up to
   * `timeoutMs` for some; `[]` when none came. With autoCommit, first commits what earlier polls
   * returned once autoCommitIntervalMillis has passed.
   */
  async poll(timeoutMs = this.#config.pollTimeoutMillis): Promise<ReceivedMessage[]> {
    this.#checkRunning();
    if (!(timeoutMs >= 0)) throw new MQError(-1, 'Timeout must not be negative');
    if (this.#config.autoCommit) this.#maybeAutoCommit();
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      // After shutdown began nothing is handed out: its final commit has already been taken.
      if (this.#serviceState !== 'RUNNING') return [];
      const batch = this.#buffer.take();
      if (batch !== undefined) return batch.messages;
      const remainingMs = deadline - performance.now();
      if (remainingMs <= 0) return [];
      await this.#buffer.waitForBatch(remainingMs);
    }
  }

  #maybeAutoCommit(): void {
    const now = Date.now();
    if (now < this.#nextAutoCommitDeadline) return;
    this.#commitAll();
    this.#nextAutoCommitDeadline = now + this.#config.autoCommitIntervalMillis;
  }

  /** Stops pulling these queues, and poll() skips what is buffered for them, until resume(). */
  pause(queues: readonly MessageQueue[]): void {
    this.#assigned.setPaused(queues, true);
  }

  /** Pulls these queues again; what was buffered for them is polled first. */
  resume(queues: readonly MessageQueue[]): void {
    for (const state of this.#assigned.setPaused(queues, false)) this.#tasks?.wake(state);
    this.#buffer.wakeAll();
  }

  /**
   * The next poll of this queue starts at `queueOffset` (between the queue's min and max offsets):
   * what is buffered for it is dropped and its pull restarts there.
   */
  async seek(mq: MessageQueue, queueOffset: number): Promise<void> {
    this.#checkRunning();
    this.#assertAssigned(mq);
    const instance = this.#instance!;
    const [min, max] = await Promise.all([minOffset(instance, mq), maxOffset(instance, mq)]);
    if (!Number.isSafeInteger(queueOffset) || queueOffset < min || queueOffset > max) {
      throw new MQError(-1, `Seek offset illegal, seek offset = ${queueOffset}, min offset = ${min}, max offset = ${max}`);
    }
    const state = this.#assertAssigned(mq);
    this.#buffer.clear(state);
    this.#tasks!.cancel(state);
    state.seekOffset = queueOffset;
    this.#tasks!.start(state);
  }

  /** seek() to the queue's first offset still stored. */
  async seekToBegin(mq: MessageQueue): Promise<void> {
    this.#checkRunning();
    await this.seek(mq, await minOffset(this.#instance!, mq));
  }

  /** seek() past the queue's last message: only messages sent from now on are polled. */
  async seekToEnd(mq: MessageQueue): Promise<void> {
    this.#checkRunning();
    await this.seek(mq, await maxOffset(this.#instance!, mq));
  }

  #assertAssigned(mq: MessageQueue): QueueState {
    const state = this.#assigned.get(mq);
    if (state !== undefined) return state;
    const why = this.#subscriptionType === 'SUBSCRIBE' ? ', may be rebalancing' : '';
    throw new MQError(-1, `The message queue is not in assigned list${why}, message queue: ${messageQueueKey(mq)}`);
  }

  /** The first queue offset whose message was stored at or after `timestampMs`. */
  async offsetForTimestamp(mq: MessageQueue, timestampMs: number): Promise<number> {
    this.#checkRunning();
    return searchOffset(this.#instance!, mq, timestampMs);
  }

  // -------------------------------------------------------------------------------------------
  // Offsets

  /** The committed offset of a queue (this consumer's latest commit, else the broker's or the local file's); -1 when none. */
  async committed(mq: MessageQueue): Promise<number> {
    this.#checkRunning();
    return this.#offsetStore!.readOffset(mq, 'MEMORY_FIRST_THEN_STORE');
  }

  /**
   * Records offsets to commit: the given ones (queue, next offset to consume), or else the offset
   * after what poll() returned for every assigned queue. They reach the broker (or the local file)
   * with the next scheduled persist (persistConsumerOffsetIntervalMs) or at shutdown.
   */
  commit(offsets?: Iterable<readonly [MessageQueue, number]>): void {
    this.#checkRunning();
    if (offsets === undefined) this.#commitAll();
    else this.#commitOffsets(offsets);
  }

  /** As commit(), then persists at once: resolves when the broker acknowledged (or the local file is written). */
  async commitSync(offsets?: Iterable<readonly [MessageQueue, number]>): Promise<void> {
    this.#checkRunning();
    const queues = offsets === undefined ? this.#commitAll() : this.#commitOffsets(offsets);
    await this.#persistNow(queues);
  }

  /** The consumed offset of every assigned queue into the offset store; returns the queues committed. */
  #commitAll(): MessageQueue[] {
    const committed: MessageQueue[] = [];
    for (const state of this.#assigned.states()) {
      if (state.consumeOffset < 0) continue; // nothing polled from it yet
      this.#offsetStore!.updateOffset(state.mq, state.consumeOffset, false);
      committed.push(state.mq);
    }
    return committed;
  }

  #commitOffsets(offsets: Iterable<readonly [MessageQueue, number]>): MessageQueue[] {
    const committed: MessageQueue[] = [];
    for (const [mq, offset] of offsets) {
      // Java ignores queues this consumer does not read: their offsets belong to another member.
      if (offset < 0 || !this.#assigned.has(mq)) continue;
      this.#offsetStore!.updateOffset(mq, offset, false);
      committed.push(mq);
    }
    return committed;
  }

  /** Persists now and waits: each queue's UPDATE_CONSUMER_OFFSET answered, or the whole local file written. */
  async #persistNow(queues: readonly MessageQueue[]): Promise<void> {
    const store = this.#offsetStore!;
    if (store instanceof RemoteOffsetStore) await Promise.all(queues.map((mq) => store.persistSync(mq)));
    // The local file holds every queue, so it is always written whole.
    else await store.persistAll(this.#assigned.queues());
  }

  /** The scheduled persist (persistConsumerOffsetIntervalMs) of the client instance. */
  async #persistConsumerOffset(): Promise<void> {
    if (this.#serviceState !== 'RUNNING') return;
    await this.#offsetStore!.persistAll(this.#assigned.queues());
  }

  // -------------------------------------------------------------------------------------------
  // What the client instance asks of a member

  #consumerData(): ConsumerData {
    return {
      groupName: this.#config.consumerGroup,
      consumeType: 'CONSUME_ACTIVELY',
      messageModel: this.#config.messageModel,
      consumeFromWhere: this.#config.consumeFromWhere,
      unitMode: false,
      subscriptionDataSet: [...this.#subscriptions.values()],
    };
  }

  /** Topics whose routes the instance keeps fresh: the subscribed ones, or those of the assigned queues. */
  #subscribedTopics(): Iterable<string> {
    return this.#subscriptionType === 'ASSIGN' ? this.#assigned.topics() : this.#subscriptions.keys();
  }

  #onTopicRoute(topic: string, route: TopicRouteData): void {
    if (this.#subscriptions.has(topic)) this.#topicSubscribeInfo.set(topic, toSubscribeInfo(topic, route));
  }

  /** GET_CONSUMER_RUNNING_INFO: Java's lite consumer reports its settings and subscriptions. */
  #runningInfo(): Record<string, unknown> {
    const c = this.#config;
    const properties: Record<string, string> = { PROP_CONSUMER_START_TIMESTAMP: String(this.#startTimestamp), PROP_CONSUME_TYPE: 'CONSUME_ACTIVELY' };
    for (const [key, value] of Object.entries(c)) if (typeof value !== 'object') properties[key] = String(value);
    properties['allocateMessageQueueStrategy'] = c.allocateStrategy.name;
    return { properties, subscriptionSet: [...this.#subscriptions.values()] };
  }

  /** What is buffered between the pull tasks and poll(). */
  bufferStatus(): LitePullBufferStatus {
    return {
      messageCount: this.#buffer.messageCount,
      flowControlTimes: this.#tasks?.flowControlTimes ?? 0,
      queues: this.#assigned
        .states()
        .sort((a, b) => compareMessageQueue(a.mq, b.mq))
        .map((s) => ({ mq: s.mq, messageCount: s.messageCount, bodyBytes: s.bodyBytes, paused: s.paused, pullOffset: s.pullOffset, consumeOffset: s.consumeOffset })),
    };
  }
}

function sameQueues(a: readonly MessageQueue[], b: readonly MessageQueue[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(messageQueueKey));
  return b.every((mq) => keys.has(messageQueueKey(mq)));
}
