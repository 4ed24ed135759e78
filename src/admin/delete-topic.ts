// Owns: `rocketmq-ts admin deleteTopic`: delete a topic from every master of a cluster, then from
// every NameServer.
// Counterpart: org.apache.rocketmq.tools.command.topic.DeleteTopicSubCommand (4.9.8).

import { type AdminCommand, requiredString } from './command.js';

export const deleteTopic: AdminCommand = {
  name: 'deleteTopic',
  description: 'Delete topic from broker and NameServer.',
  options: [
    { flags: '-t, --topic <topic>', description: 'topic name', required: true },
    { flags: '-c, --clusterName <name>', description: 'delete topic from which cluster', required: true },
  ],
  async run(ctx, options) {
    const topic = requiredString(options, 'topic');
    const clusterName = requiredString(options, 'clusterName');
    await ctx.admin.deleteTopic(topic, clusterName);
    ctx.println(`delete topic [${topic}] from cluster [${clusterName}] success.`);
    ctx.println(`delete topic [${topic}] from NameServer success.`);
  },
};
