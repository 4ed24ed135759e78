// Owns: `rocketmq-ts admin getBrokerConfig`: the effective config of a broker, or of every broker
// of a cluster (masters, then each one's slaves).
// Counterpart: org.apache.rocketmq.tools.command.broker.GetBrokerConfigCommand (4.9.8).

import { type AdminCommand, type AdminCommandContext, BROKER_ADDR_OPTION, brokerOrCluster, CLUSTER_NAME_OPTION } from './command.js';

async function print(ctx: AdminCommandContext, title: string, addr: string): Promise<void> {
  ctx.println(title);
  const config = await ctx.admin.getBrokerConfig(addr);
  if (config.size === 0) ctx.println(`Broker[${addr}] has no config property!`);
  const width = Math.max(0, ...[...config.keys()].map((k) => k.length));
  for (const [key, value] of config) ctx.println(`${key.padEnd(width)}  =  ${value}`);
  ctx.println('');
}

export const getBrokerConfig: AdminCommand = {
  name: 'getBrokerConfig',
  description: 'Get broker config by cluster or special broker!',
  options: [
    { ...BROKER_ADDR_OPTION, description: 'get which broker' },
    { ...CLUSTER_NAME_OPTION, description: 'get which cluster' },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    if ('brokerAddr' in target) {
      await print(ctx, `============${target.brokerAddr}============`, target.brokerAddr);
      return;
    }
    const brokers = await ctx.admin.brokerAddrsOfCluster(target.clusterName);
    for (const master of brokers.filter((b) => b.brokerId === 0)) {
      await print(ctx, `============Master: ${master.addr}============`, master.addr);
      for (const slave of brokers.filter((b) => b.brokerName === master.brokerName && b.brokerId !== 0)) {
        await print(ctx, `============My Master: ${master.addr}=====Slave: ${slave.addr}============`, slave.addr);
      }
    }
  },
};
