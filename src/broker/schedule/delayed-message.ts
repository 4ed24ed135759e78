// Owns: what a delayed message looks like on its way through SCHEDULE_TOPIC_XXXX: parked there by
// level when it is stored (REAL_TOPIC / REAL_QID keep where it goes), and rebuilt for its real
// topic and queue when its level's delay has passed.
// Counterpart: the delay branch of org.apache.rocketmq.store.CommitLog#asyncPutMessage and
// ScheduleMessageService#messageTimeup, 4.9.8.

import { getTransactionValue, MessageSysFlag } from '../../common/message/message-sys-flag.js';
import type { MessageExt } from '../../common/message/message-record.js';
import { encodePropertiesInJavaOrder, MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from '../../common/message/properties.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { MessageInput } from '../../store/message-store.js';
import { RMQ_SYS_TRANS_HALF_TOPIC, SCHEDULE_TOPIC } from '../topic/topic-config-manager.js';
import { type DelayLevels, parseDelayLevel, queueIdOfLevel } from './delay-levels.js';

/**
 * Ours, not RocketMQ's: every message the delivery service writes back to its real topic carries
 * the schedule queue and queue offset it came from ("queueId:queueOffset"), so a restart can tell,
 * from the CommitLog alone, which schedule entries were delivered after delayOffset.json was last
 * written (see schedule-message-service.ts). Consumers see it as one more user property.
 */
export const DELAY_ORIGIN_PROPERTY = '__RMQTS_DELAY_ORIGIN';

/**
 * Parks delayed messages: each message with DELAY > 0 (see toScheduleTopic for the exceptions) is
 * rewritten in place to go to its level's schedule queue. A batch may not be delayed
 * (Java's store refuses it as MESSAGE_ILLEGAL; its clients refuse before sending). Returns the
 * refusal to answer, or undefined when the messages may be stored.
 */
export function scheduleDelayedSends(levels: DelayLevels, messages: MessageInput[], batch: boolean): RemotingCommand | undefined {
  for (let i = 0; i < messages.length; i++) {
    const msg = messages[i]!;
    if (parseDelayLevel(msg.properties.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL)) <= 0) continue;
    if (batch) return RemotingCommand.response(ResponseCode.MESSAGE_ILLEGAL, 'a batch message cannot be delayed (DELAY property)');
    messages[i] = toScheduleTopic(levels, msg);
  }
  return undefined;
}

/**
 * The message as stored while it waits: in SCHEDULE_TOPIC_XXXX queue level-1, its real topic and
 * queue in REAL_TOPIC / REAL_QID, a level above the highest clamped (in DELAY too). Messages not
 * delayed, and transaction half, prepared or rolled-back messages, come back unchanged. Java's
 * store delays commit-type messages too, so a commit from END_TRANSACTION belongs here as well.
 */
export function toScheduleTopic(levels: DelayLevels, msg: MessageInput): MessageInput {
  const requested = parseDelayLevel(msg.properties.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL));
  if (requested <= 0) return msg;
  const tranType = getTransactionValue(msg.sysFlag ?? 0);
  if (tranType !== MessageSysFlag.TRANSACTION_NOT_TYPE && tranType !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return msg;
  // A half message waits for its transaction, not its level (Java clients drop DELAY before sending one).
  if (msg.topic === RMQ_SYS_TRANS_HALF_TOPIC) return msg;
  const level = levels.clamp(requested);
  const properties = new Map(msg.properties);
  if (level !== requested) properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(level));
  const realQueueId = String(msg.queueId);
  const appendable =
    msg.propertiesString !== undefined &&
    level === requested &&
    !properties.has(MessageConst.PROPERTY_REAL_TOPIC) &&
    !properties.has(MessageConst.PROPERTY_REAL_QUEUE_ID) &&
    !properties.has(DELAY_ORIGIN_PROPERTY);
  properties.set(MessageConst.PROPERTY_REAL_TOPIC, msg.topic);
  properties.set(MessageConst.PROPERTY_REAL_QUEUE_ID, realQueueId);
  // A delivered message sent back for a retry would otherwise park with a stale origin.
  properties.delete(DELAY_ORIGIN_PROPERTY);
  return {
    ...msg,
    topic: SCHEDULE_TOPIC,
    queueId: queueIdOfLevel(level),
    properties,
    propertiesString: appendable
      ? appendProperties(msg.propertiesString!, `${MessageConst.PROPERTY_REAL_TOPIC}${NAME_VALUE_SEPARATOR}${msg.topic}${PROPERTY_SEPARATOR}${MessageConst.PROPERTY_REAL_QUEUE_ID}${NAME_VALUE_SEPARATOR}${realQueueId}`)
      : encodePropertiesInJavaOrder(properties),
  };
}

/**
 * Compat: Java re-encodes the whole map in HashMap order when it parks a message; when only
 * REAL_TOPIC and REAL_QID are new we append them to the string as sent (as the send path appends
 * CLUSTER): clients read properties by name, and re-encoding cost ~2 µs per delayed send.
 */
function appendProperties(sent: string, entries: string): string {
  if (sent === '') return entries;
  return sent.endsWith(PROPERTY_SEPARATOR) ? sent + entries : sent + PROPERTY_SEPARATOR + entries;
}

/** Where a delivered message came from: its schedule queue and offset there. */
export interface DelayOrigin {
  queueId: number;
  queueOffset: number;
}

/**
 * Java's messageTimeup: the parked record as a message for its real topic and queue, with body,
 * flag, sysFlag, born time and host and reconsumeTimes unchanged, and a new store time (given by
 * the store). Undefined when REAL_TOPIC or REAL_QID is missing or unusable.
 *
 * Compat: Java clears DELAY only from the in-memory copy, after the properties string is made, so
 * a message delivered by a 4.9.8 broker still carries DELAY=<level> (and REAL_TOPIC / REAL_QID);
 * a pull captured from 4.9.8 shows it. We store the same properties, plus DELAY_ORIGIN_PROPERTY.
 * The broker routes by DELAY only when a client sends, so the delivered copy is not parked again.
 */
export function messageTimeup(record: MessageExt, origin: DelayOrigin): MessageInput | undefined {
  const realTopic = record.properties.get(MessageConst.PROPERTY_REAL_TOPIC);
  const realQueueId = record.properties.get(MessageConst.PROPERTY_REAL_QUEUE_ID);
  if (realTopic === undefined || realTopic === '' || realQueueId === undefined || !/^\d{1,9}$/.test(realQueueId)) return undefined;
  const properties = new Map(record.properties);
  const hadOrigin = properties.has(DELAY_ORIGIN_PROPERTY);
  const originValue = formatDelayOrigin(origin);
  properties.set(DELAY_ORIGIN_PROPERTY, originValue);
  return {
    topic: realTopic,
    queueId: Number(realQueueId),
    flag: record.flag,
    body: record.body,
    properties,
    // Compat: Java re-encodes in HashMap order here too; appending the one new property keeps the
    // parked string's order (Java's, when Java parked it) and costs no re-encoding per delivery.
    propertiesString: hadOrigin ? encodePropertiesInJavaOrder(properties) : appendProperties(record.propertiesString, `${DELAY_ORIGIN_PROPERTY}${NAME_VALUE_SEPARATOR}${originValue}`),
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: record.reconsumeTimes,
  };
}

export function formatDelayOrigin(origin: DelayOrigin): string {
  return `${origin.queueId}:${origin.queueOffset}`;
}

/** Parses a DELAY_ORIGIN_PROPERTY value; undefined when it is not "queueId:queueOffset". */
export function parseDelayOrigin(value: string): DelayOrigin | undefined {
  const m = /^(\d{1,9}):(\d{1,16})$/.exec(value);
  if (m === null) return undefined;
  const queueOffset = Number(m[2]);
  return Number.isSafeInteger(queueOffset) ? { queueId: Number(m[1]), queueOffset } : undefined;
}
