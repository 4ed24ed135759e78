// Owns: `rocketmq-ts admin queryMsgByOffset`: the message at (topic, brokerName, queueId, queue offset), by a pull.
// Counterpart: org.apache.rocketmq.tools.command.message.QueryMsgByOffsetSubCommand (4.9.8).

import { NotFoundError } from '../common/mq-error.js';
import { ResponseCode } from '../remoting/codes/response-code.js';
import { type AdminCommand, intOption, requiredString } from './command.js';
import { messageDetail } from './print-message.js';

export const queryMsgByOffset: AdminCommand = {
  name: 'queryMsgByOffset',
  description: 'Query Message by offset',
  options: [
    { flags: '-t, --topic <topic>', description: 'topic name', required: true },
    { flags: '-b, --brokerName <name>', description: 'Broker Name', required: true },
    { flags: '-i, --queueId <id>', description: 'Queue Id', required: true },
    { flags: '-o, --offset <offset>', description: 'Queue Offset', required: true },
  ],
  async run(ctx, options) {
    const mq = { topic: requiredString(options, 'topic'), brokerName: requiredString(options, 'brokerName'), queueId: intOption(options, 'queueId') ?? 0 };
    const offset = intOption(options, 'offset') ?? 0;
    const msg = await ctx.admin.messageByOffset(mq, offset);
    // Java prints nothing here; an error says why nothing came back.
    if (msg === undefined) throw new NotFoundError(`no message at ${mq.topic}/${mq.brokerName}/${mq.queueId} offset ${offset}`, { code: ResponseCode.NO_MESSAGE });
    for (const line of messageDetail(msg)) ctx.println(line);
  },
};
