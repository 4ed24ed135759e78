// Owns: which producer clients are connected in each producer group (one channel per connection),
// dropping channels that close or fall silent, and picking a live producer of a group for the
// broker's requests to it (CHECK_TRANSACTION_STATE).
// Counterpart: org.apache.rocketmq.broker.client.ProducerManager (4.9.8).

import pino, { type Logger } from 'pino';
import type { RemotingConnection } from '../../remoting/connection.js';
import { CHANNEL_EXPIRED_TIMEOUT_MS_DEFAULT, type ClientChannelInfo, type ClientManagerConfig } from './consumer-manager.js';

/** Java's GET_AVAILABLE_CHANNEL_RETRY_COUNT: channels tried after the first pick. */
const AVAILABLE_CHANNEL_TRIES_MAX = 3;

/** A BrokerContext fits (`new ProducerManager(ctx)`); properties are read when used. */
export interface ProducerManagerOptions {
  readonly logger?: Logger;
  readonly now?: () => number;
  /** broker.conf channelExpiredTimeout (ms); 120 s without it. */
  readonly config?: Pick<ClientManagerConfig, 'channelExpiredTimeout'>;
}

/** One producer connection, for admin requests (GET_ALL_PRODUCER_INFO, producerConnection). */
export interface ProducerInfo {
  clientId: string;
  remoteIP: string;
  language: string;
  version: number;
  lastUpdateTimestamp: number;
}

export class ProducerManager {
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #options: ProducerManagerOptions;
  readonly #groups = new Map<string, Map<RemotingConnection, ClientChannelInfo>>();
  /** clientId -> the connection it last registered on (Java's clientChannelTable). */
  readonly #clients = new Map<string, RemotingConnection>();
  /** Round-robin position for anyConnectionOf. */
  #next = 0;

  constructor(options: ProducerManagerOptions = {}) {
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'broker.producers' });
    this.#now = options.now ?? Date.now;
    this.#options = options;
  }

  get #expiredMs(): number {
    return this.#options.config?.channelExpiredTimeout ?? CHANNEL_EXPIRED_TIMEOUT_MS_DEFAULT;
  }

  /** Registers a producer's channel from its heartbeat, or refreshes its timestamp. */
  register(group: string, channel: Omit<ClientChannelInfo, 'lastUpdateTimestamp'>): void {
    // Its close event has already been handled: registering it now would leave it until expiry.
    if (channel.connection.closed) return;
    const now = this.#now();
    let channels = this.#groups.get(group);
    if (channels === undefined) {
      channels = new Map();
      this.#groups.set(group, channels);
    }
    const found = channels.get(channel.connection);
    if (found !== undefined) {
      found.lastUpdateTimestamp = now;
      return;
    }
    channels.set(channel.connection, { ...channel, lastUpdateTimestamp: now });
    this.#clients.set(channel.clientId, channel.connection);
    this.#logger.info({ group, clientId: channel.clientId, remote: channel.connection.remoteAddress }, 'producer connected');
  }

  /** Removes the channel of `connection` from a group (UNREGISTER_CLIENT). */
  unregister(group: string, connection: RemotingConnection, clientId: string): void {
    const channels = this.#groups.get(group);
    if (channels === undefined) return;
    const old = channels.get(connection);
    channels.delete(connection);
    this.#forgetClient(clientId, connection);
    if (old !== undefined) this.#logger.info({ group, clientId, remote: connection.remoteAddress }, 'producer unregistered');
    if (channels.size === 0) this.#groups.delete(group);
  }

  /** A closed connection leaves every group it was in. */
  doChannelCloseEvent(connection: RemotingConnection): void {
    for (const [group, channels] of [...this.#groups]) {
      const old = channels.get(connection);
      if (old === undefined) continue;
      channels.delete(connection);
      this.#forgetClient(old.clientId, connection);
      this.#logger.info({ group, clientId: old.clientId, remote: connection.remoteAddress }, 'producer connection closed');
      if (channels.size === 0) this.#groups.delete(group);
    }
  }

  /**
   * Drops and closes channels silent for longer than channelExpiredTimeout, and channels whose
   * connection has closed without the close reaching us. Returns how many were dropped.
   */
  scanNotActive(now: number = this.#now()): number {
    let dropped = 0;
    for (const [group, channels] of [...this.#groups]) {
      for (const [connection, channel] of [...channels]) {
        const silentMs = now - channel.lastUpdateTimestamp;
        if (silentMs <= this.#expiredMs && !connection.closed) continue;
        channels.delete(connection);
        this.#forgetClient(channel.clientId, connection);
        dropped++;
        this.#logger.warn({ group, clientId: channel.clientId, remote: connection.remoteAddress, silentMs }, 'producer channel expired');
        connection.close('channel expired');
      }
      // Java's scan leaves an emptied group in its table; we drop it, as unregister does.
      if (channels.size === 0) this.#groups.delete(group);
    }
    return dropped;
  }

  /** The group's live connections (empty when none). */
  connectionsOf(group: string): RemotingConnection[] {
    const channels = this.#groups.get(group);
    return channels === undefined ? [] : [...channels.keys()].filter((c) => !c.closed);
  }

  /**
   * One live connection of the group, taken round-robin so checks spread over its producers;
   * undefined when the group has none.
   */
  anyConnectionOf(group: string): RemotingConnection | undefined {
    const channels = this.#groups.get(group);
    if (channels === undefined || channels.size === 0) return undefined;
    const all = [...channels.keys()];
    const start = this.#next++ % all.length;
    if (this.#next >= Number.MAX_SAFE_INTEGER) this.#next = 0;
    for (let i = 0; i <= AVAILABLE_CHANNEL_TRIES_MAX && i < all.length; i++) {
      const connection = all[(start + i) % all.length]!;
      if (!connection.closed) return connection;
    }
    return undefined;
  }

  /** The connection a client id last registered on (any group). */
  findChannel(clientId: string): RemotingConnection | undefined {
    return this.#clients.get(clientId);
  }

  /** Groups with at least one channel. */
  groups(): string[] {
    return [...this.#groups.keys()];
  }

  /** The group's producers, for admin requests. */
  groupInfo(group: string): ProducerInfo[] {
    const channels = this.#groups.get(group);
    if (channels === undefined) return [];
    return [...channels.values()].map((c) => ({
      clientId: c.clientId,
      remoteIP: c.connection.remoteAddress,
      language: c.language,
      version: c.version,
      lastUpdateTimestamp: c.lastUpdateTimestamp,
    }));
  }

  #forgetClient(clientId: string, connection: RemotingConnection): void {
    // Another connection may have registered the same client id since; keep that one.
    if (this.#clients.get(clientId) === connection) this.#clients.delete(clientId);
  }
}
