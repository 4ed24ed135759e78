import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FrameError } from '../../../../src/remoting/frame.js';
import { decodeCommand, encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../../src/remoting/remoting-command.js';
import { seededRandom, testSeed } from '../../../harness/seeded-random.js';

/** One extFields entry as raw bytes, so tests can also send bytes that are not UTF-8. */
type RawEntry = [key: Buffer, value: Buffer];

/** A ROCKETMQ request frame (length field left out, as decodeCommand takes it), built by hand from the layout. */
function frameOf(entries: RawEntry[], options: { remark?: Buffer; body?: Buffer; extLengthDelta?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of entries) {
    const k = Buffer.alloc(2);
    k.writeInt16BE(key.length);
    const v = Buffer.alloc(4);
    v.writeInt32BE(value.length);
    parts.push(k, key, v, value);
  }
  const ext = Buffer.concat(parts);
  const remark = options.remark ?? Buffer.alloc(0);
  const fixed = Buffer.alloc(17);
  fixed.writeInt16BE(310, 0);
  fixed[2] = 0; // JAVA
  fixed.writeInt16BE(409, 3);
  fixed.writeInt32BE(7, 5); // opaque
  fixed.writeInt32BE(0, 9); // flag
  fixed.writeInt32BE(remark.length, 13);
  const extLength = Buffer.alloc(4);
  extLength.writeInt32BE(ext.length + (options.extLengthDelta ?? 0));
  const header = Buffer.concat([fixed, remark, extLength, ext]);
  const word = Buffer.alloc(4);
  word.writeInt32BE((1 << 24) | header.length);
  return Buffer.concat([word, header, options.body ?? Buffer.alloc(0)]);
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const entriesOf = (pairs: Array<[string, string]>): RawEntry[] => pairs.map(([k, v]) => [utf8(k), utf8(v)]);

/** What Java (and our first decoder) makes of the entries: UTF-8 strings, later keys overwriting earlier ones. */
function expectedExtFields(entries: RawEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of entries) out[key.toString('utf8')] = value.toString('utf8');
  return out;
}

function assertDecodesLike(entries: RawEntry[], message: string): void {
  const expected = expectedExtFields(entries);
  // Each key read straight from the bytes, before anything materialises the object...
  const lazy = decodeCommand(frameOf(entries));
  for (const key of Object.keys(expected)) assert.equal(lazy.ext(key), expected[key], `${message}: ext(${JSON.stringify(key)}) from bytes`);
  assert.equal(lazy.ext('no-such-key'), undefined, message);
  // ...and the whole object, in the same key order.
  const eager = decodeCommand(frameOf(entries));
  const ext = eager.extFields;
  assert.deepEqual(ext, expected, message);
  assert.deepEqual(Object.keys(ext!), Object.keys(expected), `${message}: key order`);
  assert.equal(Object.getPrototypeOf(ext), Object.prototype, message);
  for (const key of Object.keys(expected)) assert.equal(eager.ext(key), expected[key], `${message}: ext(${JSON.stringify(key)}) from the object`);
}

describe('ROCKETMQ header strings', () => {
  test('decode as UTF-8 whatever their length, content and repetition', () => {
    const values = [
      '', 'a', 'Z', '0', '7', '42', '007', '-1', '+5', ' 5', '123456789', '1234567890', '9007199254740993',
      'false', 'true', 'TBW102', 'bench_producer_group', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(33), 'w'.repeat(2000),
      'é', 'ü1', 'Prüfsumme', '校验和', '\u0001\u0002', 'KEYS\u0001k\u0002TAGS\u0001t', '🚀'.repeat(8),
    ];
    for (let round = 0; round < 3; round++) {
      for (const value of values) assertDecodesLike(entriesOf([['k', value], ['value', value], [value || 'e', 'v']]), `round ${round} value ${JSON.stringify(value)}`);
    }
  });

  test('decode bytes that are not UTF-8 as Buffer#toString does, however often they repeat', () => {
    const raw = [[0xff], [0xc3], [0xff, 0x41], [0xfe, 0x41], [0x41, 0xff], [0xc3, 0xa9, 0xff], [0xe2, 0x82], [0x80, 0x80, 0x80, 0x80]].map((b) => Buffer.from(b));
    for (let round = 0; round < 3; round++) {
      for (const bytes of raw) {
        const entries: RawEntry[] = [[utf8('k'), bytes], [bytes, utf8('v')]];
        assertDecodesLike(entries, `round ${round} bytes ${bytes.toString('hex')}`);
      }
    }
  });

  test('decode the same bytes to the same string under a stream of one-off values', () => {
    const seed = testSeed('rocketmq header strings');
    const random = seededRandom(seed);
    const hot = ['bench_producer_group', 'BenchTopic', 'DefaultRegion', 'broker-a', 'false', '16'];
    for (let i = 0; i < 5000; i++) {
      const oneOff = Math.floor(random() * 1e12).toString(36).slice(0, 1 + Math.floor(random() * 20));
      const entries = entriesOf([['hot', hot[i % hot.length]!], ['once', oneOff], ['n', String(Math.floor(random() * 1e9))]]);
      const cmd = decodeCommand(frameOf(entries));
      assert.deepEqual(cmd.extFields, expectedExtFields(entries), `seed ${seed} frame ${i}`);
    }
  });
});

describe('ROCKETMQ header extFields objects', () => {
  test('keep the wire order of keys, the last value of a repeated key, and numeric keys first as any object does', () => {
    assertDecodesLike(entriesOf([['b', '1'], ['a', '2'], ['c', '3']]), 'order b a c');
    assertDecodesLike(entriesOf([['a', '2'], ['b', '1'], ['c', '3']]), 'order a b c');
    assertDecodesLike(entriesOf([['a', 'first'], ['b', 'x'], ['a', 'last']]), 'repeated key');
    assertDecodesLike(entriesOf([['x', '1'], ['10', 'ten'], ['2', 'two']]), 'numeric keys');
  });

  test('are plain objects for every shape, including shapes past the compile budget', () => {
    for (let shape = 0; shape < 300; shape++) {
      const pairs: Array<[string, string]> = Array.from({ length: 1 + (shape % 7) }, (_, i) => [`k${shape}_${i}`, `v${i}`]);
      for (let round = 0; round < 2; round++) assertDecodesLike(entriesOf(pairs), `shape ${shape} round ${round}`);
    }
    const many: Array<[string, string]> = Array.from({ length: 60 }, (_, i) => [`key${i}`, String(i)]);
    assertDecodesLike(entriesOf(many), 'sixty keys');
  });

  test('take keys that are JavaScript syntax or prototype names as data', () => {
    assertDecodesLike(entriesOf([['"', 'quote'], ['\\', 'backslash'], ["'}); throw 1; ({'", 'code'], ['\u2028', 'separator'], ['constructor', 'c'], ['toString', 't']]), 'odd keys');
  });

  test("drop a '__proto__' key as the first decoder did, leaving the prototype alone", () => {
    for (let round = 0; round < 3; round++) {
      const cmd = decodeCommand(frameOf(entriesOf([['a', '1'], ['__proto__', 'x'], ['b', '2'], ['__proto__', 'y']])));
      const ext = cmd.extFields!;
      assert.deepEqual(Object.keys(ext), ['a', 'b']);
      assert.equal(Object.getPrototypeOf(ext), Object.prototype);
      assert.equal(cmd.ext('a'), '1');
    }
  });
});

describe('ROCKETMQ extFields read on demand', () => {
  test('a malformed entry is rejected when the frame is decoded, not when a field is read', () => {
    const entries = entriesOf([['a', '1'], ['b', '22']]);
    assert.throws(() => decodeCommand(frameOf(entries, { extLengthDelta: -1 })), FrameError);
    assert.throws(() => decodeCommand(frameOf(entries, { extLengthDelta: 1 })), FrameError);
    const cut = frameOf(entries);
    cut.writeInt32BE(100, cut.length - 6); // the last value's length
    assert.throws(() => decodeCommand(cut), /value exceeds the header/);
  });

  test('replacing extFields drops the decoded bytes; the object read is the one kept', () => {
    const cmd = decodeCommand(frameOf(entriesOf([['a', '1']])));
    cmd.extFields = { b: '2' };
    assert.equal(cmd.ext('a'), undefined);
    assert.equal(cmd.ext('b'), '2');
    const other = decodeCommand(frameOf(entriesOf([['a', '1']])));
    other.extFields!['c'] = '3';
    assert.equal(other.ext('c'), '3');
    assert.equal(other.extFields, other.extFields);
  });

  test('a decoded command re-encodes to the same bytes without its fields having been read', () => {
    const entries = entriesOf([['a', 'bench_producer_group'], ['e', '3'], ['i', 'KEYS\u0001k\u0002'], ['n', 'broker-ä']]);
    const frame = frameOf(entries, { remark: utf8('remark ✓'), body: Buffer.from('body') });
    const cmd = decodeCommand(frame);
    assert.equal(cmd.serializeType, SerializeType.ROCKETMQ);
    assert.deepEqual(encodeCommandToBuffer(cmd).subarray(4), frame);
  });

  test('a command built in code reads back what was set', () => {
    const cmd = RemotingCommand.request(310, { a: 'x' });
    assert.equal(cmd.ext('a'), 'x');
    cmd.extFields = null;
    assert.equal(cmd.ext('a'), undefined);
  });
});
