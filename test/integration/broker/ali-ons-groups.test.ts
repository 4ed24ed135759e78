// Consumer groups with the unmodified ali-ons 3.12 client against real rocketmq-ts processes:
// a restarted consumer resumes from the offsets its predecessor committed, two clustering
// consumers split the queues, two broadcasting consumers each get everything.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RemotingClient } from '../../../src/remoting/client.js';
import { consumer as makeConsumer, ons, producer as makeProducer, type ReceivedMessage } from '../../harness/ali-ons.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;

/** The queues of `topic` an ali-ons push consumer is pulling now. */
function ownedQueues(consumer: any, topic: string): number {
  const table = consumer._processQueueTable as Map<string, { messageQueue: { topic: string } }>;
  return [...table.values()].filter((pq) => pq.messageQueue.topic === topic).length;
}

describe('ali-ons consumer groups', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const consumers: any[] = [];
  let producer: any;

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    producer = makeProducer(namesrv.addr, `PID_groups_${RUN}`);
    await producer.ready();
  });

  after(async () => {
    for (const c of consumers) await c.close().catch(() => undefined);
    await producer?.close();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Broadcasting consumers keep their offsets in ~/.rocketmq_offsets_node/<clientId>/<group>.
    const offsetsDir = path.join(os.homedir(), '.rocketmq_offsets_node');
    for (const client of fs.existsSync(offsetsDir) ? fs.readdirSync(offsetsDir) : []) {
      for (const group of fs.readdirSync(path.join(offsetsDir, client))) {
        if (group.endsWith(RUN)) fs.rmSync(path.join(offsetsDir, client, group), { recursive: true, force: true });
      }
    }
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close(); see ali-ons.test.ts.
    setTimeout(() => process.exit(0), 200).unref();
  });

  /** Sends `count` messages with keys `<prefix>-<i>`; returns the keys. */
  async function sendKeys(topic: string, prefix: string, count: number): Promise<string[]> {
    const keys: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const key = `${prefix}-${next++}`;
        const msg = new ons.Message(topic, 'TagA', `body of ${key}`);
        msg.keys = [key];
        const result = await producer.send(msg);
        assert.equal(result.sendStatus, 'SEND_OK');
        keys.push(key);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return keys;
  }

  function startConsumer(group: string, topic: string, onMessage: (msg: ReceivedMessage) => void, options: Record<string, unknown> = {}): any {
    const c = makeConsumer(namesrv.addr, group, options);
    c.subscribe(topic, '*', async (msg: ReceivedMessage) => onMessage(msg));
    consumers.push(c);
    return c;
  }

  async function closeConsumer(c: any): Promise<void> {
    consumers.splice(consumers.indexOf(c), 1);
    await c.close();
  }

  test('a restarted consumer does not re-receive what its group committed and receives what is sent after', async () => {
    const topic = `RestartTopic_${RUN}`;
    const group = `CID_restart_${RUN}`;
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    const firstKeys = await sendKeys(topic, 'first', 200);

    const firstReceived = new Set<string>();
    const first = startConsumer(group, topic, (m) => void firstReceived.add(m.keys));
    await first.ready();
    await waitFor(() => firstReceived.size >= firstKeys.length, { timeoutMs: 30_000, intervalMs: 100, message: 'the first instance receives every message' });
    // close() persists the group's offsets to the broker (UPDATE_CONSUMER_OFFSET).
    await closeConsumer(first);

    const secondReceived: string[] = [];
    const second = startConsumer(group, topic, (m) => void secondReceived.push(m.keys));
    await second.ready();
    const laterKeys = await sendKeys(topic, 'later', 100);
    await waitFor(() => new Set(secondReceived).size >= laterKeys.length, { timeoutMs: 30_000, intervalMs: 100, message: 'the second instance receives the later messages' });
    await closeConsumer(second);

    assert.deepEqual(new Set(secondReceived), new Set(laterKeys));
    assert.equal(secondReceived.filter((k) => k.startsWith('first-')).length, 0, 'nothing committed by the first instance came again');
  });

  test('two clustering consumers of one group split the queues and together receive every message once', async () => {
    const topic = `ClusterTopic_${RUN}`;
    const group = `CID_cluster_${RUN}`;
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    const got: [string[], string[]] = [[], []];
    const a = startConsumer(group, topic, (m) => void got[0].push(m.keys));
    const b = startConsumer(group, topic, (m) => void got[1].push(m.keys));
    await Promise.all([a.ready(), b.ready()]);
    // Compat: ali-ons exposes no rebalance event with the allocation; its process-queue table
    // holds the queues each instance owns (the group's %RETRY% queue among them, once routed).
    // Wait until the topic's four queues are split two and two.
    const owned = (c: any): number => ownedQueues(c, topic);
    await waitFor(() => owned(a) === 2 && owned(b) === 2, { timeoutMs: 15_000, intervalMs: 100, message: 'the queues split two and two' });

    const keys = await sendKeys(topic, 'split', 400);
    await waitFor(() => got[0].length + got[1].length >= keys.length, { timeoutMs: 30_000, intervalMs: 100, message: 'every message received by one of the two' });
    assert.ok(got[0].length > 0, 'the first consumer received some messages');
    assert.ok(got[1].length > 0, 'the second consumer received some messages');
    const all = [...got[0], ...got[1]];
    assert.equal(new Set(all).size, all.length, 'no key received twice across the group');
    assert.deepEqual(new Set(all), new Set(keys));
    const overlap = got[0].filter((k) => new Set(got[1]).has(k));
    assert.deepEqual(overlap, []);
  });

  test('two broadcasting consumers of one group each receive every message', async () => {
    const topic = `BroadcastTopic_${RUN}`;
    const group = `CID_broadcast_${RUN}`;
    await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
    const got: [Set<string>, Set<string>] = [new Set(), new Set()];
    const a = startConsumer(group, topic, (m) => void got[0].add(m.keys), { isBroadcast: true });
    const b = startConsumer(group, topic, (m) => void got[1].add(m.keys), { isBroadcast: true });
    await Promise.all([a.ready(), b.ready()]);
    const owned = (c: any): number => ownedQueues(c, topic);
    await waitFor(() => owned(a) === 4 && owned(b) === 4, { timeoutMs: 15_000, intervalMs: 100, message: 'each broadcasting consumer owns every queue' });

    const keys = await sendKeys(topic, 'bcast', 200);
    await waitFor(() => got[0].size >= keys.length && got[1].size >= keys.length, { timeoutMs: 30_000, intervalMs: 100, message: 'both consumers receive every message' });
    assert.deepEqual(got[0], new Set(keys));
    assert.deepEqual(got[1], new Set(keys));
  });
});
