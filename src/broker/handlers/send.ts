// Owns: storing what producers send: SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE.
// Counterpart: org.apache.rocketmq.broker.processor.SendMessageProcessor (+ AbstractSendMessageProcessor.msgCheck), 4.9.8.

import { decodeBatchBody, joinBatchProperties } from '../../common/message/batch.js';
import { decodeProperties, encodeProperties, MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from '../../common/message/properties.js';
import { isWriteable, isReadable } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith, type RequestHeaderOf } from '../../remoting/requests/define-request.js';
import { SendMessage } from '../../remoting/requests/send.js';
import type { RemotingServer } from '../../remoting/server.js';
import { PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import type { MessageInput, PutMessageResult } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { redirectExhaustedRetry } from '../retry/dead-letter.js';
import { delayLevelsFor } from '../schedule/delay-levels.js';
import { scheduleDelayedSends } from '../schedule/delayed-message.js';
import { divertTimerMessage } from '../timer/timer-divert.js';
import { divertTransactionHalfMessage } from '../transaction/prepare-message.js';
import { RETRY_GROUP_TOPIC_PREFIX, isSystemTopic, validateTopicName } from '../topic/topic-config-manager.js';

export const SEND_LANE = 'send';
const FAQ = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

type SendHeader = RequestHeaderOf<typeof SendMessage>;

export function registerSendHandlers(server: RemotingServer, ctx: BrokerContext): void {
  server.registerLane(SEND_LANE, { pendingMax: ctx.config.sendThreadPoolQueueCapacity });
  const handler = handleWith(SendMessage, (header, request, connection) => handleSend(ctx, header, request, connection));
  server.registerHandler(RequestCode.SEND_MESSAGE, handler, SEND_LANE);
  server.registerHandler(RequestCode.SEND_MESSAGE_V2, handler, SEND_LANE);
  server.registerHandler(RequestCode.SEND_BATCH_MESSAGE, handler, SEND_LANE);
}

function fail(code: number, remark: string): RemotingCommand {
  return RemotingCommand.response(code, remark);
}

function handleSend(ctx: BrokerContext, header: SendHeader, request: RemotingCommand, connection: RemotingConnection): RemotingCommand | Promise<RemotingCommand> {
  const checked = checkMessage(ctx, header, connection);
  if (checked instanceof RemotingCommand) return checked;
  const { queueId } = checked;
  const batch = request.code === RequestCode.SEND_BATCH_MESSAGE;
  const body = request.body ?? Buffer.alloc(0);
  if (body.length > ctx.config.maxMessageSize) {
    return fail(ResponseCode.MESSAGE_ILLEGAL, `the message body size over max value, MAX: ${ctx.config.maxMessageSize}`);
  }
  const properties = header.properties !== undefined ? decodeProperties(header.properties) : new Map<string, string>();
  const propertiesString = withCluster(header.properties ?? '', properties, ctx.config.brokerClusterName);
  let messages: MessageInput[];
  if (batch) {
    let entries;
    try {
      entries = decodeBatchBody(body);
    } catch (err) {
      return fail(ResponseCode.MESSAGE_ILLEGAL, `the batch body is malformed: ${(err as Error).message}`);
    }
    if (entries.length === 0) return fail(ResponseCode.MESSAGE_ILLEGAL, 'the batch is empty');
    messages = entries.map((entry) => {
      const entryProperties = new Map(entry.properties);
      for (const [k, v] of properties) if (!entryProperties.has(k)) entryProperties.set(k, v);
      return messageInput(header, queueId, connection, entry.flag, entry.body, entryProperties, joinBatchProperties(entry.propertiesString, propertiesString));
    });
  } else {
    // A TRAN_MSG send is stored as a half message until END_TRANSACTION (batches never are, as in Java).
    const stored = divertTransactionHalfMessage(ctx, messageInput(header, queueId, connection, header.flag, body, properties, propertiesString));
    if (stored instanceof RemotingCommand) return stored;
    messages = [stored];
  }
  // A message asking for a later delivery time (TIMER_DELIVER_MS, ...) waits in rmq_sys_wheel_timer.
  const timerRefused = divertTimerMessage(ctx, messages, batch);
  if (timerRefused !== undefined) return timerRefused;
  // Past its retries, a %RETRY% send goes to the group's DLQ; a DELAY message waits in SCHEDULE_TOPIC_XXXX.
  const rerouteRefused = redirectExhaustedRetry(ctx, header, request.version, messages, batch) ?? scheduleDelayedSends(delayLevelsFor(ctx.config), messages, batch);
  if (rerouteRefused !== undefined) return rerouteRefused;
  // One promise per send, resolved from the store's callback (no async frames in between).
  return new Promise((resolve) => ctx.store.putMessagesThen(messages, (result) => resolve(answer(ctx, result, queueId, batch))));
}

/** One message to store, built field by field (an object spread per message showed in the profile). */
function messageInput(
  header: SendHeader,
  queueId: number,
  connection: RemotingConnection,
  flag: number,
  body: Buffer,
  properties: Map<string, string>,
  propertiesString: string,
): MessageInput {
  return {
    topic: header.topic,
    queueId,
    sysFlag: header.sysFlag,
    bornTimestamp: header.bornTimestamp,
    bornHost: connection.remoteAddress,
    reconsumeTimes: header.reconsumeTimes ?? 0,
    flag,
    body,
    properties,
    propertiesString,
  };
}

/**
 * The properties string to store: the producer's, with CLUSTER added. Compat: Java re-encodes the
 * whole map in HashMap order; we keep the producer's order and append CLUSTER (clients read
 * properties by name, and re-encoding every message cost ~4% of the send path).
 */
function withCluster(sent: string, properties: Map<string, string>, cluster: string): string {
  if (properties.has(MessageConst.PROPERTY_CLUSTER)) {
    properties.set(MessageConst.PROPERTY_CLUSTER, cluster);
    return encodeProperties(properties);
  }
  properties.set(MessageConst.PROPERTY_CLUSTER, cluster);
  const entry = `${MessageConst.PROPERTY_CLUSTER}${NAME_VALUE_SEPARATOR}${cluster}`;
  if (sent === '') return entry;
  return sent.endsWith(PROPERTY_SEPARATOR) ? sent + entry : sent + PROPERTY_SEPARATOR + entry;
}

/** Topic and queue checks; the queue id to store to, or the error answer. */
function checkMessage(ctx: BrokerContext, header: SendHeader, connection: RemotingConnection): { queueId: number } | RemotingCommand {
  if (!isWriteable(liveConfigFor(ctx).get('brokerPermission'))) {
    return fail(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  const illegal = validateTopicName(header.topic);
  if (illegal !== undefined) return fail(ResponseCode.SYSTEM_ERROR, illegal);
  if (isSystemTopic(header.topic) && !header.topic.startsWith('rmq_sys_')) {
    return fail(ResponseCode.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
  }
  let topicConfig = ctx.topics.get(header.topic);
  if (topicConfig === undefined) {
    topicConfig = ctx.topics.createTopicInSendMessageMethod(header.topic, header.defaultTopic, header.defaultTopicQueueNums, 0);
    if (topicConfig === undefined && header.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
      topicConfig = ctx.topics.createTopicInSendMessageBackMethod(header.topic, 1, 6, 0);
    }
    if (topicConfig === undefined) {
      return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!${FAQ}`);
    }
    ctx.logger.info({ topic: header.topic, producer: connection.remoteAddress }, 'topic auto-created on send');
  }
  if (!isWriteable(topicConfig.perm) && !isReadable(topicConfig.perm)) {
    return fail(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] sending message is forbidden`);
  }
  const queueIdsValid = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
  if (header.queueId >= queueIdsValid) {
    return fail(ResponseCode.SYSTEM_ERROR, `request queueId[${header.queueId}] is illegal, ${topicConfig.topicName} Producer: ${connection.remoteAddress}`);
  }
  if (topicConfig.writeQueueNums <= 0) return fail(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] has no writable queue`);
  const queueId = header.queueId < 0 ? Math.floor(Math.random() * topicConfig.writeQueueNums) : header.queueId;
  return { queueId };
}

function answer(ctx: BrokerContext, result: PutMessageResult, queueId: number, batch: boolean): RemotingCommand {
  let code: number;
  switch (result.status) {
    case PutMessageStatus.PUT_OK:
      code = ResponseCode.SUCCESS;
      break;
    case PutMessageStatus.FLUSH_DISK_TIMEOUT:
      code = ResponseCode.FLUSH_DISK_TIMEOUT;
      break;
    case PutMessageStatus.FLUSH_SLAVE_TIMEOUT:
      code = ResponseCode.FLUSH_SLAVE_TIMEOUT;
      break;
    case PutMessageStatus.SLAVE_NOT_AVAILABLE:
      code = ResponseCode.SLAVE_NOT_AVAILABLE;
      break;
    case PutMessageStatus.MESSAGE_ILLEGAL:
    case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
      return fail(
        ResponseCode.MESSAGE_ILLEGAL,
        'the message is illegal, maybe msg body or properties length not matched. msg body length limit 128k, msg properties length limit 32k.',
      );
    case PutMessageStatus.SERVICE_NOT_AVAILABLE:
      return fail(
        ResponseCode.SERVICE_NOT_AVAILABLE,
        "service not available now. It may be caused by one of the following reasons: the broker's disk is full [" +
          (ctx.store.diskFull ? 'disk full' : 'disk ok') +
          '], messages are put to the slave, message store has been shut down, etc.',
      );
    case PutMessageStatus.CREATE_MAPEDFILE_FAILED:
      return fail(ResponseCode.SYSTEM_ERROR, 'create mapped file failed, server is busy or broken.');
    case PutMessageStatus.OS_PAGECACHE_BUSY:
      return fail(ResponseCode.SYSTEM_ERROR, '[PC_SYNCHRONIZED]broker busy, start flow control for a while');
    default:
      return fail(ResponseCode.SYSTEM_ERROR, 'UNKNOWN_ERROR');
  }
  const stored = result.appendResults;
  const first = stored[0]!;
  const response = RemotingCommand.response(code);
  response.extFields = SendMessage.encodeResponse({
    msgId: batch ? stored.map((m) => ctx.store.offsetMsgId(m.commitLogOffset)).join(',') : ctx.store.offsetMsgId(first.commitLogOffset),
    queueId,
    queueOffset: first.queueOffset,
  });
  response.extFields['MSG_REGION'] = 'DefaultRegion';
  response.extFields['TRACE_ON'] = 'true';
  return response;
}
