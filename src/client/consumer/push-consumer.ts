// Owns: the PushConsumer an application uses: subscriptions, the listener, the lifecycle (start,
// suspend/resume, shutdown that drains and commits), and what the client instance asks of a
// consumer member (heartbeat data, routes, rebalance, offset commits, offset reset, running info).
// Counterpart: org.apache.rocketmq.client.consumer.DefaultMQPushConsumer and
// org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl (4.9.8).
//
// The work is split as in Java: RebalancePush assigns queues and creates process queues,
// PullMessageService keeps one long-polling pull per queue filling them, and a consume service
// (concurrently or orderly) runs the listener and records what may be committed in the offset
// store, which the client instance commits every persistConsumerOffsetInterval.

import type { TopicRouteData } from '../../common/route-data.js';
import { ConfigError, MQError } from '../../common/mq-error.js';
import type { ConsumerData, SubscriptionData } from '../../remoting/requests/client.js';
import { type ClientConfig, parseNamesrvAddrs } from '../client-config.js';
import { ClientInstance, type ConsumerMember } from '../connection/client-instance.js';
import { toSubscribeInfo } from '../connection/topic-route.js';
import { compareMessageQueue, messageQueueKey, type MessageQueue } from '../message.js';
import { ConsumeConcurrentlyService } from './consume-concurrently.js';
import { ConsumeOrderlyService } from './consume-orderly.js';
import {
  type ConsumerRunningInfo,
  encodeConsumerRunningInfo,
  PROP_CLIENT_VERSION,
  PROP_CONSUME_ORDERLY,
  PROP_CONSUME_TYPE,
  PROP_CONSUMER_START_TIMESTAMP,
  PROP_NAMESRV_ADDR,
  PROP_THREADPOOL_CORE_SIZE,
} from './consumer-running-info.js';
import { type MessageListener, type NormalizedListener, normalizeListener } from './message-listener.js';
import { LocalFileOffsetStore, type OffsetStore, RemoteOffsetStore } from './offset-store.js';
import { PullMessageService } from './pull-message-service.js';
import { type PushConsumerConfig, type ResolvedPushConsumerConfig, resolvePushConsumerConfig } from './push-consumer-config.js';
import { PushConsumerState } from './push-consumer-state.js';
import { RebalancePush } from './rebalance-push.js';
import { RETRY_GROUP_TOPIC_PREFIX, retryTopic } from './rebalance.js';
import { buildSubscriptionData } from './subscription.js';

/** What one assigned queue caches right now (flow control is on these numbers). */
export interface CachedQueueStatus {
  messageQueue: MessageQueue;
  /** Messages pulled and not yet consumed (orderly: including the batch being consumed). */
  msgCount: number;
  /** Their body bytes. */
  msgBytes: number;
  /** Whether this client holds the queue's broker lock (orderly clustering). */
  locked: boolean;
}

/**
 * A consumer the broker feeds: it pulls the queues its group assigns it (long polling), caches
 * them under flow control and calls the listener; offsets are committed for it.
 *
 * ```ts
 * const consumer = new PushConsumer({ namesrvAddr: '127.0.0.1:9876', consumerGroup: 'CID_demo' });
 * consumer.subscribe('TopicTest', 'TagA || TagB');
 * consumer.registerMessageListener(async (msgs) => { for (const m of msgs) handle(m); return 'CONSUME_SUCCESS'; });
 * await consumer.start();
 * // ...
 * await consumer.shutdown();
 * ```
 */
export class PushConsumer implements ConsumerMember {
  readonly #clientConfig: ClientConfig;
  readonly #config: ResolvedPushConsumerConfig;
  /** topic -> subscription, before start; the state's table after. */
  readonly #pendingSubscriptions = new Map<string, SubscriptionData>();
  #listener: NormalizedListener | undefined;
  #state: PushConsumerState | undefined;
  #rebalanceImpl: RebalancePush | undefined;
  #startTimestamp = 0;
  #lifecycle: 'CREATE_JUST' | 'STARTING' | 'RUNNING' | 'SHUTDOWN' = 'CREATE_JUST';
  #shutdown: Promise<void> | undefined;
  /** Rebalance and offset reset never run at the same time. */
  #exclusive: Promise<void> = Promise.resolve();
  #rebalanceRunning: Promise<void> | undefined;
  #rebalanceAgain = false;

  constructor(config: PushConsumerConfig) {
    this.#config = resolvePushConsumerConfig(config);
    this.#clientConfig = config;
  }

  /** The consumer group. */
  get group(): string {
    return this.#config.consumerGroup;
  }

  /** The settings in effect (defaults applied). */
  get config(): ResolvedPushConsumerConfig {
    return this.#config;
  }

  /** `ip@instanceName`, once started. */
  get clientId(): string | undefined {
    return this.#state?.instance.clientId;
  }

  /**
   * Subscribes to a topic with a tag expression: `*` (everything), `TagA`, or `TagA || TagB`.
   * May be called before or after start(); a second call for a topic replaces the first.
   */
  subscribe(topic: string, expression = '*'): void {
    if (this.#lifecycle === 'SHUTDOWN') throw new MQError(-1, 'the consumer has been shut down');
    const subscription = buildSubscriptionData(topic, expression);
    const state = this.#state;
    if (state === undefined) {
      this.#pendingSubscriptions.set(topic, subscription);
      return;
    }
    state.subscriptions.set(topic, subscription);
    void this.#refreshAfterSubscriptionChange(topic);
  }

  /** Stops consuming a topic: its queues are dropped at the next rebalance. */
  unsubscribe(topic: string): void {
    this.#pendingSubscriptions.delete(topic);
    this.#state?.subscriptions.delete(topic);
  }

  /** The listener; must be registered before start(). A bare function is a concurrent listener. */
  registerMessageListener(listener: MessageListener): void {
    if (this.#lifecycle !== 'CREATE_JUST') throw new MQError(-1, 'registerMessageListener must be called before start()');
    this.#listener = normalizeListener(listener);
  }

  /** Joins the group and starts pulling; resolves after the first rebalance. */
  async start(): Promise<void> {
    if (this.#lifecycle !== 'CREATE_JUST') throw new MQError(-1, `The PushConsumer service state not OK, ${this.#lifecycle}, maybe started once`);
    const listener = this.#listener;
    if (listener === undefined) throw new ConfigError('messageListener is null: call registerMessageListener before start()', { key: 'messageListener' });
    this.#lifecycle = 'STARTING';
    const instance = ClientInstance.acquire(this.#clientConfig);
    const config = this.#config;
    const offsetStore: OffsetStore =
      config.messageModel === 'CLUSTERING' ? new RemoteOffsetStore(instance, config.consumerGroup) : new LocalFileOffsetStore(config.localOffsetStoreDir, instance.clientId, config.consumerGroup);
    await offsetStore.load();
    // shutdown() during the load had nothing to stop yet; it wins.
    if (this.#lifecycle !== 'STARTING') throw new MQError(-1, 'the consumer was shut down while starting');
    const state = new PushConsumerState(config, instance, offsetStore);
    for (const [topic, sub] of this.#pendingSubscriptions) state.subscriptions.set(topic, sub);
    // Java's copySubscription: a clustering group also consumes its retry topic, where sent-back messages come back.
    if (config.messageModel === 'CLUSTERING') state.subscriptions.set(retryTopic(config.consumerGroup), buildSubscriptionData(retryTopic(config.consumerGroup), '*'));
    let rebalance: RebalancePush | undefined;
    const pull = new PullMessageService(state, (mq, pq) => rebalance?.removeProcessQueue(mq, pq) ?? Promise.resolve());
    rebalance = new RebalancePush(state, (request) => pull.executePullRequestImmediately(request));
    state.consumeService = listener.orderly
      ? new ConsumeOrderlyService(state, listener.consume, rebalance)
      : new ConsumeConcurrentlyService(state, listener.consume, () => state.processQueues());
    this.#state = state;
    this.#rebalanceImpl = rebalance;
    try {
      instance.registerConsumer(this);
    } catch (err) {
      this.#lifecycle = 'CREATE_JUST';
      this.#state = undefined;
      this.#rebalanceImpl = undefined;
      throw err;
    }
    state.serviceState = 'RUNNING';
    this.#lifecycle = 'RUNNING';
    this.#startTimestamp = Date.now();
    state.consumeService.start();
    state.logger.info({ messageModel: config.messageModel, orderly: listener.orderly, clientId: instance.clientId }, 'push consumer started');
    await Promise.all([...state.subscriptions.keys()].map((topic) => this.#updateRoute(state, topic)));
    await instance.sendHeartbeatToAllBrokers();
    await this.rebalance();
  }

  /** Stops pulling (Java's suspend); cached messages are still consumed. */
  suspend(): void {
    if (this.#state !== undefined) this.#state.paused = true;
  }

  /** Resumes pulling and rebalances. */
  resume(): void {
    const state = this.#state;
    if (state === undefined) return;
    state.paused = false;
    if (state.serviceState === 'RUNNING') void this.rebalance();
  }

  /**
   * Leaves the group: stops pulling, waits for running listener calls (up to
   * awaitTerminationMillisWhenShutdown), commits offsets, releases queue locks and unregisters.
   * Idempotent.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    const state = this.#state;
    const previous = this.#lifecycle;
    this.#lifecycle = 'SHUTDOWN';
    if (state === undefined || previous === 'CREATE_JUST') return;
    state.serviceState = 'SHUTDOWN_ALREADY';
    state.consumeService?.shutdown();
    state.tasks.cancelAll();
    // Running listener calls finish and record their offsets; waiting ones never start.
    await state.limiter.close(this.#config.awaitTerminationMillisWhenShutdown);
    await this.#exclusive;
    await this.#persistAll(true);
    // Unlock only once the offsets are committed, so the next owner starts where we stopped.
    if (state.orderly && state.clustering) await this.#rebalanceImpl?.unlockAll();
    for (const { pq } of state.processQueueTable.values()) pq.dropped = true;
    state.processQueueTable.clear();
    await state.instance.unregisterConsumer(this.#config.consumerGroup);
    state.logger.info('push consumer shut down');
  }

  // -------------------------------------------------------------------------------------------
  // ConsumerMember: what the client instance calls

  consumerData(): ConsumerData {
    const subscriptions = this.#state?.subscriptions ?? this.#pendingSubscriptions;
    return {
      groupName: this.#config.consumerGroup,
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: this.#config.messageModel,
      consumeFromWhere: this.#config.consumeFromWhere,
      unitMode: false,
      subscriptionDataSet: [...subscriptions.values()],
    };
  }

  subscribedTopics(): Iterable<string> {
    return (this.#state?.subscriptions ?? this.#pendingSubscriptions).keys();
  }

  onTopicRoute(topic: string, route: TopicRouteData): void {
    const state = this.#state;
    if (state?.subscriptions.has(topic) === true) state.topicSubscribeInfo.set(topic, toSubscribeInfo(topic, route));
  }

  /** Reassigns queues (coalesced: a call during a rebalance runs one more after it). */
  rebalance(): Promise<void> {
    if (this.#state?.serviceState !== 'RUNNING' || this.#rebalanceImpl === undefined) return Promise.resolve();
    if (this.#rebalanceRunning !== undefined) {
      this.#rebalanceAgain = true;
      return this.#rebalanceRunning;
    }
    const impl = this.#rebalanceImpl;
    const run = async (): Promise<void> => {
      try {
        do {
          this.#rebalanceAgain = false;
          if (this.#state?.serviceState !== 'RUNNING' || this.#state.paused) return;
          await this.#runExclusive(() => impl.doRebalance());
        } while (this.#rebalanceAgain);
      } finally {
        this.#rebalanceRunning = undefined;
      }
    };
    this.#rebalanceRunning = run();
    return this.#rebalanceRunning;
  }

  /** Commits the offsets of the assigned queues (one-way, as Java's periodic commit). */
  async persistOffsets(): Promise<void> {
    if (this.#state?.serviceState !== 'RUNNING') return;
    await this.#persistAll(false);
  }

  /**
   * RESET_CONSUMER_CLIENT_OFFSET (Java's MQClientInstance#resetOffset): pause, drop the topic's
   * process queues, commit the new offsets, resume; the next rebalance re-creates the queues from
   * those offsets. Java sleeps 10 s so in-flight work notices the drop; here a dropped queue's
   * late pull answers and listener results are ignored, so none is needed.
   */
  async resetOffset(topic: string, offsets: ReadonlyArray<readonly [MessageQueue, number]>): Promise<void> {
    const state = this.#state;
    const rebalance = this.#rebalanceImpl;
    if (state?.serviceState !== 'RUNNING' || rebalance === undefined) return;
    const wanted = new Map(offsets.filter(([mq]) => mq.topic === topic).map(([mq, offset]) => [messageQueueKey(mq), offset]));
    state.paused = true;
    try {
      await this.#runExclusive(async () => {
        for (const [key, { mq, pq }] of [...state.processQueueTable]) {
          const offset = wanted.get(key);
          if (offset === undefined) continue;
          pq.dropped = true;
          pq.clear();
          state.offsetStore.updateOffset(mq, offset, false);
          await rebalance.removeUnnecessaryMessageQueue(mq, pq);
          state.processQueueTable.delete(key);
        }
      });
      state.logger.info({ topic, queues: wanted.size }, 'offsets reset');
    } finally {
      state.paused = false;
    }
    await this.rebalance();
  }

  /** GET_CONSUMER_RUNNING_INFO: settings, subscriptions and every assigned queue's cache. */
  runningInfo(): ConsumerRunningInfo {
    const state = this.#state;
    const c = this.#config;
    const properties: Record<string, string> = {
      consumerGroup: c.consumerGroup,
      messageModel: c.messageModel,
      consumeFromWhere: c.consumeFromWhere,
      consumeTimestamp: c.consumeTimestamp,
      allocateMessageQueueStrategy: c.allocateStrategy.name,
      consumeThreadMin: String(c.consumeThreadMin),
      consumeThreadMax: String(c.consumeThreadMax),
      consumeConcurrentlyMaxSpan: String(c.consumeConcurrentlyMaxSpan),
      pullThresholdForQueue: String(state?.pullThresholdForQueue ?? c.pullThresholdForQueue),
      pullThresholdSizeForQueue: String(state?.pullThresholdSizeForQueue ?? c.pullThresholdSizeForQueue),
      pullThresholdForTopic: String(c.pullThresholdForTopic),
      pullThresholdSizeForTopic: String(c.pullThresholdSizeForTopic),
      pullInterval: String(c.pullIntervalMs),
      pullBatchSize: String(c.pullBatchSize),
      consumeMessageBatchMaxSize: String(c.consumeMessageBatchMaxSize),
      maxReconsumeTimes: String(c.maxReconsumeTimes),
      suspendCurrentQueueTimeMillis: String(c.suspendCurrentQueueTimeMillis),
      consumeTimeout: String(c.consumeTimeoutMinutes),
      unitMode: 'false',
      [PROP_NAMESRV_ADDR]: parseNamesrvAddrs(this.#clientConfig.namesrvAddr).join(';'),
      [PROP_CONSUME_TYPE]: 'CONSUME_PASSIVELY',
      [PROP_CONSUME_ORDERLY]: String(state?.orderly ?? this.#listener?.orderly ?? false),
      [PROP_THREADPOOL_CORE_SIZE]: String(c.consumeThreadMax),
      [PROP_CONSUMER_START_TIMESTAMP]: String(this.#startTimestamp),
      [PROP_CLIENT_VERSION]: 'V4_9_8',
    };
    const subscriptions = state?.subscriptions ?? this.#pendingSubscriptions;
    const mqTable: ConsumerRunningInfo['mqTable'] = [];
    if (state !== undefined) {
      for (const { mq, pq } of state.processQueueTable.values()) {
        const committed = (state.offsetStore as Partial<{ memoryOffset(mq: MessageQueue): number | undefined }>).memoryOffset?.(mq) ?? -1;
        mqTable.push({ messageQueue: mq, processQueueInfo: pq.info(committed) });
      }
      mqTable.sort((a, b) => compareMessageQueue(a.messageQueue, b.messageQueue));
    }
    return { properties, subscriptionSet: [...subscriptions.values()], mqTable };
  }

  runningInfoBody(): Buffer {
    return encodeConsumerRunningInfo(this.runningInfo());
  }

  /** What each assigned queue caches now, in MessageQueue order (flow control acts on these). */
  cachedQueues(): CachedQueueStatus[] {
    const state = this.#state;
    if (state === undefined) return [];
    return [...state.processQueueTable.values()]
      .map(({ mq, pq }) => ({ messageQueue: mq, msgCount: pq.msgCount, msgBytes: pq.msgBytes, locked: pq.locked }))
      .sort((a, b) => compareMessageQueue(a.messageQueue, b.messageQueue));
  }

  /** The queues this consumer is assigned now (its group's %RETRY% queue included), in MessageQueue order. */
  assignedQueues(): MessageQueue[] {
    return this.cachedQueues().map((q) => q.messageQueue);
  }

  // -------------------------------------------------------------------------------------------

  #runExclusive(task: () => Promise<void>): Promise<void> {
    const run = this.#exclusive.then(task);
    this.#exclusive = run.catch(() => undefined);
    return run;
  }

  /** Commits every held queue's offset; `sync` waits for each broker's answer (shutdown). */
  async #persistAll(sync: boolean): Promise<void> {
    const state = this.#state;
    if (state === undefined) return;
    const mqs = [...state.processQueueTable.values()].map((a) => a.mq);
    const store = state.offsetStore;
    if (sync && store instanceof RemoteOffsetStore) {
      await Promise.all(
        mqs.map((mq) => store.persistSync(mq).catch((err: unknown) => state.logger.warn({ err, topic: mq.topic, queueId: mq.queueId }, 'offset commit failed'))),
      );
      return;
    }
    await store.persistAll(mqs);
  }

  async #updateRoute(state: PushConsumerState, topic: string): Promise<void> {
    try {
      await state.instance.updateTopicRoute(topic);
    } catch (err) {
      // The retry topic is created by our first heartbeat; its route follows at the next refresh.
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) state.logger.warn({ err, topic }, 'no route for a subscribed topic yet');
    }
  }

  /** Java's subscribe after start: fetch the route, heartbeat, rebalance. */
  async #refreshAfterSubscriptionChange(topic: string): Promise<void> {
    const state = this.#state;
    if (state?.serviceState !== 'RUNNING') return;
    await this.#updateRoute(state, topic);
    await state.instance.sendHeartbeatToAllBrokers();
    await this.rebalance();
  }
}
