// Owns: turning one Message into what a SEND_MESSAGE_V2 request carries: the properties (tags,
// keys, WAIT, DELAY, TIMER_DELIVER_MS, user properties, UNIQ_KEY) written in the order a Java
// producer writes them, the body (zlib-deflated over the threshold) and the sysFlag.
// Counterpart: DefaultMQProducerImpl#sendKernelImpl (its message half) and #tryToCompressMessage,
// Message's setters, MessageClientIDSetter#setUniqID (4.9.8).

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { CompressionType, compressionFlag, MessageSysFlag } from '../../common/message/message-sys-flag.js';
import { encodePropertiesInJavaOrder, MessageConst } from '../../common/message/properties.js';
import { MessageIllegalError } from '../../common/mq-error.js';
import { bodyBuffer, type Message } from '../message.js';
import { checkBody, checkDelayTimeLevel, checkPropertiesLength, checkSystemValue, checkTopic, checkUserProperty } from './validators.js';

const deflate = promisify(zlib.deflate);

/** Java 4.9.8's default `rocketmq.message.compressLevel`. */
export const COMPRESS_LEVEL_DEFAULT = 5;
/** Java's MixAll.RETRY_GROUP_TOPIC_PREFIX. */
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';

/** A message ready to send: what goes into the request header and body. */
export interface PreparedMessage {
  readonly topic: string;
  /** The bytes sent: the body, deflated when COMPRESSED is set, or a batch body. */
  readonly body: Buffer;
  readonly sysFlag: number;
  readonly flag: number;
  readonly propertiesString: string;
  /** The UNIQ_KEY, or for a batch the UNIQ_KEYs joined by commas: what SendResult.msgId reports. */
  readonly msgId: string;
  readonly batch: boolean;
  /** Header reconsumeTimes: 0, or RECONSUME_TIME of a message resent to a %RETRY% topic. */
  readonly reconsumeTimes: number;
  /** Header maxReconsumeTimes of a message resent to a %RETRY% topic. */
  readonly maxReconsumeTimes?: number;
}

export interface PrepareSettings {
  readonly maxMessageSize: number;
  /** Bodies of at least this many bytes are deflated (Java's `>=`). */
  readonly compressMsgBodyOverHowmuch: number;
  readonly compressLevel?: number;
  /** Makes the UNIQ_KEY of a message that has none. */
  readonly nextUniqKey: () => string;
}

/**
 * The properties of a message in the order a Java producer's HashMap receives them: TAGS, KEYS
 * and WAIT (Message's constructor), user properties, DELAY, TIMER_DELIVER_MS, then
 * `systemProperties` (set by other client roles, e.g. TRAN_MSG and PGROUP for transactions).
 * Checks user properties, tags and keys. UNIQ_KEY is not added here.
 */
export function messageProperties(message: Message, systemProperties?: ReadonlyMap<string, string>): Map<string, string> {
  const topic = message.topic;
  const properties = new Map<string, string>();
  if (message.tags !== undefined && message.tags !== '') {
    checkSystemValue('tags', message.tags, topic);
    properties.set(MessageConst.PROPERTY_TAGS, message.tags);
  }
  const keys = typeof message.keys === 'string' ? message.keys : message.keys?.join(MessageConst.KEY_SEPARATOR);
  if (keys !== undefined && keys !== '') {
    checkSystemValue('keys', keys, topic);
    properties.set(MessageConst.PROPERTY_KEYS, keys);
  }
  properties.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, String(message.waitStoreMsgOK ?? true));
  for (const [name, value] of Object.entries(message.properties ?? {})) {
    checkUserProperty(name, value, topic);
    properties.set(name, value);
  }
  if (message.delayTimeLevel !== undefined) {
    checkDelayTimeLevel(message.delayTimeLevel, topic);
    if (message.delayTimeLevel > 0) properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(message.delayTimeLevel));
  }
  if (message.deliverTimeMs !== undefined) {
    if (!Number.isSafeInteger(message.deliverTimeMs) || message.deliverTimeMs < 0) {
      throw new MessageIllegalError(`deliverTimeMs must be a time in ms since the epoch, got ${message.deliverTimeMs}`, { context: { topic } });
    }
    properties.set(MessageConst.PROPERTY_TIMER_DELIVER_MS, String(message.deliverTimeMs));
  }
  if (systemProperties !== undefined) for (const [name, value] of systemProperties) properties.set(name, value);
  return properties;
}

/** Sets UNIQ_KEY unless the message already carries one (a resend keeps its id); returns it. */
export function ensureUniqKey(properties: Map<string, string>, nextUniqKey: () => string): string {
  const existing = properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (existing !== undefined) return existing;
  const uniqKey = nextUniqKey();
  properties.set(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
  return uniqKey;
}

/** Java's `int` range for Message.flag. */
export function checkFlag(flag: number, topic: string): void {
  if (!Number.isInteger(flag) || flag < -0x80000000 || flag > 0x7fffffff) {
    throw new MessageIllegalError(`the message flag must be a 32-bit integer, got ${flag}`, { context: { topic } });
  }
}

/**
 * Checks a message as Java's Validators and Message setters do, then builds what is sent. Bodies
 * of compressMsgBodyOverHowmuch bytes or more are deflated (zlib, level 5) off the event loop and
 * flagged COMPRESSED with the ZLIB type bits, as the 4.9.8 Java producer sends them (sysFlag 769).
 */
export async function prepareMessage(message: Message, settings: PrepareSettings, systemProperties?: ReadonlyMap<string, string>): Promise<PreparedMessage> {
  const topic = message.topic;
  checkTopic(topic);
  const flag = message.flag ?? 0;
  checkFlag(flag, topic);
  const raw = bodyBuffer(message.body);
  checkBody(raw, settings.maxMessageSize, topic);
  const properties = messageProperties(message, systemProperties);
  const msgId = ensureUniqKey(properties, settings.nextUniqKey);

  let reconsumeTimes = 0;
  let maxReconsumeTimes: number | undefined;
  if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    // A message resent to a retry topic carries its counters in the header, not as properties.
    const reconsume = takeInt(properties, MessageConst.PROPERTY_RECONSUME_TIME);
    if (reconsume !== undefined) reconsumeTimes = reconsume;
    maxReconsumeTimes = takeInt(properties, MessageConst.PROPERTY_MAX_RECONSUME_TIMES);
  }
  const propertiesString = encodePropertiesInJavaOrder(properties);
  checkPropertiesLength(propertiesString, topic);

  let sysFlag = 0;
  let body = raw;
  if (raw.length >= settings.compressMsgBodyOverHowmuch) {
    body = await deflate(raw, { level: settings.compressLevel ?? COMPRESS_LEVEL_DEFAULT });
    sysFlag |= MessageSysFlag.COMPRESSED_FLAG | compressionFlag(CompressionType.ZLIB);
  }
  if (properties.get(MessageConst.PROPERTY_TRANSACTION_PREPARED) === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;

  const prepared: PreparedMessage = { topic, body, sysFlag, flag, propertiesString, msgId, batch: false, reconsumeTimes };
  return maxReconsumeTimes === undefined ? prepared : { ...prepared, maxReconsumeTimes };
}

function takeInt(properties: Map<string, string>, name: string): number | undefined {
  const value = properties.get(name);
  if (value === undefined) return undefined;
  properties.delete(name);
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}
