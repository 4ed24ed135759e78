// Owns: turning a TopicRouteData into the queues a producer writes to (TopicPublishInfo) and the
// queues a consumer reads from (subscribe info).
// Counterpart: MQClientInstance.topicRouteData2TopicPublishInfo / topicRouteData2TopicSubscribeInfo (4.9.8).

import type { TopicRouteData } from '../../common/route-data.js';
import { isReadable, isWriteable } from '../../common/topic-config.js';
import type { MessageQueue } from '../message.js';

/** Java's MixAll.MASTER_ID. */
export const MASTER_ID = 0;

export interface TopicPublishInfo {
  /** True when the route carries an order config (orderTopicConf). */
  readonly orderTopic: boolean;
  /** Writable queues in Java's order: brokers sorted by name, queue ids ascending. */
  readonly messageQueues: readonly MessageQueue[];
  readonly route: TopicRouteData;
}

export function toPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  const queues: MessageQueue[] = [];
  if (route.orderTopicConf !== undefined && route.orderTopicConf !== '') {
    // "brokerName:queueNums;brokerName:queueNums"
    for (const part of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = part.split(':');
      if (brokerName === undefined || nums === undefined) continue;
      for (let queueId = 0; queueId < Number(nums); queueId++) queues.push({ topic, brokerName, queueId });
    }
    return { orderTopic: true, messageQueues: queues, route };
  }
  const queueDatas = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const qd of queueDatas) {
    if (!isWriteable(qd.perm)) continue;
    // Only brokers with a master can take writes.
    const broker = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (broker?.brokerAddrs.get(MASTER_ID) === undefined) continue;
    for (let queueId = 0; queueId < qd.writeQueueNums; queueId++) queues.push({ topic, brokerName: qd.brokerName, queueId });
  }
  return { orderTopic: false, messageQueues: queues, route };
}

/** Readable queues of the route, for rebalancing and admin. */
export function toSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let queueId = 0; queueId < qd.readQueueNums; queueId++) queues.push({ topic, brokerName: qd.brokerName, queueId });
  }
  return queues;
}
