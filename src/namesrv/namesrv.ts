// Owns: the NameServer process's composition root: config, route table, KV config, the remoting
// server and the broker-liveness scan; start and shutdown in order.
// Counterpart: org.apache.rocketmq.namesrv.NamesrvController.
//
// NameServers are independent: each keeps its own table from what brokers tell it, and they
// never talk to each other.

import type { Logger } from 'pino';
import { RemotingServer } from '../remoting/server.js';
import { registerKvHandlers } from './handlers/kv-handlers.js';
import { registerRouteHandlers } from './handlers/route-handlers.js';
import { KvConfig } from './kv-config.js';
import type { NamesrvConfig } from './namesrv-config.js';
import { RouteTable } from './route-table.js';

export interface NamesrvOptions {
  config: NamesrvConfig;
  logger: Logger;
  /** Clock for broker liveness; tests may step it. */
  now?: () => number;
}

export class Namesrv {
  readonly config: NamesrvConfig;
  readonly routes: RouteTable;
  readonly kv: KvConfig;
  readonly #logger: Logger;
  readonly #server: RemotingServer;
  #scanTimer: NodeJS.Timeout | null = null;
  #started = false;

  constructor(options: NamesrvOptions) {
    this.config = options.config;
    this.#logger = options.logger.child({ component: 'namesrv' });
    this.routes = new RouteTable({ now: options.now ?? Date.now, brokerExpiryMs: this.config.brokerChannelExpiredTime });
    this.kv = new KvConfig(this.config.kvConfigPath);
    this.#server = new RemotingServer({
      logger: options.logger.child({ component: 'namesrv.remoting' }),
      frameBytesMax: this.config.frameMaxLength,
      idleTimeoutMs: this.config.serverChannelMaxIdleTimeSeconds * 1000,
      onConnectionClose: (connection) => {
        for (const brokerAddr of this.routes.onConnectionClose(connection)) {
          this.#logger.info({ brokerAddr, remote: connection.remoteAddress }, 'broker connection closed, routes removed');
        }
      },
    });
    registerRouteHandlers(this.#server, {
      routes: this.routes,
      kv: this.kv,
      logger: this.#logger,
      orderMessageEnable: () => this.config.orderMessageEnable,
    });
    registerKvHandlers(this.#server, this.kv);
  }

  /** Loads the KV config, listens, and starts the liveness scan. Resolves with the bound port. */
  async start(): Promise<number> {
    this.kv.load();
    const port = await this.#server.listen(this.config.listenPort, this.config.bindAddress);
    this.#scanTimer = setInterval(() => this.scanNotActiveBroker(), this.config.scanNotActiveBrokerInterval);
    this.#scanTimer.unref();
    this.#started = true;
    this.#logger.info({ port, bindAddress: this.config.bindAddress }, 'namesrv listening');
    return port;
  }

  get port(): number {
    return this.#server.port;
  }

  /** Removes brokers not heard from within their expiry and closes their connections. */
  scanNotActiveBroker(): void {
    for (const removed of this.routes.scanNotActiveBroker()) {
      this.#logger.warn({ brokerAddr: removed.brokerAddr }, 'broker expired, routes removed');
      const connection = removed.connection as { close?: (reason: string) => void } | null;
      connection?.close?.('broker expired');
    }
  }

  async shutdown(): Promise<void> {
    if (this.#scanTimer !== null) clearInterval(this.#scanTimer);
    this.#scanTimer = null;
    await this.#server.shutdown();
    if (this.#started) this.#logger.info('namesrv stopped');
    this.#started = false;
  }
}
