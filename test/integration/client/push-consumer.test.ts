// PushConsumer against a real NameServer and broker: tag expressions, a clustering group of three
// splitting the queues with no message consumed twice, offsets committed to the broker and a
// restarted consumer resuming from them, a broker-initiated offset reset, running info, and
// shutdown draining a slow listener.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { ReceivedMessage } from '../../../src/client/message.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { parseMessageQueueKeyed, ResetOffset } from '../../../src/remoting/requests/admin-broker.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, queueIdsOf, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();

describe('PushConsumer', () => {
  before(() => cluster.start());
  after(() => cluster.stop());

  test('delivers only the tags a "TagA || TagB" expression names, and everything to "*"', async () => {
    const topic = unique('TagTopic');
    await cluster.createTopic(topic, 4);
    const tagOf = (i: number): string => ['TagA', 'TagB', 'TagC'][i % 3]!;
    await cluster.send(topic, 60, { tags: tagOf });

    const filtered: ReceivedMessage[] = [];
    const all: ReceivedMessage[] = [];
    await cluster.consumer({ consumerGroup: unique('CID_tags_ab') }, { [topic]: 'TagA || TagB' }, (msgs) => {
      filtered.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await cluster.consumer({ consumerGroup: unique('CID_tags_all') }, { [topic]: '*' }, (msgs) => {
      all.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => filtered.length >= 40 && all.length >= 60, { timeoutMs: 10_000, message: 'both groups consume their messages' });
    // The "*" group has seen every message, so the filtered one has had the chance to see TagC.
    assert.equal(all.length, 60);
    assert.deepEqual(new Set(all.map((m) => m.tags)), new Set(['TagA', 'TagB', 'TagC']));
    assert.equal(filtered.length, 40);
    assert.ok(filtered.every((m) => m.tags === 'TagA' || m.tags === 'TagB'));
    assert.equal(new Set(filtered.map((m) => m.body.toString())).size, 40);
  });

  test('three clustering consumers split the queues and consume each message exactly once', async () => {
    const topic = unique('SplitTopic');
    const group = unique('CID_split');
    await cluster.createTopic(topic, 8);
    const received: ReceivedMessage[][] = [[], [], []];
    const consumers = await Promise.all(
      received.map((list) =>
        cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
          list.push(...msgs);
          return 'CONSUME_SUCCESS';
        }),
      ),
    );
    // Membership first: the eight queues split 3/3/2 with no overlap.
    await waitFor(
      () => {
        const owned = consumers.map((c) => queueIdsOf(c, topic));
        const union = new Set(owned.flat());
        return union.size === 8 && owned.flat().length === 8 && owned.every((ids) => ids.length >= 2);
      },
      { timeoutMs: 15_000, intervalMs: 100, message: 'the queues split across the three consumers' },
    );
    const sent = await cluster.send(topic, 300);
    await waitFor(() => received.flat().length >= 300, { timeoutMs: 15_000, message: 'every message consumed' });
    const bodies = received.flat().map((m) => m.body.toString());
    assert.equal(bodies.length, 300, 'nothing consumed twice');
    assert.deepEqual(new Set(bodies), new Set(sent));
    for (const list of received) assert.ok(list.length > 0, 'each consumer got a share');
    // Each consumer only saw its own queues.
    consumers.forEach((c, i) => {
      const mine = new Set(queueIdsOf(c, topic));
      assert.ok(received[i]!.every((m) => mine.has(m.queueId)));
    });
  });

  test('offsets are committed to the broker and a restarted consumer resumes from them', async () => {
    const topic = unique('OffsetTopic');
    const group = unique('CID_offsets');
    await cluster.createTopic(topic, 4);
    const first = await cluster.send(topic, 100, { prefix: 'first' });
    const firstSeen: string[] = [];
    const consumer = await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      firstSeen.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => firstSeen.length >= 100, { timeoutMs: 10_000, message: 'the first 100 consumed' });
    // Commits reach the broker while running (every second here, and along with pulls), not only at shutdown.
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 100, { timeoutMs: 10_000, intervalMs: 200, message: 'GET_CONSUME_STATS shows the commits' });
    assert.deepEqual(new Set(firstSeen), new Set(first));
    await cluster.shutdownConsumer(consumer);

    const later = await cluster.send(topic, 50, { prefix: 'later' });
    const secondSeen: string[] = [];
    await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      secondSeen.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => secondSeen.length >= 50, { timeoutMs: 10_000, message: 'the later 50 consumed' });
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 150, { timeoutMs: 10_000, intervalMs: 200, message: 'the later commits' });
    assert.deepEqual(secondSeen.sort(), [...later].sort(), 'only what was sent after the restart');
  });

  test('shutdown waits for a running listener and commits what it consumed', async () => {
    const topic = unique('DrainTopic');
    const group = unique('CID_drain');
    await cluster.createTopic(topic, 1);
    await cluster.send(topic, 1, { prefix: 'slow' });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    const consumer = await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, async () => {
      started = true;
      await released;
      finished = true;
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await waitFor(() => started, { timeoutMs: 10_000, message: 'the listener runs' });
    const shutdown = cluster.shutdownConsumer(consumer);
    setImmediate(release);
    await shutdown;
    assert.equal(finished, true, 'shutdown resolved after the listener finished');
    assert.equal((await cluster.committedOffsets(group, topic)).perQueue.get(0), 1, 'and its offset was committed');
    await consumer.shutdown(); // idempotent
  });

  test('a broker-initiated offset reset (RESET_CONSUMER_CLIENT_OFFSET) makes the consumer read again from there', async () => {
    const topic = unique('ResetTopic');
    const group = unique('CID_reset');
    await cluster.createTopic(topic, 2);
    const sent = await cluster.send(topic, 30);
    const seen: string[] = [];
    await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => seen.length >= 30, { timeoutMs: 10_000, message: 'first pass' });
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 30, { timeoutMs: 10_000, intervalMs: 100, message: 'first pass committed' });
    // mqadmin resetOffsetByTime: the broker tells the online consumers the new offsets (timestamp 0: the queues' start).
    const header = ResetOffset.encode({ topic, group, timestamp: 0, isForce: true });
    const response = await cluster.admin.invokeSync(cluster.broker.addr, RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, header), 5000);
    assert.equal(response.code, 0, response.remark ?? '');
    await waitFor(() => seen.length >= 60, { timeoutMs: 10_000, message: 'everything consumed again' });
    assert.deepEqual(seen.slice(30).sort(), [...sent].sort());
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 30, { timeoutMs: 10_000, intervalMs: 100, message: 'second pass committed' });
  });

  test('running info lists settings, subscriptions (the retry topic included) and each queue, in Java\'s body format', async () => {
    const topic = unique('InfoTopic');
    const group = unique('CID_info');
    await cluster.createTopic(topic, 2);
    await cluster.send(topic, 10);
    let consumed = 0;
    const consumer = await cluster.consumer({ consumerGroup: group, pullBatchSize: 16 }, { [topic]: '*' }, (msgs) => {
      consumed += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    await waitFor(() => consumed >= 10, { timeoutMs: 10_000, message: 'consumed' });
    const info = consumer.runningInfo();
    assert.equal(info.properties['consumerGroup'], group);
    assert.equal(info.properties['PROP_CONSUME_TYPE'], 'CONSUME_PASSIVELY');
    assert.equal(info.properties['PROP_CONSUMEORDERLY'], 'false');
    assert.deepEqual(info.subscriptionSet.map((s) => s.topic).sort(), [topic, `%RETRY%${group}`].sort());
    await waitFor(() => consumer.runningInfo().mqTable.filter((e) => e.messageQueue.topic === topic).every((e) => e.processQueueInfo.commitOffset >= 0), { message: 'offsets recorded' });
    const queues = consumer.runningInfo().mqTable.filter((e) => e.messageQueue.topic === topic);
    assert.equal(queues.length, 2);
    assert.equal(queues.reduce((sum, e) => sum + e.processQueueInfo.commitOffset, 0), 10);
    assert.ok(queues.every((e) => e.processQueueInfo.cachedMsgCount === 0 && !e.processQueueInfo.droped));

    const body = parseMessageQueueKeyed(consumer.runningInfoBody().toString('utf8')) as {
      mqTable: Record<string, { commitOffset: number }>;
      properties: Record<string, string>;
      subscriptionSet: Array<{ topic: string }>;
    };
    const keys = Object.keys(body.mqTable).map((k) => JSON.parse(k) as { topic: string; queueId: number });
    assert.deepEqual(keys.filter((k) => k.topic === topic).map((k) => k.queueId), [0, 1]);
    assert.equal(body.properties['consumerGroup'], group);
    assert.equal(body.subscriptionSet.length, 2);
  });
});
