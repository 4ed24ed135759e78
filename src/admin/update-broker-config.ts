// Owns: `rocketmq-ts admin updateBrokerConfig`: change one config key of a broker, or of every master of a cluster.
// Counterpart: org.apache.rocketmq.tools.command.broker.UpdateBrokerConfigSubCommand (4.9.8).

import { type AdminCommand, BROKER_ADDR_OPTION, brokerOrCluster, CLUSTER_NAME_OPTION, requiredString } from './command.js';

export const updateBrokerConfig: AdminCommand = {
  name: 'updateBrokerConfig',
  description: "Update broker's config",
  options: [
    { ...BROKER_ADDR_OPTION, description: 'update which broker' },
    { ...CLUSTER_NAME_OPTION, description: 'update which cluster' },
    { flags: '-k, --key <key>', description: 'config key', required: true },
    { flags: '-v, --value <value>', description: 'config value', required: true },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    const properties = new Map([[requiredString(options, 'key'), requiredString(options, 'value')]]);
    const addrs = 'brokerAddr' in target ? [target.brokerAddr] : (await ctx.admin.brokerAddrsOfCluster(target.clusterName, true)).map((b) => b.addr);
    for (const addr of addrs) {
      await ctx.admin.updateBrokerConfig(addr, properties);
      ctx.println(`update broker config success, ${addr}`);
    }
  },
};
