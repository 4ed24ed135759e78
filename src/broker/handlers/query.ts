// Owns: looking messages up for admin tools and clients: by key (index) and by commit-log offset.
// Counterpart: org.apache.rocketmq.broker.processor.QueryMessageProcessor (4.9.8).

import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import { QueryMessage, ViewMessageById } from '../../remoting/requests/query.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { BrokerContext } from '../broker-context.js';

/** Java's defaultQueryMaxNum, used for unique-key queries. */
const DEFAULT_QUERY_MAX_NUM = 32;

export function registerQueryHandlers(server: RemotingServer, ctx: BrokerContext): void {
  server.registerHandler(
    RequestCode.QUERY_MESSAGE,
    handleWith(QueryMessage, (h) => {
      const maxNum = h.uniqueKeyQuery === true ? DEFAULT_QUERY_MAX_NUM : h.maxNum;
      const found = ctx.store.queryMessage(h.topic, h.key, maxNum, h.beginTimestamp, h.endTimestamp);
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.extFields = QueryMessage.encodeResponse({
        indexLastUpdateTimestamp: found.indexLastUpdateTimestamp,
        indexLastUpdatePhyoffset: found.indexLastUpdatePhyoffset,
      });
      if (found.messages.length === 0) {
        response.code = ResponseCode.QUERY_NOT_FOUND;
        response.remark = 'can not find message, maybe time range not correct';
        return response;
      }
      response.body = Buffer.concat(found.messages);
      return response;
    }),
  );

  server.registerHandler(
    RequestCode.VIEW_MESSAGE_BY_ID,
    handleWith(ViewMessageById, (h) => {
      const record = ctx.store.lookMessageByOffset(h.offset);
      if (record === undefined) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${h.offset}`);
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.body = record;
      return response;
    }),
  );
}
