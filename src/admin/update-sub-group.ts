// Owns: `rocketmq-ts admin updateSubGroup`: create or update a subscription group on one broker or
// on every master of a cluster.
// Counterpart: org.apache.rocketmq.tools.command.consumer.UpdateSubGroupSubCommand (4.9.8).

import { type SubscriptionGroupConfig, subscriptionGroupConfigForUpdate } from '../client/admin/subscription-group-config.js';
import { type AdminCommand, BROKER_ADDR_OPTION, boolOption, brokerOrCluster, CLUSTER_NAME_OPTION, intOption, requiredString } from './command.js';

/** Java's SubscriptionGroupConfig.toString, which mqadmin prints after the change. */
export function subscriptionGroupConfigText(c: SubscriptionGroupConfig): string {
  return (
    `SubscriptionGroupConfig [groupName=${c.groupName}, consumeEnable=${c.consumeEnable}, consumeFromMinEnable=${c.consumeFromMinEnable}, ` +
    `consumeBroadcastEnable=${c.consumeBroadcastEnable}, retryQueueNums=${c.retryQueueNums}, retryMaxTimes=${c.retryMaxTimes}, ` +
    `brokerId=${c.brokerId}, whichBrokerWhenConsumeSlowly=${c.whichBrokerWhenConsumeSlowly}, ` +
    `notifyConsumerIdsChangedEnable=${c.notifyConsumerIdsChangedEnable}]`
  );
}

export const updateSubGroup: AdminCommand = {
  name: 'updateSubGroup',
  description: 'Update or create subscription group',
  options: [
    { ...BROKER_ADDR_OPTION, description: 'create subscription group to which broker' },
    { ...CLUSTER_NAME_OPTION, description: 'create subscription group to which cluster' },
    { flags: '-g, --groupName <group>', description: 'consumer group name', required: true },
    { flags: '-s, --consumeEnable <true|false>', description: 'consume enable (default true)' },
    { flags: '-m, --consumeFromMinEnable <true|false>', description: 'from min offset (default false)' },
    { flags: '-d, --consumeBroadcastEnable <true|false>', description: 'broadcast (default false)' },
    { flags: '-q, --retryQueueNums <n>', description: 'retry queue nums (default 1)' },
    { flags: '-r, --retryMaxTimes <n>', description: 'retry max times (default 16)' },
    { flags: '-i, --brokerId <id>', description: 'consumer from which broker id (default 0)' },
    { flags: '-w, --whichBrokerWhenConsumeSlowly <id>', description: 'which broker id when consume slowly (default 1)' },
    { flags: '-a, --notifyConsumerIdsChanged <true|false>', description: 'notify consumerId changed (default true)' },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    const fields: Partial<SubscriptionGroupConfig> = {};
    const bool = (flag: string, key: 'consumeEnable' | 'consumeFromMinEnable' | 'consumeBroadcastEnable' | 'notifyConsumerIdsChangedEnable'): void => {
      const v = boolOption(options, flag);
      if (v !== undefined) fields[key] = v;
    };
    const int = (flag: string, key: 'retryQueueNums' | 'retryMaxTimes' | 'brokerId' | 'whichBrokerWhenConsumeSlowly'): void => {
      const v = intOption(options, flag);
      if (v !== undefined) fields[key] = v;
    };
    bool('consumeEnable', 'consumeEnable');
    bool('consumeFromMinEnable', 'consumeFromMinEnable');
    bool('consumeBroadcastEnable', 'consumeBroadcastEnable');
    bool('notifyConsumerIdsChanged', 'notifyConsumerIdsChangedEnable');
    int('retryQueueNums', 'retryQueueNums');
    int('retryMaxTimes', 'retryMaxTimes');
    int('brokerId', 'brokerId');
    int('whichBrokerWhenConsumeSlowly', 'whichBrokerWhenConsumeSlowly');
    const config = subscriptionGroupConfigForUpdate(requiredString(options, 'groupName'), fields);
    for (const addr of await ctx.admin.createOrUpdateSubscriptionGroup(target, config)) ctx.println(`create subscription group to ${addr} success.`);
    ctx.println(subscriptionGroupConfigText(config));
  },
};
