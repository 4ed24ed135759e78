// Owns: `rocketmq-ts admin brokerStatus`: a broker's runtime statistics (GET_BROKER_RUNTIME_INFO),
// or those of every broker of a cluster.
// Counterpart: org.apache.rocketmq.tools.command.broker.BrokerStatusSubCommand (4.9.8).

import { type AdminCommand, BROKER_ADDR_OPTION, brokerOrCluster, CLUSTER_NAME_OPTION } from './command.js';
import { formatKeyValues } from './table.js';

export const brokerStatus: AdminCommand = {
  name: 'brokerStatus',
  description: 'Fetch broker runtime status data',
  options: [
    { ...BROKER_ADDR_OPTION, description: 'Broker address' },
    { ...CLUSTER_NAME_OPTION, description: 'which cluster (masters and slaves)' },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    if ('brokerAddr' in target) {
      for (const line of formatKeyValues(await ctx.admin.brokerRuntimeInfo(target.brokerAddr))) ctx.println(line);
      return;
    }
    const brokers = await ctx.admin.brokerAddrsOfCluster(target.clusterName);
    const width = Math.max(...brokers.map((b) => b.addr.length));
    for (const b of brokers) {
      for (const line of formatKeyValues(await ctx.admin.brokerRuntimeInfo(b.addr), `${b.addr.padEnd(width)}  `)) ctx.println(line);
    }
  },
};
