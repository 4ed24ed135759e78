// Owns: the tests of one index file: the 4.9.8 fixture's bytes read back, Java's put and walk
// rules, what reaches the disk when, and the repair and truncation of a file after a crash.
// Counterpart: org.apache.rocketmq.store.index.IndexFile (4.9.8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { javaStringHashCode } from '../../../../src/common/message/java-hash.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import {
  HASH_SLOT_SIZE,
  INDEX_ENTRY_SIZE,
  INDEX_HEADER_SIZE,
  IndexFile,
  indexFileSize,
} from '../../../../src/store/index/index-file.js';
import { buildIndexKey, indexKeyHash, topicKeyHash } from '../../../../src/store/index/index-key.js';
import { CrashableFileIO, copyFixtureIndex, fixtureGeometry, fixtureIndex, fixtureOffsetsByKey, tempDir } from './index-test-support.js';

const io = new NodeFileIO();
const ALL_TIME = [0, Number.MAX_SAFE_INTEGER] as const;
const T0 = 1_795_237_844_507;

function select(file: IndexFile, key: string, maxNum = 64, begin: number = ALL_TIME[0], end: number = ALL_TIME[1]): number[] {
  const out: number[] = [];
  file.selectPhyOffset(out, key, maxNum, begin, end);
  return out;
}

function checkAgainstManifest(file: IndexFile): void {
  const manifest = fixtureIndex();
  assert.deepEqual(file.header(), manifest.header);
  for (let slot = 0; slot < manifest.maxHashSlotNum; slot++) {
    assert.equal(file.readSlot(slot), manifest.slots[String(slot)] ?? 0, `slot ${slot}`);
  }
  for (const entry of manifest.entries) {
    assert.deepEqual(
      file.readEntry(entry.index),
      { keyHash: entry.keyHash, phyOffset: entry.phyOffset, timeDiff: entry.timeDiffSeconds, prevIndex: entry.prevIndex },
      `entry ${entry.index} (${entry.key})`,
    );
    assert.equal(indexKeyHash(entry.key), entry.keyHash, `keyHash of ${entry.key}`);
    assert.equal(entry.keyHash % manifest.maxHashSlotNum, entry.slot);
  }
  for (const [key, offsets] of fixtureOffsetsByKey()) {
    assert.deepEqual(select(file, key), [...offsets].reverse(), key);
  }
}

test('layout constants: 40-byte header, 4-byte slots, 20-byte entries; the fixture file is 84 040 bytes', () => {
  assert.equal(INDEX_HEADER_SIZE, 40);
  assert.equal(HASH_SLOT_SIZE, 4);
  assert.equal(INDEX_ENTRY_SIZE, 20);
  assert.equal(indexFileSize(1000, 4000), fixtureIndex().fileSize);
  assert.equal(indexFileSize(5_000_000, 20_000_000), 420_000_040);
});

test('opens a copy of the 4.9.8 index file: header, every slot and entry as the manifest lists them, from memory and from disk', (t) => {
  const file = IndexFile.open(io, copyFixtureIndex(tempDir(t)), fixtureGeometry);
  t.after(() => file.close());
  assert.equal(file.isResident, true, 'a file that is not full is opened ready for keys');
  assert.equal(file.isClean, true);
  checkAgainstManifest(file);
  file.release();
  assert.equal(file.isResident, false);
  checkAgainstManifest(file);
});

test('keyHash is |String.hashCode("<topic>#<key>")|, and 0 for Integer.MIN_VALUE', (t) => {
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  assert.equal(indexKeyHash('polygenelubricants'), 0);
  for (const [topic, key] of [['FixtureTopic', 'key-0'], ['T', ''], ['主题', 'ключ-😀'], ['%RETRY%g', 'a b']] as const) {
    assert.equal(topicKeyHash(topic, key), indexKeyHash(buildIndexKey(topic, key)), `${topic}#${key}`);
    assert.equal(indexKeyHash(`${topic}#${key}`), Math.abs(javaStringHashCode(`${topic}#${key}`)));
  }
  assert.equal(topicKeyHash('FixtureTopic', 'key-0'), 1171452347);
  assert.equal(buildIndexKey('FixtureTopic', 'key-0'), 'FixtureTopic#key-0');

  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 7, indexNum: 8 });
  t.after(() => file.close());
  assert.equal(file.putKey('polygenelubricants', 42, T0), true);
  assert.equal(file.readSlot(0), 1);
  assert.deepEqual(file.readEntry(1), { keyHash: 0, phyOffset: 42, timeDiff: 0, prevIndex: 0 });
  assert.deepEqual(select(file, 'polygenelubricants'), [42]);
});

test('a file holds maxIndexNum - 1 entries (entry 0 is never used) and refuses the next key', (t) => {
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 8, indexNum: 4 });
  t.after(() => file.close());
  assert.equal(file.indexCount, 1);
  for (let i = 0; i < 3; i++) assert.equal(file.putKey(`T#k${i}`, i * 100, T0 + i), true);
  assert.equal(file.isWriteFull, true);
  assert.equal(file.putKey('T#k3', 300, T0 + 3), false);
  assert.deepEqual(file.header(), {
    beginTimestamp: T0,
    endTimestamp: T0 + 2,
    beginPhyOffset: 0,
    endPhyOffset: 200,
    hashSlotCount: 3,
    indexCount: 4,
  });
});

test('entries chain through their slot; hashSlotCount counts slots in use', (t) => {
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 1, indexNum: 16 });
  t.after(() => file.close());
  file.putKey('T#a', 100, T0);
  file.putKey('T#b', 200, T0);
  file.putKey('T#a', 300, T0);
  assert.equal(file.readSlot(0), 3);
  assert.equal(file.readEntry(3).prevIndex, 2);
  assert.equal(file.readEntry(2).prevIndex, 1);
  assert.equal(file.readEntry(1).prevIndex, 0);
  assert.equal(file.hashSlotCount, 1);
  assert.deepEqual(select(file, 'T#a'), [300, 100], 'entries of another key in the same slot are skipped');
  assert.deepEqual(select(file, 'T#b'), [200]);
  assert.deepEqual(select(file, 'T#a', 1), [300], 'maxNum');
  assert.deepEqual(select(file, 'T#c'), []);
});

test('timeDiff is whole seconds after beginTimestamp, clamped to [0, 2^31-1]', (t) => {
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 8, indexNum: 8 });
  t.after(() => file.close());
  file.putKey('T#first', 0, T0);
  file.putKey('T#a', 1, T0 + 1999);
  file.putKey('T#b', 2, T0 - 5000);
  file.putKey('T#c', 3, T0 + 3_000_000_000_000);
  assert.equal(file.readEntry(1).timeDiff, 0);
  assert.equal(file.readEntry(2).timeDiff, 1);
  assert.equal(file.readEntry(3).timeDiff, 0);
  assert.equal(file.readEntry(4).timeDiff, 2147483647);
});

test('Compat: the first key of a file that follows another is timed from that file\'s end', (t) => {
  const prevEnd = T0 + 60_000;
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 8, indexNum: 8 }, { endPhyOffset: 5000, endTimestamp: prevEnd });
  t.after(() => file.close());
  assert.deepEqual(file.header(), { beginTimestamp: prevEnd, endTimestamp: prevEnd, beginPhyOffset: 5000, endPhyOffset: 5000, hashSlotCount: 0, indexCount: 1 });
  file.putKey('T#a', 5100, prevEnd + 2500);
  file.putKey('T#b', 5200, prevEnd + 2500);
  assert.equal(file.beginTimestamp, prevEnd + 2500, 'the first key sets the begin values');
  assert.equal(file.beginPhyOffset, 5100);
  assert.equal(file.readEntry(1).timeDiff, 2, 'measured from the previous end, before begin moved');
  assert.equal(file.readEntry(2).timeDiff, 0);
  assert.deepEqual(select(file, 'T#a', 64, prevEnd + 4500, prevEnd + 4500), [5100], 'so it reads as two seconds later than it was');
});

test('selectPhyOffset keeps entries inside [begin, end] and stops at the first entry older than begin', (t) => {
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 1, indexNum: 16 });
  t.after(() => file.close());
  file.putKey('T#k', 10, T0);
  file.putKey('T#k', 11, T0 + 1500);
  file.putKey('T#k', 12, T0 + 5000);
  file.putKey('T#k', 13, T0 + 9999);
  assert.deepEqual(select(file, 'T#k', 64, T0 + 1000, T0 + 5000), [12, 11]);
  assert.deepEqual(select(file, 'T#k', 64, T0 + 9000, T0 + 9000), [13]);
  assert.deepEqual(select(file, 'T#k', 64, T0 + 10_000, T0 + 20_000), []);

  // Store times are not always monotonic: an older entry added later hides what is behind it.
  file.putKey('T#k', 14, T0 + 100);
  assert.deepEqual(select(file, 'T#k', 64, T0 + 4000, T0 + 6000), [], 'the walk stops at entry 5 (time T0 < begin)');
  assert.equal(file.isTimeMatched(T0 - 10, T0 - 1), false);
  assert.equal(file.isTimeMatched(T0 - 10, T0 + 1), true);
  assert.equal(file.isTimeMatched(T0 + 50, T0 + 60), true);
  assert.equal(file.isTimeMatched(0, Number.MAX_SAFE_INTEGER), true);
});

test('commit writes only entries; flush writes slots and header; queries see every key throughout', async (t) => {
  const filePath = path.join(tempDir(t), '20260101000000000');
  const geometry = { hashSlotNum: 1000, indexNum: 100 };
  const file = IndexFile.create(io, filePath, geometry);
  const entriesAt = INDEX_HEADER_SIZE + 1000 * HASH_SLOT_SIZE;
  const onDisk = (): Buffer => fs.readFileSync(filePath);
  assert.equal(onDisk().length, indexFileSize(1000, 100), 'created at full size');

  for (let i = 0; i < 10; i++) file.putKey(`T#k${i}`, i * 100, T0 + i);
  assert.deepEqual(select(file, 'T#k3'), [300], 'from the append buffer');
  assert.equal(onDisk().subarray(entriesAt).every((b) => b === 0), true, 'nothing written before commit');

  file.commit();
  let disk = onDisk();
  assert.equal(disk.readInt32BE(entriesAt + INDEX_ENTRY_SIZE), indexKeyHash('T#k0'), 'entry 1 written by commit');
  assert.equal(disk.subarray(0, entriesAt).every((b) => b === 0), true, 'header and slots wait for flush');
  assert.deepEqual(select(file, 'T#k3'), [300], 'from the file');

  file.putKey('T#k3', 1000, T0 + 20);
  assert.deepEqual(select(file, 'T#k3'), [1000, 300], 'a chain across the file and the append buffer');
  assert.equal(file.isClean, false);
  await file.flush();
  assert.equal(file.isClean, true);
  disk = onDisk();
  assert.equal(disk.readInt32BE(36), 12, 'indexCount on disk');
  assert.equal(disk.readInt32BE(INDEX_HEADER_SIZE + (indexKeyHash('T#k3') % 1000) * 4), 11, 'slot on disk');
  file.close();

  const reopened = IndexFile.open(io, filePath, geometry);
  t.after(() => reopened.close());
  assert.equal(reopened.indexCount, 12);
  assert.deepEqual(select(reopened, 'T#k3'), [1000, 300]);
  for (let i = 0; i < 10; i++) if (i !== 3) assert.deepEqual(select(reopened, `T#k${i}`), [i * 100]);
});

test('putKey writes the append buffer itself when it fills (8192 entries)', (t) => {
  const filePath = path.join(tempDir(t), '20260101000000000');
  const counting = new CrashableFileIO();
  const file = IndexFile.create(counting, filePath, { hashSlotNum: 4096, indexNum: 20_000 });
  t.after(() => file.close());
  const before = counting.writeCalls;
  for (let i = 0; i < 8192; i++) file.putKey(`T#k${i}`, i, T0);
  assert.equal(counting.writeCalls, before, 'no write while the buffer has room');
  file.putKey('T#one-more', 9000, T0);
  assert.equal(counting.writeCalls, before + 1, 'one write for 8192 entries');
  assert.deepEqual(select(file, 'T#k17'), [17]);
  assert.deepEqual(select(file, 'T#one-more'), [9000]);
});

test('a flush whose sync fails leaves the old header; reopening undoes the slots written ahead of it', async (t) => {
  const filePath = path.join(tempDir(t), '20260101000000000');
  const geometry = { hashSlotNum: 64, indexNum: 1000 };
  const flaky = new CrashableFileIO();
  const file = IndexFile.create(flaky, filePath, geometry);
  for (let i = 0; i < 40; i++) file.putKey(`T#k${i % 20}`, i * 10, T0 + i);
  await file.flush();
  const durable = file.header();

  for (let i = 40; i < 100; i++) file.putKey(`T#k${i % 30}`, i * 10, T0 + i);
  flaky.failSync = true;
  await assert.rejects(file.flush(), /EIO/);
  assert.equal(fs.readFileSync(filePath).readInt32BE(36), durable.indexCount, 'header not written after a failed sync');
  flaky.crash();

  const slotsAhead = (): number => {
    const disk = fs.readFileSync(filePath);
    let ahead = 0;
    for (let s = 0; s < 64; s++) if (disk.readInt32BE(INDEX_HEADER_SIZE + 4 * s) >= durable.indexCount) ahead++;
    return ahead;
  };
  assert.ok(slotsAhead() > 0, 'phase 1 wrote slots that point past the durable header');

  const reopened = IndexFile.open(io, filePath, geometry);
  t.after(() => reopened.close());
  assert.equal(slotsAhead(), 0, 'the repair is written back at once');
  assert.deepEqual(reopened.header(), durable);
  for (let k = 0; k < 30; k++) {
    const expected = [k + 20, k].filter((i) => k < 20 && i < 40).map((i) => i * 10);
    assert.deepEqual(select(reopened, `T#k${k}`), expected, `T#k${k}`);
  }
  reopened.putKey('T#k5', 5555, T0 + 200);
  assert.deepEqual(select(reopened, 'T#k5'), [5555, 250, 50], 'new entries chain onto the repaired slots');
});

test('truncateTo undoes the newest entries: slots go back along their chains', (t) => {
  const file = IndexFile.create(io, path.join(tempDir(t), '20260101000000000'), { hashSlotNum: 1000, indexNum: 100 });
  t.after(() => file.close());
  const keys = ['T#a', 'T#b', 'T#a', 'T#c', 'T#a'];
  keys.forEach((key, i) => file.putKey(key, (i + 1) * 100, T0 + i * 1000));
  file.commit();
  assert.equal(file.firstEntryAtOrAfter(300), 3);
  assert.equal(file.firstEntryAtOrAfter(301), 4);
  assert.equal(file.firstEntryAtOrAfter(10_000), 6);

  file.truncateTo(file.firstEntryAtOrAfter(300));
  assert.deepEqual(file.header(), {
    beginTimestamp: T0,
    endTimestamp: T0 + 1000,
    beginPhyOffset: 100,
    endPhyOffset: 200,
    hashSlotCount: 2,
    indexCount: 3,
  });
  assert.deepEqual(select(file, 'T#a'), [100]);
  assert.deepEqual(select(file, 'T#b'), [200]);
  assert.deepEqual(select(file, 'T#c'), []);
  file.putKey('T#a', 300, T0 + 2000);
  assert.deepEqual(select(file, 'T#a'), [300, 100]);
  assert.equal(file.readEntry(3).prevIndex, 1);
});

test('opening a file whose size does not match the geometry fails, naming both', (t) => {
  const copy = copyFixtureIndex(tempDir(t));
  assert.throws(() => IndexFile.open(io, copy, { hashSlotNum: 1000, indexNum: 4001 }), /length 84040 does not match 84060/);
  assert.throws(() => IndexFile.create(io, copy, fixtureGeometry), /already exists/);
});
