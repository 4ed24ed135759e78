import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { MQError, RemotingConnectError, RemotingSendError, RemotingTimeoutError } from '../../../src/common/mq-error.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import type { RemotingConnection } from '../../../src/remoting/connection.js';
import { FrameDecoder } from '../../../src/remoting/frame.js';
import { decodeCommand, encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../src/remoting/remoting-command.js';
import { defineRequest, field, handleWith } from '../../../src/remoting/requests/define-request.js';
import { RemotingServer } from '../../../src/remoting/server.js';

const logger = pino({ level: 'silent' });
const ECHO = 9001;
const HOLD = 9002;
const THROWS = 9003;
const TYPED = 9004;
const SLOW_LANE = 'slow';

const Typed = defineRequest({ codes: [TYPED], header: { topic: field.string(), queueId: field.int() } });

/** A raw socket that collects decoded frames, for bytes no well-behaved client would send. */
class RawPeer {
  readonly socket: net.Socket;
  readonly received: RemotingCommand[] = [];
  readonly closed: Promise<void>;
  readonly #decoder = new FrameDecoder();

  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port });
    this.socket.on('data', (chunk) => this.#decoder.push(chunk, (frame) => this.received.push(decodeCommand(Buffer.from(frame)))));
    this.socket.on('error', () => {
      // The server closing on us is what several tests expect.
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
  }

  async ready(): Promise<void> {
    if (!this.socket.connecting) return;
    await new Promise((resolve) => this.socket.once('connect', resolve));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async waitFor(count: number, timeoutMs = 3000): Promise<RemotingCommand[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`got ${this.received.length} of ${count} frames`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.received;
  }
}

function request(code: number, opaque: number, ext: Record<string, string> | null = null, serializeType: SerializeType = SerializeType.JSON): Buffer {
  const cmd = RemotingCommand.request(code, ext, Buffer.from('payload'));
  cmd.opaque = opaque;
  cmd.serializeType = serializeType;
  return encodeCommandToBuffer(cmd);
}

describe('RemotingServer and RemotingClient on loopback', () => {
  let server: RemotingServer;
  let addr: string;
  let client: RemotingClient;
  const held: Array<() => void> = [];
  const onewaySeen: number[] = [];
  const closedConnections: RemotingConnection[] = [];

  before(async () => {
    server = new RemotingServer({ logger, frameBytesMax: 64 * 1024, onConnectionClose: (c) => closedConnections.push(c) });
    server.registerLane(SLOW_LANE, { pendingMax: 2 });
    server.registerHandler(ECHO, (req) => {
      if (req.isOneway) onewaySeen.push(req.opaque);
      const response = RemotingCommand.response(ResponseCode.SUCCESS, null, { echoed: req.ext('value') ?? '' });
      response.body = req.body;
      return response;
    });
    server.registerHandler(HOLD, () => new Promise((resolve) => held.push(() => resolve(RemotingCommand.response(ResponseCode.SUCCESS)))), SLOW_LANE);
    server.registerHandler(THROWS, () => {
      throw new Error('handler exploded');
    });
    server.registerHandler(TYPED, handleWith(Typed, (h) => RemotingCommand.response(ResponseCode.SUCCESS, `${h.topic}/${h.queueId}`)));
    const port = await server.listen(0, '127.0.0.1');
    addr = `127.0.0.1:${port}`;
    client = new RemotingClient({ logger });
  });

  after(async () => {
    for (const release of held) release();
    client.shutdown();
    await server.shutdown();
  });

  test('answers a request with the same opaque and the response flag', async () => {
    const response = await client.invokeSync(addr, RemotingCommand.request(ECHO, { value: 'v1' }, Buffer.from('body')), 3000);
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.ok(response.isResponse);
    assert.equal(response.ext('echoed'), 'v1');
    assert.equal(response.body?.toString(), 'body');
  });

  test('answers an unknown request code with REQUEST_CODE_NOT_SUPPORTED and keeps serving', async () => {
    const response = await client.invokeSync(addr, RemotingCommand.request(4242), 3000);
    assert.equal(response.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.equal(response.remark, ' request type 4242 not supported');
    assert.equal((await client.invokeSync(addr, RemotingCommand.request(ECHO), 3000)).code, ResponseCode.SUCCESS);
  });

  test('runs a one-way request without answering it', async () => {
    const peer = new RawPeer(server.port);
    const oneway = RemotingCommand.request(ECHO, { value: 'x' }).markOneway();
    oneway.opaque = 77;
    peer.write(Buffer.concat([encodeCommandToBuffer(oneway), request(ECHO, 78)]));
    const [first] = await peer.waitFor(1);
    assert.equal(first!.opaque, 78);
    assert.ok(onewaySeen.includes(77));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peer.received.length, 1, 'the one-way request got an answer');
    peer.socket.destroy();
  });

  test('answers in the serialization the request used', async () => {
    const peer = new RawPeer(server.port);
    peer.write(Buffer.concat([request(ECHO, 1, { value: 'r' }, SerializeType.ROCKETMQ), request(ECHO, 2, { value: 'j' }, SerializeType.JSON)]));
    const [a, b] = await peer.waitFor(2);
    assert.equal(a!.serializeType, SerializeType.ROCKETMQ);
    assert.equal(a!.ext('echoed'), 'r');
    assert.equal(b!.serializeType, SerializeType.JSON);
    assert.equal(b!.ext('echoed'), 'j');
    peer.socket.destroy();
  });

  test('coalesces the replies of one event-loop turn into one socket write', async () => {
    const peer = new RawPeer(server.port);
    await peer.ready();
    const batch = Buffer.concat(Array.from({ length: 100 }, (_, i) => request(ECHO, i + 1)));
    peer.write(batch);
    const got = await peer.waitFor(100);
    assert.deepEqual(got.map((c) => c.opaque), Array.from({ length: 100 }, (_, i) => i + 1));
    const connection = [...server.connections].find((c) => c.stats.framesIn === 100)!;
    assert.ok(connection, 'server connection not found');
    assert.equal(connection.stats.framesOut, 100);
    assert.ok(connection.stats.writes < 100, `${connection.stats.writes} writes for 100 replies`);
    peer.socket.destroy();
  });

  test('answers SYSTEM_BUSY at once when a lane is full, and serves again once it drains', async () => {
    const first = client.invokeSync(addr, RemotingCommand.request(HOLD), 5000);
    const second = client.invokeSync(addr, RemotingCommand.request(HOLD), 5000);
    const busy = await client.invokeSync(addr, RemotingCommand.request(HOLD), 5000);
    assert.equal(busy.code, ResponseCode.SYSTEM_BUSY);
    assert.match(busy.remark ?? '', /system busy/);
    assert.equal((await client.invokeSync(addr, RemotingCommand.request(ECHO), 3000)).code, ResponseCode.SUCCESS, 'other lanes kept serving');
    for (const release of held.splice(0)) release();
    assert.equal((await first).code, ResponseCode.SUCCESS);
    assert.equal((await second).code, ResponseCode.SUCCESS);
    const third = client.invokeSync(addr, RemotingCommand.request(HOLD), 5000);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    held.shift()!();
    assert.equal((await third).code, ResponseCode.SUCCESS);
  });

  test('answers SYSTEM_ERROR when a handler throws, and keeps serving', async () => {
    const response = await client.invokeSync(addr, RemotingCommand.request(THROWS), 3000);
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /handler exploded/);
    assert.equal((await client.invokeSync(addr, RemotingCommand.request(ECHO), 3000)).code, ResponseCode.SUCCESS);
  });

  test('decodes typed headers from strings or raw JSON numbers and names a missing field', async () => {
    assert.equal((await client.invokeSync(addr, RemotingCommand.request(TYPED, { topic: 'T', queueId: '3' }), 3000)).remark, 'T/3');
    const peer = new RawPeer(server.port);
    const header = Buffer.from('{"code":9004,"opaque":5,"flag":0,"language":"JAVA","version":121,"extFields":{"topic":"N","queueId":2}}');
    const frame = Buffer.alloc(8);
    frame.writeInt32BE(4 + header.length, 0);
    frame.writeInt32BE(header.length, 4);
    peer.write(Buffer.concat([frame, header]));
    assert.equal((await peer.waitFor(1))[0]!.remark, 'N/2');
    peer.socket.destroy();
    const missing = await client.invokeSync(addr, RemotingCommand.request(TYPED, { topic: 'T' }), 3000);
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(missing.remark, 'the custom field <queueId> is null');
    const bad = await client.invokeSync(addr, RemotingCommand.request(TYPED, { topic: 'T', queueId: 'x' }), 3000);
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /<queueId> is not a valid int/);
  });

  const malformed: Array<[string, Buffer]> = [
    ['a negative length', Buffer.from([0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0])],
    ['a length over the frame bound', Buffer.from([0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0])],
    ['a header longer than the frame', Buffer.from([0, 0, 0, 8, 0, 0, 0x10, 0, 0x7b, 0x7d, 0, 0])],
    ['bad JSON', Buffer.concat([Buffer.from([0, 0, 0, 9, 0, 0, 0, 5]), Buffer.from('{"cod')])],
    ['an unknown serialization type', Buffer.concat([Buffer.from([0, 0, 0, 6, 9, 0, 0, 2]), Buffer.from('{}')])],
  ];
  for (const [what, bytes] of malformed) {
    test(`a frame with ${what} closes that connection only; another keeps getting answers`, async () => {
      const before = closedConnections.length;
      const other = new RawPeer(server.port);
      other.write(request(ECHO, 1));
      await other.waitFor(1);
      const bad = new RawPeer(server.port);
      bad.write(request(ECHO, 1)); // a good request first: it is answered
      bad.write(bytes);
      await bad.closed;
      assert.ok(closedConnections.length > before);
      other.write(request(ECHO, 2));
      const got = await other.waitFor(2);
      assert.equal(got[1]!.opaque, 2);
      assert.equal((await client.invokeSync(addr, RemotingCommand.request(ECHO), 3000)).code, ResponseCode.SUCCESS);
      other.socket.destroy();
    });
  }

  test('times out a request that gets no answer, with the RPC timeout code', async () => {
    const started = Date.now();
    await assert.rejects(client.invokeSync(addr, RemotingCommand.request(HOLD), 100), (err: unknown) => {
      assert.ok(err instanceof RemotingTimeoutError);
      assert.equal((err as MQError).code, -1006);
      return true;
    });
    assert.ok(Date.now() - started >= 95);
    for (const release of held.splice(0)) release();
  });

  test('fails pending requests when the connection drops, then reconnects on the next request', async () => {
    const pending = client.invokeSync(addr, RemotingCommand.request(HOLD), 5000);
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    const firstConnection = client.connection(addr);
    for (const c of server.connections) c.close('test');
    await assert.rejects(pending, RemotingSendError);
    const response = await client.invokeSync(addr, RemotingCommand.request(ECHO), 3000);
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.notEqual(client.connection(addr), firstConnection);
    for (const release of held.splice(0)) release();
  });

  test('reports a connect failure to an address nobody listens on', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await assert.rejects(client.invokeSync(`127.0.0.1:${port}`, RemotingCommand.request(ECHO), 3000), RemotingConnectError);
  });

  test('serves requests the server sends to the client, sync and one-way', async () => {
    const own = new RemotingClient({ logger });
    const notified: string[] = [];
    own.registerHandler(RequestCode.GET_CONSUMER_RUNNING_INFO, (req) => RemotingCommand.response(ResponseCode.SUCCESS, `running ${req.ext('consumerGroup')}`));
    own.registerHandler(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      notified.push(req.ext('consumerGroup') ?? '');
      return null;
    });
    await own.invokeSync(addr, RemotingCommand.request(ECHO), 3000);
    const localAddress = own.connection(addr).localAddress;
    const serverSide = [...server.connections].find((c) => c.remoteAddress === localAddress)!;
    assert.ok(serverSide, `no server connection for ${localAddress}`);
    const answer = await serverSide.invokePromise(RemotingCommand.request(RequestCode.GET_CONSUMER_RUNNING_INFO, { consumerGroup: 'g1' }), 3000);
    assert.equal(answer.remark, 'running g1');
    serverSide.invokeOneway(RemotingCommand.request(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, { consumerGroup: 'g2' }));
    const deadline = Date.now() + 3000;
    while (notified.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(notified, ['g2']);
    own.shutdown();
  });
});
