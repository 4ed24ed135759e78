// The delivery service on a real store in a temp dir, with a clock the test moves by hand.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { DelayLevels } from '../../../../src/broker/schedule/delay-levels.js';
import { DELAY_ORIGIN_PROPERTY, toScheduleTopic } from '../../../../src/broker/schedule/delayed-message.js';
import { DelayOffsetFile } from '../../../../src/broker/schedule/delay-offset-file.js';
import { ScheduleMessageService } from '../../../../src/broker/schedule/schedule-message-service.js';
import { AdjustableClock } from '../../../../src/common/clock.js';
import { decodeMessageRecord, type MessageExt } from '../../../../src/common/message/message-record.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { storeConfig } from '../../../../src/store/store-config.js';
import { makeTempDir } from '../../../harness/processes.js';
import { waitFor } from '../../../harness/wait-for.js';

const T0 = 1_795_237_600_000;
const LEVELS = DelayLevels.parse('1s 5s 10s');
const TOPIC = 'DelayedTopic';
const logger = pino({ level: 'silent' });

interface Rig {
  dir: string;
  clock: AdjustableClock;
  store: MessageStore;
  service(): ScheduleMessageService;
  put(level: number, key: string, queueId?: number): Promise<number>;
  delivered(queueId?: number): MessageExt[];
}

async function rig(t: { after(fn: () => unknown): void }): Promise<Rig> {
  const dir = makeTempDir('rmqts-schedule-');
  const clock = new AdjustableClock(0, () => T0);
  const store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 }), storeHost: '127.0.0.1:10911', now: () => clock.now(), tagsCodeOf: LEVELS.tagsCodeOf() });
  store.load();
  store.start();
  const services: ScheduleMessageService[] = [];
  t.after(async () => {
    for (const s of services) await s.shutdown();
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    clock,
    store,
    service() {
      const s = new ScheduleMessageService({ store, levels: LEVELS, configDir: path.join(dir, 'config'), now: () => clock.now(), logger, persistIntervalMs: 3_600_000, tickMs: 10 });
      services.push(s);
      return s;
    },
    async put(level, key, queueId = 0) {
      const input = toScheduleTopic(LEVELS, {
        topic: TOPIC,
        queueId,
        body: Buffer.from(`body-${key}`),
        properties: new Map([['DELAY', String(level)], ['UNIQ_KEY', key]]),
        bornTimestamp: T0,
        bornHost: '127.0.0.1:5555',
      });
      const result = await store.putMessage(input);
      assert.equal(result.status, 'PUT_OK');
      return result.appendResults[0]!.storeTimestamp;
    },
    delivered(queueId = 0) {
      const out: MessageExt[] = [];
      for (let offset = 0; ; ) {
        const got = store.getMessage(TOPIC, queueId, offset, 32);
        if (got.messages.length === 0) return out;
        for (const m of got.messages) out.push(decodeMessageRecord(m, 0));
        offset = got.nextBeginOffset;
      }
    },
  };
}

/** Waits until the service has run a whole round that started after this call. */
async function twoRounds(service: ScheduleMessageService): Promise<void> {
  const from = service.roundCount;
  await waitFor(() => service.roundCount >= from + 2, { timeoutMs: 5000, message: 'two delivery rounds' });
}

test('each level delivers once its delay has passed on the clock, and not a millisecond before', async (t) => {
  const r = await rig(t);
  const storedAt = [await r.put(1, 'k1'), await r.put(2, 'k2'), await r.put(3, 'k3')];
  const service = r.service();
  service.load();
  service.start();
  for (const [i, delayMs] of [1000, 5000, 10_000].entries()) {
    r.clock.offsetMs = storedAt[i]! + delayMs - 1 - T0;
    await twoRounds(service);
    assert.equal(r.delivered().length, i, `level ${i + 1} is not delivered 1 ms before it is due`);
    r.clock.offsetMs = storedAt[i]! + delayMs - T0;
    await waitFor(() => r.delivered().length === i + 1, { timeoutMs: 5000, message: `level ${i + 1} delivered` });
    const msg = r.delivered()[i]!;
    assert.equal(msg.properties.get('UNIQ_KEY'), `k${i + 1}`);
    assert.equal(msg.storeTimestamp, storedAt[i]! + delayMs, 'stored again at the due time (the clock stood still)');
    assert.equal(msg.bornTimestamp, T0);
    assert.equal(msg.body.toString(), `body-k${i + 1}`);
    assert.equal(msg.properties.get(DELAY_ORIGIN_PROPERTY), `${i}:0`);
    assert.equal(service.offsetOf(i + 1), 1);
  }
});

test('entries of one level go out in order, a backlog bigger than one round included', async (t) => {
  const r = await rig(t);
  const service = r.service();
  service.load();
  service.start();
  const count = 2500;
  for (let i = 0; i < count; i++) await r.put(2, `b${i}`, i % 2);
  r.clock.advance(5000);
  await waitFor(() => r.delivered(0).length + r.delivered(1).length === count, { timeoutMs: 10_000, message: 'the whole backlog delivered' });
  for (const queueId of [0, 1]) {
    const keys = r.delivered(queueId).map((m) => Number(m.properties.get('UNIQ_KEY')!.slice(1)));
    assert.deepEqual(keys, [...keys].sort((a, b) => a - b), `queue ${queueId} keeps the send order`);
  }
  assert.equal(service.offsetOf(2), count);
});

test('a restart with a stale delayOffset.json moves each level past what the CommitLog shows delivered', async (t) => {
  const r = await rig(t);
  const first = r.service();
  first.load();
  first.start(); // writes the file at once: offsets 0, C = the CommitLog end now
  const stale = fs.readFileSync(path.join(r.dir, 'config', 'delayOffset.json'), 'utf8');
  for (let i = 0; i < 30; i++) await r.put(1 + (i % 3), `s${i}`);
  r.clock.advance(10_000);
  await waitFor(() => r.delivered().length === 30, { timeoutMs: 5000, message: '30 deliveries' });
  await first.shutdown();
  // As if the process had been killed before writing the file again.
  fs.writeFileSync(path.join(r.dir, 'config', 'delayOffset.json'), stale);
  assert.deepEqual([...(new DelayOffsetFile(path.join(r.dir, 'config')).read()?.offsetTable ?? [])], []);

  const second = r.service();
  second.load();
  assert.deepEqual([1, 2, 3].map((level) => second.offsetOf(level)), [10, 10, 10]);
  second.start();
  await r.put(1, 'after');
  r.clock.advance(1000);
  await waitFor(() => r.delivered().length === 31, { timeoutMs: 5000, message: 'the new message delivered' });
  await twoRounds(second);
  const keys = r.delivered().map((m) => m.properties.get('UNIQ_KEY'));
  assert.equal(new Set(keys).size, keys.length, 'nothing delivered twice');
});

test('a file Java wrote (no CommitLog offset) is trusted as it is, and the first start records one', async (t) => {
  const r = await rig(t);
  fs.mkdirSync(path.join(r.dir, 'config'), { recursive: true });
  fs.writeFileSync(path.join(r.dir, 'config', 'delayOffset.json'), '{\n\t"offsetTable":{3:1\n\t}\n}');
  const service = r.service();
  service.load();
  assert.equal(service.offsetOf(3), 1);
  service.start();
  const written = new DelayOffsetFile(path.join(r.dir, 'config')).read()!;
  assert.deepEqual([...written.offsetTable], [[3, 1]]);
  assert.equal(written.commitLogOffset, r.store.maxPhyOffset);
});

test('a clock moved back past a whole delay delivers at once (Java\'s correctDeliverTimestamp)', async (t) => {
  const r = await rig(t);
  r.clock.offsetMs = 60_000;
  await r.put(3, 'back');
  const service = r.service();
  service.load();
  service.start();
  r.clock.offsetMs = 0; // the store time is now 60 s in the future: more than level 3's 10 s
  await waitFor(() => r.delivered().length === 1, { timeoutMs: 5000, message: 'delivered despite the clock going back' });
});
