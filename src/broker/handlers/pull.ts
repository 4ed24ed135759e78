// Owns: PULL_MESSAGE: reading a queue for a consumer, tag filtering on the ConsumeQueue's hash
// codes (the client re-checks the tag strings), offset corrections, the commit-offset piggyback,
// and long polling (a pull that finds nothing waits for a message or its timeout).
// Counterpart: org.apache.rocketmq.broker.processor.PullMessageProcessor (4.9.8).

import { javaStringHashCode } from '../../common/message/java-hash.js';
import { isReadable } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { type Decoded, type RequestHeaderOf } from '../../remoting/requests/define-request.js';
import { PullMessage, PullSysFlag } from '../../remoting/requests/pull.js';
import type { RemotingServer } from '../../remoting/server.js';
import { GetMessageStatus } from '../../store/get-message-result.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import type { PullHoldService } from '../long-polling/pull-hold-service.js';

export const PULL_LANE = 'pull';
const FAQ = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';
const MASTER_ID = 0;

type PullHeader = RequestHeaderOf<typeof PullMessage>;

/** What a subscription expression lets through, by the ConsumeQueue's tag hash codes. */
export interface TagFilter {
  readonly subString: string;
  readonly all: boolean;
  readonly codes: ReadonlySet<number>;
}

/** Parses "TagA || TagB" (or "*") as RocketMQ's FilterAPI does. */
export function parseTagExpression(subString: string | undefined): TagFilter {
  const s = subString?.trim() ?? '';
  if (s === '' || s === '*') return { subString: '*', all: true, codes: new Set() };
  const codes = new Set<number>();
  for (const tag of s.split('||')) {
    const t = tag.trim();
    if (t !== '') codes.add(javaStringHashCode(t));
  }
  return { subString: s, all: false, codes };
}

export function registerPullHandlers(server: RemotingServer, ctx: BrokerContext, hold: PullHoldService): void {
  server.registerLane(PULL_LANE, { pendingMax: ctx.config.pullThreadPoolQueueCapacity });
  server.registerHandler(
    RequestCode.PULL_MESSAGE,
    (request, connection) => {
      const decoded: Decoded<PullHeader> = PullMessage.decode(request);
      if (!decoded.ok) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, decoded.error);
      return processPull(ctx, hold, decoded.value, request, connection, true);
    },
    PULL_LANE,
  );
}

/**
 * Runs one pull. Returns the answer, or null when the pull is held (its answer is written later
 * by the hold service).
 */
export function processPull(ctx: BrokerContext, hold: PullHoldService, header: PullHeader, request: RemotingCommand, connection: RemotingConnection, brokerAllowSuspend: boolean): RemotingCommand | null {
  const fail = (code: number, remark: string): RemotingCommand => withOffsets(RemotingCommand.response(code, remark), header.queueOffset, 0, 0);
  if (!isReadable(liveConfigFor(ctx).get('brokerPermission'))) return fail(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] pulling message is forbidden`);
  const group = ctx.subscriptionGroups.findOrCreate(header.consumerGroup);
  if (group === undefined) return fail(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${header.consumerGroup}] does not exist,${FAQ}`);
  if (!group.consumeEnable) return fail(ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
  const hasSuspend = (header.sysFlag & PullSysFlag.FLAG_SUSPEND) !== 0;
  const hasCommitOffset = (header.sysFlag & PullSysFlag.FLAG_COMMIT_OFFSET) !== 0;
  const hasSubscription = (header.sysFlag & PullSysFlag.FLAG_SUBSCRIPTION) !== 0;
  const topicConfig = ctx.topics.get(header.topic);
  if (topicConfig === undefined) return fail(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!${FAQ}`);
  if (!isReadable(topicConfig.perm)) return fail(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
  if (header.queueId < 0 || header.queueId >= topicConfig.readQueueNums) {
    return fail(
      ResponseCode.SYSTEM_ERROR,
      `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topicConfig.readQueueNums}] consumer:[${connection.remoteAddress}]`,
    );
  }
  let filter: TagFilter;
  let expressionType = header.expressionType;
  if (hasSubscription) {
    filter = parseTagExpression(header.subscription);
  } else {
    const subscription = ctx.consumers.findSubscription(header.consumerGroup, header.topic);
    if (subscription === undefined) return fail(ResponseCode.SUBSCRIPTION_NOT_EXIST, `the consumer's subscription not exist${FAQ}`);
    if (subscription.subVersion < header.subVersion) return fail(ResponseCode.SUBSCRIPTION_NOT_LATEST, 'the consumer\'s subscription not latest');
    filter = parseTagExpression(subscription.subString);
    expressionType = subscription.expressionType ?? expressionType;
  }
  if (expressionType !== undefined && expressionType !== 'TAG' && !ctx.config.enablePropertyFilter) {
    return fail(ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${expressionType}`);
  }
  const matches = (tagsCode: number): boolean => filter.all || filter.codes.has(tagsCode);
  const result = ctx.store.getMessage(header.topic, header.queueId, header.queueOffset, header.maxMsgNums, filter.all ? undefined : matches);

  let code: number;
  switch (result.status) {
    case GetMessageStatus.FOUND:
      code = ResponseCode.SUCCESS;
      break;
    case GetMessageStatus.MESSAGE_WAS_REMOVING:
    case GetMessageStatus.NO_MATCHED_MESSAGE:
      code = ResponseCode.PULL_RETRY_IMMEDIATELY;
      break;
    case GetMessageStatus.NO_MATCHED_LOGIC_QUEUE:
    case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
      code = header.queueOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
      break;
    case GetMessageStatus.OFFSET_OVERFLOW_BADLY:
    case GetMessageStatus.OFFSET_TOO_SMALL:
      code = ResponseCode.PULL_OFFSET_MOVED;
      break;
    default:
      code = ResponseCode.PULL_NOT_FOUND;
  }
  if (code === ResponseCode.PULL_NOT_FOUND && brokerAllowSuspend && hasSuspend) {
    const timeoutMs = ctx.config.longPollingEnable ? header.suspendTimeoutMillis : ctx.config.shortPollingTimeMills;
    hold.hold(
      {
        topic: header.topic,
        queueId: header.queueId,
        queueOffset: header.queueOffset,
        matches,
        resume: () => {
          if (connection.closed) return;
          const response = processPull(ctx, hold, header, request, connection, false);
          if (response === null) return;
          response.opaque = request.opaque;
          connection.send(response);
        },
      },
      timeoutMs,
    );
    commitOffset(ctx, header, connection, hasCommitOffset && brokerAllowSuspend);
    return null;
  }
  const response = withOffsets(RemotingCommand.response(code, result.status), result.nextBeginOffset, result.minOffset, result.maxOffset);
  if (code === ResponseCode.SUCCESS) response.body = result.messages.length === 1 ? result.messages[0]! : Buffer.concat(result.messages, result.bufferTotalSize);
  commitOffset(ctx, header, connection, hasCommitOffset && brokerAllowSuspend);
  return response;
}

function withOffsets(response: RemotingCommand, nextBeginOffset: number, minOffset: number, maxOffset: number): RemotingCommand {
  response.extFields = PullMessage.encodeResponse({ suggestWhichBrokerId: MASTER_ID, nextBeginOffset, minOffset, maxOffset });
  return response;
}

/** The pull carries the consumer's committed offset; the master stores it (Java: storeOffsetEnable). */
function commitOffset(ctx: BrokerContext, header: PullHeader, connection: RemotingConnection, enabled: boolean): void {
  if (!enabled || ctx.config.brokerRole === 'SLAVE' || header.commitOffset < 0) return;
  ctx.consumerOffsets.commitOffset(connection.remoteAddress, header.consumerGroup, header.topic, header.queueId, header.commitOffset);
}
