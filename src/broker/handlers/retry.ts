// Owns: registering CONSUMER_SEND_MSG_BACK (36) on the send lane (Java runs it on the send
// thread pool, as it stores a message).
// Counterpart: the CONSUMER_SEND_MSG_BACK branch of org.apache.rocketmq.broker.processor.SendMessageProcessor.

import { RequestCode } from '../../remoting/codes/request-code.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import { ConsumerSendMsgBack } from '../../remoting/requests/retry.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { BrokerContext } from '../broker-context.js';
import { consumerSendMsgBack } from '../retry/send-back.js';
import { SEND_LANE } from './send.js';

/** Call after registerSendHandlers, which declares the send lane. */
export function registerRetryHandlers(server: RemotingServer, ctx: BrokerContext): void {
  server.registerHandler(
    RequestCode.CONSUMER_SEND_MSG_BACK,
    handleWith(ConsumerSendMsgBack, (header, request) => consumerSendMsgBack(ctx, header, request.version)),
    SEND_LANE,
  );
}
