import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeClusterInfo,
  decodeKVTable,
  decodeTopicList,
  decodeTopicRouteData,
  encodeClusterInfo,
  encodeKVTable,
  encodeTopicList,
  encodeTopicRouteData,
  STANDARD_JSON_BODY,
  wantsStandardJsonRoute,
} from '../../../src/common/route-data.js';
import type { BrokerData, TopicRouteData } from '../../../src/common/route-data.js';
import { parseFastJson } from '../../../src/common/fastjson.js';
import { indexEntry, loadIndex, readFrameFile, splitFrame } from '../../harness/fixtures.js';

function bodyOf(file: string): Buffer {
  return splitFrame(readFrameFile(file)).body;
}

const BROKER_A: BrokerData = {
  brokerAddrs: new Map([[0, '127.0.0.1:40911']]),
  brokerName: 'broker-a',
  cluster: 'DefaultCluster',
};

function fixtureRoute(perm: number, queueNums: number): TopicRouteData {
  return {
    brokerDatas: [BROKER_A],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'broker-a', perm, readQueueNums: queueNums, topicSysFlag: 0, writeQueueNums: queueNums }],
  };
}

const ROUTE_FILES = [
  { file: 'namesrv/009-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-JSON.bin', quoted: false, route: fixtureRoute(6, 4) },
  { file: 'namesrv/011-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-JSON.bin', quoted: true, route: fixtureRoute(6, 4) },
  { file: 'namesrv/013-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-ROCKETMQ.bin', quoted: true, route: fixtureRoute(6, 4) },
  { file: 'namesrv/019-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-ROCKETMQ.bin', quoted: true, route: fixtureRoute(7, 8) },
];

test('decodes every captured TopicRouteData body to the route index.json describes', () => {
  for (const { file, route } of ROUTE_FILES) {
    const entry = indexEntry(file);
    assert.equal(entry.requestCodeName, 'GET_ROUTEINFO_BY_TOPIC');
    const body = bodyOf(file);
    assert.equal(body.toString('utf8'), entry.bodyText, file);
    assert.deepEqual(decodeTopicRouteData(body), route, file);
  }
});

test('re-encodes route data to exactly the captured bytes, bare keys for old clients and quoted for 4.9.4+', () => {
  for (const { file, quoted } of ROUTE_FILES) {
    const body = bodyOf(file);
    const options = quoted ? STANDARD_JSON_BODY : {};
    assert.equal(encodeTopicRouteData(decodeTopicRouteData(body), options).toString('utf8'), body.toString('utf8'), file);
  }
});

test('chooses standard JSON for the route answer as the 4.9.8 namesrv did', () => {
  // namesrv/008 came from ali-ons (version 121) and got bare keys; namesrv/010 from Java 409, quoted.
  const aliOns = indexEntry('namesrv/008-client2namesrv-GET_ROUTEINFO_BY_TOPIC-JSON.bin').header;
  const java = indexEntry('namesrv/010-client2namesrv-GET_ROUTEINFO_BY_TOPIC-JSON.bin').header;
  assert.equal(wantsStandardJsonRoute(aliOns?.['version'] as number), false);
  assert.equal(wantsStandardJsonRoute(java?.['version'] as number), true);
  assert.equal(wantsStandardJsonRoute(400), false);
  assert.equal(wantsStandardJsonRoute(401), true);
  assert.equal(wantsStandardJsonRoute(121, true), true);
});

test('writes orderTopicConf between filterServerTable and queueDatas, and slave addresses in id order', () => {
  const route: TopicRouteData = {
    brokerDatas: [{ brokerAddrs: new Map([[1, 'b:1'], [0, 'a:1']]), brokerName: 'x', cluster: 'c' }],
    filterServerTable: new Map([['a:1', ['f:1', 'f:2']]]),
    orderTopicConf: 'x:4',
    queueDatas: [],
  };
  assert.equal(
    encodeTopicRouteData(route).toString(),
    '{"brokerDatas":[{"brokerAddrs":{0:"a:1",1:"b:1"},"brokerName":"x","cluster":"c"}],' +
      '"filterServerTable":{"a:1":["f:1","f:2"]},"orderTopicConf":"x:4","queueDatas":[]}',
  );
  assert.deepEqual(decodeTopicRouteData(encodeTopicRouteData(route)), { ...route, brokerDatas: [{ ...route.brokerDatas[0], brokerAddrs: new Map([[0, 'a:1'], [1, 'b:1']]) }] });
});

test('accepts 5.x route data and drops its extra fields on the way out', () => {
  const v5 =
    '{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"b","cluster":"c","enableActingMaster":false,"zoneName":"z"}],' +
    '"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}],' +
    '"topicQueueMappingByBroker":null}';
  const route = decodeTopicRouteData(Buffer.from(v5));
  assert.equal(route.brokerDatas[0]?.zoneName, 'z');
  assert.equal(route.brokerDatas[0]?.enableActingMaster, false);
  assert.equal(
    encodeTopicRouteData(route, STANDARD_JSON_BODY).toString(),
    '{"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911"},"brokerName":"b","cluster":"c"}],' +
      '"filterServerTable":{},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}',
  );
});

test('decoders name the bad field', () => {
  const bad = (text: string): Buffer => Buffer.from(text);
  assert.throws(() => decodeTopicRouteData(bad('[]')), /^FastJsonShapeError: TopicRouteData: expected an object/);
  assert.throws(
    () => decodeTopicRouteData(bad('{"queueDatas":[{"brokerName":"b","perm":"6","readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}')),
    /TopicRouteData\.queueDatas\[0\]\.perm: expected an integer, got the string "6"/,
  );
  assert.throws(
    () => decodeTopicRouteData(bad('{"brokerDatas":[{"brokerAddrs":{"master":"a:1"},"brokerName":"b","cluster":"c"}]}')),
    /TopicRouteData\.brokerDatas\[0\]\.brokerAddrs\.master: expected an integer map key/,
  );
  assert.throws(() => decodeTopicRouteData(bad('{"brokerDatas":[{"brokerAddrs":{0:"a"},"cluster":"c"}]}')), /brokerDatas\[0\]\.brokerName: expected a string/);
  assert.throws(() => decodeClusterInfo(bad('{"clusterAddrTable":{"c":"b"}}')), /ClusterInfo\.clusterAddrTable\.c: expected an array/);
  assert.throws(() => decodeTopicList(bad('{"topicList":[1]}')), /TopicList\.topicList\[0\]: expected a string/);
  assert.throws(() => decodeKVTable(bad('{"table":{"k":1}}')), /KVTable\.table\.k: expected a string/);
  assert.throws(() => decodeTopicRouteData(bad('{"brokerDatas":[{0:"a"}')), SyntaxError);
});

const CLUSTER_FILES = [
  'namesrv/021-namesrv2client-SUCCESS_for_GET_BROKER_CLUSTER_INFO-JSON.bin',
  'namesrv/023-namesrv2client-SUCCESS_for_GET_BROKER_CLUSTER_INFO-ROCKETMQ.bin',
];

test('decodes the captured ClusterInfo bodies and re-encodes them byte for byte', () => {
  for (const file of CLUSTER_FILES) {
    const entry = indexEntry(file);
    assert.equal(entry.requestCodeName, 'GET_BROKER_CLUSTER_INFO');
    const body = bodyOf(file);
    assert.equal(body.toString('utf8'), entry.bodyText);
    const info = decodeClusterInfo(body);
    assert.deepEqual(info, {
      brokerAddrTable: new Map([['broker-a', BROKER_A]]),
      clusterAddrTable: new Map([['DefaultCluster', new Set(['broker-a'])]]),
    });
    // Compat: 4.9.8 writes ClusterInfo with bare keys even to a 409 client (only routes get standard JSON).
    assert.equal(encodeClusterInfo(info).toString('utf8'), body.toString('utf8'), file);
  }
});

test('writes ClusterInfo maps and sets in sorted order', () => {
  const info = {
    brokerAddrTable: new Map<string, BrokerData>([
      ['broker-b', { brokerAddrs: new Map([[0, 'b:0']]), brokerName: 'broker-b', cluster: 'C' }],
      ['broker-a', BROKER_A],
    ]),
    clusterAddrTable: new Map([['C', new Set(['broker-b', 'broker-a'])]]),
  };
  const text = encodeClusterInfo(info, { quoteNumericKeys: true }).toString();
  assert.match(text, /^\{"brokerAddrTable":\{"broker-a":.*,"broker-b":.*\},"clusterAddrTable":\{"C":\["broker-a","broker-b"\]\}\}$/);
  assert.deepEqual(decodeClusterInfo(Buffer.from(text)).clusterAddrTable, info.clusterAddrTable);
});

test('decodes the captured TopicList and re-encodes the same set', () => {
  const file = 'admin/004-namesrv2client-SUCCESS_for_GET_ALL_TOPIC_LIST_FROM_NAMESERVER-JSON.bin';
  const entry = indexEntry(file);
  const body = bodyOf(file);
  const expected = (JSON.parse(entry.bodyText ?? '') as { topicList: string[] }).topicList;
  const list = decodeTopicList(body);
  assert.deepEqual(list, { topicList: new Set(expected) });
  assert.equal(list.topicList.size, 13);
  assert.ok(list.topicList.has('FixtureTopic') && list.topicList.has('%RETRY%fixture_cg_orderly'));
  const again = encodeTopicList(list);
  assert.equal(again.length, body.length); // same members, sorted instead of HashSet order
  assert.deepEqual(decodeTopicList(again), list);
  assert.equal(encodeTopicList({ topicList: new Set(['b', 'a']), brokerAddr: 'x:1' }).toString(), '{"brokerAddr":"x:1","topicList":["a","b"]}');
});

test('decodes the captured KVTable bodies (GET_BROKER_RUNTIME_INFO) and round-trips them', () => {
  const files = loadIndex().filter((frame) => frame.requestCodeName === 'GET_BROKER_RUNTIME_INFO' && frame.type === 'response');
  assert.equal(files.length, 2);
  for (const frame of files) {
    const body = bodyOf(frame.file);
    const kv = decodeKVTable(body);
    const expected = (JSON.parse(frame.bodyText ?? '') as { table: Record<string, string> }).table;
    assert.deepEqual(kv.table, new Map(Object.entries(expected)), frame.file);
    assert.equal(kv.table.get('brokerVersionDesc'), 'V4_9_8');
    const again = encodeKVTable(kv);
    assert.equal(again.length, body.length, frame.file);
    assert.deepEqual(parseFastJson(again.toString()), JSON.parse(frame.bodyText ?? ''));
  }
});
