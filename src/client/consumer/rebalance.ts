// Owns: the shared steps of a consumer's rebalance: this client's share of a topic's queues, where
// a newly assigned queue starts, and the broker queue locks orderly consumption needs.
// Counterpart: org.apache.rocketmq.client.impl.consumer.RebalanceImpl (rebalanceByTopic, lock,
// unlock) and RebalancePushImpl#computePullFromWhere (4.9.8).
//
// The consumers (push, lite pull) keep their own tables of assigned queues and diff them against
// what allocateQueues returns; the steps here are the parts both do the same way.

import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import {
  type ConsumeFromWhere,
  decodeLockBatchResponseBody,
  encodeLockBatchRequestBody,
  encodeUnlockBatchRequestBody,
  type MessageModel,
} from '../../remoting/requests/client.js';
import { maxOffset, searchOffset } from '../connection/broker-api.js';
import type { ClientInstance } from '../connection/client-instance.js';
import { compareMessageQueue, type MessageQueue } from '../message.js';
import type { AllocateStrategy } from './allocate.js';
import type { OffsetStore } from './offset-store.js';

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';

export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/**
 * This client's queues of `topic`: all of them when broadcasting; when clustering, the strategy's
 * share given every live client id of the group (both lists sorted, so every member agrees).
 * `undefined` when the group's membership could not be read (keep the current assignment).
 */
export async function allocateQueues(
  instance: ClientInstance,
  group: string,
  topic: string,
  mqAll: readonly MessageQueue[],
  messageModel: MessageModel,
  strategy: AllocateStrategy,
): Promise<MessageQueue[] | undefined> {
  if (messageModel === 'BROADCASTING') return [...mqAll];
  let cidAll: string[];
  try {
    cidAll = await instance.findConsumerIdList(topic, group);
  } catch (err) {
    instance.logger.warn({ err, topic, group }, 'cannot read the consumer ids of the group');
    return undefined;
  }
  if (cidAll.length === 0 || mqAll.length === 0) return cidAll.length === 0 ? undefined : [];
  const sortedMqs = [...mqAll].sort(compareMessageQueue);
  const sortedCids = [...cidAll].sort();
  return strategy.allocate(group, instance.clientId, sortedMqs, sortedCids);
}

/** Java's UtilAll.parseDate("yyyyMMddHHmmss"), local time. */
export function parseConsumeTimestamp(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (m === null) throw new Error(`consumeTimestamp must be yyyyMMddHHmmss, got ${text}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(y, mo - 1, d, h, mi, s).getTime();
}

/** Java's default consumeTimestamp: half an hour ago, as yyyyMMddHHmmss. */
export function defaultConsumeTimestamp(nowMs = Date.now()): string {
  const t = new Date(nowMs - 30 * 60_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${t.getFullYear()}${p(t.getMonth() + 1)}${p(t.getDate())}${p(t.getHours())}${p(t.getMinutes())}${p(t.getSeconds())}`;
}

/**
 * Where a newly assigned queue starts: the committed offset when the broker has one; otherwise by
 * consumeFromWhere (last: the queue's max offset; first: 0; timestamp: the first message stored at
 * or after consumeTimestamp). Retry topics start at 0 whenever nothing is committed.
 */
export async function computePullFromWhere(
  instance: ClientInstance,
  offsetStore: OffsetStore,
  mq: MessageQueue,
  consumeFromWhere: ConsumeFromWhere,
  consumeTimestamp: string,
): Promise<number> {
  const last = await offsetStore.readOffset(mq, 'READ_FROM_STORE');
  if (last >= 0) return last;
  const isRetry = mq.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
  switch (consumeFromWhere) {
    case 'CONSUME_FROM_FIRST_OFFSET':
    case 'CONSUME_FROM_MIN_OFFSET':
    case 'CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST':
      return 0;
    case 'CONSUME_FROM_TIMESTAMP':
      if (isRetry) return maxOffset(instance, mq);
      return searchOffset(instance, mq, parseConsumeTimestamp(consumeTimestamp));
    case 'CONSUME_FROM_LAST_OFFSET':
    case 'CONSUME_FROM_MAX_OFFSET':
      return isRetry ? 0 : maxOffset(instance, mq);
  }
}

/** LOCK_BATCH_MQ on the queues' broker master: the queues this client now holds the lock of. */
export async function lockQueues(instance: ClientInstance, group: string, brokerName: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
  const addr = instance.findBrokerAddrInPublish(brokerName);
  if (addr === undefined || mqs.length === 0) return [];
  const body = encodeLockBatchRequestBody({ consumerGroup: group, clientId: instance.clientId, mqSet: [...mqs] });
  const response = await instance.invokeBrokerOk(addr, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, null, body), 1000);
  return decodeLockBatchResponseBody(response.body).lockOKMQSet;
}

/** UNLOCK_BATCH_MQ; failures are logged, the broker's lock expires by itself (60 s). */
export async function unlockQueues(instance: ClientInstance, group: string, brokerName: string, mqs: readonly MessageQueue[]): Promise<void> {
  const addr = instance.findBrokerAddrInPublish(brokerName);
  if (addr === undefined || mqs.length === 0) return;
  const body = encodeUnlockBatchRequestBody({ consumerGroup: group, clientId: instance.clientId, mqSet: [...mqs] });
  try {
    await instance.invokeBrokerOk(addr, RemotingCommand.request(RequestCode.UNLOCK_BATCH_MQ, null, body), 1000);
  } catch (err) {
    instance.logger.debug({ err, brokerName, group }, 'unlock failed');
  }
}
