// Owns: `rocketmq-ts admin resetOffsetByTime`: move a group's offsets on a topic to a point in
// time; live consumers are told by their brokers, an offline group gets the offsets committed.
// Counterpart: org.apache.rocketmq.tools.command.offset.ResetOffsetByTimeCommand and its fallback
// ResetOffsetByTimeOldCommand (4.9.8).

import { type AdminCommand, boolOption, requiredString } from './command.js';
import { formatTable } from './table.js';
import { parseTimestampFlag } from './time-format.js';

export const resetOffsetByTime: AdminCommand = {
  name: 'resetOffsetByTime',
  description: 'Reset consumer offset by timestamp(without client restart).',
  options: [
    { flags: '-g, --group <group>', description: 'set the consumer group', required: true },
    { flags: '-t, --topic <topic>', description: 'set the topic', required: true },
    { flags: '-s, --timestamp <time>', description: 'set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]', required: true },
    { flags: '-f, --force <true|false>', description: 'set the force rollback by timestamp switch[true|false] (default true)' },
    { flags: '-c, --cplus', description: 'reset c++ client offset (accepted; makes no difference here)' },
  ],
  async run(ctx, options) {
    const group = requiredString(options, 'group');
    const topic = requiredString(options, 'topic');
    const text = requiredString(options, 'timestamp');
    const timestamp = parseTimestampFlag(text, 'timestamp', true);
    const force = boolOption(options, 'force') ?? true;
    const result = await ctx.admin.resetOffsetByTime(group, topic, timestamp, force);
    ctx.println(
      `rollback consumer offset by specified group[${group}], topic[${topic}], force[${force}], timestamp(string)[${text}], timestamp(long)[${timestamp}]`,
    );
    if (result.clientsNotified) {
      const rows = result.queues.map((q) => [q.mq.brokerName, q.mq.queueId, q.rollbackOffset]);
      for (const line of formatTable(['#brokerName', '#queueId', '#offset'], rows)) ctx.println(line);
      return;
    }
    ctx.println('the group has no live consumer: its offsets were committed directly');
    const rows = result.queues.map((q) => [q.mq.brokerName, q.mq.queueId, q.brokerOffset ?? '', q.consumerOffset ?? '', q.timestampOffset ?? '', q.rollbackOffset]);
    const header = ['#brokerName', '#queueId', '#brokerOffset', '#consumerOffset', '#timestampOffset', '#rollbackOffset'];
    for (const line of formatTable(header, rows)) ctx.println(line);
  },
};
