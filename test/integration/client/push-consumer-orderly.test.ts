// Orderly PushConsumer against a real NameServer and broker: messages sent by sharding key keep
// their per-key order while a second member joins the group and leaves again (queues handed over
// through the broker's queue locks); SUSPEND_CURRENT_QUEUE_A_MOMENT retries the same message with
// its reconsumeTimes counted, holding back the rest of the queue; past maxReconsumeTimes the
// message goes to the group's dead letter queue and the queue moves on.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ConsumeOrderlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { ReceivedMessage } from '../../../src/client/message.js';
import { decodeMessageRecords } from '../../../src/common/message/message-record.js';
import { pullOne } from '../../harness/broker-admin.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, queueIdsOf, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();

describe('orderly PushConsumer', () => {
  before(() => cluster.start());
  after(() => cluster.stop());

  test('keeps each sharding key in order while a second consumer joins and then leaves', async () => {
    const topic = unique('OrderTopic');
    const group = unique('CID_order');
    await cluster.createTopic(topic, 8);
    const KEYS = 16;
    /** key -> the sequence numbers in the order any member consumed them. */
    const seen = new Map<string, number[]>();
    const perConsumer: [number, number] = [0, 0];
    const listener = (which: 0 | 1) => ({
      consumeOrderly: async (msgs: ReceivedMessage[]) => {
        for (const m of msgs) {
          const [key, n] = m.body.toString().split(':');
          const list = seen.get(key!) ?? [];
          list.push(Number(n));
          seen.set(key!, list);
          perConsumer[which]++;
        }
        // Slow enough that consumption is still going on when membership changes.
        await sleep(10);
        return ConsumeOrderlyStatus.SUCCESS;
      },
    });
    const options = { consumerGroup: group, unlockDelayTimeMillis: 300 };
    const a = await cluster.consumer(options, { [topic]: '*' }, listener(0));
    await waitFor(() => queueIdsOf(a, topic).length === 8, { timeoutMs: 10_000, message: 'A holds every queue' });

    let nextSeq = 0;
    const sendRound = async (perKey: number): Promise<void> => {
      const from = nextSeq;
      nextSeq += perKey;
      // One sender per key, so each key's messages are sent (and stored) in sequence order.
      await Promise.all(
        Array.from({ length: KEYS }, async (_v, k) => {
          for (let n = from; n < from + perKey; n++) {
            const result = await cluster.producer.send({ topic, body: `key${k}:${n}` }, { shardingKey: `key${k}` });
            assert.equal(result.sendStatus, 'SEND_OK');
          }
        }),
      );
    };
    const total = (): number => [...seen.values()].reduce((sum, l) => sum + l.length, 0);

    await sendRound(20);
    const b = await cluster.consumer(options, { [topic]: '*' }, listener(1));
    const sending = sendRound(60);
    await waitFor(
      () => {
        const ids = [...queueIdsOf(a, topic), ...queueIdsOf(b, topic)];
        return queueIdsOf(b, topic).length === 4 && queueIdsOf(a, topic).length === 4 && new Set(ids).size === 8;
      },
      { timeoutMs: 15_000, intervalMs: 50, message: 'A and B split the queues four and four' },
    );
    await sending;
    // B leaves while its queues still hold messages, so they move back mid-stream.
    await waitFor(() => perConsumer[1] >= 100, { timeoutMs: 10_000, message: 'B consumes part of its share' });
    await cluster.shutdownConsumer(b);
    await sendRound(20);
    await waitFor(() => queueIdsOf(a, topic).length === 8, { timeoutMs: 10_000, message: 'A takes every queue back' });
    await waitFor(
      () => [...seen.values()].every((l) => new Set(l).size === nextSeq) && seen.size === KEYS,
      { timeoutMs: 20_000, intervalMs: 50, message: `every key's ${nextSeq} messages consumed (have ${total()})` },
    );

    for (const [key, list] of seen) {
      for (let i = 1; i < list.length; i++) {
        // A redelivery repeats the last number (a batch in flight when its queue moved); nothing goes back further.
        assert.ok(list[i]! >= list[i - 1]!, `${key} went back from ${list[i - 1]} to ${list[i]}: ${list.join(',')}`);
        assert.ok(list[i]! <= list[i - 1]! + 1, `${key} skipped from ${list[i - 1]} to ${list[i]}`);
      }
    }
    assert.ok(perConsumer[0] > 0 && perConsumer[1] > 0, `both consumed (A ${perConsumer[0]}, B ${perConsumer[1]})`);
  });

  test('SUSPEND_CURRENT_QUEUE_A_MOMENT retries the same message, counting reconsumeTimes, before the next one', async () => {
    const topic = unique('SuspendTopic');
    const group = unique('CID_suspend');
    await cluster.createTopic(topic, 1);
    for (const body of ['first', 'second']) await cluster.producer.send({ topic, body });
    const calls: Array<{ body: string; reconsumeTimes: number }> = [];
    await cluster.consumer({ consumerGroup: group, suspendCurrentQueueTimeMillis: 100 }, { [topic]: '*' }, {
      consumeOrderly: (msgs) => {
        const m = msgs[0]!;
        calls.push({ body: m.body.toString(), reconsumeTimes: m.reconsumeTimes });
        return m.body.toString() === 'first' && m.reconsumeTimes < 2 ? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT : ConsumeOrderlyStatus.SUCCESS;
      },
    });
    await waitFor(() => calls.some((c) => c.body === 'second'), { timeoutMs: 10_000, message: 'the second message is consumed' });
    assert.deepEqual(calls, [
      { body: 'first', reconsumeTimes: 0 },
      { body: 'first', reconsumeTimes: 1 },
      { body: 'first', reconsumeTimes: 2 },
      { body: 'second', reconsumeTimes: 0 },
    ]);
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 2, { timeoutMs: 5000, intervalMs: 100, message: 'both committed' });
  });

  test('a message suspended more than maxReconsumeTimes goes to the dead letter queue and the queue moves on', async () => {
    const topic = unique('DlqTopic');
    const group = unique('CID_dlq');
    await cluster.createTopic(topic, 1);
    for (const body of ['poison', 'after']) await cluster.producer.send({ topic, body });
    const calls: string[] = [];
    await cluster.consumer({ consumerGroup: group, suspendCurrentQueueTimeMillis: 50, maxReconsumeTimes: 2 }, { [topic]: '*' }, {
      consumeOrderly: (msgs) => {
        calls.push(msgs[0]!.body.toString());
        return msgs[0]!.body.toString() === 'poison' ? ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT : ConsumeOrderlyStatus.SUCCESS;
      },
    });
    await waitFor(() => calls.includes('after'), { timeoutMs: 10_000, message: 'the next message is consumed' });
    // Tried once, then retried maxReconsumeTimes (2) times.
    assert.deepEqual(calls, ['poison', 'poison', 'poison', 'after']);
    const dlq = `%DLQ%${group}`;
    const response = await pullOne(cluster.admin, cluster.broker.addr, dlq, 0, 0, { group: unique('CID_dlq_reader') });
    assert.equal(response.code, 0, `pull ${dlq}: ${response.remark ?? ''}`);
    const records = decodeMessageRecords(response.body!);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.body.toString(), 'poison');
    assert.equal(records[0]!.properties.get('RETRY_TOPIC'), topic);
  });
});
