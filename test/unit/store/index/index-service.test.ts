// Owns: the tests of the index directory: queries on the 4.9.8 fixture, rebuilding its file
// byte for byte from the fixture's records, rolling, flush and reload, crash recovery, retention
// and truncation.
// Counterpart: org.apache.rocketmq.store.index.IndexService (4.9.8).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import type { FileIO } from '../../../../src/store/io/file-io.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import { IndexFile } from '../../../../src/store/index/index-file.js';
import { indexFileName, indexFileNameTime } from '../../../../src/store/index/index-file-name.js';
import { IndexService } from '../../../../src/store/index/index-service.js';
import type { IndexDispatchRequest } from '../../../../src/store/index/index-service.js';
import {
  CrashableFileIO,
  copyFixtureIndex,
  fixtureDispatchRequests,
  fixtureGeometry,
  fixtureIndex,
  fixtureIndexBytes,
  fixtureIndexFileName,
  fixtureOffsetsByKey,
  tempDir,
} from './index-test-support.js';

const io = new NodeFileIO();
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const T0 = 1_795_237_844_507;

function service(fileIO: FileIO, dir: string, geometry: { hashSlotNum: number; indexNum: number }, now: () => number = () => T0): IndexService {
  return new IndexService(fileIO, dir, { ...geometry, now });
}

function splitKey(indexKey: string): [string, string] {
  const at = indexKey.indexOf('#');
  return [indexKey.slice(0, at), indexKey.slice(at + 1)];
}

function query(svc: IndexService, topic: string, key: string, begin = 0, end = END_OF_TIME): number[] {
  return svc.queryOffset(topic, key, 64, begin, end).phyOffsets;
}

/** Message i: offset 1000·(i+1), stored 10 s after message i-1, keys 'k' and 'k<i>'. */
function message(i: number, extra: Partial<IndexDispatchRequest> = {}): IndexDispatchRequest {
  return { topic: 'T', commitLogOffset: 1000 * (i + 1), storeTimestamp: T0 + 10_000 * i, sysFlag: 0, keys: `k k${i}`, ...extra };
}

const SMALL = { hashSlotNum: 16, indexNum: 5 }; // 4 entries, two messages, per file

test('queryOffset on a copy of the 4.9.8 store finds every indexed key (UNIQ_KEY and KEYS) at its offsets', async (t) => {
  const dir = tempDir(t);
  copyFixtureIndex(dir);
  const svc = service(io, path.join(dir, 'index'), fixtureGeometry);
  svc.load(true, 0);
  t.after(() => svc.close());
  const header = fixtureIndex().header;
  for (const [indexKey, offsets] of fixtureOffsetsByKey()) {
    const [topic, key] = splitKey(indexKey);
    assert.deepEqual(svc.queryOffset(topic, key, 64, 0, END_OF_TIME), {
      phyOffsets: [...offsets].reverse(),
      indexLastUpdateTimestamp: header.endTimestamp,
      indexLastUpdatePhyoffset: header.endPhyOffset,
    });
  }
  assert.deepEqual(query(svc, 'FixtureTopic', 'key-7', header.endTimestamp + 1, END_OF_TIME), [], 'after the file ends');
  assert.deepEqual(query(svc, 'FixtureTopic', 'no-such-key'), []);
  assert.deepEqual(query(svc, 'OtherTopic', 'key-7'), [], 'keys are per topic');
  // The delay copy and the delivered message share UNIQ_KEY and KEYS under different topics.
  assert.deepEqual(query(svc, 'SCHEDULE_TOPIC_XXXX', 'delay-key-1').length, 1);
  assert.deepEqual(query(svc, 'FixtureTopic', 'delay-key-1'), [header.endPhyOffset]);
});

test('building from the fixture\'s 53 records reproduces its index file byte for byte, name included', async (t) => {
  const dir = tempDir(t);
  const created = new Date(2026, 10, 21, 5, 10, 44, 515).getTime(); // the fixture's name, read as local time
  const svc = service(io, dir, fixtureGeometry, () => created);
  svc.load(true, 0);
  for (const req of fixtureDispatchRequests()) svc.buildIndex(req);
  svc.commit();
  assert.equal(await svc.flush(), fixtureIndex().header.endTimestamp);
  await svc.close();

  assert.deepEqual(fs.readdirSync(dir), [fixtureIndexFileName()]);
  const built = fs.readFileSync(path.join(dir, fixtureIndexFileName()));
  const expected = fixtureIndexBytes();
  assert.equal(built.length, expected.length);
  // Identical everywhere: header (timestamps included: the first record sets begin, the last indexed
  // one sets end), slots, the 102 entries and the zero tail after them.
  for (let at = 0; at < expected.length; at += 20) {
    assert.deepEqual(built.subarray(at, at + 20), expected.subarray(at, at + 20), `bytes ${at}..${at + 20}`);
  }
  assert.equal(built.equals(expected), true);
});

test('names files yyyyMMddHHmmssSSS in local time, always sorting after the last one', (t) => {
  const at = new Date(2026, 10, 21, 5, 10, 44, 515).getTime();
  assert.equal(indexFileName(at), '20261121051044515');
  assert.equal(indexFileNameTime('20261121051044515'), at);
  assert.ok(Number.isNaN(indexFileNameTime('notes.txt')));

  const dir = tempDir(t);
  const svc = service(io, dir, SMALL, () => at); // a clock that stands still
  svc.load(true, 0);
  t.after(() => svc.close());
  for (let i = 0; i < 6; i++) svc.buildIndex(message(i));
  assert.deepEqual(
    svc.files.map((f) => f.fileName),
    ['20261121051044515', '20261121051044516', '20261121051044517'],
  );
});

test('rolls to a new file when full; the new file starts from the old one\'s end; queries span files', async (t) => {
  const dir = tempDir(t);
  let clock = T0;
  const svc = service(io, dir, SMALL, () => (clock += 1000));
  svc.load(true, 0);
  t.after(() => svc.close());
  for (let i = 0; i < 5; i++) svc.buildIndex(message(i));

  assert.equal(svc.files.length, 3);
  assert.deepEqual(svc.files.map((f) => f.indexCount), [5, 5, 3]);
  const [first, second, third] = svc.files as [IndexFile, IndexFile, IndexFile];
  assert.equal(first.endPhyOffset, 2000);
  assert.equal(second.beginPhyOffset, 3000);
  assert.equal(second.beginTimestamp, T0 + 20_000);
  // Compat: entry 1 of a follow-on file is timed from the previous file's end (10 s earlier).
  assert.equal(second.readEntry(1).timeDiff, 10);
  assert.equal(second.readEntry(2).timeDiff, 0);
  assert.equal(third.header().beginPhyOffset, 5000);

  assert.deepEqual(query(svc, 'T', 'k'), [5000, 4000, 3000, 2000, 1000], 'newest file first');
  assert.deepEqual(query(svc, 'T', 'k3'), [4000]);
  assert.deepEqual(svc.queryOffset('T', 'k', 3, 0, END_OF_TIME).phyOffsets, [5000, 4000, 3000], 'maxNum stops the walk');
  assert.deepEqual(query(svc, 'T', 'k', T0 + 10_000, T0 + 30_000), [4000, 3000, 2000], 'time window across files');
  const result = svc.queryOffset('T', 'k', 64, 0, END_OF_TIME);
  assert.equal(result.indexLastUpdatePhyoffset, 5000);
  assert.equal(result.indexLastUpdateTimestamp, T0 + 40_000);

  assert.equal(await svc.flush(), T0 + 40_000);
  assert.deepEqual(svc.files.map((f) => f.isResident), [false, false, true], 'full files give their slot tables back once durable');
  assert.deepEqual(query(svc, 'T', 'k'), [5000, 4000, 3000, 2000, 1000], 'read from disk now');
});

test('one KEYS property holds several space-separated keys; empty ones are skipped', (t) => {
  const svc = service(io, tempDir(t), fixtureGeometry);
  svc.load(true, 0);
  t.after(() => svc.close());
  svc.buildIndex({ topic: 'T', commitLogOffset: 0, storeTimestamp: T0, sysFlag: 0, keys: ' a  b ', uniqKey: 'U1' });
  svc.buildIndex({ topic: 'T', commitLogOffset: 100, storeTimestamp: T0, sysFlag: 0, keys: '' });
  svc.buildIndex({ topic: 'T', commitLogOffset: 200, storeTimestamp: T0, sysFlag: 0 });
  assert.equal(svc.files[0]?.indexCount, 4);
  assert.deepEqual(query(svc, 'T', 'a'), [0]);
  assert.deepEqual(query(svc, 'T', 'b'), [0]);
  assert.deepEqual(query(svc, 'T', 'U1'), [0]);
  assert.deepEqual(query(svc, 'T', ''), []);
});

test('rolled-back transaction records are not indexed; prepared and committed ones are', (t) => {
  const svc = service(io, tempDir(t), fixtureGeometry);
  svc.load(true, 0);
  t.after(() => svc.close());
  const flags = {
    not: MessageSysFlag.TRANSACTION_NOT_TYPE,
    prepared: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    commit: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
    rollback: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE | MessageSysFlag.COMPRESSED_FLAG,
  };
  Object.entries(flags).forEach(([name, sysFlag], i) => {
    svc.buildIndex({ topic: 'T', commitLogOffset: 100 * i, storeTimestamp: T0, sysFlag, keys: name, uniqKey: `U-${name}` });
  });
  assert.deepEqual(query(svc, 'T', 'not'), [0]);
  assert.deepEqual(query(svc, 'T', 'prepared'), [100]);
  assert.deepEqual(query(svc, 'T', 'commit'), [200]);
  assert.deepEqual(query(svc, 'T', 'rollback'), []);
  assert.deepEqual(query(svc, 'T', 'U-rollback'), []);
  assert.equal(svc.files[0]?.indexCount, 7);
});

test('re-dispatching indexed records skips them (Compat: the one at endPhyOffset is indexed again)', (t) => {
  const dir = tempDir(t);
  copyFixtureIndex(dir);
  const svc = service(io, path.join(dir, 'index'), fixtureGeometry);
  svc.load(true, 0);
  t.after(() => svc.close());
  for (const req of fixtureDispatchRequests()) svc.buildIndex(req);
  const file = svc.files[0] as IndexFile;
  assert.equal(file.indexCount, 103 + 2, 'only the record at 12479 (UNIQ_KEY and KEYS) again');
  assert.deepEqual(query(svc, 'FixtureTopic', 'delay-key-1'), [12479, 12479]);
  assert.deepEqual(query(svc, 'FixtureTopic', 'key-0'), [0]);
  svc.buildIndex({ topic: 'T', commitLogOffset: 12751, storeTimestamp: T0 + 20_000, sysFlag: 0, keys: 'next' });
  assert.deepEqual(query(svc, 'T', 'next'), [12751], 'a new record is indexed');
});

test('after flush and a clean close, a reload finds everything; flush returns the durable end', async (t) => {
  const dir = tempDir(t);
  const empty = service(io, dir, SMALL);
  empty.load(true, 0);
  assert.equal(await empty.flush(), 0, 'nothing indexed yet');
  await empty.close();

  const svc = service(io, dir, SMALL, () => Date.now());
  svc.load(true, 0);
  for (let i = 0; i < 7; i++) svc.buildIndex(message(i));
  assert.equal(await svc.flush(), T0 + 60_000);
  svc.buildIndex(message(7));
  await svc.close();
  await svc.close();

  const again = service(io, dir, SMALL);
  again.load(true, 0);
  t.after(() => again.close());
  assert.equal(again.files.length, 4);
  assert.deepEqual(query(again, 'T', 'k'), [8000, 7000, 6000, 5000, 4000, 3000, 2000, 1000]);
  for (let i = 0; i < 8; i++) assert.deepEqual(query(again, 'T', `k${i}`), [1000 * (i + 1)]);
  assert.equal(await again.flush(), T0 + 70_000);
});

test('a crash loses what came after the last flush; re-dispatching rebuilds it', async (t) => {
  const dir = tempDir(t);
  const crashing = new CrashableFileIO();
  const svc = service(crashing, dir, { hashSlotNum: 64, indexNum: 100 });
  svc.load(true, 0);
  for (let i = 0; i < 5; i++) svc.buildIndex(message(i));
  const checkpoint = await svc.flush();
  assert.equal(checkpoint, T0 + 40_000);
  for (let i = 5; i < 9; i++) svc.buildIndex(message(i));
  svc.commit(); // written, never flushed
  crashing.crash();

  const recovered = service(io, dir, { hashSlotNum: 64, indexNum: 100 });
  recovered.load(false, checkpoint);
  t.after(() => recovered.close());
  assert.deepEqual(query(recovered, 'T', 'k'), [5000, 4000, 3000, 2000, 1000]);
  assert.deepEqual(query(recovered, 'T', 'k7'), []);
  for (let i = 0; i < 9; i++) recovered.buildIndex(message(i)); // recovery re-dispatches from the checkpoint
  assert.deepEqual(query(recovered, 'T', 'k'), [9000, 8000, 7000, 6000, 5000, 5000, 4000, 3000, 2000, 1000]);
  assert.deepEqual(query(recovered, 'T', 'k7'), [8000]);
});

test('load after an abnormal exit drops files that begin after the checkpoint; a normal load keeps all', async (t) => {
  const build = async (): Promise<string> => {
    const dir = tempDir(t);
    const svc = service(io, dir, SMALL, () => Date.now());
    svc.load(true, 0);
    for (let i = 0; i < 6; i++) svc.buildIndex(message(i)); // files [0,1] [2,3] [4,5]
    await svc.close();
    return dir;
  };
  const ends = [T0 + 10_000, T0 + 30_000, T0 + 50_000];

  const normal = service(io, await build(), SMALL);
  normal.load(true, 0);
  assert.equal(normal.files.length, 3);
  await normal.close();

  const atFirstEnd = service(io, await build(), SMALL);
  atFirstEnd.load(false, ends[0] as number);
  assert.deepEqual(atFirstEnd.files.map((f) => f.endTimestamp), [ends[0]]);
  assert.deepEqual(query(atFirstEnd, 'T', 'k'), [2000, 1000]);
  await atFirstEnd.close();

  // Divergence from Java, which would also drop the second file (it ends after the checkpoint).
  const straddling = service(io, await build(), SMALL);
  straddling.load(false, T0 + 25_000);
  assert.deepEqual(straddling.files.map((f) => f.endTimestamp), [ends[0], ends[1]]);
  assert.deepEqual(query(straddling, 'T', 'k'), [4000, 3000, 2000, 1000]);
  await straddling.close();

  const dir = await build();
  const none = service(io, dir, SMALL);
  none.load(false, 0);
  assert.equal(none.files.length, 0);
  assert.deepEqual(fs.readdirSync(dir), [], 'dropped files are deleted');
  await none.close();
});

test('load deletes index files without entries and ignores names that are not index files', async (t) => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, '20260101000000000'), '');
  IndexFile.create(io, path.join(dir, '20260101000000001'), SMALL).close();
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
  const svc = service(io, dir, SMALL);
  svc.load(true, 0);
  assert.equal(svc.files.length, 0);
  assert.deepEqual(fs.readdirSync(dir), ['notes.txt']);
  svc.buildIndex(message(0));
  assert.deepEqual(query(svc, 'T', 'k0'), [1000]);
  await svc.close();
});

test('deleteExpiredFiles deletes the oldest files below the CommitLog\'s min offset, never the last or an unflushed one', async (t) => {
  const dir = tempDir(t);
  const svc = service(io, dir, SMALL, () => Date.now());
  svc.load(true, 0);
  t.after(() => svc.close());
  for (let i = 0; i < 6; i++) svc.buildIndex(message(i)); // ends 2000, 4000, 6000
  assert.equal(svc.deleteExpiredFiles(5000), 0, 'full files waiting for their flush stay');
  await svc.flush();
  assert.equal(svc.deleteExpiredFiles(2000), 0, 'endPhyOffset 2000 is not below 2000');
  assert.equal(svc.deleteExpiredFiles(2001), 1);
  assert.equal(svc.deleteExpiredFiles(Number.MAX_SAFE_INTEGER), 1);
  assert.equal(svc.files.length, 1, 'the last file stays');
  assert.equal(fs.readdirSync(dir).length, 1);
  assert.deepEqual(query(svc, 'T', 'k'), [6000, 5000]);
});

test('truncateDirty removes entries at or past the CommitLog\'s max offset so re-written offsets get indexed', async (t) => {
  const dir = tempDir(t);
  const svc = service(io, dir, SMALL, () => Date.now());
  svc.load(true, 0);
  for (let i = 0; i < 9; i++) svc.buildIndex(message(i)); // files [0,1] [2,3] [4,5] [6,7] [8]
  await svc.flush();
  assert.equal(svc.files.length, 5);

  svc.truncateDirty(3500); // keeps messages 0..2 (offsets 1000..3000)
  assert.equal(svc.files.length, 2);
  assert.deepEqual(query(svc, 'T', 'k'), [3000, 2000, 1000]);
  assert.deepEqual(query(svc, 'T', 'k3'), []);
  const last = svc.files[1] as IndexFile;
  assert.equal(last.endPhyOffset, 3000);
  assert.equal(last.isWriteFull, false);

  svc.buildIndex(message(3, { keys: 'k rewritten' })); // a new record at 4000
  assert.deepEqual(query(svc, 'T', 'rewritten'), [4000]);
  assert.equal(svc.files.length, 2, 'written into the truncated file');
  await svc.close();

  const reopened = service(io, dir, SMALL);
  reopened.load(true, 0);
  t.after(() => reopened.close());
  assert.deepEqual(query(reopened, 'T', 'k'), [4000, 3000, 2000, 1000]);
  assert.deepEqual(query(reopened, 'T', 'k5'), []);
});
