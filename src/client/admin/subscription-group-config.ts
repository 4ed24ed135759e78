// Owns: the SubscriptionGroupConfig an admin client sends in UPDATE_AND_CREATE_SUBSCRIPTIONGROUP:
// its fields, mqadmin updateSubGroup's starting values, and the body as fastjson writes it.
// Counterpart: org.apache.rocketmq.common.subscription.SubscriptionGroupConfig (4.9.8).
//
// Body (fastjson, properties alphabetical, every one present):
//   {"brokerId":0,"consumeBroadcastEnable":false,"consumeEnable":true,"consumeFromMinEnable":false,
//    "groupName":"G","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,
//    "whichBrokerWhenConsumeSlowly":1}

import { toFastJson } from '../../common/fastjson.js';
import { type SubscriptionGroupConfig, SUBSCRIPTION_GROUP_DEFAULTS, subscriptionGroupConfigFields } from '../../common/subscription-group-config.js';

export type { SubscriptionGroupConfig };

/**
 * What mqadmin updateSubGroup starts from: Java's field defaults, except that it turns
 * consumeBroadcastEnable and consumeFromMinEnable off before applying the flags given.
 */
export function subscriptionGroupConfigForUpdate(groupName: string, fields: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {}): SubscriptionGroupConfig {
  return {
    groupName,
    ...SUBSCRIPTION_GROUP_DEFAULTS,
    consumeFromMinEnable: false,
    consumeBroadcastEnable: false,
    ...fields,
  };
}

export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig): Buffer {
  return Buffer.from(toFastJson(subscriptionGroupConfigFields(config)), 'utf8');
}
