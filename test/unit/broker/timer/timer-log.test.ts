// Owns: the tests of the timer log's entries and files: the byte layout, appends across segment
// files, reading back, finding the end after a restart, and deleting a delivered segment.
// Counterpart: org.apache.rocketmq.store.timer.TimerLog (5.x).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  isMagicValid,
  MAGIC_DEFAULT,
  MAGIC_DELETE,
  MAGIC_ROLL,
  readTimerLogEntry,
  TIMER_LOG_ENTRY_BYTES,
  TimerLog,
  type TimerLogEntry,
  writeTimerLogEntry,
} from '../../../../src/broker/timer/timer-log.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';

const io = new NodeFileIO();
const T0 = 1_795_000_000_000;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-timerlog-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function entry(i: number, overrides: Partial<TimerLogEntry> = {}): TimerLogEntry {
  return {
    magic: MAGIC_DEFAULT,
    prevPos: i === 0 ? -1 : (i - 1) * TIMER_LOG_ENTRY_BYTES,
    slotTimeMs: T0 + i * 1000,
    anchorMs: T0,
    enqueueTimeMs: T0 - 5,
    commitLogOffset: 4096 * i,
    recordSize: 200 + i,
    queueOffset: i,
    ...overrides,
  };
}

function encode(entries: TimerLogEntry[]): Buffer {
  const buf = Buffer.alloc(entries.length * TIMER_LOG_ENTRY_BYTES);
  entries.forEach((e, i) => writeTimerLogEntry(buf, i * TIMER_LOG_ENTRY_BYTES, e));
  return buf;
}

test('an entry is 64 bytes laid out as the header comment says, and reads back whole', () => {
  const e = entry(3, { magic: MAGIC_DEFAULT | MAGIC_ROLL, prevPos: -1 });
  const buf = encode([e]);
  assert.equal(buf.length, 64);
  assert.equal(buf.readInt32BE(0), 64);
  assert.equal(buf.readInt32BE(4), MAGIC_DEFAULT | MAGIC_ROLL);
  assert.equal(buf.readBigInt64BE(8), -1n);
  assert.equal(buf.readBigInt64BE(16), BigInt(e.slotTimeMs));
  assert.equal(buf.readBigInt64BE(24), BigInt(e.anchorMs));
  assert.equal(buf.readBigInt64BE(32), BigInt(e.enqueueTimeMs));
  assert.equal(buf.readBigInt64BE(40), BigInt(e.commitLogOffset));
  assert.equal(buf.readInt32BE(48), e.recordSize);
  assert.equal(buf.readInt32BE(52), 0);
  assert.equal(buf.readBigInt64BE(56), BigInt(e.queueOffset));
  assert.deepEqual(readTimerLogEntry(buf, 0), e);
});

test('zeros, a wrong size field or a foreign magic are not entries', () => {
  assert.equal(readTimerLogEntry(Buffer.alloc(64), 0), undefined);
  const buf = encode([entry(0)]);
  buf.writeInt32BE(52, 0);
  assert.equal(readTimerLogEntry(buf, 0), undefined);
  const other = encode([entry(0)]);
  other.writeInt32BE(0xbbccddee | 0, 4);
  assert.equal(readTimerLogEntry(other, 0), undefined);
  assert.ok(isMagicValid(MAGIC_DEFAULT | MAGIC_DELETE));
  assert.ok(!isMagicValid(MAGIC_ROLL), 'every entry has the default bit');
});

test('appends run on across segment files, and every entry reads back at its position', (t) => {
  const dir = tempDir(t);
  const log = new TimerLog(io, dir, 4 * TIMER_LOG_ENTRY_BYTES);
  log.load();
  const entries = Array.from({ length: 10 }, (_, i) => entry(i));
  assert.equal(log.append(encode(entries.slice(0, 3)), 3 * 64), 0);
  assert.equal(log.append(encode(entries.slice(3)), 7 * 64), 3 * 64);
  assert.equal(log.endPos, 640);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['00000000000000000000', '00000000000000000256', '00000000000000000512']);
  for (let i = 9; i >= 0; i--) assert.deepEqual(log.read(i * 64), entries[i], `entry ${i}`);
  assert.equal(log.read(640), undefined, 'past the end');
  log.close();
});

test('rejects a segment size that is not whole entries', (t) => {
  assert.throws(() => new TimerLog(io, tempDir(t), 1000));
});

test('recovery finds the end at the first position without an entry and drops what follows', (t) => {
  const dir = tempDir(t);
  const log = new TimerLog(io, dir, 4 * 64);
  log.load();
  log.append(encode(Array.from({ length: 6 }, (_, i) => entry(i))), 6 * 64);
  log.close();
  // Bytes past the end that are not an entry (a torn write), and a file after them.
  const second = path.join(dir, '00000000000000000256');
  const fd = fs.openSync(second, 'r+');
  fs.writeSync(fd, Buffer.from('garbage-garbage-garbage-garbage-garbage-garbage-garbage-garbage!'), 0, 64, 3 * 64);
  fs.closeSync(fd);
  fs.writeFileSync(path.join(dir, '00000000000000000512'), Buffer.alloc(256));

  const again = new TimerLog(io, dir, 4 * 64);
  again.load();
  const seen: number[] = [];
  const end = again.recover(2 * 64, (e, pos) => {
    assert.equal(e.queueOffset * 64, pos);
    seen.push(pos);
  });
  assert.equal(end, 6 * 64);
  assert.deepEqual(seen, [128, 192, 256, 320]);
  assert.equal(again.endPos, 6 * 64);
  assert.ok(!fs.existsSync(path.join(dir, '00000000000000000512')), 'the file past the end is gone');
  // The next append goes right after the last entry.
  assert.equal(again.append(encode([entry(6)]), 64), 6 * 64);
  assert.deepEqual(again.read(6 * 64), entry(6));
  again.close();
});

test('the largest slot of a full first segment decides when it may be deleted', (t) => {
  const dir = tempDir(t);
  const log = new TimerLog(io, dir, 4 * 64);
  log.load();
  log.append(encode([entry(0, { slotTimeMs: T0 + 9000 }), entry(1), entry(2), entry(3)]), 4 * 64);
  assert.equal(log.maxSlotTimeOfFirstSegment(), undefined, 'the only segment is never deleted');
  log.append(encode([entry(4)]), 64);
  assert.equal(log.maxSlotTimeOfFirstSegment(), T0 + 9000);
  assert.ok(log.deleteFirstSegment());
  assert.equal(log.minPos, 256);
  assert.equal(log.read(0), undefined);
  assert.deepEqual(log.read(256), entry(4));
  assert.ok(!log.deleteFirstSegment(), 'the last segment stays');
  log.close();
});
