// Owns: listing, after a restart, the parked timer messages already delivered after the timer
// checkpoint, from the markers their delivered (or rolled) records carry in the CommitLog.
// Counterpart: none (Java's TimerMessageStore may deliver a message twice after a crash).

import { checkMessageRecord, decodeMessageRecord } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import type { CommitLog } from '../../store/commitlog/commit-log.js';
import { PROPERTY_TIMER_SOURCE_OFFSET } from './timer-message.js';

export interface DeliveredSince {
  /** Parked records delivered (or rolled): their CommitLog offsets. */
  offsets: Set<number>;
  /**
   * The latest TIMER_DEQUEUE_MS among those deliveries: every slot they came from lies before it
   * (a slot is delivered once the clock has passed its end).
   */
  lastDequeueMs: number;
  scannedBytes: number;
}

/**
 * The source offsets (__RMQTS_TIMER_SOURCE) of the records stored from `fromOffset` to the
 * CommitLog's end: the parked messages delivered or rolled after the checkpoint was taken. Reads
 * in windows of `windowBytes` (more than the largest record).
 */
export function deliveredSince(commitLog: CommitLog, fromOffset: number, windowBytes: number, segmentSize: number): DeliveredSince {
  const offsets = new Set<number>();
  let lastDequeueMs = 0;
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
        const properties = decodeMessageRecord(buf, pos, { readBody: false }).properties;
        const source = properties.get(PROPERTY_TIMER_SOURCE_OFFSET);
        if (source !== undefined && /^\d+$/.test(source)) {
          offsets.add(Number(source));
          const dequeueMs = Number(properties.get(MessageConst.PROPERTY_TIMER_DEQUEUE_MS));
          if (dequeueMs > lastDequeueMs) lastDequeueMs = dequeueMs;
        }
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
  return { offsets, lastDequeueMs, scannedBytes: offset - start };
}
