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
 * The timer-log positions of slot `slotTimeMs`'s entries, oldest first (the chain runs newest to
 * oldest); `visit` sees each entry on the way. Positions only, 8 bytes an entry, so a slot holding
 * millions of messages still fits. `broken` is the position where the chain could not be followed
 * (an entry deleted or unreadable), if any.
 */
export function walkSlot(log: TimerLog, slotTimeMs: number, slot: Slot, visit?: (entry: TimerLogEntry) => void): { positions: number[]; broken: number | undefined } {
  const positions: number[] = [];
  let broken: number | undefined;
  for (let pos = slot.lastPos; pos >= 0; ) {
    const entry = log.read(pos);
    if (entry === undefined || entry.slotTimeMs !== slotTimeMs) {
      broken = pos;
      break;
    }
    visit?.(entry);
    positions.push(pos);
    pos = entry.prevPos;
  }
  return { positions: positions.reverse(), broken };
}

export interface TimerLogReplay {
  /** The timer log's end: where the next entry goes. */
  endPos: number;
  /** Queue offset of the last entry's record, when any entry was replayed. */
  lastQueueOffset: number | undefined;
  /** Entries whose slot did not name them yet. */
  relinked: number;
  /** Slots that named entries past the end, rebuilt from the entries before it. */
  repairedSlots: number;
}

/**
 * Brings the wheel up to the timer log after a restart.
 *
 * Links every entry from `fromPos` to the log's end into the wheel, unless its slot already names
 * it or a later entry as last. Entries are appended before their slots are written, and a slot
 * write is one pwrite, so after a process crash a slot either counts an entry already or still
 * ends at the entry's prevPos: replaying is idempotent, and the chains the entries carry are right.
 *
 * The log ends at the first entry whose record lies past `commitLogEnd` (the CommitLog lost its
 * tail with the page cache, so the record will be written again, perhaps elsewhere) or at the
 * first bytes that are no entry. Slots naming entries past that end (the wheel's pages reached the
 * disk, the log's did not) are rebuilt from the entries before it, found from their firstPos on.
 */
export function replayTimerLog(log: TimerLog, wheel: TimerWheel, fromPos: number, commitLogEnd: number): TimerLogReplay {
  let lastQueueOffset: number | undefined;
  let relinked = 0;
  const endPos = log.recover(fromPos, (entry, pos) => {
    if (entry.commitLogOffset + entry.recordSize > commitLogEnd) return false;
    lastQueueOffset = entry.queueOffset;
    const slot = wheel.get(entry.slotTimeMs);
    if (slot !== undefined && slot.lastPos >= pos) return true;
    wheel.put(entry.slotTimeMs, slot === undefined ? { firstPos: pos, lastPos: pos, num: 1 } : { firstPos: slot.firstPos, lastPos: pos, num: slot.num + 1 });
    relinked++;
    return true;
  });
  return { endPos, lastQueueOffset, relinked, repairedSlots: repairSlotsPast(log, wheel, endPos) };
}

function repairSlotsPast(log: TimerLog, wheel: TimerWheel, endPos: number): number {
  const damaged = new Map<number, Slot | undefined>();
  let fromPos = endPos;
  wheel.forEachSlot((timeMs, slot) => {
    if (slot.lastPos < endPos) return;
    damaged.set(timeMs, undefined);
    if (slot.firstPos < fromPos) fromPos = slot.firstPos;
  });
  if (damaged.size === 0) return 0;
  log.forEach(fromPos, endPos, (entry, pos) => {
    if (!damaged.has(entry.slotTimeMs)) return;
    const slot = damaged.get(entry.slotTimeMs);
    damaged.set(entry.slotTimeMs, { firstPos: slot?.firstPos ?? pos, lastPos: pos, num: (slot?.num ?? 0) + 1 });
  });
  for (const [timeMs, slot] of damaged) {
    if (slot === undefined) wheel.clear(timeMs);
    else wheel.put(timeMs, slot);
  }
  return damaged.size;
}
