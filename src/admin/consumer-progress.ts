// Owns: `rocketmq-ts admin consumerProgress`: a group's progress per queue (broker offset,
// committed offset, their difference: the lag), or without -g a summary line per group.
// Counterpart: org.apache.rocketmq.tools.command.consumer.ConsumerProgressSubCommand (4.9.8; -t as 5.x).

import { AdminClient } from '../client/admin/admin-client.js';
import type { ConsumerConnection } from '../client/admin/connection-bodies.js';
import { versionDesc } from '../client/admin/mq-version.js';
import type { ConsumeStats } from '../client/admin/queue-offset-tables.js';
import { type AdminCommand, type AdminCommandContext, stringOption } from './command.js';
import { formatTable } from './table.js';
import { humanTime } from './time-format.js';

const RETRY_PREFIX = '%RETRY%';

async function groupProgress(ctx: AdminCommandContext, group: string, topic: string | undefined): Promise<void> {
  const stats = await ctx.admin.consumeStats(group, topic);
  const rows = stats.offsetTable.map(({ mq, value }) => [
    mq.topic,
    mq.brokerName,
    mq.queueId,
    value.brokerOffset,
    value.consumerOffset,
    value.brokerOffset - value.consumerOffset,
    value.lastTimestamp === 0 ? 'N/A' : humanTime(value.lastTimestamp),
  ]);
  for (const line of formatTable(['#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#LastTime'], rows)) ctx.println(line);
  ctx.println('');
  ctx.println(`Consume TPS: ${stats.consumeTps.toFixed(2)}`);
  ctx.println(`Diff Total: ${AdminClient.totalDiff(stats)}`);
}

async function allGroups(ctx: AdminCommandContext): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  for (const topic of await ctx.admin.topicList()) {
    if (!topic.startsWith(RETRY_PREFIX)) continue;
    const group = topic.slice(RETRY_PREFIX.length);
    // As mqadmin: a group without stats or without live clients still gets its line.
    const stats: ConsumeStats | undefined = await ctx.admin.consumeStats(group).catch(() => undefined);
    const cc: ConsumerConnection | undefined = await ctx.admin.consumerConnection(group).catch(() => undefined);
    const count = cc?.connectionSet.length ?? 0;
    const minVersion = cc === undefined || count === 0 ? 0 : Math.min(...cc.connectionSet.map((c) => c.version));
    const type = count === 0 ? '' : cc?.consumeType === 'CONSUME_ACTIVELY' ? 'PULL' : 'PUSH';
    const model = count > 0 && cc?.consumeType === 'CONSUME_PASSIVELY' ? cc.messageModel ?? '' : '';
    rows.push([group, count, count > 0 ? versionDesc(minVersion) : 'OFFLINE', type, model, Math.trunc(stats?.consumeTps ?? 0), stats === undefined ? 0 : AdminClient.totalDiff(stats)]);
  }
  for (const line of formatTable(['#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total'], rows)) ctx.println(line);
}

export const consumerProgress: AdminCommand = {
  name: 'consumerProgress',
  description: "Query consumers's progress, speed",
  options: [
    { flags: '-g, --groupName <group>', description: 'consumer group name (without it: one line per group)' },
    { flags: '-t, --topicName <topic>', description: "only this topic; its queues are shown even before the group commits an offset (5.x's flag)" },
  ],
  async run(ctx, options) {
    const group = stringOption(options, 'groupName');
    if (group !== undefined && group !== '') await groupProgress(ctx, group, stringOption(options, 'topicName'));
    else await allGroups(ctx);
  },
};
