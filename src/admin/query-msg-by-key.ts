// Owns: `rocketmq-ts admin queryMsgByKey`: messages of a topic whose KEYS include a key, from every broker's index.
// Counterpart: org.apache.rocketmq.tools.command.message.QueryMsgByKeySubCommand (4.9.8; -b -e -m as 5.x).

import { TIMESTAMP_MAX } from '../client/admin/admin-client.js';
import { type AdminCommand, intOption, requiredString, stringOption } from './command.js';
import { formatTable } from './table.js';
import { parseTimestampFlag } from './time-format.js';

export const queryMsgByKey: AdminCommand = {
  name: 'queryMsgByKey',
  description: 'Query Message by Key',
  options: [
    { flags: '-t, --topic <topic>', description: 'Topic name', required: true },
    { flags: '-k, --msgKey <key>', description: 'Message Key', required: true },
    { flags: '-b, --beginTimestamp <time>', description: 'stored at or after: ms or yyyy-MM-dd#HH:mm:ss:SSS (default 0)' },
    { flags: '-e, --endTimestamp <time>', description: 'stored at or before: ms or yyyy-MM-dd#HH:mm:ss:SSS (default: no bound)' },
    { flags: '-m, --maxNum <n>', description: 'The maximum number of messages returned by the query, default:64' },
  ],
  async run(ctx, options) {
    const begin = stringOption(options, 'beginTimestamp');
    const end = stringOption(options, 'endTimestamp');
    const messages = await ctx.admin.queryMessageByKey(requiredString(options, 'topic'), requiredString(options, 'msgKey'), {
      maxNum: intOption(options, 'maxNum') ?? 64,
      beginTimestampMs: begin === undefined ? 0 : parseTimestampFlag(begin, 'beginTimestamp'),
      endTimestampMs: end === undefined ? TIMESTAMP_MAX : parseTimestampFlag(end, 'endTimestamp'),
    });
    const rows = messages.map((m) => [m.msgId, m.brokerName, m.queueId, m.queueOffset]);
    for (const line of formatTable(['#Message ID', '#Broker Name', '#QID', '#Offset'], rows)) ctx.println(line);
  },
};
