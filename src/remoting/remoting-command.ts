// Owns: the remoting command (one request or response) and its encoding to and from frames.
// Counterpart: org.apache.rocketmq.remoting.protocol.RemotingCommand.

import { FrameError, HEADER_WORD_BYTES, headerLengthOf } from './frame.js';
import { decodeJsonHeader, encodeJsonHeader } from './header-encoding/json.js';
import { decodeRocketMQHeader, encodeRocketMQHeaderWithPrefix } from './header-encoding/rocketmq.js';

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
  extFields: ExtFields | null = null;
  body: Buffer | null = null;
  serializeType: SerializeType = SerializeType.JSON;

  constructor(code: number) {
    this.code = code;
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
    return this.extFields?.[key];
  }
}

/**
 * Decodes one frame as cut by FrameDecoder (header word first, length field already removed).
 * Throws FrameError when the header cannot be read: the connection must then be closed.
 */
export function decodeCommand(frame: Buffer): RemotingCommand {
  const headerWord = frame.readInt32BE(0);
  const serializeType = (headerWord >>> 24) & 0xff;
  const headerEnd = HEADER_WORD_BYTES + headerLengthOf(headerWord);
  let cmd: RemotingCommand;
  if (serializeType === SerializeType.JSON) {
    cmd = decodeJsonHeader(frame, HEADER_WORD_BYTES, headerEnd);
  } else if (serializeType === SerializeType.ROCKETMQ) {
    cmd = decodeRocketMQHeader(frame, HEADER_WORD_BYTES, headerEnd);
    cmd.serializeType = SerializeType.ROCKETMQ;
  } else {
    throw new FrameError(`unknown serialization type ${serializeType}`);
  }
  if (headerEnd < frame.length) cmd.body = frame.subarray(headerEnd);
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

/** The whole frame in one buffer (tests, tools; the servers write the parts without joining). */
export function encodeCommandToBuffer(cmd: RemotingCommand): Buffer {
  const parts = encodeCommand(cmd);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
