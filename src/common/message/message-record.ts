// Owns: the message record, the one layout RocketMQ uses for a message in the CommitLog and in
// PULL_MESSAGE, QUERY_MESSAGE, VIEW_MESSAGE_BY_ID and CHECK_TRANSACTION_STATE bodies; the blank
// record that ends a CommitLog segment; and checking a record before trusting it. No I/O.
// Counterpart: org.apache.rocketmq.store.CommitLog (MessageExtEncoder, DefaultAppendMessageCallback,
// checkMessageAndReturnSize, calMsgLength) and org.apache.rocketmq.common.message.MessageDecoder
// (decode, decodes, createMessageId), 4.9.8; the V2 magic code is 5.x's MessageVersion.
//
// Message record, big-endian; positions for IPv4 born and store hosts (sysFlag bits 4 and 5
// clear). Each IPv6 host adds 12 bytes and moves every later field by 12.
//
//   pos  size  field
//     0     4  TOTALSIZE                    whole record, this field included
//     4     4  MAGICCODE                    0xDAA320A7 (V1: 1-byte topic length)
//                                           0xDAA320AB (V2, 5.x: 2-byte topic length)
//     8     4  BODYCRC                      CRC32 of the stored body & 0x7FFFFFFF
//    12     4  QUEUEID
//    16     4  FLAG                         the producer's flag
//    20     8  QUEUEOFFSET                  ConsumeQueue position; 0 for prepared/rollback records
//    28     8  PHYSICALOFFSET               commitLogOffset of this record
//    36     4  SYSFLAG                      see message-sys-flag.ts
//    40     8  BORNTIMESTAMP                ms
//    48     8  BORNHOST                     IPv4 + int port (20 bytes: IPv6 + int port)
//    56     8  STORETIMESTAMP               ms            (68 with an IPv6 born host)
//    64     8  STOREHOSTADDRESS             IPv4 + port   (20 bytes when IPv6)
//    72     4  RECONSUMETIMES
//    76     8  PREPARED TRANSACTION OFFSET  half record's commitLogOffset on commit records, else 0
//    84     4  BODY length b
//    88     b  BODY                         stored bytes (compressed when sysFlag bit 0)
//  88+b     1  TOPIC length t               (2 bytes with the V2 magic code)
//  89+b     t  TOPIC                        UTF-8
//  89+b+t   2  PROPERTIES length p          signed short, so p <= 32767
//  91+b+t   p  PROPERTIES                   UTF-8, see properties.ts
//
//  total = 91 + b + t + p (RECORD_FIXED_BYTES = 91), + 12 per IPv6 host, + 1 with V2.
//
// Blank record, written where the next record does not fit and the segment ends:
//
//     0     4  remaining bytes of the segment
//     4     4  BLANK MAGICCODE 0xCBD43194
//
// A record is appended only when its size + 8 fits in what is left, so a blank always fits.
//
// Hot paths: writeMessageRecord writes straight into the caller's (segment) buffer, copying the
// body once, and with pre-encoded hosts allocates nothing. decodeMessageRecord returns the body
// as a slice of the input (no copy) unless asked to inflate it; it allocates only the topic,
// hosts, properties and id strings and the properties Map.

import assert from 'node:assert';
import { inflateSync } from 'node:zlib';
import type { ZlibOptions } from 'node:zlib';
import { crc32 } from '../crc32.js';
import { readInt64BE, writeInt64BE } from './int64.js';
import { decodeProperties, PROPERTIES_BYTES_MAX } from './properties.js';
import {
  bornHostLength,
  CompressionType,
  getCompressionType,
  isCompressed,
  MessageSysFlag,
  storeHostLength,
} from './message-sys-flag.js';
import { formatSocketAddress, writeSocketAddress } from './socket-address.js';

export const MESSAGE_MAGIC_CODE_V1 = 0xdaa320a7 | 0;
export const MESSAGE_MAGIC_CODE_V2 = 0xdaa320ab | 0;
export const BLANK_MAGIC_CODE = 0xcbd43194 | 0;
/** Java's END_FILE_MIN_BLANK_LENGTH: a segment always keeps room for a blank record. */
export const BLANK_RECORD_BYTES = 8;

export const TOTAL_SIZE_POS = 0;
export const MAGIC_CODE_POS = 4;
export const BODY_CRC_POS = 8;
export const QUEUE_ID_POS = 12;
export const FLAG_POS = 16;
export const QUEUE_OFFSET_POS = 20;
export const PHYSICAL_OFFSET_POS = 28;
export const SYSFLAG_POS = 36;
export const BORN_TIMESTAMP_POS = 40;
export const BORN_HOST_POS = 48;

/** Position of STORETIMESTAMP: after BORNHOST, whose width the sysFlag decides. */
export function storeTimestampPos(sysFlag: number): number {
  return BORN_HOST_POS + bornHostLength(sysFlag);
}

export function storeHostPos(sysFlag: number): number {
  return storeTimestampPos(sysFlag) + 8;
}

export function reconsumeTimesPos(sysFlag: number): number {
  return storeHostPos(sysFlag) + storeHostLength(sysFlag);
}

export function preparedTransactionOffsetPos(sysFlag: number): number {
  return reconsumeTimesPos(sysFlag) + 4;
}

export function bodyLengthPos(sysFlag: number): number {
  return preparedTransactionOffsetPos(sysFlag) + 8;
}

/** Bytes of the topic length field: 1 with the V1 magic code, 2 with V2. */
export function topicLengthBytes(magicCode: number): 1 | 2 {
  return magicCode === MESSAGE_MAGIC_CODE_V2 ? 2 : 1;
}

/** Position of PROPERTIESLENGTH in the record at `offset`, found from its body and topic lengths. */
export function propertiesLengthPos(buf: Buffer, offset: number): number {
  const bodyLengthAt = offset + bodyLengthPos(buf.readInt32BE(offset + SYSFLAG_POS));
  const topicLengthAt = bodyLengthAt + 4 + buf.readInt32BE(bodyLengthAt);
  return buf.readInt32BE(offset + MAGIC_CODE_POS) === MESSAGE_MAGIC_CODE_V2
    ? topicLengthAt + 2 + buf.readInt16BE(topicLengthAt)
    : topicLengthAt + 1 + buf.readUInt8(topicLengthAt);
}

/** Record bytes besides body, topic and properties, for a sysFlag and magic code. */
export function recordFixedBytes(sysFlag: number, magicCode = MESSAGE_MAGIC_CODE_V1): number {
  return bodyLengthPos(sysFlag) + 4 + topicLengthBytes(magicCode) + 2;
}

/** The smallest record: IPv4 hosts, V1 magic code, empty body, topic and properties. */
export const RECORD_FIXED_BYTES = 91;
assert.equal(recordFixedBytes(0), RECORD_FIXED_BYTES);
assert.equal(storeTimestampPos(0), 56);
assert.equal(storeTimestampPos(MessageSysFlag.BORNHOST_V6_FLAG), 68);
assert.equal(bodyLengthPos(0), 84);

/** The longest topic, in UTF-8 bytes, each magic code can hold (Java reads the length signed). */
export const TOPIC_BYTES_MAX_V1 = 127;
export const TOPIC_BYTES_MAX_V2 = 32767;

/** Java's calMsgLength: the size of a record with these field lengths. */
export function calMsgLength(
  sysFlag: number,
  bodyLength: number,
  topicLength: number,
  propertiesLength: number,
  magicCode = MESSAGE_MAGIC_CODE_V1,
): number {
  return recordFixedBytes(sysFlag, magicCode) + bodyLength + topicLength + propertiesLength;
}

/** The magic code a writer uses for a topic of this many bytes: V1 when it fits, as 5.x does. */
export function magicCodeForTopic(topicLength: number): number {
  return topicLength <= TOPIC_BYTES_MAX_V1 ? MESSAGE_MAGIC_CODE_V1 : MESSAGE_MAGIC_CODE_V2;
}

/** CRC32 of a body & 0x7FFFFFFF, as stored in BODYCRC (Java's UtilAll.crc32). */
export function computeBodyCRC(body: Uint8Array): number {
  return crc32(body) & 0x7fffffff;
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** What a record is written from: Java's MessageExtBrokerInner, as far as the record goes. */
export interface MessageRecordInput {
  readonly topic: string;
  readonly queueId: number;
  readonly flag: number;
  /** Usually written as 0 and patched once the append position is known (patchQueueOffset). */
  readonly queueOffset: number;
  /** PHYSICALOFFSET; as queueOffset, usually patched (patchCommitLogOffset). */
  readonly commitLogOffset: number;
  /** Bits 4 and 5 decide the host widths; a binary host must have the matching length. */
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  /** "ip:port", or its 8/20-byte binary form (encodeSocketAddress), which writes faster. */
  readonly bornHost: string | Uint8Array;
  readonly storeTimestamp: number;
  readonly storeHost: string | Uint8Array;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  /** The body as stored: already compressed when the sysFlag says so. */
  readonly body: Uint8Array;
  /** The properties string exactly as it is to be stored (or its UTF-8 bytes). */
  readonly propertiesString: string | Uint8Array;
  /** Precomputed BODYCRC (computeBodyCRC), e.g. outside the append lock; computed when absent. */
  readonly bodyCRC?: number;
  /** MESSAGE_MAGIC_CODE_V1 or _V2; by default V1 unless the topic is longer than 127 bytes. */
  readonly magicCode?: number;
}

function byteLengthOf(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/** The size `writeMessageRecord` will write for `msg`. */
export function recordSize(msg: MessageRecordInput): number {
  const topicLength = Buffer.byteLength(msg.topic, 'utf8');
  const magicCode = msg.magicCode ?? magicCodeForTopic(topicLength);
  return calMsgLength(msg.sysFlag, msg.body.length, topicLength, byteLengthOf(msg.propertiesString), magicCode);
}

/**
 * Writes `msg` as a full record at `offset` and returns its size. `size` is `recordSize(msg)`,
 * passed when the caller already has it (it reserved the space). Every byte of the record is
 * written, so the target may come from `Buffer.allocUnsafe`. Throws RangeError when the record
 * does not fit, the topic or properties are too long for their length fields, or a number is out
 * of its field's range; the store checks its limits before it gets here.
 */
export function writeMessageRecord(buf: Buffer, offset: number, msg: MessageRecordInput, size = recordSize(msg)): number {
  const end = offset + size;
  if (offset < 0 || end > buf.length) {
    throw new RangeError(`a ${size}-byte record at ${offset} does not fit in ${buf.length} bytes`);
  }
  const sysFlag = msg.sysFlag;
  const topicLength = Buffer.byteLength(msg.topic, 'utf8');
  const magicCode = msg.magicCode ?? magicCodeForTopic(topicLength);
  const v2 = magicCode === MESSAGE_MAGIC_CODE_V2;
  if (!v2 && magicCode !== MESSAGE_MAGIC_CODE_V1) throw new RangeError(`unknown magic code ${magicCode}`);
  if (topicLength > (v2 ? TOPIC_BYTES_MAX_V2 : TOPIC_BYTES_MAX_V1)) {
    throw new RangeError(`topic of ${topicLength} bytes is too long for magic code ${v2 ? 'V2' : 'V1'}`);
  }
  // What is left of `size` is the properties; checked before anything is written.
  const propertiesLength = size - calMsgLength(sysFlag, msg.body.length, topicLength, 0, magicCode);
  if (propertiesLength > PROPERTIES_BYTES_MAX) {
    throw new RangeError(`properties of ${propertiesLength} bytes exceed ${PROPERTIES_BYTES_MAX}`);
  }

  // The whole record lies inside buf (checked above): the int32 fields are plain byte stores.
  putInt32(buf, offset + TOTAL_SIZE_POS, size);
  putInt32(buf, offset + MAGIC_CODE_POS, magicCode);
  putInt32(buf, offset + BODY_CRC_POS, msg.bodyCRC ?? computeBodyCRC(msg.body));
  putInt32(buf, offset + QUEUE_ID_POS, msg.queueId);
  putInt32(buf, offset + FLAG_POS, msg.flag);
  writeInt64BE(buf, offset + QUEUE_OFFSET_POS, msg.queueOffset);
  writeInt64BE(buf, offset + PHYSICAL_OFFSET_POS, msg.commitLogOffset);
  putInt32(buf, offset + SYSFLAG_POS, sysFlag);
  writeInt64BE(buf, offset + BORN_TIMESTAMP_POS, msg.bornTimestamp);
  let pos = offset + BORN_HOST_POS;
  pos += writeSocketAddress(buf, pos, msg.bornHost, (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) !== 0);
  writeInt64BE(buf, pos, msg.storeTimestamp);
  pos += 8;
  pos += writeSocketAddress(buf, pos, msg.storeHost, (sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG) !== 0);
  putInt32(buf, pos, msg.reconsumeTimes);
  writeInt64BE(buf, pos + 4, msg.preparedTransactionOffset);
  pos += 12;

  const body = msg.body;
  putInt32(buf, pos, body.length);
  buf.set(body, pos + 4); // the one copy of the body
  pos += 4 + body.length;

  const tls = v2 ? 2 : 1;
  const topicWritten = writeShortString(buf, pos + tls, msg.topic, topicLength);
  if (v2) buf.writeUInt16BE(topicWritten, pos);
  else buf[pos] = topicWritten;
  pos += tls + topicWritten;

  const properties = msg.propertiesString;
  let propertiesWritten: number;
  if (typeof properties === 'string') {
    propertiesWritten = buf.write(properties, pos + 2, 'utf8');
  } else {
    buf.set(properties, pos + 2);
    propertiesWritten = properties.length;
  }
  buf.writeUInt16BE(propertiesWritten, pos);
  pos += 2 + propertiesWritten;

  // A size that disagrees with msg would leave a record that lies about its length.
  assert.equal(pos, end, 'record size disagrees with the message it was computed for');
  return size;
}

/**
 * Writes `value`, whose UTF-8 length is `byteLength`, at `pos` (known to fit) and returns the
 * bytes written. A short ASCII string (UTF-8 length equal to its UTF-16 length means every unit is
 * below 0x80) is stored byte by byte: for a topic that is about a third of the cost of buf.write.
 */
function writeShortString(buf: Buffer, pos: number, value: string, byteLength: number): number {
  const n = value.length;
  if (n !== byteLength || n > 32) return buf.write(value, pos, 'utf8');
  for (let i = 0; i < n; i++) buf[pos + i] = value.charCodeAt(i);
  return n;
}

/** A Java int at `pos`, known to be inside `buf`; a value outside the int range is refused. */
function putInt32(buf: Buffer, pos: number, value: number): void {
  if ((value | 0) !== value) throw new RangeError(`${value} is out of range for an int32 field`);
  buf[pos] = value >>> 24;
  buf[pos + 1] = value >>> 16;
  buf[pos + 2] = value >>> 8;
  buf[pos + 3] = value;
}

/**
 * Encodes `msg` as a full record: into a new buffer, or at `into.offset` of `into.buf` (then the
 * result is a view of it). For appends, prefer recordSize + writeMessageRecord.
 */
export function encodeMessageRecord(msg: MessageRecordInput, into?: { buf: Buffer; offset: number }): Buffer {
  const size = recordSize(msg);
  if (into === undefined) {
    const out = Buffer.allocUnsafe(size);
    writeMessageRecord(out, 0, msg, size);
    return out;
  }
  writeMessageRecord(into.buf, into.offset, msg, size);
  return into.buf.subarray(into.offset, into.offset + size);
}

/** Sets QUEUEOFFSET of the record at `recordOffset`, once the ConsumeQueue position is known. */
export function patchQueueOffset(buf: Buffer, recordOffset: number, queueOffset: number): void {
  writeInt64BE(buf, recordOffset + QUEUE_OFFSET_POS, queueOffset);
}

/** Sets PHYSICALOFFSET of the record at `recordOffset` to its commitLogOffset. */
export function patchCommitLogOffset(buf: Buffer, recordOffset: number, commitLogOffset: number): void {
  writeInt64BE(buf, recordOffset + PHYSICAL_OFFSET_POS, commitLogOffset);
}

/** Sets STORETIMESTAMP of the record at `recordOffset`; its position depends on the sysFlag. */
export function patchStoreTimestamp(buf: Buffer, recordOffset: number, storeTimestamp: number): void {
  const sysFlag = buf.readInt32BE(recordOffset + SYSFLAG_POS);
  writeInt64BE(buf, recordOffset + storeTimestampPos(sysFlag), storeTimestamp);
}

/**
 * Writes the blank record that closes a segment: `remaining` is every byte left in the segment
 * from `offset`. Only 8 bytes are written; the rest keeps whatever it held (zeros in a new file).
 */
export function writeBlankRecord(buf: Buffer, offset: number, remaining: number): void {
  if (remaining < BLANK_RECORD_BYTES || offset + BLANK_RECORD_BYTES > buf.length) {
    throw new RangeError(`no room for a blank record of ${remaining} bytes at ${offset}`);
  }
  buf.writeInt32BE(remaining, offset);
  buf.writeInt32BE(BLANK_MAGIC_CODE, offset + 4);
}

// ---------------------------------------------------------------------------------------------
// Checking

/** Why a record cannot be trusted. */
export type CorruptReason =
  | 'magic' // neither a message nor a blank magic code
  | 'size' // TOTALSIZE, a length field or the buffer end disagree
  | 'field' // a 64-bit offset or timestamp outside the safe integer range
  | 'crc'; // the body does not match BODYCRC

export type RecordCheck =
  | { readonly status: 'ok'; readonly size: number }
  /** A blank record: the segment ends here; `remaining` bytes (this record included) are unused. */
  | { readonly status: 'blank'; readonly remaining: number }
  /** Nothing written here: the buffer ends, or the next 8 bytes are zero (an unwritten tail). */
  | { readonly status: 'end' }
  | { readonly status: 'corrupt'; readonly reason: CorruptReason; readonly detail: string };

const END: RecordCheck = Object.freeze({ status: 'end' });

function corrupt(reason: CorruptReason, detail: string): RecordCheck {
  return { status: 'corrupt', reason, detail };
}

function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Says what is at `offset` without throwing: a record and its size, a blank record, the end, or
 * why the bytes cannot be a record. `ok` means decodeMessageRecord will succeed there. Recovery
 * stops at the first `corrupt`. `checkCRC` (default true, as Java's checkCRCOnRecover) also
 * checks the body against BODYCRC; as in Java, an empty body is not checked.
 *
 * Java reports the zero-filled tail of a segment as an illegal magic code; `end` tells it apart
 * from real damage.
 */
export function checkMessageRecord(buf: Buffer, offset: number, options: { checkCRC?: boolean } = {}): RecordCheck {
  const available = buf.length - offset;
  if (available === 0) return END;
  if (offset < 0 || available < 0) return corrupt('size', `offset ${offset} is outside the ${buf.length}-byte buffer`);
  if (available < 8) {
    return allZero(buf, offset, buf.length) ? END : corrupt('size', `${available} bytes left, fewer than a record header`);
  }
  const totalSize = buf.readInt32BE(offset + TOTAL_SIZE_POS);
  const magicCode = buf.readInt32BE(offset + MAGIC_CODE_POS);
  if (magicCode === BLANK_MAGIC_CODE) {
    if (totalSize < BLANK_RECORD_BYTES || totalSize > available) {
      return corrupt('size', `blank record claims ${totalSize} bytes, ${available} left`);
    }
    return { status: 'blank', remaining: totalSize };
  }
  if (magicCode !== MESSAGE_MAGIC_CODE_V1 && magicCode !== MESSAGE_MAGIC_CODE_V2) {
    if (totalSize === 0 && magicCode === 0) return END;
    return corrupt('magic', `magic code 0x${(magicCode >>> 0).toString(16)}`);
  }
  if (totalSize < RECORD_FIXED_BYTES || totalSize > available) {
    return corrupt('size', `TOTALSIZE ${totalSize} with ${available} bytes left`);
  }
  const sysFlag = buf.readInt32BE(offset + SYSFLAG_POS);
  const fixed = recordFixedBytes(sysFlag, magicCode);
  if (totalSize < fixed) return corrupt('size', `TOTALSIZE ${totalSize} is below the ${fixed} fixed bytes`);
  const bodyLenPos = offset + bodyLengthPos(sysFlag);
  const bodyLength = buf.readInt32BE(bodyLenPos);
  if (bodyLength < 0 || bodyLength > totalSize - fixed) {
    return corrupt('size', `body length ${bodyLength} does not fit TOTALSIZE ${totalSize}`);
  }
  const topicLenPos = bodyLenPos + 4 + bodyLength;
  const v2 = magicCode === MESSAGE_MAGIC_CODE_V2;
  // Compat: Java reads a V1 topic length as a signed byte; it never writes one above 127.
  const topicLength = v2 ? buf.readInt16BE(topicLenPos) : buf.readUInt8(topicLenPos);
  if (topicLength < 0 || topicLength > totalSize - fixed - bodyLength) {
    return corrupt('size', `topic length ${topicLength} does not fit TOTALSIZE ${totalSize}`);
  }
  const propertiesLength = buf.readInt16BE(topicLenPos + (v2 ? 2 : 1) + topicLength);
  const computed = fixed + bodyLength + topicLength + propertiesLength;
  if (propertiesLength < 0 || computed !== totalSize) {
    return corrupt('size', `TOTALSIZE ${totalSize} but the fields add up to ${computed}`);
  }
  const stPos = offset + storeTimestampPos(sysFlag);
  if (
    Number.isNaN(readInt64BE(buf, offset + QUEUE_OFFSET_POS)) ||
    Number.isNaN(readInt64BE(buf, offset + PHYSICAL_OFFSET_POS)) ||
    Number.isNaN(readInt64BE(buf, offset + BORN_TIMESTAMP_POS)) ||
    Number.isNaN(readInt64BE(buf, stPos)) ||
    Number.isNaN(readInt64BE(buf, bodyLenPos - 8))
  ) {
    return corrupt('field', 'a 64-bit offset or timestamp is outside the safe integer range');
  }
  if (options.checkCRC !== false && bodyLength > 0) {
    const stored = buf.readInt32BE(offset + BODY_CRC_POS);
    const actual = computeBodyCRC(buf.subarray(bodyLenPos + 4, bodyLenPos + 4 + bodyLength));
    if (stored !== actual) return corrupt('crc', `BODYCRC ${stored}, body hashes to ${actual}`);
  }
  return { status: 'ok', size: totalSize };
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A decoded record: Java's MessageExt as far as the record carries it. */
export interface MessageExt {
  /** TOTALSIZE. */
  storeSize: number;
  magicCode: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  /** PHYSICALOFFSET as stored in the record. */
  commitLogOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  /** "ip:port". */
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  /**
   * A slice of the decoded buffer (not a copy: it shares the buffer's memory and lifetime),
   * or a new buffer when it was inflated; empty when decoded with readBody false.
   */
  body: Buffer;
  /** BODY length as stored, whatever `body` holds. */
  storedBodyLength: number;
  /** True when `body` holds the inflated bytes of a compressed record (sysFlag is unchanged). */
  bodyInflated: boolean;
  topic: string;
  /** The stored properties string, exactly. */
  propertiesString: string;
  properties: Map<string, string>;
  /** Store host + PHYSICALOFFSET in uppercase hex (Java's msgId of a decoded MessageExt). */
  offsetMsgId: string;
}

export type MessageRecordErrorReason = CorruptReason | 'blank' | 'end' | 'compression';

/** Bytes that cannot be decoded as a message record. */
export class MessageRecordError extends Error {
  readonly reason: MessageRecordErrorReason;
  /** Offset of the record in the decoded buffer. */
  readonly position: number;

  constructor(reason: MessageRecordErrorReason, position: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MessageRecordError';
    this.reason = reason;
    this.position = position;
  }
}

export interface DecodeMessageRecordOptions {
  /** False skips the body (`body` is empty), as Java's decode(buf, false). Default true. */
  readBody?: boolean;
  /** Inflate a compressed body (copies). Default false: the stored bytes are returned. */
  inflate?: boolean;
  /** Bound on an inflated body; beyond it decoding fails with reason 'compression'. */
  inflatedBodyBytesMax?: number;
  /** Check BODYCRC too. Default false: Java clients do not check it. */
  checkCRC?: boolean;
}

const EMPTY_BODY: Buffer = Buffer.alloc(0);

/**
 * Decodes the record at `offset`. Throws MessageRecordError when checkMessageRecord would not say
 * `ok` there, or when a body to inflate is not valid zlib or uses LZ4/ZSTD (not in Node 20's zlib).
 */
export function decodeMessageRecord(buf: Buffer, offset: number, options: DecodeMessageRecordOptions = {}): MessageExt {
  const check = checkMessageRecord(buf, offset, { checkCRC: options.checkCRC === true });
  if (check.status !== 'ok') throw errorFor(check, offset);
  return decodeCheckedRecord(buf, offset, options);
}

function errorFor(check: Exclude<RecordCheck, { status: 'ok' }>, offset: number): MessageRecordError {
  if (check.status === 'corrupt') {
    return new MessageRecordError(check.reason, offset, `corrupt record at ${offset}: ${check.detail}`);
  }
  return new MessageRecordError(check.status, offset, `no message record at ${offset}: ${check.status}`);
}

/** Decodes a record checkMessageRecord found `ok`. */
function decodeCheckedRecord(buf: Buffer, offset: number, options: DecodeMessageRecordOptions): MessageExt {
  const sysFlag = buf.readInt32BE(offset + SYSFLAG_POS);
  const magicCode = buf.readInt32BE(offset + MAGIC_CODE_POS);
  const bornLength = bornHostLength(sysFlag);
  const storeLength = storeHostLength(sysFlag);
  const stPos = offset + BORN_HOST_POS + bornLength;
  const shPos = stPos + 8;
  const rtPos = shPos + storeLength;
  const bodyLenPos = rtPos + 12;
  const bodyLength = buf.readInt32BE(bodyLenPos);
  const bodyStart = bodyLenPos + 4;
  const topicLenPos = bodyStart + bodyLength;
  const v2 = magicCode === MESSAGE_MAGIC_CODE_V2;
  const topicStart = topicLenPos + (v2 ? 2 : 1);
  const topicEnd = topicStart + (v2 ? buf.readInt16BE(topicLenPos) : buf.readUInt8(topicLenPos));
  const propertiesLength = buf.readInt16BE(topicEnd);
  const propertiesString =
    propertiesLength > 0 ? buf.toString('utf8', topicEnd + 2, topicEnd + 2 + propertiesLength) : '';

  let body: Buffer = EMPTY_BODY;
  let bodyInflated = false;
  if (options.readBody !== false) {
    body = buf.subarray(bodyStart, bodyStart + bodyLength);
    if (options.inflate === true && isCompressed(sysFlag) && bodyLength > 0) {
      body = inflateBody(body, sysFlag, offset, options.inflatedBodyBytesMax);
      bodyInflated = true;
    }
  }

  return {
    storeSize: buf.readInt32BE(offset + TOTAL_SIZE_POS),
    magicCode,
    bodyCRC: buf.readInt32BE(offset + BODY_CRC_POS),
    queueId: buf.readInt32BE(offset + QUEUE_ID_POS),
    flag: buf.readInt32BE(offset + FLAG_POS),
    queueOffset: readInt64BE(buf, offset + QUEUE_OFFSET_POS),
    commitLogOffset: readInt64BE(buf, offset + PHYSICAL_OFFSET_POS),
    sysFlag,
    bornTimestamp: readInt64BE(buf, offset + BORN_TIMESTAMP_POS),
    bornHost: formatSocketAddress(buf, offset + BORN_HOST_POS, bornLength),
    storeTimestamp: readInt64BE(buf, stPos),
    storeHost: formatSocketAddress(buf, shPos, storeLength),
    reconsumeTimes: buf.readInt32BE(rtPos),
    preparedTransactionOffset: readInt64BE(buf, rtPos + 4),
    body,
    storedBodyLength: bodyLength,
    bodyInflated,
    topic: buf.toString('utf8', topicStart, topicEnd),
    propertiesString,
    properties: decodeProperties(propertiesString),
    offsetMsgId: (
      buf.toString('hex', shPos, shPos + storeLength) +
      buf.toString('hex', offset + PHYSICAL_OFFSET_POS, offset + PHYSICAL_OFFSET_POS + 8)
    ).toUpperCase(),
  };
}

function inflateBody(body: Buffer, sysFlag: number, position: number, bytesMax: number | undefined): Buffer {
  const type = getCompressionType(sysFlag);
  if (type !== CompressionType.ZLIB) {
    const name = type === undefined ? 'unknown' : type === CompressionType.LZ4 ? 'LZ4' : 'ZSTD';
    throw new MessageRecordError('compression', position, `cannot inflate a ${name} body (Node 20's zlib has only ZLIB)`);
  }
  const zlibOptions: ZlibOptions = bytesMax === undefined ? {} : { maxOutputLength: bytesMax };
  try {
    return inflateSync(body, zlibOptions);
  } catch (error) {
    const message = `body of the record at ${position} does not inflate`;
    throw new MessageRecordError('compression', position, message, { cause: error });
  }
}

/**
 * Decodes a concatenation of records (a PULL / QUERY_MESSAGE / VIEW_MESSAGE_BY_ID body, or a
 * segment) up to the buffer end, a blank record or a zero-filled tail.
 *
 * Compat: Java's `decodes` silently returns what it decoded before a bad record; this throws a
 * MessageRecordError instead, so a damaged pull is retried rather than its tail skipped.
 */
export function decodeMessageRecords(buf: Buffer, options: DecodeMessageRecordOptions = {}): MessageExt[] {
  const out: MessageExt[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const check = checkMessageRecord(buf, offset, { checkCRC: options.checkCRC === true });
    if (check.status === 'end' || check.status === 'blank') break;
    if (check.status === 'corrupt') throw errorFor(check, offset);
    const msg = decodeCheckedRecord(buf, offset, options);
    out.push(msg);
    offset += msg.storeSize;
  }
  return out;
}
