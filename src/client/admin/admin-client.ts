// Owns: administering a RocketMQ cluster from a client: topics, routes and cluster info, broker
// runtime info and config, topic and consume statistics, client connections, message lookups (by
// key, offset id, unique key, queue offset), offset reset by time, subscription groups, and a
// plain send and pull for tools. Every call goes to the NameServers and brokers named by routes.
// Counterpart: org.apache.rocketmq.tools.admin.DefaultMQAdminExt / DefaultMQAdminExtImpl,
// org.apache.rocketmq.client.impl.MQAdminImpl and the matching MQClientAPIImpl calls (4.9.8).
//
// The client joins the process's shared ClientInstance as an admin member (Java's
// registerAdminExt): it sends no heartbeat, and uses its own instanceName by default so it never
// shares routes or connections with an application's producers and consumers.

import crypto from 'node:crypto';
import { decodeOffsetMsgId } from '../../common/message/message-id.js';
import { decodeMessageRecords } from '../../common/message/message-record.js';
import { MQError, NotFoundError, TopicNotFoundError } from '../../common/mq-error.js';
import { type ClusterInfo, decodeClusterInfo, decodeKVTable, decodeTopicList, type TopicRouteData } from '../../common/route-data.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { errorFromResponse, ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { CreateTopic, DeleteTopicInBroker } from '../../remoting/requests/admin.js';
import {
  decodeProperties,
  DeleteSubscriptionGroup,
  encodeProperties,
  GetConsumerConnectionList,
  GetConsumeStats,
  GetProducerConnectionList,
  GetTopicStatsInfo,
  QueryTopicConsumeByWho,
  ResetOffset,
} from '../../remoting/requests/admin-broker.js';
import { DeleteTopicInNamesrv, GetKvConfig, PutKvConfig } from '../../remoting/requests/namesrv.js';
import { QueryMessage, ViewMessageById } from '../../remoting/requests/query.js';
import type { ClientConfig } from '../client-config.js';
import { maxOffset, minOffset, queryConsumerOffset, searchOffset, updateConsumerOffset } from '../connection/broker-api.js';
import { ClientInstance, decodeResetOffsetBody } from '../connection/client-instance.js';
import { MASTER_ID, toSubscribeInfo } from '../connection/topic-route.js';
import { PullApi, type PullResult } from '../consumer/pull-api.js';
import { retryTopic } from '../consumer/rebalance.js';
import { buildSubscriptionData } from '../consumer/subscription.js';
import { compareMessageQueue, type Message, type MessageQueue, type ReceivedMessage, toReceivedMessage } from '../message.js';
import { Producer } from '../producer/producer.js';
import type { MessageQueueSelector } from '../producer/selectors.js';
import type { SendResult } from '../producer/send-result.js';
import { type ConsumerConnection, decodeConsumerConnection, decodeGroupList, decodeProducerConnection, type ProducerConnection } from './connection-bodies.js';
import { type ConsumeStats, decodeConsumeStats, decodeTopicStatsTable, type OffsetWrapper, type QueueEntry, type TopicStatsTable } from './queue-offset-tables.js';
import { encodeSubscriptionGroupConfig, type SubscriptionGroupConfig } from './subscription-group-config.js';

/** Java's DefaultMQAdminExt adminExtGroup. */
export const ADMIN_EXT_GROUP = 'admin_ext_group';
/** Java's MixAll.TOOLS_CONSUMER_GROUP: the group tools pull as. */
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
/** Java's MixAll.AUTO_CREATE_TOPIC_KEY_TOPIC, the defaultTopic of UPDATE_AND_CREATE_TOPIC. */
const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
/** Java's NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG. */
const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';
/** Java's DefaultMQAdminExt timeoutMillis. */
const ADMIN_TIMEOUT_MS_DEFAULT = 5_000;
/** The end of "any time": Java sends Long.MAX_VALUE; this is the largest a number holds exactly. */
export const TIMESTAMP_MAX = Number.MAX_SAFE_INTEGER;
const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

/** What UPDATE_AND_CREATE_TOPIC sets; mqadmin updateTopic's defaults are 8 / 8 / 6. */
export interface TopicConfigInput {
  topicName: string;
  readQueueNums?: number;
  writeQueueNums?: number;
  /** PermName bits: 2 write, 4 read, 6 both. */
  perm?: number;
  topicFilterType?: 'SINGLE_TAG' | 'MULTI_TAG';
  topicSysFlag?: number;
  order?: boolean;
}

/** Where a change goes: one broker, or every master of a cluster. */
export type BrokerTarget = { brokerAddr: string } | { clusterName: string };

export interface QueryMessageOptions {
  /** Default 64 (mqadmin queryMsgByKey). */
  maxNum?: number;
  /** Stored at or after (ms); default 0. */
  beginTimestampMs?: number;
  /** Stored at or before (ms); default: no bound. */
  endTimestampMs?: number;
}

/** One queue's line of a reset by time. Fields other than rollbackOffset are known only when the admin committed the offsets itself. */
export interface RollbackStats {
  mq: MessageQueue;
  brokerOffset?: number;
  consumerOffset?: number;
  /** The offset the timestamp maps to. */
  timestampOffset?: number;
  /** Where the group's offset now stands. */
  rollbackOffset: number;
}

export interface ResetOffsetResult {
  /**
   * True when the brokers told the group's live consumers to move (INVOKE_BROKER_TO_RESET_OFFSET);
   * false when the group was offline and the admin committed the offsets itself, as mqadmin's
   * resetOffsetByTimeOld does.
   */
  clientsNotified: boolean;
  queues: RollbackStats[];
}

/** Where AdminClient.sendMessage sends. */
export interface AdminSendTarget {
  /** This queue exactly. */
  messageQueue?: MessageQueue;
  /** Any writable queue of this broker group. */
  brokerName?: string;
  /** The producer group to send as (default: admin_send_<ms>). */
  producerGroup?: string;
}

export interface BrokerAddr {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  addr: string;
}

export interface AdminClientConfig extends ClientConfig {
  /** The admin member's group name on the client instance (Java's adminExtGroup). */
  adminGroup?: string;
}

function bodyOf(response: RemotingCommand): Buffer | null {
  return response.body;
}

/** The address Java's BrokerData.selectBrokerAddr picks: the master, else any member. */
function selectBrokerAddr(addrs: ReadonlyMap<number, string>): string | undefined {
  const master = addrs.get(MASTER_ID);
  if (master !== undefined) return master;
  const others = [...addrs.values()];
  return others[Math.floor(Math.random() * others.length)];
}

/**
 * An admin client for a RocketMQ cluster, as Java's DefaultMQAdminExt.
 *
 * ```ts
 * const admin = new AdminClient({ namesrvAddr: '127.0.0.1:9876' });
 * await admin.start();
 * await admin.createOrUpdateTopic({ clusterName: 'DefaultCluster' }, { topicName: 'T' });
 * console.log(await admin.topicList());
 * await admin.shutdown();
 * ```
 */
export class AdminClient {
  readonly #config: ClientConfig;
  readonly #group: string;
  #instance: ClientInstance | undefined;
  #pullApi: PullApi | undefined;

  constructor(config: AdminClientConfig) {
    const { adminGroup, ...clientConfig } = config;
    this.#group = adminGroup ?? ADMIN_EXT_GROUP;
    this.#config = {
      ...clientConfig,
      instanceName: clientConfig.instanceName ?? `admin-${process.pid}-${crypto.randomInt(1_000_000_000)}`,
      requestTimeoutMs: clientConfig.requestTimeoutMs ?? ADMIN_TIMEOUT_MS_DEFAULT,
    };
  }

  /** Joins the client instance (opens nothing yet: connections open on first use). Idempotent. */
  async start(): Promise<void> {
    if (this.#instance !== undefined) return;
    const instance = ClientInstance.acquire(this.#config);
    instance.registerAdmin(this.#group);
    this.#instance = instance;
    this.#pullApi = new PullApi(instance);
  }

  /** Leaves the client instance; the last member out closes its connections. Idempotent. */
  async shutdown(): Promise<void> {
    const instance = this.#instance;
    if (instance === undefined) return;
    this.#instance = undefined;
    this.#pullApi = undefined;
    instance.unregisterAdmin(this.#group);
  }

  /** The client instance of a started admin. */
  #live(): ClientInstance {
    if (this.#instance === undefined) throw new MQError(-1, 'the admin client is not started; call start() first');
    return this.#instance;
  }

  get #timeoutMs(): number {
    return this.#live().config.requestTimeoutMs;
  }

  async #invokeOk(addr: string, request: RemotingCommand, timeoutMs = this.#timeoutMs): Promise<RemotingCommand> {
    return this.#live().invokeBrokerOk(addr, request, timeoutMs);
  }

  async #invokeNamesrvOk(request: RemotingCommand): Promise<RemotingCommand> {
    const response = await this.#live().invokeNamesrv(request);
    if (response.code !== ResponseCode.SUCCESS) throw errorFromResponse(response.code, response.remark, { requestCode: request.code });
    return response;
  }

  /** Sends to every NameServer, as Java does for KV config and topic deletion; fails if any refuses. */
  async #invokeEveryNamesrv(build: () => RemotingCommand): Promise<string[]> {
    const addrs = this.#live().config.namesrvAddrs;
    for (const addr of addrs) {
      const request = build();
      const response = await this.#live().remoting.invokeSync(addr, request, this.#timeoutMs);
      if (response.code !== ResponseCode.SUCCESS) throw errorFromResponse(response.code, response.remark, { brokerAddr: addr, requestCode: request.code });
    }
    return [...addrs];
  }

  // -------------------------------------------------------------------------------------------
  // Cluster and routes

  /** GET_BROKER_CLUSTER_INFO: every cluster's broker names and every broker group's addresses. */
  async clusterInfo(): Promise<ClusterInfo> {
    const response = await this.#invokeNamesrvOk(RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO));
    if (response.body === null) return { brokerAddrTable: new Map(), clusterAddrTable: new Map() };
    return decodeClusterInfo(response.body);
  }

  /** Every broker address of a cluster (masters and slaves), sorted by broker name then id. Throws when the cluster is unknown. */
  async brokerAddrsOfCluster(clusterName: string, mastersOnly = false): Promise<BrokerAddr[]> {
    const info = await this.clusterInfo();
    const names = info.clusterAddrTable.get(clusterName);
    if (names === undefined) {
      throw new NotFoundError(`cluster ${clusterName} not found: make sure the specified clusterName exists or the name server connected to is correct`);
    }
    const out: BrokerAddr[] = [];
    for (const brokerName of [...names].sort()) {
      const data = info.brokerAddrTable.get(brokerName);
      if (data === undefined) continue;
      for (const [brokerId, addr] of [...data.brokerAddrs].sort((a, b) => a[0] - b[0])) {
        if (mastersOnly && brokerId !== MASTER_ID) continue;
        out.push({ clusterName, brokerName, brokerId, addr });
      }
    }
    return out;
  }

  /** The addresses a BrokerTarget names. */
  async #targetAddrs(target: BrokerTarget): Promise<string[]> {
    if ('brokerAddr' in target) return [target.brokerAddr];
    return (await this.brokerAddrsOfCluster(target.clusterName, true)).map((b) => b.addr);
  }

  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER, sorted. */
  async topicList(): Promise<string[]> {
    const response = await this.#invokeNamesrvOk(RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER));
    if (response.body === null) return [];
    return [...decodeTopicList(response.body).topicList].sort();
  }

  /** GET_ROUTEINFO_BY_TOPIC; TopicNotFoundError when no broker serves the topic. */
  async topicRoute(topic: string): Promise<TopicRouteData> {
    return this.#live().fetchTopicRoute(topic);
  }

  /** GET_BROKER_RUNTIME_INFO: the broker's statistics table, keys sorted. */
  async brokerRuntimeInfo(brokerAddr: string): Promise<Map<string, string>> {
    const response = await this.#invokeOk(brokerAddr, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO));
    const table = response.body === null ? new Map<string, string>() : decodeKVTable(response.body).table;
    return new Map([...table].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  // -------------------------------------------------------------------------------------------
  // Topics

  /** UPDATE_AND_CREATE_TOPIC on one broker or on every master of a cluster; resolves with the addresses changed. */
  async createOrUpdateTopic(target: BrokerTarget, topic: TopicConfigInput): Promise<string[]> {
    const addrs = await this.#targetAddrs(target);
    for (const addr of addrs) {
      const header = CreateTopic.encode({
        topic: topic.topicName,
        defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
        readQueueNums: topic.readQueueNums ?? 8,
        writeQueueNums: topic.writeQueueNums ?? 8,
        perm: topic.perm ?? 6,
        topicFilterType: topic.topicFilterType ?? 'SINGLE_TAG',
        topicSysFlag: topic.topicSysFlag ?? 0,
        order: topic.order ?? false,
      });
      await this.#invokeOk(addr, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, header));
    }
    return addrs;
  }

  /**
   * PUT_KV_CONFIG ORDER_TOPIC_CONFIG on every NameServer: "brokerName:queueNums;..." for an ordered
   * topic. For a whole cluster the value replaces the old one; for one broker ("brokerName:queueNums")
   * it replaces only that broker's part of it, as Java's createOrUpdateOrderConf. Resolves with the value stored.
   */
  async createOrUpdateOrderConf(topic: string, orderConf: string, isCluster: boolean): Promise<string> {
    let value = orderConf;
    if (!isCluster) {
      const response = await this.#live().invokeNamesrv(
        RemotingCommand.request(RequestCode.GET_KV_CONFIG, GetKvConfig.encode({ namespace: NAMESPACE_ORDER_TOPIC_CONFIG, key: topic })),
      );
      const old = response.code === ResponseCode.SUCCESS ? GetKvConfig.decodeResponse(response) : undefined;
      const parts = new Map<string, string>();
      if (old?.ok === true && old.value.value !== undefined && old.value.value !== '') {
        for (const part of old.value.value.split(';')) parts.set(part.split(':')[0] ?? part, part);
      }
      parts.set(orderConf.split(':')[0] ?? orderConf, orderConf);
      value = [...parts.values()].join(';');
    }
    await this.#invokeEveryNamesrv(() =>
      RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKvConfig.encode({ namespace: NAMESPACE_ORDER_TOPIC_CONFIG, key: topic, value })),
    );
    return value;
  }

  /**
   * Deletes a topic from every master of the cluster (DELETE_TOPIC_IN_BROKER) and then from every
   * NameServer (DELETE_TOPIC_IN_NAMESRV with the cluster name), as mqadmin deleteTopic.
   */
  async deleteTopic(topic: string, clusterName: string): Promise<{ brokerAddrs: string[]; namesrvAddrs: string[] }> {
    const brokerAddrs = (await this.brokerAddrsOfCluster(clusterName, true)).map((b) => b.addr);
    for (const addr of brokerAddrs) {
      await this.#invokeOk(addr, RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_BROKER, DeleteTopicInBroker.encode({ topic })));
    }
    const namesrvAddrs = await this.#invokeEveryNamesrv(() =>
      RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_NAMESRV, DeleteTopicInNamesrv.encode({ topic, clusterName })),
    );
    return { brokerAddrs, namesrvAddrs };
  }

  /** GET_TOPIC_STATS_INFO on each broker group of the topic (its master, else a slave), merged and sorted. */
  async topicStats(topic: string): Promise<TopicStatsTable> {
    const route = await this.topicRoute(topic);
    const offsetTable: TopicStatsTable['offsetTable'] = [];
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      const response = await this.#invokeOk(addr, RemotingCommand.request(RequestCode.GET_TOPIC_STATS_INFO, GetTopicStatsInfo.encode({ topic })));
      offsetTable.push(...decodeTopicStatsTable(bodyOf(response)).offsetTable);
    }
    if (offsetTable.length === 0) throw new TopicNotFoundError(`no topic stats for ${topic}`, { context: { topic } });
    return { offsetTable: offsetTable.sort((a, b) => compareMessageQueue(a.mq, b.mq)) };
  }

  /** QUERY_TOPIC_CONSUME_BY_WHO on the topic's brokers: the groups that consume it, sorted. */
  async queryTopicConsumeByWho(topic: string): Promise<string[]> {
    const route = await this.topicRoute(topic);
    const groups = new Set<string>();
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      const response = await this.#invokeOk(addr, RemotingCommand.request(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, QueryTopicConsumeByWho.encode({ topic })));
      for (const g of decodeGroupList(bodyOf(response))) groups.add(g);
    }
    return [...groups].sort();
  }

  // -------------------------------------------------------------------------------------------
  // Consumer groups

  /**
   * The broker addresses (one per broker group) that may know a group: those of the topic's route
   * when a topic is given, else those of the group's %RETRY% topic (as Java's examineConsumeStats),
   * else every broker group of every cluster (a group that never consumed has no retry topic yet).
   */
  async #groupBrokerAddrs(group: string, topic: string | undefined): Promise<string[]> {
    const fromRoute = async (t: string): Promise<string[] | undefined> => {
      try {
        const route = await this.topicRoute(t);
        return route.brokerDatas.map((b) => selectBrokerAddr(b.brokerAddrs)).filter((a): a is string => a !== undefined);
      } catch (err) {
        if (err instanceof TopicNotFoundError) return undefined;
        throw err;
      }
    };
    if (topic !== undefined) {
      const addrs = await fromRoute(topic);
      if (addrs === undefined) throw new TopicNotFoundError(`No topic route info in name server for the topic: ${topic}`, { context: { topic } });
      return addrs;
    }
    const retry = await fromRoute(retryTopic(group));
    if (retry !== undefined && retry.length > 0) return retry;
    const info = await this.clusterInfo();
    return [...info.brokerAddrTable.values()].map((b) => selectBrokerAddr(b.brokerAddrs)).filter((a): a is string => a !== undefined);
  }

  /**
   * GET_CONSUME_STATS from every broker that may hold the group's offsets, merged: per queue the
   * broker's max offset and the group's committed offset (their difference is the lag). With a
   * topic, that topic's queues are reported even where the group has committed nothing (offset 0).
   * NotFoundError (CONSUMER_NOT_ONLINE) when no broker reports anything, as Java.
   */
  async consumeStats(group: string, topic?: string): Promise<ConsumeStats> {
    const addrs = await this.#groupBrokerAddrs(group, topic);
    let consumeTps = 0;
    const offsetTable: Array<QueueEntry<OffsetWrapper>> = [];
    const header = GetConsumeStats.encode(topic === undefined ? { consumerGroup: group } : { consumerGroup: group, topic });
    for (const addr of addrs) {
      const response = await this.#invokeOk(addr, RemotingCommand.request(RequestCode.GET_CONSUME_STATS, { ...header }), this.#timeoutMs * 3);
      const stats = decodeConsumeStats(bodyOf(response));
      consumeTps += stats.consumeTps;
      offsetTable.push(...stats.offsetTable);
    }
    if (offsetTable.length === 0) {
      throw new NotFoundError(
        `Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not consume any message: ${group}`,
        { code: ResponseCode.CONSUMER_NOT_ONLINE },
      );
    }
    return { consumeTps, offsetTable: offsetTable.sort((a, b) => compareMessageQueue(a.mq, b.mq)) };
  }

  /** The lag of a consume-stats table: the sum of brokerOffset - consumerOffset (Java's computeTotalDiff). */
  static totalDiff(stats: ConsumeStats): number {
    let total = 0;
    for (const { value } of stats.offsetTable) total += value.brokerOffset - value.consumerOffset;
    return total;
  }

  /**
   * GET_CONSUMER_CONNECTION_LIST: the group's live clients and subscriptions, from the given
   * broker or from the first broker that knows the group. NotFoundError (CONSUMER_NOT_ONLINE) when none does.
   */
  async consumerConnection(group: string, brokerAddr?: string): Promise<ConsumerConnection> {
    const addrs = brokerAddr !== undefined ? [brokerAddr] : await this.#groupBrokerAddrs(group, undefined);
    let lastError: unknown;
    for (const addr of addrs) {
      const request = RemotingCommand.request(RequestCode.GET_CONSUMER_CONNECTION_LIST, GetConsumerConnectionList.encode({ consumerGroup: group }));
      try {
        const connection = decodeConsumerConnection(bodyOf(await this.#invokeOk(addr, request)));
        if (connection.connectionSet.length > 0) return connection;
      } catch (err) {
        if (!(err instanceof MQError)) throw err;
        lastError = err;
      }
    }
    if (lastError instanceof MQError && lastError.code !== ResponseCode.CONSUMER_NOT_ONLINE) throw lastError;
    throw new NotFoundError(`the consumer group[${group}] not online`, { code: ResponseCode.CONSUMER_NOT_ONLINE });
  }

  /** GET_PRODUCER_CONNECTION_LIST on the topic's brokers: the group's live producers (merged by client id). */
  async producerConnection(group: string, topic: string): Promise<ProducerConnection> {
    const route = await this.topicRoute(topic);
    const byClientId = new Map<string, ProducerConnection['connectionSet'][number]>();
    let lastError: unknown;
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      const request = RemotingCommand.request(RequestCode.GET_PRODUCER_CONNECTION_LIST, GetProducerConnectionList.encode({ producerGroup: group }));
      try {
        for (const c of decodeProducerConnection(bodyOf(await this.#invokeOk(addr, request))).connectionSet) byClientId.set(c.clientId, c);
      } catch (err) {
        if (!(err instanceof MQError)) throw err;
        lastError = err;
      }
    }
    if (byClientId.size === 0) {
      throw new NotFoundError(`Not found the producer group connection: ${group}`, { code: ResponseCode.CONSUMER_NOT_ONLINE, cause: lastError });
    }
    return { connectionSet: [...byClientId.values()] };
  }

  /** UPDATE_AND_CREATE_SUBSCRIPTIONGROUP on one broker or every master of a cluster; resolves with the addresses changed. */
  async createOrUpdateSubscriptionGroup(target: BrokerTarget, config: SubscriptionGroupConfig): Promise<string[]> {
    const addrs = await this.#targetAddrs(target);
    const body = encodeSubscriptionGroupConfig(config);
    for (const addr of addrs) await this.#invokeOk(addr, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, body));
    return addrs;
  }

  /** DELETE_SUBSCRIPTIONGROUP on one broker or every master of a cluster; removeOffset also forgets the group's offsets. */
  async deleteSubscriptionGroup(target: BrokerTarget, group: string, removeOffset = false): Promise<string[]> {
    const addrs = await this.#targetAddrs(target);
    for (const addr of addrs) {
      const header = DeleteSubscriptionGroup.encode({ groupName: group, removeOffset });
      await this.#invokeOk(addr, RemotingCommand.request(RequestCode.DELETE_SUBSCRIPTIONGROUP, header));
    }
    return addrs;
  }

  /** The group's %RETRY% and %DLQ% topics, as mqadmin deleteSubGroup -c removes them too. */
  static groupTopics(group: string): [retry: string, dlq: string] {
    return [retryTopic(group), DLQ_GROUP_TOPIC_PREFIX + group];
  }

  /**
   * Moves the group's offsets on `topic` to the first message stored at or after `timestampMs`
   * (-1: to the end). The brokers tell live consumers (INVOKE_BROKER_TO_RESET_OFFSET); when the
   * group is offline (CONSUMER_NOT_ONLINE) the admin commits the offsets itself, as mqadmin's
   * resetOffsetByTime falls back to resetOffsetByTimeOld. Without `force`, offsets only move back.
   */
  async resetOffsetByTime(group: string, topic: string, timestampMs: number, force = true): Promise<ResetOffsetResult> {
    const route = await this.topicRoute(topic);
    // The group's offsets before the reset, for the fallback's report: a broker of ours moves them
    // even when it then answers CONSUMER_NOT_ONLINE.
    const before = new Map<string, Array<QueueEntry<OffsetWrapper>>>();
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      const request = RemotingCommand.request(RequestCode.GET_CONSUME_STATS, GetConsumeStats.encode({ consumerGroup: group }));
      const stats = await this.#invokeOk(addr, request).then(
        (response) => decodeConsumeStats(bodyOf(response)).offsetTable.filter((e) => e.mq.topic === topic),
        () => [],
      );
      before.set(addr, stats);
    }
    const queues: RollbackStats[] = [];
    try {
      for (const broker of route.brokerDatas) {
        const addr = selectBrokerAddr(broker.brokerAddrs);
        if (addr === undefined) continue;
        const header = ResetOffset.encode({ topic, group, timestamp: timestampMs, isForce: force });
        const response = await this.#invokeOk(addr, RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, header));
        if (response.body === null) continue;
        for (const [mq, offset] of decodeResetOffsetBody(response.body)) queues.push({ mq, rollbackOffset: offset });
      }
    } catch (err) {
      if (err instanceof MQError && err.code === ResponseCode.CONSUMER_NOT_ONLINE) {
        return { clientsNotified: false, queues: await this.#resetOffsetByCommit(group, topic, route, before, timestampMs, force) };
      }
      throw err;
    }
    return { clientsNotified: true, queues: queues.sort((a, b) => compareMessageQueue(a.mq, b.mq)) };
  }

  /** Java's resetOffsetByTimestampOld: per queue, the offset of the time, committed with UPDATE_CONSUMER_OFFSET. */
  async #resetOffsetByCommit(
    group: string,
    topic: string,
    route: TopicRouteData,
    before: ReadonlyMap<string, Array<QueueEntry<OffsetWrapper>>>,
    timestampMs: number,
    force: boolean,
  ): Promise<RollbackStats[]> {
    const out: RollbackStats[] = [];
    await this.#live().updateTopicRoute(topic);
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      let entries = before.get(addr) ?? [];
      if (entries.length === 0) {
        // The group never consumed here: start from the queue's min offset.
        const statsOfTopic = await this.#invokeOk(addr, RemotingCommand.request(RequestCode.GET_TOPIC_STATS_INFO, GetTopicStatsInfo.encode({ topic })));
        const readQueueNums = route.queueDatas.find((q) => q.brokerName === broker.brokerName)?.readQueueNums ?? 0;
        entries = decodeTopicStatsTable(bodyOf(statsOfTopic))
          .offsetTable.filter((e) => e.mq.queueId < readQueueNums)
          .map(({ mq, value }) => ({ mq, value: { brokerOffset: value.maxOffset, consumerOffset: value.minOffset, lastTimestamp: 0 } }));
      }
      for (const { mq, value } of entries) {
        const timestampOffset = timestampMs === -1 ? await maxOffset(this.#live(), mq) : await searchOffset(this.#live(), mq, timestampMs);
        const stats: RollbackStats = {
          mq,
          brokerOffset: value.brokerOffset,
          consumerOffset: value.consumerOffset,
          timestampOffset,
          rollbackOffset: value.consumerOffset,
        };
        if (force || timestampOffset <= value.consumerOffset) {
          stats.rollbackOffset = timestampOffset;
          await updateConsumerOffset(this.#live(), group, mq, timestampOffset, false);
        }
        out.push(stats);
      }
    }
    return out.sort((a, b) => compareMessageQueue(a.mq, b.mq));
  }

  /** UPDATE_CONSUMER_OFFSET (acknowledged): sets the group's committed offset of one queue. */
  async updateConsumeOffset(group: string, mq: MessageQueue, queueOffset: number): Promise<void> {
    await updateConsumerOffset(this.#live(), group, mq, queueOffset, false);
  }

  // -------------------------------------------------------------------------------------------
  // Broker config

  /** GET_BROKER_CONFIG: the broker's effective config, in the order it sent it. */
  async getBrokerConfig(brokerAddr: string): Promise<Map<string, string>> {
    const response = await this.#invokeOk(brokerAddr, RemotingCommand.request(RequestCode.GET_BROKER_CONFIG));
    return response.body === null ? new Map() : decodeProperties(response.body.toString('utf8'));
  }

  /** UPDATE_BROKER_CONFIG with these keys; the broker refuses keys it cannot change live. */
  async updateBrokerConfig(brokerAddr: string, properties: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Promise<void> {
    const entries = properties instanceof Map ? [...properties] : Object.entries(properties);
    const body = Buffer.from(encodeProperties(entries), 'utf8');
    await this.#invokeOk(brokerAddr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, null, body));
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  /** The broker name of an address, from the cluster info; undefined when no broker has it. */
  async brokerNameOf(addr: string): Promise<string | undefined> {
    const info = await this.clusterInfo();
    for (const [brokerName, data] of info.brokerAddrTable) {
      for (const a of data.brokerAddrs.values()) if (a === addr) return brokerName;
    }
    return undefined;
  }

  /**
   * VIEW_MESSAGE_BY_ID: the message an offset message id points at (the id holds the store host
   * and the commit-log offset). NotFoundError (NO_MESSAGE) for an id that is not an offset id.
   */
  async viewMessage(offsetMsgId: string): Promise<ReceivedMessage> {
    const id = decodeOffsetMsgId(offsetMsgId);
    if (id === undefined) throw new NotFoundError(`query message by id finished, but no message: ${offsetMsgId} is not an offset message id`, { code: ResponseCode.NO_MESSAGE });
    const response = await this.#invokeOk(id.storeHost, RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID, ViewMessageById.encode({ offset: id.commitLogOffset })));
    const [ext] = response.body === null ? [] : decodeMessageRecords(response.body, { inflate: true });
    if (ext === undefined) throw new NotFoundError(`no message at ${offsetMsgId}`, { code: ResponseCode.NO_MESSAGE });
    const brokerName = await this.brokerNameOf(id.storeHost).catch(() => undefined);
    return toReceivedMessage(ext, brokerName ?? '');
  }

  /** QUERY_MESSAGE on every broker group of the topic; each broker's records, decoded. */
  async #queryMessage(topic: string, key: string, uniqueKey: boolean, options: QueryMessageOptions): Promise<ReceivedMessage[]> {
    const route = await this.topicRoute(topic);
    const found: ReceivedMessage[] = [];
    for (const broker of route.brokerDatas) {
      const addr = selectBrokerAddr(broker.brokerAddrs);
      if (addr === undefined) continue;
      const header = QueryMessage.encode({
        topic,
        key,
        maxNum: options.maxNum ?? 64,
        beginTimestamp: options.beginTimestampMs ?? 0,
        endTimestamp: options.endTimestampMs ?? TIMESTAMP_MAX,
        uniqueKeyQuery: uniqueKey,
      });
      const response = await this.#live().invokeBroker(addr, RemotingCommand.request(RequestCode.QUERY_MESSAGE, header), this.#timeoutMs * 3);
      if (response.code === ResponseCode.QUERY_NOT_FOUND) continue;
      if (response.code !== ResponseCode.SUCCESS) throw errorFromResponse(response.code, response.remark, { brokerAddr: addr, topic, requestCode: RequestCode.QUERY_MESSAGE });
      if (response.body === null) continue;
      for (const ext of decodeMessageRecords(response.body, { inflate: true })) found.push(toReceivedMessage(ext, broker.brokerName));
    }
    return found;
  }

  /**
   * Messages of `topic` with `key` among their KEYS, from every broker's index (hash collisions
   * filtered out, as Java). NotFoundError (NO_MESSAGE) when there is none.
   */
  async queryMessageByKey(topic: string, key: string, options: QueryMessageOptions = {}): Promise<ReceivedMessage[]> {
    const messages = (await this.#queryMessage(topic, key, false, options)).filter((m) => m.topic === topic && m.keys.includes(key));
    if (messages.length === 0) throw new NotFoundError(`query message by key finished, but no message: topic ${topic}, key ${key}`, { code: ResponseCode.NO_MESSAGE });
    return messages;
  }

  /**
   * Messages whose UNIQ_KEY (the producer's message id) is `uniqKey`, oldest store time first (a
   * message sent again, or retried, is stored more than once). NotFoundError (NO_MESSAGE) when none.
   */
  async queryMessageByUniqueKey(topic: string, uniqKey: string, options: QueryMessageOptions = {}): Promise<ReceivedMessage[]> {
    const messages = (await this.#queryMessage(topic, uniqKey, true, { maxNum: 32, ...options })).filter((m) => m.msgId === uniqKey);
    if (messages.length === 0) throw new NotFoundError(`query message by unique key finished, but no message: topic ${topic}, key ${uniqKey}`, { code: ResponseCode.NO_MESSAGE });
    return messages.sort((a, b) => a.storeTimestamp - b.storeTimestamp);
  }

  /** The readable queues of a topic, sorted (what a pull consumer can read). */
  async subscribeQueues(topic: string): Promise<MessageQueue[]> {
    const route = await this.#live().updateTopicRoute(topic);
    return toSubscribeInfo(topic, route).sort(compareMessageQueue);
  }

  async minOffset(mq: MessageQueue): Promise<number> {
    return minOffset(this.#live(), mq);
  }

  async maxOffset(mq: MessageQueue): Promise<number> {
    return maxOffset(this.#live(), mq);
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP: the first offset stored at or after the time. */
  async searchOffset(mq: MessageQueue, timestampMs: number): Promise<number> {
    return searchOffset(this.#live(), mq, timestampMs);
  }

  /** The group's committed offset of a queue, or undefined when it has none. */
  async queryConsumeOffset(group: string, mq: MessageQueue): Promise<number | undefined> {
    return queryConsumerOffset(this.#live(), group, mq);
  }

  /**
   * One PULL_MESSAGE of every tag from `queueOffset`, as the tools' pull consumer (group
   * TOOLS_CONSUMER unless given); commits nothing.
   */
  async pull(mq: MessageQueue, queueOffset: number, maxMsgNums: number, group = TOOLS_CONSUMER_GROUP): Promise<PullResult> {
    if (this.#pullApi === undefined) throw new MQError(-1, 'the admin client is not started; call start() first');
    return this.#pullApi.pull({
      group,
      mq,
      queueOffset,
      maxMsgNums,
      subscription: buildSubscriptionData(mq.topic, '*'),
      timeoutMs: this.#timeoutMs * 2,
    });
  }

  /**
   * Sends one message with a short-lived Producer on this admin's client instance, as mqadmin
   * sendMessage: to `target.messageQueue` when given, else to a queue of `target.brokerName` when
   * given, else to any queue of the topic (with the producer's retries).
   */
  async sendMessage(message: Message, target: AdminSendTarget = {}): Promise<SendResult> {
    this.#live(); // The producer joins this admin's client instance, which must be running.
    // Java's SendMessageCommand names its producer group after the current time.
    const producer = new Producer({ ...this.#config, producerGroup: target.producerGroup ?? `admin_send_${Date.now()}` });
    await producer.start();
    try {
      if (target.messageQueue !== undefined) return await producer.send(message, { messageQueue: target.messageQueue });
      const brokerName = target.brokerName;
      if (brokerName !== undefined) {
        const onBroker: MessageQueueSelector = (mqs) => {
          const mine = mqs.filter((mq) => mq.brokerName === brokerName);
          return mine[Math.floor(Math.random() * mine.length)];
        };
        return await producer.send(message, { selector: onBroker });
      }
      return await producer.send(message);
    } finally {
      await producer.shutdown();
    }
  }

  /** The message at (topic, brokerName, queueId, queueOffset), or undefined when there is none there. */
  async messageByOffset(mq: MessageQueue, queueOffset: number): Promise<ReceivedMessage | undefined> {
    const result = await this.pull(mq, queueOffset, 1);
    return result.status === 'FOUND' ? result.messages.find((m) => m.queueOffset === queueOffset) ?? result.messages[0] : undefined;
  }
}
