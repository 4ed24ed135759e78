import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ClientInstance } from '../../../src/client/connection/client-instance.js';
import { TopicNotFoundError } from '../../../src/common/mq-error.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic } from '../../harness/broker-admin.js';
import { waitFor } from '../../harness/wait-for.js';
import { type BrokerProcess, freeBrokerPort, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

// Servers live for the whole suite: their cleanups run in the suite's after().
const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
let namesrv: NamesrvProcess;
let broker: BrokerProcess;
let deadAddr: string;
const admin = new RemotingClient();

describe('ClientInstance against a NameServer and a broker', () => {
  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    // A port nothing listens on: the NameServer a client must skip.
    deadAddr = `127.0.0.1:${await freeBrokerPort()}`;
    await createTopic(admin, broker.addr, [namesrv.addr], 'ClientInstanceTopic', 3);
  });
  after(async () => {
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('one instance per client id, shared by its members', () => {
    const a = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'shared' });
    const b = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'shared' });
    const c = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'other' });
    assert.equal(a, b);
    assert.notEqual(a, c);
    a.remoting.shutdown();
    c.remoting.shutdown();
  });

  test('a dead NameServer in the list is skipped and the route still found', async () => {
    const instance = ClientInstance.acquire({ namesrvAddr: [deadAddr, namesrv.addr, deadAddr], instanceName: 'failover', requestTimeoutMs: 1000 });
    try {
      for (let i = 0; i < 4; i++) {
        const route = await instance.updateTopicRoute('ClientInstanceTopic');
        assert.equal(route.queueDatas[0]?.writeQueueNums, 3);
      }
      assert.equal(instance.findBrokerAddrInPublish('broker-a'), broker.addr);
      assert.deepEqual(instance.findBrokerAddrInSubscribe('broker-a', 1), { addr: broker.addr, slave: false });
      assert.equal(instance.findBrokerAddrInSubscribe('broker-a', 1, true), undefined);
    } finally {
      instance.remoting.shutdown();
    }
  });

  test('an unknown topic is a TopicNotFoundError', async () => {
    const instance = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'unknown-topic' });
    try {
      await assert.rejects(instance.fetchTopicRoute('NoSuchTopic'), (err: unknown) => err instanceof TopicNotFoundError && err.code === 17);
    } finally {
      instance.remoting.shutdown();
    }
  });

  test('a member\'s heartbeat reaches the broker and leaving unregisters it', async () => {
    const instance = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'member', heartbeatBrokerIntervalMs: 60_000 });
    let rebalances = 0;
    instance.registerConsumer({
      group: 'CID_instance_test',
      consumerData: () => ({
        groupName: 'CID_instance_test',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        unitMode: false,
        subscriptionDataSet: [],
      }),
      subscribedTopics: () => ['ClientInstanceTopic'],
      onTopicRoute: () => undefined,
      rebalance: async () => {
        rebalances++;
      },
      persistOffsets: async () => undefined,
    });
    await instance.updateTopicRoute('ClientInstanceTopic');
    await instance.sendHeartbeatToAllBrokers();
    assert.deepEqual(await instance.findConsumerIdList('ClientInstanceTopic', 'CID_instance_test'), [instance.clientId]);
    // The broker tells the group's members that a consumer joined: that alone runs a rebalance.
    await waitFor(() => rebalances >= 1, { timeoutMs: 3000, message: 'NOTIFY_CONSUMER_IDS_CHANGED rebalance' });
    await new Promise((r) => setTimeout(r, 100));
    rebalances = 0;
    instance.rebalanceImmediately();
    instance.rebalanceImmediately();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(rebalances, 1, 'two immediate requests coalesce into one rebalance');
    await instance.unregisterConsumer('CID_instance_test');
    const probe = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: 'probe' });
    try {
      await probe.updateTopicRoute('ClientInstanceTopic');
      // Java's broker answers an empty group with SYSTEM_ERROR, as ours does.
      await assert.rejects(probe.findConsumerIdList('ClientInstanceTopic', 'CID_instance_test'), /no consumer for this group/);
    } finally {
      probe.remoting.shutdown();
    }
  });
});
