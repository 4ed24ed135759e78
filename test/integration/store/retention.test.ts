import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { NodeFileIO } from '../../../src/store/io/file-io.js';
import { MessageStore } from '../../../src/store/message-store.js';
import { storeConfig } from '../../../src/store/store-config.js';
import { makeTempDir } from '../../harness/processes.js';

const HOUR = 3_600_000;

/** The real file layer, except that it reports whatever disk usage the test sets. */
class DiskUsageIO extends NodeFileIO {
  usedRatio = 0.2;
  override diskUsedRatio(): number {
    return this.usedRatio;
  }
}

async function fill(store: MessageStore, count: number, queueId = 0): Promise<number[]> {
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = await store.putMessage({ topic: 'Retained', queueId, body: Buffer.alloc(1000, i), properties: new Map([['KEYS', `r-${i}`]]), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });
    assert.equal(r.status, 'PUT_OK');
    offsets.push(r.appendResults[0]!.queueOffset);
  }
  return offsets;
}

function openStore(dir: string, io: DiskUsageIO, now: () => number, overrides: Record<string, string | number | boolean> = {}): MessageStore {
  const config = storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 16 * 1024, mappedFileSizeConsumeQueue: 20 * 8, fileReservedTime: 72, deleteWhen: '04', ...overrides });
  const store = new MessageStore({ config, storeHost: '127.0.0.1:10911', io, now });
  store.load();
  store.start();
  return store;
}

test('expired segments go at the delete hour; min offsets move; reads below them answer OFFSET_TOO_SMALL', async (t) => {
  const dir = makeTempDir('rmqts-retention-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let now = Date.now();
  const io = new DiskUsageIO();
  const store = openStore(dir, io, () => now, { deleteWhen: String(new Date(now + 73 * HOUR).getHours()).padStart(2, '0') });
  t.after(() => store.shutdown());
  await fill(store, 100);
  const segmentsBefore = store.commitLog.segments.segments.length;
  assert.ok(segmentsBefore >= 6, `${segmentsBefore} segments`);

  // Young files stay, even at the delete hour.
  now += 71 * HOUR;
  assert.equal(store.cleanExpiredFiles().commitLogSegments, 0);
  assert.equal(store.getMinOffsetInQueue('Retained', 0), 0);

  // Past fileReservedTime, at the delete hour: every segment but the one being written goes.
  now += 2 * HOUR;
  const deleted = store.cleanExpiredFiles().commitLogSegments;
  assert.equal(deleted, Math.min(10, segmentsBefore - 1));
  assert.ok(store.minPhyOffset > 0);
  const minQueueOffset = store.getMinOffsetInQueue('Retained', 0);
  assert.ok(minQueueOffset > 0, 'the queue min offset follows the CommitLog');
  assert.equal(store.getMessage('Retained', 0, 0, 32).status, 'OFFSET_TOO_SMALL');
  const kept = store.getMessage('Retained', 0, minQueueOffset, 32);
  assert.equal(kept.status, 'FOUND');
  assert.equal(kept.queueOffsets[0], minQueueOffset);
  // Writes go on after retention.
  assert.equal((await fill(store, 1))[0], 100);
});

test('outside the delete hour, expired segments go only when the disk passes diskMaxUsedSpaceRatio', async (t) => {
  const dir = makeTempDir('rmqts-retention-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let now = Date.now();
  const io = new DiskUsageIO();
  const store = openStore(dir, io, () => now, { deleteWhen: String((new Date(now + 73 * HOUR).getHours() + 12) % 24).padStart(2, '0') });
  t.after(() => store.shutdown());
  await fill(store, 60);
  now += 73 * HOUR;
  assert.equal(store.cleanExpiredFiles().commitLogSegments, 0, 'not the hour and disk not full');
  io.usedRatio = 0.8;
  assert.ok(store.cleanExpiredFiles().commitLogSegments > 0, 'disk over 75% deletes expired files at once');
});

test('above the clean-forcibly ratio young files go too; above the warning level writes are refused until space returns', async (t) => {
  const dir = makeTempDir('rmqts-retention-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const io = new DiskUsageIO();
  const store = openStore(dir, io, Date.now);
  t.after(() => store.shutdown());
  await fill(store, 60);
  io.usedRatio = 0.86;
  assert.ok(store.cleanExpiredFiles().commitLogSegments > 0, 'young files deleted when the disk is nearly full');
  io.usedRatio = 0.95;
  store.cleanExpiredFiles();
  const refused = await store.putMessage({ topic: 'Retained', queueId: 0, body: Buffer.from('x'), properties: new Map(), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });
  assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
  const maxBefore = store.getMaxOffsetInQueue('Retained', 0);
  assert.equal(store.getMessage('Retained', 0, maxBefore - 1, 1).status, 'FOUND', 'what is stored stays readable');
  io.usedRatio = 0.5;
  store.cleanExpiredFiles();
  const accepted = await store.putMessage({ topic: 'Retained', queueId: 0, body: Buffer.from('x'), properties: new Map(), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });
  assert.equal(accepted.status, 'PUT_OK');
  assert.equal(accepted.appendResults[0]!.queueOffset, maxBefore, 'the refused message took no queue offset');
});
