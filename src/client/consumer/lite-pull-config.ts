// Owns: the LitePullConsumer's settings, their RocketMQ defaults, and the checks Java makes at
// start (group name, consumeFromWhere, the long-polling timeouts).
// Counterpart: org.apache.rocketmq.client.consumer.DefaultLitePullConsumer (fields and setters)
// and DefaultLitePullConsumerImpl#checkConfig (4.9.8).

import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../common/mq-error.js';
import type { MessageModel } from '../../remoting/requests/client.js';
import type { ClientConfig } from '../client-config.js';
import { allocateAveragely, type AllocateStrategy } from './allocate.js';
import { defaultConsumeTimestamp, parseConsumeTimestamp } from './rebalance.js';

/** Where a queue with no committed offset starts; Java's lite consumer accepts only these three. */
export type LitePullConsumeFromWhere = 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';

const CONSUME_FROM_WHERES: readonly LitePullConsumeFromWhere[] = ['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP'];

/** Settings of a {@link LitePullConsumer}: the shared client settings plus the consumer's own. */
export interface LitePullConsumerConfig extends ClientConfig {
  /** The consumer group: members share the queues (clustering) and the committed offsets. */
  consumerGroup: string;
  /** CLUSTERING (default): the group's members split the queues. BROADCASTING: every member reads every queue. */
  messageModel?: MessageModel;
  /** Where a queue with no committed offset starts. Default CONSUME_FROM_LAST_OFFSET. */
  consumeFromWhere?: LitePullConsumeFromWhere;
  /** With CONSUME_FROM_TIMESTAMP: `yyyyMMddHHmmss`, local time. Default: half an hour before the consumer was created. */
  consumeTimestamp?: string;
  /** How the group's queues are split among its members (clustering). Default: averagely. */
  allocateStrategy?: AllocateStrategy;
  /** Messages asked for in one pull, and at most returned by one poll. Default 10. */
  pullBatchSize?: number;
  /** Pulls pause while more messages than this wait in the buffer, over all queues. Default 10000. */
  pullThresholdForAll?: number;
  /** A queue's pulls pause while more of its messages than this wait in the buffer. Default 1000. */
  pullThresholdForQueue?: number;
  /** A queue's pulls pause while its buffered bodies exceed this many MiB. Default 100. */
  pullThresholdSizeForQueue?: number;
  /** A queue's pulls pause while its buffered messages span more queue offsets than this. Default 2000. */
  consumeMaxSpan?: number;
  /** How long `poll()` waits for messages when given no timeout. Default 5000. */
  pollTimeoutMillis?: number;
  /** Commit the offsets of polled messages by themselves. Default true. */
  autoCommit?: boolean;
  /** How often polled offsets are committed with autoCommit; at least 1000 (Java's minimum). Default 5000. */
  autoCommitIntervalMillis?: number;
  /** How often topics with a TopicMessageQueueChangeListener are checked for queue changes. Default 30000. */
  topicMetadataCheckIntervalMillis?: number;
  /** How long the broker may hold a pull waiting for new messages (long polling). Default 20000. */
  brokerSuspendMaxTimeMillis?: number;
  /** Timeout of a held pull; must exceed brokerSuspendMaxTimeMillis. Default 30000. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Pause of a queue's pulls after a failed pull. Default 1000. */
  pullTimeDelayMillsWhenException?: number;
  /** Broadcasting: the directory of the local offset files. Default `~/.rocketmq_offsets`, as Java's `rocketmq.client.localOffsetStoreDir`. */
  localOffsetStoreDir?: string;
}

export interface ResolvedLitePullConfig {
  readonly consumerGroup: string;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: LitePullConsumeFromWhere;
  readonly consumeTimestamp: string;
  readonly allocateStrategy: AllocateStrategy;
  readonly pullBatchSize: number;
  readonly pullThresholdForAll: number;
  readonly pullThresholdForQueue: number;
  readonly pullThresholdSizeForQueue: number;
  readonly consumeMaxSpan: number;
  readonly pollTimeoutMillis: number;
  readonly autoCommit: boolean;
  readonly autoCommitIntervalMillis: number;
  readonly topicMetadataCheckIntervalMillis: number;
  readonly brokerSuspendMaxTimeMillis: number;
  readonly consumerTimeoutMillisWhenSuspend: number;
  readonly pullTimeDelayMillsWhenException: number;
  readonly localOffsetStoreDir: string;
}

export const LITE_PULL_DEFAULTS = Object.freeze({
  messageModel: 'CLUSTERING' as MessageModel,
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' as LitePullConsumeFromWhere,
  pullBatchSize: 10,
  pullThresholdForAll: 10_000,
  pullThresholdForQueue: 1000,
  pullThresholdSizeForQueue: 100,
  consumeMaxSpan: 2000,
  pollTimeoutMillis: 5000,
  autoCommit: true,
  autoCommitIntervalMillis: 5000,
  topicMetadataCheckIntervalMillis: 30_000,
  brokerSuspendMaxTimeMillis: 20_000,
  consumerTimeoutMillisWhenSuspend: 30_000,
  pullTimeDelayMillsWhenException: 1000,
});

/** Java's DefaultLitePullConsumer.MIN_AUTOCOMMIT_INTERVAL_MILLIS. */
export const AUTO_COMMIT_INTERVAL_MILLIS_MIN = 1000;

/** Java's MixAll.DEFAULT_CONSUMER_GROUP, which no application consumer may use. */
const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
/** Java's Validators.CHARACTER_MAX_LENGTH and VALID_PATTERN_STR. */
const GROUP_LENGTH_MAX = 255;
const GROUP_PATTERN = /^[%|a-zA-Z0-9_-]+$/;

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${String(value)}`, { key: name });
  return v;
}

/** Java's Validators.checkGroup plus checkConfig's DEFAULT_CONSUMER rule. */
export function checkConsumerGroup(group: string): void {
  if (typeof group !== 'string' || group.trim() === '') throw new ConfigError('consumerGroup is blank', { key: 'consumerGroup' });
  if (group.length > GROUP_LENGTH_MAX) throw new ConfigError(`consumerGroup is longer than ${GROUP_LENGTH_MAX} characters`, { key: 'consumerGroup' });
  if (!GROUP_PATTERN.test(group)) throw new ConfigError(`consumerGroup "${group}" has characters outside ${GROUP_PATTERN.source}`, { key: 'consumerGroup' });
  if (group === DEFAULT_CONSUMER_GROUP) throw new ConfigError(`consumerGroup can not equal ${DEFAULT_CONSUMER_GROUP}, please specify another one`, { key: 'consumerGroup' });
}

export function resolveLitePullConfig(config: LitePullConsumerConfig, nowMs = Date.now()): ResolvedLitePullConfig {
  checkConsumerGroup(config.consumerGroup);
  const d = LITE_PULL_DEFAULTS;
  const messageModel = config.messageModel ?? d.messageModel;
  if (messageModel !== 'CLUSTERING' && messageModel !== 'BROADCASTING') throw new ConfigError(`messageModel must be CLUSTERING or BROADCASTING, got ${String(messageModel)}`, { key: 'messageModel' });
  const consumeFromWhere = config.consumeFromWhere ?? d.consumeFromWhere;
  if (!CONSUME_FROM_WHERES.includes(consumeFromWhere)) {
    throw new ConfigError(`consumeFromWhere must be one of ${CONSUME_FROM_WHERES.join(', ')}, got ${String(consumeFromWhere)}`, { key: 'consumeFromWhere' });
  }
  const consumeTimestamp = config.consumeTimestamp ?? defaultConsumeTimestamp(nowMs);
  try {
    parseConsumeTimestamp(consumeTimestamp);
  } catch (err) {
    throw new ConfigError(`consumeTimestamp must be yyyyMMddHHmmss, got ${consumeTimestamp}`, { key: 'consumeTimestamp', cause: err });
  }
  const brokerSuspendMaxTimeMillis = integer('brokerSuspendMaxTimeMillis', config.brokerSuspendMaxTimeMillis, d.brokerSuspendMaxTimeMillis, 1);
  const consumerTimeoutMillisWhenSuspend = integer('consumerTimeoutMillisWhenSuspend', config.consumerTimeoutMillisWhenSuspend, d.consumerTimeoutMillisWhenSuspend, 1);
  if (consumerTimeoutMillisWhenSuspend < brokerSuspendMaxTimeMillis) {
    throw new ConfigError('Long polling mode, the consumer consumerTimeoutMillisWhenSuspend must greater than brokerSuspendMaxTimeMillis', { key: 'consumerTimeoutMillisWhenSuspend' });
  }
  return Object.freeze({
    consumerGroup: config.consumerGroup,
    messageModel,
    consumeFromWhere,
    consumeTimestamp,
    allocateStrategy: config.allocateStrategy ?? allocateAveragely,
    pullBatchSize: integer('pullBatchSize', config.pullBatchSize, d.pullBatchSize, 1),
    pullThresholdForAll: integer('pullThresholdForAll', config.pullThresholdForAll, d.pullThresholdForAll, 1),
    pullThresholdForQueue: integer('pullThresholdForQueue', config.pullThresholdForQueue, d.pullThresholdForQueue, 1),
    pullThresholdSizeForQueue: integer('pullThresholdSizeForQueue', config.pullThresholdSizeForQueue, d.pullThresholdSizeForQueue, 1),
    consumeMaxSpan: integer('consumeMaxSpan', config.consumeMaxSpan, d.consumeMaxSpan, 1),
    pollTimeoutMillis: integer('pollTimeoutMillis', config.pollTimeoutMillis, d.pollTimeoutMillis, 0),
    autoCommit: config.autoCommit ?? d.autoCommit,
    autoCommitIntervalMillis: integer('autoCommitIntervalMillis', config.autoCommitIntervalMillis, d.autoCommitIntervalMillis, AUTO_COMMIT_INTERVAL_MILLIS_MIN),
    topicMetadataCheckIntervalMillis: integer('topicMetadataCheckIntervalMillis', config.topicMetadataCheckIntervalMillis, d.topicMetadataCheckIntervalMillis, 1),
    brokerSuspendMaxTimeMillis,
    consumerTimeoutMillisWhenSuspend,
    pullTimeDelayMillsWhenException: integer('pullTimeDelayMillsWhenException', config.pullTimeDelayMillsWhenException, d.pullTimeDelayMillsWhenException, 0),
    localOffsetStoreDir: config.localOffsetStoreDir ?? path.join(os.homedir(), '.rocketmq_offsets'),
  });
}
