// Owns: where a timer message goes in the wheel: its own slot, the first slot still open when
// that one is already being delivered, or a roll slot when it is further off than the roll window.
// Counterpart: the placement part of org.apache.rocketmq.store.timer.TimerMessageStore#doEnqueue.
//
// Java places relative to the broker's current time. We place relative to the wheel's first open
// slot (the "anchor": the slot after the last one delivery has started on), so every entry lies
// within [anchor, anchor + window] however far delivery lags behind the clock (a broker down for
// days, a clock moved forward by days): the ring never has two times competing for one index, and
// nothing is linked into a slot whose delivery has begun.

export interface Placement {
  /** The slot the entry is linked into. */
  slotTimeMs: number;
  /** True: a roll entry; at its slot the message goes back through the timer topic, not to its topic. */
  roll: boolean;
}

/**
 * Places a message due at `outMs` (TIMER_OUT_MS: a slot time) when `anchorMs` is the first open
 * slot. Beyond the roll window it rolls, leaving at least a third of the window for the next round
 * (Java's rule), so the re-put message is enqueued again well before its slot comes up.
 */
export function placeTimerEntry(outMs: number, anchorMs: number, precisionMs: number, rollWindowSlots: number): Placement {
  const slotMs = Math.floor(outMs / precisionMs) * precisionMs;
  const windowMs = rollWindowSlots * precisionMs;
  if (slotMs - anchorMs >= windowMs) {
    const beyondMs = slotMs - anchorMs - windowMs;
    const rollToMs = beyondMs < Math.floor(rollWindowSlots / 3) * precisionMs ? anchorMs + Math.floor(rollWindowSlots / 2) * precisionMs : anchorMs + windowMs;
    return { slotTimeMs: rollToMs, roll: true };
  }
  return { slotTimeMs: Math.max(slotMs, anchorMs), roll: false };
}

/**
 * Slots one delivery batch may take at most. Smaller than the third of the roll window a rolled
 * message has left, so a message rolled in one batch is linked into its slot before a later batch
 * can reach that slot.
 */
export function deliveryBatchSlots(rollWindowSlots: number): number {
  return Math.max(1, Math.min(3600, Math.floor(rollWindowSlots / 4)));
}

/** The smallest roll window for which deliveryBatchSlots keeps that promise. */
export const ROLL_WINDOW_SLOTS_MIN = 12;
