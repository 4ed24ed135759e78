// Owns: the SubscriptionGroupConfig fields of 4.9.8 and Java's defaults for them, shared by the
// broker (subscriptionGroup.json, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP) and admin clients. No I/O.
// Counterpart: org.apache.rocketmq.common.subscription.SubscriptionGroupConfig (4.9.8).

export interface SubscriptionGroupConfig {
  groupName: string;
  /** The group may consume at all. */
  consumeEnable: boolean;
  /** Kept for the file and admin tools; 4.9.8 itself does not act on it. */
  consumeFromMinEnable: boolean;
  /** The group may consume in BROADCASTING mode. */
  consumeBroadcastEnable: boolean;
  /** Queues of the group's %RETRY% topic. */
  retryQueueNums: number;
  /** Deliveries before a message goes to the group's %DLQ% topic (the client's value wins when it sends one). */
  retryMaxTimes: number;
  /** Which broker of the group to read from (0 = master). */
  brokerId: number;
  whichBrokerWhenConsumeSlowly: number;
  /** Tell the group's consumers when its membership changes (they rebalance at once). */
  notifyConsumerIdsChangedEnable: boolean;
}

/** Java's SubscriptionGroupConfig field defaults. */
export const SUBSCRIPTION_GROUP_DEFAULTS = Object.freeze({
  consumeEnable: true,
  consumeFromMinEnable: true,
  consumeBroadcastEnable: true,
  retryQueueNums: 1,
  retryMaxTimes: 16,
  brokerId: 0,
  whichBrokerWhenConsumeSlowly: 1,
  notifyConsumerIdsChangedEnable: true,
});

/**
 * The fields as fastjson writes them: every property, in alphabetical order (the broker's
 * subscriptionGroup.json and the UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body).
 */
export function subscriptionGroupConfigFields(config: SubscriptionGroupConfig): { [K in keyof SubscriptionGroupConfig]: SubscriptionGroupConfig[K] } {
  return {
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
}
