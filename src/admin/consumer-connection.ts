// Owns: `rocketmq-ts admin consumerConnection`: a group's live clients, their subscriptions and consume settings.
// Counterpart: org.apache.rocketmq.tools.command.connection.ConsumerConnectionSubCommand (4.9.8).

import { versionDesc } from '../client/admin/mq-version.js';
import { type AdminCommand, requiredString, stringOption } from './command.js';
import { formatTable } from './table.js';

export const consumerConnection: AdminCommand = {
  name: 'consumerConnection',
  description: "Query consumer's socket connection, client version and subscription",
  options: [
    { flags: '-g, --consumerGroup <group>', description: 'consumer group name', required: true },
    { flags: '-b, --brokerAddr <addr>', description: 'broker address (default: a broker that knows the group)' },
  ],
  async run(ctx, options) {
    const cc = await ctx.admin.consumerConnection(requiredString(options, 'consumerGroup'), stringOption(options, 'brokerAddr'));
    const clients = cc.connectionSet.map((c) => [c.clientId, c.clientAddr, c.language, versionDesc(c.version)]);
    for (const line of formatTable(['#ClientId', '#ClientAddr', '#Language', '#Version'], clients)) ctx.println(line);
    ctx.println('');
    ctx.println('Below is subscription:');
    const subs = [...cc.subscriptionTable.values()].map((s) => [s.topic, s.subString]);
    for (const line of formatTable(['#Topic', '#SubExpression'], subs)) ctx.println(line);
    ctx.println('');
    ctx.println(`ConsumeType: ${cc.consumeType ?? ''}`);
    ctx.println(`MessageModel: ${cc.messageModel ?? ''}`);
    ctx.println(`ConsumeFromWhere: ${cc.consumeFromWhere ?? ''}`);
  },
};
