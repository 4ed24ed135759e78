// Owns: finding where the CommitLog's good data ends after a restart, and what to re-dispatch.
// Counterpart: CommitLog.recoverNormally / recoverAbnormally / isMappedFileMatchedRecover.
//
// After a clean shutdown (no `abort` file) the scan starts three segments from the end; after a
// crash it starts at the newest segment whose first message is older than the checkpoint says
// was durable everywhere, and everything from there is dispatched again (ConsumeQueue and index
// builders skip what they already hold). Either way the scan stops at the first record whose
// magic code, size or CRC is wrong; the CommitLog is truncated there and queue entries pointing
// past it are dropped.
//
// Torn writes. A process killed inside a write(2) leaves the bytes up to a page boundary and
// zeros after it (the kernel copies page by page and stops for a fatal signal). When the tear
// falls inside the properties of the last record, size and BODYCRC still check out (the CRC
// covers the body only), and Java would keep the record with its properties zeroed: a message
// without its keys, tags or origin. So after a crash the last record before the zeros is also
// dropped when its properties end in zeros that reach back to a 4 KiB boundary of the file.
// Nothing acknowledged is lost by that: an acknowledged record was written whole.

import {
  checkMessageRecord,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  propertiesLengthPos,
  storeTimestampPos,
} from '../common/message/message-record.js';
import type { SegmentFile } from './segment/segment-file.js';
import type { SegmentQueue } from './segment/segment-queue.js';

export interface ScanResult {
  /** Offset just past the last good record (or blank). */
  processOffset: number;
  /** Why the scan stopped: the written end, or damage (with the reason). */
  stoppedBy: 'end' | 'corrupt';
  detail?: string;
}

export type RecordVisitor = (buf: Buffer, position: number, offset: number, size: number) => void;

/**
 * Walks records from `fromIndex` of the queue, calling `visit` for each good record, and returns
 * where the good data ends. Reads in windows of `windowBytes` (which must exceed the largest record).
 */
export function scanCommitLog(
  segments: SegmentQueue,
  fromIndex: number,
  checkCRC: boolean,
  windowBytes: number,
  visit?: RecordVisitor,
  { afterCrash = false }: { afterCrash?: boolean } = {},
): ScanResult {
  const files = segments.segments;
  if (files.length === 0) return { processOffset: segments.minOffset(), stoppedBy: 'end' };
  let processOffset = files[Math.max(0, fromIndex)]!.fileFromOffset;
  for (let i = Math.max(0, fromIndex); i < files.length; i++) {
    const segment = files[i]!;
    const result = scanSegment(segment, checkCRC, windowBytes, afterCrash, visit);
    processOffset = segment.fileFromOffset + result.position;
    if (result.stop !== 'blank') {
      return result.stop === 'corrupt' ? { processOffset, stoppedBy: 'corrupt', detail: result.detail! } : { processOffset, stoppedBy: 'end' };
    }
    processOffset = segment.fileFromOffset + segment.fileSize;
    // A blank ends the segment; the scan goes on in the next one, if there is one.
  }
  return { processOffset, stoppedBy: 'end' };
}

interface SegmentScan {
  position: number;
  stop: 'end' | 'blank' | 'corrupt';
  detail?: string;
}

function scanSegment(segment: SegmentFile, checkCRC: boolean, windowBytes: number, afterCrash: boolean, visit?: RecordVisitor): SegmentScan {
  let position = 0;
  /** Segment position and size of the last good record. */
  let lastStart = -1;
  let lastSize = 0;
  while (position < segment.fileSize) {
    const window = segment.read(position, Math.min(windowBytes, segment.fileSize - position));
    let pos = 0;
    for (;;) {
      const check = checkMessageRecord(window, pos, { checkCRC });
      if (check.status === 'ok') {
        visit?.(window, pos, segment.fileFromOffset + position + pos, check.size);
        lastStart = position + pos;
        lastSize = check.size;
        pos += check.size;
        if (pos >= window.length) break;
        continue;
      }
      if (check.status === 'blank') return { position: position + pos, stop: 'blank' };
      if (check.status === 'end') {
        // The window may simply end inside a record: read on from it, unless nothing fits at all.
        if (position + window.length < segment.fileSize && pos > 0 && !isZeroHead(window, pos)) break;
        if (afterCrash && lastStart >= 0 && lastStart + lastSize === position + pos) {
          const tornAt = tornTailAt(segment.read(lastStart, lastSize), segment.fileFromOffset + lastStart);
          if (tornAt !== undefined) {
            return { position: lastStart, stop: 'corrupt', detail: `torn write: the last record's properties are zeros from ${tornAt} on` };
          }
        }
        return { position: position + pos, stop: 'end' };
      }
      // A record cut by the window end looks short: retry from it with a fresh window.
      if (check.reason === 'size' && position + window.length < segment.fileSize && pos > 0) break;
      return { position: position + pos, stop: 'corrupt', detail: `${check.reason}: ${check.detail}` };
    }
    position += pos;
  }
  return { position, stop: 'end' };
}

/** Tears happen at page boundaries; every page size in use is a multiple of 4 KiB. */
const TEAR_ALIGNMENT_BYTES = 4096;

/**
 * For a record (checked good) at commit-log offset `offset`: the offset of a 4 KiB boundary
 * inside its properties from which the record holds only zeros, as a write torn there leaves
 * it; undefined when there is none.
 */
export function tornTailAt(record: Buffer, offset: number): number | undefined {
  const propertiesStart = propertiesLengthPos(record, 0) + 2;
  let zerosFrom = record.length;
  while (zerosFrom > propertiesStart && record[zerosFrom - 1] === 0) zerosFrom--;
  if (zerosFrom === record.length) return undefined;
  const boundary = Math.ceil((offset + zerosFrom) / TEAR_ALIGNMENT_BYTES) * TEAR_ALIGNMENT_BYTES;
  return boundary < offset + record.length ? boundary : undefined;
}

function isZeroHead(buf: Buffer, pos: number): boolean {
  const end = Math.min(buf.length, pos + 8);
  for (let i = pos; i < end; i++) if (buf[i] !== 0) return false;
  return end - pos === 8;
}

/** Index of the segment an abnormal recovery starts from: the newest whose first message is older than `minTimestamp`. */
export function abnormalStartIndex(segments: SegmentQueue, minTimestamp: number): number {
  const files = segments.segments;
  for (let i = files.length - 1; i >= 0; i--) {
    const head = files[i]!.read(0, 128);
    if (head.length < 64) continue;
    const magic = head.readInt32BE(4);
    if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) continue;
    const sysFlag = head.readInt32BE(36);
    const storeTimestamp = Number(head.readBigInt64BE(storeTimestampPos(sysFlag)));
    if (storeTimestamp !== 0 && storeTimestamp <= minTimestamp) return i;
  }
  return 0;
}

/** Index of the segment a normal recovery starts from (three from the end, as Java). */
export function normalStartIndex(segments: SegmentQueue): number {
  return Math.max(0, segments.segments.length - 3);
}
