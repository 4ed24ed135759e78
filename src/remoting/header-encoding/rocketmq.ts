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
import { type ExtFields, RemotingCommand } from '../remoting-command.js';
import { ExtFieldsBuilder } from './ext-fields-builder.js';
import { StringTable, writeAscii } from './header-strings.js';

export const ROCKETMQ_HEADER_FIXED_BYTES = 21;
assert.equal(ROCKETMQ_HEADER_FIXED_BYTES, 2 + 1 + 2 + 4 + 4 + 4 + 4);

/** LanguageCode names by their byte, as RocketMQ numbers them. */
export const LANGUAGE_CODES: readonly string[] = Object.freeze([
  'JAVA', 'CPP', 'DOTNET', 'PYTHON', 'DELPHI', 'ERLANG', 'RUBY', 'OTHER', 'HTTP', 'GO', 'PHP', 'OMS', 'RUST', 'NODE_JS',
]);
const LANGUAGE_BYTES: ReadonlyMap<string, number> = new Map(LANGUAGE_CODES.map((name, i) => [name, i]));
const JAVA_LANGUAGE = 0;
/**
 * Strings up to this length are written by a JS loop, longer ones by Buffer#write: the loop costs
 * ~2.5 ns a char, Buffer#write 60-100 ns whatever the length, so they break even around here
 * (a 32-char msgId measured no slower by the loop).
 */
const SHORT_STRING_CHARS = 32;
const OTHER_LANGUAGE = 7;

/**
 * Module-level, but memos only: the table of interned strings and the compiled object shapes
 * change how fast a header decodes, never what it decodes to, and decoding is synchronous, so
 * nothing can observe them between two frames.
 */
const strings = new StringTable();
const extFieldsBuilder = new ExtFieldsBuilder();

/**
 * Decodes the fixed part and the remark; the extFields are checked here (a malformed entry is a
 * FrameError now, as before) but decoded into strings only when first read (RemotingCommand keeps
 * their bytes): a handler that reads one field never pays for the other twelve.
 */
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
  if (remarkLength > 0) cmd.remark = strings.read(frame, pos, pos + remarkLength);
  pos += remarkLength;
  const extLength = getInt32(frame, pos);
  pos += 4;
  if (extLength < 0 || extLength > end - pos) throw new FrameError(`ROCKETMQ extFields length ${extLength} exceeds the header`);
  if (extLength > 0) {
    checkExtFields(frame, pos, pos + extLength);
    cmd.setEncodedExtFields(frame, pos, pos + extLength);
  }
  return cmd;
}

/** Walks the entries of an extFields region, checking every length against the region. */
function checkExtFields(frame: Buffer, start: number, end: number): void {
  let pos = start;
  while (pos < end) {
    if (end - pos < 2) throw new FrameError('ROCKETMQ extFields entry cut short');
    const keyLength = getInt16(frame, pos);
    pos += 2;
    if (keyLength < 0 || end - pos < keyLength + 4) throw new FrameError('ROCKETMQ extFields key exceeds the header');
    pos += keyLength;
    const valueLength = getInt32(frame, pos);
    pos += 4;
    if (valueLength < 0 || end - pos < valueLength) throw new FrameError('ROCKETMQ extFields value exceeds the header');
    pos += valueLength;
  }
}

/** The extFields of a region checkExtFields accepted. */
export function decodeExtFields(frame: Buffer, start: number, end: number): ExtFields {
  const builder = extFieldsBuilder;
  builder.begin();
  let pos = start;
  while (pos < end) {
    const keyLength = getInt16(frame, pos);
    pos += 2;
    const key = strings.read(frame, pos, pos + keyLength);
    pos += keyLength;
    const valueLength = getInt32(frame, pos);
    pos += 4;
    builder.add(key, strings.read(frame, pos, pos + valueLength));
    pos += valueLength;
  }
  return builder.build();
}

/**
 * The value of `key` in a region checkExtFields accepted, decoding nothing else: the last entry
 * with that key, as in the object decodeExtFields builds. `key` must be ASCII.
 */
export function findExtField(frame: Buffer, start: number, end: number, key: string): string | undefined {
  const n = key.length;
  let found = -1;
  let pos = start;
  while (pos < end) {
    const keyLength = getInt16(frame, pos);
    pos += 2;
    if (keyLength === n && asciiEquals(key, frame, pos)) found = pos + keyLength;
    pos += keyLength;
    pos += 4 + getInt32(frame, pos);
  }
  if (found < 0) return undefined;
  return strings.read(frame, found + 4, found + 4 + getInt32(frame, found));
}

function asciiEquals(key: string, buf: Buffer, pos: number): boolean {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key.charCodeAt(i) !== buf[pos + i]) return false;
  }
  return true;
}

function getInt16(buf: Buffer, pos: number): number {
  return ((buf[pos]! << 24) | (buf[pos + 1]! << 16)) >> 16;
}

function getInt32(buf: Buffer, pos: number): number {
  return (buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!;
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

/** An upper bound of rocketMQHeaderBytes(cmd): no UTF-16 unit takes more than 3 bytes of UTF-8. */
function headerBytesBound(cmd: RemotingCommand): number {
  let n = ROCKETMQ_HEADER_FIXED_BYTES;
  if (cmd.remark !== null) n += 3 * cmd.remark.length;
  const ext = cmd.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const v = ext[key];
      if (v !== undefined) n += 6 + 3 * (key.length + v.length);
    }
  }
  return n;
}

/**
 * Encodes the header after `prefixBytes` bytes of a new buffer, leaving the prefix for the caller
 * (the frame's length field and header word). Returns the buffer and the header length.
 */
export function encodeRocketMQHeaderWithPrefix(cmd: RemotingCommand, prefixBytes: number): { buf: Buffer; headerLength: number } {
  const buf = Buffer.allocUnsafe(prefixBytes + headerBytesBound(cmd));
  const end = writeHeader(cmd, buf, prefixBytes, false);
  return { buf: buf.subarray(0, end), headerLength: end - prefixBytes };
}

/** Writes the header at `offset`; `buf` must have rocketMQHeaderBytes(cmd) bytes there. Returns the end. */
export function encodeRocketMQHeader(cmd: RemotingCommand, buf: Buffer, offset: number): number {
  return writeHeader(cmd, buf, offset, false);
}

/**
 * Writes the header at `offset` in one pass, without sizing it first, when it surely fits before
 * the end of `buf`, which is nearly always; returns the end, or -1 when it might not fit (the
 * caller then sizes it with rocketMQHeaderBytes and uses encodeRocketMQHeader).
 */
export function tryEncodeRocketMQHeader(cmd: RemotingCommand, buf: Buffer, offset: number): number {
  if (offset + ROCKETMQ_HEADER_FIXED_BYTES > buf.length) return -1;
  return writeHeader(cmd, buf, offset, true);
}

/**
 * Returns the end position. When `bounded`, every string is checked against the end of `buf`
 * before it is written, and -1 is returned when one might not fit.
 */
function writeHeader(cmd: RemotingCommand, buf: Buffer, offset: number, bounded: boolean): number {
  let pos = offset;
  buf[pos++] = (cmd.code >>> 8) & 0xff;
  buf[pos++] = cmd.code & 0xff;
  buf[pos++] = cmd.language === 'JAVA' ? JAVA_LANGUAGE : (LANGUAGE_BYTES.get(cmd.language) ?? OTHER_LANGUAGE);
  buf[pos++] = (cmd.version >>> 8) & 0xff;
  buf[pos++] = cmd.version & 0xff;
  pos = putInt32(buf, pos, cmd.opaque);
  pos = putInt32(buf, pos, cmd.flag);
  if (cmd.remark === null) {
    pos = putInt32(buf, pos, 0);
  } else {
    const n = writeString(cmd.remark, buf, pos + 4, bounded);
    if (n < 0) return -1;
    putInt32(buf, pos, n);
    pos += 4 + n;
    if (bounded && pos + 4 > buf.length) return -1;
  }
  const lengthAt = pos;
  pos += 4;
  const ext = cmd.extFields;
  if (ext !== null) {
    for (const key in ext) {
      const v = ext[key];
      if (v === undefined) continue;
      const k = writeString(key, buf, pos + 2, bounded);
      if (k < 0) return -1;
      buf[pos] = (k >>> 8) & 0xff;
      buf[pos + 1] = k & 0xff;
      pos += 2 + k;
      const n = writeString(v, buf, pos + 4, bounded);
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

/** Writes `s` as UTF-8 at `pos`; returns the bytes written, or -1 when `bounded` and it might not fit. */
function writeString(s: string, buf: Buffer, pos: number, bounded: boolean): number {
  const n = s.length;
  if (n <= SHORT_STRING_CHARS) {
    const written = writeAscii(s, buf, pos);
    if (written >= 0) return written;
  }
  // A UTF-16 unit never takes more than 3 bytes of UTF-8; with less room the write could be cut.
  if (bounded && buf.length - pos < 3 * n) return -1;
  return buf.write(s, pos, 'utf8');
}
