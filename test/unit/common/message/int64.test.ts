// Java longs as numbers: the byte stores agree with DataView's big-endian int64 over the whole
// safe range, and anything outside it, or outside the buffer, is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { int64Hex, readInt64BE, writeInt64BE } from '../../../../src/common/message/int64.js';

const SAMPLES = [
  0, 1, -1, 255, 256, 0x7fffffff, 0x80000000, -0x80000000, -0x80000001, 0xffffffff, 0x100000000, -0x100000000,
  1_795_255_812_785, -1_795_255_812_785, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 40 + 12345, -(2 ** 40) - 1,
];

test('writes the same bytes as a big-endian int64 and reads them back', () => {
  for (const value of SAMPLES) {
    const ours = Buffer.alloc(10, 0xee);
    writeInt64BE(ours, 1, value);
    const reference = Buffer.alloc(10, 0xee);
    new DataView(reference.buffer, reference.byteOffset, reference.length).setBigInt64(1, BigInt(value));
    assert.deepEqual(ours, reference, `bytes of ${value}`);
    assert.equal(readInt64BE(ours, 1), value);
  }
});

test('refuses values that are not safe integers and positions outside the buffer', () => {
  const buf = Buffer.alloc(8);
  for (const bad of [0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, Infinity]) assert.throws(() => writeInt64BE(buf, 0, bad), RangeError);
  assert.throws(() => writeInt64BE(buf, 1, 0), RangeError);
  assert.throws(() => writeInt64BE(buf, -1, 0), RangeError);
  assert.deepEqual(buf, Buffer.alloc(8), 'nothing written by a refused call');
});

test('reads longs beyond the safe range as NaN and prints hex as Java does', () => {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64BE(2n ** 60n);
  assert.ok(Number.isNaN(readInt64BE(buf, 0)));
  assert.equal(int64Hex(0x1_0000_00ff), '00000001000000FF');
});
