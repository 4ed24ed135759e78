// Owns: turning header bytes into strings and strings into header bytes, the hot inner loops of
// the ROCKETMQ header codec.
// Counterpart: the UTF-8 String <-> byte[] conversions inside RocketMQSerializable.
//
// Header strings are short and almost always ASCII, and most of them repeat from frame to frame:
// keys ('a'...'n', 'msgId', 'queueId'), and values such as the producer group, the topic, '0',
// 'false'. Creating a string costs a call into C++ (~60 ns); comparing a dozen bytes with a string
// we already hold costs a few. So short strings are interned in a small table, and a frame full of
// repeated values creates almost no strings at all.

/** Strings up to this many bytes are interned; longer ones are rarely repeated. */
export const INTERN_BYTES_MAX = 32;
/** 2^10 sets of two strings. */
const SET_BITS = 10;

/**
 * A fixed-size, lossy table of recently read strings, two entries per set, the set chosen by a
 * hash of the length and four of the bytes. A hit in the second entry swaps it into the first; a
 * new string goes into the first, and the one it displaces into the second, so a string read in
 * every frame survives the one-off values (offsets, timestamps, ids) passing through its set.
 *
 * A hit needs no other check: a stored string is one that decoded to as many chars as it had
 * bytes, so each byte became one char, either itself (ASCII) or U+FFFD (a byte that is not UTF-8).
 * When every char code of such a string equals the bytes at hand, those bytes are ASCII and decode
 * to exactly that string; a string holding U+FFFD never matches any bytes.
 *
 * (Comparing bytes with a stored copy four at a time through DataViews measured no faster, end to
 * end, than comparing char codes, so the table holds strings only.)
 */
export class StringTable {
  readonly #slots: (string | undefined)[] = new Array<string | undefined>(2 << SET_BITS).fill(undefined);

  /** The UTF-8 string in `buf[start, end)` (as Java's `new String(bytes, UTF_8)`). */
  read(buf: Buffer, start: number, end: number): string {
    const n = end - start;
    if (n === 0) return '';
    // One ASCII char (SEND_MESSAGE_V2's keys, '0', '1'): V8 keeps a string for each, no allocation.
    if (n === 1 && buf[start]! < 0x80) return String.fromCharCode(buf[start]!);
    // UTF-8 decoding of an ASCII run is a straight copy in C++; no JS loop can beat it on long runs.
    if (n > INTERN_BYTES_MAX) return buf.toString('utf8', start, end);
    const slots = this.#slots;
    const h = hashOf(buf, start, end);
    const first = ((h ^ (h >>> 16)) & ((1 << SET_BITS) - 1)) << 1;
    const a = slots[first];
    if (a !== undefined && matches(a, buf, start, n)) return a;
    const b = slots[first + 1];
    if (b !== undefined && matches(b, buf, start, n)) {
      slots[first] = b;
      slots[first + 1] = a;
      return b;
    }
    const s = (n <= SMALL_INTEGER_DIGITS_MAX ? smallIntegerText(buf, start, end) : null) ?? buf.toString('utf8', start, end);
    if (s.length === n) {
      slots[first + 1] = a;
      slots[first] = s;
    }
    return s;
  }
}

function matches(s: string, buf: Buffer, start: number, n: number): boolean {
  if (s.length !== n) return false;
  // From the end: values that differ (offsets, timestamps, ids) mostly differ in their last bytes.
  for (let i = n - 1; i >= 0; i--) {
    if (s.charCodeAt(i) !== buf[start + i]) return false;
  }
  return true;
}

/** Up to 9 digits is always a small integer (a V8 smi), whose text V8 makes in a few ns. */
const SMALL_INTEGER_DIGITS_MAX = 9;

/**
 * The text of a canonical small decimal integer (offsets, queue ids, flags, counts: the one-off
 * values of most headers), made from its value, which is cheaper than decoding the bytes; null when
 * the bytes are anything else (a leading zero, a sign, a non-digit).
 */
function smallIntegerText(buf: Buffer, start: number, end: number): string | null {
  if (buf[start] === 0x30 && end - start > 1) return null;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return String(v);
}

/** FNV-1a over the length and four sampled bytes (first, middle, last two); `end - start` >= 2. */
function hashOf(buf: Buffer, start: number, end: number): number {
  const n = end - start;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  h = Math.imul(h ^ buf[start]!, 0x01000193);
  h = Math.imul(h ^ buf[start + (n >> 1)]!, 0x01000193);
  h = Math.imul(h ^ buf[end - 2]!, 0x01000193);
  return Math.imul(h ^ buf[end - 1]!, 0x01000193);
}

/**
 * Writes `s` at `pos` if it is ASCII and fits before the end of `buf`; returns its length, or -1
 * (then some bytes may have been written, and the caller starts over on another path).
 * For short header strings a JS loop beats a call into C++ (buf.write) several times over.
 */
export function writeAscii(s: string, buf: Buffer, pos: number): number {
  const n = s.length;
  if (pos + n > buf.length) return -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[pos + i] = c;
  }
  return n;
}
