// Where a new PushConsumer group starts, against a real NameServer and broker.
//
// Compat: like Java's, our broker answers a new group's QUERY_CONSUMER_OFFSET with 0 while a
// queue's first message is still "in memory" (a young queue), so even CONSUME_FROM_LAST_OFFSET
// reads such a queue from the start. The broker here runs with accessMessageInMemoryMaxRatio=0,
// which makes history count as on disk: the broker answers QUERY_NOT_FOUND and the consumer's
// consumeFromWhere decides, which is what these tests pin.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ReceivedMessage } from '../../../src/client/message.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, queueIdsOf, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();

/** yyyyMMddHHmmss, local time, as Java's consumeTimestamp. */
function consumeTimestamp(ms: number): string {
  const t = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${t.getFullYear()}${p(t.getMonth() + 1)}${p(t.getDate())}${p(t.getHours())}${p(t.getMinutes())}${p(t.getSeconds())}`;
}

describe('PushConsumer consumeFromWhere', () => {
  before(() => cluster.start({ brokerArgs: ['--accessMessageInMemoryMaxRatio', '0'] }));
  after(() => cluster.stop());

  test('LAST_OFFSET skips the history for a new group, FIRST_OFFSET reads it', async () => {
    const topic = unique('WhereTopic');
    await cluster.createTopic(topic, 4);
    const history = await cluster.send(topic, 20, { prefix: 'history' });

    const fromLast: string[] = [];
    const last = await cluster.consumer({ consumerGroup: unique('CID_last'), consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' }, { [topic]: '*' }, (msgs) => {
      fromLast.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    assert.equal(queueIdsOf(last, topic).length, 4, 'start() resolves with the queues assigned');
    const fresh = await cluster.send(topic, 8, { prefix: 'fresh' });

    const fromFirst: string[] = [];
    await cluster.consumer({ consumerGroup: unique('CID_first'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' }, { [topic]: '*' }, (msgs) => {
      fromFirst.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => fromLast.length >= 8 && fromFirst.length >= 28, { timeoutMs: 10_000, message: 'both groups consume' });
    // The FIRST group read all 28, so the LAST group had every chance to see history too.
    assert.deepEqual(fromLast.sort(), [...fresh].sort());
    assert.deepEqual(new Set(fromFirst), new Set([...history, ...fresh]));
    assert.equal(fromFirst.length, 28);
  });

  test('TIMESTAMP starts at the first message stored at or after consumeTimestamp', async () => {
    const topic = unique('TimestampTopic');
    await cluster.createTopic(topic, 2);
    await cluster.send(topic, 10, { prefix: 'before' });
    // Read the old messages' store times, then wait for the next whole second (consumeTimestamp
    // has one-second resolution) before sending the new ones.
    const old: ReceivedMessage[] = [];
    await cluster.consumer({ consumerGroup: unique('CID_probe') }, { [topic]: '*' }, (msgs) => {
      old.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => old.length >= 10, { timeoutMs: 10_000, message: 'the old messages' });
    const boundaryMs = (Math.floor(Math.max(...old.map((m) => m.storeTimestamp)) / 1000) + 1) * 1000;
    await waitFor(() => Date.now() >= boundaryMs, { timeoutMs: 3000, intervalMs: 10, message: 'the next second' });
    const newer = await cluster.send(topic, 6, { prefix: 'after' });

    const got: ReceivedMessage[] = [];
    await cluster.consumer(
      { consumerGroup: unique('CID_timestamp'), consumeFromWhere: 'CONSUME_FROM_TIMESTAMP', consumeTimestamp: consumeTimestamp(boundaryMs) },
      { [topic]: '*' },
      (msgs) => {
        got.push(...msgs);
        return 'CONSUME_SUCCESS';
      },
    );
    await waitFor(() => got.length >= 6, { timeoutMs: 10_000, message: 'the messages after the timestamp' });
    assert.deepEqual(got.map((m) => m.body.toString()).sort(), [...newer].sort());
    assert.ok(got.every((m) => m.storeTimestamp >= boundaryMs));
  });
});
