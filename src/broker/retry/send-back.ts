// Owns: CONSUMER_SEND_MSG_BACK's effect: a message a consumer failed on is stored again for the
// group's %RETRY% topic, with a delay growing with each attempt, until it has been retried enough
// and goes to the group's dead-letter topic.
// Counterpart: org.apache.rocketmq.broker.processor.SendMessageProcessor#asyncConsumerSendMsgBack, 4.9.8.
//
// The copy keeps body, flag, sysFlag, born time and host, and every property, and adds:
//   RETRY_TOPIC        the topic it was first consumed from (kept when already set)
//   ORIGIN_MESSAGE_ID  the first msgId (kept when already set)
//   WAIT=false, DELAY  the level it waits at (0 when it goes to the DLQ)
//   reconsumeTimes     + 1
// With delayLevel 0 the level is 3 + reconsumeTimes (10 s, 30 s, 1 min, ... with the default
// levels); it then travels through SCHEDULE_TOPIC_XXXX like any delayed message.

import { decodeMessageRecord } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { isWriteable, PermName } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { ConsumerSendMsgBackHeader } from '../../remoting/requests/retry.js';
import { PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import type { MessageInput } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { delayLevelsFor } from '../schedule/delay-levels.js';
import { toScheduleTopic } from '../schedule/delayed-message.js';
import { DLQ_NUMS_PER_GROUP, ensureDeadLetterTopic, maxReconsumeTimesOf, retryTopicOf, subscriptionGroupNotExist } from './dead-letter.js';

/** Java's TopicSysFlag FLAG_UNIT_SUB: a retry topic of a unit-mode consumer. */
const TOPIC_SYS_FLAG_UNIT_SUB = 0x1 << 1;
/** delayLevel 0 means: the broker picks FIRST_RETRY_LEVEL + reconsumeTimes. */
const FIRST_RETRY_LEVEL = 3;

export function consumerSendMsgBack(ctx: BrokerContext, header: ConsumerSendMsgBackHeader, clientVersion: number): RemotingCommand | Promise<RemotingCommand> {
  const group = ctx.subscriptionGroups.findOrCreate(header.group);
  if (group === undefined) return subscriptionGroupNotExist(header.group);
  if (!isWriteable(liveConfigFor(ctx).get('brokerPermission'))) {
    return RemotingCommand.response(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  // A group with no retry queues drops what its consumers hand back (Java answers SUCCESS too).
  if (group.retryQueueNums <= 0) return RemotingCommand.response(ResponseCode.SUCCESS);

  const retryTopic = ctx.topics.createTopicInSendMessageBackMethod(
    retryTopicOf(header.group),
    group.retryQueueNums,
    PermName.PERM_READ | PermName.PERM_WRITE,
    header.unitMode === true ? TOPIC_SYS_FLAG_UNIT_SUB : 0,
  );
  if (!isWriteable(retryTopic.perm)) {
    return RemotingCommand.response(ResponseCode.NO_PERMISSION, `the topic[${retryTopic.topicName}] sending message is forbidden`);
  }
  const stored = ctx.store.lookMessageByOffset(header.commitLogOffset);
  if (stored === undefined) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.commitLogOffset}`);
  const record = decodeMessageRecord(stored, 0);

  const properties = new Map(record.properties);
  if (!properties.has(MessageConst.PROPERTY_RETRY_TOPIC)) properties.set(MessageConst.PROPERTY_RETRY_TOPIC, record.topic);
  properties.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'false');
  const maxReconsumeTimes = maxReconsumeTimesOf(group, clientVersion, header.maxReconsumeTimes);
  let topic = retryTopic.topicName;
  let queueId = Math.floor(Math.random() * group.retryQueueNums);
  if (record.reconsumeTimes >= maxReconsumeTimes || header.delayLevel < 0) {
    topic = ensureDeadLetterTopic(ctx, header.group).topicName;
    queueId = Math.floor(Math.random() * DLQ_NUMS_PER_GROUP);
    properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, '0');
  } else {
    const level = header.delayLevel === 0 ? FIRST_RETRY_LEVEL + record.reconsumeTimes : header.delayLevel;
    properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(level));
  }
  const originMsgId = properties.get(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID);
  if (originMsgId === undefined || originMsgId.trim() === '') properties.set(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID, record.offsetMsgId);

  const message: MessageInput = {
    topic,
    queueId,
    flag: record.flag,
    body: record.body,
    properties,
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: record.reconsumeTimes + 1,
  };
  const toStore = toScheduleTopic(delayLevelsFor(ctx.config), message);
  return new Promise((resolve) =>
    ctx.store.putMessagesThen([toStore], (result) =>
      // Java answers SUCCESS only for PUT_OK; anything else is SYSTEM_ERROR with the status.
      resolve(result.status === PutMessageStatus.PUT_OK ? RemotingCommand.response(ResponseCode.SUCCESS) : RemotingCommand.response(ResponseCode.SYSTEM_ERROR, result.status)),
    ),
  );
}
