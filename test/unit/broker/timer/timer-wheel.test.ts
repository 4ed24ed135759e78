// Owns: the tests of the timer wheel file: the slot layout, a slot holding another time reading
// as empty, scans across the end of the ring, and refusing a file of the wrong length.
// Counterpart: org.apache.rocketmq.store.timer.TimerWheel and Slot (5.x).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TIMER_WHEEL_SLOT_BYTES, TIMER_WHEEL_SLOTS, TimerWheel } from '../../../../src/broker/timer/timer-wheel.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';

const io = new NodeFileIO();
const T0 = 1_795_000_000_000;

function tempFile(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-timerwheel-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'timerwheel');
}

test('the default wheel is Java\'s: 2 x 7 days of 32-byte slots, created sparse at full length', (t) => {
  const file = tempFile(t);
  const wheel = new TimerWheel(io, file, 1000);
  wheel.open();
  assert.equal(TIMER_WHEEL_SLOTS, 1_209_600);
  assert.equal(fs.statSync(file).size, 1_209_600 * 32);
  assert.equal(wheel.get(T0), undefined);
  wheel.close();
});

test('a slot is written at ticks mod slots as ticks, first, last, num, magic', (t) => {
  const file = tempFile(t);
  const wheel = new TimerWheel(io, file, 1000, 16);
  wheel.open();
  wheel.put(T0, { firstPos: 64, lastPos: 640, num: 3 });
  assert.deepEqual(wheel.get(T0), { firstPos: 64, lastPos: 640, num: 3 });
  const raw = fs.readFileSync(file);
  const at = ((T0 / 1000) % 16) * TIMER_WHEEL_SLOT_BYTES;
  assert.equal(raw.readBigInt64BE(at), BigInt(T0 / 1000));
  assert.equal(raw.readBigInt64BE(at + 8), 64n);
  assert.equal(raw.readBigInt64BE(at + 16), 640n);
  assert.equal(raw.readInt32BE(at + 24), 3);
  assert.equal(raw.readInt32BE(at + 28), 0);
  wheel.close();
});

test('a slot one ring later shares the index but not the time: it reads as empty', (t) => {
  const wheel = new TimerWheel(io, tempFile(t), 1000, 16);
  wheel.open();
  wheel.put(T0, { firstPos: 0, lastPos: 0, num: 1 });
  assert.equal(wheel.get(T0 + 16_000), undefined);
  wheel.put(T0 + 16_000, { firstPos: 128, lastPos: 128, num: 1 });
  assert.equal(wheel.get(T0), undefined, 'overwritten by the later time');
  assert.deepEqual(wheel.get(T0 + 16_000), { firstPos: 128, lastPos: 128, num: 1 });
  wheel.close();
});

test('a scan visits slots in time order across the end of the ring and may stop early', (t) => {
  const wheel = new TimerWheel(io, tempFile(t), 500, 8);
  wheel.open();
  const start = 1_000_000_500; // index 1 of 8 at 500 ms
  for (let i = 0; i < 12; i += 3) wheel.put(start + i * 500, { firstPos: i, lastPos: i, num: i });
  const seen: Array<[number, number | undefined]> = [];
  wheel.scan(start, 8, (timeMs, slot) => {
    seen.push([timeMs - start, slot?.num]);
    return true;
  });
  // i = 9 went to the index of i = 1, which then reads empty for time 1; i = 0 stays.
  assert.deepEqual(seen, [[0, 0], [500, undefined], [1000, undefined], [1500, 3], [2000, undefined], [2500, undefined], [3000, 6], [3500, undefined]]);
  let visits = 0;
  wheel.scan(start + 4500, 6, () => ++visits < 2);
  assert.equal(visits, 2);
  wheel.close();
});

test('a wheel file of another length is refused', (t) => {
  const file = tempFile(t);
  fs.writeFileSync(file, Buffer.alloc(100));
  assert.throws(() => new TimerWheel(io, file, 1000, 16).open(), /length 100/);
});
