// Owns: which consumer clients are connected in each consumer group (one channel per connection),
// what each group subscribes to, dropping channels that close or fall silent, and telling a
// group's consumers when its membership changes (NOTIFY_CONSUMER_IDS_CHANGED) so they rebalance.
// Counterpart: org.apache.rocketmq.broker.client.{ConsumerManager,ConsumerGroupInfo,
// ClientChannelInfo,DefaultConsumerIdsChangeListener} and Broker2Client.notifyConsumerIdsChanged (4.9.8).
//
// A channel is a connection: a client that heartbeats over two connections has two channels.
// Heartbeats keep a channel alive; one silent for channelExpiredTimeout is dropped and closed.

import pino, { type Logger } from 'pino';
import { RequestCode } from '../../remoting/codes/request-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand, SerializeType } from '../../remoting/remoting-command.js';
import {
  type ConsumeFromWhere,
  type ConsumeType,
  type MessageModel,
  NotifyConsumerIdsChanged,
  type SubscriptionData,
} from '../../remoting/requests/client.js';
import { RebalanceLockManager } from './rebalance-lock-manager.js';

/** Java's CHANNEL_EXPIRED_TIMEOUT, broker.conf channelExpiredTimeout. */
export const CHANNEL_EXPIRED_TIMEOUT_MS_DEFAULT = 120_000;

/** One client connection registered in a group. */
export interface ClientChannelInfo {
  readonly connection: RemotingConnection;
  readonly clientId: string;
  /** The `language` of the client's requests (ali-ons says JAVA too). */
  readonly language: string;
  /** The `version` of the client's requests (409 = 4.9.8; ali-ons 121). */
  readonly version: number;
  /** Last heartbeat (ms). */
  lastUpdateTimestamp: number;
}

/** What a heartbeat says about one client of a consumer group. */
export interface ConsumerRegistration {
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  subscriptions: readonly SubscriptionData[];
}

/** A copy of one group's state, for admin requests (consumerConnection, consumerProgress). */
export interface ConsumerGroupSnapshot {
  groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: ConsumeFromWhere;
  connections: Array<{ clientId: string; clientAddr: string; language: string; version: number; lastUpdateTimestamp: number }>;
  subscriptions: SubscriptionData[];
  lastUpdateTimestamp: number;
}

/**
 * Java's ConsumerGroupEvent: `change` carries the channels left in the group after a membership
 * or subscription change; `register` and `unregister` (the group's last channel left) are for
 * observers such as a consumer filter manager.
 */
export type ConsumerGroupEvent =
  | { type: 'change'; group: string; connections: RemotingConnection[] }
  | { type: 'register'; group: string; subscriptions: readonly SubscriptionData[] }
  | { type: 'unregister'; group: string };

/** The broker.conf keys the client managers read. */
export interface ClientManagerConfig {
  /** Clients silent this long are dropped (ms). */
  readonly channelExpiredTimeout: number;
  /** Off: no consumer group is ever told of membership changes. */
  readonly notifyConsumerIdsChangedEnable: boolean;
}

/**
 * A BrokerContext fits (`new ConsumerManager(ctx)`): every property is read when used, so the
 * context may still be under construction.
 */
export interface ConsumerManagerOptions {
  readonly logger?: Logger;
  readonly now?: () => number;
  /** Defaults: 120 s, notifications on. */
  readonly config?: ClientManagerConfig;
  /** Where a group's own notifyConsumerIdsChangedEnable is read; a group not found is notified. */
  readonly subscriptionGroups?: { get(group: string): { readonly notifyConsumerIdsChangedEnable: boolean } | undefined };
  /** Sees every group event after the manager has acted on it. */
  readonly onEvent?: (event: ConsumerGroupEvent) => void;
  /** How long a queue lock lives without renewal (ms); Java's 60 s by default. */
  readonly rebalanceLockMaxLiveTimeMs?: number;
}

class ConsumerGroupInfo {
  readonly subscriptions = new Map<string, SubscriptionData>();
  readonly channels = new Map<RemotingConnection, ClientChannelInfo>();
  lastUpdateTimestamp: number;

  constructor(
    readonly groupName: string,
    public consumeType: ConsumeType,
    public messageModel: MessageModel,
    public consumeFromWhere: ConsumeFromWhere,
    now: number,
  ) {
    this.lastUpdateTimestamp = now;
  }

  /** True when the channel is new to the group. */
  updateChannel(info: ClientChannelInfo, registration: ConsumerRegistration, now: number): boolean {
    this.consumeType = registration.consumeType;
    this.messageModel = registration.messageModel;
    this.consumeFromWhere = registration.consumeFromWhere;
    const old = this.channels.get(info.connection);
    let added = false;
    if (old === undefined) {
      this.channels.set(info.connection, info);
      added = true;
    } else if (old.clientId !== info.clientId) {
      // Java logs this as a bug and keeps the newer identity.
      this.channels.set(info.connection, info);
    }
    this.lastUpdateTimestamp = now;
    this.channels.get(info.connection)!.lastUpdateTimestamp = now;
    return added;
  }

  /**
   * True when a topic was added or removed. A newer subVersion replaces a subscription without
   * counting as a change, as in Java (the expression changed, not who consumes what).
   */
  updateSubscriptions(subscriptions: readonly SubscriptionData[], now: number): boolean {
    let changed = false;
    const topics = new Set<string>();
    for (const sub of subscriptions) {
      topics.add(sub.topic);
      const old = this.subscriptions.get(sub.topic);
      if (old === undefined) {
        this.subscriptions.set(sub.topic, sub);
        changed = true;
      } else if (sub.subVersion > old.subVersion) {
        this.subscriptions.set(sub.topic, sub);
      }
    }
    for (const topic of [...this.subscriptions.keys()]) {
      if (topics.has(topic)) continue;
      this.subscriptions.delete(topic);
      changed = true;
    }
    this.lastUpdateTimestamp = now;
    return changed;
  }
}

export class ConsumerManager {
  /** The queue locks of the group's orderly consumers (LOCK_BATCH_MQ). */
  readonly rebalanceLocks: RebalanceLockManager;
  readonly #options: ConsumerManagerOptions;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #groups = new Map<string, ConsumerGroupInfo>();

  constructor(options: ConsumerManagerOptions = {}) {
    this.#options = options;
    const logger = options.logger ?? pino({ level: 'silent' });
    this.#logger = logger.child({ component: 'broker.consumers' });
    this.#now = options.now ?? Date.now;
    this.rebalanceLocks = new RebalanceLockManager({
      now: this.#now,
      logger,
      ...(options.rebalanceLockMaxLiveTimeMs === undefined ? {} : { lockMaxLiveTimeMs: options.rebalanceLockMaxLiveTimeMs }),
    });
  }

  get #expiredMs(): number {
    return this.#options.config?.channelExpiredTimeout ?? CHANNEL_EXPIRED_TIMEOUT_MS_DEFAULT;
  }

  #notifyEnabled(group: string): boolean {
    if (this.#options.config?.notifyConsumerIdsChangedEnable === false) return false;
    return this.#options.subscriptionGroups?.get(group)?.notifyConsumerIdsChangedEnable ?? true;
  }

  /**
   * Registers (or refreshes) a client's channel in a group from its heartbeat. Returns true when
   * the group changed: a new channel, or a topic subscribed or dropped; the group's channels are
   * then notified. A heartbeat read from a connection that has since closed registers nothing,
   * since its close event has already been handled.
   */
  register(group: string, channel: Omit<ClientChannelInfo, 'lastUpdateTimestamp'>, registration: ConsumerRegistration): boolean {
    if (channel.connection.closed) return false;
    const now = this.#now();
    let info = this.#groups.get(group);
    if (info === undefined) {
      info = new ConsumerGroupInfo(group, registration.consumeType, registration.messageModel, registration.consumeFromWhere, now);
      this.#groups.set(group, info);
    }
    const added = info.updateChannel({ ...channel, lastUpdateTimestamp: now }, registration, now);
    const subscriptionsChanged = info.updateSubscriptions(registration.subscriptions, now);
    if (added) {
      this.#logger.info({ group, clientId: channel.clientId, remote: channel.connection.remoteAddress }, 'consumer connected');
    }
    if (added || subscriptionsChanged) this.#changed(group, info);
    this.#options.onEvent?.({ type: 'register', group, subscriptions: registration.subscriptions });
    return added || subscriptionsChanged;
  }

  /** Removes the channel of `connection` from a group (UNREGISTER_CLIENT). */
  unregister(group: string, connection: RemotingConnection): void {
    const info = this.#groups.get(group);
    if (info === undefined) return;
    const old = info.channels.get(connection);
    if (old === undefined) return;
    info.channels.delete(connection);
    this.#logger.info({ group, clientId: old.clientId, remote: connection.remoteAddress }, 'consumer unregistered');
    this.#left(group, info);
  }

  /** A closed connection leaves every group it was in. */
  doChannelCloseEvent(connection: RemotingConnection): void {
    for (const [group, info] of [...this.#groups]) {
      const old = info.channels.get(connection);
      if (old === undefined) continue;
      info.channels.delete(connection);
      this.#logger.info({ group, clientId: old.clientId, remote: connection.remoteAddress }, 'consumer connection closed');
      this.#left(group, info);
    }
  }

  /**
   * Drops and closes channels silent for longer than channelExpiredTimeout, and channels whose
   * connection has closed without the close reaching us. Returns how many were dropped.
   */
  scanNotActive(now: number = this.#now()): number {
    let dropped = 0;
    for (const [group, info] of [...this.#groups]) {
      let changed = false;
      for (const [connection, channel] of [...info.channels]) {
        const silentMs = now - channel.lastUpdateTimestamp;
        if (silentMs <= this.#expiredMs && !connection.closed) continue;
        info.channels.delete(connection);
        changed = true;
        dropped++;
        this.#logger.warn({ group, clientId: channel.clientId, remote: connection.remoteAddress, silentMs }, 'consumer channel expired');
        connection.close('channel expired');
      }
      if (changed) this.#left(group, info);
    }
    return dropped;
  }

  /** The client ids of the group's channels, in registration order; empty when none. */
  consumerIdList(group: string): string[] {
    const info = this.#groups.get(group);
    return info === undefined ? [] : [...info.channels.values()].map((c) => c.clientId);
  }

  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.#groups.get(group)?.subscriptions.get(topic);
  }

  /** How many topics the group subscribes to (0 when it is offline). */
  subscriptionCount(group: string): number {
    return this.#groups.get(group)?.subscriptions.size ?? 0;
  }

  /** The channel of one client of the group, for requests the broker forwards to it. */
  findChannel(group: string, clientId: string): ClientChannelInfo | undefined {
    const info = this.#groups.get(group);
    if (info === undefined) return undefined;
    for (const channel of info.channels.values()) if (channel.clientId === clientId) return channel;
    return undefined;
  }

  /** The group's channels (empty when it is offline). */
  channels(group: string): ClientChannelInfo[] {
    const info = this.#groups.get(group);
    return info === undefined ? [] : [...info.channels.values()];
  }

  groupInfo(group: string): ConsumerGroupSnapshot | undefined {
    const info = this.#groups.get(group);
    if (info === undefined) return undefined;
    return {
      groupName: info.groupName,
      consumeType: info.consumeType,
      messageModel: info.messageModel,
      consumeFromWhere: info.consumeFromWhere,
      connections: [...info.channels.values()].map((c) => ({
        clientId: c.clientId,
        clientAddr: c.connection.remoteAddress,
        language: c.language,
        version: c.version,
        lastUpdateTimestamp: c.lastUpdateTimestamp,
      })),
      subscriptions: [...info.subscriptions.values()],
      lastUpdateTimestamp: info.lastUpdateTimestamp,
    };
  }

  /** Groups with at least one channel. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** Online groups subscribed to `topic` (Java queryTopicConsumeByWho). */
  queryTopicConsumeByWho(topic: string): string[] {
    return [...this.#groups].filter(([, info]) => info.subscriptions.has(topic)).map(([group]) => group);
  }

  /** After channels left: forget an empty group, and tell the rest of the group. */
  #left(group: string, info: ConsumerGroupInfo): void {
    if (info.channels.size === 0 && this.#groups.get(group) === info) {
      this.#groups.delete(group);
      this.#logger.info({ group }, 'consumer group has no connection left');
      this.#options.onEvent?.({ type: 'unregister', group });
    }
    this.#changed(group, info);
  }

  #changed(group: string, info: ConsumerGroupInfo): void {
    const connections = [...info.channels.keys()];
    if (this.#notifyEnabled(group)) {
      for (const connection of connections) notifyConsumerIdsChanged(connection, group, this.#logger);
    }
    this.#options.onEvent?.({ type: 'change', group, connections });
  }
}

/**
 * Sends NOTIFY_CONSUMER_IDS_CHANGED one-way. Compat: 4.9.8 writes it in JSON even to clients that
 * speak ROCKETMQ (fixtures consumer/007, 008), and so do we.
 */
export function notifyConsumerIdsChanged(connection: RemotingConnection, group: string, logger?: Logger): void {
  if (connection.closed) return;
  const request = RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, NotifyConsumerIdsChanged.encode({ consumerGroup: group }));
  request.serializeType = SerializeType.JSON;
  try {
    connection.invokeOneway(request);
  } catch (err) {
    // A notification is a hint: the client rebalances every 20 s anyway.
    logger?.warn({ err, group, remote: connection.remoteAddress }, 'notify consumer ids changed failed');
  }
}
