import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { checkMessageRecord, decodeMessageRecord } from '../../../src/common/message/message-record.js';
import { MessageStore } from '../../../src/store/message-store.js';
import { repoRoot } from '../../harness/fixtures.js';
import { makeTempDir } from '../../harness/processes.js';
import { seededRandom, testSeed } from '../../harness/seeded-random.js';
import { bodyFor, CRASH_QUEUES, CRASH_TOPIC, crashStoreConfig } from '../../harness/store-writer.js';

const WRITER = path.join(repoRoot, 'dist', 'test', 'harness', 'store-writer.js');
const SEGMENT_BYTES = 256 * 1024;

interface Ack {
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  size: number;
  key: string;
}

/** Runs the writer until `stop` says how to end it; returns every acknowledgement it printed. */
async function runWriter(dir: string, mode: string, seed: number, stop: (ready: () => void) => Promise<'SIGKILL' | 'SIGTERM'>): Promise<{ acks: Ack[]; clean: boolean }> {
  const child = spawn(process.execPath, [WRITER, dir, mode, '16', String(seed), String(SEGMENT_BYTES)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: Ack[] = [];
  let clean = false;
  let stderr = '';
  let partial = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('ready')) onReady();
      else if (line === 'clean') clean = true;
      else if (line.startsWith('ack ')) {
        const [, q, qo, off, size, key] = line.split(' ');
        acks.push({ queueId: Number(q), queueOffset: Number(qo), commitLogOffset: Number(off), size: Number(size), key: key! });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await Promise.race([ready, exited]);
  const signal = await stop(() => undefined);
  child.kill(signal);
  const code = await exited;
  if (signal === 'SIGTERM') assert.equal(code, 0, `writer failed: ${stderr}`);
  else assert.ok(!stderr.includes('Error'), `writer failed before the kill: ${stderr}`);
  return { acks, clean };
}

/** Opens the store as a broker would after the writer ended, checks it, and shuts it down cleanly. */
async function verify(dir: string, mode: string, acked: Map<string, Ack>, recent: readonly Ack[] = [...acked.values()].slice(-20)): Promise<number> {
  const store = new MessageStore({ config: crashStoreConfig(dir, mode, SEGMENT_BYTES), storeHost: '127.0.0.1:10911' });
  store.load();
  store.start();
  try {
    // Every acknowledged message reads back intact, by queue offset and by commit-log offset.
    for (const ack of acked.values()) {
      const got = store.getMessage(CRASH_TOPIC, ack.queueId, ack.queueOffset, 1);
      assert.equal(got.status, 'FOUND', `acked ${ack.key} at ${ack.queueId}/${ack.queueOffset}: ${got.status}`);
      const msg = decodeMessageRecord(got.messages[0]!, 0, { checkCRC: true });
      assert.equal(msg.properties.get('KEYS'), ack.key, `queue ${ack.queueId} offset ${ack.queueOffset} holds another message`);
      assert.equal(msg.commitLogOffset, ack.commitLogOffset);
      assert.deepEqual(msg.body, bodyFor(ack.key));
      const byOffset = store.lookMessageByOffset(ack.commitLogOffset);
      assert.ok(byOffset !== undefined && byOffset.length === ack.size, `acked ${ack.key} not found by commit-log offset`);
    }
    // Everything the queues serve passes its CRC, and each entry points at its own record.
    let served = 0;
    for (let queueId = 0; queueId < CRASH_QUEUES; queueId++) {
      const max = store.getMaxOffsetInQueue(CRASH_TOPIC, queueId);
      for (let offset = store.getMinOffsetInQueue(CRASH_TOPIC, queueId); offset < max; ) {
        const got = store.getMessage(CRASH_TOPIC, queueId, offset, 32);
        assert.equal(got.status, 'FOUND', `queue ${queueId} offset ${offset} below max ${max}: ${got.status}`);
        got.messages.forEach((record, i) => {
          assert.equal(checkMessageRecord(record, 0, { checkCRC: true }).status, 'ok', 'a served record fails its check');
          const msg = decodeMessageRecord(record, 0);
          assert.equal(msg.queueId, queueId);
          assert.equal(msg.queueOffset, got.queueOffsets[i]);
          assert.deepEqual(msg.body, bodyFor(msg.properties.get('KEYS')!));
        });
        served += got.messages.length;
        offset = got.nextBeginOffset;
      }
    }
    // The index finds acknowledged messages by key (every one acknowledged since the last check).
    for (const ack of recent) {
      const found = store.queryMessage(CRASH_TOPIC, ack.key, 32, 0, Number.MAX_SAFE_INTEGER);
      assert.ok(found.messages.some((m) => decodeMessageRecord(m, 0).properties.get('KEYS') === ack.key), `index lost ${ack.key}`);
    }
    return served;
  } finally {
    await store.shutdown();
  }
}

describe('store crash recovery with real processes', () => {
  test('SYNC_FLUSH: every acknowledged message survives SIGKILL at random points (20 cycles)', async (t) => {
    const seed = testSeed('store crash SYNC');
    const random = seededRandom(seed);
    const dir = makeTempDir('rmqts-crash-sync-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const acked = new Map<string, Ack>();
    for (let cycle = 0; cycle < 20; cycle++) {
      const delayMs = 30 + Math.floor(random() * 250);
      const { acks } = await runWriter(dir, 'SYNC_FLUSH', seed + cycle, async () => {
        await new Promise((r) => setTimeout(r, delayMs));
        return 'SIGKILL';
      });
      for (const ack of acks) acked.set(ack.key, ack);
      await verify(dir, 'SYNC_FLUSH', acked, acks);
    }
    assert.ok(acked.size > 1000, `only ${acked.size} messages acknowledged over 20 cycles (seed ${seed})`);
  });

  test('ASYNC_FLUSH: nothing acknowledged is lost across clean shutdowns, nor across SIGKILL', async (t) => {
    const seed = testSeed('store crash ASYNC');
    const dir = makeTempDir('rmqts-crash-async-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const acked = new Map<string, Ack>();
    for (let cycle = 0; cycle < 6; cycle++) {
      const signal = cycle % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
      const { acks, clean } = await runWriter(dir, 'ASYNC_FLUSH', seed + cycle, async () => {
        await new Promise((r) => setTimeout(r, 150));
        return signal;
      });
      if (signal === 'SIGTERM') assert.ok(clean, 'writer did not shut down cleanly');
      for (const ack of acks) acked.set(ack.key, ack);
      await verify(dir, 'ASYNC_FLUSH', acked);
    }
  });

  test('a corrupted or truncated tail recovers to the last good record', async (t) => {
    const dir = makeTempDir('rmqts-crash-tail-');
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { acks } = await runWriter(dir, 'SYNC_FLUSH', 7, async () => {
      await new Promise((r) => setTimeout(r, 200));
      return 'SIGTERM';
    });
    acks.sort((a, b) => a.commitLogOffset - b.commitLogOffset);
    const last = acks[acks.length - 1]!;
    const victim = acks[acks.length - 3]!;
    const segmentPath = path.join(dir, 'commitlog', String(victim.commitLogOffset - (victim.commitLogOffset % SEGMENT_BYTES)).padStart(20, '0'));
    assert.ok(last.commitLogOffset - (last.commitLogOffset % SEGMENT_BYTES) === victim.commitLogOffset - (victim.commitLogOffset % SEGMENT_BYTES), 'pick records of one segment');
    // Flip one body byte of the third-last record: recovery must stop before it.
    const fd = fs.openSync(segmentPath, 'r+');
    const byte = Buffer.alloc(1);
    // The body starts at byte 88 of a record with IPv4 hosts; only the body is covered by BODYCRC.
    const bodyByteAt = (victim.commitLogOffset % SEGMENT_BYTES) + 88 + 50;
    fs.readSync(fd, byte, 0, 1, bodyByteAt);
    byte[0] = byte[0]! ^ 0xff;
    fs.writeSync(fd, byte, 0, 1, bodyByteAt);
    fs.closeSync(fd);
    fs.writeFileSync(path.join(dir, 'abort'), ''); // as if the process had died
    const survivors = new Map(acks.filter((a) => a.commitLogOffset < victim.commitLogOffset).map((a) => [a.key, a]));
    await verify(dir, 'SYNC_FLUSH', survivors);
    const store = new MessageStore({ config: crashStoreConfig(dir, 'SYNC_FLUSH', SEGMENT_BYTES), storeHost: '127.0.0.1:10911' });
    store.load();
    assert.equal(store.maxPhyOffset, victim.commitLogOffset, 'the log ends where the damaged record began');
    assert.equal(store.lookMessageByOffset(victim.commitLogOffset), undefined);
    store.start();
    await store.shutdown();

    // Truncate the segment's tail in the middle of the (now) last record.
    const before = [...survivors.values()].sort((a, b) => a.commitLogOffset - b.commitLogOffset);
    const cut = before[before.length - 1]!;
    const fd2 = fs.openSync(segmentPath, 'r+');
    const zeros = Buffer.alloc(SEGMENT_BYTES - (cut.commitLogOffset % SEGMENT_BYTES) - 10);
    fs.writeSync(fd2, zeros, 0, zeros.length, (cut.commitLogOffset % SEGMENT_BYTES) + 10);
    fs.closeSync(fd2);
    fs.writeFileSync(path.join(dir, 'abort'), '');
    survivors.delete(cut.key);
    await verify(dir, 'SYNC_FLUSH', survivors);
  });
});
