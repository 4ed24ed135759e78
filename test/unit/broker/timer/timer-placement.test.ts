// Owns: the tests of where a timer message is linked: its own slot, the first open slot when its
// own is already being delivered, or a roll slot that leaves the next round enough time.
// Counterpart: the placement part of TimerMessageStore#doEnqueue (5.x).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveryBatchSlots, placeTimerEntry, ROLL_WINDOW_SLOTS_MIN } from '../../../../src/broker/timer/timer-placement.js';
import { seededRandom, testSeed } from '../../../harness/seeded-random.js';

const P = 1000;
const WINDOW = 2 * 24 * 3600;
const ANCHOR = 1_795_000_000_000;

test('inside the window a message goes to its own slot', () => {
  assert.deepEqual(placeTimerEntry(ANCHOR + 5000, ANCHOR, P, WINDOW), { slotTimeMs: ANCHOR + 5000, roll: false });
  assert.deepEqual(placeTimerEntry(ANCHOR + (WINDOW - 1) * P, ANCHOR, P, WINDOW), { slotTimeMs: ANCHOR + (WINDOW - 1) * P, roll: false });
});

test('a slot already being delivered sends a message to the first open slot', () => {
  assert.deepEqual(placeTimerEntry(ANCHOR - 7 * 24 * 3600 * P, ANCHOR, P, WINDOW), { slotTimeMs: ANCHOR, roll: false });
});

test('beyond the window a message rolls, to the window\'s end or, when just past it, its middle', () => {
  assert.deepEqual(placeTimerEntry(ANCHOR + 7 * 24 * 3600 * P, ANCHOR, P, WINDOW), { slotTimeMs: ANCHOR + WINDOW * P, roll: true });
  assert.deepEqual(placeTimerEntry(ANCHOR + (WINDOW + 10) * P, ANCHOR, P, WINDOW), { slotTimeMs: ANCHOR + (WINDOW / 2) * P, roll: true });
});

test('after a roll at least a third of the window is left, more than one delivery batch', () => {
  const seed = testSeed('roll placement');
  const random = seededRandom(seed);
  const int = (n: number): number => Math.floor(random() * n);
  for (let i = 0; i < 10_000; i++) {
    const window = ROLL_WINDOW_SLOTS_MIN + int(3 * 24 * 3600);
    const due = ANCHOR + int(30 * 24 * 3600) * P;
    const place = placeTimerEntry(due, ANCHOR, P, window);
    if (!place.roll) {
      assert.ok(place.slotTimeMs - ANCHOR < window * P, `seed ${seed}`);
      continue;
    }
    const left = (due - place.slotTimeMs) / P;
    assert.ok(place.slotTimeMs - ANCHOR <= window * P, `seed ${seed}: roll slot past the window`);
    assert.ok(left >= Math.floor(window / 3), `seed ${seed}: ${left} slots left with window ${window}`);
    assert.ok(left > deliveryBatchSlots(window), `seed ${seed}: a batch could pass the slot`);
  }
});
