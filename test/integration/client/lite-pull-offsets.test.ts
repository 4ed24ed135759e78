// LitePullConsumer offsets against a real NameServer and broker: assign and seek, commitSync and
// a new member resuming after it, auto-commit, and broadcasting with the local offset file.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { queryConsumerOffset } from '../../../src/client/connection/broker-api.js';
import { ClientInstance } from '../../../src/client/connection/client-instance.js';
import { LitePullConsumer } from '../../../src/client/consumer/lite-pull-consumer.js';
import type { LitePullConsumerConfig } from '../../../src/client/consumer/lite-pull-config.js';
import type { MessageQueue, ReceivedMessage } from '../../../src/client/message.js';
import { MQError } from '../../../src/common/mq-error.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic, sendOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, makeTempDir, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

// Cleanups run in the suite's after(): node:test's after() called inside before() would run too early.
const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
let namesrv: NamesrvProcess;
let broker: BrokerProcess;
let probe: ClientInstance;
const admin = new RemotingClient();
const consumers: LitePullConsumer[] = [];
let seq = 0;
const unique = (prefix: string): string => `${prefix}_${process.pid}_${++seq}`;

function consumer(config: Partial<LitePullConsumerConfig> & { consumerGroup: string }): LitePullConsumer {
  const c = new LitePullConsumer({
    namesrvAddr: namesrv.addr,
    instanceName: unique('lite'),
    clientIP: '127.0.0.1',
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

const bodies = (messages: readonly ReceivedMessage[]): string[] => messages.map((m) => m.body.toString()).sort();
const queue = (topic: string, queueId: number): MessageQueue => ({ topic, brokerName: 'broker-a', queueId });
/** The group's offset as the broker holds it (our broker answers 0 for a young queue with none). */
const brokerOffset = async (group: string, mq: MessageQueue): Promise<number | undefined> => {
  await probe.updateTopicRoute(mq.topic);
  return queryConsumerOffset(probe, group, mq);
};

describe('LitePullConsumer offsets', () => {
  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    probe = ClientInstance.acquire({ namesrvAddr: namesrv.addr, instanceName: unique('probe') });
  });
  after(async () => {
    await Promise.all(consumers.map((c) => c.shutdown()));
    probe.remoting.shutdown();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('subscribe and assign exclude each other', () => {
    const a = new LitePullConsumer({ namesrvAddr: '127.0.0.1:9', consumerGroup: 'CID_conflict_a' });
    a.assign([queue('T', 0)]);
    return assert.rejects(a.subscribe('T'), /mutually exclusive/);
  });

  test('assign and seek: to an offset, to the beginning, to the end', async () => {
    const topic = unique('LiteSeek');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    for (let i = 0; i < 10; i++) await send(topic, 0, `m${i}`);
    const q0 = queue(topic, 0);
    const c = consumer({ consumerGroup: unique('CID_seek'), autoCommit: false });
    c.assign([q0]);
    await c.start();
    const all = await pollExactly(c, 10);
    assert.deepEqual(all.map((m) => m.queueOffset), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    await c.seek(q0, 3);
    const fromThree = await pollExactly(c, 7);
    assert.deepEqual(fromThree.map((m) => m.body.toString()), ['m3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9']);

    await c.seekToBegin(q0);
    const again = await pollExactly(c, 10);
    assert.deepEqual(again.map((m) => m.queueOffset), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    await c.seekToEnd(q0);
    assert.deepEqual(await c.poll(300), []);
    await send(topic, 0, 'm10');
    await send(topic, 0, 'm11');
    const after = await pollExactly(c, 2);
    assert.deepEqual(after.map((m) => [m.queueOffset, m.body.toString()]), [[10, 'm10'], [11, 'm11']]);

    await assert.rejects(c.seek(q0, 13), /Seek offset illegal/);
    await assert.rejects(c.seek(queue(topic, 1), 0), /not in assigned list/);
    assert.equal(await c.offsetForTimestamp(q0, 0), 0);
  });

  test('commitSync: the broker holds the offsets when it resolves, and a new member resumes after them', async () => {
    const topic = unique('LiteCommit');
    const group = unique('CID_commit');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    for (let i = 0; i < 5; i++) {
      await send(topic, 0, `first-q0-${i}`);
      await send(topic, 1, `first-q1-${i}`);
    }
    const first = consumer({ consumerGroup: group, autoCommit: false });
    await first.subscribe(topic);
    await first.start();
    await pollExactly(first, 10);
    assert.equal(await brokerOffset(group, queue(topic, 0)), 0, 'nothing committed before commitSync');
    await first.commitSync();
    assert.equal(await brokerOffset(group, queue(topic, 0)), 5);
    assert.equal(await brokerOffset(group, queue(topic, 1)), 5);
    assert.equal(await first.committed(queue(topic, 1)), 5);
    await first.shutdown();

    for (let i = 0; i < 2; i++) {
      await send(topic, 0, `second-q0-${i}`);
      await send(topic, 1, `second-q1-${i}`);
    }
    const second = consumer({ consumerGroup: group, autoCommit: false });
    await second.subscribe(topic);
    await second.start();
    const resumed = await pollExactly(second, 4);
    assert.deepEqual(bodies(resumed), ['second-q0-0', 'second-q0-1', 'second-q1-0', 'second-q1-1']);
  });

  test('without autoCommit and without a commit, a new member reads the messages again', async () => {
    const topic = unique('LiteNoCommit');
    const group = unique('CID_nocommit');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 1);
    for (let i = 0; i < 3; i++) await send(topic, 0, `m${i}`);
    const first = consumer({ consumerGroup: group, autoCommit: false });
    await first.subscribe(topic);
    await first.start();
    await pollExactly(first, 3);
    await first.shutdown();
    const second = consumer({ consumerGroup: group, autoCommit: false });
    await second.subscribe(topic);
    await second.start();
    assert.deepEqual(bodies(await pollExactly(second, 3)), ['m0', 'm1', 'm2']);
  });

  test('autoCommit commits what poll returned, with no explicit call', async () => {
    const topic = unique('LiteAuto');
    const group = unique('CID_auto');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 1);
    for (let i = 0; i < 6; i++) await send(topic, 0, `m${i}`);
    const c = consumer({ consumerGroup: group, autoCommitIntervalMillis: 1000 });
    await c.subscribe(topic);
    await c.start();
    await pollExactly(c, 6);
    // The application keeps polling; a later poll commits, the schedule persists.
    await waitFor(
      async () => {
        await c.poll(100);
        return (await brokerOffset(group, queue(topic, 0))) === 6;
      },
      { timeoutMs: 8000, intervalMs: 0, message: 'offset 6 committed on the broker' },
    );
    assert.equal(await c.committed(queue(topic, 0)), 6);
  });

  test('shutdown with autoCommit commits what the last poll returned', async () => {
    const topic = unique('LiteAutoClose');
    const group = unique('CID_autoclose');
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 1);
    for (let i = 0; i < 4; i++) await send(topic, 0, `m${i}`);
    const c = consumer({ consumerGroup: group, autoCommitIntervalMillis: 60_000 });
    await c.subscribe(topic);
    await c.start();
    await pollExactly(c, 4);
    await c.shutdown();
    assert.equal(await brokerOffset(group, queue(topic, 0)), 4);
  });

  test('broadcasting: every member reads every message; offsets live in the local file', async () => {
    const topic = unique('LiteBroadcast');
    const group = unique('CID_broadcast');
    const dir = makeTempDir('rocketmq-ts-lite-offsets-');
    scope.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 2);
    for (let i = 0; i < 3; i++) {
      await send(topic, 0, `q0-${i}`);
      await send(topic, 1, `q1-${i}`);
    }
    const settings = { consumerGroup: group, messageModel: 'BROADCASTING' as const, localOffsetStoreDir: dir, autoCommit: false };
    const a = consumer({ ...settings, instanceName: 'bcA' });
    const b = consumer({ ...settings, instanceName: 'bcB' });
    await a.subscribe(topic);
    await b.subscribe(topic);
    await a.start();
    await b.start();
    const expected = ['q0-0', 'q0-1', 'q0-2', 'q1-0', 'q1-1', 'q1-2'];
    const [gotA, gotB] = await Promise.all([pollExactly(a, 6), pollExactly(b, 6)]);
    assert.deepEqual(bodies(gotA), expected);
    assert.deepEqual(bodies(gotB), expected);

    await a.commitSync();
    const file = path.join(dir, '127.0.0.1@bcA', group, 'offsets.json');
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /"offsetTable":\{/);
    assert.match(text, new RegExp(`"queueId":0,"topic":"${topic}"\\}:3`));
    assert.equal(await brokerOffset(group, queue(topic, 0)), 0, 'broadcasting commits nothing to the broker');
    await a.shutdown();

    await send(topic, 0, 'q0-3');
    const again = consumer({ ...settings, instanceName: 'bcA' });
    await again.subscribe(topic);
    await again.start();
    assert.deepEqual(bodies(await pollExactly(again, 1)), ['q0-3']);
  });
});
