// Owns: the remoting command (one request or response) and its encoding to and from frames.
// Counterpart: org.apache.rocketmq.remoting.protocol.RemotingCommand.

import { FrameError, HEADER_WORD_BYTES, headerLengthOf } from './frame.js';
import { decodeJsonHeader, encodeJsonHeader } from './header-encoding/json.js';
import {
  decodeExtFields,
  decodeRocketMQHeader,
  encodeRocketMQHeader,
  encodeRocketMQHeaderWithPrefix,
  findExtField,
  rocketMQHeaderBytes,
  tryEncodeRocketMQHeader,
} from './header-encoding/rocketmq.js';
import { BODY_COPY_BYTES_MAX, type OutboundQueue } from './outbound-buffer.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Flag bits. Bit 0: response. Bit 1: one-way request (no response expected). */
export const RPC_TYPE_RESPONSE = 0b01;
export const RPC_ONEWAY = 0b10;

/**
 * Compat: Apache RocketMQ 4.9.8 servers answer with their own version, 409 (V4_9_8), and clients
 * use the version to pick features (e.g. the NameServer writes standard JSON for >= 401). We speak
 * the 4.9.8 protocol, so we say 409.
 */
export const PROTOCOL_VERSION = 409;

/**
 * Compat: 4.9 peers know the languages up to OMS only and some parse the name into an enum, so we
 * announce ourselves as JAVA, as ali-ons does.
 */
export const DEFAULT_LANGUAGE = 'JAVA';

export type ExtFields = Record<string, string>;

export class RemotingCommand {
  code: number;
  language: string = DEFAULT_LANGUAGE;
  version: number = PROTOCOL_VERSION;
  opaque = 0;
  flag = 0;
  remark: string | null = null;
  body: Buffer | null = null;
  serializeType: SerializeType = SerializeType.JSON;
  #extFields: ExtFields | null = null;
  /**
   * A decoded ROCKETMQ header keeps its extFields as bytes, `#encoded[#encodedStart, #encodedEnd)`
   * (already checked), until they are read: most readers use a few fields, or none.
   */
  #encoded: Buffer | null = null;
  #encodedStart = 0;
  #encodedEnd = 0;

  constructor(code: number) {
    this.code = code;
  }

  get extFields(): ExtFields | null {
    if (this.#encoded !== null) {
      this.#extFields = decodeExtFields(this.#encoded, this.#encodedStart, this.#encodedEnd);
      this.#encoded = null;
    }
    return this.#extFields;
  }

  set extFields(extFields: ExtFields | null) {
    this.#encoded = null;
    this.#extFields = extFields;
  }

  /** For the ROCKETMQ header decoder: extFields as a checked region of `buf`, decoded on first use. */
  setEncodedExtFields(buf: Buffer, start: number, end: number): void {
    this.#extFields = null;
    this.#encoded = buf;
    this.#encodedStart = start;
    this.#encodedEnd = end;
  }

  static request(code: number, extFields: ExtFields | null = null, body: Buffer | null = null): RemotingCommand {
    const cmd = new RemotingCommand(code);
    cmd.extFields = extFields;
    cmd.body = body;
    return cmd;
  }

  static response(code: number, remark: string | null = null, extFields: ExtFields | null = null): RemotingCommand {
    const cmd = new RemotingCommand(code);
    cmd.flag = RPC_TYPE_RESPONSE;
    cmd.remark = remark;
    cmd.extFields = extFields;
    return cmd;
  }

  /** A response to `request`: same opaque and serialization, response bit set. */
  static responseTo(request: RemotingCommand, code: number, remark: string | null = null): RemotingCommand {
    const cmd = RemotingCommand.response(code, remark);
    cmd.opaque = request.opaque;
    cmd.serializeType = request.serializeType;
    return cmd;
  }

  get isResponse(): boolean {
    return (this.flag & RPC_TYPE_RESPONSE) !== 0;
  }

  get isOneway(): boolean {
    return (this.flag & RPC_ONEWAY) !== 0;
  }

  markOneway(): this {
    this.flag |= RPC_ONEWAY;
    return this;
  }

  /** The value of one extField, or undefined. */
  ext(key: string): string | undefined {
    const encoded = this.#encoded;
    // Straight from the bytes while nothing else was read, for keys that compare byte for byte and
    // that the object would not answer from its prototype ('toString', '__proto__'...).
    if (encoded !== null && isPlainAsciiKey(key)) return findExtField(encoded, this.#encodedStart, this.#encodedEnd, key);
    return this.extFields?.[key];
  }
}

/** Names an ExtFields object answers from its prototype, whatever its own properties. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function isPlainAsciiKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) >= 0x80) return false;
  }
  return !PROTOTYPE_KEYS.has(key);
}

/**
 * Decodes one frame as cut by FrameDecoder (header word first, length field already removed).
 * Throws FrameError when the header cannot be read: the connection must then be closed.
 */
export function decodeCommand(frame: Buffer): RemotingCommand {
  return decodeCommandAt(frame, 0, frame.length);
}

/** As decodeCommand, for the frame in `buf[start, end)`; the body is a slice of `buf`. */
export function decodeCommandAt(buf: Buffer, start: number, end: number): RemotingCommand {
  if (end - start < HEADER_WORD_BYTES) throw new FrameError(`frame of ${end - start} bytes has no header word`);
  const headerWord = (buf[start]! << 24) | (buf[start + 1]! << 16) | (buf[start + 2]! << 8) | buf[start + 3]!;
  const serializeType = (headerWord >>> 24) & 0xff;
  const headerStart = start + HEADER_WORD_BYTES;
  const headerEnd = headerStart + headerLengthOf(headerWord);
  let cmd: RemotingCommand;
  if (serializeType === SerializeType.ROCKETMQ) {
    cmd = decodeRocketMQHeader(buf, headerStart, headerEnd);
    cmd.serializeType = SerializeType.ROCKETMQ;
  } else if (serializeType === SerializeType.JSON) {
    cmd = decodeJsonHeader(buf, headerStart, headerEnd);
  } else {
    throw new FrameError(`unknown serialization type ${serializeType}`);
  }
  if (headerEnd < end) cmd.body = buf.subarray(headerEnd, end);
  return cmd;
}

/**
 * Encodes a command as the buffers to write: the length field, header word and header in one
 * buffer, then the body as it is (never copied).
 */
export function encodeCommand(cmd: RemotingCommand): [Buffer] | [Buffer, Buffer] {
  const bodyLength = cmd.body === null ? 0 : cmd.body.length;
  let head: Buffer;
  if (cmd.serializeType === SerializeType.ROCKETMQ) {
    const encoded = encodeRocketMQHeaderWithPrefix(cmd, 8);
    head = encoded.buf;
    head.writeInt32BE(HEADER_WORD_BYTES + encoded.headerLength + bodyLength, 0);
    head.writeInt32BE((SerializeType.ROCKETMQ << 24) | encoded.headerLength, 4);
  } else {
    const json = encodeJsonHeader(cmd);
    const headerLength = Buffer.byteLength(json);
    head = Buffer.allocUnsafe(8 + headerLength);
    head.writeInt32BE(HEADER_WORD_BYTES + headerLength + bodyLength, 0);
    head.writeInt32BE(headerLength, 4);
    head.write(json, 8, 'utf8');
  }
  return cmd.body === null || bodyLength === 0 ? [head] : [head, cmd.body];
}

/** Room reserved for a ROCKETMQ header before its size is known; a larger one is sized exactly. */
const HEADER_BYTES_GUESS = 1024;
const FRAME_PREFIX_BYTES = 8;

/**
 * Encodes a command into `out`, the staging buffer of its connection: length field, header word
 * and header written in place, a small body copied after them, a large one queued as it is.
 */
export function encodeCommandInto(cmd: RemotingCommand, out: OutboundQueue): void {
  const body = cmd.body;
  const bodyLength = body === null ? 0 : body.length;
  const copiedBodyBytes = bodyLength <= BODY_COPY_BYTES_MAX ? bodyLength : 0;
  let buf: Buffer;
  let start: number;
  let headerEnd: number;
  if (cmd.serializeType === SerializeType.ROCKETMQ) {
    buf = out.reserve(FRAME_PREFIX_BYTES + HEADER_BYTES_GUESS + copiedBodyBytes);
    start = out.position;
    headerEnd = tryEncodeRocketMQHeader(cmd, buf, start + FRAME_PREFIX_BYTES);
    if (headerEnd < 0) {
      // A header larger than the room left: size it exactly, then write it.
      buf = out.reserve(FRAME_PREFIX_BYTES + rocketMQHeaderBytes(cmd) + copiedBodyBytes);
      start = out.position;
      headerEnd = encodeRocketMQHeader(cmd, buf, start + FRAME_PREFIX_BYTES);
    }
  } else {
    const json = encodeJsonHeader(cmd);
    buf = out.reserve(FRAME_PREFIX_BYTES + Buffer.byteLength(json) + copiedBodyBytes);
    start = out.position;
    headerEnd = start + FRAME_PREFIX_BYTES + buf.write(json, start + FRAME_PREFIX_BYTES, 'utf8');
  }
  const headerLength = headerEnd - start - FRAME_PREFIX_BYTES;
  putInt32(buf, start, HEADER_WORD_BYTES + headerLength + bodyLength);
  putInt32(buf, start + 4, (cmd.serializeType << 24) | headerLength);
  if (bodyLength === 0) {
    out.commit(headerEnd);
  } else if (copiedBodyBytes > 0 && buf.length - headerEnd >= bodyLength) {
    buf.set(body!, headerEnd);
    out.commit(headerEnd + bodyLength);
  } else {
    out.commit(headerEnd);
    out.appendUncopied(body!);
  }
}

function putInt32(buf: Buffer, pos: number, v: number): void {
  buf[pos] = (v >>> 24) & 0xff;
  buf[pos + 1] = (v >>> 16) & 0xff;
  buf[pos + 2] = (v >>> 8) & 0xff;
  buf[pos + 3] = v & 0xff;
}

/** The whole frame in one buffer (tests, tools; the servers write the parts without joining). */
export function encodeCommandToBuffer(cmd: RemotingCommand): Buffer {
  const parts = encodeCommand(cmd);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
