// Owns: the dialling side of the remoting protocol: one connection per address, requests with
// timeouts, reconnection on demand, and handlers for requests the server sends to the client
// (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED, GET_CONSUMER_RUNNING_INFO).
// Counterpart: org.apache.rocketmq.remoting.netty.NettyRemotingClient.
//
// A lost connection fails its pending requests at once and is forgotten; the next request to that
// address dials again (the reconnect).

import net from 'node:net';
import pino, { type Logger } from 'pino';
import { RemotingConnection, type ResponseCallback } from './connection.js';
import { RequestDispatcher, type RequestHandler } from './dispatcher.js';
import { FRAME_BYTES_MAX_DEFAULT } from './frame.js';
import { OpaqueCounter } from './opaque.js';
import { OutboundArena } from './outbound-buffer.js';
import { type RemotingCommand, SerializeType } from './remoting-command.js';

export interface RemotingClientOptions {
  logger?: Logger;
  frameBytesMax?: number;
  /** Java's `connectTimeoutMillis` (3 s). */
  connectTimeoutMs?: number;
  /** Java's `clientChannelMaxIdleTimeSeconds` (120 s). */
  idleTimeoutMs?: number;
  /** Header serialization of the requests this client sends. */
  serializeType?: SerializeType;
}

export class RemotingClient {
  readonly dispatcher: RequestDispatcher;
  readonly #logger: Logger;
  readonly #frameBytesMax: number;
  readonly #connectTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  readonly #serializeType: SerializeType;
  readonly #connections = new Map<string, RemotingConnection>();
  readonly #opaque = new OpaqueCounter();
  /** Where all connections stage their frames: idle connections hold no buffer of their own. */
  readonly #arena = new OutboundArena();
  #nextConnectionId = 1;
  #shutdown = false;

  constructor(options: RemotingClientOptions = {}) {
    this.#logger = options.logger ?? pino({ level: 'silent' });
    this.#frameBytesMax = options.frameBytesMax ?? FRAME_BYTES_MAX_DEFAULT;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 3000;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
    this.#serializeType = options.serializeType ?? SerializeType.JSON;
    this.dispatcher = new RequestDispatcher(this.#logger);
  }

  /** Serves a request code the server may send to this client. */
  registerHandler(code: number, handler: RequestHandler): void {
    this.dispatcher.register(code, handler);
  }

  /** Sends a request and resolves with the response; rejects with an MQError on timeout or connection loss. */
  invokeSync(addr: string, request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      this.invokeAsync(addr, request, timeoutMs, (err, response) => (err === null ? resolve(response!) : reject(err)));
    });
  }

  /** Sends a request; `callback` runs once, with the response or an error. */
  invokeAsync(addr: string, request: RemotingCommand, timeoutMs: number, callback: ResponseCallback): void {
    request.serializeType = this.#serializeType;
    this.connection(addr).invoke(request, timeoutMs, callback);
  }

  /** Sends a one-way request (flag bit 1): the server answers nothing. */
  invokeOneway(addr: string, request: RemotingCommand): void {
    request.serializeType = this.#serializeType;
    this.connection(addr).invokeOneway(request);
  }

  /** The live connection to `addr`, dialling it when there is none. */
  connection(addr: string): RemotingConnection {
    const existing = this.#connections.get(addr);
    if (existing !== undefined && !existing.closed) return existing;
    if (this.#shutdown) throw new Error('remoting client is shut down');
    const { host, port } = parseAddress(addr);
    const socket = net.connect({ host, port });
    const connection = new RemotingConnection(
      this.#nextConnectionId++,
      socket,
      {
        frameBytesMax: this.#frameBytesMax,
        idleTimeoutMs: this.#idleTimeoutMs,
        logger: this.#logger,
        dispatcher: this.dispatcher,
        nextOpaque: this.#opaque.next,
        arena: this.#arena,
        address: addr,
        onClose: (c) => {
          if (this.#connections.get(addr) === c) this.#connections.delete(addr);
        },
      },
      false,
    );
    const connectTimer = setTimeout(() => connection.close(`connect timeout ${this.#connectTimeoutMs}(ms)`), this.#connectTimeoutMs);
    socket.once('connect', () => clearTimeout(connectTimer));
    socket.once('close', () => clearTimeout(connectTimer));
    this.#connections.set(addr, connection);
    return connection;
  }

  closeConnection(addr: string): void {
    this.#connections.get(addr)?.close('closed by client');
  }

  /** Closes every connection; pending requests fail. Idempotent. */
  shutdown(): void {
    this.#shutdown = true;
    for (const connection of this.#connections.values()) connection.close('client shutdown');
    this.#connections.clear();
  }
}

/** Splits `host:port` at the last colon, as Java does; IPv6 hosts may be bracketed. */
export function parseAddress(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  const port = Number(addr.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad address ${addr}, expected host:port`);
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}
