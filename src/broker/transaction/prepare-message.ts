// Owns: what a send carrying TRAN_MSG=true stores: the half message instead of the message itself,
// or NO_PERMISSION when the broker refuses transactional messages (rejectTransactionMessage).
// Counterpart: the transaction branch of org.apache.rocketmq.broker.processor.SendMessageProcessor
// (asyncSendMessage) with TransactionalMessageBridge.parseHalfMessageInner, 4.9.8.
//
// The send answer is the ordinary one for what was stored: msgId is the half record's offset id and
// queueOffset its half-queue offset (END_TRANSACTION names both back); queueId is the queue the
// producer chose. 4.9.8 returns no transactionId here; its producers take UNIQ_KEY.

import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { MessageInput } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { isTransactionPrepared, toHalfMessage } from './half-message.js';

/**
 * The message to store for a send: its half message when it carries TRAN_MSG=true, itself
 * otherwise; or the refusal to answer with.
 */
export function divertTransactionHalfMessage(ctx: BrokerContext, msg: MessageInput): MessageInput | RemotingCommand {
  if (!isTransactionPrepared(msg.properties)) return msg;
  if (liveConfigFor(ctx).get('rejectTransactionMessage')) {
    return RemotingCommand.response(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending transaction message is forbidden`);
  }
  return toHalfMessage(msg);
}
