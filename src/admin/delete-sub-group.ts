// Owns: `rocketmq-ts admin deleteSubGroup`: delete a subscription group from one broker, or from
// every master of a cluster together with the group's %RETRY% and %DLQ% topics.
// Counterpart: org.apache.rocketmq.tools.command.consumer.DeleteSubscriptionGroupCommand (4.9.8).

import { AdminClient } from '../client/admin/admin-client.js';
import { type AdminCommand, BROKER_ADDR_OPTION, boolOption, brokerOrCluster, CLUSTER_NAME_OPTION, requiredString } from './command.js';

export const deleteSubGroup: AdminCommand = {
  name: 'deleteSubGroup',
  description: 'Delete subscription group from broker.',
  options: [
    { ...BROKER_ADDR_OPTION, description: 'delete subscription group from which broker' },
    { ...CLUSTER_NAME_OPTION, description: 'delete subscription group from which cluster (and its %RETRY% and %DLQ% topics)' },
    { flags: '-g, --groupName <group>', description: 'subscription group name', required: true },
    { flags: '-r, --removeOffset <true|false>', description: 'remove offset (default false)' },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    const group = requiredString(options, 'groupName');
    const addrs = await ctx.admin.deleteSubscriptionGroup(target, group, boolOption(options, 'removeOffset') ?? false);
    if ('brokerAddr' in target) {
      ctx.println(`delete subscription group [${group}] from broker [${target.brokerAddr}] success.`);
      return;
    }
    for (const addr of addrs) ctx.println(`delete subscription group [${group}] from broker [${addr}] in cluster [${target.clusterName}] success.`);
    for (const topic of AdminClient.groupTopics(group)) {
      await ctx.admin.deleteTopic(topic, target.clusterName);
      ctx.println(`delete topic [${topic}] from cluster [${target.clusterName}] success.`);
    }
  },
};
