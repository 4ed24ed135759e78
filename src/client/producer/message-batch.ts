// Owns: sending several messages as one SEND_BATCH_MESSAGE: the rules a batch must follow, its
// body, and splitting a long list into batches that fit.
// Counterpart: org.apache.rocketmq.common.message.MessageBatch, DefaultMQProducer#batch (4.9.8),
// and the ListSplitter of the Java example example/batch/SplitBatchProducer.java.
//
// The batch request carries the topic and a WAIT property of its own; each entry carries its
// message's flag, body and properties, UNIQ_KEY included (common/message/batch.ts has the bytes).
// Batches are never compressed (Java does not compress them either).

import { BATCH_ENTRY_FIXED_BYTES, type BatchEntryInput, encodeBatchBody } from '../../common/message/batch.js';
import { encodePropertiesInJavaOrder, MessageConst } from '../../common/message/properties.js';
import { MessageIllegalError } from '../../common/mq-error.js';
import { bodyBuffer, type Message } from '../message.js';
import { checkFlag, ensureUniqKey, messageProperties, type PreparedMessage, type PrepareSettings, RETRY_GROUP_TOPIC_PREFIX } from './outgoing-message.js';
import { checkBody, checkPropertiesLength, checkTopic } from './validators.js';

/** The default size bound of splitBatch: the broker's and producer's maxMessageSize, 4 MiB. */
export const BATCH_BYTES_MAX_DEFAULT = 4 * 1024 * 1024;
/** The longest UNIQ_KEY (an IPv6 client): splitBatch counts it for messages that have none yet. */
const UNIQ_KEY_LENGTH_MAX = 56;

/**
 * Checks the rules of MessageBatch.generateFromList: at least one message, one topic, the same
 * waitStoreMsgOK, no delay or timer and no retry topic.
 */
export function checkBatch(messages: readonly Message[]): void {
  const first = messages[0];
  if (first === undefined) throw new MessageIllegalError('the message batch is empty');
  for (const message of messages) {
    const context = { context: { topic: message.topic } };
    if ((message.delayTimeLevel ?? 0) > 0 || message.deliverTimeMs !== undefined) {
      throw new MessageIllegalError('TimeDelayLevel is not supported for batching', context);
    }
    if (message.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) throw new MessageIllegalError('Retry Group is not supported for batching', context);
    if (message.topic !== first.topic) throw new MessageIllegalError('The topic of the messages in one batch should be the same', context);
    if ((message.waitStoreMsgOK ?? true) !== (first.waitStoreMsgOK ?? true)) {
      throw new MessageIllegalError('The waitStoreMsgOK of the messages in one batch should the same', context);
    }
  }
}

/**
 * Checks every message as a single send would be checked, gives each a UNIQ_KEY, and encodes the
 * batch. The whole body must fit maxMessageSize. msgId is the UNIQ_KEYs joined by commas, as the
 * Java producer reports a batch.
 */
export function prepareBatch(messages: readonly Message[], settings: PrepareSettings): PreparedMessage {
  checkBatch(messages);
  const topic = messages[0]!.topic;
  checkTopic(topic);
  const entries: BatchEntryInput[] = [];
  const uniqKeys: string[] = [];
  for (const message of messages) {
    const flag = message.flag ?? 0;
    checkFlag(flag, topic);
    const body = bodyBuffer(message.body);
    checkBody(body, settings.maxMessageSize, topic);
    const properties = messageProperties(message);
    uniqKeys.push(ensureUniqKey(properties, settings.nextUniqKey));
    const propertiesString = encodePropertiesInJavaOrder(properties);
    checkPropertiesLength(propertiesString, topic);
    entries.push({ flag, body, propertiesString });
  }
  const body = encodeBatchBody(entries);
  checkBody(body, settings.maxMessageSize, topic);
  const wait = String(messages[0]!.waitStoreMsgOK ?? true);
  return {
    topic,
    body,
    sysFlag: 0,
    flag: 0,
    propertiesString: encodePropertiesInJavaOrder(new Map([[MessageConst.PROPERTY_WAIT_STORE_MSG_OK, wait]])),
    msgId: uniqKeys.join(','),
    batch: true,
    reconsumeTimes: 0,
  };
}

/**
 * Splits messages into lists that can each be sent as one batch of at most `bytesMax` bytes
 * (default 4 MiB, the default maxMessageSize), keeping their order.
 *
 * Java's ListSplitter example counts topic + body + property names and values + 20 bytes per
 * message. This counts what the batch body really carries instead, so that a list of at most
 * `bytesMax` always passes the size check: the 22-byte entry header, the body, the properties
 * string as encoded (separators, UTF-8, and the WAIT and UNIQ_KEY the producer adds), plus the
 * topic as Java does. A single message larger than `bytesMax` gets a list of its own (the send
 * will refuse it), as in Java's example.
 */
export function splitBatch(messages: readonly Message[], bytesMax: number = BATCH_BYTES_MAX_DEFAULT): Message[][] {
  const out: Message[][] = [];
  let current: Message[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const size = estimatedBatchEntryBytes(message);
    if (current.length > 0 && currentBytes + size > bytesMax) {
      out.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** What one message adds to a batch, as splitBatch counts it. */
export function estimatedBatchEntryBytes(message: Message): number {
  const properties = messageProperties(message);
  if (!properties.has(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)) {
    properties.set(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, '0'.repeat(UNIQ_KEY_LENGTH_MAX));
  }
  const body = typeof message.body === 'string' ? Buffer.byteLength(message.body, 'utf8') : message.body.length;
  return (
    Buffer.byteLength(message.topic, 'utf8') +
    BATCH_ENTRY_FIXED_BYTES +
    body +
    Buffer.byteLength(encodePropertiesInJavaOrder(properties), 'utf8')
  );
}
