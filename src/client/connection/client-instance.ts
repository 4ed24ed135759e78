// Owns: what producers and consumers of one process share: the remoting client, the NameServer
// list (a random one first, the next on failure), the topic route cache and broker address table,
// the schedules (route refresh, heartbeats, offset commits, rebalance), and the requests brokers
// send to clients (NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET,
// GET_CONSUMER_RUNNING_INFO, CHECK_TRANSACTION_STATE).
// Counterpart: org.apache.rocketmq.client.impl.factory.MQClientInstance and MQClientManager (4.9.8).
//
// One instance per client id (`ip@instanceName`), shared by every producer and consumer that uses
// that id, as Java's MQClientManager does: the registry is the one module-level table here, since
// sharing across independently created producers is the point. The instance starts with its first
// member and shuts down when the last one leaves.

import type { Logger } from 'pino';
import { decodeMessageRecord, type MessageExt } from '../../common/message/message-record.js';
import { MQError, TopicNotFoundError } from '../../common/mq-error.js';
import { decodeTopicRouteData, type TopicRouteData } from '../../common/route-data.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { errorFromResponse, ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingClient } from '../../remoting/client.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand, SerializeType } from '../../remoting/remoting-command.js';
import { parseMessageQueueKeyed } from '../../remoting/requests/admin-broker.js';
import {
  type ConsumerData,
  decodeConsumerListBody,
  encodeHeartbeatData,
  type HeartbeatData,
  type MessageQueue,
  NotifyConsumerIdsChanged,
} from '../../remoting/requests/client.js';
import { GetRouteInfoByTopic } from '../../remoting/requests/namesrv.js';
import { type ClientConfig, type ResolvedClientConfig, resolveClientConfig } from '../client-config.js';
import { MASTER_ID } from './topic-route.js';

/** What the instance needs from a producer. */
export interface ProducerMember {
  readonly group: string;
  /** Topics whose routes this producer wants kept fresh. */
  publishTopics(): Iterable<string>;
  /** A refreshed route of one of its topics. */
  onTopicRoute(topic: string, route: TopicRouteData): void;
  /** CHECK_TRANSACTION_STATE from a broker (transactional producers). */
  checkTransactionState?(brokerAddr: string, message: MessageExt, request: RemotingCommand): void;
}

/** What the instance needs from a consumer. */
export interface ConsumerMember {
  readonly group: string;
  /** The consumer's heartbeat entry. */
  consumerData(): ConsumerData;
  subscribedTopics(): Iterable<string>;
  onTopicRoute(topic: string, route: TopicRouteData): void;
  /** Reassigns queues; called every rebalance interval and when the broker says the group changed. */
  rebalance(): Promise<void>;
  /** Commits consumed offsets (every persistConsumerOffsetInterval and on shutdown). */
  persistOffsets(): Promise<void>;
  /** RESET_CONSUMER_CLIENT_OFFSET: move these queues to these offsets. */
  resetOffset?(topic: string, offsets: ReadonlyArray<readonly [MessageQueue, number]>): Promise<void>;
  /** GET_CONSUMER_RUNNING_INFO: a description of the consumer's state. */
  runningInfo?(): Record<string, unknown>;
  /**
   * GET_CONSUMER_RUNNING_INFO's body when the member encodes it itself (Java's ConsumerRunningInfo
   * has MessageQueue-keyed maps, which plain JSON cannot write); preferred over runningInfo.
   */
  runningInfoBody?(): Buffer;
}

interface TimerHandle {
  stop(): void;
}

function every(periodMs: number, firstDelayMs: number, task: () => Promise<void> | void): TimerHandle {
  let timer: NodeJS.Timeout;
  let stopped = false;
  const run = async (): Promise<void> => {
    try {
      await task();
    } finally {
      if (!stopped) timer = setTimeout(run, periodMs).unref();
    }
  };
  timer = setTimeout(run, firstDelayMs).unref();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

const instances = new Map<string, ClientInstance>();

export class ClientInstance {
  readonly config: ResolvedClientConfig;
  readonly remoting: RemotingClient;
  readonly logger: Logger;
  readonly #producers = new Map<string, ProducerMember>();
  readonly #consumers = new Map<string, ConsumerMember>();
  /** Admin clients (Java's registerAdminExt): members that need no heartbeat, only the connections. */
  readonly #admins = new Set<string>();
  readonly #routes = new Map<string, TopicRouteData>();
  /** brokerName -> brokerId -> address. */
  readonly #brokerAddrs = new Map<string, Map<number, string>>();
  #namesrvIndex: number;
  #timers: TimerHandle[] = [];
  #started = false;
  #rebalanceQueued = false;

  /** The shared instance for this config's client id, created on first use. */
  static acquire(config: ClientConfig): ClientInstance {
    const resolved = resolveClientConfig(config);
    let instance = instances.get(resolved.clientId);
    if (instance === undefined) {
      instance = new ClientInstance(resolved);
      instances.set(resolved.clientId, instance);
    }
    return instance;
  }

  private constructor(config: ResolvedClientConfig) {
    this.config = config;
    this.logger = config.logger.child({ component: 'client', clientId: config.clientId });
    this.remoting = new RemotingClient({
      logger: this.logger,
      serializeType: config.serializeType === 'ROCKETMQ' ? SerializeType.ROCKETMQ : SerializeType.JSON,
    });
    this.#namesrvIndex = Math.floor(Math.random() * config.namesrvAddrs.length);
    this.#registerServerRequests();
  }

  get clientId(): string {
    return this.config.clientId;
  }

  // -------------------------------------------------------------------------------------------
  // Membership and lifecycle

  registerProducer(member: ProducerMember): void {
    if (this.#producers.has(member.group)) throw new MQError(-1, `the producer group ${member.group} has been created before, specify another name please`);
    this.#producers.set(member.group, member);
    this.#start();
  }

  registerConsumer(member: ConsumerMember): void {
    if (this.#consumers.has(member.group)) throw new MQError(-1, `the consumer group ${member.group} has been created before, specify another name please`);
    this.#consumers.set(member.group, member);
    this.#start();
  }

  /** Removes a producer, tells the brokers, and shuts the instance down when it was the last member. */
  async unregisterProducer(group: string): Promise<void> {
    if (this.#producers.get(group) === undefined) return;
    this.#producers.delete(group);
    await this.#unregisterClient(group, undefined);
    this.#stopIfEmpty();
  }

  async unregisterConsumer(group: string): Promise<void> {
    if (this.#consumers.get(group) === undefined) return;
    this.#consumers.delete(group);
    await this.#unregisterClient(undefined, group);
    this.#stopIfEmpty();
  }

  /** An admin client joins: it sends no heartbeats but keeps the instance (and its connections) alive. */
  registerAdmin(group: string): void {
    if (this.#admins.has(group)) throw new MQError(-1, `the admin group ${group} has been created before, specify another name please`);
    this.#admins.add(group);
    this.#start();
  }

  unregisterAdmin(group: string): void {
    if (!this.#admins.delete(group)) return;
    this.#stopIfEmpty();
  }

  consumer(group: string): ConsumerMember | undefined {
    return this.#consumers.get(group);
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    const c = this.config;
    this.#timers = [
      every(c.pollNameServerIntervalMs, 10, () => this.updateAllTopicRoutes()),
      every(c.heartbeatBrokerIntervalMs, 1000, () => this.sendHeartbeatToAllBrokers()),
      every(c.persistConsumerOffsetIntervalMs, c.persistConsumerOffsetIntervalMs, () => this.#persistAllOffsets()),
      every(c.rebalanceIntervalMs, c.rebalanceIntervalMs, () => this.#rebalanceAll()),
    ];
  }

  #stopIfEmpty(): void {
    if (this.#producers.size > 0 || this.#consumers.size > 0 || this.#admins.size > 0 || !this.#started) return;
    this.#started = false;
    for (const t of this.#timers) t.stop();
    this.#timers = [];
    this.remoting.shutdown();
    instances.delete(this.config.clientId);
  }

  async #unregisterClient(producerGroup: string | undefined, consumerGroup: string | undefined): Promise<void> {
    const ext: Record<string, string> = { clientID: this.clientId };
    if (producerGroup !== undefined) ext['producerGroup'] = producerGroup;
    if (consumerGroup !== undefined) ext['consumerGroup'] = consumerGroup;
    await Promise.all(
      this.#allBrokerAddrs().map((addr) =>
        this.remoting.invokeSync(addr, RemotingCommand.request(RequestCode.UNREGISTER_CLIENT, { ...ext }), this.config.requestTimeoutMs).catch((err: unknown) => {
          this.logger.debug({ err, brokerAddr: addr }, 'unregister client failed');
        }),
      ),
    );
  }

  // -------------------------------------------------------------------------------------------
  // NameServer and routes

  /** Sends to the current NameServer; on a transport failure moves to the next and tries each once. */
  async invokeNamesrv(request: RemotingCommand, timeoutMs = this.config.requestTimeoutMs): Promise<RemotingCommand> {
    const addrs = this.config.namesrvAddrs;
    let lastError: unknown;
    for (let attempt = 0; attempt < addrs.length; attempt++) {
      const addr = addrs[this.#namesrvIndex % addrs.length]!;
      try {
        // A fresh command per attempt: a command carries its opaque.
        return await this.remoting.invokeSync(addr, attempt === 0 ? request : cloneRequest(request), timeoutMs);
      } catch (err) {
        lastError = err;
        this.#namesrvIndex = (this.#namesrvIndex + 1) % addrs.length;
        this.logger.debug({ err, namesrvAddr: addr }, 'NameServer request failed, trying the next');
      }
    }
    throw lastError instanceof Error ? lastError : new MQError(-1002, 'no NameServer reachable');
  }

  /** GET_ROUTEINFO_BY_TOPIC; TopicNotFoundError when no broker serves the topic. */
  async fetchTopicRoute(topic: string): Promise<TopicRouteData> {
    const response = await this.invokeNamesrv(RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoByTopic.encode({ topic })));
    if (response.code !== ResponseCode.SUCCESS || response.body === null) {
      if (response.code === ResponseCode.TOPIC_NOT_EXIST) throw new TopicNotFoundError(response.remark ?? `No topic route info in name server for the topic: ${topic}`, { context: { topic } });
      throw errorFromResponse(response.code, response.remark, { topic, requestCode: RequestCode.GET_ROUTEINFO_BY_TOPIC });
    }
    return decodeTopicRouteData(response.body);
  }

  /** Fetches a topic's route, caches it and hands it to the members that use the topic. */
  async updateTopicRoute(topic: string): Promise<TopicRouteData> {
    const route = await this.fetchTopicRoute(topic);
    this.applyTopicRoute(topic, route);
    return route;
  }

  /** Caches a route (also one a producer derived from TBW102) and tells the members. */
  applyTopicRoute(topic: string, route: TopicRouteData): void {
    this.#routes.set(topic, route);
    for (const broker of route.brokerDatas) {
      let ids = this.#brokerAddrs.get(broker.brokerName);
      if (ids === undefined) this.#brokerAddrs.set(broker.brokerName, (ids = new Map()));
      ids.clear();
      for (const [id, addr] of broker.brokerAddrs) ids.set(id, addr);
    }
    for (const p of this.#producers.values()) if (includes(p.publishTopics(), topic)) p.onTopicRoute(topic, route);
    for (const c of this.#consumers.values()) if (includes(c.subscribedTopics(), topic)) c.onTopicRoute(topic, route);
  }

  topicRoute(topic: string): TopicRouteData | undefined {
    return this.#routes.get(topic);
  }

  /** Refreshes every topic a member uses; a failure for one topic is logged and the rest go on. */
  async updateAllTopicRoutes(): Promise<void> {
    const topics = new Set<string>();
    for (const p of this.#producers.values()) for (const t of p.publishTopics()) topics.add(t);
    for (const c of this.#consumers.values()) for (const t of c.subscribedTopics()) topics.add(t);
    await Promise.all(
      [...topics].map((topic) =>
        this.updateTopicRoute(topic).catch((err: unknown) => this.logger.debug({ err, topic }, 'route refresh failed')),
      ),
    );
  }

  /** The master's address of a broker group, as producers need it. */
  findBrokerAddrInPublish(brokerName: string): string | undefined {
    return this.#brokerAddrs.get(brokerName)?.get(MASTER_ID);
  }

  /**
   * An address to read from: the given brokerId when known, else (unless onlyThisBroker) any
   * member of the group, the master first. `slave` says whether it is not the master.
   */
  findBrokerAddrInSubscribe(brokerName: string, brokerId = MASTER_ID, onlyThisBroker = false): { addr: string; slave: boolean } | undefined {
    const ids = this.#brokerAddrs.get(brokerName);
    if (ids === undefined) return undefined;
    const exact = ids.get(brokerId);
    if (exact !== undefined) return { addr: exact, slave: brokerId !== MASTER_ID };
    if (onlyThisBroker) return undefined;
    const sorted = [...ids.entries()].sort((a, b) => a[0] - b[0]);
    const first = sorted[0];
    return first === undefined ? undefined : { addr: first[1], slave: first[0] !== MASTER_ID };
  }

  #allBrokerAddrs(): string[] {
    const out = new Set<string>();
    for (const ids of this.#brokerAddrs.values()) for (const addr of ids.values()) out.add(addr);
    return [...out];
  }

  // -------------------------------------------------------------------------------------------
  // Broker calls

  /** invokeSync with the client's request timeout unless one is given. */
  invokeBroker(addr: string, request: RemotingCommand, timeoutMs = this.config.requestTimeoutMs): Promise<RemotingCommand> {
    return this.remoting.invokeSync(addr, request, timeoutMs);
  }

  /** Sends a request and turns a non-SUCCESS answer into the MQError of its code. */
  async invokeBrokerOk(addr: string, request: RemotingCommand, timeoutMs = this.config.requestTimeoutMs): Promise<RemotingCommand> {
    const response = await this.invokeBroker(addr, request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw errorFromResponse(response.code, response.remark, { brokerAddr: addr, requestCode: request.code });
    return response;
  }

  /** The heartbeat body: every producer group and every consumer's subscriptions. */
  heartbeatData(): HeartbeatData {
    return {
      clientID: this.clientId,
      producerDataSet: [...this.#producers.keys()].map((groupName) => ({ groupName })),
      consumerDataSet: [...this.#consumers.values()].map((c) => c.consumerData()),
    };
  }

  /**
   * HEART_BEAT to every broker that has a route here: masters always, slaves too when there are
   * consumers (Java sends producer-only heartbeats to masters alone).
   */
  async sendHeartbeatToAllBrokers(): Promise<void> {
    if (this.#producers.size === 0 && this.#consumers.size === 0) return;
    const body = encodeHeartbeatData(this.heartbeatData());
    const consumersOnly = this.#consumers.size > 0;
    const addrs: string[] = [];
    for (const ids of this.#brokerAddrs.values()) {
      for (const [id, addr] of ids) if (id === MASTER_ID || consumersOnly) addrs.push(addr);
    }
    await Promise.all(
      addrs.map((addr) =>
        this.remoting
          .invokeSync(addr, RemotingCommand.request(RequestCode.HEART_BEAT, null, body), this.config.requestTimeoutMs)
          .then((response) => {
            if (response.code !== ResponseCode.SUCCESS) this.logger.warn({ brokerAddr: addr, code: response.code, remark: response.remark }, 'heartbeat refused');
          })
          .catch((err: unknown) => this.logger.debug({ err, brokerAddr: addr }, 'heartbeat failed')),
      ),
    );
  }

  /** GET_CONSUMER_LIST_BY_GROUP from one broker of the topic: the live client ids of a group. */
  async findConsumerIdList(topic: string, group: string): Promise<string[]> {
    const route = this.#routes.get(topic);
    const brokerName = route?.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]?.brokerName;
    const addr = brokerName === undefined ? undefined : this.findBrokerAddrInSubscribe(brokerName)?.addr;
    if (addr === undefined) return [];
    const response = await this.invokeBrokerOk(addr, RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: group }));
    return decodeConsumerListBody(response.body).consumerIdList;
  }

  /** Runs every consumer's rebalance soon (coalesced), as Java's rebalanceImmediately. */
  rebalanceImmediately(): void {
    if (this.#rebalanceQueued) return;
    this.#rebalanceQueued = true;
    setImmediate(() => {
      this.#rebalanceQueued = false;
      void this.#rebalanceAll();
    });
  }

  async #rebalanceAll(): Promise<void> {
    for (const c of [...this.#consumers.values()]) {
      try {
        await c.rebalance();
      } catch (err) {
        this.logger.warn({ err, group: c.group }, 'rebalance failed');
      }
    }
  }

  async #persistAllOffsets(): Promise<void> {
    for (const c of [...this.#consumers.values()]) {
      try {
        await c.persistOffsets();
      } catch (err) {
        this.logger.warn({ err, group: c.group }, 'offset commit failed');
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Requests brokers send to this client

  #registerServerRequests(): void {
    this.remoting.registerHandler(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      const header = NotifyConsumerIdsChanged.decode(request);
      this.logger.debug({ group: header.ok ? header.value.consumerGroup : undefined }, 'consumer ids changed, rebalancing');
      this.rebalanceImmediately();
      return null;
    });
    this.remoting.registerHandler(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, async (request) => {
      const topic = request.ext('topic');
      const group = request.ext('group');
      const consumer = group === undefined ? undefined : this.#consumers.get(group);
      if (topic !== undefined && consumer?.resetOffset !== undefined && request.body !== null) {
        await consumer.resetOffset(topic, decodeResetOffsetBody(request.body));
      }
      return RemotingCommand.response(ResponseCode.SUCCESS);
    });
    this.remoting.registerHandler(RequestCode.GET_CONSUMER_RUNNING_INFO, (request) => {
      const group = request.ext('consumerGroup');
      const consumer = group === undefined ? undefined : this.#consumers.get(group);
      if (consumer === undefined) return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, `The Consumer Group <${group ?? ''}> not exist in this consumer`);
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.body = consumer.runningInfoBody?.() ?? Buffer.from(JSON.stringify(consumer.runningInfo?.() ?? {}), 'utf8');
      return response;
    });
    this.remoting.registerHandler(RequestCode.CHECK_TRANSACTION_STATE, (request, connection: RemotingConnection) => {
      if (request.body === null) return null;
      let message: MessageExt;
      try {
        message = decodeMessageRecord(request.body, 0);
      } catch (err) {
        this.logger.warn({ err }, 'CHECK_TRANSACTION_STATE with an undecodable message');
        return null;
      }
      const group = message.properties.get('PGROUP');
      const producer = group === undefined ? undefined : this.#producers.get(group);
      if (producer?.checkTransactionState === undefined) {
        this.logger.warn({ group }, 'CHECK_TRANSACTION_STATE for a group with no transactional producer here');
        return null;
      }
      producer.checkTransactionState(connection.remoteAddress, message, request);
      return null;
    });
  }
}

function includes(topics: Iterable<string>, topic: string): boolean {
  for (const t of topics) if (t === topic) return true;
  return false;
}

function cloneRequest(request: RemotingCommand): RemotingCommand {
  const copy = RemotingCommand.request(request.code, request.extFields === null ? null : { ...request.extFields }, request.body);
  return copy;
}

/** ResetOffsetBody: {"offsetTable":{MessageQueue:offset}}. */
export function decodeResetOffsetBody(body: Buffer): Array<[MessageQueue, number]> {
  const parsed = parseMessageQueueKeyed(body.toString('utf8')) as { offsetTable?: Record<string, number> };
  const out: Array<[MessageQueue, number]> = [];
  for (const [key, offset] of Object.entries(parsed.offsetTable ?? {})) {
    const mq = JSON.parse(key) as MessageQueue;
    out.push([{ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId }, offset]);
  }
  return out;
}
