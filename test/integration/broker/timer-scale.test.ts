// Many timer messages at random times over the next seven days of a broker clock the test moves:
// every one delivered once, in time order, none early, each in its own second; the broker's memory
// does not grow with what is pending. The clock moves 6 hours at a time (the broker catches up
// with each jump), and one second at a time through one crowded minute. While catching up with
// two of the jumps the broker is stopped, once with SIGTERM and once with SIGKILL, and restarted.
//
// TIMER_SCALE_COUNT sets the number of messages (default 100,000); SEED replays the times.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic } from '../../harness/broker-admin.js';
import { BrokerClock } from '../../harness/broker-clock.js';
import { type BrokerProcess, makeTempDir, startBroker, startNamesrv } from '../../harness/processes.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';
import { dueAt, sendTimerMessages, TimerInbox, type TimerSpec } from '../../harness/timer-traffic.js';
import { waitFor } from '../../harness/wait-for.js';

const COUNT = Number(process.env['TIMER_SCALE_COUNT'] ?? 100_000);
const QUEUES = 4;
const HOUR_MS = 3_600_000;
const DAYS_MS = 7 * 24 * HOUR_MS;
const STEP_MS = 6 * HOUR_MS;
/** A tenth of the messages fall into one minute, walked through a second at a time. */
const CROWDED_SHARE = 0.1;
const CROWDED_MS = 60_000;
const BODY_BYTES = 1024;
const SEND_ROUNDS = 4;
/**
 * From the first round of sends to the last, the broker's RSS may grow this much: less than the
 * bodies alone of the messages added to what is pending (three quarters of COUNT, 1 KiB each),
 * above what the garbage of the sends leaves until the next collection.
 */
const RSS_GROWTH_MAX_BYTES = Math.max(32 * 1024 * 1024, (COUNT * 3 * BODY_BYTES) / 4 / 2);

function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

test(`${COUNT} timer messages over 7 simulated days: all delivered once, in order, in their second, memory flat`, { timeout: 300_000 }, async (t) => {
  const seed = testSeed('timer scale');
  const random = seededRandom(seed);
  // Brokers are killed (newest first) before their store directory is removed.
  const cleanups: Array<() => unknown> = [];
  const scope = { after: (fn: () => unknown) => cleanups.push(fn) };
  const dir = makeTempDir('rocketmq-ts-timer-scale-');
  t.after(async () => {
    for (const fn of cleanups.reverse()) await fn();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const namesrv = await startNamesrv(scope);
  const args = ['--channelExpiredTimeout', String(20 * 24 * HOUR_MS), '--maxTransferCountOnMessageInMemory', '1024', '--maxTransferBytesOnMessageInMemory', String(4 * 1024 * 1024)];
  let broker: BrokerProcess = await startBroker(scope, { namesrvAddr: namesrv.addr, dir, args });
  const client = new RemotingClient();
  t.after(() => client.shutdown());
  const topic = 'TimerScaleTopic';
  await createTopic(client, broker.addr, [namesrv.addr], topic, QUEUES);
  let clock = new BrokerClock(client, broker.addr);
  const inbox = new TimerInbox(client, broker.addr, topic, QUEUES, 1024);

  const base = Math.ceil(clock.now() / 1000) * 1000 + 60_000;
  const crowdedFrom = base + DAYS_MS / 2;
  const specs: TimerSpec[] = Array.from({ length: COUNT }, (_, id) => ({
    id,
    queueId: id % QUEUES,
    deliverMs: random() < CROWDED_SHARE ? crowdedFrom + Math.floor(random() * CROWDED_MS) : base + Math.floor(random() * DAYS_MS),
  }));
  const dues = specs.map((s) => dueAt(s.deliverMs)).sort((a, b) => a - b);
  const dueBy = (x: number): number => {
    let lo = 0;
    let hi = dues.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dues[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  // Sent in rounds; the broker's RSS after each shows whether memory follows what is pending.
  const rssAfterRound: number[] = [];
  const sendStarted = performance.now();
  for (let round = 0; round < SEND_ROUNDS; round++) {
    const part = specs.slice((round * COUNT) / SEND_ROUNDS, ((round + 1) * COUNT) / SEND_ROUNDS);
    const sent = await sendTimerMessages(client, broker.addr, topic, part, { inflight: 256, bodyBytes: BODY_BYTES });
    assert.equal(sent.failed, 0, `sends failed: ${sent.firstError}`);
    rssAfterRound.push(rssOf(broker.pid));
  }
  const sendSeconds = (performance.now() - sendStarted) / 1000;

  // Nothing is due yet.
  assert.equal(await inbox.drain(), 0);

  const targets: number[] = [];
  for (let x = base + STEP_MS; x < crowdedFrom - 2000; x += STEP_MS) targets.push(x);
  for (let x = crowdedFrom - 2000; x <= crowdedFrom + CROWDED_MS + 1000; x += 1000) targets.push(x);
  for (let x = crowdedFrom + STEP_MS; x < base + DAYS_MS + STEP_MS; x += STEP_MS) targets.push(x);
  const deliverStarted = performance.now();
  let rssMax = 0;
  // Stopped while catching up with the jump to these times.
  const stops = new Map<number, 'SIGTERM' | 'SIGKILL'>([
    [targets[2]!, 'SIGTERM'],
    [targets[targets.length - 4]!, 'SIGKILL'],
  ]);
  for (const x of targets) {
    await clock.advanceTo(x);
    const expected = dueBy(x);
    const how = stops.get(x);
    if (how !== undefined) {
      const before = inbox.count;
      await waitFor(async () => (await inbox.drain()) >= 0 && inbox.count > before + Math.min(500, (expected - before) / 4), { timeoutMs: 30_000, intervalMs: 5, message: 'deliveries under way' });
      t.diagnostic(`${how} with ${inbox.count - before} of ${expected - before} due seen delivered`);
      if (how === 'SIGKILL') await broker.kill();
      else assert.equal((await broker.stop(15_000)).signal, null, 'a clean exit on SIGTERM');
      broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir, port: broker.port, args: [...args, '--clockOffsetMs', String(clock.offsetMs)] });
      clock = new BrokerClock(client, broker.addr, clock.offsetMs);
    }
    await waitFor(
      async () => {
        await inbox.drain();
        return inbox.count >= expected;
      },
      { timeoutMs: 30_000, intervalMs: 20, message: `${expected} delivered by ${new Date(x).toISOString()} (have ${inbox.count})` },
    );
    // Nothing beyond what was due when the broker delivered it (the clock runs on meanwhile).
    const now = clock.now();
    assert.ok(inbox.count <= dueBy(now), `${inbox.count - dueBy(now)} delivered before their time (clock ${x})`);
    rssMax = Math.max(rssMax, rssOf(broker.pid));
  }
  const deliverSeconds = (performance.now() - deliverStarted) / 1000;

  assert.equal(inbox.count, COUNT, 'every message delivered');
  assert.deepEqual(inbox.duplicates, [], 'none delivered twice');
  for (const spec of specs) {
    const d = inbox.byId.get(spec.id)!;
    assert.equal(d.queueId, spec.queueId);
    assert.equal(d.deliverMs, spec.deliverMs);
    assert.equal(d.outMs + 1000, dueAt(spec.deliverMs), `message ${spec.id} parked for the wrong second`);
    assert.ok(d.dequeueMs >= spec.deliverMs, `message ${spec.id} delivered ${spec.deliverMs - d.dequeueMs} ms early`);
  }
  for (const queue of inbox.perQueue) {
    for (let i = 1; i < queue.length; i++) {
      assert.ok(dueAt(queue[i]!.deliverMs) >= dueAt(queue[i - 1]!.deliverMs), `queue ${queue[i]!.queueId} offset ${queue[i]!.queueOffset} is out of time order`);
    }
  }
  const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
  t.diagnostic(`sent ${COUNT} in ${sendSeconds.toFixed(1)} s; delivered over ${targets.length} clock moves in ${deliverSeconds.toFixed(1)} s`);
  t.diagnostic(`broker RSS MiB after each round of sends: ${rssAfterRound.map(mib).join(', ')}; max while delivering ${mib(rssMax)}`);
  const growth = rssAfterRound[SEND_ROUNDS - 1]! - rssAfterRound[0]!;
  assert.ok(growth < RSS_GROWTH_MAX_BYTES, `RSS grew ${mib(growth)} MiB while ${(COUNT * 3) / 4} more became pending`);
});
