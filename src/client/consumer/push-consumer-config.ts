// Owns: the PushConsumer's settings, their RocketMQ defaults and the bounds Java's checkConfig
// enforces.
// Counterpart: org.apache.rocketmq.client.consumer.DefaultMQPushConsumer (fields and defaults) and
// DefaultMQPushConsumerImpl#checkConfig (4.9.8).

import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../common/mq-error.js';
import { CONSUME_FROM_WHERES, type ConsumeFromWhere, type MessageModel } from '../../remoting/requests/client.js';
import type { ClientConfig } from '../client-config.js';
import { allocateAveragely, type AllocateStrategy } from './allocate.js';
import { defaultConsumeTimestamp, parseConsumeTimestamp } from './rebalance.js';

export interface PushConsumerConfig extends ClientConfig {
  /** The consumer group; every member of a group must subscribe the same way. */
  consumerGroup: string;
  /** CLUSTERING (default: the group shares the queues) or BROADCASTING (every member gets every message). */
  messageModel?: MessageModel;
  /** Where a group with no committed offset starts: CONSUME_FROM_LAST_OFFSET (default), CONSUME_FROM_FIRST_OFFSET, CONSUME_FROM_TIMESTAMP. */
  consumeFromWhere?: ConsumeFromWhere;
  /** For CONSUME_FROM_TIMESTAMP: yyyyMMddHHmmss, local time. Default: half an hour before the consumer was created. */
  consumeTimestamp?: string;
  /** How a clustering group splits queues. Default: allocateAveragely. */
  allocateStrategy?: AllocateStrategy;
  /** Kept for Java compatibility; the bound that matters here is consumeThreadMax. Default 20. */
  consumeThreadMin?: number;
  /** At most this many listener calls run at once across the consumer. Default 20. */
  consumeThreadMax?: number;
  /** Concurrent consumption: stop pulling a queue while its cached offsets span more than this. Default 2000. */
  consumeConcurrentlyMaxSpan?: number;
  /** Stop pulling a queue while it caches this many messages. Default 1000. */
  pullThresholdForQueue?: number;
  /** Stop pulling a queue while its cached bodies take this many MiB. Default 100. */
  pullThresholdSizeForQueue?: number;
  /** A per-topic message budget split across the topic's queues (overrides pullThresholdForQueue); -1 (default) = off. */
  pullThresholdForTopic?: number;
  /** A per-topic MiB budget split across the topic's queues; -1 (default) = off. */
  pullThresholdSizeForTopic?: number;
  /** Pause between two pulls of a queue. Default 0. */
  pullIntervalMs?: number;
  /** Messages asked for per pull. Default 32. */
  pullBatchSize?: number;
  /** Messages per listener call. Default 1. */
  consumeMessageBatchMaxSize?: number;
  /**
   * Deliveries before a message goes to the dead letter queue. -1 (default): 16 for concurrent
   * consumption, unlimited for orderly consumption (as Java).
   */
  maxReconsumeTimes?: number;
  /** Orderly: how long SUSPEND_CURRENT_QUEUE_A_MOMENT pauses a queue. Default 1000. */
  suspendCurrentQueueTimeMillis?: number;
  /** Concurrent: a message whose listener call has run this long is sent back for retry. Default 15. */
  consumeTimeoutMinutes?: number;
  /** How long the broker may hold a pull that found nothing (long polling). Default 15000. */
  brokerSuspendMaxTimeMillis?: number;
  /** Timeout of a long-polling pull request; must exceed brokerSuspendMaxTimeMillis. Default 30000. */
  consumerTimeoutMillisWhenSuspend?: number;
  /** Broadcasting: where offsets are kept (`<dir>/<clientId>/<group>/offsets.json`). Default ~/.rocketmq_offsets. */
  localOffsetStoreDir?: string;
  /** shutdown() waits this long for running listener calls before committing offsets. Default 30000. */
  awaitTerminationMillisWhenShutdown?: number;
  /**
   * Orderly clustering: a queue taken away while it still caches messages is unlocked on the broker
   * this long after (Java's rocketmq.client.unlockDelayTimeMills). Default 20000.
   */
  unlockDelayTimeMillis?: number;
}

export interface ResolvedPushConsumerConfig {
  readonly consumerGroup: string;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: ConsumeFromWhere;
  readonly consumeTimestamp: string;
  readonly allocateStrategy: AllocateStrategy;
  readonly consumeThreadMin: number;
  readonly consumeThreadMax: number;
  readonly consumeConcurrentlyMaxSpan: number;
  readonly pullThresholdForQueue: number;
  readonly pullThresholdSizeForQueue: number;
  readonly pullThresholdForTopic: number;
  readonly pullThresholdSizeForTopic: number;
  readonly pullIntervalMs: number;
  readonly pullBatchSize: number;
  readonly consumeMessageBatchMaxSize: number;
  readonly maxReconsumeTimes: number;
  readonly suspendCurrentQueueTimeMillis: number;
  readonly consumeTimeoutMinutes: number;
  readonly brokerSuspendMaxTimeMillis: number;
  readonly consumerTimeoutMillisWhenSuspend: number;
  readonly localOffsetStoreDir: string;
  readonly awaitTerminationMillisWhenShutdown: number;
  readonly unlockDelayTimeMillis: number;
}

export const PUSH_CONSUMER_DEFAULTS = Object.freeze({
  messageModel: 'CLUSTERING' as MessageModel,
  consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' as ConsumeFromWhere,
  consumeThreadMin: 20,
  consumeThreadMax: 20,
  consumeConcurrentlyMaxSpan: 2000,
  pullThresholdForQueue: 1000,
  pullThresholdSizeForQueue: 100,
  pullThresholdForTopic: -1,
  pullThresholdSizeForTopic: -1,
  pullIntervalMs: 0,
  pullBatchSize: 32,
  consumeMessageBatchMaxSize: 1,
  maxReconsumeTimes: -1,
  suspendCurrentQueueTimeMillis: 1000,
  consumeTimeoutMinutes: 15,
  brokerSuspendMaxTimeMillis: 15_000,
  consumerTimeoutMillisWhenSuspend: 30_000,
  awaitTerminationMillisWhenShutdown: 30_000,
  unlockDelayTimeMillis: 20_000,
});

/** Java's DEFAULT_CONSUMER group, which an application may not use. */
const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
/** Java's Validators.VALID_PATTERN_STR and CHARACTER_MAX_LENGTH. */
const VALID_GROUP = /^[%|a-zA-Z0-9_-]+$/;
const GROUP_LENGTH_MAX = 255;

function int(key: string, value: number | undefined, fallback: number, min: number, max: number, allowMinusOne = false): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || ((v < min || v > max) && !(allowMinusOne && v === -1))) {
    throw new ConfigError(`${key} out of range [${min}, ${max}]${allowMinusOne ? ' (or -1)' : ''}, got ${String(value)}`, { key });
  }
  return v;
}

export function resolvePushConsumerConfig(config: PushConsumerConfig, nowMs = Date.now()): ResolvedPushConsumerConfig {
  const group = config.consumerGroup;
  if (typeof group !== 'string' || group === '' || group.length > GROUP_LENGTH_MAX || !VALID_GROUP.test(group)) {
    throw new ConfigError(`consumerGroup must be 1..${GROUP_LENGTH_MAX} characters of [%|a-zA-Z0-9_-], got ${String(group)}`, { key: 'consumerGroup' });
  }
  if (group === DEFAULT_CONSUMER_GROUP) throw new ConfigError('consumerGroup can not equal DEFAULT_CONSUMER, please specify another one', { key: 'consumerGroup' });
  const messageModel = config.messageModel ?? PUSH_CONSUMER_DEFAULTS.messageModel;
  if (messageModel !== 'CLUSTERING' && messageModel !== 'BROADCASTING') throw new ConfigError(`messageModel must be CLUSTERING or BROADCASTING, got ${String(messageModel)}`, { key: 'messageModel' });
  const consumeFromWhere = config.consumeFromWhere ?? PUSH_CONSUMER_DEFAULTS.consumeFromWhere;
  if (!CONSUME_FROM_WHERES.includes(consumeFromWhere)) throw new ConfigError(`unknown consumeFromWhere ${String(consumeFromWhere)}`, { key: 'consumeFromWhere' });
  const consumeTimestamp = config.consumeTimestamp ?? defaultConsumeTimestamp(nowMs);
  try {
    parseConsumeTimestamp(consumeTimestamp);
  } catch (err) {
    throw new ConfigError(`consumeTimestamp must be yyyyMMddHHmmss, got ${consumeTimestamp}`, { key: 'consumeTimestamp', cause: err });
  }
  const d = PUSH_CONSUMER_DEFAULTS;
  const consumeThreadMax = int('consumeThreadMax', config.consumeThreadMax, d.consumeThreadMax, 1, 1000);
  const consumeThreadMin = int('consumeThreadMin', config.consumeThreadMin, Math.min(d.consumeThreadMin, consumeThreadMax), 1, 1000);
  if (consumeThreadMin > consumeThreadMax) throw new ConfigError(`consumeThreadMin (${consumeThreadMin}) can't be larger than consumeThreadMax (${consumeThreadMax})`, { key: 'consumeThreadMin' });
  const brokerSuspendMaxTimeMillis = int('brokerSuspendMaxTimeMillis', config.brokerSuspendMaxTimeMillis, d.brokerSuspendMaxTimeMillis, 0, 3_600_000);
  const consumerTimeoutMillisWhenSuspend = int('consumerTimeoutMillisWhenSuspend', config.consumerTimeoutMillisWhenSuspend, d.consumerTimeoutMillisWhenSuspend, 1, 3_600_000);
  if (consumerTimeoutMillisWhenSuspend <= brokerSuspendMaxTimeMillis) {
    throw new ConfigError('consumerTimeoutMillisWhenSuspend must exceed brokerSuspendMaxTimeMillis, or every held pull times out', { key: 'consumerTimeoutMillisWhenSuspend' });
  }
  return Object.freeze({
    consumerGroup: group,
    messageModel,
    consumeFromWhere,
    consumeTimestamp,
    allocateStrategy: config.allocateStrategy ?? allocateAveragely,
    consumeThreadMin,
    consumeThreadMax,
    consumeConcurrentlyMaxSpan: int('consumeConcurrentlyMaxSpan', config.consumeConcurrentlyMaxSpan, d.consumeConcurrentlyMaxSpan, 1, 65_535),
    pullThresholdForQueue: int('pullThresholdForQueue', config.pullThresholdForQueue, d.pullThresholdForQueue, 1, 65_535),
    pullThresholdSizeForQueue: int('pullThresholdSizeForQueue', config.pullThresholdSizeForQueue, d.pullThresholdSizeForQueue, 1, 1024),
    pullThresholdForTopic: int('pullThresholdForTopic', config.pullThresholdForTopic, d.pullThresholdForTopic, 1, 6_553_500, true),
    pullThresholdSizeForTopic: int('pullThresholdSizeForTopic', config.pullThresholdSizeForTopic, d.pullThresholdSizeForTopic, 1, 102_400, true),
    pullIntervalMs: int('pullIntervalMs', config.pullIntervalMs, d.pullIntervalMs, 0, 65_535),
    pullBatchSize: int('pullBatchSize', config.pullBatchSize, d.pullBatchSize, 1, 1024),
    consumeMessageBatchMaxSize: int('consumeMessageBatchMaxSize', config.consumeMessageBatchMaxSize, d.consumeMessageBatchMaxSize, 1, 1024),
    maxReconsumeTimes: int('maxReconsumeTimes', config.maxReconsumeTimes, d.maxReconsumeTimes, 0, 2_147_483_647, true),
    suspendCurrentQueueTimeMillis: int('suspendCurrentQueueTimeMillis', config.suspendCurrentQueueTimeMillis, d.suspendCurrentQueueTimeMillis, 0, 3_600_000),
    consumeTimeoutMinutes: int('consumeTimeoutMinutes', config.consumeTimeoutMinutes, d.consumeTimeoutMinutes, 1, 1_000_000),
    brokerSuspendMaxTimeMillis,
    consumerTimeoutMillisWhenSuspend,
    localOffsetStoreDir: config.localOffsetStoreDir ?? path.join(os.homedir(), '.rocketmq_offsets'),
    awaitTerminationMillisWhenShutdown: int('awaitTerminationMillisWhenShutdown', config.awaitTerminationMillisWhenShutdown, d.awaitTerminationMillisWhenShutdown, 0, 2_147_483_647),
    unlockDelayTimeMillis: int('unlockDelayTimeMillis', config.unlockDelayTimeMillis, d.unlockDelayTimeMillis, 0, 3_600_000),
  });
}
