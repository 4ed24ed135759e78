import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeMessageRecord } from '../../../src/common/message/message-record.js';
import { MessageStore } from '../../../src/store/message-store.js';
import { storeConfig } from '../../../src/store/store-config.js';
import { makeTempDir } from '../../harness/processes.js';

const SEGMENT_BYTES = 64 * 1024;

function openStore(dir: string): MessageStore {
  const store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: SEGMENT_BYTES }), storeHost: '127.0.0.1:10911' });
  store.load();
  store.start();
  return store;
}

const message = (body: Buffer, key: string) => ({
  topic: 'Torn',
  queueId: 0,
  body,
  // A long property, so the properties run across a page boundary when the record does.
  properties: new Map([['KEYS', key], ['pad', 'p'.repeat(300)]]),
  bornTimestamp: 1,
  bornHost: '127.0.0.1:1',
});

/** Zeros [from, to) of the first CommitLog segment and, unless told not to, leaves the abort marker, as a kill inside a write would. */
function tear(dir: string, from: number, to: number, crashed = true): void {
  const fd = fs.openSync(path.join(dir, 'commitlog', '0'.repeat(20)), 'r+');
  fs.writeSync(fd, Buffer.alloc(to - from), 0, to - from, from);
  fs.closeSync(fd);
  if (crashed) fs.writeFileSync(path.join(dir, 'abort'), '');
}

/** A store holding two records, the second ending 100 bytes past 4096; returns the second. */
async function twoRecords(dir: string): Promise<{ commitLogOffset: number; msgSize: number }> {
  const store = openStore(dir);
  const first = (await store.putMessage(message(Buffer.alloc(10, 1), 'key-1'))).appendResults[0]!;
  const overhead = first.msgSize - 10;
  const secondStart = first.commitLogOffset + first.msgSize;
  const second = (await store.putMessage(message(Buffer.alloc(4096 + 100 - secondStart - overhead, 2), 'key-2'))).appendResults[0]!;
  assert.equal(second.commitLogOffset + second.msgSize, 4196);
  await store.shutdown();
  return second;
}

test('after a crash, a last record torn at a page boundary inside its properties is dropped; the one before it stays', async (t) => {
  const dir = makeTempDir('rmqts-recovery-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The second record ends 100 bytes past 4096: a tear at 4096 cuts its properties only.
  const second = await twoRecords(dir);
  const secondStart = second.commitLogOffset;
  tear(dir, 4096, 4196);
  let store = openStore(dir);
  assert.equal(store.maxPhyOffset, secondStart, 'the log ends where the torn record began');
  assert.equal(store.getMaxOffsetInQueue('Torn', 0), 1, 'its queue entry is gone');
  assert.equal(store.queryMessage('Torn', 'key-2', 32, 0, Number.MAX_SAFE_INTEGER).messages.length, 0, 'and its index entry');
  const kept = decodeMessageRecord(store.lookMessageByOffset(0)!, 0, { checkCRC: true });
  assert.equal(kept.properties.get('KEYS'), 'key-1');
  // Its head, still in the file past the new end, was zeroed: a later torn write cannot end in it.
  const tail = store.commitLog.segments.last()!.read(secondStart, 4096 - secondStart);
  assert.ok(tail.every((b) => b === 0), 'the bytes past the recovered end are zeros');

  // Writing goes on from there, and a clean restart keeps what was written.
  const third = (await store.putMessage(message(Buffer.alloc(50, 3), 'key-3'))).appendResults[0]!;
  assert.equal(third.commitLogOffset, secondStart);
  await store.shutdown();
  store = openStore(dir);
  t.after(() => store.shutdown());
  assert.equal(store.maxPhyOffset, third.commitLogOffset + third.msgSize);
  assert.equal(decodeMessageRecord(store.lookMessageByOffset(third.commitLogOffset)!, 0).properties.get('KEYS'), 'key-3');
});

test('after a crash, a last record with zeros at its end but no page boundary among them is kept', async (t) => {
  const dir = makeTempDir('rmqts-recovery-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const second = await twoRecords(dir);
  tear(dir, 4156, 4196); // its last 40 bytes only: the boundary at 4096 is before them
  const store = openStore(dir);
  t.after(() => store.shutdown());
  assert.equal(store.maxPhyOffset, second.commitLogOffset + second.msgSize, 'not a tear: the record is kept');
  assert.equal(store.getMaxOffsetInQueue('Torn', 0), 2);
});

test('after a clean exit no write can have been torn: the same zeros keep the record', async (t) => {
  const dir = makeTempDir('rmqts-recovery-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const second = await twoRecords(dir);
  tear(dir, 4096, 4196, false);
  const store = openStore(dir);
  t.after(() => store.shutdown());
  assert.equal(store.maxPhyOffset, second.commitLogOffset + second.msgSize);
  assert.equal(store.getMaxOffsetInQueue('Torn', 0), 2);
});
