// Timer messages across broker restarts: killed (SIGKILL) right after the sends, while the wheel is
// still being filled, and again while it catches up with a clock moved forward by days; or
// stopped (SIGTERM) at the same two moments. Every message is delivered exactly once in the end.
// The SIGKILL broker syncs its timer checkpoint only once a minute, so everything it delivered
// since its start is after the checkpoint: the restart must find those deliveries in the CommitLog.
// It is then killed a third time, after writing checkpoints (every 100 ms) for new messages
// without delivering (timerStopDequeue): those must still lead the next start to the deliveries.
// Timer-log files are 64 KiB, so the log spans many of them, and delivered ones get deleted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic } from '../../harness/broker-admin.js';
import { BrokerClock } from '../../harness/broker-clock.js';
import { type BrokerProcess, makeTempDir, startBroker, startNamesrv } from '../../harness/processes.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';
import { dueAt, sendTimerMessages, TimerInbox, type TimerSpec } from '../../harness/timer-traffic.js';
import { waitFor } from '../../harness/wait-for.js';

const COUNT = 30_000;
const QUEUES = 4;
const HOUR_MS = 3_600_000;
const DAYS_MS = 7 * 24 * HOUR_MS;
/** Deliveries seen before the broker is stopped in the middle of catching up. */
const KILL_AFTER = 2000;

/** The timer checkpoint's lastTimerQueueOffset (byte 16): how far it says parked messages are enqueued. */
function checkpointQueueOffset(dir: string): number {
  return Number(fs.readFileSync(path.join(dir, 'config', 'timercheck')).readBigInt64BE(16));
}

/** deliveredBeforeRestart from the broker's 'timer recovered' log line. */
function recoveryOf(broker: BrokerProcess): number {
  const line = broker.output().split('\n').reverse().find((l) => l.includes('"timer recovered"'));
  assert.ok(line !== undefined, 'no timer recovery line');
  return Number((JSON.parse(line.slice(line.indexOf('{'))) as { deliveredBeforeRestart: number }).deliveredBeforeRestart);
}

describe('timer messages across restarts', () => {
  for (const how of ['SIGKILL', 'SIGTERM'] as const) {
    test(`${how} while filling the wheel and while catching up${how === 'SIGKILL' ? ', then after idle checkpoints' : ''}: no loss, no duplicate`, { timeout: 120_000 }, async (t) => {
      const seed = testSeed(`timer restart ${how}`);
      const random = seededRandom(seed);
      // Brokers are killed (newest first) before their store directory is removed.
      const cleanups: Array<() => unknown> = [];
      const scope = { after: (fn: () => unknown) => cleanups.push(fn) };
      const dir = makeTempDir('rocketmq-ts-timer-restart-');
      t.after(async () => {
        for (const fn of cleanups.reverse()) await fn();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      const namesrv = await startNamesrv(scope);
      const timerFlush = how === 'SIGKILL' ? ['--timerFlushIntervalMs', '60000'] : [];
      const args = [...timerFlush, '--mappedFileSizeTimerLog', String(64 * 1024), '--channelExpiredTimeout', String(20 * 24 * HOUR_MS), '--maxTransferCountOnMessageInMemory', '1024', '--maxTransferBytesOnMessageInMemory', String(4 * 1024 * 1024)];
      let broker: BrokerProcess = await startBroker(scope, { namesrvAddr: namesrv.addr, dir, args });
      const client = new RemotingClient();
      t.after(() => client.shutdown());
      const topic = 'TimerRestartTopic';
      await createTopic(client, broker.addr, [namesrv.addr], topic, QUEUES);
      let clock = new BrokerClock(client, broker.addr);
      const inbox = new TimerInbox(client, broker.addr, topic, QUEUES, 1024);
      const stop = async (): Promise<void> => {
        if (how === 'SIGKILL') await broker.kill();
        else assert.equal((await broker.stop(15_000)).signal, null, 'a clean exit on SIGTERM');
      };
      const restart = async (extra: string[] = []): Promise<void> => {
        broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir, port: broker.port, args: [...args, ...extra, '--clockOffsetMs', String(clock.offsetMs)] });
        clock = new BrokerClock(client, broker.addr, clock.offsetMs);
      };

      const base = Math.ceil(clock.now() / 1000) * 1000 + 60_000;
      const specs: TimerSpec[] = Array.from({ length: COUNT }, (_, id) => ({ id, queueId: id % QUEUES, deliverMs: base + Math.floor(random() * DAYS_MS) }));
      const dues = specs.map((s) => dueAt(s.deliverMs));
      const dueBy = (x: number): number => dues.filter((d) => d <= x).length;

      // 1. Stopped as soon as every send is acknowledged: the wheel is still being filled.
      const sent = await sendTimerMessages(client, broker.addr, topic, specs, { inflight: 256 });
      assert.equal(sent.failed, 0, `sends failed: ${sent.firstError}`);
      await stop();
      await restart();

      // 2. Stopped while it catches up with 3.5 days at once.
      const half = base + DAYS_MS / 2;
      await clock.advanceTo(half);
      await waitFor(async () => (await inbox.drain()) >= 0 && inbox.count >= KILL_AFTER, { timeoutMs: 30_000, intervalMs: 5, message: 'deliveries under way' });
      const atStop = inbox.count;
      await stop();
      await restart();
      const recovered = recoveryOf(broker);
      t.diagnostic(`${how} with ${atStop} of ${dueBy(half)} due messages seen delivered; the restart found ${recovered} delivered after its checkpoint`);
      if (how === 'SIGKILL') assert.ok(recovered >= atStop, `recovery found ${recovered} deliveries after the checkpoint, the test saw ${atStop}`);
      else assert.equal(recovered, 0, 'a clean stop leaves nothing after its checkpoint');

      if (how === 'SIGKILL') {
        // 2b. Checkpoints written while new messages arrive and nothing is delivered, then killed again.
        await stop();
        await restart(['--timerStopDequeue', 'true', '--timerFlushIntervalMs', '100']);
        const enqueued = checkpointQueueOffset(dir);
        const more = Array.from({ length: 100 }, (_, i) => ({ id: COUNT + i, queueId: i % QUEUES, deliverMs: half + Math.floor(random() * (DAYS_MS / 2)) }));
        specs.push(...more);
        dues.push(...more.map((m) => dueAt(m.deliverMs)));
        const sentMore = await sendTimerMessages(client, broker.addr, topic, more, { inflight: 8 });
        assert.equal(sentMore.failed, 0, `sends failed: ${sentMore.firstError}`);
        await waitFor(() => checkpointQueueOffset(dir) >= enqueued + more.length, { timeoutMs: 10_000, message: 'a timer checkpoint written after the new messages' });
        await stop();
        await restart();
        assert.ok(recoveryOf(broker) >= atStop, 'the checkpoints in between kept the deliveries before them in reach');
      }

      // 3. The rest of the week.
      await clock.advanceTo(base + DAYS_MS + HOUR_MS);
      await waitFor(
        async () => {
          await inbox.drain();
          return inbox.count >= specs.length;
        },
        { timeoutMs: 60_000, intervalMs: 50, message: `all ${specs.length} delivered (have ${inbox.count})` },
      );
      // Anything delivered twice would sit behind the last of the originals: read to the end.
      await inbox.drain();
      assert.deepEqual(inbox.duplicates, [], 'none delivered twice');
      assert.equal(inbox.count, specs.length, 'none lost');
      for (const spec of specs) assert.ok(inbox.byId.get(spec.id)!.dequeueMs >= spec.deliverMs, `message ${spec.id} delivered early`);
      for (const queue of inbox.perQueue) {
        for (let i = 1; i < queue.length; i++) assert.ok(dueAt(queue[i]!.deliverMs) >= dueAt(queue[i - 1]!.deliverMs), `queue ${queue[i]!.queueId} out of time order at ${queue[i]!.queueOffset}`);
      }
      if (how === 'SIGTERM') {
        // Every slot is delivered and checkpointed: all timer-log files but the last may go.
        const timerLog = path.join(dir, 'timerlog');
        await waitFor(() => fs.readdirSync(timerLog).length <= 2, { timeoutMs: 10_000, message: `delivered timer-log files deleted (${fs.readdirSync(timerLog).length} left)` });
      }
    });
  }
});
