import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { crc32, crc32Implementation } from '../../../src/common/crc32.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';

test('crc32 gives the standard check value and zlib\'s result for any length and any view', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const random = seededRandom(testSeed('crc32'));
  const backing = Buffer.alloc(70_000);
  for (let i = 0; i < backing.length; i++) backing[i] = Math.floor(random() * 256);
  // Lengths around the SIMD block sizes, at odd offsets into a larger buffer.
  for (const length of [1, 15, 16, 17, 63, 64, 65, 127, 128, 129, 1000, 1024, 4097, 65_536]) {
    const start = Math.floor(random() * (backing.length - length));
    const view = backing.subarray(start, start + length);
    assert.equal(crc32(view), zlib.crc32(view), `length ${length} at ${start}`);
    const asUint8 = new Uint8Array(backing.buffer, backing.byteOffset + start, length);
    assert.equal(crc32(asUint8), zlib.crc32(view), `Uint8Array view, length ${length}`);
  }
});

test('the SIMD crc32 is the one loaded on linux x64', () => {
  // A broken install would fall back to zlib silently and only the benchmark would notice.
  const expected = process.platform === 'linux' && process.arch === 'x64' ? ['simd'] : ['simd', 'zlib'];
  assert.ok(expected.includes(crc32Implementation), `${crc32Implementation} loaded on ${process.platform} ${process.arch}`);
});
