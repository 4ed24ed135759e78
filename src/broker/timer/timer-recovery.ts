// Owns: listing, after a restart, the parked timer messages already delivered after the timer
// checkpoint, from the markers their delivered (or rolled) records carry in the CommitLog.
// Counterpart: none (Java's TimerMessageStore may deliver a message twice after a crash).

import { checkMessageRecord, decodeMessageRecord } from '../../common/message/message-record.js';
import type { CommitLog } from '../../store/commitlog/commit-log.js';
import { PROPERTY_TIMER_SOURCE_OFFSET } from './timer-message.js';

/**
 * The source offsets (__RMQTS_TIMER_SOURCE) of the records stored from `fromOffset` to the
 * CommitLog's end: the parked messages delivered or rolled after the checkpoint was taken. Reads
 * in windows of `windowBytes` (more than the largest record).
 */
export function deliveredSince(commitLog: CommitLog, fromOffset: number, windowBytes: number, segmentSize: number): { offsets: Set<number>; scannedBytes: number } {
  const offsets = new Set<number>();
  let offset = Math.max(fromOffset, commitLog.minOffset);
  const start = offset;
  const end = commitLog.maxOffset;
  while (offset < end) {
    const buf = commitLog.readRaw(offset, windowBytes);
    if (buf === undefined) break;
    let pos = 0;
    let blank = false;
    for (;;) {
      const check = checkMessageRecord(buf, pos, { checkCRC: false });
      if (check.status === 'ok') {
        const source = decodeMessageRecord(buf, pos, { readBody: false }).properties.get(PROPERTY_TIMER_SOURCE_OFFSET);
        if (source !== undefined && /^\d+$/.test(source)) offsets.add(Number(source));
        pos += check.size;
        continue;
      }
      blank = check.status === 'blank';
      break;
    }
    if (blank) {
      // A blank record ends its segment: go on at the next one.
      offset = offset + pos - ((offset + pos) % segmentSize) + segmentSize;
      continue;
    }
    // A record cut by the window's end is read again at the start of the next window.
    if (pos === 0) break;
    offset += pos;
  }
  return { offsets, scannedBytes: offset - start };
}
