import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { BODY_COPY_BYTES_MAX, SLAB_BYTES } from '../../../src/remoting/outbound-buffer.js';
import { FrameDecoder } from '../../../src/remoting/frame.js';
import { encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../../src/remoting/server.js';
import { waitFor } from '../../harness/wait-for.js';

const logger = pino({ level: 'silent' });
const ECHO = 9101;
const BIG_ANSWER = 9102;
const BIG_ANSWER_BYTES = 4 * 1024;

// Frames of every size class the staging buffer treats apart (body copied or not, header larger
// than the room first guessed, frame larger than a slab), many in flight at once on both sides.
describe('RemotingServer and RemotingClient with frames of every size', () => {
  let server: RemotingServer;
  let addr: string;

  before(async () => {
    server = new RemotingServer({ logger });
    server.registerHandler(ECHO, (request) => {
      const response = RemotingCommand.response(ResponseCode.SUCCESS, null, { ...request.extFields });
      response.body = request.body;
      return response;
    });
    server.registerHandler(BIG_ANSWER, () => {
      const response = RemotingCommand.response(ResponseCode.SUCCESS);
      response.body = Buffer.alloc(BIG_ANSWER_BYTES, 1);
      return response;
    });
    addr = `127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  after(async () => {
    await server.shutdown();
  });

  for (const serializeType of [SerializeType.ROCKETMQ, SerializeType.JSON]) {
    test(`${serializeType === SerializeType.ROCKETMQ ? 'ROCKETMQ' : 'JSON'} headers: every response carries its own request's header and body`, async () => {
      const client = new RemotingClient({ logger, serializeType });
      const bodySizes = [0, 1, 1000, BODY_COPY_BYTES_MAX, BODY_COPY_BYTES_MAX + 1, 100_000, SLAB_BYTES + 1];
      const calls = Array.from({ length: 120 }, (_, i) => {
        const bodyBytes = bodySizes[i % bodySizes.length]!;
        const body = bodyBytes === 0 ? null : Buffer.alloc(bodyBytes, i);
        const big = i % 17 === 0 ? 'v'.repeat(i % 2 === 0 ? 5000 : 70_000) : '';
        const ext = { seq: String(i), note: i % 5 === 0 ? `grüße ${i} ✓` : `n${i}`, big };
        return client.invokeSync(addr, RemotingCommand.request(ECHO, ext, body), 10_000).then((response) => ({ i, ext, body, response }));
      });
      for (const { i, ext, body, response } of await Promise.all(calls)) {
        assert.equal(response.code, ResponseCode.SUCCESS, `call ${i}`);
        assert.deepEqual(response.extFields, ext, `call ${i}`);
        assert.equal(response.body?.length ?? 0, body?.length ?? 0, `call ${i}`);
        if (body !== null) assert.ok(response.body!.equals(body), `call ${i} body`);
      }
      client.shutdown();
    });
  }

  test('a peer that stops reading gets every answer once it reads again', async () => {
    // The server's writes back up in the kernel while the peer keeps sending: the server stops
    // reading until its socket drains, and answers staged behind a write in flight leave when it
    // completes.
    const count = 4000;
    const peer = net.connect({ host: '127.0.0.1', port: server.port });
    peer.pause();
    const decoder = new FrameDecoder();
    let answered = 0;
    peer.on('data', (chunk: Buffer) => decoder.push(chunk, () => answered++));
    await new Promise((resolve) => peer.once('connect', resolve));
    for (let i = 0; i < count; i++) {
      const request = RemotingCommand.request(BIG_ANSWER, { i: String(i) });
      request.opaque = i;
      request.serializeType = SerializeType.ROCKETMQ;
      peer.write(encodeCommandToBuffer(request));
      await new Promise((resolve) => setImmediate(resolve));
    }
    peer.resume();
    await waitFor(() => answered === count, { timeoutMs: 10_000, message: `all ${count} answers (got ${answered})` });
    peer.destroy();
  });
});
