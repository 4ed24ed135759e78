// Owns: `rocketmq-ts admin topicStatus`: every queue of a topic with its min and max offset and last store time.
// Counterpart: org.apache.rocketmq.tools.command.topic.TopicStatusSubCommand (4.9.8).

import { type AdminCommand, requiredString } from './command.js';
import { formatTable } from './table.js';
import { humanTimeMs } from './time-format.js';

export const topicStatus: AdminCommand = {
  name: 'topicStatus',
  description: 'Examine topic Status info',
  options: [{ flags: '-t, --topic <topic>', description: 'topic name', required: true }],
  async run(ctx, options) {
    const stats = await ctx.admin.topicStats(requiredString(options, 'topic'));
    const rows = stats.offsetTable.map(({ mq, value }) => [
      mq.brokerName,
      mq.queueId,
      value.minOffset,
      value.maxOffset,
      value.lastUpdateTimestamp > 0 ? humanTimeMs(value.lastUpdateTimestamp) : '',
    ]);
    for (const line of formatTable(['#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated'], rows)) ctx.println(line);
  },
};
