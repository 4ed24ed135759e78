// Owns: the tests of linking timer-log entries into wheel slots: chains per slot in arrival
// order, a roll entry linked at the end of the window, and re-linking after a crash that wrote
// entries but not all their slots.
// Counterpart: TimerMessageStore#doEnqueue, the dequeue's chain walk, #recoverAndRevise (5.x).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { linkTimerEntries, type NewTimerEntry, replayTimerLog, walkSlot } from '../../../../src/broker/timer/timer-links.js';
import { MAGIC_DEFAULT, MAGIC_ROLL, TIMER_LOG_ENTRY_BYTES, TimerLog, writeTimerLogEntry } from '../../../../src/broker/timer/timer-log.js';
import { placeTimerEntry } from '../../../../src/broker/timer/timer-placement.js';
import { TimerWheel } from '../../../../src/broker/timer/timer-wheel.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';

const io = new NodeFileIO();
const T0 = 1_795_000_000_000;
const buf = Buffer.alloc(1024 * TIMER_LOG_ENTRY_BYTES);

interface Files {
  dir: string;
  log: TimerLog;
  wheel: TimerWheel;
  reopen(): Files;
  close(): void;
}

function files(t: { after(fn: () => void): void }, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-timerlinks-'))): Files {
  const log = new TimerLog(io, path.join(dir, 'timerlog'), 8 * TIMER_LOG_ENTRY_BYTES);
  log.load();
  const wheel = new TimerWheel(io, path.join(dir, 'timerwheel'), 1000, 64);
  wheel.open();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const self: Files = {
    dir,
    log,
    wheel,
    reopen: () => {
      self.close();
      return files(t, dir);
    },
    close: () => {
      log.close();
      wheel.close();
    },
  };
  return self;
}

function entry(queueOffset: number, slotTimeMs: number, magic = MAGIC_DEFAULT): NewTimerEntry {
  return { magic, slotTimeMs, anchorMs: T0, enqueueTimeMs: T0, commitLogOffset: 1000 * queueOffset, recordSize: 100, queueOffset };
}

const queueOffsets = (f: Files, slotTimeMs: number): number[] => {
  const slot = f.wheel.get(slotTimeMs);
  return slot === undefined ? [] : walkSlot(f.log, slotTimeMs, slot).positions.map((pos) => f.log.read(pos)!.queueOffset);
};

test('entries of one slot chain back to back across batches and files; a walk gives them oldest first', (t) => {
  const f = files(t);
  const slots = [T0 + 1000, T0 + 2000, T0 + 3000];
  linkTimerEntries(f.log, f.wheel, Array.from({ length: 7 }, (_, i) => entry(i, slots[i % 3]!)), buf);
  linkTimerEntries(f.log, f.wheel, Array.from({ length: 7 }, (_, i) => entry(7 + i, slots[(7 + i) % 3]!)), buf);
  assert.deepEqual(queueOffsets(f, T0 + 1000), [0, 3, 6, 9, 12]);
  assert.deepEqual(queueOffsets(f, T0 + 2000), [1, 4, 7, 10, 13]);
  assert.deepEqual(queueOffsets(f, T0 + 3000), [2, 5, 8, 11]);
  assert.deepEqual(f.wheel.get(T0 + 1000), { firstPos: 0, lastPos: 12 * 64, num: 5 });
  assert.equal(f.wheel.get(T0 + 4000), undefined);
  f.close();
});

test('a message beyond the roll window is linked as a roll entry at the window\'s end, and comes back to its own slot', (t) => {
  const f = files(t);
  const windowSlots = 16;
  const due = T0 + 40_000;
  const first = placeTimerEntry(due, T0, 1000, windowSlots);
  assert.deepEqual(first, { slotTimeMs: T0 + 16_000, roll: true });
  linkTimerEntries(f.log, f.wheel, [entry(0, first.slotTimeMs, MAGIC_DEFAULT | MAGIC_ROLL)], buf);
  const seen: number[] = [];
  const rolled = walkSlot(f.log, first.slotTimeMs, f.wheel.get(first.slotTimeMs)!, (e) => seen.push(e.magic)).positions;
  assert.deepEqual(rolled, [0]);
  assert.deepEqual(seen, [MAGIC_DEFAULT | MAGIC_ROLL]);
  // Delivering that slot parks the message again; enqueued with the wheel opened past the roll
  // slot, it rolls once more, then lands in its own slot.
  const second = placeTimerEntry(due, T0 + 17_000, 1000, windowSlots);
  assert.deepEqual(second, { slotTimeMs: T0 + 33_000, roll: true });
  const third = placeTimerEntry(due, T0 + 34_000, 1000, windowSlots);
  assert.deepEqual(third, { slotTimeMs: due, roll: false });
  linkTimerEntries(f.log, f.wheel, [entry(1, third.slotTimeMs)], buf);
  assert.deepEqual(queueOffsets(f, due), [1]);
  f.close();
});

test('after a crash between entries and slots, replay re-links the lost links once, and is idempotent', (t) => {
  const f = files(t);
  linkTimerEntries(f.log, f.wheel, [entry(0, T0 + 1000), entry(1, T0 + 2000)], buf);
  const checkpointPos = f.log.endPos;
  // Then a batch whose entries reached the file but whose slot writes did not (killed in between):
  // the entries carry the links the slots had then.
  const raw = Buffer.alloc(3 * TIMER_LOG_ENTRY_BYTES);
  writeTimerLogEntry(raw, 0, { ...entry(2, T0 + 1000), prevPos: 0 });
  writeTimerLogEntry(raw, 64, { ...entry(3, T0 + 3000), prevPos: -1 });
  writeTimerLogEntry(raw, 128, { ...entry(4, T0 + 1000), prevPos: 2 * 64 });
  f.log.append(raw, raw.length);

  const g = f.reopen();
  assert.deepEqual(g.wheel.get(T0 + 1000), { firstPos: 0, lastPos: 0, num: 1 }, 'the slot does not know the new entries yet');
  assert.equal(g.wheel.get(T0 + 3000), undefined);
  const replay = replayTimerLog(g.log, g.wheel, checkpointPos, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(replay, { endPos: 5 * 64, lastQueueOffset: 4, relinked: 3, repairedSlots: 0 });
  assert.deepEqual(queueOffsets(g, T0 + 1000), [0, 2, 4]);
  assert.deepEqual(queueOffsets(g, T0 + 3000), [3]);
  assert.deepEqual(g.wheel.get(T0 + 1000), { firstPos: 0, lastPos: 4 * 64, num: 3 });
  const again = replayTimerLog(g.log, g.wheel, 0, Number.MAX_SAFE_INTEGER);
  assert.equal(again.relinked, 0, 'slots already naming an entry or a later one are left alone');
  assert.deepEqual(g.wheel.get(T0 + 1000), { firstPos: 0, lastPos: 4 * 64, num: 3 });
  // The next batch continues after the replayed end.
  linkTimerEntries(g.log, g.wheel, [entry(5, T0 + 1000)], buf);
  assert.deepEqual(queueOffsets(g, T0 + 1000), [0, 2, 4, 5]);
  g.close();
});

test('entries whose record lies past the CommitLog\'s end are dropped, and slots naming them are rebuilt', (t) => {
  const f = files(t);
  // commitLogOffset = 1000 * queueOffset, recordSize 100: entries 0..5.
  linkTimerEntries(f.log, f.wheel, [entry(0, T0 + 1000), entry(1, T0 + 2000), entry(2, T0 + 1000)], buf);
  linkTimerEntries(f.log, f.wheel, [entry(3, T0 + 1000), entry(4, T0 + 3000), entry(5, T0 + 2000)], buf);
  const g = f.reopen();
  // The CommitLog came back holding records up to queue offset 2 only (a power cut took the rest).
  const replay = replayTimerLog(g.log, g.wheel, 0, 2 * 1000 + 100);
  assert.equal(replay.endPos, 3 * 64);
  assert.equal(replay.lastQueueOffset, 2);
  assert.equal(replay.repairedSlots, 3, 'every slot whose last entry went');
  assert.deepEqual(g.wheel.get(T0 + 1000), { firstPos: 0, lastPos: 2 * 64, num: 2 });
  assert.deepEqual(g.wheel.get(T0 + 2000), { firstPos: 64, lastPos: 64, num: 1 });
  assert.equal(g.wheel.get(T0 + 3000), undefined, 'a slot with no entry left is emptied');
  // Enqueueing again from queue offset 3 links after what is left, without stale links.
  linkTimerEntries(g.log, g.wheel, [entry(3, T0 + 1000), entry(4, T0 + 3000)], buf);
  assert.deepEqual(queueOffsets(g, T0 + 1000), [0, 2, 3]);
  assert.deepEqual(queueOffsets(g, T0 + 3000), [4]);
  g.close();
});
