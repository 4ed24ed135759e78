// Owns: `rocketmq-ts admin sendMessage`: send one message, to any queue of the topic or to one queue.
// Counterpart: org.apache.rocketmq.tools.command.message.SendMessageCommand (4.9.8).

import { ConfigError } from '../common/mq-error.js';
import { type AdminCommand, intOption, requiredString, stringOption } from './command.js';
import { formatTable } from './table.js';

export const sendMessage: AdminCommand = {
  name: 'sendMessage',
  description: 'Send a message',
  options: [
    { flags: '-t, --topic <topic>', description: 'Topic name', required: true },
    { flags: '-p, --body <body>', description: 'UTF-8 string format of the message body', required: true },
    { flags: '-k, --key <keys>', description: 'Message keys' },
    { flags: '-c, --tags <tags>', description: 'Message tags' },
    { flags: '-b, --broker <brokerName>', description: 'Send message to target broker' },
    { flags: '-i, --qid <queueId>', description: 'Send message to target queue (needs -b)' },
  ],
  async run(ctx, options) {
    const topic = requiredString(options, 'topic');
    const brokerName = stringOption(options, 'broker');
    const queueId = intOption(options, 'qid');
    if (queueId !== undefined && brokerName === undefined) throw new ConfigError('Broker name (-b) must be set if the queue (-i) is chosen!', { key: 'qid' });
    const keys = stringOption(options, 'key');
    const tags = stringOption(options, 'tags');
    const message = { topic, body: requiredString(options, 'body'), ...(keys !== undefined ? { keys } : {}), ...(tags !== undefined ? { tags } : {}) };
    const target =
      brokerName === undefined ? {} : queueId === undefined ? { brokerName } : { messageQueue: { topic, brokerName, queueId } };
    const result = await ctx.admin.sendMessage(message, target);
    const row = [result.messageQueue.brokerName, result.messageQueue.queueId, result.sendStatus, result.msgId, result.offsetMsgId];
    for (const line of formatTable(['#Broker Name', '#QID', '#Send Result', '#MsgId', '#OffsetMsgId'], [row])) ctx.println(line);
  },
};
