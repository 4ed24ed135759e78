import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrameDecoder, FrameError } from '../../../src/remoting/frame.js';
import { decodeCommand, type RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { loadIndex, readFrameFile } from '../../harness/fixtures.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';

const frames = loadIndex().map((entry) => ({ entry, bytes: readFrameFile(entry.file) }));

function decodeAll(chunks: Buffer[], decoder = new FrameDecoder()): Buffer[] {
  const out: Buffer[] = [];
  for (const chunk of chunks) decoder.push(chunk, (frame) => out.push(Buffer.from(frame)));
  return out;
}

function summary(cmd: RemotingCommand): unknown {
  return { code: cmd.code, opaque: cmd.opaque, flag: cmd.flag, remark: cmd.remark, ext: cmd.extFields, body: cmd.body?.toString('hex') ?? null };
}

describe('FrameDecoder', () => {
  test('there are captured frames to test with', () => {
    assert.ok(frames.length >= 140, `only ${frames.length} fixture frames found`);
  });

  test('cuts every captured frame out whole when it arrives in one chunk', () => {
    for (const { entry, bytes } of frames) {
      const out = decodeAll([bytes]);
      assert.equal(out.length, 1, entry.file);
      assert.deepEqual(out[0], bytes.subarray(4), entry.file);
    }
  });

  test('decodes each captured frame the same at every split offset', () => {
    for (const { entry, bytes } of frames) {
      const expected = summary(decodeCommand(bytes.subarray(4)));
      for (let i = 1; i < bytes.length; i++) {
        const out = decodeAll([bytes.subarray(0, i), bytes.subarray(i)]);
        assert.equal(out.length, 1, `${entry.file} split at ${i}`);
        assert.deepEqual(summary(decodeCommand(out[0]!)), expected, `${entry.file} split at ${i}`);
      }
    }
  });

  test('decodes the whole capture as one stream under seeded random splits', () => {
    const seed = testSeed('frame random splits');
    const random = seededRandom(seed);
    const stream = Buffer.concat(frames.map((f) => f.bytes));
    const expected = frames.map((f) => f.bytes.subarray(4));
    for (let round = 0; round < 50; round++) {
      const chunks: Buffer[] = [];
      for (let pos = 0; pos < stream.length; ) {
        // Mostly small pieces, sometimes large ones that hold many frames.
        const size = random() < 0.8 ? 1 + Math.floor(random() * 64) : 1 + Math.floor(random() * 20_000);
        chunks.push(stream.subarray(pos, pos + size));
        pos += size;
      }
      const out = decodeAll(chunks);
      assert.equal(out.length, expected.length, `seed ${seed} round ${round}`);
      out.forEach((frame, i) => assert.deepEqual(frame, expected[i], `seed ${seed} round ${round} frame ${i}`));
    }
  });

  test('holds back an incomplete frame and reports its buffered bytes', () => {
    const bytes = frames[0]!.bytes;
    const decoder = new FrameDecoder();
    assert.equal(decodeAll([bytes.subarray(0, 3)], decoder).length, 0);
    assert.equal(decoder.bufferedBytes, 3);
    assert.equal(decodeAll([bytes.subarray(3, 10)], decoder).length, 0);
    assert.equal(decodeAll([bytes.subarray(10)], decoder).length, 1);
    assert.equal(decoder.bufferedBytes, 0);
  });
});

function frameOf(lengthField: number, headerWord: number, rest: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(lengthField, 0);
  head.writeInt32BE(headerWord, 4);
  return Buffer.concat([head, rest]);
}

describe('malformed frames', () => {
  test('a negative length is rejected', () => {
    assert.throws(() => decodeAll([frameOf(-5, 0)]), FrameError);
  });

  test('a length below the header word is rejected', () => {
    assert.throws(() => decodeAll([frameOf(2, 0)]), FrameError);
  });

  test('a length over the bound is rejected before the frame arrives', () => {
    assert.throws(() => decodeAll([frameOf(16 * 1024 * 1024 + 1, 0)]), /exceeds the 16777216-byte bound/);
    assert.throws(() => decodeAll([frameOf(2000, 0).subarray(0, 6)], new FrameDecoder(1024)), /exceeds the 1024-byte bound/);
  });

  test('the bound is configurable and a frame at the bound passes', () => {
    const header = Buffer.from('{"code":1,"flag":0,"opaque":0}');
    const frame = frameOf(4 + header.length, header.length, header);
    assert.equal(decodeAll([frame], new FrameDecoder(4 + header.length)).length, 1);
    assert.throws(() => decodeAll([frame], new FrameDecoder(3 + header.length)), FrameError);
  });

  test('a header longer than the frame is rejected', () => {
    assert.throws(() => decodeAll([frameOf(10, 100, Buffer.alloc(6))]), /header length 100 exceeds the frame/);
  });

  test('an unknown serialization type is rejected', () => {
    assert.throws(() => decodeAll([frameOf(6, (7 << 24) | 2, Buffer.from('{}'))]), /unknown serialization type 7/);
  });

  test('bad JSON in the header is rejected when the command is decoded', () => {
    const header = Buffer.from('{"code":10,');
    const [frame] = decodeAll([frameOf(4 + header.length, header.length, header)]);
    assert.throws(() => decodeCommand(frame!), /malformed JSON header/);
  });

  test('a JSON header without a code is rejected', () => {
    const header = Buffer.from('{"opaque":1}');
    const [frame] = decodeAll([frameOf(4 + header.length, header.length, header)]);
    assert.throws(() => decodeCommand(frame!), /no code/);
  });

  test('a ROCKETMQ header whose remark runs past the header is rejected', () => {
    const header = Buffer.alloc(21);
    header.writeInt32BE(1000, 13); // remark length
    const [frame] = decodeAll([frameOf(4 + header.length, (1 << 24) | header.length, header)]);
    assert.throws(() => decodeCommand(frame!), /remark length 1000 exceeds the header/);
  });
});
