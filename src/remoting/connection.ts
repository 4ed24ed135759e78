// Owns: one TCP connection of the remoting protocol, on either side: frame decoding, matching
// responses to requests by opaque, handing requests to the dispatcher, and coalescing writes.
// Counterpart: a Netty channel plus the responseTable of NettyRemotingAbstract.
//
// Everything written to a connection within one event-loop turn leaves in one socket write,
// flushed from setImmediate; frames are encoded straight into a staging slab (outbound-buffer.ts).
// One write is in flight at a time: what is staged meanwhile leaves in one write when it completes.
// When the peer stops reading, the connection stops reading too until the socket drains, so a slow
// reader cannot grow our memory without bound.

import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { RemotingConnectError, RemotingSendError, RemotingTimeoutError } from '../common/mq-error.js';
import type { RequestDispatcher } from './dispatcher.js';
import { FrameDecoder } from './frame.js';
import { OutboundArena, OutboundQueue } from './outbound-buffer.js';
import { PendingRequests } from './pending-requests.js';
import { decodeCommandAt, encodeCommandInto, RemotingCommand } from './remoting-command.js';

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
  /** Where frames are staged, shared by the connections of one server or client. */
  arena?: OutboundArena;
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
  readonly #pending = new PendingRequests<Pending>();
  readonly #out: OutboundQueue;
  #flushScheduled = false;
  /** A socket write whose callback has not run yet. */
  #writeInFlight = false;
  /** Reading was paused until the socket drains. */
  #pausedForDrain = false;
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
    this.#out = new OutboundQueue(options.arena ?? new OutboundArena());
    this.remoteAddress = options.address ?? peerAddress(socket);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) socket.setTimeout(options.idleTimeoutMs, () => this.close('idle'));
    socket.on('connect', () => {
      this.#connected = true;
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => {
      if (!this.#pausedForDrain) return;
      this.#pausedForDrain = false;
      socket.resume();
    });
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
    this.#pending.add(request.opaque, { callback, deadline: Date.now() + timeoutMs, timeoutMs, code: request.code });
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
    // Collected first, completed after: a callback may send again, adding to the table.
    const expired: Array<[number, Pending]> = [];
    this.#pending.removeWhere((opaque, pending) => pending.deadline <= now && expired.push([opaque, pending]) > 0);
    for (const [opaque, pending] of expired) {
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
    encodeCommandInto(cmd, this.#out);
    this.stats.framesOut++;
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.closed || this.#writeInFlight) return;
    const socket = this.#socket;
    this.#writeInFlight = true;
    if (!this.#out.writeTo(socket, this.#onWritten)) {
      this.#writeInFlight = false;
      return;
    }
    this.stats.writes++;
    // Bytes the kernel did not take yet, past the socket's high-water mark: the peer is not
    // keeping up. (A large write the kernel took at once also leaves writableNeedDrain set until
    // the next tick, hence the check of writableLength too.)
    if (socket.writableNeedDrain && socket.writableLength > 0) {
      this.#pausedForDrain = true;
      socket.pause();
    }
  };

  /** The socket took the last write: what was staged meanwhile goes now, in one write. */
  readonly #onWritten = (): void => {
    this.#writeInFlight = false;
    if (!this.#out.isEmpty) this.#flush();
  };

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.#closing = true;
    this.#closeReason ||= reason;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    try {
      this.#decoder.pushRanges(chunk, this.#onFrame);
    } catch (err) {
      this.#options.logger.warn({ remote: this.remoteAddress, err: (err as Error).message }, 'malformed frame, closing connection');
      this.close(`malformed frame: ${(err as Error).message}`);
      return;
    }
    // What handling this read produced at once (synchronous replies, or the next requests a
    // client's callbacks fired) leaves now, in one write, so the peer can start on it while we
    // read on: waiting for the end of the turn would make both sides take turns being idle.
    if (!this.#out.isEmpty) this.#flush();
  }

  readonly #onFrame = (buf: Buffer, start: number, end: number): void => {
    if (this.closed) return;
    this.stats.framesIn++;
    const cmd = decodeCommandAt(buf, start, end);
    if (cmd.isResponse) {
      const pending = this.#pending.take(cmd.opaque);
      if (pending === undefined) {
        this.#options.logger.debug({ remote: this.remoteAddress, opaque: cmd.opaque }, 'response for no pending request');
        return;
      }
      this.#complete(pending, null, cmd);
      return;
    }
    this.#options.dispatcher.dispatch(cmd, this);
  };

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.clear();
    if (this.#sweepTimer !== null) clearInterval(this.#sweepTimer);
    this.#sweepTimer = null;
    const lost: Pending[] = [];
    this.#pending.removeWhere((_opaque, pending) => lost.push(pending) > 0);
    for (const pending of lost) this.#complete(pending, this.#lostError(pending.code), null);
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
