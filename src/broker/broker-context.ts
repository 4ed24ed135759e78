// Owns: what every request-handler family of the broker is given: the config, the store, the
// managers, the clock and the logger. Built once by Broker (the composition root).

import type { Logger } from 'pino';
import type { MessageStore } from '../store/message-store.js';
import type { ConsumerManager } from './client/consumer-manager.js';
import type { ProducerManager } from './client/producer-manager.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { ConsumerOffsetManager } from './offsets/consumer-offset-manager.js';
import type { SubscriptionGroupManager } from './subscription/subscription-group-manager.js';
import type { TopicConfigManager } from './topic/topic-config-manager.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  readonly subscriptionGroups: SubscriptionGroupManager;
  readonly consumerOffsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly logger: Logger;
  readonly now: () => number;
  /** "brokerIP1:listenPort": the address clients and the NameServers know this broker by. */
  readonly brokerAddr: string;
  /** Directory of the JSON config files (topics.json, consumerOffset.json, ...). */
  readonly configDir: string;
  /** Registers with every NameServer now (after a topic change), without waiting. */
  registerBrokerAll(): void;
}
