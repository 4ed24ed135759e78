// Owns: the binary ROCKETMQ header serialization (serialize type 1).
// Counterpart: org.apache.rocketmq.remoting.protocol.RocketMQSerializable.
//
//   offset  size  field
//   0       2     code (short)
//   2       1     language code byte (JAVA 0 ... NODE_JS 13)
//   3       2     version (short)
//   5       4     opaque
//   9       4     flag
//   13      4     remark length r (0 = null)
//   17      r     remark, UTF-8
//   17+r    4     extFields length m
//   21+r    m     entries: short keyLength, key UTF-8, int valueLength, value UTF-8
//   total: 21 + r + m bytes

import assert from 'node:assert';
import { FrameError } from '../frame.js';
import { RemotingCommand } from '../remoting-command.js';

export const ROCKETMQ_HEADER_FIXED_BYTES = 21;
assert.equal(ROCKETMQ_HEADER_FIXED_BYTES, 2 + 1 + 2 + 4 + 4 + 4 + 4);

/** LanguageCode names by their byte, as RocketMQ numbers them. */
export const LANGUAGE_CODES: readonly string[] = Object.freeze([
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
]);
const LANGUAGE_BYTES: ReadonlyMap<string, number> = new Map(LANGUAGE_CODES.map((name, i) => [name, i]));
const OTHER_LANGUAGE = 7;

export function decodeRocketMQHeader(frame: Buffer, start: number, end: number): RemotingCommand {
  if (end - start < ROCKETMQ_HEADER_FIXED_BYTES) {
    throw new FrameError(`ROCKETMQ header of ${end - start} bytes is shorter than ${ROCKETMQ_HEADER_FIXED_BYTES}`);
  }
  // Bounds are checked against `end` before every read, so the reads themselves go unchecked.
  const cmd = new RemotingCommand(getInt16(frame, start));
  cmd.language = LANGUAGE_CODES[frame[start + 2]!] ?? 'OTHER';
  cmd.version = getInt16(frame, start + 3);
  cmd.opaque = getInt32(frame, start + 5);
  cmd.flag = getInt32(frame, start + 9);
  let pos = start + 13;
  const remarkLength = getInt32(frame, pos);
  pos += 4;
  if (remarkLength < 0 || remarkLength > end - pos - 4) throw new FrameError(`ROCKETMQ remark length ${remarkLength} exceeds the header`);
  if (remarkLength > 0) cmd.remark = readString(frame, pos, pos + remarkLength);
  pos += remarkLength;
  const extLength = getInt32(frame, pos);
  pos += 4;
  if (extLength < 0 || extLength > end - pos) throw new FrameError(`ROCKETMQ extFields length ${extLength} exceeds the header`);
  if (extLength > 0) cmd.extFields = decodeExtFields(frame, pos, pos + extLength);
  return cmd;
}

function decodeExtFields(frame: Buffer, start: number, end: number): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = start;
  while (pos < end) {
    if (end - pos < 2) throw new FrameError('ROCKETMQ extFields entry cut short');
    const keyLength = getInt16(frame, pos);
    pos += 2;
    if (keyLength < 0 || end - pos < keyLength + 4) throw new FrameError('ROCKETMQ extFields key exceeds the header');
    const key = readKey(frame, pos, pos + keyLength);
    pos += keyLength;
    const valueLength = getInt32(frame, pos);
    pos += 4;
    if (valueLength < 0 || end - pos < valueLength) throw new FrameError('ROCKETMQ extFields value exceeds the header');
    out[key] = readString(frame, pos, pos + valueLength);
    pos += valueLength;
  }
  return out;
}

function getInt16(buf: Buffer, pos: number): number {
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16)) >> 16;
}

function getInt32(buf: Buffer, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
}

// Header strings are short and almost always ASCII; for those a JS loop beats a call into C++
// (buf.write) several times over. Anything else takes the UTF-8 path.

function readString(buf: Buffer, start: number, end: number): string {
  // Checking first and slicing once makes one string; appending char by char made one per char,
  // and the garbage showed up as GC time.
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return buf.toString('utf8', start, end);
  }
  return buf.toString('latin1', start, end);
}

/**
 * Header keys repeat from frame to frame ('a'...'n', 'msgId', 'queueId'...): a small table keyed
 * by length and first and last byte hands back the same string without allocating a new one.
 * Module-level, but only a memo of immutable strings: nothing observes it.
 */
const KEY_CACHE_SIZE = 256;
const keyCache: (string | undefined)[] = new Array<string | undefined>(KEY_CACHE_SIZE);

function readKey(buf: Buffer, start: number, end: number): string {
  const length = end - start;
  if (length === 0 || length > 32) return readString(buf, start, end);
  const slot = (length * 31 + buf[start]! * 7 + buf[end - 1]!) & (KEY_CACHE_SIZE - 1);
  const cached = keyCache[slot];
  if (cached !== undefined && cached.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (cached.charCodeAt(i) !== buf[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cached;
  }
  const key = readString(buf, start, end);
  keyCache[slot] = key;
  return key;
}

/** Writes `s` at `pos` if it is ASCII and returns its length, or -1 (nothing usable written). */
function writeAscii(s: string, buf: Buffer, pos: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[pos + i] = c;
  }
  return n;
}

/** Header bytes `cmd` needs in the ROCKETMQ form, counting every string as ASCII. */
function asciiHeaderBytes(cmd: RemotingCommand): number {
  let n = ROCKETMQ_HEADER_FIXED_BYTES;
  if (cmd.remark !== null) n += cmd.remark.length;
  const ext = cmd.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const v = ext[key];
      if (v !== undefined) n += 6 + key.length + v.length;
    }
  }
  return n;
}

/** Header bytes `cmd` needs in the ROCKETMQ form. */
export function rocketMQHeaderBytes(cmd: RemotingCommand): number {
  let n = ROCKETMQ_HEADER_FIXED_BYTES;
  if (cmd.remark !== null) n += Buffer.byteLength(cmd.remark);
  const ext = cmd.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const v = ext[key];
      if (v === undefined) continue;
      n += 6 + Buffer.byteLength(key) + Buffer.byteLength(v);
    }
  }
  return n;
}

/**
 * Encodes the header after `prefixBytes` bytes of a new buffer, leaving the prefix for the caller
 * (the frame's length field and header word). Returns the buffer and the header length.
 */
export function encodeRocketMQHeaderWithPrefix(cmd: RemotingCommand, prefixBytes: number): { buf: Buffer; headerLength: number } {
  const asciiLength = asciiHeaderBytes(cmd);
  const fast = Buffer.allocUnsafe(prefixBytes + asciiLength);
  if (writeHeader(cmd, fast, prefixBytes, true) === prefixBytes + asciiLength) return { buf: fast, headerLength: asciiLength };
  const headerLength = rocketMQHeaderBytes(cmd);
  const buf = Buffer.allocUnsafe(prefixBytes + headerLength);
  writeHeader(cmd, buf, prefixBytes, false);
  return { buf, headerLength };
}

/** Writes the header at `offset`; `buf` must have rocketMQHeaderBytes(cmd) bytes there. */
export function encodeRocketMQHeader(cmd: RemotingCommand, buf: Buffer, offset: number): number {
  return writeHeader(cmd, buf, offset, false);
}

/** Returns the end position, or -1 when `asciiOnly` and a string was not ASCII. */
function writeHeader(cmd: RemotingCommand, buf: Buffer, offset: number, asciiOnly: boolean): number {
  let pos = offset;
  buf[pos++] = (cmd.code >>> 8) & 0xff;
  buf[pos++] = cmd.code & 0xff;
  buf[pos++] = LANGUAGE_BYTES.get(cmd.language) ?? OTHER_LANGUAGE;
  buf[pos++] = (cmd.version >>> 8) & 0xff;
  buf[pos++] = cmd.version & 0xff;
  pos = putInt32(buf, pos, cmd.opaque);
  pos = putInt32(buf, pos, cmd.flag);
  if (cmd.remark === null) {
    pos = putInt32(buf, pos, 0);
  } else {
    const n = writeString(cmd.remark, buf, pos + 4, asciiOnly);
    if (n < 0) return -1;
    putInt32(buf, pos, n);
    pos += 4 + n;
  }
  const lengthAt = pos;
  pos += 4;
  const ext = cmd.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const v = ext[key];
      if (v === undefined) continue;
      const k = writeString(key, buf, pos + 2, asciiOnly);
      if (k < 0) return -1;
      buf[pos] = (k >>> 8) & 0xff;
      buf[pos + 1] = k & 0xff;
      pos += 2 + k;
      const n = writeString(v, buf, pos + 4, asciiOnly);
      if (n < 0) return -1;
      putInt32(buf, pos, n);
      pos += 4 + n;
    }
  }
  putInt32(buf, lengthAt, pos - lengthAt - 4);
  return pos;
}

/** Big-endian int32 without Buffer#writeInt32BE's argument checks (hot path; values are ints). */
function putInt32(buf: Buffer, pos: number, v: number): number {
  buf[pos] = (v >>> 24) & 0xff;
  buf[pos + 1] = (v >>> 16) & 0xff;
  buf[pos + 2] = (v >>> 8) & 0xff;
  buf[pos + 3] = v & 0xff;
  return pos + 4;
}

function writeString(s: string, buf: Buffer, pos: number, asciiOnly: boolean): number {
  return asciiOnly ? writeAscii(s, buf, pos) : buf.write(s, pos, 'utf8');
}
