// Owns: CRC32 with zlib's (and java.util.zip.CRC32's) polynomial: message BODYCRC, route data
// versions. Computed once per stored message, so it is on the send path.
//
// @node-rs/crc32 folds with PCLMULQDQ: on a 1 KiB body about 190 ns against 350 ns for
// zlib.crc32 on the development machines, which moved the store's ASYNC_FLUSH bench from about
// 400k to 430k msgs/s. Its binary ships in a per-platform npm package; where none loads, zlib's
// is used, with the same results.

import { createRequire } from 'node:module';
import zlib from 'node:zlib';

type Crc32 = (data: Uint8Array) => number;

function load(): { crc32: Crc32; implementation: 'simd' | 'zlib' } {
  try {
    const simd = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32: (input: Uint8Array) => number }).crc32;
    return { crc32: simd, implementation: 'simd' };
  } catch {
    return { crc32: (data) => zlib.crc32(data), implementation: 'zlib' };
  }
}

const loaded = load();

/** CRC32 of `data` as an unsigned 32-bit number (zlib.crc32's result). */
export const crc32: Crc32 = loaded.crc32;

/** Which implementation this platform got. */
export const crc32Implementation = loaded.implementation;
