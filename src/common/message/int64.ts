// Owns: reading and writing Java longs (big-endian int64) as JavaScript numbers, without BigInt
// allocations, for the message codecs' offsets and timestamps. No I/O.
// Counterpart: java.nio.ByteBuffer#getLong / #putLong.
//
// Offsets and timestamps stay far below 2^53, so a number holds them exactly; values outside the
// safe range are refused on write and reported by `readInt64BE` as NaN, never rounded silently.

const TWO_POW_32 = 0x1_0000_0000;

/** The int64 at `pos` as a number, or NaN when it is outside Number's safe integer range. */
export function readInt64BE(buf: Buffer, pos: number): number {
  const value = buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/**
 * Writes a safe integer as a big-endian int64; anything else is a caller bug. Byte stores, not
 * Buffer#writeInt32BE: this runs several times per message on the append path, and the stores
 * skip the range checks the safe-integer check already covers.
 */
export function writeInt64BE(buf: Uint8Array, pos: number, value: number): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer for an int64 field`);
  if (pos < 0 || pos + 8 > buf.length) throw new RangeError(`an int64 at ${pos} does not fit in ${buf.length} bytes`);
  const hi = Math.floor(value / TWO_POW_32); // two's complement: -1 for small negatives
  const lo = value - hi * TWO_POW_32; // 0 .. 2^32-1
  buf[pos] = hi >>> 24;
  buf[pos + 1] = hi >>> 16;
  buf[pos + 2] = hi >>> 8;
  buf[pos + 3] = hi;
  buf[pos + 4] = lo >>> 24;
  buf[pos + 5] = lo >>> 16;
  buf[pos + 6] = lo >>> 8;
  buf[pos + 7] = lo;
}

/** 16 uppercase hex digits of a safe non-negative integer, as Java prints a long's bytes. */
export function int64Hex(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative safe integer`);
  const hi = Math.floor(value / TWO_POW_32);
  const lo = value - hi * TWO_POW_32;
  return (hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')).toUpperCase();
}
