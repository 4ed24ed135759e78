import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { checkMessageRecord, decodeMessageRecord } from '../../../../src/common/message/message-record.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { storeConfig } from '../../../../src/store/store-config.js';
import { FlakyFileIO } from '../../../harness/flaky-file-io.js';
import { makeTempDir } from '../../../harness/processes.js';
import { seededRandom, testSeed } from '../../../harness/seeded-random.js';

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(condition(), 'condition not reached in 1 s');
}

function open(t: { after(fn: () => unknown): void }, overrides: Record<string, string | number | boolean>, io = new FlakyFileIO()): { store: MessageStore; io: FlakyFileIO } {
  const dir = makeTempDir('rmqts-commitlog-');
  const store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 8192, ...overrides }), storeHost: '127.0.0.1:10911', io });
  store.load();
  store.start();
  t.after(async () => {
    io.releaseSyncs();
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, io };
}

const put = (store: MessageStore, i: number, bytes = 1000) =>
  store.putMessage({ topic: 'T', queueId: 0, body: Buffer.alloc(bytes, i), properties: new Map([['KEYS', `k${i}`]]), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });

test('rolls to the next segment with a blank record when a message does not fit', async (t) => {
  const { store } = open(t, {});
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => put(store, i)));
  const offsets = results.map((r) => r.appendResults[0]!.commitLogOffset);
  const segments = store.commitLog.segments.segments;
  assert.ok(segments.length >= 3);
  for (const [i, segment] of segments.entries()) assert.equal(segment.fileFromOffset, i * 8192);
  // No record crosses a segment boundary, and each segment's unused tail starts with a blank.
  for (const r of results) {
    const { commitLogOffset, msgSize } = r.appendResults[0]!;
    assert.equal(Math.floor(commitLogOffset / 8192), Math.floor((commitLogOffset + msgSize - 1) / 8192));
  }
  const firstSegmentEnd = Math.max(...offsets.filter((o) => o < 8192).map((o, i) => o + results[i]!.appendResults[0]!.msgSize));
  const blank = store.commitLog.segments.segments[0]!.read(firstSegmentEnd, 8192 - firstSegmentEnd);
  assert.equal(checkMessageRecord(blank, 0).status, 'blank');
  assert.deepEqual(results.map((r) => r.appendResults[0]!.queueOffset), Array.from({ length: 20 }, (_, i) => i));
});

test('SYNC_FLUSH acknowledges after fdatasync, many writers sharing one sync', async (t) => {
  const { store, io } = open(t, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: 1024 * 1024 });
  const before = io.datasyncCalls;
  const results = await Promise.all(Array.from({ length: 64 }, (_, i) => put(store, i)));
  assert.ok(results.every((r) => r.status === 'PUT_OK'));
  const syncs = io.datasyncCalls - before;
  assert.ok(syncs >= 1 && syncs <= 4, `${syncs} fdatasyncs for 64 concurrent writers`);
  assert.ok(store.commitLog.flushedOffset >= Math.max(...results.map((r) => r.appendResults[0]!.commitLogOffset + r.appendResults[0]!.msgSize)));
});

test('SYNC_FLUSH answers FLUSH_DISK_TIMEOUT when the sync is late; the message is still stored', async (t) => {
  const { store, io } = open(t, { flushDiskType: 'SYNC_FLUSH', syncFlushTimeout: 100, mappedFileSizeCommitLog: 1024 * 1024 });
  io.hangSync = true;
  const result = await put(store, 1);
  assert.equal(result.status, 'FLUSH_DISK_TIMEOUT');
  io.releaseSyncs();
  assert.equal(store.getMessage('T', 0, 0, 1).status, 'FOUND');
  assert.equal((await put(store, 2)).status, 'PUT_OK');
});

test('SYNC_FLUSH: a sync of the new segment that finishes before the sync of the old one acknowledges nothing until both are done', async (t) => {
  const { store, io } = open(t, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: 8192 });
  io.holdSyncs = true;
  // In one turn: 3000 bytes, then 5000 that do not fit after them. The second ends the segment
  // with a blank record, which commits the first at once and starts its sync; the second goes
  // to the next segment, whose commit starts a second sync, of that segment's file only.
  const answered: string[] = [];
  const first = put(store, 1, 3000).then((r) => (answered.push('first'), r));
  const second = put(store, 2, 5000).then((r) => (answered.push('second'), r));
  const heldFor = (segment: number) => io.heldSyncs.find((held) => held.fd === store.commitLog.segments.segments[segment]?.fd);
  await waitUntil(() => heldFor(0) !== undefined && heldFor(1) !== undefined);
  assert.equal(io.heldSyncs.filter((held) => held.fd === heldFor(1)!.fd).length, 1);
  const flushedBefore = store.commitLog.flushedOffset;
  heldFor(1)!.release();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(answered, [], 'nothing acknowledged while the old segment\'s sync is out');
  assert.equal(store.commitLog.flushedOffset, flushedBefore, 'the flushed offset waits for the earlier sync');
  heldFor(0)!.release();
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([a.status, b.status], ['PUT_OK', 'PUT_OK']);
  assert.equal(b.appendResults[0]!.commitLogOffset, 8192, 'the second record starts the new segment');
  assert.equal(store.commitLog.flushedOffset, 8192 + b.appendResults[0]!.msgSize);
});

test('SYNC_FLUSH: zeros written ahead never reach a stored record, across segment rolls and restarts', async (t) => {
  const seed = testSeed('zero-ahead');
  const random = seededRandom(seed);
  const segmentSize = 1024 * 1024;
  const { store } = open(t, { flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: segmentSize });
  const bodies = new Map<number, Buffer>();
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < 1500) {
      const i = next++;
      const body = Buffer.alloc(200 + Math.floor(random() * 4000), (i % 251) + 1);
      const result = await store.putMessage({ topic: 'T', queueId: i % 4, body, properties: new Map([['KEYS', `k${i}`]]), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });
      assert.equal(result.status, 'PUT_OK');
      bodies.set(result.appendResults[0]!.commitLogOffset, body);
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  assert.ok(store.commitLog.segments.segments.length >= 3, 'the writes span several segments');
  const check = (label: string): void => {
    for (const [offset, body] of bodies) {
      const record = store.lookMessageByOffset(offset);
      assert.ok(record !== undefined, `${label}: record at ${offset}`);
      const decoded = decodeMessageRecord(record, 0, { checkCRC: true });
      assert.deepEqual(Buffer.from(decoded.body), body, `${label}: body at ${offset}`);
    }
  };
  check('live');
  // Past the last record the file holds only zeros (the blocks written ahead, or the hole).
  const last = store.commitLog.segments.last()!;
  const tail = last.read(last.wrotePosition, Math.min(4096, last.fileSize - last.wrotePosition));
  assert.ok(tail.every((b) => b === 0), 'zeros after the last record');
  const dir = store.config.storePathRootDir;
  await store.shutdown();
  const reopened = new MessageStore({ config: storeConfig({ storePathRootDir: dir, flushDiskType: 'SYNC_FLUSH', mappedFileSizeCommitLog: segmentSize }), storeHost: '127.0.0.1:10911' });
  reopened.load();
  t.after(() => reopened.shutdown());
  assert.equal(reopened.maxPhyOffset, store.maxPhyOffset, 'recovery ends where the writes ended');
  for (const [offset, body] of bodies) {
    const decoded = decodeMessageRecord(reopened.lookMessageByOffset(offset)!, 0, { checkCRC: true });
    assert.deepEqual(Buffer.from(decoded.body), body, `reopened: body at ${offset}`);
  }
});

test('a failed write stores nothing, answers SERVICE_NOT_AVAILABLE, and gives back its queue offsets', async (t) => {
  const { store, io } = open(t, {});
  assert.equal((await put(store, 0)).status, 'PUT_OK');
  io.failNextWrite = 'ENOSPC';
  const failed = await Promise.all([put(store, 1), put(store, 2)]);
  assert.deepEqual(failed.map((r) => r.status), ['SERVICE_NOT_AVAILABLE', 'SERVICE_NOT_AVAILABLE']);
  assert.equal(store.getMaxOffsetInQueue('T', 0), 1, 'nothing of the failed batch is visible');
  assert.equal(store.commitLog.topicQueueTable.get('T-0'), 1, 'its queue offsets were handed back');
  assert.equal((await put(store, 3)).status, 'SERVICE_NOT_AVAILABLE', 'the store stops accepting writes after an I/O error');
});

test('rejects oversized bodies and properties with RocketMQ statuses, and keeps serving', async (t) => {
  const { store } = open(t, { maxMessageSize: 2000, mappedFileSizeCommitLog: 1024 * 1024 });
  assert.equal((await put(store, 0, 2001)).status, 'MESSAGE_ILLEGAL');
  const hugeProps = await store.putMessage({ topic: 'T', queueId: 0, body: Buffer.from('x'), properties: new Map([['big', 'x'.repeat(40_000)]]), bornTimestamp: 0, bornHost: '127.0.0.1:1' });
  assert.equal(hugeProps.status, 'PROPERTIES_SIZE_EXCEEDED');
  const longTopic = await store.putMessage({ topic: 'T'.repeat(128), queueId: 0, body: Buffer.from('x'), properties: new Map(), bornTimestamp: 0, bornHost: '127.0.0.1:1' });
  assert.equal(longTopic.status, 'MESSAGE_ILLEGAL');
  assert.equal((await put(store, 1, 2000)).status, 'PUT_OK');
  assert.equal(store.getMaxOffsetInQueue('T', 0), 1);
});

test('replication hooks: raw bytes read from one store append to another at the expected offset and dispatch there', async (t) => {
  const { store: master } = open(t, { mappedFileSizeCommitLog: 8192 });
  const { store: slave } = open(t, { mappedFileSizeCommitLog: 8192 });
  for (let i = 0; i < 20; i++) await put(master, i);
  let offset = 0;
  while (offset < master.maxPhyOffset) {
    const data = master.getCommitLogData(offset, 3000)!;
    assert.equal(slave.appendToCommitLog(offset + 1, data), false, 'an append at the wrong offset is refused');
    assert.ok(slave.appendToCommitLog(offset, data));
    offset += data.length;
  }
  assert.equal(slave.maxPhyOffset, master.maxPhyOffset);
  assert.equal(slave.getMaxOffsetInQueue('T', 0), 20);
  const a = master.getMessage('T', 0, 0, 32);
  const b = slave.getMessage('T', 0, 0, 32);
  assert.deepEqual(b.messages, a.messages);
  assert.equal(slave.queryMessage('T', 'k7', 32, 0, Number.MAX_SAFE_INTEGER).messages.length, 1);
});

test('ASYNC_FLUSH: writers that put again from inside their acknowledgement, when the write buffer fills mid-turn, get the offsets their records have', async (t) => {
  // A 64 KiB write buffer fills within one turn when 100 writers start at once; the commit that
  // makes room acknowledges the first writers while an append is under way, and each of them
  // puts its next message from its callback at once, as a send path does.
  const { store } = open(t, { commitLogWriteBufferSize: 64 * 1024, maxMessageSize: 1024, mappedFileSizeCommitLog: 256 * 1024 });
  const total = 1500;
  const acked: Array<{ offset: number; size: number; queueOffset: number; fill: number }> = [];
  let started = 0;
  await new Promise<void>((done) => {
    const putNext = (): void => {
      const fill = started++ % 251;
      store.putMessagesThen([{ topic: 'T', queueId: 0, body: Buffer.alloc(900, fill), properties: new Map(), bornTimestamp: 1, bornHost: '127.0.0.1:1' }], (result) => {
        assert.equal(result.status, 'PUT_OK');
        const r = result.appendResults[0]!;
        acked.push({ offset: r.commitLogOffset, size: r.msgSize, queueOffset: r.queueOffset, fill });
        if (started < total) putNext();
        else if (acked.length === total) done();
      });
    };
    for (let i = 0; i < 100 && started < total; i++) putNext();
  });
  store.commitLog.commitNow();
  for (const a of acked) {
    const record = store.commitLog.readRecord(a.offset, a.size);
    assert.ok(record, `no record at ${a.offset}`);
    const msg = decodeMessageRecord(record, 0, { checkCRC: true });
    assert.equal(msg.commitLogOffset, a.offset, 'the record says it is elsewhere');
    assert.equal(msg.queueOffset, a.queueOffset);
    assert.ok(msg.body.equals(Buffer.alloc(900, a.fill)), `the record at ${a.offset} holds another message's body`);
  }
  assert.deepEqual(acked.map((a) => a.queueOffset).sort((x, y) => x - y), Array.from({ length: total }, (_, i) => i));
  // The queue agrees: every queue offset leads to the record acknowledged for it.
  const byQueueOffset = new Map(acked.map((a) => [a.queueOffset, a.offset]));
  for (let from = 0; from < total; ) {
    const got = store.getMessage('T', 0, from, 32);
    assert.equal(got.status, 'FOUND');
    for (const [i, buf] of got.messages.entries()) assert.equal(decodeMessageRecord(buf, 0).commitLogOffset, byQueueOffset.get(got.queueOffsets[i]!));
    from = got.nextBeginOffset;
  }
});
