// Owns: the Producer: its options and lifecycle, finding a topic's publish queues (with the
// createTopicKey (TBW102) route for topics the NameServer does not know yet), and the send
// paths: round robin with retries on another broker, to a chosen queue (selector, sharding key,
// explicit queue), batches, and one-way sends.
// Counterpart: org.apache.rocketmq.client.producer.DefaultMQProducer and
// org.apache.rocketmq.client.impl.producer.DefaultMQProducerImpl (4.9.8).

import type { Logger } from 'pino';
import { UniqKeyGenerator } from '../../common/message/message-id.js';
import { parseIp } from '../../common/message/socket-address.js';
import { ConfigError, MessageIllegalError, MQError, RemotingConnectError, RemotingTimeoutError, TopicNotFoundError } from '../../common/mq-error.js';
import type { TopicRouteData } from '../../common/route-data.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { errorFromResponse } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { RequestHeaderOf } from '../../remoting/requests/define-request.js';
import { SendMessage } from '../../remoting/requests/send.js';
import { type ClientConfig, resolveClientConfig } from '../client-config.js';
import { ClientInstance, type ProducerMember } from '../connection/client-instance.js';
import { type TopicPublishInfo, toPublishInfo } from '../connection/topic-route.js';
import type { Message, MessageQueue } from '../message.js';
import { FaultStrategy } from './fault-strategy.js';
import type { FaultClock } from './latency-fault-tolerance.js';
import { prepareBatch } from './message-batch.js';
import { type PreparedMessage, prepareMessage, type PrepareSettings } from './outgoing-message.js';
import { RoundRobinIndex } from './round-robin-index.js';
import { type MessageQueueSelector, selectMessageQueueByHash } from './selectors.js';
import { type SendResult, toSendResult } from './send-result.js';
import { checkProducerGroup, checkTopic } from './validators.js';

/** Settings of a Producer: the shared client settings plus DefaultMQProducer's own. */
export interface ProducerOptions extends ClientConfig {
  /** The producer group (Java `producerGroup`); one Producer per group per client instance. */
  producerGroup: string;
  /** Overall deadline of one send, retries and route lookup included (Java `sendMsgTimeout`, 3000). */
  sendMsgTimeoutMs?: number;
  /** Bodies of at least this many bytes are zlib-compressed (Java `compressMsgBodyOverHowmuch`, 4096). */
  compressMsgBodyOverHowmuch?: number;
  /** How many more brokers a failed send tries (Java `retryTimesWhenSendFailed`, 2). */
  retryTimesWhenSendFailed?: number;
  /**
   * Java `retryTimesWhenSendAsyncFailed` (2). Accepted for parity only: this client has one send,
   * a promise, whose retries follow retryTimesWhenSendFailed whether it is awaited or not.
   */
  retryTimesWhenSendAsyncFailed?: number;
  /** Also retry on another broker when the message was stored but not SEND_OK (Java's option, false). */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /** Largest body in bytes, or batch body (Java `maxMessageSize`, 4 MiB). */
  maxMessageSize?: number;
  /** Avoid brokers that were slow or failing, for a time that grows with their latency (Java's option, false). */
  sendLatencyFaultEnable?: boolean;
  /** Queues a broker creates for a topic auto-created by a send (Java `defaultTopicQueueNums`, 4). */
  defaultTopicQueueNums?: number;
  /** The template topic of auto-created topics (Java `createTopicKey`, TBW102). */
  createTopicKey?: string;
  /** Time source of the latency fault table; tests step it by hand. Default Date.now. */
  clock?: FaultClock;
}

/** How one send picks its queue, and its deadline. */
export interface SendOptions {
  /** Send to this queue, with no retry (Java `send(msg, mq)`). Wins over selector and shardingKey. */
  messageQueue?: MessageQueue;
  /**
   * Choose the queue among the topic's writable queues (Java `send(msg, selector, arg)`), with no
   * retry on another queue, which is what keeps messages of one key in order.
   */
  selector?: MessageQueueSelector;
  /** Handed to the selector. */
  arg?: unknown;
  /**
   * Messages with the same sharding key go to the same queue, in order: `selectMessageQueueByHash`
   * with the key as argument (unless a selector is given, which then receives the key as `arg`).
   */
  shardingKey?: string;
  /** This send's deadline instead of sendMsgTimeoutMs. */
  timeoutMs?: number;
}

/** SendOptions of a one-way send: no answer, so no deadline. */
export type SendOnewayOptions = Omit<SendOptions, 'timeoutMs'>;

type SendHeader = RequestHeaderOf<typeof SendMessage>;

interface PublishState {
  /** Undefined until a route (the topic's own, or the createTopicKey one) was applied. */
  info: TopicPublishInfo | undefined;
  /** Java's sendWhichQueue. */
  readonly index: RoundRobinIndex;
  /** Why the last lookup found nothing, for the error of a send that has no route. */
  lookupError: unknown;
}

interface ResolvedProducerOptions {
  readonly sendMsgTimeoutMs: number;
  readonly compressMsgBodyOverHowmuch: number;
  readonly retryTimesWhenSendFailed: number;
  readonly retryTimesWhenSendAsyncFailed: number;
  readonly retryAnotherBrokerWhenNotStoreOK: boolean;
  readonly maxMessageSize: number;
  readonly defaultTopicQueueNums: number;
  readonly createTopicKey: string;
}

/** DefaultMQProducer's defaults. */
export const PRODUCER_DEFAULTS = Object.freeze({
  sendMsgTimeoutMs: 3000,
  compressMsgBodyOverHowmuch: 4096,
  retryTimesWhenSendFailed: 2,
  retryTimesWhenSendAsyncFailed: 2,
  retryAnotherBrokerWhenNotStoreOK: false,
  maxMessageSize: 4 * 1024 * 1024,
  sendLatencyFaultEnable: false,
  defaultTopicQueueNums: 4,
  createTopicKey: 'TBW102',
});

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new ConfigError(`${name} must be an integer >= ${min}, got ${String(value)}`, { key: name });
  return v;
}

function resolveProducerOptions(options: ProducerOptions): ResolvedProducerOptions {
  const d = PRODUCER_DEFAULTS;
  const createTopicKey = options.createTopicKey ?? d.createTopicKey;
  try {
    checkTopic(createTopicKey);
  } catch (err) {
    throw new ConfigError(`createTopicKey ${createTopicKey} is not a topic name: ${(err as Error).message}`, { key: 'createTopicKey', cause: err });
  }
  return Object.freeze({
    sendMsgTimeoutMs: integer('sendMsgTimeoutMs', options.sendMsgTimeoutMs, d.sendMsgTimeoutMs, 1),
    compressMsgBodyOverHowmuch: integer('compressMsgBodyOverHowmuch', options.compressMsgBodyOverHowmuch, d.compressMsgBodyOverHowmuch, 0),
    retryTimesWhenSendFailed: integer('retryTimesWhenSendFailed', options.retryTimesWhenSendFailed, d.retryTimesWhenSendFailed, 0),
    retryTimesWhenSendAsyncFailed: integer('retryTimesWhenSendAsyncFailed', options.retryTimesWhenSendAsyncFailed, d.retryTimesWhenSendAsyncFailed, 0),
    retryAnotherBrokerWhenNotStoreOK: options.retryAnotherBrokerWhenNotStoreOK ?? d.retryAnotherBrokerWhenNotStoreOK,
    maxMessageSize: integer('maxMessageSize', options.maxMessageSize, d.maxMessageSize, 1),
    defaultTopicQueueNums: integer('defaultTopicQueueNums', options.defaultTopicQueueNums, d.defaultTopicQueueNums, 1),
    createTopicKey,
  });
}

/** A UNIQ_KEY generator for this client's address (loopback when it is no IP literal). */
function uniqKeyGenerator(clientIP: string): UniqKeyGenerator {
  const ip = parseIp(clientIP) === undefined ? '127.0.0.1' : clientIP;
  // Java's third field is the class loader's hash: a per-producer random int serves the same end.
  return new UniqKeyGenerator({ ip, pid: process.pid, classLoaderHash: Math.floor(Math.random() * 0x1_0000_0000) | 0 });
}

/**
 * The route a topic the NameServer does not know gets: the createTopicKey topic's route, each
 * broker limited to defaultTopicQueueNums queues. A send on it makes the broker create the topic.
 */
export function routeForNewTopic(template: TopicRouteData, defaultTopicQueueNums: number): TopicRouteData {
  return {
    ...template,
    queueDatas: template.queueDatas.map((qd) => {
      const queueNums = Math.min(defaultTopicQueueNums, qd.readQueueNums);
      return { ...qd, readQueueNums: queueNums, writeQueueNums: queueNums };
    }),
  };
}

/**
 * Sends messages to RocketMQ brokers.
 *
 * ```ts
 * const producer = new Producer({ namesrvAddr: '127.0.0.1:9876', producerGroup: 'PID_orders' });
 * await producer.start();
 * const result = await producer.send({ topic: 'Orders', tags: 'created', keys: 'order-1', body: '...' });
 * await producer.shutdown();
 * ```
 *
 * A producer is a member of the process's shared client instance (one per client id), which keeps
 * the routes fresh and heartbeats the brokers.
 */
export class Producer implements ProducerMember {
  /** The producer group. */
  readonly group: string;
  readonly #clientConfig: ClientConfig;
  readonly #options: ResolvedProducerOptions;
  readonly #logger: Logger;
  readonly #clock: FaultClock;
  readonly #fault: FaultStrategy;
  readonly #prepareSettings: PrepareSettings;
  readonly #publish = new Map<string, PublishState>();
  readonly #lookups = new Map<string, Promise<PublishState>>();
  #instance: ClientInstance | undefined;
  #state: 'CREATED' | 'RUNNING' | 'SHUTDOWN' = 'CREATED';

  /** Checks the options (ConfigError); connects nothing until start(). */
  constructor(options: ProducerOptions) {
    checkProducerGroup(options.producerGroup);
    this.group = options.producerGroup;
    this.#clientConfig = options;
    this.#options = resolveProducerOptions(options);
    const client = resolveClientConfig(options);
    this.#logger = client.logger.child({ component: 'client.producer', group: this.group });
    this.#clock = options.clock ?? { now: Date.now };
    this.#fault = new FaultStrategy({ sendLatencyFaultEnable: options.sendLatencyFaultEnable ?? PRODUCER_DEFAULTS.sendLatencyFaultEnable, clock: this.#clock });
    const uniqKeys = uniqKeyGenerator(client.clientIP);
    this.#prepareSettings = {
      maxMessageSize: this.#options.maxMessageSize,
      compressMsgBodyOverHowmuch: this.#options.compressMsgBodyOverHowmuch,
      nextUniqKey: () => uniqKeys.next(),
    };
  }

  /** Joins the shared client instance. Does nothing when already started; a shut down producer cannot restart. */
  async start(): Promise<void> {
    if (this.#state === 'RUNNING') return;
    if (this.#state === 'SHUTDOWN') throw new MQError(-1, `The producer service state not OK, the producer ${this.group} was shut down; create a new one`);
    const instance = ClientInstance.acquire(this.#clientConfig);
    instance.registerProducer(this);
    this.#instance = instance;
    this.#state = 'RUNNING';
    this.#logger.info({ clientId: instance.clientId }, 'producer started');
  }

  /** Leaves the client instance (the last member out closes it). Idempotent. */
  async shutdown(): Promise<void> {
    const wasRunning = this.#state === 'RUNNING';
    this.#state = 'SHUTDOWN';
    if (!wasRunning || this.#instance === undefined) return;
    await this.#instance.unregisterProducer(this.group);
    this.#logger.info('producer shut down');
  }

  /**
   * Sends one message, or a batch when given an array (see {@link Producer.sendBatch}), and
   * resolves once the broker has stored it.
   *
   * Java's synchronous send and its asynchronous send with a SendCallback are both this promise:
   * await it, or attach `.then`/`.catch` and carry on. Without a queue choice in `options`, a
   * failed attempt (connection failure, timeout, or a retriable broker error such as SYSTEM_BUSY
   * or TOPIC_NOT_EXIST) is retried on another broker up to retryTimesWhenSendFailed times, all
   * within sendMsgTimeoutMs. A stored message resolves even when its status is not SEND_OK
   * (FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE); other failures reject with an
   * MQError whose `code` is the last attempt's response code. Invalid messages reject with a
   * MessageIllegalError before anything is sent.
   */
  send(message: Message, options?: SendOptions): Promise<SendResult>;
  send(messages: readonly Message[], options?: SendOptions): Promise<SendResult>;
  async send(message: Message | readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    if (isBatch(message)) return this.sendBatch(message, options);
    return this.sendMessage(message, options);
  }

  /**
   * Sends messages of one topic as one SEND_BATCH_MESSAGE: all stored, in order, in one queue, or
   * none. Delays and timers are not allowed in batches, and the encoded batch must fit
   * maxMessageSize (use {@link splitBatch} for long lists). The result's msgId lists every
   * message's UNIQ_KEY, comma-separated.
   */
  async sendBatch(messages: readonly Message[], options: SendOptions = {}): Promise<SendResult> {
    this.#running();
    const begin = this.#clock.now();
    const prepared = prepareBatch(messages, this.#prepareSettings);
    return this.#dispatch(prepared, messages[0]!, begin, options);
  }

  /**
   * Sends one message with extra system properties that users may not set themselves (other
   * client roles use it, e.g. transactions set TRAN_MSG and PGROUP).
   * @internal
   */
  async sendMessage(message: Message, options: SendOptions = {}, systemProperties?: ReadonlyMap<string, string>): Promise<SendResult> {
    this.#running();
    const begin = this.#clock.now();
    const prepared = await prepareMessage(message, this.#prepareSettings, systemProperties);
    return this.#dispatch(prepared, message, begin, options);
  }

  /**
   * Sends one message without waiting for the broker's answer (Java `sendOneway`): it resolves
   * once the request is queued on the connection, and never retries. Message checks and the route
   * lookup still happen first and can reject.
   */
  async sendOneway(message: Message, options: SendOnewayOptions = {}): Promise<void> {
    const instance = this.#running();
    const prepared = await prepareMessage(message, this.#prepareSettings);
    let mq = await this.#chosenQueue(prepared, message, options);
    if (mq === undefined) {
      const state = await this.#findPublishState(prepared.topic);
      mq = state.info === undefined ? undefined : this.#fault.selectOneMessageQueue(state.info, state.index);
      if (mq === undefined) throw this.#noRouteError(prepared.topic, state);
    }
    const addr = await this.#brokerAddr(mq);
    instance.remoting.invokeOneway(addr, this.#request(prepared, mq));
  }

  /** The topic's writable queues, as selectors see them (Java `fetchPublishMessageQueues`). */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.#running();
    checkTopic(topic);
    const state = await this.#findPublishState(topic);
    if (state.info === undefined || state.info.messageQueues.length === 0) throw this.#noRouteError(topic, state);
    return state.info.messageQueues.map((mq) => ({ ...mq }));
  }

  /**
   * The shared client instance of a started producer, for client roles built on the Producer
   * (transactions send END_TRANSACTION through it). Throws as a send does when not running.
   * @internal
   */
  clientInstance(): ClientInstance {
    return this.#running();
  }

  // -------------------------------------------------------------------------------------------
  // ProducerMember

  /** @internal */
  publishTopics(): Iterable<string> {
    return this.#publish.keys();
  }

  /** @internal */
  onTopicRoute(topic: string, route: TopicRouteData): void {
    const state = this.#publish.get(topic);
    if (state !== undefined) state.info = toPublishInfo(topic, route);
  }

  // -------------------------------------------------------------------------------------------
  // Send paths

  #running(): ClientInstance {
    if (this.#state !== 'RUNNING' || this.#instance === undefined) {
      throw new MQError(-1, `The producer service state not OK, ${this.#state === 'CREATED' ? 'call start() first' : 'it was shut down'}`);
    }
    return this.#instance;
  }

  async #dispatch(prepared: PreparedMessage, message: Message, begin: number, options: SendOptions): Promise<SendResult> {
    const timeoutMs = options.timeoutMs ?? this.#options.sendMsgTimeoutMs;
    const mq = await this.#chosenQueue(prepared, message, options);
    if (mq === undefined) return this.#sendDefault(prepared, begin, timeoutMs);
    // A chosen queue is the whole point of the send (ordering), so it is never swapped for another.
    const remainingMs = timeoutMs - (this.#clock.now() - begin);
    if (remainingMs <= 0) throw new RemotingTimeoutError('sendSelectImpl call timeout', { context: { topic: prepared.topic } });
    return this.#sendKernel(prepared, mq, remainingMs);
  }

  /** The queue the options choose, or undefined for the default (round robin with retries). */
  async #chosenQueue(prepared: PreparedMessage, message: Message, options: SendOnewayOptions): Promise<MessageQueue | undefined> {
    const topic = prepared.topic;
    if (options.messageQueue !== undefined) {
      if (options.messageQueue.topic !== topic) throw new MessageIllegalError("message's topic not equal mq's topic", { context: { topic } });
      return options.messageQueue;
    }
    if (options.selector === undefined && options.shardingKey === undefined) return undefined;
    if (options.shardingKey !== undefined && (typeof options.shardingKey !== 'string' || options.shardingKey === '')) {
      throw new MessageIllegalError('shardingKey must be a non-empty string', { context: { topic } });
    }
    const state = await this.#findPublishState(topic);
    const queues = state.info?.messageQueues;
    if (queues === undefined || queues.length === 0) throw this.#noRouteError(topic, state);
    const selector = options.selector ?? selectMessageQueueByHash;
    const arg = options.shardingKey ?? options.arg;
    let mq: MessageQueue | undefined;
    try {
      mq = selector(queues, message, arg);
    } catch (err) {
      throw new MQError(-1, 'select message queue threw exception.', { cause: err, context: { topic } });
    }
    if (mq === undefined || mq === null) throw new MQError(-1, 'select message queue return null.', { context: { topic } });
    return mq;
  }

  /** Round robin over the topic's queues, retrying on another broker (sendDefaultImpl). */
  async #sendDefault(prepared: PreparedMessage, begin: number, timeoutMs: number): Promise<SendResult> {
    const topic = prepared.topic;
    const state = await this.#findPublishState(topic);
    if (state.info === undefined || state.info.messageQueues.length === 0) throw this.#noRouteError(topic, state);
    const timesTotal = 1 + this.#options.retryTimesWhenSendFailed;
    const brokersSent: string[] = [];
    let mq: MessageQueue | undefined;
    let result: SendResult | undefined;
    let lastError: MQError | undefined;
    let callTimeout = false;
    for (let times = 0; times < timesTotal; times++) {
      // Each attempt reads the current route: a refresh may have dropped a dead broker meanwhile.
      const selected = state.info === undefined ? undefined : this.#fault.selectOneMessageQueue(state.info, state.index, mq?.brokerName);
      if (selected === undefined) break;
      mq = selected;
      brokersSent.push(mq.brokerName);
      const attemptBegin = this.#clock.now();
      const costMs = attemptBegin - begin;
      if (costMs >= timeoutMs) {
        callTimeout = true;
        break;
      }
      try {
        result = await this.#sendKernel(prepared, mq, timeoutMs - costMs);
        this.#fault.updateFaultItem(mq.brokerName, this.#clock.now() - attemptBegin, false);
        if (result.sendStatus !== 'SEND_OK' && this.#options.retryAnotherBrokerWhenNotStoreOK) continue;
        return result;
      } catch (err) {
        this.#fault.updateFaultItem(mq.brokerName, this.#clock.now() - attemptBegin, true);
        // Not retriable (a bad message, no permission...), or not ours at all (a bug): stop here.
        if (!(err instanceof MQError) || !err.retriable) {
          if (result !== undefined) return result;
          throw err;
        }
        lastError = err;
        this.#logger.debug({ err, topic, brokerName: mq.brokerName, queueId: mq.queueId, attempt: times + 1 }, 'send attempt failed');
      }
    }
    // Every attempt was stored but not SEND_OK (retryAnotherBrokerWhenNotStoreOK): the last one counts.
    if (result !== undefined) return result;
    if (callTimeout) throw new RemotingTimeoutError('sendDefaultImpl call timeout', { cause: lastError, context: { topic } });
    const info = `Send [${brokersSent.length}] times, still failed, cost [${this.#clock.now() - begin}]ms, Topic: ${topic}, BrokersSent: [${brokersSent.join(', ')}]`;
    const error = errorFromResponse(lastError?.code ?? -1000, `${info}: ${lastError?.message ?? 'no queue to send to'}`, { topic });
    error.cause = lastError;
    this.#logger.warn({ topic, brokersSent, code: error.code }, 'send failed');
    throw error;
  }

  /** One attempt: one request to the master of the queue's broker. */
  async #sendKernel(prepared: PreparedMessage, mq: MessageQueue, timeoutMs: number): Promise<SendResult> {
    const instance = this.#running();
    const addr = await this.#brokerAddr(mq);
    const request = this.#request(prepared, mq);
    const response = await instance.invokeBroker(addr, request, timeoutMs);
    return toSendResult(response, { topic: prepared.topic, brokerName: mq.brokerName, brokerAddr: addr, msgId: prepared.msgId, requestCode: request.code });
  }

  /** The master's address of the queue's broker, looking the route up once when it is unknown. */
  async #brokerAddr(mq: MessageQueue): Promise<string> {
    const instance = this.#running();
    let addr = instance.findBrokerAddrInPublish(mq.brokerName);
    if (addr === undefined) {
      await instance.updateTopicRoute(mq.topic).catch((err: unknown) => this.#logger.debug({ err, topic: mq.topic }, 'route lookup failed'));
      addr = instance.findBrokerAddrInPublish(mq.brokerName);
    }
    if (addr === undefined) throw new RemotingConnectError(`The broker[${mq.brokerName}] not exist`, { context: { topic: mq.topic, queueId: mq.queueId } });
    return addr;
  }

  #request(prepared: PreparedMessage, mq: MessageQueue): RemotingCommand {
    const code = prepared.batch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2;
    const header: SendHeader = {
      producerGroup: this.group,
      topic: prepared.topic,
      defaultTopic: this.#options.createTopicKey,
      defaultTopicQueueNums: this.#options.defaultTopicQueueNums,
      queueId: mq.queueId,
      sysFlag: prepared.sysFlag,
      bornTimestamp: Date.now(),
      flag: prepared.flag,
      properties: prepared.propertiesString,
      reconsumeTimes: prepared.reconsumeTimes,
      unitMode: false,
      batch: prepared.batch,
      // 4.9.8 sends the broker name too (field n); brokers before it ignore the field.
      brokerName: mq.brokerName,
    };
    if (prepared.maxReconsumeTimes !== undefined) header.maxReconsumeTimes = prepared.maxReconsumeTimes;
    return RemotingCommand.request(code, SendMessage.encode(header, code), prepared.body);
  }

  // -------------------------------------------------------------------------------------------
  // Routes

  /** The topic's publish state, looking its route up when there are no queues yet (tryToFindTopicPublishInfo). */
  #findPublishState(topic: string): Promise<PublishState> {
    const state = this.#publish.get(topic);
    if (state?.info !== undefined && state.info.messageQueues.length > 0) return Promise.resolve(state);
    // Concurrent first sends to a topic share one lookup.
    let lookup = this.#lookups.get(topic);
    if (lookup === undefined) {
      lookup = this.#lookupRoute(topic).finally(() => this.#lookups.delete(topic));
      this.#lookups.set(topic, lookup);
    }
    return lookup;
  }

  async #lookupRoute(topic: string): Promise<PublishState> {
    const instance = this.#running();
    let state = this.#publish.get(topic);
    if (state === undefined) {
      // Registered before the lookup, so the instance hands this producer the route it fetches.
      state = { info: undefined, index: new RoundRobinIndex(), lookupError: undefined };
      this.#publish.set(topic, state);
    }
    try {
      await instance.updateTopicRoute(topic);
      state.lookupError = undefined;
    } catch (err) {
      state.lookupError = err;
    }
    if (state.info !== undefined) return state;
    // No route: the createTopicKey route, so that the broker creates the topic on the first send.
    try {
      const template = await instance.fetchTopicRoute(this.#options.createTopicKey);
      instance.applyTopicRoute(topic, routeForNewTopic(template, this.#options.defaultTopicQueueNums));
      this.#logger.debug({ topic, createTopicKey: this.#options.createTopicKey }, 'topic has no route yet, sending through the createTopicKey route');
    } catch (err) {
      state.lookupError ??= err;
    }
    return state;
  }

  #noRouteError(topic: string, state: PublishState | undefined): MQError {
    return new TopicNotFoundError(`No route info of this topic: ${topic}`, {
      context: { topic },
      ...(state?.lookupError !== undefined ? { cause: state.lookupError } : {}),
    });
  }
}

function isBatch(message: Message | readonly Message[]): message is readonly Message[] {
  return Array.isArray(message);
}
