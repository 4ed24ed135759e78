// Owns: a RemotingServer on 127.0.0.1 with real RemotingClients and raw sockets connected to it,
// for the client-manager and client-handler tests: each peer counts the
// NOTIFY_CONSUMER_IDS_CHANGED requests the broker sends it.
// Counterpart: none (test support).

import net from 'node:net';
import pino from 'pino';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { RemotingClient } from '../../../../src/remoting/client.js';
import type { RemotingConnection } from '../../../../src/remoting/connection.js';
import { FrameDecoder } from '../../../../src/remoting/frame.js';
import { decodeCommand, type RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../../../src/remoting/server.js';
import { notifyConsumerIdsChanged } from '../../../../src/broker/client/consumer-manager.js';
import { waitFor } from '../../../harness/wait-for.js';

export const logger = pino({ level: 'silent' });

/** A group name no test uses: a notification for it marks "everything sent before has arrived". */
const BARRIER_GROUP = '__barrier__';

/** One client connected to the server, seen from both sides. */
export interface Peer {
  client: RemotingClient;
  /** The server's side of the connection: the "channel" the managers key on. */
  channel: RemotingConnection;
  /** consumerGroup of each NOTIFY_CONSUMER_IDS_CHANGED received, barrier ones left out. */
  notified: string[];
  /** The raw commands received for code 40, to check flags and serialization. */
  notifications: RemotingCommand[];
  barriers: number;
}

export class Loopback {
  readonly server: RemotingServer;
  readonly closed: RemotingConnection[] = [];
  readonly #peers: Peer[] = [];
  readonly #sockets: net.Socket[] = [];
  addr = '';

  constructor(onConnectionClose?: (connection: RemotingConnection) => void) {
    this.server = new RemotingServer({
      logger,
      onConnectionClose: (c) => {
        this.closed.push(c);
        onConnectionClose?.(c);
      },
    });
  }

  async start(): Promise<this> {
    const port = await this.server.listen(0, '127.0.0.1');
    this.addr = `127.0.0.1:${port}`;
    return this;
  }

  /** A RemotingClient connected to the server, and the server's side of its connection. */
  async connect(): Promise<Peer> {
    const client = new RemotingClient({ logger });
    const peer: Peer = { client, channel: undefined as unknown as RemotingConnection, notified: [], notifications: [], barriers: 0 };
    client.registerHandler(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (request) => {
      const group = request.ext('consumerGroup') ?? '';
      if (group === BARRIER_GROUP) {
        peer.barriers++;
      } else {
        peer.notified.push(group);
        peer.notifications.push(request);
      }
      return null;
    });
    const mine = client.connection(this.addr);
    let channel: RemotingConnection | undefined;
    await waitFor(
      () => {
        channel = [...this.server.connections].find((c) => c.remoteAddress === mine.localAddress);
        return channel !== undefined;
      },
      { message: 'the server to accept the client' },
    );
    peer.channel = channel!;
    this.#peers.push(peer);
    return peer;
  }

  /** Resolves once everything the server sent `peer` before this call has been handled. */
  async settle(peer: Peer): Promise<void> {
    const target = peer.barriers + 1;
    notifyConsumerIdsChanged(peer.channel, BARRIER_GROUP);
    await waitFor(() => peer.barriers >= target, { message: 'the barrier notification' });
  }

  /** A raw socket that collects every command the server sends it. */
  async raw(): Promise<RawPeer> {
    const peer = new RawPeer(this.addr);
    this.#sockets.push(peer.socket);
    await peer.ready();
    return peer;
  }

  async shutdown(): Promise<void> {
    for (const peer of this.#peers) peer.client.shutdown();
    for (const socket of this.#sockets) socket.destroy();
    await this.server.shutdown();
  }
}

export class RawPeer {
  readonly socket: net.Socket;
  readonly received: RemotingCommand[] = [];
  readonly #decoder = new FrameDecoder();

  constructor(addr: string) {
    const [host, port] = addr.split(':') as [string, string];
    this.socket = net.connect({ host, port: Number(port) });
    this.socket.on('data', (chunk) => this.#decoder.push(chunk, (frame) => this.received.push(decodeCommand(Buffer.from(frame)))));
    this.socket.on('error', () => {
      // Tests that close the server on us expect this.
    });
  }

  async ready(): Promise<void> {
    if (!this.socket.connecting) return;
    await new Promise((resolve) => this.socket.once('connect', resolve));
  }

  /** Writes whole frame bytes (length field included), e.g. a fixture file. */
  write(frame: Buffer): void {
    this.socket.write(frame);
  }

  /** The response to the request with `opaque`, once it has come. */
  async responseTo(opaque: number): Promise<RemotingCommand> {
    let found: RemotingCommand | undefined;
    await waitFor(
      () => {
        found = this.received.find((c) => c.isResponse && c.opaque === opaque);
        return found !== undefined;
      },
      { message: `the response to opaque ${opaque}` },
    );
    return found!;
  }
}
