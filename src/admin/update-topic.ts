// Owns: `rocketmq-ts admin updateTopic`: create or update a topic on one broker or on every master
// of a cluster, and its order config on the NameServers when -o true.
// Counterpart: org.apache.rocketmq.tools.command.topic.UpdateTopicSubCommand (4.9.8).

import { NotFoundError } from '../common/mq-error.js';
import { perm2String } from '../common/topic-config.js';
import type { TopicConfigInput } from '../client/admin/admin-client.js';
import { type AdminCommand, BROKER_ADDR_OPTION, boolOption, brokerOrCluster, CLUSTER_NAME_OPTION, intOption, requiredString } from './command.js';

/** Java's TopicSysFlag bits. */
const FLAG_UNIT = 0x1;
const FLAG_UNIT_SUB = 0x2;

/** Java's TopicConfig.toString, which mqadmin prints after the change. */
export function topicConfigText(c: Required<TopicConfigInput>): string {
  return (
    `TopicConfig [topicName=${c.topicName}, readQueueNums=${c.readQueueNums}, writeQueueNums=${c.writeQueueNums}, ` +
    `perm=${perm2String(c.perm)}, topicFilterType=${c.topicFilterType}, topicSysFlag=${c.topicSysFlag}, order=${c.order}]`
  );
}

export const updateTopic: AdminCommand = {
  name: 'updateTopic',
  description: 'Update or create topic',
  options: [
    { ...BROKER_ADDR_OPTION, description: 'create topic to which broker' },
    { ...CLUSTER_NAME_OPTION, description: 'create topic to which cluster' },
    { flags: '-t, --topic <topic>', description: 'topic name', required: true },
    { flags: '-r, --readQueueNums <n>', description: 'set read queue nums (default 8)' },
    { flags: '-w, --writeQueueNums <n>', description: 'set write queue nums (default 8)' },
    { flags: '-p, --perm <perm>', description: "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW] (default 6)" },
    { flags: '-o, --order <true|false>', description: "set topic's order(true|false)" },
    { flags: '-u, --unit <true|false>', description: 'is unit topic (true|false)' },
    { flags: '-s, --hasUnitSub <true|false>', description: 'has unit sub (true|false)' },
  ],
  async run(ctx, options) {
    const target = brokerOrCluster(options);
    const config: Required<TopicConfigInput> = {
      topicName: requiredString(options, 'topic'),
      readQueueNums: intOption(options, 'readQueueNums') ?? 8,
      writeQueueNums: intOption(options, 'writeQueueNums') ?? 8,
      perm: intOption(options, 'perm') ?? 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: (boolOption(options, 'unit') === true ? FLAG_UNIT : 0) | (boolOption(options, 'hasUnitSub') === true ? FLAG_UNIT_SUB : 0),
      order: boolOption(options, 'order') ?? false,
    };
    const addrs = await ctx.admin.createOrUpdateTopic(target, config);
    for (const addr of addrs) ctx.println(`create topic to ${addr} success.`);
    if (config.order) {
      if ('brokerAddr' in target) {
        const brokerName = await ctx.admin.brokerNameOf(target.brokerAddr);
        if (brokerName === undefined) throw new NotFoundError(`no broker with address ${target.brokerAddr} is registered with the NameServer`);
        const stored = await ctx.admin.createOrUpdateOrderConf(config.topicName, `${brokerName}:${config.writeQueueNums}`, false);
        ctx.println(`set broker orderConf. isOrder=true, orderConf=[${stored}]`);
      } else {
        const brokerNames = [...new Set((await ctx.admin.brokerAddrsOfCluster(target.clusterName)).map((b) => b.brokerName))];
        const stored = await ctx.admin.createOrUpdateOrderConf(config.topicName, brokerNames.map((n) => `${n}:${config.writeQueueNums}`).join(';'), true);
        ctx.println(`set cluster orderConf. isOrder=true, orderConf=[${stored}]`);
      }
    }
    ctx.println(topicConfigText(config));
  },
};
