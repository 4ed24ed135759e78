// Owns: the state a push consumer's parts share: resolved config, the client instance and offset
// store, the subscriptions and each topic's readable queues, the table of assigned queues and
// their process queues, the per-queue pull thresholds (adjusted per topic), the run state, and the
// delayed tasks and consume limiter.
// Counterpart: the fields of DefaultMQPushConsumerImpl and RebalanceImpl (subscriptionInner,
// topicSubscribeInfoTable, processQueueTable) (4.9.8).
//
// The pull loop, the rebalance and the consume services each get this object instead of the
// consumer itself, so none of them can reach the public API.

import type { Logger } from 'pino';
import type { SubscriptionData } from '../../remoting/requests/client.js';
import type { ClientInstance } from '../connection/client-instance.js';
import { messageQueueKey, type MessageQueue } from '../message.js';
import { ConsumeLimiter } from './consume-limiter.js';
import type { ConsumeService, ConsumeServiceContext } from './consume-service.js';
import { DelayedTasks } from './delayed-tasks.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import { PullApi } from './pull-api.js';
import type { ResolvedPushConsumerConfig } from './push-consumer-config.js';

export type ServiceState = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

export interface AssignedQueue {
  readonly mq: MessageQueue;
  readonly pq: ProcessQueue;
}

export class PushConsumerState implements ConsumeServiceContext {
  readonly config: ResolvedPushConsumerConfig;
  readonly instance: ClientInstance;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly tasks: DelayedTasks;
  readonly limiter: ConsumeLimiter;
  readonly pullApi: PullApi;
  /** topic -> subscription (the %RETRY%<group> one included when clustering). */
  readonly subscriptions = new Map<string, SubscriptionData>();
  /** topic -> its readable queues, from the latest route. */
  readonly topicSubscribeInfo = new Map<string, MessageQueue[]>();
  /** messageQueueKey -> the assigned queue and its process queue. */
  readonly processQueueTable = new Map<string, AssignedQueue>();
  /** Current per-queue thresholds: the configured ones, or a topic budget split over the queues. */
  pullThresholdForQueue: number;
  pullThresholdSizeForQueue: number;
  serviceState: ServiceState = 'CREATE_JUST';
  /** suspend() / resetOffset: pulls wait while set. */
  paused = false;
  consumeService: ConsumeService | undefined;

  constructor(config: ResolvedPushConsumerConfig, instance: ClientInstance, offsetStore: OffsetStore) {
    this.config = config;
    this.instance = instance;
    this.offsetStore = offsetStore;
    this.logger = instance.logger.child({ component: 'client.push-consumer', group: config.consumerGroup });
    this.tasks = new DelayedTasks((err) => this.logger.warn({ err }, 'consumer task failed'));
    this.limiter = new ConsumeLimiter(config.consumeThreadMax);
    this.pullApi = new PullApi(instance);
    this.pullThresholdForQueue = config.pullThresholdForQueue;
    this.pullThresholdSizeForQueue = config.pullThresholdSizeForQueue;
  }

  get clustering(): boolean {
    return this.config.messageModel === 'CLUSTERING';
  }

  get orderly(): boolean {
    return this.consumeService?.orderly === true;
  }

  assigned(mq: MessageQueue): AssignedQueue | undefined {
    return this.processQueueTable.get(messageQueueKey(mq));
  }

  /** [mq, pq] pairs, a snapshot. */
  processQueues(): Array<readonly [MessageQueue, ProcessQueue]> {
    return [...this.processQueueTable.values()].map((a) => [a.mq, a.pq] as const);
  }
}
