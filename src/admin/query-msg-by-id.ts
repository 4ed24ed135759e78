// Owns: `rocketmq-ts admin queryMsgById`: messages by offset message id (the id holds the store
// host and commit-log offset, so the broker is asked directly), several ids comma-separated.
// Counterpart: org.apache.rocketmq.tools.command.message.QueryMsgByIdSubCommand (4.9.8), without
// its resend (-s) and push-to-client (-g -d) modes.

import { type AdminCommand, requiredString } from './command.js';
import { messageDetail } from './print-message.js';

export const queryMsgById: AdminCommand = {
  name: 'queryMsgById',
  description: 'Query Message by Id',
  options: [{ flags: '-i, --msgId <ids>', description: 'offset message id(s), comma separated', required: true }],
  async run(ctx, options) {
    const ids = requiredString(options, 'msgId')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const [i, id] of ids.entries()) {
      if (i > 0) ctx.println('');
      for (const line of messageDetail(await ctx.admin.viewMessage(id))) ctx.println(line);
    }
  },
};
