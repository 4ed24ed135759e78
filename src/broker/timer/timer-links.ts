// Owns: the links between the timer log and the wheel: appending entries and linking each into its
// slot (entries first, slots after), walking a slot's chain back, and re-linking after a crash.
// Counterpart: TimerMessageStore#doEnqueue (the linking), the dequeue's chain walk, and
// #recoverAndRevise (5.x).

import type { TimerLog, TimerLogEntry } from './timer-log.js';
import { TIMER_LOG_ENTRY_BYTES, writeTimerLogEntry } from './timer-log.js';
import type { Slot, TimerWheel } from './timer-wheel.js';

/** An entry to append; its prevPos comes from its slot. */
export type NewTimerEntry = Omit<TimerLogEntry, 'prevPos'>;

/**
 * Appends `entries` to the log in one write (through `buf`, which must hold them all), each linked
 * after the last entry of its slot, then writes each slot touched once. The order matters to
 * replayTimerLog: an entry is on disk before any slot names it.
 */
export function linkTimerEntries(log: TimerLog, wheel: TimerWheel, entries: readonly NewTimerEntry[], buf: Buffer): void {
  if (entries.length === 0) return;
  const slots = new Map<number, Slot | undefined>();
  let pos = log.endPos;
  entries.forEach((entry, i) => {
    if (!slots.has(entry.slotTimeMs)) slots.set(entry.slotTimeMs, wheel.get(entry.slotTimeMs));
    const slot = slots.get(entry.slotTimeMs);
    writeTimerLogEntry(buf, i * TIMER_LOG_ENTRY_BYTES, { ...entry, prevPos: slot?.lastPos ?? -1 });
    slots.set(entry.slotTimeMs, { firstPos: slot?.firstPos ?? pos, lastPos: pos, num: (slot?.num ?? 0) + 1 });
    pos += TIMER_LOG_ENTRY_BYTES;
  });
  log.append(buf, entries.length * TIMER_LOG_ENTRY_BYTES);
  for (const [timeMs, slot] of slots) wheel.put(timeMs, slot!);
}

/**
 * The entries of slot `slotTimeMs`, oldest first (the chain runs newest to oldest). `broken` is the
 * position where the chain could not be followed (an entry deleted or unreadable), if any.
 */
export function walkSlot(log: TimerLog, slotTimeMs: number, slot: Slot): { entries: TimerLogEntry[]; broken: number | undefined } {
  const entries: TimerLogEntry[] = [];
  let broken: number | undefined;
  for (let pos = slot.lastPos; pos >= 0; ) {
    const entry = log.read(pos);
    if (entry === undefined || entry.slotTimeMs !== slotTimeMs) {
      broken = pos;
      break;
    }
    entries.push(entry);
    pos = entry.prevPos;
  }
  return { entries: entries.reverse(), broken };
}

export interface TimerLogReplay {
  /** The timer log's end: where the next entry goes. */
  endPos: number;
  /** Queue offset of the last entry's record, when any entry was replayed. */
  lastQueueOffset: number | undefined;
  /** Entries whose slot did not name them yet. */
  relinked: number;
}

/**
 * Links every timer-log entry from `fromPos` to the log's end into the wheel, unless its slot
 * already names it or a later entry as last. Entries are appended before their slots are written,
 * and a slot write is one pwrite, so after a crash a slot either counts an entry already or still
 * ends at the entry's prevPos: replaying is idempotent, and the chains the entries carry are right.
 */
export function replayTimerLog(log: TimerLog, wheel: TimerWheel, fromPos: number): TimerLogReplay {
  let lastQueueOffset: number | undefined;
  let relinked = 0;
  const endPos = log.recover(fromPos, (entry, pos) => {
    lastQueueOffset = entry.queueOffset;
    const slot = wheel.get(entry.slotTimeMs);
    if (slot !== undefined && slot.lastPos >= pos) return;
    wheel.put(entry.slotTimeMs, slot === undefined ? { firstPos: pos, lastPos: pos, num: 1 } : { firstPos: slot.firstPos, lastPos: pos, num: slot.num + 1 });
    relinked++;
  });
  return { endPos, lastQueueOffset, relinked };
}
