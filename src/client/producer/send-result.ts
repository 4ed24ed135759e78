// Owns: what a send resolves with (SendResult, SendStatus) and how a broker's answer to a send
// becomes one: codes 10, 11 and 12 are statuses of a stored message, not errors.
// Counterpart: org.apache.rocketmq.client.producer.SendResult / SendStatus and
// MQClientAPIImpl#processSendResponse (4.9.8).

import { MessageConst } from '../../common/message/properties.js';
import { SystemError } from '../../common/mq-error.js';
import { errorFromResponse, ResponseCode } from '../../remoting/codes/response-code.js';
import type { RemotingCommand } from '../../remoting/remoting-command.js';
import { SendMessage } from '../../remoting/requests/send.js';
import type { MessageQueue } from '../message.js';

/**
 * How a stored message was stored. Anything but SEND_OK means the broker has the message but
 * could not confirm every durability step it was configured for.
 */
export const SendStatus = Object.freeze({
  SEND_OK: 'SEND_OK',
  /** SYNC_FLUSH broker: the disk flush did not finish within syncFlushTimeout. */
  FLUSH_DISK_TIMEOUT: 'FLUSH_DISK_TIMEOUT',
  /** SYNC_MASTER broker: the slave did not confirm in time. */
  FLUSH_SLAVE_TIMEOUT: 'FLUSH_SLAVE_TIMEOUT',
  /** SYNC_MASTER broker: no slave to replicate to. */
  SLAVE_NOT_AVAILABLE: 'SLAVE_NOT_AVAILABLE',
});
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

/** What a send resolves with. */
export interface SendResult {
  sendStatus: SendStatus;
  /** The UNIQ_KEY the producer gave the message (for a batch, every UNIQ_KEY, comma-separated). */
  msgId: string;
  /** Where the broker stored it: store host and commitLogOffset in hex (comma-separated for a batch). */
  offsetMsgId: string;
  /** The queue it was stored in. */
  messageQueue: MessageQueue;
  /** Its position in that queue (the first message's for a batch). */
  queueOffset: number;
  /** Set by brokers for transactional messages. */
  transactionId?: string;
  /** The broker's MSG_REGION ('DefaultRegion' when it sends none). */
  regionId: string;
  /** False when the broker says message tracing is off (TRACE_ON=false). */
  traceOn: boolean;
}

/** Java's MixAll.DEFAULT_TRACE_REGION_ID. */
export const DEFAULT_REGION_ID = 'DefaultRegion';

/** The status a send response code stands for, or undefined when the code is a failure. */
export function sendStatusOfCode(code: number): SendStatus | undefined {
  switch (code) {
    case ResponseCode.SUCCESS:
      return SendStatus.SEND_OK;
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return SendStatus.FLUSH_DISK_TIMEOUT;
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return SendStatus.FLUSH_SLAVE_TIMEOUT;
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return SendStatus.SLAVE_NOT_AVAILABLE;
    default:
      return undefined;
  }
}

export interface SendResponseContext {
  readonly topic: string;
  readonly brokerName: string;
  readonly brokerAddr: string;
  /** PreparedMessage.msgId. */
  readonly msgId: string;
  readonly requestCode: number;
}

/**
 * The SendResult of a broker's answer, or the MQError of its code (errorFromResponse) when the
 * message was not stored.
 */
export function toSendResult(response: RemotingCommand, ctx: SendResponseContext): SendResult {
  const sendStatus = sendStatusOfCode(response.code);
  const context = { topic: ctx.topic, brokerAddr: ctx.brokerAddr, requestCode: ctx.requestCode, opaque: response.opaque };
  if (sendStatus === undefined) throw errorFromResponse(response.code, response.remark, context);
  const header = SendMessage.decodeResponse(response);
  if (!header.ok) throw new SystemError(`the broker's answer to a send does not decode: ${header.error}`, { context });
  const regionId = response.ext(MessageConst.PROPERTY_MSG_REGION);
  const result: SendResult = {
    sendStatus,
    msgId: ctx.msgId,
    offsetMsgId: header.value.msgId,
    messageQueue: { topic: ctx.topic, brokerName: ctx.brokerName, queueId: header.value.queueId },
    queueOffset: header.value.queueOffset,
    regionId: regionId === undefined || regionId === '' ? DEFAULT_REGION_ID : regionId,
    traceOn: response.ext(MessageConst.PROPERTY_TRACE_SWITCH) !== 'false',
  };
  if (header.value.transactionId !== undefined) result.transactionId = header.value.transactionId;
  return result;
}
