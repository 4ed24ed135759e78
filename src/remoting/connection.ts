// Owns: one TCP connection of the remoting protocol, on either side: frame decoding, matching
// responses to requests by opaque, handing requests to the dispatcher, and coalescing writes.
// Counterpart: a Netty channel plus the responseTable of NettyRemotingAbstract.
//
// Everything written to a connection within one event-loop turn leaves in one socket write
// (writev), flushed from setImmediate. When the peer stops reading, the connection stops reading
// too until the socket drains, so a slow reader cannot grow our memory without bound.

import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RemotingConnectError, RemotingSendError, RemotingTimeoutError } from '../common/mq-error.js';
import type { RequestDispatcher } from './dispatcher.js';
import { FrameDecoder } from './frame.js';
import { decodeCommand, encodeCommand, RemotingCommand } from './remoting-command.js';

/** Batches up to this size are joined into one buffer before writing; larger ones go out as a writev. */
const COALESCE_COPY_BYTES_MAX = 256 * 1024;

export type ResponseCallback = (err: Error | null, response: RemotingCommand | null) => void;

interface Pending {
  callback: ResponseCallback;
  deadline: number;
  timeoutMs: number;
  code: number;
}

/**
 * How often pending requests are checked for their deadline: a timeout fires at most this late.
 * One sweep per connection replaces a timer per request (Java scans its response table too).
 */
export const TIMEOUT_SWEEP_MS = 50;

export interface ConnectionOptions {
  frameBytesMax: number;
  idleTimeoutMs: number;
  logger: Logger;
  dispatcher: RequestDispatcher;
  nextOpaque: () => number;
  onClose: (connection: RemotingConnection) => void;
  /** The address the connection was dialled at (client side); the peer address otherwise. */
  address?: string;
}

/** Counters of one connection (frames each way and socket writes), for metrics and tests. */
export interface ConnectionStats {
  framesIn: number;
  framesOut: number;
  writes: number;
}

export class RemotingConnection {
  readonly id: number;
  readonly stats: ConnectionStats = { framesIn: 0, framesOut: 0, writes: 0 };
  /** `host:port` of the peer. */
  readonly remoteAddress: string;
  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #options: ConnectionOptions;
  readonly #pending = new Map<number, Pending>();
  #out: Buffer[] = [];
  #outBytes = 0;
  #flushScheduled = false;
  #sweepTimer: NodeJS.Timeout | null = null;
  #connected: boolean;
  #closed = false;
  /** Set by close(): nothing more is read or written, though the socket may not have closed yet. */
  #closing = false;
  #closeReason = '';

  constructor(id: number, socket: Socket, options: ConnectionOptions, connected: boolean) {
    this.id = id;
    this.#socket = socket;
    this.#options = options;
    this.#connected = connected;
    this.#decoder = new FrameDecoder(options.frameBytesMax);
    this.remoteAddress = options.address ?? peerAddress(socket);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) socket.setTimeout(options.idleTimeoutMs, () => this.close('idle'));
    socket.on('connect', () => {
      this.#connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => socket.resume());
    socket.on('error', (err) => {
      this.#closeReason ||= err.message;
    });
    socket.on('close', () => this.#onClose());
  }

  get closed(): boolean {
    return this.#closing || this.#closed;
  }

  /** The local `host:port` of this connection. */
  get localAddress(): string {
    return `${this.#socket.localAddress ?? ''}:${this.#socket.localPort ?? 0}`;
  }

  /** Sends a request and calls back with its response, or an error on timeout or loss of the connection. */
  invoke(request: RemotingCommand, timeoutMs: number, callback: ResponseCallback): void {
    if (this.closed) {
      callback(this.#lostError(request.code), null);
      return;
    }
    request.opaque = this.#options.nextOpaque();
    this.#pending.set(request.opaque, { callback, deadline: Date.now() + timeoutMs, timeoutMs, code: request.code });
    if (this.#sweepTimer === null) {
      this.#sweepTimer = setInterval(this.#sweep, TIMEOUT_SWEEP_MS);
      this.#sweepTimer.unref();
    }
    this.send(request);
  }

  readonly #sweep = (): void => {
    if (this.#pending.size === 0) {
      clearInterval(this.#sweepTimer!);
      this.#sweepTimer = null;
      return;
    }
    const now = Date.now();
    for (const [opaque, pending] of this.#pending) {
      if (pending.deadline > now) continue;
      this.#pending.delete(opaque);
      const context = { brokerAddr: this.remoteAddress, opaque, requestCode: pending.code };
      this.#complete(pending, new RemotingTimeoutError(`wait response on ${this.remoteAddress} timeout, ${pending.timeoutMs}(ms)`, { context }), null);
    }
  };

  invokePromise(request: RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise((resolve, reject) => {
      this.invoke(request, timeoutMs, (err, response) => (err === null ? resolve(response!) : reject(err)));
    });
  }

  /** Sends a one-way request: no response will come. */
  invokeOneway(request: RemotingCommand): void {
    request.opaque = this.#options.nextOpaque();
    request.markOneway();
    this.send(request);
  }

  /** Queues a command for the next coalesced write. */
  send(cmd: RemotingCommand): void {
    if (this.closed) return;
    const parts = encodeCommand(cmd);
    this.stats.framesOut++;
    this.#out.push(parts[0]);
    this.#outBytes += parts[0].length;
    if (parts.length === 2) {
      this.#out.push(parts[1]);
      this.#outBytes += parts[1].length;
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const out = this.#out;
    if (out.length === 0 || this.closed) return;
    this.#out = [];
    const socket = this.#socket;
    this.stats.writes++;
    if (out.length === 1) {
      socket.write(out[0]!);
    } else if (this.#outBytes <= COALESCE_COPY_BYTES_MAX) {
      // One copy into one buffer costs less than handing Node many small chunks for a writev.
      socket.write(Buffer.concat(out, this.#outBytes));
    } else {
      socket.cork();
      for (const buf of out) socket.write(buf);
      socket.uncork();
    }
    this.#outBytes = 0;
    if (socket.writableNeedDrain) socket.pause();
  };

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.#closing = true;
    this.#closeReason ||= reason;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      this.#decoder.push(chunk, this.#onFrame);
    } catch (err) {
      this.#options.logger.warn({ remote: this.remoteAddress, err: (err as Error).message }, 'malformed frame, closing connection');
      this.close(`malformed frame: ${(err as Error).message}`);
      return;
    }
    // What handling this read produced at once (synchronous replies, or the next requests a
    // client's callbacks fired) leaves now, in one write, so the peer can start on it while we
    // read on: waiting for the end of the turn would make both sides take turns being idle.
    if (this.#out.length > 0) this.#flush();
  }

  readonly #onFrame = (frame: Buffer): void => {
    if (this.closed) return;
    this.stats.framesIn++;
    const cmd = decodeCommand(frame);
    if (cmd.isResponse) {
      const pending = this.#pending.get(cmd.opaque);
      if (pending === undefined) {
        this.#options.logger.debug({ remote: this.remoteAddress, opaque: cmd.opaque }, 'response for no pending request');
        return;
      }
      this.#pending.delete(cmd.opaque);
      this.#complete(pending, null, cmd);
      return;
    }
    this.#options.dispatcher.dispatch(cmd, this);
  };

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out = [];
    this.#outBytes = 0;
    if (this.#sweepTimer !== null) clearInterval(this.#sweepTimer);
    this.#sweepTimer = null;
    for (const [opaque, pending] of this.#pending) {
      this.#pending.delete(opaque);
      this.#complete(pending, this.#lostError(pending.code), null);
    }
    this.#options.onClose(this);
  }

  /** A caller's callback that throws must not be mistaken for a malformed frame. */
  #complete(pending: Pending, err: Error | null, response: RemotingCommand | null): void {
    try {
      pending.callback(err, response);
    } catch (callbackErr) {
      this.#options.logger.error({ err: callbackErr, code: pending.code }, 'response callback threw');
    }
  }

  #lostError(requestCode: number): Error {
    const context = { brokerAddr: this.remoteAddress, requestCode };
    if (!this.#connected) {
      return new RemotingConnectError(`connect to ${this.remoteAddress} failed${this.#closeReason ? `: ${this.#closeReason}` : ''}`, { context });
    }
    return new RemotingSendError(`connection to ${this.remoteAddress} closed${this.#closeReason ? `: ${this.#closeReason}` : ''}`, { context });
  }
}

function peerAddress(socket: Socket): string {
  let host = socket.remoteAddress ?? '';
  // A dual-stack listener reports IPv4 peers in their mapped IPv6 form.
  if (host.startsWith('::ffff:')) host = host.slice(7);
  return `${host}:${socket.remotePort ?? 0}`;
}
