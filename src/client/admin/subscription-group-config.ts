// Owns: the SubscriptionGroupConfig an admin client sends in UPDATE_AND_CREATE_SUBSCRIPTIONGROUP:
// its fields, mqadmin updateSubGroup's starting values, and the body as fastjson writes it.
// Counterpart: org.apache.rocketmq.common.subscription.SubscriptionGroupConfig (4.9.8).
//
// Body (fastjson, properties alphabetical, every one present):
//   {"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":false,
//    "groupName":"G","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,
//    "whichBrokerWhenConsumeSlowly":1}
// The broker keeps its own copy of this type (broker/subscription); the client may not import it.

import { toFastJson } from '../../common/fastjson.js';

export interface SubscriptionGroupConfig {
  groupName: string;
  /** The group may consume at all. */
  consumeEnable: boolean;
  /** Kept for admin tools; 4.9.8 itself does not act on it. */
  consumeFromMinEnable: boolean;
  /** The group may consume in BROADCASTING mode. */
  consumeBroadcastEnable: boolean;
  /** Queues of the group's %RETRY% topic. */
  retryQueueNums: number;
  /** Deliveries before a message goes to the group's %DLQ% topic. */
  retryMaxTimes: number;
  /** Which broker of the group to read from (0 = master). */
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  /** Tell the group's consumers when its membership changes (they rebalance at once). */
  notifyConsumerIdsChangedEnable: boolean;
}

/**
 * What mqadmin updateSubGroup starts from: Java's field defaults, except that it turns
 * consumeBroadcastEnable and consumeFromMinEnable off before applying the flags given.
 */
export function subscriptionGroupConfigForUpdate(groupName: string, fields: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {}): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: false,
    consumeBroadcastEnable: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    ...fields,
  };
}

export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig): Buffer {
  const bean = {
    brokerId: config.brokerId,
    consumeBroadcastEnable: config.consumeBroadcastEnable,
    consumeEnable: config.consumeEnable,
    consumeFromMinEnable: config.consumeFromMinEnable,
    groupName: config.groupName,
    notifyConsumerIdsChangedEnable: config.notifyConsumerIdsChangedEnable,
    retryMaxTimes: config.retryMaxTimes,
    retryQueueNums: config.retryQueueNums,
    whichBrokerWhenConsumeSlowly: config.whichBrokerWhenConsumeSlowly,
  };
  return Buffer.from(toFastJson(bean), 'utf8');
}
