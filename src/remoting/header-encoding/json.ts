// Owns: the JSON header serialization (serialize type 0).
// Counterpart: org.apache.rocketmq.remoting.protocol.RemotingSerializable (fastjson) as used by
// RemotingCommand.headerEncode / headerDecode.
//
// Java writes the header with fastjson: top-level keys in alphabetical order, `remark` left out when
// null, `extFields` values as strings, and `"serializeTypeCurrentRPC":"JSON"`. ali-ons reads it with
// JSON.parse, so the text must be strict JSON. Readers accept numbers and booleans in extFields
// (ali-ons sends them raw) and turn them into strings, as Java does.

import { FrameError } from '../frame.js';
import { RemotingCommand } from '../remoting-command.js';

export function decodeJsonHeader(frame: Buffer, start: number, end: number): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame.toString('utf8', start, end));
  } catch (err) {
    throw new FrameError(`malformed JSON header: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FrameError('malformed JSON header: not an object');
  }
  const h = parsed as Record<string, unknown>;
  const cmd = new RemotingCommand(intField(h, 'code', true));
  cmd.opaque = intField(h, 'opaque', false);
  cmd.flag = intField(h, 'flag', false);
  cmd.version = intField(h, 'version', false);
  const language = h['language'];
  if (typeof language === 'string') cmd.language = language;
  const remark = h['remark'];
  if (typeof remark === 'string') cmd.remark = remark;
  const ext = h['extFields'];
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object' || Array.isArray(ext)) throw new FrameError('malformed JSON header: extFields is not an object');
    cmd.extFields = coerceExtFields(ext as Record<string, unknown>);
  }
  return cmd;
}

function intField(h: Record<string, unknown>, key: string, required: boolean): number {
  const v = h[key];
  if (v === undefined || v === null) {
    if (required) throw new FrameError(`malformed JSON header: no ${key}`);
    return 0;
  }
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new FrameError(`malformed JSON header: ${key} is not an integer`);
}

function coerceExtFields(ext: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key in ext) {
    const v = ext[key];
    if (v === null || v === undefined) continue;
    out[key] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The header text, byte-compatible with fastjson's output for the same command. */
export function encodeJsonHeader(cmd: RemotingCommand): string {
  let s = '{"code":' + cmd.code;
  const ext = cmd.extFields;
  // One stringify of the whole map is twice as fast as one per entry, and writes the same text:
  // string values in insertion order, undefined ones left out.
  if (ext !== null) s += ',"extFields":' + JSON.stringify(ext);
  s += ',"flag":' + cmd.flag + ',"language":' + JSON.stringify(cmd.language) + ',"opaque":' + cmd.opaque;
  if (cmd.remark !== null) s += ',"remark":' + JSON.stringify(cmd.remark);
  return s + ',"serializeTypeCurrentRPC":"JSON","version":' + cmd.version + '}';
}
