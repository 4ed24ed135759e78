// Owns: the broker process's composition root: the store, the managers, the two remoting servers
// (listenPort and the fast channel listenPort-2, serving the same requests), long polling,
// NameServer registration and client housekeeping; start in dependency order, stop in reverse.
// Counterpart: org.apache.rocketmq.broker.BrokerController.

import path from 'node:path';
import type { Logger } from 'pino';
import { AdjustableClock } from '../common/clock.js';
import { RemotingClient } from '../remoting/client.js';
import type { RemotingConnection } from '../remoting/connection.js';
import { RemotingServer } from '../remoting/server.js';
import { MessageStore } from '../store/message-store.js';
import type { BrokerContext } from './broker-context.js';
import { ConsumerManager } from './client/consumer-manager.js';
import { ProducerManager } from './client/producer-manager.js';
import type { BrokerConfig } from './config/broker-config.js';
import { onConnectionClose, registerClientHandlers, startClientHousekeeping } from './handlers/client.js';
import { registerOffsetHandlers } from './handlers/offsets.js';
import { registerPullHandlers } from './handlers/pull.js';
import { registerQueryHandlers } from './handlers/query.js';
import { registerTopicAdminHandlers } from './handlers/admin-topics.js';
import { type LiveConfig, liveConfigFor } from './config/live-config.js';
import { registerAdminHandlers } from './handlers/admin.js';
import { registerRetryHandlers } from './handlers/retry.js';
import { registerSendHandlers } from './handlers/send.js';
import { registerTransactionHandlers } from './handlers/transaction.js';
import { PullHoldService } from './long-polling/pull-hold-service.js';
import { NamesrvRegistration } from './namesrv-registration.js';
import { delayLevelsFor } from './schedule/delay-levels.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { TimerMessageStore } from './timer/timer-message-store.js';
import { ConsumerOffsetManager } from './offsets/consumer-offset-manager.js';
import { SubscriptionGroupManager } from './subscription/subscription-group-manager.js';
import { TopicConfigManager } from './topic/topic-config-manager.js';
import { TransactionalMessageBridge } from './transaction/transactional-message-bridge.js';
import { TransactionalMessageCheckService } from './transaction/transactional-message-check-service.js';

export interface BrokerOptions {
  config: BrokerConfig;
  logger: Logger;
  now?: () => number;
}

/** Extra request families (admin, query, ...) plug in here: each registers on both servers. */
export type HandlerFamily = (server: RemotingServer, ctx: BrokerContext) => void;

export class Broker {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  readonly context: BrokerContext;
  /** The broker's one clock (ctx.now, the store); clockOffsetMs moves it. */
  readonly clock: AdjustableClock;
  readonly #logger: Logger;
  readonly #schedule: ScheduleMessageService;
  /** RocketMQ 5 timer messages (absent with timerWheelEnable=false). */
  readonly #timer: TimerMessageStore | undefined;
  readonly #servers: RemotingServer[];
  readonly #namesrvClient: RemotingClient;
  readonly #registration: NamesrvRegistration;
  readonly #hold = new PullHoldService();
  readonly #transactionCheck: TransactionalMessageCheckService;
  #housekeeping: Array<{ stop(): void }> = [];
  #port = 0;
  #fastPort = 0;
  #started = false;

  constructor(options: BrokerOptions, families: HandlerFamily[] = []) {
    const config = options.config;
    this.config = config;
    // One clock for everything time-driven; clockOffsetMs (live) moves it, for tests that compress time.
    this.clock = new AdjustableClock(config.clockOffsetMs, options.now ?? Date.now);
    const now = (): number => this.clock.now();
    this.#logger = options.logger.child({ component: 'broker' });
    const configDir = path.join(config.storePathRootDir, 'config');
    const brokerAddr = `${config.brokerIP1}:${config.listenPort}`;
    // Parsed first: a bad messageDelayLevel stops startup with a ConfigError.
    const delayLevels = delayLevelsFor(config);
    this.store = new MessageStore({ config, storeHost: brokerAddr, now, logger: options.logger, tagsCodeOf: delayLevels.tagsCodeOf() });
    // Keys UPDATE_BROKER_CONFIG may change at run time are read through the live config.
    const live = (): LiveConfig => liveConfigFor(ctx);
    const topics = new TopicConfigManager({ configDir, config, now, logger: this.#logger, autoCreateTopicEnable: () => live().get('autoCreateTopicEnable') });
    const subscriptionGroups = new SubscriptionGroupManager({ configDir, autoCreate: () => live().get('autoCreateSubscriptionGroup'), now });
    const consumerOffsets = new ConsumerOffsetManager({ configDir, now });
    this.#namesrvClient = new RemotingClient({ logger: options.logger.child({ component: 'broker.namesrv-client' }) });
    this.#registration = new NamesrvRegistration({
      client: this.#namesrvClient,
      namesrvAddrs: () => parseNamesrvAddr(config.namesrvAddr),
      clusterName: config.brokerClusterName,
      brokerName: config.brokerName,
      brokerId: config.brokerId,
      brokerAddr,
      haServerAddr: `${config.brokerIP2 || config.brokerIP1}:${config.listenPort + 1}`,
      timeoutMs: config.registerBrokerTimeoutMills,
      periodMs: config.registerNameServerPeriod,
      topics: () => topics.serializeWrapper(),
      logger: this.#logger,
    });
    topics.onChange = () => this.#registration.requestRegistration();
    const ctx: BrokerContext = {
      config,
      store: this.store,
      topics,
      subscriptionGroups,
      consumerOffsets,
      consumers: undefined as unknown as ConsumerManager,
      producers: undefined as unknown as ProducerManager,
      logger: this.#logger,
      now,
      brokerAddr,
      configDir,
      registerBrokerAll: () => this.#registration.requestRegistration(),
    };
    // The client managers read config, clock and logger from the context they belong to.
    (ctx as { consumers: ConsumerManager }).consumers = new ConsumerManager(ctx);
    (ctx as { producers: ProducerManager }).producers = new ProducerManager(ctx);
    this.context = ctx;
    liveConfigFor(ctx).onUpdate((changed) => {
      if (changed.includes('clockOffsetMs')) this.clock.offsetMs = live().get('clockOffsetMs');
    });
    this.#schedule = new ScheduleMessageService({ store: this.store, levels: delayLevels, configDir, now, logger: this.#logger, persistIntervalMs: config.flushDelayOffsetInterval });
    this.#timer = config.timerWheelEnable ? new TimerMessageStore(ctx) : undefined;
    const transactions = new TransactionalMessageBridge(ctx);
    this.#transactionCheck = new TransactionalMessageCheckService(ctx, transactions);
    this.store.onMessageArriving((topic, queueId, logicOffset, tagsCode) => this.#hold.notifyMessageArriving(topic, queueId, logicOffset, tagsCode));
    const serverOptions = {
      logger: options.logger.child({ component: 'broker.remoting' }),
      frameBytesMax: config.frameMaxLength,
      idleTimeoutMs: config.serverChannelMaxIdleTimeSeconds * 1000,
      onConnectionClose: (connection: RemotingConnection) => onConnectionClose(ctx, connection),
    };
    this.#servers = [new RemotingServer(serverOptions), new RemotingServer(serverOptions)];
    const bootTimestamp = now();
    for (const server of this.#servers) {
      registerSendHandlers(server, ctx);
      registerRetryHandlers(server, ctx);
      registerPullHandlers(server, ctx, this.#hold);
      registerOffsetHandlers(server, ctx);
      registerClientHandlers(server, ctx);
      registerQueryHandlers(server, ctx);
      registerTopicAdminHandlers(server, ctx);
      registerAdminHandlers(server, ctx, { bootTimestamp });
      registerTransactionHandlers(server, ctx, transactions);
      for (const family of families) family(server, ctx);
    }
  }

  /** Loads and recovers the store and config files, listens, registers with the NameServers. */
  async start(): Promise<{ port: number; fastPort: number }> {
    const started = Date.now();
    const ctx = this.context;
    this.store.load();
    ctx.topics.load();
    ctx.subscriptionGroups.load();
    ctx.consumerOffsets.load();
    // After the store's recovery: moves each delay level past what the CommitLog shows delivered.
    this.#schedule.load();
    // After the store's recovery too: re-links the wheel and reads what was delivered after its checkpoint.
    this.#timer?.load();
    this.store.start();
    // Only a master delivers delayed messages (Java starts the service with the master role).
    if (this.config.brokerRole !== 'SLAVE') this.#schedule.start();
    if (this.config.brokerRole !== 'SLAVE') this.#timer?.start();
    ctx.consumerOffsets.start(this.config.flushConsumerOffsetInterval);
    const [main, fast] = this.#servers as [RemotingServer, RemotingServer];
    this.#port = await main.listen(this.config.listenPort, this.config.bindAddress);
    // The fast ("VIP") channel: Java 4.x clients send to listenPort-2 by default.
    this.#fastPort = await fast.listen(this.config.listenPort === 0 ? 0 : this.config.listenPort - 2, this.config.bindAddress);
    // One scan covers every client, whichever server accepted it.
    this.#housekeeping.push(startClientHousekeeping(ctx));
    // Only a master checks back half messages (Java starts the service with the master role).
    if (this.config.brokerRole !== 'SLAVE') this.#transactionCheck.start();
    await this.#registration.start();
    this.#started = true;
    this.#logger.info(
      { port: this.#port, fastPort: this.#fastPort, brokerAddr: ctx.brokerAddr, brokerName: this.config.brokerName, ms: Date.now() - started },
      'broker started',
    );
    return { port: this.#port, fastPort: this.#fastPort };
  }

  get port(): number {
    return this.#port;
  }

  get fastPort(): number {
    return this.#fastPort;
  }

  async shutdown(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (const h of this.#housekeeping) h.stop();
    await this.#transactionCheck.shutdown();
    await this.#registration.shutdown();
    this.#hold.releaseAll();
    for (const server of this.#servers) await server.shutdown();
    this.#namesrvClient.shutdown();
    this.context.consumerOffsets.shutdown();
    this.context.topics.persist();
    this.context.subscriptionGroups.persist();
    await this.#schedule.shutdown();
    await this.#timer?.shutdown();
    await this.store.shutdown();
    this.#logger.info('broker stopped');
  }
}

export function parseNamesrvAddr(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
