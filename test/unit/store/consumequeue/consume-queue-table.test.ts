// Owns: behaviour of ConsumeQueueTable: loading topic/queueId directories, the dirty set behind
// commitAll, truncation and retention across queues, destroying a topic.
// Counterpart: the consumeQueueTable of org.apache.rocketmq.store.DefaultMessageStore (4.9.8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConsumeQueueTable } from '../../../../src/store/consumequeue/consume-queue-table.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import { CountingFileIO, tempDir } from './cq-helpers.js';

const FILE = 200;

test('load finds topic and numeric queueId directories only', (t) => {
  const root = tempDir(t);
  const first = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  first.putEntry('A', 0, 0, 10, 1, 0);
  first.putEntry('A', 3, 10, 10, 1, 0);
  first.putEntry('%RETRY%g', 1, 20, 10, 1, 0);
  first.commitAll();
  first.closeAll();
  fs.mkdirSync(path.join(root, 'A', 'notAQueue'));
  fs.writeFileSync(path.join(root, 'stray-file'), 'x');

  const table = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  table.load();
  assert.equal(table.recoverAll(), 30);
  t.after(() => table.closeAll());
  assert.deepEqual(table.topics().sort(), ['%RETRY%g', 'A']);
  assert.deepEqual(table.queueIds('A'), [0, 3]);
  assert.deepEqual(table.queueOffsetTable(), new Map([['%RETRY%g-1', 1], ['A-0', 1], ['A-3', 1]]));
});

test('commitAll publishes only the queues touched since the last commit; flushAll writes them, one write per queue', async (t) => {
  const root = tempDir(t);
  const io = new CountingFileIO();
  const table = new ConsumeQueueTable(io, root, FILE);
  t.after(() => table.closeAll());
  for (let i = 0; i < 5; i++) table.putEntry('A', 0, i * 100, 50, 0, i);
  table.putEntry('B', 0, 500, 50, 0, 0);
  assert.equal(table.get('A', 0)!.maxOffsetInQueue, 0, 'nothing visible before commit');
  io.writes = 0;
  table.commitAll();
  assert.equal(table.get('A', 0)!.maxOffsetInQueue, 5);
  assert.equal(table.get('B', 0)!.maxOffsetInQueue, 1);
  assert.equal(io.writes, 0, 'published, written later');
  await table.flushAll();
  assert.equal(io.writes, 2, 'one write per queue');

  table.putEntry('B', 0, 600, 50, 0, 1);
  assert.equal(table.get('B', 0)!.hasPending, true);
  table.commitAll();
  assert.equal(table.get('B', 0)!.hasPending, false);
  assert.equal(table.get('B', 0)!.maxOffsetInQueue, 2);
  io.writes = 0;
  await table.flushAll();
  assert.equal(io.writes, 1, 'A was not touched');
  io.writes = 0;
  await table.flushAll();
  assert.equal(io.writes, 0);
  assert.equal(table.maxPhysicOffset(), 650);
});

test('truncateDirty and deleteExpired run across every queue', (t) => {
  const root = tempDir(t);
  const table = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  t.after(() => table.closeAll());
  // A and B interleave in the CommitLog: A at even hundreds, B at odd.
  for (let i = 0; i < 30; i++) table.putEntry(i % 2 === 0 ? 'A' : 'B', 0, i * 100, 50, 0, Math.floor(i / 2));
  table.commitAll();
  assert.equal(table.maxPhysicOffset(), 2950);

  table.truncateDirty(2500);
  assert.equal(table.get('A', 0)!.maxOffsetInQueue, 13); // 0..2400 step 200
  assert.equal(table.get('B', 0)!.maxOffsetInQueue, 12); // 100..2300 step 200
  assert.equal(table.maxPhysicOffset(), 2450);

  assert.equal(table.deleteExpired(2000), 2, 'each queue loses its first file (last entries 1800 and 1900)');
  assert.equal(table.get('A', 0)!.minOffsetInQueue, 10);
  assert.equal(table.get('B', 0)!.minOffsetInQueue, 10);
  table.correctMinOffsetAll(2200);
  assert.equal(table.get('A', 0)!.minOffsetInQueue, 11);
  assert.equal(table.get('B', 0)!.minOffsetInQueue, 11);
});

test('destroyQueue deletes every queue of a topic and its directory', (t) => {
  const root = tempDir(t);
  const table = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  t.after(() => table.closeAll());
  table.putEntry('A', 0, 0, 10, 0, 0);
  table.putEntry('A', 1, 10, 10, 0, 0);
  table.putEntry('B', 0, 20, 10, 0, 0);
  table.commitAll();
  table.putEntry('A', 0, 30, 10, 0, 1); // pending, then destroyed: must not be written later
  table.destroyQueue('A');
  table.commitAll();
  assert.equal(fs.existsSync(path.join(root, 'A')), false);
  assert.deepEqual(table.topics(), ['B']);
  assert.equal(table.get('A', 0), undefined);
  assert.deepEqual(table.queueOffsetTable(), new Map([['B-0', 1]]));
});

test('closeAll commits what is pending', (t) => {
  const root = tempDir(t);
  const table = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  table.putEntry('A', 0, 0, 10, 0, 0);
  table.closeAll();
  const reopened = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  reopened.load();
  reopened.recoverAll();
  t.after(() => reopened.closeAll());
  assert.equal(reopened.get('A', 0)!.maxOffsetInQueue, 1);
});

test('flushAll resolves after syncing every queue', async (t) => {
  const root = tempDir(t);
  const table = new ConsumeQueueTable(new NodeFileIO(), root, FILE);
  t.after(() => table.closeAll());
  table.putEntry('A', 0, 0, 10, 0, 0);
  table.commitAll();
  await table.flushAll();
  assert.equal(table.maxPhysicOffset(), 10);
});
