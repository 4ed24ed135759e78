// Owns: `rocketmq-ts admin queryMsgByUniqueKey`: a message by the id its producer gave it (UNIQ_KEY),
// from the brokers' index; -a shows every stored copy (resends, retries), oldest first.
// Counterpart: org.apache.rocketmq.tools.command.message.QueryMsgByUniqueKeySubCommand (4.9.8),
// without its push-to-client (-g -d) mode.

import { type AdminCommand, flagOption, requiredString } from './command.js';
import { messageDetail } from './print-message.js';

export const queryMsgByUniqueKey: AdminCommand = {
  name: 'queryMsgByUniqueKey',
  description: 'Query Message by Unique key',
  options: [
    { flags: '-i, --msgId <id>', description: 'Message Id (the producer\'s UNIQ_KEY)', required: true },
    { flags: '-t, --topic <topic>', description: 'The topic of msg', required: true },
    { flags: '-a, --showAll', description: 'Print all message, the limit is 32' },
  ],
  async run(ctx, options) {
    const messages = await ctx.admin.queryMessageByUniqueKey(requiredString(options, 'topic'), requiredString(options, 'msgId'));
    const shown = flagOption(options, 'showAll') ? messages : messages.slice(0, 1);
    for (const [i, msg] of shown.entries()) {
      if (i > 0) ctx.println('');
      for (const line of messageDetail(msg)) ctx.println(line);
    }
  },
};
