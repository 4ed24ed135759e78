// Owns: TopicConfig and its defaults, DataVersion, PermName, and the REGISTER_BROKER body
// (RegisterBrokerBody) in both its JSON and its compressed binary form. No I/O.
// Counterpart: org.apache.rocketmq.common.{TopicConfig,DataVersion,constant.PermName} and
// org.apache.rocketmq.common.protocol.body.{RegisterBrokerBody,TopicConfigSerializeWrapper} (4.9.8;
// 5.x moved the last three to org.apache.rocketmq.remoting.protocol.*).

import { deflateSync, inflateSync } from 'node:zlib';
import {
  expectArray,
  expectBoolean,
  expectInteger,
  expectObject,
  expectString,
  expectStringMap,
  FastJsonShapeError,
  parseFastJson,
  toFastJson,
} from './fastjson.js';

// ---------------------------------------------------------------------------------------------
// PermName

export const PermName = Object.freeze({
  PERM_PRIORITY: 0x8,
  PERM_READ: 0x4,
  PERM_WRITE: 0x2,
  PERM_INHERIT: 0x1,
});

export function isReadable(perm: number): boolean {
  return (perm & PermName.PERM_READ) === PermName.PERM_READ;
}

export function isWriteable(perm: number): boolean {
  return (perm & PermName.PERM_WRITE) === PermName.PERM_WRITE;
}

export function isInherited(perm: number): boolean {
  return (perm & PermName.PERM_INHERIT) === PermName.PERM_INHERIT;
}

export function isPriority(perm: number): boolean {
  return (perm & PermName.PERM_PRIORITY) === PermName.PERM_PRIORITY;
}

/** "RWX" with '-' for each missing bit, as Java prints perms: 6 -> "RW-", 7 -> "RWX", 4 -> "R--". */
export function perm2String(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}

// ---------------------------------------------------------------------------------------------
// TopicConfig

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicFilterType: TopicFilterType;
  topicSysFlag: number;
  order: boolean;
  /** 5.x only (e.g. message.type=FIFO); 4.9.8 has no such field, so it is written only when set. */
  attributes?: Map<string, string>;
}

/** Java's TopicConfig field defaults: 16 read and 16 write queues, perm 6 (RW-). */
export const TOPIC_CONFIG_DEFAULTS = Object.freeze({
  readQueueNums: 16,
  writeQueueNums: 16,
  perm: PermName.PERM_READ | PermName.PERM_WRITE,
  topicFilterType: 'SINGLE_TAG' as TopicFilterType,
  topicSysFlag: 0,
  order: false,
});

export function createTopicConfig(topicName: string, fields: Partial<Omit<TopicConfig, 'topicName'>> = {}): TopicConfig {
  return { topicName, ...TOPIC_CONFIG_DEFAULTS, ...fields };
}

function topicConfigBean(config: TopicConfig): object {
  return {
    attributes: config.attributes,
    order: config.order,
    perm: config.perm,
    readQueueNums: config.readQueueNums,
    topicFilterType: config.topicFilterType,
    topicName: config.topicName,
    topicSysFlag: config.topicSysFlag,
    writeQueueNums: config.writeQueueNums,
  };
}

function expectFilterType(value: unknown, field: string): TopicFilterType {
  if (value !== 'SINGLE_TAG' && value !== 'MULTI_TAG') {
    throw new FastJsonShapeError(field, `expected SINGLE_TAG or MULTI_TAG, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Reads a TopicConfig bean. As with fastjson filling a Java bean, a property that is absent keeps
 * its default; one that is present must have the right type.
 */
export function readTopicConfig(value: unknown, field: string): TopicConfig {
  const o = expectObject(value, field);
  const present = (key: string): boolean => o[key] !== undefined && o[key] !== null;
  const config = createTopicConfig(expectString(o['topicName'], `${field}.topicName`));
  if (present('readQueueNums')) config.readQueueNums = expectInteger(o['readQueueNums'], `${field}.readQueueNums`);
  if (present('writeQueueNums')) config.writeQueueNums = expectInteger(o['writeQueueNums'], `${field}.writeQueueNums`);
  if (present('perm')) config.perm = expectInteger(o['perm'], `${field}.perm`);
  if (present('topicFilterType')) config.topicFilterType = expectFilterType(o['topicFilterType'], `${field}.topicFilterType`);
  if (present('topicSysFlag')) config.topicSysFlag = expectInteger(o['topicSysFlag'], `${field}.topicSysFlag`);
  if (present('order')) config.order = expectBoolean(o['order'], `${field}.order`);
  if (present('attributes')) config.attributes = expectStringMap(o['attributes'], `${field}.attributes`);
  return config;
}

// ---------------------------------------------------------------------------------------------
// DataVersion

export interface DataVersion {
  counter: number;
  timestamp: number;
  /** 5.x only; absent reads as 0. */
  stateVersion?: number;
}

/** The version after `current`, stamped `nowMs`. Java's 5.x nextVersion(stateVersion) sets it too. */
export function nextDataVersion(current: DataVersion, nowMs: number, stateVersion?: number): DataVersion {
  const next: DataVersion = { counter: current.counter + 1, timestamp: nowMs };
  if (stateVersion !== undefined) next.stateVersion = stateVersion;
  return next;
}

/** Java's DataVersion.equals; a missing stateVersion counts as 0, so 4.9 and 5.x values compare. */
export function dataVersionEquals(a: DataVersion, b: DataVersion): boolean {
  return a.counter === b.counter && a.timestamp === b.timestamp && (a.stateVersion ?? 0) === (b.stateVersion ?? 0);
}

function dataVersionBean(version: DataVersion): object {
  return { counter: version.counter, stateVersion: version.stateVersion, timestamp: version.timestamp };
}

export function readDataVersion(value: unknown, field: string): DataVersion {
  const o = expectObject(value, field);
  const version: DataVersion = {
    counter: expectInteger(o['counter'], `${field}.counter`),
    timestamp: expectInteger(o['timestamp'], `${field}.timestamp`),
  };
  if (o['stateVersion'] !== undefined && o['stateVersion'] !== null) {
    version.stateVersion = expectInteger(o['stateVersion'], `${field}.stateVersion`);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// RegisterBrokerBody

export interface TopicConfigSerializeWrapper {
  topicConfigTable: Map<string, TopicConfig>;
  dataVersion: DataVersion;
}

export interface RegisterBrokerBody {
  topicConfigSerializeWrapper: TopicConfigSerializeWrapper;
  filterServerList: string[];
}

export interface RegisterBrokerBodyEncodeOptions {
  /** The `compressed` extField of the REGISTER_BROKER request (broker.conf compressedRegister). */
  compressed: boolean;
  /**
   * Compressed layout: 'v4' (default) as 4.9 writes and reads it; 'v5' adds each topic's
   * attributes and the queue-mapping count, which a >= V5_0_0 namesrv expects from a >= V5_0_0
   * broker. A 4.9 namesrv rejects 'v5' topic lines (it wants exactly five fields).
   */
  layout?: 'v4' | 'v5';
}

/** Bound on the inflated size of a compressed body (about 60 bytes a topic: a million topics). */
export const REGISTER_BODY_INFLATED_BYTES_MAX = 64 * 1024 * 1024;

function sortedEntries<V>(map: Map<string, V>): [string, V][] {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function wrapperBean(wrapper: TopicConfigSerializeWrapper): object {
  const topicConfigTable = new Map<string, object>();
  for (const [topic, config] of sortedEntries(wrapper.topicConfigTable)) topicConfigTable.set(topic, topicConfigBean(config));
  return { dataVersion: dataVersionBean(wrapper.dataVersion), topicConfigTable };
}

export function encodeRegisterBrokerBody(body: RegisterBrokerBody, options: RegisterBrokerBodyEncodeOptions): Buffer {
  if (options.compressed) return encodeCompressed(body, options.layout ?? 'v4');
  const bean = { filterServerList: body.filterServerList, topicConfigSerializeWrapper: wrapperBean(body.topicConfigSerializeWrapper) };
  return Buffer.from(toFastJson(bean), 'utf8');
}

/** topics.json (and the GET_ALL_TOPIC_CONFIG body): a TopicConfigSerializeWrapper as fastjson text. */
export function encodeTopicConfigWrapper(wrapper: TopicConfigSerializeWrapper): string {
  return toFastJson(wrapperBean(wrapper));
}

export function decodeTopicConfigWrapper(text: string): TopicConfigSerializeWrapper {
  const w = expectObject(parseFastJson(text), 'TopicConfigSerializeWrapper');
  const topicConfigTable = new Map<string, TopicConfig>();
  if (w['topicConfigTable'] !== undefined && w['topicConfigTable'] !== null) {
    for (const [topic, config] of Object.entries(expectObject(w['topicConfigTable'], 'topicConfigTable'))) {
      topicConfigTable.set(topic, readTopicConfig(config, `topicConfigTable.${topic}`));
    }
  }
  const dataVersion = w['dataVersion'] === undefined || w['dataVersion'] === null ? { counter: 0, timestamp: 0 } : readDataVersion(w['dataVersion'], 'dataVersion');
  return { topicConfigTable, dataVersion };
}

/**
 * Decodes a REGISTER_BROKER body. JSON bodies may carry 5.x extras (topicQueueMappingInfoMap,
 * topicQueueMappingDetailMap, mappingDataVersion), which are ignored.
 */
export function decodeRegisterBrokerBody(buf: Buffer, compressed: boolean): RegisterBrokerBody {
  if (compressed) return decodeCompressed(buf);
  const o = expectObject(parseFastJson(buf.toString('utf8')), 'RegisterBrokerBody');
  const w = expectObject(o['topicConfigSerializeWrapper'], 'RegisterBrokerBody.topicConfigSerializeWrapper');
  const wField = 'RegisterBrokerBody.topicConfigSerializeWrapper';
  const topicConfigTable = new Map<string, TopicConfig>();
  if (w['topicConfigTable'] !== undefined && w['topicConfigTable'] !== null) {
    for (const [topic, config] of Object.entries(expectObject(w['topicConfigTable'], `${wField}.topicConfigTable`))) {
      topicConfigTable.set(topic, readTopicConfig(config, `${wField}.topicConfigTable.${topic}`));
    }
  }
  const filterServerList: string[] = [];
  if (o['filterServerList'] !== undefined && o['filterServerList'] !== null) {
    expectArray(o['filterServerList'], 'RegisterBrokerBody.filterServerList').forEach((addr, index) => {
      filterServerList.push(expectString(addr, `RegisterBrokerBody.filterServerList[${index}]`));
    });
  }
  return {
    topicConfigSerializeWrapper: { topicConfigTable, dataVersion: readDataVersion(w['dataVersion'], `${wField}.dataVersion`) },
    filterServerList,
  };
}

// Compressed RegisterBrokerBody: one zlib stream (java.util.zip.Deflater, BEST_COMPRESSION, with
// the zlib header) around this plaintext. Every int is a big-endian int32; text is UTF-8.
//
//   +--------+------------------------------+
//   | int n  | DataVersion JSON, n bytes    |  {"counter":5,"timestamp":1795237696060}
//   +--------+------------------------------+
//   | int t  | topic count                  |
//   +--------+------------------------------+  repeated t times:
//   | int m  | topic line, m bytes          |  "FixtureTopic 4 4 6 SINGLE_TAG"
//   +--------+------------------------------+  (5.x: + " " + attributes JSON, "{}" when empty)
//   | int f  | filterServerList JSON, f     |  []
//   +--------+------------------------------+  5.x only (broker version >= V5_0_0):
//   | int q  | queue-mapping count          |
//   | int k  | TopicQueueMappingInfo JSON   |  repeated q times
//   +--------+------------------------------+
//   size = 4 + n + 4 + sum(4 + m) + 4 + f [+ 4 + sum(4 + k)]
//
// A topic line is topicName, readQueueNums, writeQueueNums, perm and topicFilterType joined by
// single spaces. Compat: the line has no topicSysFlag and no order, so a namesrv decoding it gets
// their defaults (0, false) whatever the broker holds.

const INT32_BYTES = 4;

function int32(n: number): Buffer {
  const b = Buffer.allocUnsafe(INT32_BYTES);
  b.writeInt32BE(n, 0);
  return b;
}

function topicLine(config: TopicConfig, layout: 'v4' | 'v5'): string {
  const fields = [config.topicName, config.readQueueNums, config.writeQueueNums, config.perm, config.topicFilterType].join(' ');
  return layout === 'v5' ? `${fields} ${toFastJson(config.attributes ?? new Map<string, string>())}` : fields;
}

function encodeCompressed(body: RegisterBrokerBody, layout: 'v4' | 'v5'): Buffer {
  const wrapper = body.topicConfigSerializeWrapper;
  const parts: Buffer[] = [];
  const lengthPrefixed = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    parts.push(int32(bytes.length), bytes);
  };
  lengthPrefixed(toFastJson(dataVersionBean(wrapper.dataVersion)));
  parts.push(int32(wrapper.topicConfigTable.size));
  for (const [, config] of sortedEntries(wrapper.topicConfigTable)) lengthPrefixed(topicLine(config, layout));
  lengthPrefixed(toFastJson(body.filterServerList));
  if (layout === 'v5') parts.push(int32(0));
  return deflateSync(Buffer.concat(parts), { level: 9 });
}

/** Reads the inflated plaintext front to back; every read is bounds-checked. */
class PlainReader {
  #buf: Buffer;
  #pos = 0;
  constructor(buf: Buffer) {
    this.#buf = buf;
  }
  get remaining(): number {
    return this.#buf.length - this.#pos;
  }
  int(what: string): number {
    if (this.remaining < INT32_BYTES) throw new Error(`compressed RegisterBrokerBody: truncated before ${what}`);
    const n = this.#buf.readInt32BE(this.#pos);
    this.#pos += INT32_BYTES;
    return n;
  }
  text(what: string): string {
    const length = this.int(`the length of ${what}`);
    if (length < 0 || length > this.remaining) {
      throw new Error(`compressed RegisterBrokerBody: ${what} claims ${length} bytes, ${this.remaining} left`);
    }
    const text = this.#buf.toString('utf8', this.#pos, this.#pos + length);
    this.#pos += length;
    return text;
  }
}

function decodeCompressed(buf: Buffer): RegisterBrokerBody {
  let plain: Buffer;
  try {
    plain = inflateSync(buf, { maxOutputLength: REGISTER_BODY_INFLATED_BYTES_MAX });
  } catch (error) {
    throw new Error('compressed RegisterBrokerBody: not a valid zlib stream', { cause: error });
  }
  const reader = new PlainReader(plain);
  const dataVersion = readDataVersion(parseFastJson(reader.text('dataVersion')), 'RegisterBrokerBody.dataVersion');
  const topicCount = reader.int('the topic count');
  // Each topic takes at least its length int, so a larger count cannot be honest.
  if (topicCount < 0 || topicCount > reader.remaining / INT32_BYTES) {
    throw new Error(`compressed RegisterBrokerBody: bad topic count ${topicCount}`);
  }
  const topicConfigTable = new Map<string, TopicConfig>();
  for (let i = 0; i < topicCount; i++) {
    const config = parseTopicLine(reader.text(`topic config ${i}`), i);
    topicConfigTable.set(config.topicName, config);
  }
  const filterField = 'RegisterBrokerBody.filterServerList';
  const filterServerList = expectArray(parseFastJson(reader.text('filterServerList')), filterField).map((addr, index) =>
    expectString(addr, `${filterField}[${index}]`),
  );
  // 5.x brokers append their static-topic queue mappings; we have no static topics, so skip them.
  if (reader.remaining > 0) {
    const mappingCount = reader.int('the queue-mapping count');
    if (mappingCount < 0) throw new Error(`compressed RegisterBrokerBody: bad queue-mapping count ${mappingCount}`);
    for (let i = 0; i < mappingCount; i++) reader.text(`queue mapping ${i}`);
  }
  if (reader.remaining > 0) throw new Error(`compressed RegisterBrokerBody: ${reader.remaining} trailing bytes`);
  return { topicConfigSerializeWrapper: { topicConfigTable, dataVersion }, filterServerList };
}

function parseTopicLine(line: string, index: number): TopicConfig {
  const field = `RegisterBrokerBody.topicConfig[${index}]`;
  // Java's String.split(" ") drops trailing empty fields; 5.x lines end in " {}" or " " + JSON.
  const fields = line.split(' ');
  while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  const [topicName, read, write, perm, filterType, attributes] = fields;
  if (topicName === undefined || read === undefined || write === undefined || perm === undefined || filterType === undefined) {
    throw new FastJsonShapeError(field, `expected "topicName readQueueNums writeQueueNums perm topicFilterType", got ${JSON.stringify(line)}`);
  }
  const config = createTopicConfig(topicName, {
    readQueueNums: lineInt(read, `${field}.readQueueNums`),
    writeQueueNums: lineInt(write, `${field}.writeQueueNums`),
    perm: lineInt(perm, `${field}.perm`),
    topicFilterType: expectFilterType(filterType, `${field}.topicFilterType`),
  });
  if (attributes !== undefined) {
    try {
      config.attributes = expectStringMap(parseFastJson(attributes), `${field}.attributes`);
    } catch {
      // Compat: 5.x ignores attributes it cannot parse (a space inside them splits the JSON).
    }
  }
  return config;
}

function lineInt(text: string, field: string): number {
  if (!/^[-+]?\d{1,10}$/.test(text)) throw new FastJsonShapeError(field, `expected an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < -2147483648 || n > 2147483647) throw new FastJsonShapeError(field, `${text} is out of int range`);
  return n;
}
