// Owns: the public surface of `rocketmq-ts/client`: what a Node.js application imports.
// Each role adds its exports here.

export type { ClientConfig } from './client-config.js';
export type { Message, MessageQueue, ReceivedMessage } from './message.js';
export { MQError } from '../common/mq-error.js';
export { Producer, PRODUCER_DEFAULTS, type ProducerOptions, type SendOnewayOptions, type SendOptions } from './producer/producer.js';
export { SendStatus, type SendResult } from './producer/send-result.js';
export { type MessageQueueSelector, selectMessageQueueByHash, selectMessageQueueByRandom } from './producer/selectors.js';
export { BATCH_BYTES_MAX_DEFAULT, splitBatch } from './producer/message-batch.js';
export {
  LocalTransactionState,
  TRANSACTION_PRODUCER_DEFAULTS,
  type TransactionCheckMessage,
  type TransactionListener,
  type TransactionMessage,
  TransactionProducer,
  type TransactionProducerOptions,
  type TransactionSendResult,
} from './producer/transaction-producer.js';
export {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateConsistentHash,
  type AllocateStrategy,
} from './consumer/allocate.js';
export {
  LitePullConsumer,
  type LitePullBufferStatus,
  type TopicMessageQueueChangeListener,
} from './consumer/lite-pull-consumer.js';
export type { LitePullConsumeFromWhere, LitePullConsumerConfig } from './consumer/lite-pull-config.js';
export { PushConsumer, type CachedQueueStatus } from './consumer/push-consumer.js';
export { PUSH_CONSUMER_DEFAULTS, type PushConsumerConfig, type ResolvedPushConsumerConfig } from './consumer/push-consumer-config.js';
export {
  type ConsumeConcurrentlyContext,
  type ConsumeConcurrentlyFunction,
  ConsumeConcurrentlyStatus,
  type ConsumeOrderlyContext,
  type ConsumeOrderlyFunction,
  ConsumeOrderlyStatus,
  type MessageListener,
  type MessageListenerConcurrently,
  type MessageListenerOrderly,
} from './consumer/message-listener.js';
export type { ConsumerRunningInfo } from './consumer/consumer-running-info.js';
export type { ProcessQueueInfo } from './consumer/process-queue.js';
export {
  AdminClient,
  type AdminClientConfig,
  type AdminSendTarget,
  type BrokerAddr,
  type BrokerTarget,
  type QueryMessageOptions,
  type ResetOffsetResult,
  type RollbackStats,
  type TopicConfigInput,
} from './admin/admin-client.js';
export type { Connection, ConsumerConnection, ProducerConnection, SubscriptionEntry } from './admin/connection-bodies.js';
export type { ConsumeStats, OffsetWrapper, QueueEntry, TopicOffset, TopicStatsTable } from './admin/queue-offset-tables.js';
export { type SubscriptionGroupConfig, subscriptionGroupConfigForUpdate } from './admin/subscription-group-config.js';
export { versionDesc } from './admin/mq-version.js';
export type { AcquireResult, DedupStatus, DedupStore } from './idempotence/dedup-store.js';
export { MemoryDedupStore, type MemoryDedupStoreOptions } from './idempotence/memory-dedup-store.js';
export { FileDedupStore, type FileDedupStoreOptions } from './idempotence/file-dedup-store.js';
export { RedisDedupStore, type RedisDedupStoreOptions, type RedisLike } from './idempotence/redis-dedup-store.js';
export { Idempotence, type IdempotenceOptions, type IdempotentOutcome } from './idempotence/idempotence.js';
