// Owns: the client's message model: what a producer sends (Message), what a consumer receives
// (ReceivedMessage), MessageQueue keys, and the property helpers both sides use.
// Counterpart: org.apache.rocketmq.common.message.{Message,MessageExt,MessageClientExt,MessageQueue}.

import type { MessageExt } from '../common/message/message-record.js';
import { MessageConst } from '../common/message/properties.js';
import type { MessageQueue } from '../remoting/requests/client.js';

export type { MessageQueue };

/** A message to send. */
export interface Message {
  topic: string;
  /** A string is sent as its UTF-8 bytes. */
  body: Buffer | string;
  /** One tag (the TAGS property), used by consumers' subscription expressions. */
  tags?: string;
  /** Business keys (the KEYS property, space separated), indexed by the broker for queries. */
  keys?: string | readonly string[];
  /** User properties. */
  properties?: Readonly<Record<string, string>>;
  /** Java's Message.flag, stored as is. */
  flag?: number;
  /** A delay level (1..18 with the default `messageDelayLevel`): the broker delivers it later. */
  delayTimeLevel?: number;
  /** Deliver at this time (ms since the epoch): a RocketMQ 5 timer message (TIMER_DELIVER_MS). */
  deliverTimeMs?: number;
  /** Broker-side wait for the store before answering (WAIT property); default true. */
  waitStoreMsgOK?: boolean;
}

/** A message a consumer received: the stored record plus what the client derives from it. */
export interface ReceivedMessage extends MessageExt {
  /** The UNIQ_KEY set by the producer, or the offsetMsgId when there is none (Java MessageClientExt.getMsgId). */
  msgId: string;
  brokerName: string;
  tags: string | undefined;
  keys: string[];
}

export function messageQueueKey(mq: MessageQueue): string {
  return `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
}

/** Java's MessageQueue.compareTo: topic, then brokerName, then queueId. */
export function compareMessageQueue(a: MessageQueue, b: MessageQueue): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

export function toReceivedMessage(ext: MessageExt, brokerName: string): ReceivedMessage {
  const props = ext.properties;
  const keys = props.get(MessageConst.PROPERTY_KEYS);
  const received = ext as ReceivedMessage;
  received.msgId = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? ext.offsetMsgId;
  received.brokerName = brokerName;
  received.tags = props.get(MessageConst.PROPERTY_TAGS);
  received.keys = keys === undefined || keys === '' ? [] : keys.split(MessageConst.KEY_SEPARATOR).filter((k) => k !== '');
  return received;
}

export function bodyBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
