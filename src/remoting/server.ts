// Owns: the listening side of the remoting protocol: accepts connections, routes their requests
// through a RequestDispatcher, and lets its owner send requests to connected clients.
// Counterpart: org.apache.rocketmq.remoting.netty.NettyRemotingServer.

import net from 'node:net';
import type { Logger } from 'pino';
import { RemotingConnection } from './connection.js';
import { type LaneOptions, RequestDispatcher, type RequestHandler } from './dispatcher.js';
import { FRAME_BYTES_MAX_DEFAULT } from './frame.js';
import { OpaqueCounter } from './opaque.js';
import { OutboundArena } from './outbound-buffer.js';

export interface RemotingServerOptions {
  logger: Logger;
  /** Largest frame accepted (bytes after the length field); Java's `frameMaxLength`. */
  frameBytesMax?: number;
  /** A connection silent this long is closed; Java's `serverChannelMaxIdleTimeSeconds` (120 s). */
  idleTimeoutMs?: number;
  onConnectionClose?: (connection: RemotingConnection) => void;
}

export const SERVER_IDLE_TIMEOUT_MS_DEFAULT = 120_000;

export class RemotingServer {
  readonly dispatcher: RequestDispatcher;
  readonly #logger: Logger;
  readonly #options: RemotingServerOptions;
  readonly #server: net.Server;
  readonly #connections = new Set<RemotingConnection>();
  readonly #opaque = new OpaqueCounter();
  /** Where all connections stage their frames: idle connections hold no buffer of their own. */
  readonly #arena = new OutboundArena();
  #nextConnectionId = 1;
  #port = 0;

  constructor(options: RemotingServerOptions) {
    this.#options = options;
    this.#logger = options.logger;
    this.dispatcher = new RequestDispatcher(options.logger);
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  registerLane(name: string, options: LaneOptions): void {
    this.dispatcher.registerLane(name, options);
  }

  registerHandler(code: number, handler: RequestHandler, lane?: string): void {
    this.dispatcher.register(code, handler, lane);
  }

  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.#server.once('error', onError);
      this.#server.listen(port, host, () => {
        this.#server.off('error', onError);
        const address = this.#server.address();
        this.#port = typeof address === 'object' && address !== null ? address.port : port;
        resolve(this.#port);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  get connections(): ReadonlySet<RemotingConnection> {
    return this.#connections;
  }

  #accept(socket: net.Socket): void {
    const connection = new RemotingConnection(
      this.#nextConnectionId++,
      socket,
      {
        frameBytesMax: this.#options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT,
        idleTimeoutMs: this.#options.idleTimeoutMs ?? SERVER_IDLE_TIMEOUT_MS_DEFAULT,
        logger: this.#logger,
        dispatcher: this.dispatcher,
        nextOpaque: this.#opaque.next,
        arena: this.#arena,
        onClose: (c) => {
          this.#connections.delete(c);
          this.#options.onConnectionClose?.(c);
        },
      },
      true,
    );
    this.#connections.add(connection);
  }

  /** Stops accepting, closes every connection; idempotent. */
  async shutdown(): Promise<void> {
    for (const connection of this.#connections) connection.close('server shutdown');
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
