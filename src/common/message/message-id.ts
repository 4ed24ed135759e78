// Owns: the three message id formats: the offset message id (where a record is stored), the
// UNIQ_KEY a producer gives each message, and the 5.x client message id (parsed only). No I/O.
// Counterpart: org.apache.rocketmq.common.message.MessageDecoder#createMessageId/#decodeMessageId,
// org.apache.rocketmq.common.message.MessageClientIDSetter (4.9.8), and the rocketmq-clients
// MessageId (docs/message_id.md; nodejs src/message/MessageId.ts).
//
// Offset message id, uppercase hex, 32 chars (56 with an IPv6 store host):
//
//   0     4|16  store host IP
//   4|16  4     store host port (int)
//   8|20  8     commitLogOffset (long)
//
// UNIQ_KEY, uppercase hex, 32 chars (56 with an IPv6 client address):
//
//   0      4|16  client IP
//   4|16   2     pid (low 16 bits)
//   6|18   4     class-loader hash code (a per-process random int in practice)
//   10|22  4     ms since the start of the current month, in the client's time zone (unsigned)
//   14|26  2     counter (low 16 bits)
//
// 5.x client message id, uppercase hex, 34 chars:
//
//   0  1  version 0x01
//   1  6  MAC address (low 6 bytes)
//   7  2  pid (low 16 bits)
//   9  4  seconds since 2021-01-01T00:00:00Z (low 32 bits)
//  13  4  sequence
//
// A 32-char id may be an offset id or an IPv4 UNIQ_KEY: the formats cannot be told apart by
// shape, only by where the id came from.

import { int64Hex, readInt64BE } from './int64.js';
import { encodeSocketAddress, formatIp, formatSocketAddress, parseIp } from './socket-address.js';

const HEX = /^[0-9A-Fa-f]*$/;

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex').toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Offset message id

/**
 * The offset message id of a record stored at `commitLogOffset` by the broker at `storeHost`
 * ("ip:port", or its 8/20-byte binary form from encodeSocketAddress, which avoids parsing).
 */
export function createOffsetMsgId(storeHost: string | Uint8Array, commitLogOffset: number): string {
  const host = typeof storeHost === 'string' ? encodeSocketAddress(storeHost) : storeHost;
  if (host.length !== 8 && host.length !== 20) throw new TypeError(`a ${host.length}-byte store host`);
  return hexOf(host) + int64Hex(commitLogOffset);
}

export interface OffsetMsgId {
  /** "ip:port" of the broker that stored the record. */
  readonly storeHost: string;
  readonly commitLogOffset: number;
}

/** The broker address and commitLogOffset in an offset message id, or undefined if malformed. */
export function decodeOffsetMsgId(msgId: string): OffsetMsgId | undefined {
  if ((msgId.length !== 32 && msgId.length !== 56) || !HEX.test(msgId)) return undefined;
  const bytes = Buffer.from(msgId, 'hex');
  const hostLength = msgId.length === 32 ? 8 : 20;
  const commitLogOffset = readInt64BE(bytes, hostLength);
  if (Number.isNaN(commitLogOffset) || commitLogOffset < 0) return undefined;
  return { storeHost: formatSocketAddress(bytes, 0, hostLength), commitLogOffset };
}

// ---------------------------------------------------------------------------------------------
// UNIQ_KEY

export type UniqKeyTimeZone = 'local' | 'utc';

/** Start of the month holding `ms`, and of the next one, in the time zone Java's Calendar uses. */
function monthBounds(ms: number, timeZone: UniqKeyTimeZone): [number, number] {
  const d = new Date(ms);
  if (timeZone === 'utc') {
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)];
  }
  return [new Date(d.getFullYear(), d.getMonth(), 1).getTime(), new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime()];
}

export interface UniqKeyGeneratorOptions {
  /** The client's address: IPv4 or IPv6 text, or its 4/16 bytes. */
  readonly ip: string | Uint8Array;
  /** Process id; its low 16 bits are used. */
  readonly pid: number;
  /** Java's class-loader hash: any int that differs between processes on one host. */
  readonly classLoaderHash: number;
  /** Milliseconds since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** Where months start: 'local' (default) as a JVM in this process's time zone, or 'utc'. */
  readonly timeZone?: UniqKeyTimeZone;
}

/**
 * Makes UNIQ_KEYs as a Java producer does (MessageClientIDSetter.createUniqID): a fixed prefix
 * (IP, pid, class-loader hash), the ms since this month began, and a 16-bit counter. Each
 * generator keeps its own counter, starting at 0 as Java's does.
 */
export class UniqKeyGenerator {
  readonly #prefix: string;
  readonly #now: () => number;
  readonly #timeZone: UniqKeyTimeZone;
  #counter = 0;
  #startTime = 0;
  #nextStartTime = 0;

  constructor(options: UniqKeyGeneratorOptions) {
    const ip = typeof options.ip === 'string' ? parseIp(options.ip) : options.ip;
    if (ip === undefined || (ip.length !== 4 && ip.length !== 16)) {
      throw new TypeError(`not an IP address: ${String(options.ip)}`);
    }
    const fixed = Buffer.alloc(ip.length + 6);
    fixed.set(ip, 0);
    fixed.writeUInt16BE(options.pid & 0xffff, ip.length);
    fixed.writeInt32BE(options.classLoaderHash | 0, ip.length + 2);
    this.#prefix = fixed.toString('hex').toUpperCase();
    this.#now = options.now ?? Date.now;
    this.#timeZone = options.timeZone ?? 'local';
  }

  /** The next UNIQ_KEY. */
  next(): string {
    const current = this.#now();
    if (current >= this.#nextStartTime) [this.#startTime, this.#nextStartTime] = monthBounds(current, this.#timeZone);
    // Java narrows the long difference to an int, then forgives small negatives (clock steps).
    let diff = (current - this.#startTime) | 0;
    if (diff < 0 && diff > -1_000_000) diff = 0;
    const counter = this.#counter;
    this.#counter = (counter + 1) & 0xffff;
    return (
      this.#prefix +
      (diff >>> 0).toString(16).toUpperCase().padStart(8, '0') +
      counter.toString(16).toUpperCase().padStart(4, '0')
    );
  }
}

export interface UniqKey {
  /** The client IP as Java prints it. */
  readonly ip: string;
  readonly pid: number;
  readonly classLoaderHash: number;
  /** Ms since the start of the month the key was made in (unsigned). */
  readonly msSinceMonthStart: number;
  readonly counter: number;
}

/** The parts of a UNIQ_KEY, or undefined when it is not 32 or 56 hex digits. */
export function decodeUniqKey(uniqKey: string): UniqKey | undefined {
  if ((uniqKey.length !== 32 && uniqKey.length !== 56) || !HEX.test(uniqKey)) return undefined;
  const bytes = Buffer.from(uniqKey, 'hex');
  const ipLength = uniqKey.length === 32 ? 4 : 16;
  return {
    ip: formatIp(bytes, 0, ipLength),
    pid: bytes.readUInt16BE(ipLength),
    classLoaderHash: bytes.readInt32BE(ipLength + 2),
    msSinceMonthStart: bytes.readUInt32BE(ipLength + 6),
    counter: bytes.readUInt16BE(ipLength + 10),
  };
}

/**
 * When a UNIQ_KEY was made, as Java's getNearlyTimeFromID guesses it: in the month of `nowMs`,
 * or in the month before when that would put it at or after `nowMs`. Undefined when malformed.
 */
export function uniqKeyTimestamp(uniqKey: string, nowMs: number, timeZone: UniqKeyTimeZone = 'local'): number | undefined {
  const key = decodeUniqKey(uniqKey);
  if (key === undefined) return undefined;
  const [monthStart] = monthBounds(nowMs, timeZone);
  if (monthStart + key.msSinceMonthStart < nowMs) return monthStart + key.msSinceMonthStart;
  const d = new Date(monthStart);
  const previous =
    timeZone === 'utc'
      ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)
      : new Date(d.getFullYear(), d.getMonth() - 1, 1).getTime();
  return previous + key.msSinceMonthStart;
}

// ---------------------------------------------------------------------------------------------
// 5.x client message id

/** 2021-01-01T00:00:00Z in seconds, the epoch of 5.x message ids. */
export const MESSAGE_ID_V1_EPOCH_SECONDS = 1_609_459_200;

export interface MessageIdV1 {
  /** 1. */
  readonly version: number;
  /** 12 uppercase hex digits, as in the id. */
  readonly macAddress: string;
  readonly processId: number;
  readonly secondsSinceEpoch2021: number;
  readonly sequence: number;
  /** secondsSinceEpoch2021 as ms since the Unix epoch (second precision). */
  readonly timestampMs: number;
}

/** The parts of a 5.x client message id ("01" + 32 hex digits), or undefined otherwise. */
export function parseMessageIdV1(messageId: string): MessageIdV1 | undefined {
  if (messageId.length !== 34 || !HEX.test(messageId) || messageId.slice(0, 2) !== '01') return undefined;
  const bytes = Buffer.from(messageId, 'hex');
  const seconds = bytes.readUInt32BE(9);
  return {
    version: 1,
    macAddress: messageId.slice(2, 14).toUpperCase(),
    processId: bytes.readUInt16BE(7),
    secondsSinceEpoch2021: seconds,
    sequence: bytes.readUInt32BE(13),
    timestampMs: (MESSAGE_ID_V1_EPOCH_SECONDS + seconds) * 1000,
  };
}
