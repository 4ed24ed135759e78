// LitePullConsumer against a real NameServer and broker: subscribe and poll, tag filtering, a
// group of two splitting the queues, poll's timeout, pause/resume, the queue change listener, and
// the bounded buffer.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LitePullConsumer } from '../../../src/client/consumer/lite-pull-consumer.js';
import type { LitePullConsumerConfig } from '../../../src/client/consumer/lite-pull-config.js';
import { messageQueueKey, type MessageQueue, type ReceivedMessage } from '../../../src/client/message.js';
import { Producer } from '../../../src/client/producer/producer.js';
import { MQError } from '../../../src/common/mq-error.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic, sendOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

// Cleanups run in the suite's after(): node:test's after() called inside before() would run too early.
const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
let namesrv: NamesrvProcess;
let broker: BrokerProcess;
const admin = new RemotingClient();
const consumers: LitePullConsumer[] = [];
let seq = 0;
const unique = (prefix: string): string => `${prefix}_${process.pid}_${++seq}`;

function consumer(config: Partial<LitePullConsumerConfig> & { consumerGroup: string }): LitePullConsumer {
  const c = new LitePullConsumer({
    namesrvAddr: namesrv.addr,
    instanceName: unique('lite'),
    pollNameServerIntervalMs: 1000,
    heartbeatBrokerIntervalMs: 1000,
    rebalanceIntervalMs: 1000,
    persistConsumerOffsetIntervalMs: 1000,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    ...config,
  });
  consumers.push(c);
  return c;
}

/** One message to one queue, so tests know each queue's content. */
async function send(topic: string, queueId: number, body: string): Promise<void> {
  const response = await sendOne(admin, broker.addr, topic, queueId, Buffer.from(body));
  assert.equal(response.code, 0, `send to ${topic}/${queueId}: ${response.remark ?? ''}`);
}

/** Polls until `count` messages came (failing after the deadline), then checks nothing more comes. */
async function pollExactly(c: LitePullConsumer, count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
  const got: ReceivedMessage[] = [];
  await waitFor(
    async () => {
      got.push(...(await c.poll(200)));
      return got.length >= count;
    },
    { timeoutMs, intervalMs: 0, message: `${count} messages (got ${got.length})` },
  );
  got.push(...(await c.poll(300)));
  assert.equal(got.length, count, 'no more messages than sent');
  return got;
}

function byQueue(messages: readonly ReceivedMessage[]): Map<number, ReceivedMessage[]> {
  const out = new Map<number, ReceivedMessage[]>();
  for (const m of messages) {
    const list = out.get(m.queueId) ?? [];
    list.push(m);
    out.set(m.queueId, list);
  }
  return out;
}

function queue(topic: string, queueId: number): MessageQueue {
  return { topic, brokerName: 'broker-a', queueId };
}

describe('LitePullConsumer', () => {
  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.shutdown()));
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('subscribe: poll returns every message sent, each queue in order, one queue per batch', async () => {
    const topic = unique('LiteAll');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    for (let q = 0; q < 4; q++) for (let i = 0; i < 5; i++) await send(topic, q, `q${q}-${i}`);
    const c = consumer({ consumerGroup: unique('CID_all'), pullBatchSize: 4 });
    await c.subscribe(topic, '*');
    await c.start();
    for (let q = 0; q < 4; q++) for (let i = 5; i < 10; i++) await send(topic, q, `q${q}-${i}`);

    const got: ReceivedMessage[] = [];
    await waitFor(
      async () => {
        const batch = await c.poll(200);
        assert.ok(batch.length <= 4, 'a poll returns at most pullBatchSize messages');
        assert.ok(new Set(batch.map((m) => m.queueId)).size <= 1, 'a poll returns messages of one queue');
        got.push(...batch);
        return got.length >= 40;
      },
      { timeoutMs: 10_000, intervalMs: 0, message: '40 messages' },
    );
    assert.equal(got.length, 40);
    for (const [q, list] of byQueue(got)) {
      assert.deepEqual(list.map((m) => m.body.toString()), Array.from({ length: 10 }, (_, i) => `q${q}-${i}`));
      assert.deepEqual(list.map((m) => m.queueOffset), Array.from({ length: 10 }, (_, i) => i));
    }
    assert.deepEqual(c.assignment().map((mq) => mq.queueId), [0, 1, 2, 3]);

    await c.shutdown();
    await c.shutdown(); // idempotent
    await assert.rejects(c.poll(10), MQError);
  });

  test('a tag expression returns only the matching tags (sent by our Producer)', async () => {
    const topic = unique('LiteTags');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 1);
    const producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: unique('PID_tags'), instanceName: unique('producer') });
    await producer.start();
    const tags = ['TagA', 'TagB', 'TagC', undefined, 'TagA', 'TagC', 'TagB'];
    const msgIds: string[] = [];
    try {
      for (const [i, tag] of tags.entries()) {
        const result = await producer.send({ topic, body: `m${i}`, keys: `key${i}`, ...(tag === undefined ? {} : { tags: tag }) });
        msgIds.push(result.msgId);
      }
    } finally {
      await producer.shutdown();
    }
    const c = consumer({ consumerGroup: unique('CID_tags') });
    await c.subscribe(topic, 'TagA || TagB');
    await c.start();
    const got = await pollExactly(c, 4);
    assert.deepEqual(got.map((m) => m.body.toString()), ['m0', 'm1', 'm4', 'm6']);
    assert.deepEqual(got.map((m) => m.tags), ['TagA', 'TagB', 'TagA', 'TagB']);
    assert.deepEqual(got.map((m) => m.keys), [['key0'], ['key1'], ['key4'], ['key6']]);
    assert.deepEqual(got.map((m) => m.msgId), [msgIds[0], msgIds[1], msgIds[4], msgIds[6]]);
  });

  test('two consumers of one group split the queues and together see each message once', async () => {
    const topic = unique('LiteSplit');
    const group = unique('CID_split');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    const a = consumer({ consumerGroup: group });
    const b = consumer({ consumerGroup: group });
    await a.subscribe(topic);
    await b.subscribe(topic);
    await a.start();
    await b.start();
    await waitFor(
      () => {
        const qa = a.assignment().map(messageQueueKey);
        const qb = b.assignment().map(messageQueueKey);
        return qa.length === 2 && qb.length === 2 && !qa.some((k) => qb.includes(k));
      },
      { timeoutMs: 10_000, message: 'the four queues split two and two' },
    );
    for (let q = 0; q < 4; q++) for (let i = 0; i < 5; i++) await send(topic, q, `q${q}-${i}`);

    const gotA: ReceivedMessage[] = [];
    const gotB: ReceivedMessage[] = [];
    await waitFor(
      async () => {
        const [ma, mb] = await Promise.all([a.poll(200), b.poll(200)]);
        gotA.push(...ma);
        gotB.push(...mb);
        return gotA.length + gotB.length >= 20;
      },
      { timeoutMs: 10_000, intervalMs: 0, message: '20 messages over both consumers' },
    );
    const [restA, restB] = await Promise.all([a.poll(300), b.poll(300)]);
    assert.deepEqual([...restA, ...restB], []);
    const bodies = [...gotA, ...gotB].map((m) => m.body.toString()).sort();
    assert.deepEqual(bodies, Array.from({ length: 20 }, (_, i) => `q${Math.floor(i / 5)}-${i % 5}`).sort());
    const queuesA = new Set(a.assignment().map((mq) => mq.queueId));
    assert.ok(gotA.every((m) => queuesA.has(m.queueId)), 'a consumer polls only its own queues');
    assert.ok(gotB.every((m) => !queuesA.has(m.queueId)));
  });

  test('poll returns [] once its timeout passed with nothing to return', async () => {
    const topic = unique('LiteEmpty');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    const c = consumer({ consumerGroup: unique('CID_empty') });
    await c.subscribe(topic);
    await c.start();
    const started = performance.now();
    assert.deepEqual(await c.poll(300), []);
    assert.ok(performance.now() - started >= 290, 'poll waited for its timeout');
    await assert.rejects(c.poll(-1), MQError);
  });

  test('pause stops a queue until resume, the other queues go on', async () => {
    const topic = unique('LitePause');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    const c = consumer({ consumerGroup: unique('CID_pause') });
    c.assign([queue(topic, 0), queue(topic, 1)]);
    await c.start();
    c.pause([queue(topic, 0)]);
    for (let i = 0; i < 5; i++) {
      await send(topic, 0, `paused-${i}`);
      await send(topic, 1, `running-${i}`);
    }
    const first = await pollExactly(c, 5);
    assert.deepEqual(first.map((m) => m.body.toString()), ['running-0', 'running-1', 'running-2', 'running-3', 'running-4']);
    assert.ok(c.bufferStatus().queues.find((q) => q.mq.queueId === 0)?.paused);

    c.resume([queue(topic, 0)]);
    const second = await pollExactly(c, 5);
    assert.deepEqual(second.map((m) => m.body.toString()), ['paused-0', 'paused-1', 'paused-2', 'paused-3', 'paused-4']);
  });

  test('a topic queue change listener hears of new queues', async () => {
    const topic = unique('LiteGrow');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    const c = consumer({ consumerGroup: unique('CID_grow'), topicMetadataCheckIntervalMillis: 200 });
    await c.start();
    const heard: number[][] = [];
    await c.registerTopicMessageQueueChangeListener(topic, (t, queues) => {
      assert.equal(t, topic);
      heard.push(queues.map((mq) => mq.queueId));
    });
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    await waitFor(() => heard.length > 0, { timeoutMs: 5000, message: 'the listener called' });
    assert.deepEqual(heard, [[0, 1, 2, 3]]);
  });

  test('the buffer stays within the thresholds while nobody polls, and drains in order', async () => {
    const topic = unique('LiteBounded');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    for (let q = 0; q < 4; q++) for (let i = 0; i < 30; i++) await send(topic, q, `q${q}-${i}`);
    const batch = 4;
    const forQueue = 10;
    const forAll = 20;
    const c = consumer({ consumerGroup: unique('CID_bounded'), pullBatchSize: batch, pullThresholdForQueue: forQueue, pullThresholdForAll: forAll });
    c.assign([0, 1, 2, 3].map((q) => queue(topic, q)));
    await c.start();

    // Each task checks a threshold before it pulls and adds at most one batch after its check.
    const check = (): void => {
      const status = c.bufferStatus();
      assert.ok(status.messageCount <= forAll + 4 * batch, `buffered ${status.messageCount} > ${forAll} + 4 x ${batch}`);
      for (const q of status.queues) assert.ok(q.messageCount <= forQueue + batch, `queue ${q.mq.queueId} buffered ${q.messageCount}`);
    };
    await waitFor(
      () => {
        check();
        return c.bufferStatus().flowControlTimes >= 40;
      },
      { timeoutMs: 10_000, message: 'pulls held back by the thresholds' },
    );
    const status = c.bufferStatus();
    check();
    assert.ok(status.messageCount > forAll || status.queues.some((q) => q.messageCount > forQueue), 'a threshold was reached');
    assert.ok(status.messageCount < 120, 'not everything was pulled');

    const got = await pollExactly(c, 120);
    for (const [q, list] of byQueue(got)) assert.deepEqual(list.map((m) => m.body.toString()), Array.from({ length: 30 }, (_, i) => `q${q}-${i}`));
  });
});
