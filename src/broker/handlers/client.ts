// Owns: the broker's client-management requests: HEART_BEAT, UNREGISTER_CLIENT,
// GET_CONSUMER_LIST_BY_GROUP, LOCK_BATCH_MQ, UNLOCK_BATCH_MQ; the periodic scan that drops silent
// clients; and what a closed connection means for the client tables.
// Counterpart: org.apache.rocketmq.broker.processor.ClientManageProcessor (heartBeat,
// unregisterClient), ConsumerManageProcessor.getConsumerListByGroup, AdminBrokerProcessor
// (lockBatchMQ, unlockBatchMQ) and org.apache.rocketmq.broker.client.ClientHousekeepingService (4.9.8).

import { PermName } from '../../common/topic-config.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import {
  decodeHeartbeatData,
  decodeLockBatchRequestBody,
  decodeUnlockBatchRequestBody,
  encodeConsumerListBody,
  encodeLockBatchResponseBody,
  GetConsumerListByGroup,
  type HeartbeatData,
  UnregisterClient,
} from '../../remoting/requests/client.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { BrokerContext } from '../broker-context.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../topic/topic-config-manager.js';

/**
 * Java's heartbeat and client-manage executors: heartbeats and unregistrations get their own
 * lane, so a send or pull backlog never delays them.
 */
export const HEARTBEAT_LANE = 'heartbeat';
/** Java's heartbeatThreadPoolQueueCapacity. */
const HEARTBEAT_LANE_PENDING_MAX = 50_000;
/** How often silent client channels are looked for (Java ClientHousekeepingService: 10 s). */
export const CLIENT_HOUSEKEEPING_INTERVAL_MS = 10_000;
/** Java TopicSysFlag.FLAG_UNIT_SUB: the retry topic of a unit-mode consumer. */
const TOPIC_SYS_FLAG_UNIT_SUB = 0x1 << 1;

/**
 * Serves the family on `server`. The broker calls it once per server (listenPort and the fast
 * channel); all state lives in ctx, so both serve the same clients and the same queue locks.
 */
export function registerClientHandlers(server: RemotingServer, ctx: BrokerContext): void {
  const locks = ctx.consumers.rebalanceLocks;
  server.registerLane(HEARTBEAT_LANE, { pendingMax: HEARTBEAT_LANE_PENDING_MAX });

  server.registerHandler(RequestCode.HEART_BEAT, (request, connection) => heartBeat(ctx, request, connection), HEARTBEAT_LANE);

  server.registerHandler(
    RequestCode.UNREGISTER_CLIENT,
    handleWith(UnregisterClient, (h, _request, connection) => {
      if (h.producerGroup !== undefined) ctx.producers.unregister(h.producerGroup, connection, h.clientID);
      if (h.consumerGroup !== undefined) ctx.consumers.unregister(h.consumerGroup, connection);
      // Java answers with an (empty) UnregisterClientResponseHeader: extFields {} on the wire.
      return RemotingCommand.response(ResponseCode.SUCCESS, null, {});
    }),
    HEARTBEAT_LANE,
  );

  server.registerHandler(
    RequestCode.GET_CONSUMER_LIST_BY_GROUP,
    handleWith(GetConsumerListByGroup, (h, _request, connection) => {
      const consumerIdList = ctx.consumers.consumerIdList(h.consumerGroup);
      if (consumerIdList.length === 0) {
        ctx.logger.debug({ group: h.consumerGroup, remote: connection.remoteAddress }, 'consumer list asked for a group with no consumer');
        return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${h.consumerGroup}`);
      }
      const response = RemotingCommand.response(ResponseCode.SUCCESS, null, {});
      response.body = encodeConsumerListBody({ consumerIdList });
      return response;
    }),
  );

  server.registerHandler(RequestCode.LOCK_BATCH_MQ, (request) => {
    const body = decodeBody(() => decodeLockBatchRequestBody(request.body));
    if (body instanceof RemotingCommand) return body;
    const lockOKMQSet = locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId);
    const response = RemotingCommand.response(ResponseCode.SUCCESS);
    response.body = encodeLockBatchResponseBody({ lockOKMQSet });
    return response;
  });

  server.registerHandler(RequestCode.UNLOCK_BATCH_MQ, (request) => {
    const body = decodeBody(() => decodeUnlockBatchRequestBody(request.body));
    if (body instanceof RemotingCommand) return body;
    locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
    return RemotingCommand.response(ResponseCode.SUCCESS);
  });
}

/**
 * Registers the client in every group its heartbeat names. For each consumer group: find or
 * auto-create the subscription group; when it exists, make sure its %RETRY% topic exists (so
 * the client finds a route for its retry subscription); then register the channel, even when
 * the group does not exist and cannot be created, as Java does.
 */
function heartBeat(ctx: BrokerContext, request: RemotingCommand, connection: RemotingConnection): RemotingCommand {
  const heartbeat = decodeBody<HeartbeatData>(() => decodeHeartbeatData(request.body, { nowMs: ctx.now() }));
  if (heartbeat instanceof RemotingCommand) return heartbeat;
  const channel = { connection, clientId: heartbeat.clientID, language: request.language, version: request.version };
  for (const data of heartbeat.consumerDataSet) {
    const groupConfig = ctx.subscriptionGroups.findOrCreate(data.groupName);
    if (groupConfig !== undefined) {
      ctx.topics.createTopicInSendMessageBackMethod(
        RETRY_GROUP_TOPIC_PREFIX + data.groupName,
        groupConfig.retryQueueNums,
        PermName.PERM_WRITE | PermName.PERM_READ,
        data.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0,
      );
    }
    // A 5.x heartbeat v2 may leave the subscriptions out; we never offer v2 (no
    // IS_SUPPORT_HEART_BEAT_V2 in our answer), but should one come, keep what we know.
    const subscriptions = heartbeat.withoutSub === true ? (ctx.consumers.groupInfo(data.groupName)?.subscriptions ?? []) : data.subscriptionDataSet;
    const changed = ctx.consumers.register(data.groupName, channel, {
      consumeType: data.consumeType,
      messageModel: data.messageModel,
      consumeFromWhere: data.consumeFromWhere,
      subscriptions,
    });
    if (changed) ctx.logger.debug({ group: data.groupName, clientId: heartbeat.clientID, remote: connection.remoteAddress }, 'consumer registration changed');
  }
  for (const data of heartbeat.producerDataSet) ctx.producers.register(data.groupName, channel);
  return RemotingCommand.response(ResponseCode.SUCCESS);
}

/** A body that fails to decode is answered SYSTEM_ERROR naming what was wrong, as Java does. */
function decodeBody<T>(decode: () => T): T | RemotingCommand {
  try {
    return decode();
  } catch (err) {
    return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, err instanceof Error ? err.message : String(err));
  }
}

/** What a closed client connection means: it leaves every producer and consumer group. */
export function onConnectionClose(ctx: BrokerContext, connection: RemotingConnection): void {
  ctx.producers.doChannelCloseEvent(connection);
  ctx.consumers.doChannelCloseEvent(connection);
}

export interface ClientHousekeepingOptions {
  intervalMs?: number;
}

/**
 * Drops (and closes) client channels silent for channelExpiredTimeout, every 10 s. The scan covers
 * every client in ctx, whichever server accepted it, so one per broker is enough; `_server` is
 * accepted for callers that start one per server, where the extra scans find nothing more.
 */
export function startClientHousekeeping(
  ctx: BrokerContext,
  _server?: RemotingServer,
  options: ClientHousekeepingOptions = {},
): { stop(): void } {
  const timer = setInterval(() => {
    try {
      const now = ctx.now();
      ctx.producers.scanNotActive(now);
      ctx.consumers.scanNotActive(now);
    } catch (err) {
      ctx.logger.error({ err }, 'client housekeeping scan failed');
    }
  }, options.intervalMs ?? CLIENT_HOUSEKEEPING_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
