// Owns: what a push consumer reports for GET_CONSUMER_RUNNING_INFO (settings, subscriptions, one
// ProcessQueueInfo per assigned queue) and its body as Java's fastjson writes it.
// Counterpart: org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo and ProcessQueueInfo (4.9.8).
//
// Body (bean keys in alphabetical order; mqTable is keyed by MessageQueue beans, which plain JSON
// cannot write):
//   {"jstack":"","mqTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"cachedMsgCount":0,...}},
//    "properties":{"consumerGroup":"g",...},"statusTable":{},"subscriptionSet":[{...}]}

import { toFastJson } from '../../common/fastjson.js';
import { encodeMessageQueueMap } from '../../remoting/requests/admin-broker.js';
import { type SubscriptionData, subscriptionDataBean } from '../../remoting/requests/client.js';
import { compareMessageQueue, type MessageQueue } from '../message.js';
import type { ProcessQueueInfo } from './process-queue.js';

/** Java's ConsumerRunningInfo property names for the consumer's kind and start. */
export const PROP_NAMESRV_ADDR = 'PROP_NAMESRV_ADDR';
export const PROP_THREADPOOL_CORE_SIZE = 'PROP_THREADPOOL_CORE_SIZE';
export const PROP_CONSUME_ORDERLY = 'PROP_CONSUMEORDERLY';
export const PROP_CONSUME_TYPE = 'PROP_CONSUME_TYPE';
export const PROP_CLIENT_VERSION = 'PROP_CLIENT_VERSION';
export const PROP_CONSUMER_START_TIMESTAMP = 'PROP_CONSUMER_START_TIMESTAMP';

/** A type alias (not an interface) so it is a Record<string, unknown>, as ConsumerMember.runningInfo returns. */
export type ConsumerRunningInfo = {
  /** The consumer's settings under Java's property names, plus the PROP_* entries. */
  properties: Record<string, string>;
  subscriptionSet: SubscriptionData[];
  /** One entry per assigned queue, in MessageQueue order. */
  mqTable: Array<{ messageQueue: MessageQueue; processQueueInfo: ProcessQueueInfo }>;
};

function processQueueInfoBean(i: ProcessQueueInfo): object {
  return {
    cachedMsgCount: i.cachedMsgCount,
    cachedMsgMaxOffset: i.cachedMsgMaxOffset,
    cachedMsgMinOffset: i.cachedMsgMinOffset,
    cachedMsgSizeInMiB: i.cachedMsgSizeInMiB,
    commitOffset: i.commitOffset,
    droped: i.droped,
    lastConsumeTimestamp: i.lastConsumeTimestamp,
    lastLockTimestamp: i.lastLockTimestamp,
    lastPullTimestamp: i.lastPullTimestamp,
    locked: i.locked,
    transactionMsgCount: i.transactionMsgCount,
    transactionMsgMaxOffset: i.transactionMsgMaxOffset,
    transactionMsgMinOffset: i.transactionMsgMinOffset,
    tryUnlockTimes: i.tryUnlockTimes,
  };
}

export function encodeConsumerRunningInfo(info: ConsumerRunningInfo): Buffer {
  const mqTable = [...info.mqTable].sort((a, b) => compareMessageQueue(a.messageQueue, b.messageQueue)).map((e) => [e.messageQueue, processQueueInfoBean(e.processQueueInfo)] as const);
  const properties = Object.fromEntries(Object.entries(info.properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text =
    '{"jstack":"","mqTable":' +
    encodeMessageQueueMap(mqTable) +
    ',"properties":' +
    toFastJson(properties) +
    ',"statusTable":{},"subscriptionSet":' +
    toFastJson(info.subscriptionSet.map(subscriptionDataBean)) +
    '}';
  return Buffer.from(text, 'utf8');
}
