// Owns: what a producer checks before anything goes on the wire: topic and group names, topics
// clients may not send to, the body, user property names and values, and the size bounds.
// Counterpart: org.apache.rocketmq.client.Validators, TopicValidator#isNotAllowedSendTopic and
// Message#putUserProperty (4.9.8).
//
// Java throws MQClientException with code -1 for name errors and MESSAGE_ILLEGAL for body
// errors; every message check here is a MessageIllegalError (13), except a topic reserved for
// the broker's own use, which the broker would answer NO_PERMISSION (16) and so do we.

import { MessageConst, NAME_VALUE_SEPARATOR, PROPERTIES_BYTES_MAX, PROPERTY_SEPARATOR, SYSTEM_PROPERTY_KEYS } from '../../common/message/properties.js';
import { ConfigError, MessageIllegalError, NoPermissionError } from '../../common/mq-error.js';

/** Java's Validators.TOPIC_MAX_LENGTH. */
export const TOPIC_MAX_LENGTH = 127;
/** Java's Validators.CHARACTER_MAX_LENGTH, the longest group name. */
export const GROUP_MAX_LENGTH = 255;
const VALID_NAME = /^[%|a-zA-Z0-9_-]+$/;
const VALID_NAME_TEXT = '^[%|a-zA-Z0-9_-]+$';

/** Java's TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET: the broker's internal topics. */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = Object.freeze(
  new Set([
    'SCHEDULE_TOPIC_XXXX',
    'RMQ_SYS_TRANS_HALF_TOPIC',
    'RMQ_SYS_TRANS_OP_HALF_TOPIC',
    'TRANS_CHECK_MAX_TIME_TOPIC',
    'SELF_TEST_TOPIC',
    'OFFSET_MOVED_EVENT',
  ]),
);

/** Java's DEFAULT_PRODUCER group, which a producer may not use. */
export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';

function isBlank(s: string): boolean {
  return s.trim().length === 0;
}

/** Topic name rules (Validators.checkTopic) and the topics clients may not send to. */
export function checkTopic(topic: string): void {
  if (typeof topic !== 'string' || isBlank(topic)) throw new MessageIllegalError('The specified topic is blank');
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new MessageIllegalError(`The specified topic is longer than topic max length ${TOPIC_MAX_LENGTH}.`, { context: { topic } });
  }
  if (!VALID_NAME.test(topic)) {
    throw new MessageIllegalError(`The specified topic[${topic}] contains illegal characters, allowing only ${VALID_NAME_TEXT}`, { context: { topic } });
  }
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) throw new NoPermissionError(`Sending message to topic[${topic}] is forbidden.`, { context: { topic } });
}

/** Group name rules (Validators.checkGroup), plus DEFAULT_PRODUCER, which Java's producer refuses. */
export function checkProducerGroup(group: string): void {
  if (typeof group !== 'string' || isBlank(group)) throw new ConfigError('the specified group is blank', { key: 'producerGroup' });
  if (group.length > GROUP_MAX_LENGTH) throw new ConfigError(`the specified group is longer than group max length ${GROUP_MAX_LENGTH}.`, { key: 'producerGroup' });
  if (!VALID_NAME.test(group)) {
    throw new ConfigError(`the specified group[${group}] contains illegal characters, allowing only ${VALID_NAME_TEXT}`, { key: 'producerGroup' });
  }
  if (group === DEFAULT_PRODUCER_GROUP) {
    throw new ConfigError(`producerGroup can not equal ${DEFAULT_PRODUCER_GROUP}, please specify another one.`, { key: 'producerGroup' });
  }
}

/** Body rules (Validators.checkMessage): present, not empty, at most maxMessageSize bytes. */
export function checkBody(body: Buffer, maxMessageSize: number, topic: string): void {
  if (body.length === 0) throw new MessageIllegalError('the message body length is zero', { context: { topic } });
  if (body.length > maxMessageSize) {
    throw new MessageIllegalError(`the message body size over max value, MAX: ${maxMessageSize}`, { context: { topic } });
  }
}

/**
 * User property rules (Message.putUserProperty): no reserved name, no blank name or value.
 * Beyond Java: a name or value holding the properties separators U+0001 / U+0002 is refused,
 * since it would silently change what the broker stores.
 */
export function checkUserProperty(name: string, value: string, topic: string): void {
  if (SYSTEM_PROPERTY_KEYS.has(name)) {
    throw new MessageIllegalError(`The Property<${name}> is used by system, input another please`, { context: { topic } });
  }
  if (typeof value !== 'string' || typeof name !== 'string' || isBlank(value) || isBlank(name)) {
    throw new MessageIllegalError('The name or value of property can not be null or blank string!', { context: { topic } });
  }
  if (hasSeparator(name) || hasSeparator(value)) {
    throw new MessageIllegalError(`The property <${name}> contains the reserved characters U+0001 or U+0002`, { context: { topic } });
  }
}

/** Tags and keys end up in the properties string too. */
export function checkSystemValue(name: string, value: string, topic: string): void {
  if (hasSeparator(value)) throw new MessageIllegalError(`${name} must not contain the reserved characters U+0001 or U+0002`, { context: { topic } });
}

/** The encoded properties must fit the record's signed-short length field. */
export function checkPropertiesLength(propertiesString: string, topic: string): void {
  const length = Buffer.byteLength(propertiesString, 'utf8');
  if (length > PROPERTIES_BYTES_MAX) {
    throw new MessageIllegalError(`the message properties length ${length} over max value ${PROPERTIES_BYTES_MAX}`, { context: { topic } });
  }
}

function hasSeparator(s: string): boolean {
  return s.includes(NAME_VALUE_SEPARATOR) || s.includes(PROPERTY_SEPARATOR);
}

/** Delay levels are positive integers; 0 means none. */
export function checkDelayTimeLevel(level: number, topic: string): void {
  if (!Number.isInteger(level) || level < 0) {
    throw new MessageIllegalError(`the ${MessageConst.PROPERTY_DELAY_TIME_LEVEL} level must be a non-negative integer, got ${level}`, { context: { topic } });
  }
}
