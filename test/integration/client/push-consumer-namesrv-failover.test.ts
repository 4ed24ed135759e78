// A PushConsumer configured with two NameServers keeps consuming when one is killed mid-run: the
// broker connection does not depend on it, and route lookups (a topic subscribed after the kill)
// move to the surviving NameServer.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import { createTopic } from '../../harness/broker-admin.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();

describe('PushConsumer with two NameServers', () => {
  before(() => cluster.start({ namesrvCount: 2 }));
  after(() => cluster.stop());

  test('a NameServer killed mid-run does not stop the consumer', async () => {
    const topic = unique('FailoverTopic');
    const group = unique('CID_failover');
    await cluster.createTopic(topic, 4);
    const got = new Set<string>();
    const consumer = await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      for (const m of msgs) got.add(m.body.toString());
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    const early = await cluster.send(topic, 20, { prefix: 'before' });
    await waitFor(() => early.every((b) => got.has(b)), { timeoutMs: 10_000, message: 'messages before the kill' });

    const dead = cluster.namesrvs[0]!;
    const alive = cluster.namesrvs[1]!;
    await dead.kill();
    const during = await cluster.send(topic, 20, { prefix: 'after-kill' });
    await waitFor(() => during.every((b) => got.has(b)), { timeoutMs: 10_000, message: 'messages after the kill' });

    // A topic subscribed now needs a route lookup, which only the surviving NameServer can answer.
    const second = unique('FailoverTopic2');
    await createTopic(cluster.admin, cluster.broker.addr, [alive.addr], second, 2);
    consumer.subscribe(second, '*');
    await waitFor(() => consumer.assignedQueues().some((mq) => mq.topic === second), { timeoutMs: 15_000, intervalMs: 100, message: 'the new topic is assigned' });
    const onSecond = await cluster.send(second, 10, { prefix: 'second' });
    await waitFor(() => onSecond.every((b) => got.has(b)), { timeoutMs: 10_000, message: 'messages of the new topic' });
    assert.equal(got.size, 50);
  });
});
