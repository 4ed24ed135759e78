// Owns: reading the ConsumeQueues of the 4.9.8 store snapshot (a copy of store-clean/) and
// checking every entry against store-manifest.json `consumeQueues{}`.
// Counterpart: org.apache.rocketmq.store.ConsumeQueue (load, recover, getIndexBuffer).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsumeQueueTable } from '../../../../src/store/consumequeue/consume-queue-table.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import { loadStoreManifest, storeDir } from '../../../harness/store-fixture.js';
import { copyStoreClean, decodeEntries, readAll } from './cq-helpers.js';

// Per the fixture README: the snapshot's broker ran with mappedFileSizeConsumeQueue = 120000.
const FIXTURE_CQ_FILE_SIZE = 120_000;

function splitKey(key: string): { topic: string; queueId: number } {
  const slash = key.lastIndexOf('/');
  return { topic: key.slice(0, slash), queueId: Number(key.slice(slash + 1)) };
}

function openFixture(t: Parameters<typeof copyStoreClean>[0]): { table: ConsumeQueueTable; dir: string } {
  const dir = copyStoreClean(t);
  const table = new ConsumeQueueTable(new NodeFileIO(), path.join(dir, 'consumequeue'), FIXTURE_CQ_FILE_SIZE);
  table.load();
  table.recoverAll();
  t.after(() => table.closeAll());
  return { table, dir };
}

test('every entry of every fixture queue matches the manifest', (t) => {
  const manifest = loadStoreManifest();
  const { table } = openFixture(t);
  const keys = Object.keys(manifest.consumeQueues);
  assert.deepEqual(table.topics().sort(), [...new Set(keys.map((k) => splitKey(k).topic))].sort());
  for (const key of keys) {
    const { topic, queueId } = splitKey(key);
    const expected = manifest.consumeQueues[key]!.entries;
    const queue = table.get(topic, queueId);
    assert.ok(queue !== undefined, `${key} was not loaded`);
    assert.equal(queue.minOffsetInQueue, expected[0]!.queueOffset, `${key} min offset`);
    assert.equal(queue.maxOffsetInQueue, expected[expected.length - 1]!.queueOffset + 1, `${key} max offset`);
    const last = expected[expected.length - 1]!;
    assert.equal(queue.maxPhysicOffset, last.physicalOffset + last.size, `${key} maxPhysicOffset`);
    const want = expected.map((e) => ({ commitLogOffset: e.physicalOffset, size: e.size, tagsCode: e.tagsCode }));
    assert.deepEqual(readAll(queue), want, `${key} entries via readEntries`);
    for (const e of expected) {
      assert.deepEqual(queue.entryAt(e.queueOffset), { commitLogOffset: e.physicalOffset, size: e.size, tagsCode: e.tagsCode }, `${key}@${e.queueOffset}`);
    }
    assert.equal(queue.entryAt(queue.maxOffsetInQueue), undefined, `${key}: nothing at max`);
  }
});

test('the queue offset table and the reput start point come from the fixture queues', (t) => {
  const manifest = loadStoreManifest();
  const { table } = openFixture(t);
  const expectedTable = new Map<string, number>();
  for (const [key, cq] of Object.entries(manifest.consumeQueues)) {
    const { topic, queueId } = splitKey(key);
    expectedTable.set(`${topic}-${queueId}`, cq.entries.length);
  }
  assert.deepEqual(table.queueOffsetTable(), expectedTable);
  // Every one of the 53 records is in some queue (half, op and schedule topics included), so the
  // queues reach exactly the CommitLog's written end.
  assert.equal(table.maxPhysicOffset(), manifest.store.commitlogWrittenEndOffset);
  assert.deepEqual(table.queueIds('FixtureTopic'), [0, 1, 2, 3]);
});

test('the batch of 5 reads back from queue 1 offset 10 in one call', (t) => {
  const manifest = loadStoreManifest();
  const { table } = openFixture(t);
  const { buf, count } = table.get('FixtureTopic', 1)!.readEntries(10, 32);
  assert.equal(count, 5);
  const want = manifest.consumeQueues['FixtureTopic/1']!.entries.slice(10).map((e) => ({ commitLogOffset: e.physicalOffset, size: e.size, tagsCode: e.tagsCode }));
  assert.deepEqual(decodeEntries(buf, count), want);
});

test('offsetByTime over a fixture queue uses the records\' store timestamps', (t) => {
  const manifest = loadStoreManifest();
  const { table } = openFixture(t);
  const storeTime = new Map(manifest.commitlog.map((r) => [r.commitLogOffset, r.storeTimestamp]));
  const lookup = (commitLogOffset: number): number | undefined => storeTime.get(commitLogOffset);
  const queue = table.get('FixtureTopic', 1)!;
  const times = manifest.consumeQueues['FixtureTopic/1']!.entries.map((e) => storeTime.get(e.physicalOffset)!);
  for (let i = 0; i < times.length; i++) {
    // An exact time answers with the first entry stored at that millisecond (the batch shares
    // one), or with UPPER the last.
    assert.equal(queue.offsetByTime(times[i]!, lookup), times.indexOf(times[i]!), `time of entry ${i}`);
    assert.equal(queue.offsetByTime(times[i]!, lookup, 'UPPER'), times.lastIndexOf(times[i]!), `time of entry ${i}, UPPER`);
  }
  assert.equal(queue.offsetByTime(times[0]! - 60_000, lookup), 0, 'before the first message: the first');
  assert.equal(queue.offsetByTime(times[times.length - 1]! + 60_000, lookup), times.length, 'after the last: the max offset');
  assert.equal(queue.offsetByTime(times[times.length - 1]! + 60_000, lookup, 'UPPER'), times.length - 1, 'after the last, UPPER: the last entry');
});

test('a fixture queue continues where it ended after reopening', (t) => {
  const { table, dir } = openFixture(t);
  const queue = table.get('FixtureTopic', 0)!;
  queue.putEntry(20_000, 200, 7, 11);
  table.commitAll();
  table.closeAll();
  const reopened = new ConsumeQueueTable(new NodeFileIO(), path.join(dir, 'consumequeue'), FIXTURE_CQ_FILE_SIZE);
  reopened.load();
  reopened.recoverAll();
  t.after(() => reopened.closeAll());
  const q = reopened.get('FixtureTopic', 0)!;
  assert.equal(q.maxOffsetInQueue, 12);
  assert.deepEqual(q.entryAt(11), { commitLogOffset: 20_000, size: 200, tagsCode: 7 });
  assert.equal(q.maxPhysicOffset, 20_200);
  // The fixture itself was not touched.
  const original = fs.readFileSync(path.join(storeDir, 'consumequeue/FixtureTopic/0/00000000000000000000'));
  assert.ok(original.subarray(220, 240).every((b) => b === 0));
});
