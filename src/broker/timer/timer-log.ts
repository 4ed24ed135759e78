// Owns: the timer log (`<storePathRootDir>/timerlog/`): one fixed-size entry per message waiting
// in the timer wheel (and per roll or cancel), each linked to the previous entry of the same
// wheel slot, appended in batches to segment files; reading entries back; finding the end after a
// restart; deleting segments whose entries all lie in delivered slots.
// Counterpart: org.apache.rocketmq.store.timer.TimerLog (5.x).
//
// An entry (TIMER_LOG_ENTRY_BYTES = 64; Java's unit is 52 bytes with a relative int32 delay, we
// keep absolute times, so an entry means the same thing however far the wheel lags behind):
//
//   offset  size  field
//   0       4     size              always 64: with `magic`, what recovery checks
//   4       4     magic             MAGIC_DEFAULT 1 | MAGIC_ROLL 2 | MAGIC_DELETE 4 (Java's values)
//   8       8     prevPos           timer-log position of the previous entry of this slot, -1 for none
//   16      8     slotTimeMs        the wheel slot this entry is linked into (a multiple of timerPrecisionMs)
//   24      8     anchorMs          the first slot the wheel could still take when this entry was written
//                                   (the entry lies at most timerRollWindowSlot slots past it; for tracing)
//   32      8     enqueueTimeMs     broker time when the entry was written (TIMER_ENQUEUE_MS on delivery)
//   40      8     commitLogOffset   of the message's record in rmq_sys_wheel_timer
//   48      4     recordSize        of that record
//   52      4     reserved          0
//   56      8     queueOffset       of that record in rmq_sys_wheel_timer queue 0 (enqueueing resumes after
//                                   the last entry's after a crash)
//   64            total
//
// Segments are named by their first position (20 digits) like CommitLog segments; the segment
// size is a multiple of 64, so an entry never spans two files and positions run on across them.

import assert from 'node:assert';
import { readInt64BE, writeInt64BE } from '../../common/message/int64.js';
import type { FileIO } from '../../store/io/file-io.js';
import { SegmentQueue } from '../../store/segment/segment-queue.js';

export const TIMER_LOG_ENTRY_BYTES = 64;
export const MAGIC_DEFAULT = 1;
export const MAGIC_ROLL = 1 << 1;
export const MAGIC_DELETE = 1 << 2;

const SIZE_POS = 0;
const MAGIC_POS = 4;
const PREV_POS_POS = 8;
const SLOT_TIME_POS = 16;
const ANCHOR_POS = 24;
const ENQUEUE_TIME_POS = 32;
const COMMIT_LOG_OFFSET_POS = 40;
const RECORD_SIZE_POS = 48;
const RESERVED_POS = 52;
const QUEUE_OFFSET_POS = 56;
assert.equal(QUEUE_OFFSET_POS + 8, TIMER_LOG_ENTRY_BYTES);

/** Bytes read per pread while scanning the log (recovery, retention). */
const READ_BLOCK_BYTES = 64 * 1024;
/** Bytes read per pread for single entries (chain walks): one page. */
const ENTRY_BLOCK_BYTES = 4096;

export interface TimerLogEntry {
  magic: number;
  prevPos: number;
  slotTimeMs: number;
  anchorMs: number;
  enqueueTimeMs: number;
  commitLogOffset: number;
  recordSize: number;
  queueOffset: number;
}

/** A valid magic has MAGIC_DEFAULT and no bits beyond the low four (Java's isMagicOK, stricter). */
export function isMagicValid(magic: number): boolean {
  return (magic & MAGIC_DEFAULT) !== 0 && (magic & ~0xf) === 0;
}

export function writeTimerLogEntry(buf: Buffer, pos: number, entry: TimerLogEntry): void {
  buf.writeInt32BE(TIMER_LOG_ENTRY_BYTES, pos + SIZE_POS);
  buf.writeInt32BE(entry.magic, pos + MAGIC_POS);
  writeInt64BE(buf, pos + PREV_POS_POS, entry.prevPos);
  writeInt64BE(buf, pos + SLOT_TIME_POS, entry.slotTimeMs);
  writeInt64BE(buf, pos + ANCHOR_POS, entry.anchorMs);
  writeInt64BE(buf, pos + ENQUEUE_TIME_POS, entry.enqueueTimeMs);
  writeInt64BE(buf, pos + COMMIT_LOG_OFFSET_POS, entry.commitLogOffset);
  buf.writeInt32BE(entry.recordSize, pos + RECORD_SIZE_POS);
  buf.writeInt32BE(0, pos + RESERVED_POS);
  writeInt64BE(buf, pos + QUEUE_OFFSET_POS, entry.queueOffset);
}

/** The entry at `pos` of `buf`, or undefined when the bytes there are not one (zeros, damage). */
export function readTimerLogEntry(buf: Buffer, pos: number): TimerLogEntry | undefined {
  if (pos + TIMER_LOG_ENTRY_BYTES > buf.length) return undefined;
  if (buf.readInt32BE(pos + SIZE_POS) !== TIMER_LOG_ENTRY_BYTES) return undefined;
  const magic = buf.readInt32BE(pos + MAGIC_POS);
  if (!isMagicValid(magic)) return undefined;
  const entry: TimerLogEntry = {
    magic,
    prevPos: readInt64BE(buf, pos + PREV_POS_POS),
    slotTimeMs: readInt64BE(buf, pos + SLOT_TIME_POS),
    anchorMs: readInt64BE(buf, pos + ANCHOR_POS),
    enqueueTimeMs: readInt64BE(buf, pos + ENQUEUE_TIME_POS),
    commitLogOffset: readInt64BE(buf, pos + COMMIT_LOG_OFFSET_POS),
    recordSize: buf.readInt32BE(pos + RECORD_SIZE_POS),
    queueOffset: readInt64BE(buf, pos + QUEUE_OFFSET_POS),
  };
  if (Number.isNaN(entry.prevPos) || Number.isNaN(entry.slotTimeMs) || Number.isNaN(entry.commitLogOffset) || entry.recordSize <= 0) return undefined;
  return entry;
}

/** Visits one entry; false stops the walk before it. */
export type TimerLogVisitor = (entry: TimerLogEntry, pos: number) => boolean | void;

export class TimerLog {
  readonly segments: SegmentQueue;
  /** The page last read by `read` (neighbouring entries are often read next). */
  #block: Buffer | undefined;
  #blockStart = -1;

  constructor(io: FileIO, dir: string, segmentSize: number) {
    assert(segmentSize % TIMER_LOG_ENTRY_BYTES === 0 && segmentSize >= TIMER_LOG_ENTRY_BYTES, `mappedFileSizeTimerLog ${segmentSize} is not a multiple of ${TIMER_LOG_ENTRY_BYTES}`);
    this.segments = new SegmentQueue(io, dir, segmentSize);
  }

  load(): void {
    this.segments.load();
  }

  /** Position the next entry will take. */
  get endPos(): number {
    return this.segments.maxOffset();
  }

  /** Position of the first entry kept. */
  get minPos(): number {
    return this.segments.minOffset();
  }

  /**
   * Walks the valid entries from `fromPos` (an entry boundary) to the first position that holds
   * none, or to the first entry `visit` answers false for, and makes that position the end (later
   * bytes and files go). Returns the end.
   */
  recover(fromPos: number, visit: TimerLogVisitor): number {
    if (this.segments.segments.length === 0) return 0;
    const end = this.#scan(Math.max(fromPos - (fromPos % TIMER_LOG_ENTRY_BYTES), this.segments.minOffset()), Number.POSITIVE_INFINITY, visit);
    this.segments.truncateTo(end);
    this.#block = undefined;
    return end;
  }

  /** Visits the entries in [fromPos, toPos), in order, reading blocks forward; stops as recover does. */
  forEach(fromPos: number, toPos: number, visit: TimerLogVisitor): void {
    this.#scan(Math.max(fromPos, this.minPos), Math.min(toPos, this.endPos), visit);
  }

  /** The position where the scan stopped. */
  #scan(fromPos: number, toPos: number, visit: TimerLogVisitor): number {
    const size = this.segments.segmentSize;
    let pos = fromPos;
    while (pos < toPos) {
      const segment = this.segments.findByOffset(pos);
      if (segment === undefined) break;
      const inFile = pos - segment.fileFromOffset;
      const block = segment.read(inFile, Math.min(READ_BLOCK_BYTES, size - inFile, toPos - pos));
      if (block.length < TIMER_LOG_ENTRY_BYTES) break;
      for (let at = 0; at + TIMER_LOG_ENTRY_BYTES <= block.length; at += TIMER_LOG_ENTRY_BYTES) {
        const entry = readTimerLogEntry(block, at);
        if (entry === undefined || visit(entry, pos) === false) return pos;
        pos += TIMER_LOG_ENTRY_BYTES;
      }
    }
    return pos;
  }

  /**
   * Appends `length` bytes of whole entries at `endPos`, across segment files as needed. Returns
   * the position of the first.
   */
  append(buf: Buffer, length: number): number {
    assert(length % TIMER_LOG_ENTRY_BYTES === 0, `append of ${length} bytes is not whole entries`);
    const first = this.endPos;
    let done = 0;
    while (done < length) {
      const segment = this.segments.lastForAppend(first + done);
      const n = Math.min(segment.remaining, length - done);
      this.segments.append(segment, buf, done, n);
      done += n;
    }
    // The cached block may cover the bytes just written (it was read as zeros).
    if (this.#block !== undefined && this.#blockStart + this.#block.length > first) this.#block = undefined;
    return first;
  }

  /** The entry at `pos`, or undefined when it is not held (deleted, never written, damaged). */
  read(pos: number): TimerLogEntry | undefined {
    if (pos < this.minPos || pos + TIMER_LOG_ENTRY_BYTES > this.endPos) return undefined;
    if (this.#block === undefined || pos < this.#blockStart || pos + TIMER_LOG_ENTRY_BYTES > this.#blockStart + this.#block.length) {
      const segment = this.segments.findByOffset(pos);
      if (segment === undefined) return undefined;
      // Chains are walked backwards, deliveries then read forwards: the page reaches the way the
      // reads go (ending at `pos` when it lies before the last page, starting there otherwise).
      const inFile = pos - segment.fileFromOffset;
      const forward = this.#block !== undefined && pos > this.#blockStart;
      const start = forward ? inFile : Math.max(0, inFile + TIMER_LOG_ENTRY_BYTES - ENTRY_BLOCK_BYTES);
      const end = forward ? Math.min(segment.fileSize, inFile + ENTRY_BLOCK_BYTES) : inFile + TIMER_LOG_ENTRY_BYTES;
      this.#block = segment.read(start, end - start);
      this.#blockStart = segment.fileFromOffset + start;
    }
    return readTimerLogEntry(this.#block, pos - this.#blockStart);
  }

  /**
   * The largest slot time among the entries of the first segment, when a later segment exists
   * (the first is then full and never changes); +Infinity when an entry there cannot be read.
   */
  maxSlotTimeOfFirstSegment(): number | undefined {
    const files = this.segments.segments;
    if (files.length < 2) return undefined;
    const segment = files[0]!;
    let max = Number.NEGATIVE_INFINITY;
    for (let inFile = 0; inFile < segment.fileSize; inFile += READ_BLOCK_BYTES) {
      const block = segment.read(inFile, Math.min(READ_BLOCK_BYTES, segment.fileSize - inFile));
      for (let at = 0; at + TIMER_LOG_ENTRY_BYTES <= block.length; at += TIMER_LOG_ENTRY_BYTES) {
        const entry = readTimerLogEntry(block, at);
        if (entry === undefined) return Number.POSITIVE_INFINITY;
        if (entry.slotTimeMs > max) max = entry.slotTimeMs;
      }
    }
    return max;
  }

  /** Deletes the first segment (never the last one). */
  deleteFirstSegment(): boolean {
    this.#block = undefined;
    return this.segments.deleteFirst(1) === 1;
  }

  flush(): Promise<void> {
    return this.segments.flush();
  }

  close(): void {
    this.segments.close();
  }
}
