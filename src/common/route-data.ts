// Owns: the route bodies the NameServer serves (TopicRouteData, ClusterInfo, TopicList, KVTable)
// and their parts (QueueData, BrokerData): types, fastjson encoders, validating decoders. No I/O.
// Counterpart: org.apache.rocketmq.common.protocol.route.{TopicRouteData,QueueData,BrokerData} and
// org.apache.rocketmq.common.protocol.body.{ClusterInfo,TopicList,KVTable} (4.9.8; in 5.x they moved
// to org.apache.rocketmq.remoting.protocol.*).
//
// What 4.9.8 writes (fastjson, bean properties alphabetical, nulls left out), from namesrv/009:
//   {"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:40911"},"brokerName":"broker-a",
//     "cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a",
//     "perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}
// brokerAddrs keys are bare unless the answer is standard JSON (see wantsStandardJsonRoute).
// Java writes its maps and sets in HashMap order, which we do not emulate: encoders here sort map
// keys and set members so the output is deterministic; compare such bodies as parsed structures.

import {
  expectArray,
  expectBoolean,
  expectInteger,
  expectIntegerKey,
  expectObject,
  expectString,
  expectStringMap,
  parseFastJson,
  toFastJson,
} from './fastjson.js';
import type { FastJsonWriteOptions, JsonObject } from './fastjson.js';

export interface QueueData {
  brokerName: string;
  perm: number;
  readQueueNums: number;
  topicSysFlag: number;
  writeQueueNums: number;
}

export interface BrokerData {
  /** brokerId (0 = master, >= 1 slaves) to "host:port". */
  brokerAddrs: Map<number, string>;
  brokerName: string;
  cluster: string;
  /** Read from 5.x peers; never written, as 4.9.8 writes only the three fields above. */
  zoneName?: string;
  /** Read from 5.x peers; never written. */
  enableActingMaster?: boolean;
}

export interface TopicRouteData {
  brokerDatas: BrokerData[];
  /** brokerAddr to its filter servers' addresses. */
  filterServerTable: Map<string, string[]>;
  /** "brokerName:queueNums;..." for topics with an order config; absent otherwise. */
  orderTopicConf?: string;
  queueDatas: QueueData[];
}

export interface ClusterInfo {
  /** brokerName to BrokerData. */
  brokerAddrTable: Map<string, BrokerData>;
  /** clusterName to its brokerNames. */
  clusterAddrTable: Map<string, Set<string>>;
}

export interface TopicList {
  topicList: Set<string>;
  brokerAddr?: string;
}

export interface KVTable {
  table: Map<string, string>;
}

/** Options for every encoder here; see FastJsonWriteOptions. Map keys are always sorted. */
export type BodyEncodeOptions = Pick<FastJsonWriteOptions, 'quoteNumericKeys' | 'browserCompatible'>;

/**
 * What Java's namesrv uses for a GET_ROUTEINFO_BY_TOPIC answer it writes as standard JSON
 * (SerializerFeature.BrowserCompatible + MapSortField): quoted numeric keys, \uXXXX for non-ASCII.
 */
export const STANDARD_JSON_BODY: Readonly<BodyEncodeOptions> = Object.freeze({
  quoteNumericKeys: true,
  browserCompatible: true,
});

/** MQVersion.Version.V4_9_4.ordinal(): from this client version on, route answers are standard JSON. */
export const VERSION_STANDARD_JSON_ROUTE_MIN = 401;

/**
 * Compat: 4.9.4+ namesrvs answer GET_ROUTEINFO_BY_TOPIC in standard JSON when the request's
 * version is >= V4_9_4 or its header says acceptStandardJsonOnly=true; older clients (ali-ons
 * sends 121) get fastjson's bare numeric keys (namesrv/009 vs namesrv/011).
 */
export function wantsStandardJsonRoute(requestVersion: number, acceptStandardJsonOnly = false): boolean {
  return requestVersion >= VERSION_STANDARD_JSON_ROUTE_MIN || acceptStandardJsonOnly;
}

function write(bean: unknown, options: BodyEncodeOptions): Buffer {
  return Buffer.from(toFastJson(bean, { ...options, sortMapKeys: true }), 'utf8');
}

function parseBody(buf: Buffer, what: string): JsonObject {
  return expectObject(parseFastJson(buf.toString('utf8')), what);
}

function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Beans in fastjson property order (alphabetical).

function queueDataBean(q: QueueData): object {
  return {
    brokerName: q.brokerName,
    perm: q.perm,
    readQueueNums: q.readQueueNums,
    topicSysFlag: q.topicSysFlag,
    writeQueueNums: q.writeQueueNums,
  };
}

function brokerDataBean(b: BrokerData): object {
  return { brokerAddrs: b.brokerAddrs, brokerName: b.brokerName, cluster: b.cluster };
}

function topicRouteDataBean(route: TopicRouteData): object {
  return {
    brokerDatas: route.brokerDatas.map(brokerDataBean),
    filterServerTable: route.filterServerTable,
    orderTopicConf: route.orderTopicConf,
    queueDatas: route.queueDatas.map(queueDataBean),
  };
}

// ---------------------------------------------------------------------------------------------
// Readers of parsed values; `field` is the path used in error messages.

export function readQueueData(value: unknown, field: string): QueueData {
  const o = expectObject(value, field);
  return {
    brokerName: expectString(o['brokerName'], `${field}.brokerName`),
    perm: expectInteger(o['perm'], `${field}.perm`),
    readQueueNums: expectInteger(o['readQueueNums'], `${field}.readQueueNums`),
    topicSysFlag: expectInteger(o['topicSysFlag'], `${field}.topicSysFlag`),
    writeQueueNums: expectInteger(o['writeQueueNums'], `${field}.writeQueueNums`),
  };
}

export function readBrokerData(value: unknown, field: string): BrokerData {
  const o = expectObject(value, field);
  const brokerAddrs = new Map<number, string>();
  // Java's no-argument BrokerData leaves brokerAddrs null, which fastjson leaves out.
  if (o['brokerAddrs'] !== undefined && o['brokerAddrs'] !== null) {
    for (const [key, addr] of Object.entries(expectObject(o['brokerAddrs'], `${field}.brokerAddrs`))) {
      const keyField = `${field}.brokerAddrs.${key}`;
      brokerAddrs.set(expectIntegerKey(key, keyField), expectString(addr, keyField));
    }
  }
  const data: BrokerData = {
    brokerAddrs,
    brokerName: expectString(o['brokerName'], `${field}.brokerName`),
    cluster: expectString(o['cluster'], `${field}.cluster`),
  };
  if (o['zoneName'] !== undefined && o['zoneName'] !== null) {
    data.zoneName = expectString(o['zoneName'], `${field}.zoneName`);
  }
  if (o['enableActingMaster'] !== undefined && o['enableActingMaster'] !== null) {
    data.enableActingMaster = expectBoolean(o['enableActingMaster'], `${field}.enableActingMaster`);
  }
  return data;
}

function readList<T>(value: unknown, field: string, read: (item: unknown, field: string) => T): T[] {
  if (value === undefined || value === null) return [];
  return expectArray(value, field).map((item, index) => read(item, `${field}[${index}]`));
}

// ---------------------------------------------------------------------------------------------
// TopicRouteData

export function encodeTopicRouteData(route: TopicRouteData, options: BodyEncodeOptions = {}): Buffer {
  return write(topicRouteDataBean(route), options);
}

/** Accepts 4.9 and 5.x bodies; 5.x's topicQueueMappingByBroker is ignored. */
export function decodeTopicRouteData(buf: Buffer): TopicRouteData {
  const o = parseBody(buf, 'TopicRouteData');
  const filterServerTable = new Map<string, string[]>();
  if (o['filterServerTable'] !== undefined && o['filterServerTable'] !== null) {
    const table = expectObject(o['filterServerTable'], 'TopicRouteData.filterServerTable');
    for (const [brokerAddr, servers] of Object.entries(table)) {
      const field = `TopicRouteData.filterServerTable.${brokerAddr}`;
      filterServerTable.set(brokerAddr, readList(servers, field, expectString));
    }
  }
  const route: TopicRouteData = {
    brokerDatas: readList(o['brokerDatas'], 'TopicRouteData.brokerDatas', readBrokerData),
    filterServerTable,
    queueDatas: readList(o['queueDatas'], 'TopicRouteData.queueDatas', readQueueData),
  };
  if (o['orderTopicConf'] !== undefined && o['orderTopicConf'] !== null) {
    route.orderTopicConf = expectString(o['orderTopicConf'], 'TopicRouteData.orderTopicConf');
  }
  return route;
}

// ---------------------------------------------------------------------------------------------
// ClusterInfo

export function encodeClusterInfo(info: ClusterInfo, options: BodyEncodeOptions = {}): Buffer {
  const brokerAddrTable = new Map<string, object>();
  for (const [brokerName, data] of info.brokerAddrTable) brokerAddrTable.set(brokerName, brokerDataBean(data));
  const clusterAddrTable = new Map<string, string[]>();
  for (const [cluster, names] of info.clusterAddrTable) clusterAddrTable.set(cluster, sorted(names));
  return write({ brokerAddrTable, clusterAddrTable }, options);
}

export function decodeClusterInfo(buf: Buffer): ClusterInfo {
  const o = parseBody(buf, 'ClusterInfo');
  const brokerAddrTable = new Map<string, BrokerData>();
  if (o['brokerAddrTable'] !== undefined && o['brokerAddrTable'] !== null) {
    const table = expectObject(o['brokerAddrTable'], 'ClusterInfo.brokerAddrTable');
    for (const [brokerName, data] of Object.entries(table)) {
      brokerAddrTable.set(brokerName, readBrokerData(data, `ClusterInfo.brokerAddrTable.${brokerName}`));
    }
  }
  const clusterAddrTable = new Map<string, Set<string>>();
  if (o['clusterAddrTable'] !== undefined && o['clusterAddrTable'] !== null) {
    const table = expectObject(o['clusterAddrTable'], 'ClusterInfo.clusterAddrTable');
    for (const [cluster, names] of Object.entries(table)) {
      const field = `ClusterInfo.clusterAddrTable.${cluster}`;
      clusterAddrTable.set(cluster, new Set(readList(names, field, expectString)));
    }
  }
  return { brokerAddrTable, clusterAddrTable };
}

// ---------------------------------------------------------------------------------------------
// TopicList

export function encodeTopicList(list: TopicList, options: BodyEncodeOptions = {}): Buffer {
  return write({ brokerAddr: list.brokerAddr, topicList: sorted(list.topicList) }, options);
}

export function decodeTopicList(buf: Buffer): TopicList {
  const o = parseBody(buf, 'TopicList');
  const list: TopicList = { topicList: new Set(readList(o['topicList'], 'TopicList.topicList', expectString)) };
  if (o['brokerAddr'] !== undefined && o['brokerAddr'] !== null) {
    list.brokerAddr = expectString(o['brokerAddr'], 'TopicList.brokerAddr');
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// KVTable

export function encodeKVTable(kv: KVTable, options: BodyEncodeOptions = {}): Buffer {
  return write({ table: kv.table }, options);
}

export function decodeKVTable(buf: Buffer): KVTable {
  const o = parseBody(buf, 'KVTable');
  const table = o['table'] === undefined || o['table'] === null ? new Map<string, string>() : expectStringMap(o['table'], 'KVTable.table');
  return { table };
}
