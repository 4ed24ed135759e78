// A real `rocketmq-ts namesrv` process per test, spoken to over TCP as 4.9.8 brokers, clients and
// mqadmin speak to it. Bodies are compared with the frames captured from Apache RocketMQ 4.9.8
// where one exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { decodeKVTable, decodeTopicList, decodeTopicRouteData } from '../../../src/common/route-data.js';
import { createTopicConfig } from '../../../src/common/topic-config.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../src/remoting/remoting-command.js';
import {
  AddWritePermOfBroker,
  DeleteKvConfig,
  DeleteTopicInNamesrv,
  GetKvConfig,
  GetKvListByNamespace,
  GetTopicsByCluster,
  PutKvConfig,
  RegisterBroker,
  UnregisterBroker,
  WipeWritePermOfBroker,
} from '../../../src/remoting/requests/namesrv.js';
import { readFrameFile, splitFrame } from '../../harness/fixtures.js';
import { startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';
import {
  brokerSpec,
  clusterInfoOf,
  newClient,
  queryRoute,
  RawSocket,
  registerBroker,
  registerBrokerRequest,
  routeOf,
  RPC_TIMEOUT_MS,
} from './wire.js';

const FIXTURE_REGISTER = 'namesrv/001-broker2namesrv-REGISTER_BROKER-JSON.bin';

function topicNotExistRemark(topic: string): string {
  return `No topic route info in name server for the topic: ${topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details.`;
}

test('serves a registered master in GET_ROUTEINFO_BY_TOPIC and GET_BROKER_CLUSTER_INFO', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const broker = brokerSpec();

  const registered = await registerBroker(client, namesrv.addr, broker);
  assert.equal(RegisterBroker.decodeResponse(registered).ok, true);
  assert.equal(registered.ext('masterAddr'), undefined, 'a master gets no master address');

  assert.deepEqual(await routeOf(client, namesrv.addr, 'RouteTopic'), {
    brokerDatas: [{ cluster: 'TestCluster', brokerName: 'broker-a', brokerAddrs: new Map([[0, '127.0.0.1:30911']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, topicSysFlag: 0, writeQueueNums: 4 }],
  });
  const cluster = await clusterInfoOf(client, namesrv.addr);
  assert.deepEqual(cluster.clusterAddrTable, new Map([['TestCluster', new Set(['broker-a'])]]));
  assert.deepEqual(
    cluster.brokerAddrTable,
    new Map([['broker-a', { cluster: 'TestCluster', brokerName: 'broker-a', brokerAddrs: new Map([[0, '127.0.0.1:30911']]) }]]),
  );
});

test('forgets a broker within a second after its registering connection closes', async (t) => {
  const namesrv = await startNamesrv(t);
  const brokerClient = newClient(t);
  const queryClient = newClient(t);
  await registerBroker(brokerClient, namesrv.addr, brokerSpec());
  assert.notEqual(await routeOf(queryClient, namesrv.addr, 'RouteTopic'), null);

  const closedAt = performance.now();
  brokerClient.closeConnection(namesrv.addr);
  await waitFor(async () => (await routeOf(queryClient, namesrv.addr, 'RouteTopic')) === null, {
    timeoutMs: 2000,
    intervalMs: 10,
    message: 'the route to disappear after the broker connection closed',
  });
  const elapsedMs = performance.now() - closedAt;
  assert.ok(elapsedMs < 1000, `route disappeared after ${elapsedMs.toFixed(0)} ms`);
  assert.equal((await clusterInfoOf(queryClient, namesrv.addr)).brokerAddrTable.size, 0);
});

test('expires a broker that keeps its connection open but stops registering, and closes that connection', async (t) => {
  const expiryMs = 500;
  const namesrv = await startNamesrv(t, { args: ['--scanNotActiveBrokerInterval', '100', '--brokerChannelExpiredTime', String(expiryMs)] });
  const brokerClient = newClient(t);
  const queryClient = newClient(t);

  const registeredAt = performance.now();
  await registerBroker(brokerClient, namesrv.addr, brokerSpec());
  const brokerConnection = brokerClient.connection(namesrv.addr);
  let lastSeenMs = 0;
  const goneMs = await waitFor(
    async () => {
      const present = (await routeOf(queryClient, namesrv.addr, 'RouteTopic')) !== null;
      if (present) lastSeenMs = performance.now() - registeredAt;
      return !present;
    },
    { timeoutMs: 3000, intervalMs: 25, message: 'the silent broker to expire' },
  );
  // Registered at or after `registeredAt`, so it may not vanish before expiryMs from then.
  assert.ok(lastSeenMs >= 300, `still present ${lastSeenMs.toFixed(0)} ms after registering`);
  const elapsedMs = performance.now() - registeredAt;
  assert.ok(elapsedMs >= expiryMs, `expired after ${elapsedMs.toFixed(0)} ms, before its ${expiryMs} ms expiry`);
  assert.ok(goneMs < expiryMs + 1500, `expired only after ${goneMs.toFixed(0)} ms`);
  // Java's scanNotActiveBroker closes the expired broker's channel.
  await waitFor(() => brokerConnection.closed, { timeoutMs: 2000, message: 'the namesrv to close the expired broker connection' });
});

test('answers TOPIC_NOT_EXIST with the Java remark for an unknown topic, in JSON and ROCKETMQ', async (t) => {
  const namesrv = await startNamesrv(t);
  const response = await queryRoute(newClient(t), namesrv.addr, 'NoSuchTopic');
  assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal(response.remark, topicNotExistRemark('NoSuchTopic'));
  assert.equal(response.body, null);

  // The captured ali-ons request and the 4.9.8 answer to it.
  const raw = await RawSocket.connect(t, namesrv.addr);
  const answer = await raw.exchange(readFrameFile('namesrv/014-client2namesrv-GET_ROUTEINFO_BY_TOPIC-JSON.bin'));
  const expected = splitFrame(readFrameFile('namesrv/015-namesrv2client-TOPIC_NOT_EXIST_for_GET_ROUTEINFO_BY_TOPIC-JSON.bin'));
  assert.equal(answer.command.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal(answer.command.remark, JSON.parse(expected.header.toString('utf8')).remark);
  assert.equal(answer.command.opaque, 13);

  const rocketmq = await queryRoute(newClient(t, { serializeType: SerializeType.ROCKETMQ }), namesrv.addr, 'NoSuchTopic');
  assert.equal(rocketmq.code, ResponseCode.TOPIC_NOT_EXIST);
  assert.equal(rocketmq.serializeType, SerializeType.ROCKETMQ);
  assert.equal(rocketmq.remark, topicNotExistRemark('NoSuchTopic'));
});

test('tells a slave registering after its master the master address and HA address; slaves add no queue data', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const masterResponse = await registerBroker(client, namesrv.addr, brokerSpec({ haServerAddr: '127.0.0.1:30912' }));
  assert.deepEqual(masterResponse.extFields ?? {}, {});

  const slaveClient = newClient(t);
  const slaveResponse = await registerBroker(
    slaveClient,
    namesrv.addr,
    brokerSpec({
      brokerId: 1,
      brokerAddr: '127.0.0.1:30921',
      haServerAddr: '127.0.0.1:30922',
      topics: [createTopicConfig('RouteTopic', { readQueueNums: 8, writeQueueNums: 8 }), createTopicConfig('SlaveOnlyTopic')],
    }),
  );
  assert.equal(slaveResponse.ext('masterAddr'), '127.0.0.1:30911');
  assert.equal(slaveResponse.ext('haServerAddr'), '127.0.0.1:30912');

  const route = await routeOf(client, namesrv.addr, 'RouteTopic');
  assert.deepEqual(route?.brokerDatas[0]?.brokerAddrs, new Map([[0, '127.0.0.1:30911'], [1, '127.0.0.1:30921']]));
  assert.equal(route?.queueDatas[0]?.readQueueNums, 4, 'queue data comes from the master only');
  assert.equal(await routeOf(client, namesrv.addr, 'SlaveOnlyTopic'), null);
});

test('writes brokerAddrs keys quoted for version 409 and bare for ali-ons version 121, as 4.9.8 does', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  // The broker of the capture, so the answers can be compared byte for byte.
  await registerBroker(
    client,
    namesrv.addr,
    brokerSpec({
      clusterName: 'DefaultCluster',
      brokerAddr: '127.0.0.1:40911',
      topics: [createTopicConfig('FixtureTopic', { readQueueNums: 4, writeQueueNums: 4 })],
    }),
  );

  const v409 = await queryRoute(client, namesrv.addr, 'FixtureTopic', 409);
  const v121 = await queryRoute(client, namesrv.addr, 'FixtureTopic', 121);
  assert.match(v409.body!.toString('utf8'), /"brokerAddrs":\{"0":"127\.0\.0\.1:40911"\}/);
  assert.match(v121.body!.toString('utf8'), /"brokerAddrs":\{0:"127\.0\.0\.1:40911"\}/);

  // Replay the captured requests (ali-ons 121 JSON, Java 409 JSON, Java 409 ROCKETMQ) and compare
  // with the captured answers.
  const raw = await RawSocket.connect(t, namesrv.addr);
  const cases = [
    ['namesrv/008-client2namesrv-GET_ROUTEINFO_BY_TOPIC-JSON.bin', 'namesrv/009-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-JSON.bin'],
    ['namesrv/010-client2namesrv-GET_ROUTEINFO_BY_TOPIC-JSON.bin', 'namesrv/011-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-JSON.bin'],
    ['namesrv/012-client2namesrv-GET_ROUTEINFO_BY_TOPIC-ROCKETMQ.bin', 'namesrv/013-namesrv2client-SUCCESS_for_GET_ROUTEINFO_BY_TOPIC-ROCKETMQ.bin'],
  ] as const;
  for (const [requestFile, responseFile] of cases) {
    const expected = splitFrame(readFrameFile(responseFile));
    const answer = await raw.exchange(readFrameFile(requestFile));
    assert.equal(answer.command.code, ResponseCode.SUCCESS, requestFile);
    assert.equal(answer.serializeType, expected.serializeType, `${requestFile}: serialization`);
    assert.equal(answer.command.body?.toString('utf8'), expected.body.toString('utf8'), `${requestFile}: body`);
  }

  // A new client that says acceptStandardJsonOnly gets standard JSON whatever its version.
  const standard = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'FixtureTopic', acceptStandardJsonOnly: 'true' });
  standard.version = 121;
  assert.match((await client.invokeSync(namesrv.addr, standard, RPC_TIMEOUT_MS)).body!.toString('utf8'), /\{"0":/);
});

test('answers ROCKETMQ-serialized requests in ROCKETMQ and JSON requests in JSON', async (t) => {
  const namesrv = await startNamesrv(t);
  const rocketmqClient = newClient(t, { serializeType: SerializeType.ROCKETMQ });
  const jsonClient = newClient(t);

  const registered = await registerBroker(rocketmqClient, namesrv.addr, brokerSpec());
  assert.equal(registered.serializeType, SerializeType.ROCKETMQ);
  const rocketmqRoute = await queryRoute(rocketmqClient, namesrv.addr, 'RouteTopic');
  assert.equal(rocketmqRoute.code, ResponseCode.SUCCESS);
  assert.equal(rocketmqRoute.serializeType, SerializeType.ROCKETMQ);
  assert.equal(decodeTopicRouteData(rocketmqRoute.body!).queueDatas.length, 1);
  const rocketmqCluster = await rocketmqClient.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), RPC_TIMEOUT_MS);
  assert.equal(rocketmqCluster.serializeType, SerializeType.ROCKETMQ);

  const jsonRoute = await queryRoute(jsonClient, namesrv.addr, 'RouteTopic');
  assert.equal(jsonRoute.serializeType, SerializeType.JSON);
  assert.deepEqual(jsonRoute.body, rocketmqRoute.body, 'the body does not depend on the header serialization');
});

test('removes the routes of a broker on UNREGISTER_BROKER', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const broker = brokerSpec();
  await registerBroker(client, namesrv.addr, broker);

  const request = RemotingCommand.request(
    RequestCode.UNREGISTER_BROKER,
    UnregisterBroker.encode({ brokerName: broker.brokerName, brokerAddr: broker.brokerAddr, clusterName: broker.clusterName, brokerId: 0 }),
  );
  assert.equal((await client.invokeSync(namesrv.addr, request, RPC_TIMEOUT_MS)).code, ResponseCode.SUCCESS);
  // The connection that registered is still open: the removal is the unregister's doing.
  assert.equal(await routeOf(client, namesrv.addr, 'RouteTopic'), null);
  const cluster = await clusterInfoOf(client, namesrv.addr);
  assert.equal(cluster.brokerAddrTable.size, 0);
  assert.equal(cluster.clusterAddrTable.size, 0);
});

test('lists registered topics in GET_ALL_TOPIC_LIST_FROM_NAMESERVER and GET_TOPICS_BY_CLUSTER', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  await registerBroker(client, namesrv.addr, brokerSpec({ clusterName: 'ClusterA', topics: [createTopicConfig('TopicA1'), createTopicConfig('TopicA2')] }));
  await registerBroker(
    newClient(t),
    namesrv.addr,
    brokerSpec({ clusterName: 'ClusterB', brokerName: 'broker-b', brokerAddr: '127.0.0.1:31911', topics: [createTopicConfig('TopicB1')] }),
  );

  const all = await client.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), RPC_TIMEOUT_MS);
  assert.equal(all.code, ResponseCode.SUCCESS);
  assert.deepEqual(decodeTopicList(all.body!).topicList, new Set(['TopicA1', 'TopicA2', 'TopicB1']));

  const byCluster = await client.invokeSync(
    namesrv.addr,
    RemotingCommand.request(RequestCode.GET_TOPICS_BY_CLUSTER, GetTopicsByCluster.encode({ cluster: 'ClusterA' })),
    RPC_TIMEOUT_MS,
  );
  assert.equal(byCluster.code, ResponseCode.SUCCESS);
  assert.deepEqual(decodeTopicList(byCluster.body!).topicList, new Set(['TopicA1', 'TopicA2']));
});

test('DELETE_TOPIC_IN_NAMESRV removes a topic everywhere, or only from the brokers of the named cluster', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const shared = [createTopicConfig('SharedTopic'), createTopicConfig('WholeTopic'), createTopicConfig('EmptyClusterNameTopic')];
  await registerBroker(client, namesrv.addr, brokerSpec({ clusterName: 'ClusterA', topics: shared }));
  await registerBroker(
    newClient(t),
    namesrv.addr,
    brokerSpec({ clusterName: 'ClusterB', brokerName: 'broker-b', brokerAddr: '127.0.0.1:31911', topics: shared }),
  );
  const deleteTopic = async (extFields: Record<string, string>): Promise<void> => {
    const response = await client.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_NAMESRV, extFields), RPC_TIMEOUT_MS);
    assert.equal(response.code, ResponseCode.SUCCESS);
  };

  await deleteTopic(DeleteTopicInNamesrv.encode({ topic: 'WholeTopic' }));
  assert.equal(await routeOf(client, namesrv.addr, 'WholeTopic'), null);
  const all = await client.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER), RPC_TIMEOUT_MS);
  assert.equal(decodeTopicList(all.body!).topicList.has('WholeTopic'), false);

  await deleteTopic(DeleteTopicInNamesrv.encode({ topic: 'SharedTopic', clusterName: 'ClusterA' }));
  const route = await routeOf(client, namesrv.addr, 'SharedTopic');
  assert.deepEqual(route?.queueDatas.map((q) => q.brokerName), ['broker-b']);

  // Java treats an empty clusterName like an absent one (DefaultRequestProcessor.deleteTopicInNamesrv).
  await deleteTopic({ topic: 'EmptyClusterNameTopic', clusterName: '' });
  assert.equal(await routeOf(client, namesrv.addr, 'EmptyClusterNameTopic'), null);
});

test('WIPE_WRITE_PERM_OF_BROKER counts the topics it changed and takes the write bit off their routes', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const broker = brokerSpec({ topics: [createTopicConfig('TopicA1'), createTopicConfig('TopicA2')] });
  await registerBroker(client, namesrv.addr, broker);
  assert.equal((await routeOf(client, namesrv.addr, 'TopicA1'))?.queueDatas[0]?.perm, 6);

  const wiped = await client.invokeSync(
    namesrv.addr,
    RemotingCommand.request(RequestCode.WIPE_WRITE_PERM_OF_BROKER, WipeWritePermOfBroker.encode({ brokerName: 'broker-a' })),
    RPC_TIMEOUT_MS,
  );
  assert.equal(wiped.code, ResponseCode.SUCCESS);
  assert.equal(wiped.ext('wipeTopicCount'), '2');
  assert.equal((await routeOf(client, namesrv.addr, 'TopicA1'))?.queueDatas[0]?.perm, 4);
  assert.equal((await routeOf(client, namesrv.addr, 'TopicA2'))?.queueDatas[0]?.perm, 4);

  // The periodic re-registration carries the same dataVersion, so the wipe holds (as in Java).
  await registerBroker(client, namesrv.addr, broker);
  assert.equal((await routeOf(client, namesrv.addr, 'TopicA1'))?.queueDatas[0]?.perm, 4);

  const added = await client.invokeSync(
    namesrv.addr,
    RemotingCommand.request(RequestCode.ADD_WRITE_PERM_OF_BROKER, AddWritePermOfBroker.encode({ brokerName: 'broker-a' })),
    RPC_TIMEOUT_MS,
  );
  assert.equal(added.ext('addTopicCount'), '2');
  assert.equal((await routeOf(client, namesrv.addr, 'TopicA1'))?.queueDatas[0]?.perm, 6);
});

test('puts, gets, lists and deletes KV config; answers QUERY_NOT_FOUND for what is absent', async (t) => {
  const namesrv = await startNamesrv(t);
  const client = newClient(t);
  const call = (code: number, extFields: Record<string, string>): Promise<RemotingCommand> =>
    client.invokeSync(namesrv.addr, RemotingCommand.request(code, extFields), RPC_TIMEOUT_MS);

  assert.equal((await call(RequestCode.PUT_KV_CONFIG, PutKvConfig.encode({ namespace: 'NS', key: 'k1', value: 'v1' }))).code, ResponseCode.SUCCESS);
  assert.equal((await call(RequestCode.PUT_KV_CONFIG, PutKvConfig.encode({ namespace: 'NS', key: 'k2', value: 'v2' }))).code, ResponseCode.SUCCESS);

  const got = await call(RequestCode.GET_KV_CONFIG, GetKvConfig.encode({ namespace: 'NS', key: 'k1' }));
  assert.equal(got.code, ResponseCode.SUCCESS);
  assert.equal(got.ext('value'), 'v1');

  const listed = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKvListByNamespace.encode({ namespace: 'NS' }));
  assert.equal(listed.code, ResponseCode.SUCCESS);
  assert.deepEqual(decodeKVTable(listed.body!).table, new Map([['k1', 'v1'], ['k2', 'v2']]));

  assert.equal((await call(RequestCode.DELETE_KV_CONFIG, DeleteKvConfig.encode({ namespace: 'NS', key: 'k1' }))).code, ResponseCode.SUCCESS);
  const gone = await call(RequestCode.GET_KV_CONFIG, GetKvConfig.encode({ namespace: 'NS', key: 'k1' }));
  assert.equal(gone.code, ResponseCode.QUERY_NOT_FOUND);
  assert.equal(gone.remark, 'No config item, Namespace: NS Key: k1');
  const remaining = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKvListByNamespace.encode({ namespace: 'NS' }));
  assert.deepEqual(decodeKVTable(remaining.body!).table, new Map([['k2', 'v2']]));
  assert.equal((await call(RequestCode.DELETE_KV_CONFIG, DeleteKvConfig.encode({ namespace: 'NS', key: 'k2' }))).code, ResponseCode.SUCCESS);
  const emptied = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKvListByNamespace.encode({ namespace: 'NS' }));
  assert.equal(emptied.code, ResponseCode.SUCCESS, 'an emptied namespace still exists, as in Java');
  assert.deepEqual(decodeKVTable(emptied.body!).table, new Map());

  const noNamespace = await call(RequestCode.GET_KVLIST_BY_NAMESPACE, GetKvListByNamespace.encode({ namespace: 'NoSuchNamespace' }));
  assert.equal(noNamespace.code, ResponseCode.QUERY_NOT_FOUND);
  assert.equal(noNamespace.remark, 'No config item, Namespace: NoSuchNamespace');
});

test('keeps KV config across a restart on the same kvConfigPath', async (t) => {
  const first = await startNamesrv(t);
  const client = newClient(t);
  const put = await client.invokeSync(
    first.addr,
    RemotingCommand.request(RequestCode.PUT_KV_CONFIG, PutKvConfig.encode({ namespace: 'ORDER_TOPIC_CONFIG', key: 'OrderTopic', value: 'broker-a:4' })),
    RPC_TIMEOUT_MS,
  );
  assert.equal(put.code, ResponseCode.SUCCESS);
  assert.deepEqual((await first.stop()).code, 0, 'SIGTERM is a clean shutdown');
  // The file as Java's KVConfigManager writes it.
  assert.deepEqual(JSON.parse(fs.readFileSync(first.kvConfigPath, 'utf8')), { configTable: { ORDER_TOPIC_CONFIG: { OrderTopic: 'broker-a:4' } } });

  const second = await startNamesrv(t, { dir: first.dir });
  const got = await client.invokeSync(
    second.addr,
    RemotingCommand.request(RequestCode.GET_KV_CONFIG, GetKvConfig.encode({ namespace: 'ORDER_TOPIC_CONFIG', key: 'OrderTopic' })),
    RPC_TIMEOUT_MS,
  );
  assert.equal(got.code, ResponseCode.SUCCESS);
  assert.equal(got.ext('value'), 'broker-a:4');
  // A broker registering gets the ORDER_TOPIC_CONFIG namespace back in the response body.
  const registered = await registerBroker(client, second.addr, brokerSpec());
  assert.deepEqual(decodeKVTable(registered.body!).table, new Map([['OrderTopic', 'broker-a:4']]));
});

test('accepts the captured 4.9.8 REGISTER_BROKER bytes and serves the broker they describe', async (t) => {
  const namesrv = await startNamesrv(t);
  const raw = await RawSocket.connect(t, namesrv.addr);
  const answer = await raw.exchange(readFrameFile(FIXTURE_REGISTER));
  assert.equal(answer.command.code, ResponseCode.SUCCESS);
  assert.equal(answer.command.isResponse, true);
  assert.equal(answer.command.opaque, 0);
  assert.equal(answer.serializeType, SerializeType.JSON);

  const client = newClient(t);
  assert.deepEqual(await routeOf(client, namesrv.addr, 'TBW102'), {
    brokerDatas: [{ cluster: 'DefaultCluster', brokerName: 'broker-a', brokerAddrs: new Map([[0, '127.0.0.1:40911']]) }],
    filterServerTable: new Map(),
    queueDatas: [{ brokerName: 'broker-a', perm: 7, readQueueNums: 8, topicSysFlag: 0, writeQueueNums: 8 }],
  });
});

test('answers a REGISTER_BROKER whose body does not match bodyCrc32 with SYSTEM_ERROR and keeps serving', async (t) => {
  const namesrv = await startNamesrv(t);
  const frame = Buffer.from(readFrameFile(FIXTURE_REGISTER));
  // Same length, still valid JSON: only the checksum can tell.
  const at = frame.indexOf('"perm":6');
  assert.ok(at > 0);
  frame.write('"perm":4', at, 'latin1');

  const raw = await RawSocket.connect(t, namesrv.addr);
  const answer = await raw.exchange(frame);
  assert.equal(answer.command.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(answer.command.remark, 'crc32 not match');
  const client = newClient(t);
  assert.equal(await routeOf(client, namesrv.addr, 'TBW102'), null, 'nothing of the rejected body was applied');

  // The same connection still works.
  assert.equal((await raw.exchange(readFrameFile(FIXTURE_REGISTER))).command.code, ResponseCode.SUCCESS);
  assert.notEqual(await routeOf(client, namesrv.addr, 'TBW102'), null);
  assert.equal(raw.closed, false);
});

test('keeps two NameServers independent: a registration on one does not show on the other', async (t) => {
  const [a, b] = await Promise.all([startNamesrv(t), startNamesrv(t)]);
  assert.notEqual(a.port, b.port);
  const client = newClient(t);
  await registerBroker(client, a.addr, brokerSpec());
  assert.notEqual(await routeOf(client, a.addr, 'RouteTopic'), null);
  assert.equal(await routeOf(client, b.addr, 'RouteTopic'), null);
  assert.equal((await clusterInfoOf(client, b.addr)).brokerAddrTable.size, 0);

  await registerBroker(client, b.addr, brokerSpec({ brokerName: 'broker-b', brokerAddr: '127.0.0.1:31911', topics: [createTopicConfig('OnlyOnB')] }));
  assert.equal(await routeOf(client, a.addr, 'OnlyOnB'), null);
  assert.deepEqual([...(await clusterInfoOf(client, a.addr)).brokerAddrTable.keys()], ['broker-a']);
});

test('applies a one-way REGISTER_BROKER without answering it', async (t) => {
  const namesrv = await startNamesrv(t);
  const raw = await RawSocket.connect(t, namesrv.addr);
  // A 4.9.8 broker pushes this right after creating a topic (fixture 003, flag 2).
  raw.write(readFrameFile('namesrv/003-broker2namesrv-REGISTER_BROKER-JSON.bin'));
  const client = newClient(t);
  await waitFor(async () => (await routeOf(client, namesrv.addr, 'RMQ_SYS_TRANS_HALF_TOPIC')) !== null, {
    timeoutMs: 2000,
    message: 'the one-way registration to be applied',
  });
  // The first frame on the socket must answer the next request: the one-way one got none.
  const request = registerBrokerRequest(brokerSpec());
  request.opaque = 77;
  const answer = await raw.exchange(encodeCommandToBuffer(request));
  assert.equal(answer.command.opaque, 77);
});

test('startNamesrv rejects with the server output when the process exits before it is ready', async (t) => {
  await assert.rejects(startNamesrv(t, { args: ['--scanNotActiveBrokerInterval', 'soon'] }), (err: Error) => {
    assert.equal(err.name, 'ServerStartError');
    assert.match(err.message, /exited before ready/);
    assert.match(err.message, /scanNotActiveBrokerInterval/, 'the error carries what the server said');
    return true;
  });
});

test('startNamesrv kills a server that is not ready in time and rejects', async (t) => {
  await assert.rejects(startNamesrv(t, { readyTimeoutMs: 1 }), /no "namesrv listening" line within 1 ms/);
});
