import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type RegisterBrokerInput, RouteTable } from '../../../src/namesrv/route-table.js';
import { createTopicConfig, type DataVersion, type TopicConfig } from '../../../src/common/topic-config.js';

const EXPIRY_MS = 1000;

/** A RouteTable on a clock the test steps by hand. */
function steppedTable(): { table: RouteTable; clock: { now: number } } {
  const clock = { now: 10_000 };
  return { table: new RouteTable({ now: () => clock.now, brokerExpiryMs: EXPIRY_MS }), clock };
}

function registration(fields: Partial<RegisterBrokerInput> & { topics?: TopicConfig[]; dataVersion?: DataVersion } = {}): RegisterBrokerInput {
  const { topics = [createTopicConfig('TopicA', { readQueueNums: 4, writeQueueNums: 4 })], dataVersion = { counter: 1, timestamp: 1 }, ...rest } = fields;
  return {
    clusterName: 'ClusterA',
    brokerAddr: '10.0.0.1:10911',
    brokerName: 'broker-a',
    brokerId: 0,
    haServerAddr: '10.0.0.1:10912',
    topicConfigWrapper: { topicConfigTable: new Map(topics.map((c) => [c.topicName, c])), dataVersion },
    filterServerList: [],
    connection: {},
    ...rest,
  };
}

const SLAVE = { brokerAddr: '10.0.0.2:10911', brokerId: 1, haServerAddr: '10.0.0.2:10912' } as const;

test('expires each broker on its own schedule, strictly after its expiry', () => {
  const { table, clock } = steppedTable();
  const connectionA = {};
  table.registerBroker(registration({ connection: connectionA }));
  clock.now += 600;
  table.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911', topics: [createTopicConfig('TopicB')] }));

  clock.now += 400; // broker-a is exactly EXPIRY_MS old: not yet expired
  assert.deepEqual(table.scanNotActiveBroker(), []);

  clock.now += 1;
  assert.deepEqual(table.scanNotActiveBroker(), [{ brokerAddr: '10.0.0.1:10911', connection: connectionA }]);
  assert.equal(table.pickupTopicRouteData('TopicA'), null);
  assert.notEqual(table.pickupTopicRouteData('TopicB'), null);

  clock.now += 600;
  assert.deepEqual(table.scanNotActiveBroker().map((r) => r.brokerAddr), ['10.0.0.9:10911']);
  assert.equal(table.pickupTopicRouteData('TopicB'), null);
  assert.equal(table.clusterInfo().clusterAddrTable.size, 0);
});

test('a re-registration or a touch restarts the expiry of that broker', () => {
  const { table, clock } = steppedTable();
  table.registerBroker(registration());
  clock.now += 900;
  table.registerBroker(registration());
  clock.now += 900;
  assert.deepEqual(table.scanNotActiveBroker(), []);
  assert.equal(table.touchBroker('10.0.0.1:10911'), true);
  clock.now += 900;
  assert.deepEqual(table.scanNotActiveBroker(), []);
  assert.equal(table.touchBroker('10.0.0.99:10911'), false, 'an unknown broker is not created by a touch');
});

test('a per-broker expiry (heartbeatTimeoutMillis) overrides the table default', () => {
  const { table, clock } = steppedTable();
  table.registerBroker(registration({ expiryMs: 5000 }));
  clock.now += 4000;
  assert.deepEqual(table.scanNotActiveBroker(), []);
  clock.now += 1001;
  assert.equal(table.scanNotActiveBroker().length, 1);
});

test('answers a slave with its master address and HA address, and takes queue data only from the master', () => {
  const { table } = steppedTable();
  assert.deepEqual(table.registerBroker(registration()), {});
  const result = table.registerBroker(registration({ ...SLAVE, topics: [createTopicConfig('TopicA', { readQueueNums: 8 }), createTopicConfig('SlaveOnly')] }));
  assert.deepEqual(result, { masterAddr: '10.0.0.1:10911', haServerAddr: '10.0.0.1:10912' });
  const route = table.pickupTopicRouteData('TopicA');
  assert.equal(route?.queueDatas[0]?.readQueueNums, 4);
  assert.deepEqual(route?.brokerDatas[0]?.brokerAddrs, new Map([[0, '10.0.0.1:10911'], [1, '10.0.0.2:10911']]));
  assert.equal(table.pickupTopicRouteData('SlaveOnly'), null);
});

test('a slave registering before any master gets no master address', () => {
  const { table } = steppedTable();
  assert.deepEqual(table.registerBroker(registration(SLAVE)), {});
});

test('a slave promoted to master (same address, id 1 then 0) replaces its entry and brings its topics', () => {
  const { table } = steppedTable();
  const masterConnection = {};
  table.registerBroker(registration({ connection: masterConnection }));
  table.registerBroker(registration({ ...SLAVE, topics: [createTopicConfig('TopicA'), createTopicConfig('TopicS')] }));
  assert.deepEqual(table.onConnectionClose(masterConnection), ['10.0.0.1:10911']);

  table.registerBroker(
    registration({ brokerAddr: SLAVE.brokerAddr, brokerId: 0, haServerAddr: SLAVE.haServerAddr, topics: [createTopicConfig('TopicA'), createTopicConfig('TopicS')] }),
  );
  const brokerData = table.clusterInfo().brokerAddrTable.get('broker-a');
  assert.deepEqual(brokerData?.brokerAddrs, new Map([[0, '10.0.0.2:10911']]), 'one entry per address');
  // Id 0 was new for this brokerName, so the registration counts as a first one and applies its topics
  // even though its dataVersion is the one it registered as a slave.
  assert.equal(table.pickupTopicRouteData('TopicA')?.queueDatas[0]?.readQueueNums, 16);
  assert.notEqual(table.pickupTopicRouteData('TopicS'), null);
});

test('removes a brokerName\'s topics only when its last address goes', () => {
  const { table } = steppedTable();
  const masterConnection = {};
  const slaveConnection = {};
  table.registerBroker(registration({ connection: masterConnection }));
  table.registerBroker(registration({ ...SLAVE, connection: slaveConnection }));

  table.onConnectionClose(masterConnection);
  const route = table.pickupTopicRouteData('TopicA');
  assert.deepEqual(route?.brokerDatas[0]?.brokerAddrs, new Map([[1, '10.0.0.2:10911']]));
  assert.equal(route?.queueDatas.length, 1, 'the slave still serves reads');

  table.onConnectionClose(slaveConnection);
  assert.equal(table.pickupTopicRouteData('TopicA'), null);
  assert.equal(table.allTopics().size, 0);
  assert.equal(table.clusterInfo().brokerAddrTable.size, 0);
  assert.equal(table.clusterInfo().clusterAddrTable.size, 0);
});

test('unregisterBroker removes one address and keeps the topics while another address is left', () => {
  const { table } = steppedTable();
  table.registerBroker(registration());
  table.registerBroker(registration(SLAVE));
  table.unregisterBroker('ClusterA', SLAVE.brokerAddr, 'broker-a', 1);
  assert.deepEqual(table.pickupTopicRouteData('TopicA')?.brokerDatas[0]?.brokerAddrs, new Map([[0, '10.0.0.1:10911']]));
  table.unregisterBroker('ClusterA', '10.0.0.1:10911', 'broker-a', 0);
  assert.equal(table.pickupTopicRouteData('TopicA'), null);
  assert.equal(table.brokerDataVersion('10.0.0.1:10911'), undefined);
});

test('a re-registration with an unchanged dataVersion does not overwrite a wiped perm; a new dataVersion does', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ dataVersion: { counter: 3, timestamp: 100 } }));
  assert.equal(table.wipeWritePermOfBroker('broker-a'), 1);
  assert.equal(table.pickupTopicRouteData('TopicA')?.queueDatas[0]?.perm, 4);

  table.registerBroker(registration({ dataVersion: { counter: 3, timestamp: 100 } }));
  assert.equal(table.pickupTopicRouteData('TopicA')?.queueDatas[0]?.perm, 4);

  table.registerBroker(registration({ dataVersion: { counter: 4, timestamp: 200 } }));
  assert.equal(table.pickupTopicRouteData('TopicA')?.queueDatas[0]?.perm, 6);
});

test('wipe and add write perm count only the topics of the named broker', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ topics: [createTopicConfig('T1'), createTopicConfig('T2', { perm: 7 })] }));
  table.registerBroker(registration({ brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911', topics: [createTopicConfig('T1')] }));
  assert.equal(table.wipeWritePermOfBroker('broker-a'), 2);
  assert.equal(table.pickupTopicRouteData('T2')?.queueDatas[0]?.perm, 5, 'only the write bit goes (7 -> 5)');
  const t1 = table.pickupTopicRouteData('T1');
  assert.deepEqual(new Map(t1?.queueDatas.map((q) => [q.brokerName, q.perm])), new Map([['broker-a', 4], ['broker-b', 6]]));
  assert.equal(table.addWritePermOfBroker('broker-a'), 2);
  assert.equal(table.pickupTopicRouteData('T2')?.queueDatas[0]?.perm, 6, 'add sets read|write, as Java does');
  assert.equal(table.wipeWritePermOfBroker('no-such-broker'), 0);
});

test('deleteTopic with a clusterName removes only that cluster\'s queue data, the topic when none is left', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ topics: [createTopicConfig('Shared')] }));
  table.registerBroker(registration({ clusterName: 'ClusterB', brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911', topics: [createTopicConfig('Shared')] }));

  table.deleteTopic('Shared', 'NoSuchCluster');
  assert.equal(table.pickupTopicRouteData('Shared')?.queueDatas.length, 2);

  table.deleteTopic('Shared', 'ClusterA');
  const route = table.pickupTopicRouteData('Shared');
  assert.deepEqual(route?.queueDatas.map((q) => q.brokerName), ['broker-b']);
  assert.deepEqual(route?.brokerDatas.map((b) => b.brokerName), ['broker-b']);
  assert.deepEqual(table.topicsByCluster('ClusterA'), new Set());

  table.deleteTopic('Shared', 'ClusterB');
  assert.equal(table.pickupTopicRouteData('Shared'), null);
  assert.equal(table.allTopics().has('Shared'), false);
});

test('deleteTopic without a clusterName removes the topic from every broker', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ topics: [createTopicConfig('Shared'), createTopicConfig('Kept')] }));
  table.registerBroker(registration({ clusterName: 'ClusterB', brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911', topics: [createTopicConfig('Shared')] }));
  table.deleteTopic('Shared');
  assert.equal(table.pickupTopicRouteData('Shared'), null);
  assert.deepEqual(table.allTopics(), new Set(['Kept']));
});

test('topicsByCluster lists the topics served by any broker of the cluster', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ topics: [createTopicConfig('A1'), createTopicConfig('Shared')] }));
  table.registerBroker(registration({ clusterName: 'ClusterB', brokerName: 'broker-b', brokerAddr: '10.0.0.9:10911', topics: [createTopicConfig('Shared'), createTopicConfig('B1')] }));
  assert.deepEqual(table.topicsByCluster('ClusterA'), new Set(['A1', 'Shared']));
  assert.deepEqual(table.topicsByCluster('ClusterB'), new Set(['Shared', 'B1']));
  assert.deepEqual(table.topicsByCluster('NoSuchCluster'), new Set());
});

test('isBrokerTopicConfigChanged compares with the dataVersion last registered', () => {
  const { table } = steppedTable();
  assert.equal(table.isBrokerTopicConfigChanged('10.0.0.1:10911', { counter: 1, timestamp: 1 }), true, 'unknown broker');
  table.registerBroker(registration({ dataVersion: { counter: 1, timestamp: 1 } }));
  assert.equal(table.isBrokerTopicConfigChanged('10.0.0.1:10911', { counter: 1, timestamp: 1 }), false);
  assert.equal(table.isBrokerTopicConfigChanged('10.0.0.1:10911', { counter: 2, timestamp: 1 }), true);
});

test('filter servers of a broker appear in its routes and go when it registers an empty list', () => {
  const { table } = steppedTable();
  table.registerBroker(registration({ filterServerList: ['10.0.0.1:30000'] }));
  assert.deepEqual(table.pickupTopicRouteData('TopicA')?.filterServerTable, new Map([['10.0.0.1:10911', ['10.0.0.1:30000']]]));
  table.registerBroker(registration());
  assert.deepEqual(table.pickupTopicRouteData('TopicA')?.filterServerTable, new Map());
});
