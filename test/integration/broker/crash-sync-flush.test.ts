// SIGKILL the broker in SYNC_FLUSH mode while ali-ons producers send, restart it on the same
// port and store: every send ali-ons saw acknowledged is consumed afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemotingClient } from '../../../src/remoting/client.js';
import { consumer as makeConsumer, ons, producer as makeProducer, type ReceivedMessage } from '../../harness/ali-ons.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `CrashTopic_${RUN}`;
const SENDERS = 16;
const KILL_AFTER_ACKS = 500;

describe('broker SIGKILL in SYNC_FLUSH mode', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const clients: any[] = [];

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--flushDiskType', 'SYNC_FLUSH'] });
    await createTopic(admin, broker.addr, [namesrv.addr], TOPIC, 4);
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close(); see ali-ons.test.ts.
    setTimeout(() => process.exit(0), 200).unref();
  });

  test('every acknowledged send survives a kill -9 and a restart', async (t) => {
    const producer = makeProducer(namesrv.addr, `PID_crash_${RUN}`);
    clients.push(producer);
    await producer.ready();

    const acked = new Set<string>();
    const failures: string[] = [];
    let next = 0;
    let stop = false;
    const sender = async (): Promise<void> => {
      while (!stop) {
        const key = `crash-${next++}`;
        const msg = new ons.Message(TOPIC, 'TagA', `body of ${key}`);
        msg.keys = [key];
        try {
          const result = await producer.send(msg);
          if (result.sendStatus === 'SEND_OK') acked.add(key);
          else failures.push(`${key}: ${result.sendStatus}`);
        } catch (err) {
          failures.push(`${key}: ${(err as Error).message}`);
          if (broker.hasExited) return; // The broker is gone: this sender is done.
        }
      }
    };
    const senders = Promise.all(Array.from({ length: SENDERS }, sender));
    await waitFor(() => acked.size >= KILL_AFTER_ACKS, { timeoutMs: 30_000, intervalMs: 5, message: `${KILL_AFTER_ACKS} acknowledged sends` });
    await broker.kill();
    const ackedAtKill = acked.size;
    // Sends in flight at the kill fail (or, for ones already answered, count as acknowledged).
    await waitFor(() => failures.length > 0, { timeoutMs: 30_000, message: 'a send fails after the kill' });
    stop = true;
    await senders;
    assert.ok(acked.size >= ackedAtKill);
    t.diagnostic(`acknowledged ${acked.size} (${ackedAtKill} when the kill was sent), failed ${failures.length}`);

    const restarted = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: broker.dir, port: broker.port, args: ['--flushDiskType', 'SYNC_FLUSH'] });
    assert.equal(restarted.addr, broker.addr);

    const received = new Map<string, ReceivedMessage>();
    const consumer = makeConsumer(namesrv.addr, `CID_crash_${RUN}`);
    clients.push(consumer);
    consumer.subscribe(TOPIC, '*', async (msg: ReceivedMessage) => void received.set(msg.keys, msg));
    await consumer.ready();
    const missing = (): string[] => [...acked].filter((k) => !received.has(k));
    try {
      await waitFor(() => missing().length === 0, { timeoutMs: 60_000, intervalMs: 100, message: 'every acknowledged key received' });
    } catch (err) {
      assert.fail(`${missing().length} of ${acked.size} acknowledged keys never received, e.g. ${missing().slice(0, 5).join(', ')}: ${(err as Error).message}`);
    }
    for (const key of acked) assert.equal(received.get(key)!.body.toString(), `body of ${key}`);
  });
});
