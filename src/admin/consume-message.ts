// Owns: `rocketmq-ts admin consumeMessage`: pull and print messages of a topic (every queue, one
// queue, or one queue from an offset), within a time window and up to a count; with -g, read as
// that group from its committed offsets and commit what was printed.
// Counterpart: org.apache.rocketmq.tools.command.message.ConsumeMessageCommand (4.9.8).
//
// Our addition: Java's consumeMessage pulls as -g but neither reads nor commits the group's
// offsets, so a tool run never shows up in consumerProgress. Here -g starts each queue at the
// group's committed offset (unless -o or -s says where) and commits the offset after the last
// message printed, so `consumeMessage -g G` is how a group is consumed from the command line.

import type { MessageQueue } from '../client/message.js';
import { ConfigError, NotFoundError } from '../common/mq-error.js';
import { type AdminCommand, type AdminCommandContext, intOption, requiredString, stringOption } from './command.js';
import { messageLine } from './print-message.js';
import { parseTimestampFlag } from './time-format.js';

/** Java's default messageCount. */
const MESSAGE_COUNT_DEFAULT = 128;
/** Messages asked for per pull (Java's pull consumer default batch). */
const PULL_BATCH_MAX = 32;

interface Plan {
  group: string | undefined;
  offset: number | undefined;
  beginMs: number | undefined;
  endMs: number | undefined;
}

/** Where reading a queue starts and (exclusive) ends. */
async function queueRange(ctx: AdminCommandContext, mq: MessageQueue, plan: Plan): Promise<[start: number, end: number]> {
  const min = await ctx.admin.minOffset(mq);
  let end = await ctx.admin.maxOffset(mq);
  if (plan.endMs !== undefined) end = Math.min(end, await ctx.admin.searchOffset(mq, plan.endMs));
  let start = min;
  if (plan.offset !== undefined) start = plan.offset;
  else if (plan.beginMs !== undefined) start = await ctx.admin.searchOffset(mq, plan.beginMs);
  else if (plan.group !== undefined) start = (await ctx.admin.queryConsumeOffset(plan.group, mq)) ?? min;
  return [Math.max(start, min), end];
}

/** Prints up to `budget` messages of one queue; resolves with how many were printed. */
async function consumeQueue(ctx: AdminCommandContext, mq: MessageQueue, plan: Plan, budget: number): Promise<number> {
  const [start, end] = await queueRange(ctx, mq, plan);
  let offset = start;
  let printed = 0;
  let status = 'NO_NEW_MSG';
  while (offset < end && printed < budget) {
    const before = offset;
    const result = await ctx.admin.pull(mq, offset, Math.min(PULL_BATCH_MAX, budget - printed, end - offset), plan.group);
    status = result.status;
    if (result.status === 'NO_NEW_MSG' || result.status === 'OFFSET_ILLEGAL') break;
    for (const msg of result.messages) {
      if (msg.queueOffset >= end || printed >= budget) break;
      ctx.println(messageLine(msg));
      printed++;
      offset = msg.queueOffset + 1;
    }
    // NO_MATCHED_MSG, or messages the tag check dropped: move past them.
    if (result.nextBeginOffset > offset && printed < budget) offset = Math.min(result.nextBeginOffset, end);
    if (offset === before) break;
  }
  // Every visited queue is committed, even with nothing read: a group with offsets on some queues
  // only is one brokers refuse to reset by time ("consumer group not exist").
  if (plan.group !== undefined) await ctx.admin.updateConsumeOffset(plan.group, mq, offset);
  ctx.println(`${mq.topic}/${mq.brokerName}/${mq.queueId}: ${printed} message(s) from offset ${start} to ${offset}${offset < end ? '' : ' (end)'}, status=${status}`);
  return printed;
}

export const consumeMessage: AdminCommand = {
  name: 'consumeMessage',
  description: 'Consume message',
  options: [
    { flags: '-t, --topic <topic>', description: 'Topic name', required: true },
    { flags: '-b, --brokerName <name>', description: 'Broker name' },
    { flags: '-i, --queueId <id>', description: 'Queue Id (needs -b)' },
    { flags: '-o, --offset <offset>', description: 'Queue offset (needs -i)' },
    {
      flags: '-g, --consumerGroup <group>',
      description:
        'Consumer group name; rocketmq-ts addition: reading starts at the group\'s committed offset and what is printed is committed (Java\'s consumeMessage commits nothing)',
    },
    { flags: '-s, --beginTimestamp <time>', description: 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { flags: '-e, --endTimestamp <time>', description: 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]' },
    { flags: '-c, --messageNumber <n>', description: 'Number of message to be consumed (default 128)' },
  ],
  async run(ctx, options) {
    const topic = requiredString(options, 'topic');
    const count = intOption(options, 'messageNumber') ?? MESSAGE_COUNT_DEFAULT;
    if (count <= 0) throw new ConfigError(`--messageNumber=${count}: expected a positive number`, { key: 'messageNumber' });
    const brokerName = stringOption(options, 'brokerName');
    const queueId = intOption(options, 'queueId');
    const offset = intOption(options, 'offset');
    if (queueId !== undefined && brokerName === undefined) throw new ConfigError('Please set the brokerName (-b) before queueId (-i)', { key: 'queueId' });
    if (offset !== undefined && queueId === undefined) throw new ConfigError('Please set queueId (-i) before offset (-o)', { key: 'offset' });
    const begin = stringOption(options, 'beginTimestamp');
    const end = stringOption(options, 'endTimestamp');
    const plan: Plan = {
      group: stringOption(options, 'consumerGroup'),
      offset,
      beginMs: begin === undefined ? undefined : parseTimestampFlag(begin, 'beginTimestamp'),
      endMs: end === undefined ? undefined : parseTimestampFlag(end, 'endTimestamp'),
    };
    const now = ctx.now();
    if ((plan.beginMs ?? 0) > now) throw new ConfigError('Please set the beginTimestamp before now!', { key: 'beginTimestamp' });
    if ((plan.endMs ?? 0) > now) throw new ConfigError('Please set the endTimestamp before now!', { key: 'endTimestamp' });
    if (plan.beginMs !== undefined && plan.endMs !== undefined && plan.beginMs > plan.endMs) {
      throw new ConfigError('Please make sure that the beginTimestamp is less than or equal to the endTimestamp', { key: 'beginTimestamp' });
    }
    let queues = await ctx.admin.subscribeQueues(topic);
    if (brokerName !== undefined) queues = queues.filter((q) => q.brokerName === brokerName && (queueId === undefined || q.queueId === queueId));
    if (queues.length === 0) throw new NotFoundError(`topic ${topic} has no readable queue${brokerName === undefined ? '' : ` on ${brokerName}${queueId === undefined ? '' : ` with id ${queueId}`}`}`);
    let left = count;
    for (const mq of queues) {
      if (left === 0) break;
      left -= await consumeQueue(ctx, mq, plan, left);
    }
    ctx.println(`consumed ${count - left} message(s)${plan.group === undefined ? '' : `, offsets committed for group ${plan.group}`}`);
  },
};
