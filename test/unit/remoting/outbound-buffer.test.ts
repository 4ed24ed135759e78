import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { BODY_COPY_BYTES_MAX, OutboundArena, OutboundQueue, SLAB_BYTES } from '../../../src/remoting/outbound-buffer.js';
import { encodeCommandInto, encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../src/remoting/remoting-command.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';

/**
 * A socket stand-in that holds each written chunk until the test lets it go, the way a socket
 * holds a chunk the kernel has not taken yet: the bytes are read only then, so a slab written
 * over too early shows up as corrupt output.
 */
class HeldSocket extends Writable {
  readonly received: Buffer[] = [];
  readonly #held: Array<{ chunk: Buffer; done: () => void }> = [];
  /** ArrayBuffers the written chunks lived in. */
  readonly backingStores = new Set<ArrayBufferLike>();

  constructor() {
    super({ highWaterMark: 1 << 30 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.backingStores.add(chunk.buffer);
    this.#held.push({ chunk, done });
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: () => void): void {
    for (const { chunk } of chunks) this.backingStores.add(chunk.buffer);
    this.#held.push({ chunk: Buffer.concat(chunks.map((c) => c.chunk)), done });
  }

  /** Lets the socket take up to `count` held writes, oldest first. */
  take(count = Infinity): void {
    while (count-- > 0 && this.#held.length > 0) {
      const { chunk, done } = this.#held.shift()!;
      this.received.push(Buffer.from(chunk));
      done();
    }
  }

  get bytes(): Buffer {
    return Buffer.concat(this.received);
  }
}

function command(i: number, bodyBytes: number, serializeType: SerializeType, extra = ''): RemotingCommand {
  const body = bodyBytes === 0 ? null : Buffer.alloc(bodyBytes, i & 0xff);
  const cmd = RemotingCommand.request(310, { a: 'group', e: String(i & 3), g: String(1717000000000 + i), x: extra }, body);
  cmd.opaque = i;
  cmd.serializeType = serializeType;
  return cmd;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OutboundQueue', () => {
  test('writes frames byte for byte as encodeCommandToBuffer, one slice per batch of small frames', async () => {
    const queue = new OutboundQueue(new OutboundArena());
    const socket = new HeldSocket();
    const expected: Buffer[] = [];
    for (let i = 0; i < 50; i++) {
      const cmd = command(i, i % 3 === 0 ? 0 : 100 + i, i % 2 === 0 ? SerializeType.ROCKETMQ : SerializeType.JSON, i % 5 === 0 ? 'ünïcödé ✓' : '');
      expected.push(encodeCommandToBuffer(cmd));
      encodeCommandInto(cmd, queue);
    }
    let written = false;
    assert.ok(queue.writeTo(socket, () => (written = true)));
    assert.ok(queue.isEmpty);
    socket.take();
    await tick();
    assert.ok(written);
    assert.equal(socket.received.length, 1);
    assert.deepEqual(socket.bytes, Buffer.concat(expected));
    assert.equal(queue.writeTo(socket, () => assert.fail('nothing was staged')), false);
  });

  test('keeps the bytes of every held write intact while other queues share the slab and slabs fill', async () => {
    const seed = testSeed('outbound queues');
    const random = seededRandom(seed);
    const arena = new OutboundArena();
    const lanes = Array.from({ length: 3 }, () => ({ queue: new OutboundQueue(arena), socket: new HeldSocket(), expected: [] as Buffer[] }));
    const bodySizes = [0, 1, 700, BODY_COPY_BYTES_MAX, BODY_COPY_BYTES_MAX + 1, 100_000, SLAB_BYTES + 5];
    for (let i = 0; i < 600; i++) {
      const lane = lanes[Math.floor(random() * lanes.length)]!;
      const bodyBytes = random() < 0.9 ? bodySizes[Math.floor(random() * 3)]! : bodySizes[Math.floor(random() * bodySizes.length)]!;
      // Now and then a header larger than the room guessed for it, or than a whole slab.
      const extra = random() < 0.02 ? 'h'.repeat(random() < 0.5 ? 5000 : SLAB_BYTES + 10) : '';
      const cmd = command(i, bodyBytes, random() < 0.8 ? SerializeType.ROCKETMQ : SerializeType.JSON, extra);
      lane.expected.push(encodeCommandToBuffer(cmd));
      encodeCommandInto(cmd, lane.queue);
      if (random() < 0.2) lane.queue.writeTo(lane.socket, () => {});
      if (random() < 0.1) for (const other of lanes) other.socket.take(Math.floor(random() * 3));
      if (random() < 0.05) await tick();
    }
    for (const lane of lanes) {
      lane.queue.writeTo(lane.socket, () => {});
      lane.socket.take();
    }
    await tick();
    lanes.forEach((lane, i) => assert.deepEqual(lane.socket.bytes, Buffer.concat(lane.expected), `seed ${seed} queue ${i}`));
  });

  test('reuses its slabs when the socket takes each write promptly', async () => {
    const queue = new OutboundQueue(new OutboundArena());
    const socket = new HeldSocket();
    let frames = 0;
    for (let batch = 0; batch < 200; batch++) {
      for (let i = 0; i < 40; i++) encodeCommandInto(command(frames++, 1024, SerializeType.ROCKETMQ), queue);
      queue.writeTo(socket, () => {});
      socket.take();
      await tick();
    }
    // 200 batches of ~50 KiB went through about 40 slabs' worth of bytes in two slabs.
    assert.ok(socket.backingStores.size <= 2, `${socket.backingStores.size} slabs used`);
    assert.equal(socket.bytes.length, Array.from({ length: frames }, (_, i) => encodeCommandToBuffer(command(i, 1024, SerializeType.ROCKETMQ)).length).reduce((a, b) => a + b, 0));
  });

  test('drops what is staged when cleared', () => {
    const queue = new OutboundQueue(new OutboundArena());
    encodeCommandInto(command(1, 10, SerializeType.ROCKETMQ), queue);
    encodeCommandInto(command(2, 100_000, SerializeType.ROCKETMQ), queue);
    assert.ok(!queue.isEmpty);
    queue.clear();
    assert.ok(queue.isEmpty);
    assert.equal(queue.writeTo(new HeldSocket(), () => {}), false);
  });
});
