// Owns: `rocketmq-ts admin producerConnection`: a producer group's live clients, seen from the brokers of a topic.
// Counterpart: org.apache.rocketmq.tools.command.connection.ProducerConnectionSubCommand (4.9.8).

import { versionDesc } from '../client/admin/mq-version.js';
import { type AdminCommand, requiredString } from './command.js';
import { formatTable } from './table.js';

export const producerConnection: AdminCommand = {
  name: 'producerConnection',
  description: "Query producer's socket connection and client version",
  options: [
    { flags: '-g, --producerGroup <group>', description: 'producer group name', required: true },
    { flags: '-t, --topic <topic>', description: 'topic name (its brokers are asked)', required: true },
  ],
  async run(ctx, options) {
    const pc = await ctx.admin.producerConnection(requiredString(options, 'producerGroup'), requiredString(options, 'topic'));
    const rows = pc.connectionSet.map((c, i) => [String(i + 1).padStart(4, '0'), c.clientId, c.clientAddr, c.language, versionDesc(c.version)]);
    for (const line of formatTable(['#', '#ClientId', '#ClientAddr', '#Language', '#Version'], rows)) ctx.println(line);
  },
};
