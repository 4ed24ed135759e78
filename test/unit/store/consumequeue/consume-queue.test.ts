// Owns: behaviour of one ConsumeQueue on real files in a temp dir: commit visibility, recovery,
// rolling across files, idempotent re-dispatch, fillPreBlank, time search, truncation, retention.
// Counterpart: org.apache.rocketmq.store.ConsumeQueue (4.9.8).

import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CQ_BLANK_SIZE, CQ_ENTRY_BYTES, ConsumeQueue } from '../../../../src/store/consumequeue/consume-queue.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import type { FileIO } from '../../../../src/store/io/file-io.js';
import { CountingFileIO, decodeEntries, readAll, tempDir } from './cq-helpers.js';
import type { DecodedEntry } from './cq-helpers.js';

const SMALL_FILE = 200; // 10 entries per file
const TOPIC = 'TopicA';

function open(t: TestContext, root: string, fileSize = SMALL_FILE, io: FileIO = new NodeFileIO()): ConsumeQueue {
  const queue = new ConsumeQueue(io, root, TOPIC, 0, fileSize);
  queue.load();
  queue.recover();
  t.after(() => queue.close());
  return queue;
}

/** Entry i: CommitLog offset i*100, size 50 + i, tags -i (negative tag hashes must survive). */
function entry(i: number): DecodedEntry {
  return { commitLogOffset: i * 100, size: 50 + i, tagsCode: (0 - i) * 1_000_003 };
}

function putRange(queue: ConsumeQueue, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const e = entry(i);
    queue.putEntry(e.commitLogOffset, e.size, e.tagsCode, i);
  }
}

function range(from: number, to: number): DecodedEntry[] {
  return Array.from({ length: to - from }, (_, k) => entry(from + k));
}

function queueDir(root: string): string {
  return path.join(root, TOPIC, '0');
}

function files(root: string): string[] {
  return fs.readdirSync(queueDir(root)).sort();
}

test('the entry layout is 20 bytes', () => {
  assert.equal(CQ_ENTRY_BYTES, 20);
});

test('a file size that is not a multiple of 20 is refused', (t) => {
  assert.throws(() => new ConsumeQueue(new NodeFileIO(), tempDir(t), TOPIC, 0, 210), /multiple of 20/);
});

test('entries written and committed read back after reopen and recovery', (t) => {
  const root = tempDir(t);
  const queue = open(t, root, 6000);
  putRange(queue, 0, 7);
  queue.commit();
  assert.deepEqual(readAll(queue), range(0, 7));
  queue.close();

  const reopened = open(t, root, 6000);
  assert.equal(reopened.minOffsetInQueue, 0);
  assert.equal(reopened.maxOffsetInQueue, 7);
  assert.equal(reopened.maxPhysicOffset, 600 + 56);
  assert.deepEqual(readAll(reopened), range(0, 7));
  assert.deepEqual(reopened.entryAt(3), entry(3));
});

test('an uncommitted entry is invisible to readers', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 3);
  queue.commit();
  putRange(queue, 3, 4);
  assert.equal(queue.hasPending, true);
  assert.equal(queue.maxOffsetInQueue, 3);
  assert.equal(queue.maxPhysicOffset, 200 + 52);
  assert.equal(queue.readEntries(3, 10).count, 0);
  assert.equal(queue.readEntries(0, 10).count, 3);
  assert.equal(queue.entryAt(3), undefined);
  queue.commit();
  assert.equal(queue.maxOffsetInQueue, 4);
  assert.deepEqual(queue.entryAt(3), entry(3));
});

test('a new queue writes no file until its entries are written', (t) => {
  const root = tempDir(t);
  const queue = new ConsumeQueue(new NodeFileIO(), root, TOPIC, 0, SMALL_FILE);
  t.after(() => queue.close());
  putRange(queue, 0, 1);
  queue.commit();
  assert.equal(fs.existsSync(queueDir(root)), false);
  queue.write();
  assert.deepEqual(files(root), ['00000000000000000000']);
});

test('published entries are served from memory until written, then from the file, the same bytes', (t) => {
  const root = tempDir(t);
  const io = new CountingFileIO();
  const queue = open(t, root, 6000, io);
  io.writes = 0;
  putRange(queue, 0, 40);
  queue.commit();
  assert.equal(io.writes, 0, 'a commit below the write-behind threshold writes nothing');
  assert.ok(queue.unwrittenBytes > 0);
  const fromMemory = queue.readEntries(0, 100);
  assert.deepEqual(decodeEntries(fromMemory.buf, fromMemory.count), range(0, 40));
  assert.deepEqual(queue.entryAt(39), entry(39));
  queue.write();
  assert.equal(io.writes, 1);
  assert.equal(queue.unwrittenBytes, 0);
  const fromFile = queue.readEntries(0, 100);
  assert.deepEqual(fromFile.buf, fromMemory.buf);
  assert.deepEqual(queue.entryAt(39), entry(39));
  // A later batch: written part from the file, published part from memory, read across both.
  putRange(queue, 40, 45);
  queue.commit();
  assert.deepEqual(readAll(queue), range(0, 45));
  // Enough gathered entries are written by commit itself.
  io.writes = 0;
  putRange(queue, 45, 500);
  queue.commit();
  assert.ok(io.writes >= 1, 'commit writes once 8 KiB have gathered');
  assert.equal(queue.unwrittenBytes, 0);
  assert.deepEqual(readAll(queue), range(0, 500));
});

test('rolls across files and reads stop at the file boundary', (t) => {
  const root = tempDir(t);
  const io = new CountingFileIO();
  const queue = open(t, root, SMALL_FILE, io);
  putRange(queue, 0, 25);
  io.writes = 0;
  queue.commit();
  queue.write();
  assert.equal(io.writes, 3, 'one write per file');
  assert.deepEqual(files(root), ['00000000000000000000', '00000000000000000200', '00000000000000000400']);
  for (const name of files(root)) assert.equal(fs.statSync(path.join(queueDir(root), name)).size, SMALL_FILE);
  assert.equal(queue.maxOffsetInQueue, 25);

  const head = queue.readEntries(8, 5);
  assert.equal(head.count, 2, 'stops at the end of the first file');
  assert.deepEqual(decodeEntries(head.buf, head.count), range(8, 10));
  const next = queue.readEntries(10, 5);
  assert.deepEqual(decodeEntries(next.buf, next.count), range(10, 15));
  assert.equal(queue.readEntries(20, 100).count, 5, 'bounded by the written end');
  assert.equal(queue.readEntries(25, 1).count, 0);
  queue.close();

  const reopened = open(t, root);
  assert.equal(reopened.maxOffsetInQueue, 25);
  assert.deepEqual(readAll(reopened), range(0, 25));
});

test('a file zero-filled at its tail recovers to the last valid entry', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 8);
  queue.commit();
  queue.close();
  // A crash lost the page-cache tail of the file: entries 5.. are zero.
  const file = path.join(queueDir(root), '00000000000000000000');
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(SMALL_FILE - 100), 0, SMALL_FILE - 100, 100);
  fs.closeSync(fd);

  const reopened = open(t, root);
  assert.equal(reopened.maxOffsetInQueue, 5);
  assert.equal(reopened.maxPhysicOffset, 400 + 54);
  assert.deepEqual(readAll(reopened), range(0, 5));
  // Dispatch re-puts what was lost; the queue continues at 5.
  putRange(reopened, 5, 8);
  reopened.commit();
  assert.deepEqual(readAll(reopened), range(0, 8));
});

test('an invalid entry in an earlier file ends recovery there and drops later files', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 25);
  queue.commit();
  queue.close();
  // Entry 12 (second file, position 40) has size 0: invalid.
  const fd = fs.openSync(path.join(queueDir(root), '00000000000000000200'), 'r+');
  fs.writeSync(fd, Buffer.alloc(4), 0, 4, 40 + 8);
  fs.closeSync(fd);

  const reopened = open(t, root);
  assert.equal(reopened.maxOffsetInQueue, 12);
  assert.equal(reopened.maxPhysicOffset, 1100 + 61);
  assert.deepEqual(files(root), ['00000000000000000000', '00000000000000000200']);
});

test('re-putting entries after recovery is idempotent', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 12);
  queue.commit();
  queue.close();

  const reopened = open(t, root);
  putRange(reopened, 0, 14); // recovery re-dispatches from an earlier CommitLog point
  reopened.commit();
  assert.equal(reopened.alreadyBuiltCount, 12);
  assert.equal(reopened.maxOffsetInQueue, 14);
  assert.deepEqual(readAll(reopened), range(0, 14));
});

test('a queue offset below the end is skipped as a duplicate; one beyond it is appended at the end (Java)', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 5);
  queue.putEntry(10_000, 60, 1, 3); // new CommitLog range, but queue offset 3 is taken
  assert.equal(queue.duplicateCount, 1);
  queue.putEntry(20_000, 60, 2, 9); // gap: Java logs "[BUG]" and appends at the end anyway
  assert.equal(queue.orderGapCount, 1);
  queue.commit();
  assert.equal(queue.maxOffsetInQueue, 6);
  assert.deepEqual(queue.entryAt(5), { commitLogOffset: 20_000, size: 60, tagsCode: 2 });
});

test('duplicates inside one uncommitted batch are skipped too', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 4);
  putRange(queue, 2, 4);
  assert.equal(queue.alreadyBuiltCount, 2);
  queue.commit();
  assert.deepEqual(readAll(queue), range(0, 4));
});

test('a first entry at a non-zero offset is preceded by blanks (fillPreBlank)', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 13, 15);
  assert.equal(queue.minOffsetInQueue, 0, 'min moves only at commit');
  queue.commit();
  queue.write();
  // Queue offset 13 lives in the second file (offsets 10..19): that file is created, the first never is.
  assert.deepEqual(files(root), ['00000000000000000200']);
  assert.equal(queue.minOffsetInQueue, 13);
  assert.equal(queue.maxOffsetInQueue, 15);
  assert.equal(queue.readEntries(10, 5).count, 0, 'blanks are below min and never served');
  assert.deepEqual(queue.entryAt(13), entry(13));

  const raw = fs.readFileSync(path.join(queueDir(root), '00000000000000000200'));
  const blanks = decodeEntries(raw, 3);
  for (const blank of blanks) assert.deepEqual(blank, { commitLogOffset: 0, size: CQ_BLANK_SIZE, tagsCode: 0 });
  assert.deepEqual(decodeEntries(raw.subarray(60), 2), range(13, 15));
  queue.close();

  const reopened = open(t, root);
  assert.equal(reopened.minOffsetInQueue, 13, 'recovery skips the leading blanks');
  assert.equal(reopened.maxOffsetInQueue, 15);
  assert.equal(reopened.maxPhysicOffset, 1400 + 64, 'blanks do not count as CommitLog positions');
  reopened.correctMinOffset(0);
  assert.equal(reopened.minOffsetInQueue, 13, 'correctMinOffset never lands on a blank');
});

test('a first entry inside the first file fills blanks from 0', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 3, 5);
  queue.commit();
  assert.equal(queue.minOffsetInQueue, 3);
  assert.deepEqual(readAll(queue), range(3, 5), 'served from memory before the write');
  queue.write();
  assert.deepEqual(files(root), ['00000000000000000000']);
  assert.equal(queue.minOffsetInQueue, 3);
  assert.deepEqual(readAll(queue), range(3, 5));
});

test('offsetByTime finds the first entry at or after a time (LOWER) or the last at or before it (UPPER), across files', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 25);
  queue.commit();
  // Entry i stored at 1000 + 10*i, except 14..16 which share 1140.
  const timeOf = (i: number): number => (i >= 14 && i <= 16 ? 1140 : 1000 + 10 * i);
  const lookup = (commitLogOffset: number): number => timeOf(commitLogOffset / 100);

  assert.equal(queue.offsetByTime(1050, lookup), 5, 'exact');
  assert.equal(queue.offsetByTime(1050, lookup, 'UPPER'), 5, 'exact, UPPER');
  assert.equal(queue.offsetByTime(1140, lookup), 14, 'exact: the first of equal times');
  assert.equal(queue.offsetByTime(1140, lookup, 'UPPER'), 16, 'exact, UPPER: the last of equal times');
  assert.equal(queue.offsetByTime(1091, lookup), 10, 'between: the later entry, across a file boundary, though the earlier is nearer');
  assert.equal(queue.offsetByTime(1099, lookup, 'UPPER'), 9, 'between, UPPER: the earlier entry, though the later is nearer');
  assert.equal(queue.offsetByTime(0, lookup), 0, 'before everything');
  assert.equal(queue.offsetByTime(0, lookup, 'UPPER'), 0, 'before everything, UPPER: the min offset');
  assert.equal(queue.offsetByTime(99_999, lookup), 25, 'after everything: the max offset');
  assert.equal(queue.offsetByTime(99_999, lookup, 'UPPER'), 24, 'after everything, UPPER: the last entry');

  // Messages the CommitLog no longer holds count as older than anything.
  const expiring = (commitLogOffset: number): number | undefined => (commitLogOffset < 800 ? undefined : lookup(commitLogOffset));
  assert.equal(queue.offsetByTime(0, expiring), 8);
  assert.equal(queue.offsetByTime(1075, expiring), 8);
  assert.equal(queue.offsetByTime(1085, expiring, 'UPPER'), 8);
});

test('offsetByTime on an empty queue answers its max offset', (t) => {
  const queue = open(t, tempDir(t));
  assert.equal(queue.offsetByTime(123, () => 0), 0);
});

test('truncateDirty drops entries at or beyond the CommitLog end, and recovery agrees', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 25);
  queue.commit();
  queue.truncateDirty(1300); // entries 13.. point at or beyond 1300
  assert.equal(queue.maxOffsetInQueue, 13);
  assert.equal(queue.maxPhysicOffset, 1200 + 62);
  assert.deepEqual(files(root), ['00000000000000000000', '00000000000000000200']);
  assert.equal(queue.entryAt(13), undefined);
  queue.close();

  const reopened = open(t, root);
  assert.equal(reopened.maxOffsetInQueue, 13, 'the dropped entries were zeroed, not just forgotten');
  assert.equal(reopened.maxPhysicOffset, 1262);
  // The CommitLog regrows differently; the queue follows.
  reopened.putEntry(1300, 10, 5, 13);
  reopened.commit();
  assert.deepEqual(reopened.entryAt(13), { commitLogOffset: 1300, size: 10, tagsCode: 5 });
});

test('truncateDirty at a file boundary leaves the next file empty and recovery agrees', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 25);
  queue.commit();
  queue.truncateDirty(2000);
  assert.equal(queue.maxOffsetInQueue, 20);
  queue.close();
  const reopened = open(t, root);
  assert.equal(reopened.maxOffsetInQueue, 20);
  putRange(reopened, 20, 22);
  reopened.commit();
  assert.deepEqual(readAll(reopened), range(0, 22));
});

test('truncateDirty below every entry empties the queue', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 15);
  queue.commit();
  queue.truncateDirty(0);
  assert.equal(queue.maxOffsetInQueue, 0);
  assert.equal(queue.maxPhysicOffset, -1);
  assert.deepEqual(files(root), ['00000000000000000000']);
  putRange(queue, 0, 2);
  queue.commit();
  assert.deepEqual(readAll(queue), range(0, 2));
});

test('deleteExpiredFiles deletes whole expired files, never the last, and moves minOffset', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 25);
  queue.commit();

  assert.equal(queue.deleteExpiredFiles(1050), 1, 'file 0 ends at CommitLog offset 900 < 1050');
  assert.deepEqual(files(root), ['00000000000000000200', '00000000000000000400']);
  assert.equal(queue.minOffsetInQueue, 11, 'the first entry at or after 1050');
  assert.equal(queue.entryAt(10), undefined);
  assert.equal(queue.readEntries(5, 5).count, 0);
  assert.deepEqual(queue.entryAt(11), entry(11));

  assert.equal(queue.deleteExpiredFiles(1_000_000), 1, 'the last file stays');
  assert.deepEqual(files(root), ['00000000000000000400']);
  assert.equal(queue.minOffsetInQueue, 25, 'everything left points below the CommitLog');
  assert.equal(queue.maxOffsetInQueue, 25);
  queue.close();

  const reopened = open(t, root);
  assert.equal(reopened.minOffsetInQueue, 20);
  reopened.correctMinOffset(2250);
  assert.equal(reopened.minOffsetInQueue, 23);
});

test('correctMinOffset moves the min forward inside the first file only', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 15);
  queue.commit();
  queue.correctMinOffset(450);
  assert.equal(queue.minOffsetInQueue, 5);
  queue.correctMinOffset(0);
  assert.equal(queue.minOffsetInQueue, 5, 'never backwards');
  assert.equal(queue.readEntries(4, 1).count, 0);
});

test('destroy deletes the files and the directory', (t) => {
  const root = tempDir(t);
  const queue = open(t, root);
  putRange(queue, 0, 12);
  queue.commit();
  queue.destroy();
  assert.equal(fs.existsSync(queueDir(root)), false);
  assert.equal(queue.maxOffsetInQueue, 0);
  assert.equal(queue.maxPhysicOffset, -1);
});

test('a large batch grows the pending buffer and commits intact', (t) => {
  const root = tempDir(t);
  const queue = open(t, root, 6_000_000);
  putRange(queue, 0, 10_000);
  queue.commit();
  assert.equal(queue.maxOffsetInQueue, 10_000);
  const { buf, count } = queue.readEntries(9_990, 10);
  assert.deepEqual(decodeEntries(buf, count), range(9_990, 10_000));
});
