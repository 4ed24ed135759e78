// Owns: CONSUMER_SEND_MSG_BACK (36) as a push consumer sends it: hand a message that failed
// consumption back to its broker, which stores a copy in %RETRY%<group> (delayed by the delay
// level) or, past maxReconsumeTimes or with a negative level, in %DLQ%<group>.
// Counterpart: DefaultMQPushConsumerImpl#sendMessageBack and MQClientAPIImpl#consumerSendMessageBack (4.9.8).
//
// The header (offset, group, delayLevel, originMsgId, originTopic, unitMode, maxReconsumeTimes,
// bname) is the ConsumerSendMsgBack codec's; see remoting/requests/retry.ts and protocol.md 7.1.

import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { ConsumerSendMsgBack } from '../../remoting/requests/retry.js';
import type { ClientInstance } from '../connection/client-instance.js';
import type { ReceivedMessage } from '../message.js';

/** Java's timeout for consumerSendMessageBack. */
export const SEND_BACK_TIMEOUT_MS = 5000;

export interface SendBackRequest {
  group: string;
  delayLevel: number;
  maxReconsumeTimes: number;
}

/**
 * Sends the message back to the master of the broker it was pulled from (the store host when the
 * master is unknown); throws an MQError when the broker does not answer SUCCESS.
 */
export async function sendMessageBack(instance: ClientInstance, msg: ReceivedMessage, request: SendBackRequest): Promise<void> {
  const addr = instance.findBrokerAddrInPublish(msg.brokerName) ?? msg.storeHost;
  const header = ConsumerSendMsgBack.encode({
    commitLogOffset: msg.commitLogOffset,
    group: request.group,
    delayLevel: request.delayLevel,
    originMsgId: msg.msgId,
    originTopic: msg.topic,
    unitMode: false,
    maxReconsumeTimes: request.maxReconsumeTimes,
    bname: msg.brokerName,
  });
  const command = RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, header);
  await instance.invokeBrokerOk(addr, command, SEND_BACK_TIMEOUT_MS);
}
