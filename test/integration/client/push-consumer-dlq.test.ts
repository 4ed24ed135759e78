// Issue 6's retry acceptance through our own PushConsumer: a listener fails one message every
// time; it comes back with reconsumeTimes 1..N, each no earlier than its delay level (10 s, 30 s,
// 1 min: 3 + reconsumeTimes, the broker's default messageDelayLevel) and within about a second
// after; after maxReconsumeTimes it is in %DLQ%<group> and nowhere else. The broker's clock is
// moved (clockOffsetMs) instead of waiting minutes.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import { BrokerClock, pullAll } from '../../harness/broker-clock.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();
const DELAYS_MS = [10_000, 30_000, 60_000];

describe('PushConsumer: a message failing every time', () => {
  before(() => cluster.start());
  after(() => cluster.stop());

  test('returns with reconsumeTimes 1..3 at delay levels 3..5, then lands in the DLQ only', async () => {
    const clock = new BrokerClock(cluster.admin, cluster.broker.addr);
    const topic = unique('DlqTopic');
    const group = unique('CID_dlq');
    await cluster.createTopic(topic, 1);
    const deliveries: Array<{ reconsumeTimes: number; msgId: string; realMs: number }> = [];
    await cluster.consumer({ consumerGroup: group, maxReconsumeTimes: 3 }, { [topic]: '*' }, (msgs) => {
      for (const m of msgs) deliveries.push({ reconsumeTimes: m.reconsumeTimes, msgId: m.msgId, realMs: Date.now() });
      return ConsumeConcurrentlyStatus.RECONSUME_LATER;
    });
    const sent = await cluster.producer.send({ topic, keys: 'dlq-key', body: 'always fails' });
    await waitFor(() => deliveries.length === 1, { timeoutMs: 10_000, message: 'first delivery' });

    for (const [i, delayMs] of DELAYS_MS.entries()) {
      // The send-back is stored right after the failed delivery; give it a moment.
      await new Promise((r) => setTimeout(r, 300));
      await clock.advance(delayMs - 2000);
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(deliveries.length, i + 1, `retry ${i + 1} came before its ${delayMs / 1000} s delay`);
      const dueAt = Date.now();
      await clock.advance(2500);
      await waitFor(() => deliveries.length === i + 2, { timeoutMs: 3000, message: `retry ${i + 1}` });
      assert.ok(deliveries[i + 1]!.realMs - dueAt < 1500, `retry ${i + 1} came ${deliveries[i + 1]!.realMs - dueAt} ms after it was due`);
    }
    assert.deepEqual(deliveries.map((d) => d.reconsumeTimes), [0, 1, 2, 3]);
    assert.ok(deliveries.every((d) => d.msgId === sent.msgId), 'every delivery is the same message');

    // The fourth failure exhausts maxReconsumeTimes: the DLQ, and no further delivery however long we wait.
    const dlq = `%DLQ%${group}`;
    await waitFor(async () => (await pullAll(cluster.admin, cluster.broker.addr, dlq, 0)).length === 1, { timeoutMs: 5000, message: 'the DLQ holds it' });
    const [dead] = await pullAll(cluster.admin, cluster.broker.addr, dlq, 0);
    assert.equal(dead!.properties.get('UNIQ_KEY'), sent.msgId);
    assert.equal(dead!.body.toString(), 'always fails');
    await clock.advance(3 * 3_600_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(deliveries.length, 4);
    assert.equal((await pullAll(cluster.admin, cluster.broker.addr, `%RETRY%${group}`, 0)).length, 3, 'three retries went through %RETRY%');
    assert.equal((await pullAll(cluster.admin, cluster.broker.addr, dlq, 0)).length, 1, 'exactly one dead letter');
  });
});
