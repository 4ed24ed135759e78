// Owns: the broker's admin requests other than topics: runtime info, topic and consume stats,
// connection lists, all consumer offsets, offset reset by time, broker config (read and live
// update), subscription groups, and who consumes a topic. Also LiveConfig, the overlay of the
// broker.conf keys UPDATE_BROKER_CONFIG may change at run time.
// Counterpart: org.apache.rocketmq.broker.processor.AdminBrokerProcessor and Broker2Client.resetOffset (4.9.8).

import fs from 'node:fs';
import { FastJsonShapeError, FastJsonSyntaxError, parseFastJson, toFastJson } from '../../common/fastjson.js';
import { storeTimestampPos } from '../../common/message/message-record.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { PROTOCOL_VERSION, RemotingCommand, SerializeType } from '../../remoting/remoting-command.js';
import {
  compareMessageQueues,
  connectionBean,
  decodeProperties,
  DeleteSubscriptionGroup,
  encodeConsumeStats,
  encodeGroupList,
  encodeKVTable,
  encodeProperties,
  encodeResetOffsetBody,
  encodeTopicStatsTable,
  GetBrokerConfig,
  GetConsumerConnectionList,
  GetConsumeStats,
  GetProducerConnectionList,
  GetTopicStatsInfo,
  type MessageQueueKey,
  type OffsetWrapper,
  QueryTopicConsumeByWho,
  ResetOffset,
  type TopicOffset,
} from '../../remoting/requests/admin-broker.js';
import { subscriptionDataBean } from '../../remoting/requests/client.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import type { RemotingServer } from '../../remoting/server.js';
import { commitLogDir } from '../../store/store-config.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { readSubscriptionGroupConfig } from '../subscription/subscription-group-manager.js';

/** What GET_BROKER_RUNTIME_INFO says this broker is (MQVersion.Version.V4_9_8). */
export const BROKER_VERSION_DESC = 'V4_9_8';

/** Java's MQVersion V3_0_7_SNAPSHOT: older clients cannot reset offsets on request. */
const RESET_OFFSET_MIN_CLIENT_VERSION = 28;

// ---------------------------------------------------------------------------------------------
// LiveConfig

export { LiveConfig, liveConfigFor } from '../config/live-config.js';

// ---------------------------------------------------------------------------------------------
// Helpers

function success(body?: string, extFields: Record<string, string> | null = null): RemotingCommand {
  const response = RemotingCommand.response(ResponseCode.SUCCESS, null, extFields);
  if (body !== undefined) response.body = Buffer.from(body, 'utf8');
  return response;
}

function mq(ctx: BrokerContext, topic: string, queueId: number): MessageQueueKey {
  return { topic, brokerName: ctx.config.brokerName, queueId };
}

/** MixAll.humanReadableByteCount(bytes, false): "0 B", "1.5 KiB", "252.0 GiB". */
export function humanReadableBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const exp = Math.min(Math.floor(Math.log(bytes) / Math.log(1024)), 6);
  return `${(bytes / 1024 ** exp).toFixed(1)} ${'KMGTPE'.charAt(exp - 1)}iB`;
}

/** StoreStatsService.getRuntime: "[ 0 days, 0 hours, 0 minutes, 14 seconds ]". */
export function runtimeText(elapsedMs: number): string {
  const day = 86_400_000;
  const hour = 3_600_000;
  const minute = 60_000;
  return (
    `[ ${Math.floor(elapsedMs / day)} days, ${Math.floor((elapsedMs % day) / hour)} hours, ` +
    `${Math.floor((elapsedMs % hour) / minute)} minutes, ${Math.floor((elapsedMs % minute) / 1000)} seconds ]`
  );
}

function diskOf(dir: string): { total: number; free: number; usedRatio: number } | undefined {
  try {
    const s = fs.statfsSync(dir);
    const total = s.blocks * s.bsize;
    const free = s.bavail * s.bsize;
    if (total <= 0) return undefined;
    return { total, free, usedRatio: (total - free) / total };
  } catch {
    return undefined;
  }
}

/** Java's String.valueOf of a ratio rounded to two places ("0.24"). */
function ratioText(ratio: number): string {
  const rounded = Math.round(ratio * 100) / 100;
  return Number.isInteger(rounded) ? rounded.toFixed(1) : String(rounded);
}

function earliestMessageTime(ctx: BrokerContext): number {
  const store = ctx.store;
  if (store.maxPhyOffset <= store.minPhyOffset) return -1;
  const record = store.lookMessageByOffset(store.minPhyOffset);
  if (record === undefined || record.length < 72) return -1;
  return Number(record.readBigInt64BE(storeTimestampPos(record.readInt32BE(36))));
}

/** Messages stored in every ConsumeQueue: our stand-in for Java's put counters (see runtimeInfo). */
function storedMessageCount(ctx: BrokerContext): number {
  let total = 0;
  for (const topic of ctx.store.consumeQueues.topics()) {
    for (const queueId of ctx.store.consumeQueues.queueIds(topic)) total += ctx.store.getMaxOffsetInQueue(topic, queueId);
  }
  return total;
}

/**
 * GET_BROKER_RUNTIME_INFO's table, keys as 4.9.8 writes them (fixture admin/006). We keep no
 * put/get counters or TPS samples: msgPutTotalTodayNow is the number of messages the ConsumeQueues
 * hold, the get totals and every TPS are 0, and thread-pool figures are our lanes' capacities.
 */
export function runtimeInfo(ctx: BrokerContext, bootTimestamp: number): Map<string, string> {
  const store = ctx.store;
  const now = ctx.now();
  const clDir = commitLogDir(store.config);
  const disk = diskOf(clDir) ?? diskOf(store.config.storePathRootDir);
  const ratio = disk === undefined ? '-1' : ratioText(disk.usedRatio);
  const putTotal = storedMessageCount(ctx);
  const hasCommitLog = store.maxPhyOffset > 0;
  const t = new Map<string, string>();
  t.set('msgPutTotalTodayNow', String(putTotal));
  t.set('commitLogDiskRatio', ratio);
  t.set('getFoundTps', '0.0 0.0 0.0');
  t.set('EndTransactionThreadPoolQueueCapacity', '100000');
  t.set('sendThreadPoolQueueHeadWaitTimeMills', '0');
  t.set('putMessageDistributeTime', 'null');
  t.set('queryThreadPoolQueueHeadWaitTimeMills', '0');
  t.set('remainHowManyDataToFlush', humanReadableBytes(Math.max(0, store.maxPhyOffset - store.commitLog.flushedOffset)));
  t.set('msgGetTotalTodayNow', '0');
  t.set('putMessageFailedTimes', '0');
  t.set('putLatency999', '0.00');
  t.set(`commitLogDiskRatio_${clDir}`, ratio);
  t.set('commitLogMaxOffset', String(store.maxPhyOffset));
  t.set('queryThreadPoolQueueSize', '0');
  t.set('getMessageEntireTimeMax', '0');
  t.set('msgPutTotalTodayMorning', '0');
  t.set('putMessageTimesTotal', String(putTotal));
  t.set('putLatency99', '0.00');
  t.set('bootTimestamp', String(bootTimestamp));
  t.set('msgGetTotalTodayMorning', '0');
  t.set('msgPutTotalYesterdayMorning', '0');
  t.set('msgGetTotalYesterdayMorning', '0');
  t.set('pullThreadPoolQueueSize', '0');
  t.set('brokerVersionDesc', BROKER_VERSION_DESC);
  t.set('sendThreadPoolQueueSize', '0');
  t.set('startAcceptSendRequestTimeStamp', '0');
  t.set('commitLogMinOffset', hasCommitLog ? String(store.minPhyOffset) : '-1');
  t.set('putMessageEntireTimeMax', '0');
  t.set('pullThreadPoolQueueHeadWaitTimeMills', '0');
  t.set('runtime', runtimeText(now - bootTimestamp));
  t.set('earliestMessageTimeStamp', String(earliestMessageTime(ctx)));
  t.set(
    'commitLogDirCapacity',
    disk === undefined ? 'Total : 0 B, Free : 0 B.' : `Total : ${humanReadableBytes(disk.total)}, Free : ${humanReadableBytes(disk.free)}.`,
  );
  t.set('dispatchMaxBuffer', '0');
  t.set('brokerVersion', String(PROTOCOL_VERSION));
  t.set('putTps', '0.0 0.0 0.0');
  t.set('remainTransientStoreBufferNumbs', '2147483647');
  t.set('getMissTps', '0.0 0.0 0.0');
  t.set('queryThreadPoolQueueCapacity', '20000');
  t.set('putMessageAverageSize', '0.0');
  t.set('getTransferedTps', '0.0 0.0 0.0');
  t.set('dispatchBehindBytes', '0');
  t.set('putMessageSizeTotal', '0');
  t.set('sendThreadPoolQueueCapacity', String(ctx.config.sendThreadPoolQueueCapacity));
  t.set('EndTransactionQueueSize', '0');
  t.set('getTotalTps', '0.0 0.0 0.0');
  t.set('pullThreadPoolQueueCapacity', String(ctx.config.pullThreadPoolQueueCapacity));
  t.set('consumeQueueDiskRatio', ratio);
  t.set('pageCacheLockTimeMills', '0');
  return t;
}

/** TopicStatsTable entries: every write queue's min and max offset and last store time. */
export function topicStats(ctx: BrokerContext, topic: string, writeQueueNums: number): Array<[MessageQueueKey, TopicOffset]> {
  const out: Array<[MessageQueueKey, TopicOffset]> = [];
  for (let queueId = 0; queueId < writeQueueNums; queueId++) {
    const minOffset = Math.max(0, ctx.store.getMinOffsetInQueue(topic, queueId));
    const maxOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, queueId));
    const lastUpdateTimestamp = maxOffset > 0 ? ctx.store.getMessageStoreTimeStamp(topic, queueId, maxOffset - 1) : 0;
    out.push([mq(ctx, topic, queueId), { minOffset, maxOffset, lastUpdateTimestamp }]);
  }
  return out;
}

/**
 * ConsumeStats entries, as Java's getConsumeStats: the given topic or every topic the group has
 * offsets for; topics this broker does not have are skipped, and so are topics the online group no
 * longer subscribes to. Sorted by queue (Java's HashMap order is arbitrary; tools sort anyway).
 */
export function consumeStats(ctx: BrokerContext, group: string, topic: string | undefined): Array<[MessageQueueKey, OffsetWrapper]> {
  const topics = topic !== undefined && topic !== '' ? [topic] : [...ctx.consumerOffsets.topicsOfGroup(group)];
  const out: Array<[MessageQueueKey, OffsetWrapper]> = [];
  for (const t of topics) {
    const config = ctx.topics.get(t);
    if (config === undefined) continue;
    if (ctx.consumers.findSubscription(group, t) === undefined && ctx.consumers.subscriptionCount(group) > 0) continue;
    for (let queueId = 0; queueId < config.readQueueNums; queueId++) {
      const brokerOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(t, queueId));
      const consumerOffset = Math.max(0, ctx.consumerOffsets.queryOffset(group, t, queueId));
      const lastTimestamp = consumerOffset > 0 ? ctx.store.getMessageStoreTimeStamp(t, queueId, consumerOffset - 1) : 0;
      out.push([mq(ctx, t, queueId), { brokerOffset, consumerOffset, lastTimestamp }]);
    }
  }
  return out.sort(([a], [b]) => compareMessageQueues(a, b));
}

function sendResetToClients(ctx: BrokerContext, connections: readonly RemotingConnection[], header: Record<string, string>, body: string): void {
  for (const connection of connections) {
    if (connection.closed) continue;
    const request = RemotingCommand.request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, header, Buffer.from(body, 'utf8'));
    request.serializeType = SerializeType.JSON;
    try {
      connection.invokeOneway(request);
    } catch (err) {
      ctx.logger.warn({ err, remote: connection.remoteAddress }, 'reset consumer client offset failed');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers

export interface AdminHandlerOptions {
  /** GET_BROKER_RUNTIME_INFO's bootTimestamp (ms); the time of registration without it. */
  bootTimestamp?: number;
}

export function registerAdminHandlers(server: RemotingServer, ctx: BrokerContext, options: AdminHandlerOptions = {}): void {
  const bootTimestamp = options.bootTimestamp ?? ctx.now();
  const live = liveConfigFor(ctx);

  server.registerHandler(RequestCode.GET_BROKER_RUNTIME_INFO, () => success(encodeKVTable(runtimeInfo(ctx, bootTimestamp))));

  server.registerHandler(
    RequestCode.GET_TOPIC_STATS_INFO,
    handleWith(GetTopicStatsInfo, (h) => {
      const config = ctx.topics.get(h.topic);
      if (config === undefined) return RemotingCommand.response(ResponseCode.TOPIC_NOT_EXIST, `topic[${h.topic}] not exist`);
      return success(encodeTopicStatsTable(topicStats(ctx, h.topic, config.writeQueueNums)));
    }),
  );

  // consumeTps needs per-group pull statistics, which we do not keep: always 0.0.
  server.registerHandler(
    RequestCode.GET_CONSUME_STATS,
    handleWith(GetConsumeStats, (h) => success(encodeConsumeStats(0, consumeStats(ctx, h.consumerGroup, h.topic)))),
  );

  server.registerHandler(
    RequestCode.GET_CONSUMER_CONNECTION_LIST,
    handleWith(GetConsumerConnectionList, (h) => {
      const info = ctx.consumers.groupInfo(h.consumerGroup);
      if (info === undefined) return RemotingCommand.response(ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${h.consumerGroup}] not online`);
      const subscriptionTable = new Map(info.subscriptions.map((s) => [s.topic, subscriptionDataBean(s)]));
      return success(
        toFastJson({
          connectionSet: info.connections.map(connectionBean),
          consumeFromWhere: info.consumeFromWhere,
          consumeType: info.consumeType,
          messageModel: info.messageModel,
          subscriptionTable,
        }),
      );
    }),
  );

  server.registerHandler(
    RequestCode.GET_PRODUCER_CONNECTION_LIST,
    handleWith(GetProducerConnectionList, (h) => {
      const producers = ctx.producers.groupInfo(h.producerGroup);
      if (producers.length === 0) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `the producer group[${h.producerGroup}] not exist`);
      const connectionSet = producers.map((p) => connectionBean({ clientId: p.clientId, clientAddr: p.remoteIP, language: p.language, version: p.version }));
      return success(toFastJson({ connectionSet }));
    }),
  );

  server.registerHandler(RequestCode.GET_ALL_CONSUMER_OFFSET, () => success(ctx.consumerOffsets.table()));

  // Java (Broker2Client.resetOffset) only tells the online clients, which then commit; we also set
  // the offsets here, so a reset takes effect for a group that is offline (mqadmin and the
  // dashboard then fall back to committing per queue themselves, which agrees).
  server.registerHandler(
    RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
    handleWith(ResetOffset, (h) => {
      const config = ctx.topics.get(h.topic);
      if (config === undefined) {
        return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `[reset-offset] reset offset failed, no topic in this broker. topic=${h.topic}`);
      }
      const table: Array<[MessageQueueKey, number]> = [];
      for (let queueId = 0; queueId < config.writeQueueNums; queueId++) {
        const consumerOffset = ctx.consumerOffsets.queryOffset(h.group, h.topic, queueId);
        if (consumerOffset === -1) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `THe consumer group <${h.group}> not exist`);
        let byTime = h.timestamp === -1 ? ctx.store.getMaxOffsetInQueue(h.topic, queueId) : ctx.store.getOffsetInQueueByTime(h.topic, queueId, h.timestamp);
        if (byTime < 0) byTime = 0;
        table.push([mq(ctx, h.topic, queueId), h.isForce || byTime < consumerOffset ? byTime : consumerOffset]);
      }
      for (const [queue, offset] of table) ctx.consumerOffsets.resetOffset(h.group, h.topic, queue.queueId, offset);
      ctx.logger.info({ group: h.group, topic: h.topic, timestamp: h.timestamp, isForce: h.isForce }, 'consumer offsets reset by time');
      const body = encodeResetOffsetBody(table);
      const channels = ctx.consumers.channels(h.group);
      if (channels.length === 0) {
        return RemotingCommand.response(
          ResponseCode.CONSUMER_NOT_ONLINE,
          `Consumer not online, so can not reset offset, Group: ${h.group} Topic: ${h.topic} Timestamp: ${h.timestamp}`,
        );
      }
      const old = channels.find((c) => c.version < RESET_OFFSET_MIN_CLIENT_VERSION);
      if (old !== undefined) {
        return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${old.version}`);
      }
      sendResetToClients(
        ctx,
        channels.map((c) => c.connection),
        ResetOffset.encode({ topic: h.topic, group: h.group, timestamp: h.timestamp, isForce: h.isForce }),
        body,
      );
      return success(body);
    }),
  );

  server.registerHandler(RequestCode.GET_BROKER_CONFIG, () =>
    success(encodeProperties(live.entries()), GetBrokerConfig.encodeResponse({ version: live.dataVersionJson() })),
  );

  server.registerHandler(RequestCode.UPDATE_BROKER_CONFIG, (request) => {
    const text = request.body === null ? '' : request.body.toString('utf8');
    const properties = decodeProperties(text);
    const result = live.update(properties, ctx.now());
    if (!result.ok) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, result.error);
    ctx.logger.info({ changed: result.changed }, 'broker config updated');
    // Java re-registers at once whenever the update names brokerPermission, so routes show it.
    if (properties.has('brokerPermission')) ctx.registerBrokerAll();
    return RemotingCommand.response(ResponseCode.SUCCESS);
  });

  server.registerHandler(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, (request) => {
    if (request.body === null || request.body.length === 0) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, 'the request body is empty');
    try {
      const config = readSubscriptionGroupConfig(parseFastJson(request.body.toString('utf8')), 'SubscriptionGroupConfig');
      ctx.subscriptionGroups.upsert(config);
    } catch (err) {
      if (err instanceof FastJsonSyntaxError || err instanceof FastJsonShapeError) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, err.message);
      throw err;
    }
    return RemotingCommand.response(ResponseCode.SUCCESS);
  });

  server.registerHandler(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG, () => success(ctx.subscriptionGroups.encodeAll()));

  server.registerHandler(
    RequestCode.DELETE_SUBSCRIPTIONGROUP,
    handleWith(DeleteSubscriptionGroup, (h) => {
      ctx.subscriptionGroups.delete(h.groupName);
      if (h.removeOffset === true) ctx.consumerOffsets.removeGroup(h.groupName);
      return RemotingCommand.response(ResponseCode.SUCCESS);
    }),
  );

  server.registerHandler(
    RequestCode.QUERY_TOPIC_CONSUME_BY_WHO,
    handleWith(QueryTopicConsumeByWho, (h) => {
      const groups = new Set(ctx.consumers.queryTopicConsumeByWho(h.topic));
      for (const group of ctx.consumerOffsets.groupsOfTopic(h.topic)) groups.add(group);
      return success(encodeGroupList(groups));
    }),
  );
}
