// Owns: one ConsumeQueue, the per-(topic, queueId) run of fixed 20-byte entries that point into
// the CommitLog: building it from dispatch (buffered, written once per commit), recovering it
// after a restart, reading it for pulls and time searches, trimming it for retention and after a
// CommitLog truncation.
// Counterpart: org.apache.rocketmq.store.ConsumeQueue (4.9.8), without ConsumeQueueExt.
//
// Files: `<consumequeue>/<topic>/<queueId>/<20-digit start byte offset>`, each `fileSize` bytes
// (mappedFileSizeConsumeQueue, a multiple of 20). The entry for queue offset n sits at logical
// byte n * 20 of the run, so the file holding it is found by arithmetic alone.
//
// Visibility: putEntry only encodes into a per-queue pending buffer; commit() publishes what is
// pending to readers (maxOffsetInQueue moves), so an entry is invisible until commit() has run.
// Published entries reach the file later, in one write per file touched: once WRITE_BEHIND_BYTES
// of them have gathered, and at every flush and close. Until then readers get them from memory.
// Java writes each entry into a mapped file; here a write per queue per dispatch batch would be
// one system call per handful of entries. A crash loses nothing the CommitLog holds: recovery
// re-dispatches every record past the checkpoint, which a flush moves only after writing.

import assert from 'node:assert';
import path from 'node:path';
import type { BoundaryType } from '../../common/boundary-type.js';
import { readInt64BE, writeInt64BE } from '../../common/message/int64.js';
import type { FileIO } from '../io/file-io.js';
import type { SegmentFile } from '../segment/segment-file.js';
import { SegmentQueue } from '../segment/segment-queue.js';

// One entry, big-endian:
//
//   0                         8              12                        20
//   +-------------------------+--------------+-------------------------+
//   | commitLogOffset (int64) | size (int32) | tagsCode (int64)        |
//   +-------------------------+--------------+-------------------------+
//
// tagsCode is the Java String.hashCode() of TAGS (sign-extended), or for SCHEDULE_TOPIC_XXXX
// the delivery timestamp.
export const CQ_COMMIT_LOG_OFFSET_POS = 0;
export const CQ_SIZE_POS = 8;
export const CQ_TAGS_CODE_POS = 12;
export const CQ_ENTRY_BYTES = 20;
assert.equal(CQ_TAGS_CODE_POS + 8, CQ_ENTRY_BYTES, 'ConsumeQueue entry layout must total 20 bytes');

// Compat: fillPreBlank's filler entry (offset 0, size Integer.MAX_VALUE, tags 0), written in front
// of the first real entry when a queue's first file starts below its first queue offset.
export const CQ_BLANK_SIZE = 0x7fff_ffff;

/** The pending buffer starts this small and doubles; one larger than PENDING_KEEP_MAX is dropped after commit. */
const PENDING_INITIAL_BYTES = 1024;
const PENDING_KEEP_MAX = 1024 * 1024;
/** Published entries gathered in memory before they are written to the file. */
const WRITE_BEHIND_BYTES = 8 * 1024;
/** Recovery and maintenance scans read the files this many entries at a time. */
const SCAN_CHUNK_BYTES = 4096 * CQ_ENTRY_BYTES;

export interface ConsumeQueueEntry {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

export interface ConsumeQueueRead {
  /** `count` entries back to back (count * 20 bytes). */
  buf: Buffer;
  count: number;
}

/** Called when a queue gains its first uncommitted entry (the table keeps a dirty set). */
export type PendingListener = (queue: ConsumeQueue) => void;

const EMPTY_READ: ConsumeQueueRead = Object.freeze({ buf: Buffer.alloc(0), count: 0 });

function isValidEntry(commitLogOffset: number, size: number): boolean {
  // NaN (an int64 beyond 2^53) fails both comparisons, so garbage ends a scan.
  return commitLogOffset >= 0 && size > 0;
}

function isBlankEntry(commitLogOffset: number, size: number): boolean {
  return commitLogOffset === 0 && size === CQ_BLANK_SIZE;
}

export class ConsumeQueue {
  readonly io: FileIO;
  readonly topic: string;
  readonly queueId: number;
  readonly fileSize: number;
  /** `<consumeQueueRoot>/<topic>/<queueId>`. */
  readonly dir: string;

  /** putEntry calls skipped because the entry's CommitLog range was already indexed (re-dispatch). */
  alreadyBuiltCount = 0;
  /** putEntry calls skipped because their queue offset is below the queue's end (Java: "Build consume queue repeatedly"). */
  duplicateCount = 0;
  /** Entries appended although their queue offset was beyond the queue's end (Java logs "[BUG]logic queue order maybe wrong"). */
  orderGapCount = 0;

  readonly #segments: SegmentQueue;
  readonly #onPending: PendingListener | undefined;
  /** Logical byte offset of the first entry served (Java minLogicOffset). */
  #minLogicOffset = 0;
  /** CommitLog end of the last committed real entry, -1 when none. */
  #maxPhysicOffset = -1;
  /** The same, counting pending entries: what putEntry's idempotency check compares against. */
  #putMaxPhysicOffset = -1;
  #pending: Buffer = Buffer.alloc(0);
  #pendingBytes = 0;
  /** The first bytes of #pending, published to readers but not yet written. */
  #publishedBytes = 0;
  /** Logical byte offset where the pending bytes go (meaningful while #pendingBytes > 0). */
  #pendingStart = 0;
  /** minLogicOffset to publish at the next commit (fillPreBlank), or -1. */
  #pendingMinLogicOffset = -1;
  readonly #probe = Buffer.alloc(CQ_ENTRY_BYTES);

  constructor(io: FileIO, consumeQueueRoot: string, topic: string, queueId: number, fileSize: number, onPending?: PendingListener) {
    assert(Number.isSafeInteger(fileSize) && fileSize > 0 && fileSize % CQ_ENTRY_BYTES === 0, `ConsumeQueue file size ${fileSize} is not a positive multiple of ${CQ_ENTRY_BYTES}`);
    assert(Number.isSafeInteger(queueId) && queueId >= 0, `bad queueId ${queueId}`);
    this.io = io;
    this.topic = topic;
    this.queueId = queueId;
    this.fileSize = fileSize;
    this.dir = path.join(consumeQueueRoot, topic, String(queueId));
    this.#segments = new SegmentQueue(io, this.dir, fileSize);
    this.#onPending = onPending;
  }

  /** Opens the queue's files; positions stay at 0 until recover(). */
  load(): void {
    this.#segments.load();
  }

  /**
   * Sets positions from the files: scans from the third-last file, an entry being valid when
   * commitLogOffset >= 0 and size > 0, and stops at the first invalid one; later bytes and files
   * are dropped.
   */
  recover(): void {
    this.#dropPending();
    const segments = this.#segments.segments;
    const firstSegment = segments[0];
    if (firstSegment === undefined) {
      this.#minLogicOffset = 0;
      this.#setMaxPhysicOffset(-1);
      return;
    }
    const start = Math.max(0, segments.length - 3);
    let index = start;
    let processOffset = segments[start]!.fileFromOffset;
    let lastRealEnd = -1;
    for (;;) {
      const segment = segments[index]!;
      let validBytes = 0;
      this.#scan(segment, 0, this.fileSize, (commitLogOffset, size, _tagsCode, position) => {
        if (!isValidEntry(commitLogOffset, size)) return false;
        validBytes = position + CQ_ENTRY_BYTES;
        if (!isBlankEntry(commitLogOffset, size)) lastRealEnd = commitLogOffset + size;
        return true;
      });
      processOffset = segment.fileFromOffset + validBytes;
      if (validBytes < this.fileSize || index + 1 >= segments.length) break;
      index++;
    }
    if (lastRealEnd < 0 && start > 0) {
      // Nothing real in the scanned files; the file before them is full, so its last entry is real.
      const entry = this.#readEntryIn(segments[start - 1]!, this.fileSize - CQ_ENTRY_BYTES);
      if (entry !== undefined && !isBlankEntry(entry.commitLogOffset, entry.size)) lastRealEnd = entry.commitLogOffset + entry.size;
    }
    this.#segments.truncateTo(processOffset);
    this.#setMaxPhysicOffset(lastRealEnd);
    this.#minLogicOffset = this.#firstRealOffset(firstSegment, firstSegment.fileFromOffset, () => true);
  }

  /**
   * Adds one entry. Dispatch calls this in CommitLog order, once per message; it is idempotent,
   * because recovery re-dispatches what may already be indexed.
   */
  putEntry(commitLogOffset: number, size: number, tagsCode: number, queueOffset: number): void {
    if (commitLogOffset + size <= this.#putMaxPhysicOffset) {
      this.alreadyBuiltCount++;
      return;
    }
    // Hot path: no message string is built unless the check fails.
    if (!(Number.isSafeInteger(queueOffset) && queueOffset >= 0)) assert.fail(`bad queueOffset ${queueOffset}`);
    if (!(size > 0 && size < CQ_BLANK_SIZE)) assert.fail(`bad entry size ${size}`);
    const expected = queueOffset * CQ_ENTRY_BYTES;
    if (this.#pendingBytes === 0 && this.#holdsNoEntries()) {
      this.#startAt(expected);
    } else {
      const end = this.#pendingBytes > 0 ? this.#pendingStart + this.#pendingBytes : this.#segments.maxOffset();
      if (queueOffset !== 0) {
        if (expected < end) {
          this.duplicateCount++;
          return;
        }
        // Compat: Java appends at the queue's end even when the queue offset says otherwise.
        if (expected > end) this.orderGapCount++;
      }
      if (this.#pendingBytes === 0) this.#pendingStart = end;
    }
    this.#appendPending(commitLogOffset, size, tagsCode);
    this.#putMaxPhysicOffset = commitLogOffset + size;
  }

  /** True when the queue has entries not yet published by commit(). */
  get hasPending(): boolean {
    return this.#pendingBytes > this.#publishedBytes;
  }

  /** Bytes of published entries not yet in the file. */
  get unwrittenBytes(): number {
    return this.#publishedBytes;
  }

  /** Publishes the pending entries to readers; writes them once enough have gathered. */
  commit(): void {
    if (this.#pendingBytes > this.#publishedBytes) {
      this.#publishedBytes = this.#pendingBytes;
      this.#maxPhysicOffset = this.#putMaxPhysicOffset;
      if (this.#pendingMinLogicOffset >= 0) {
        this.#minLogicOffset = this.#pendingMinLogicOffset;
        this.#pendingMinLogicOffset = -1;
      }
    }
    if (this.#publishedBytes >= WRITE_BEHIND_BYTES) this.write();
  }

  /** Writes the published entries, one write per file they fall in. */
  write(): void {
    const bytes = this.#publishedBytes;
    if (bytes === 0) return;
    if (this.#segments.segments.length === 0) this.io.mkdirp(this.dir);
    let done = 0;
    try {
      while (done < bytes) {
        const at = this.#pendingStart + done;
        const segment = this.#segments.lastForAppend(at);
        if (segment.wroteOffset !== at) assert.fail(`${this.dir}: pending entries start at ${at}, the queue ends at ${segment.wroteOffset}`);
        const length = Math.min(segment.remaining, bytes - done);
        this.#segments.append(segment, this.#pending, done, length);
        done += length;
      }
    } finally {
      // On a failed write, what was not written stays, so a retry continues where this one stopped.
      if (done > 0) {
        this.#pending.copyWithin(0, done, this.#pendingBytes);
        this.#pendingStart += done;
        this.#pendingBytes -= done;
        this.#publishedBytes -= done;
      }
    }
    if (this.#pendingBytes === 0 && this.#pending.length > PENDING_KEEP_MAX) this.#pending = Buffer.alloc(0);
  }

  /** Writes and fdatasyncs what commit() published. */
  async flush(): Promise<void> {
    this.write();
    await this.#segments.flush();
  }

  flushSync(): void {
    this.write();
    this.#segments.flushSync();
  }

  /** Logical byte offset just past the last published entry. */
  #publishedEnd(): number {
    return this.#publishedBytes > 0 ? this.#pendingStart + this.#publishedBytes : this.#segments.maxOffset();
  }

  /** First queue offset served. */
  get minOffsetInQueue(): number {
    return this.#minLogicOffset / CQ_ENTRY_BYTES;
  }

  /** The next queue offset to be written: committed entries, blanks included. */
  get maxOffsetInQueue(): number {
    return this.#publishedEnd() / CQ_ENTRY_BYTES;
  }

  /** CommitLog end (offset + size) of the last committed entry; -1 when there is none. */
  get maxPhysicOffset(): number {
    return this.#maxPhysicOffset;
  }

  /**
   * Up to `maxCount` consecutive committed entries from `queueOffset`; stops at the end of the
   * file holding `queueOffset` (the caller loops). Nothing below minOffsetInQueue is served.
   */
  readEntries(queueOffset: number, maxCount: number): ConsumeQueueRead {
    const position = queueOffset * CQ_ENTRY_BYTES;
    const end = this.#publishedEnd();
    if (maxCount <= 0 || !(position >= this.#minLogicOffset) || position >= end) return EMPTY_READ;
    if (position >= this.#segments.maxOffset()) {
      // Published, not yet written: a copy from memory (the pending buffer is reused).
      const fileEnd = position - (position % this.fileSize) + this.fileSize;
      const count = Math.min(maxCount, (Math.min(end, fileEnd) - position) / CQ_ENTRY_BYTES);
      const from = position - this.#pendingStart;
      return { buf: Buffer.from(this.#pending.subarray(from, from + count * CQ_ENTRY_BYTES)), count };
    }
    const segment = this.#segments.findByOffset(position);
    if (segment === undefined) return EMPTY_READ;
    const inFile = position - segment.fileFromOffset;
    const count = Math.min(maxCount, (segment.wrotePosition - inFile) / CQ_ENTRY_BYTES);
    if (count <= 0) return EMPTY_READ;
    const buf = segment.read(inFile, count * CQ_ENTRY_BYTES);
    return { buf, count: Math.floor(buf.length / CQ_ENTRY_BYTES) };
  }

  /** The committed entry at `queueOffset`, or undefined outside [minOffsetInQueue, maxOffsetInQueue). */
  entryAt(queueOffset: number): ConsumeQueueEntry | undefined {
    const position = queueOffset * CQ_ENTRY_BYTES;
    if (!(position >= this.#minLogicOffset) || position >= this.#publishedEnd()) return undefined;
    if (position >= this.#segments.maxOffset()) return entryIn(this.#pending, position - this.#pendingStart);
    const segment = this.#segments.findByOffset(position);
    if (segment === undefined) return undefined;
    return this.#readEntryIn(segment, position - segment.fileFromOffset);
  }

  /**
   * The queue offset for a store time (Java 5.x getOffsetInQueueByTime with a BoundaryType).
   * LOWER, the default: the first entry stored at or after `timestamp`, or maxOffsetInQueue when
   * every entry is older. UPPER: the last entry stored at or before `timestamp`, or
   * minOffsetInQueue when every entry is newer (Java answers 0 there, which is below a trimmed
   * queue's minimum). Entries whose message the lookup cannot find (expired from the CommitLog)
   * count as older than any timestamp. 4.9.8 answered the nearer of the two neighbours instead;
   * 5.x and its clients mean "at or after", which is what a consumer starting from a time wants.
   */
  offsetByTime(
    timestamp: number,
    storeTimestampAt: (commitLogOffset: number, size: number) => number | undefined,
    boundary: BoundaryType = 'LOWER',
  ): number {
    const min = this.minOffsetInQueue;
    const max = this.maxOffsetInQueue;
    if (min >= max) return max;
    const upper = boundary === 'UPPER';
    // Store times rise with the CommitLog, so one binary search over the queue offsets covers
    // every file: find the first entry stored after `timestamp` (UPPER) or at or after it (LOWER).
    let low = min;
    let high = max;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const entry = this.entryAt(mid);
      const time = entry === undefined || isBlankEntry(entry.commitLogOffset, entry.size) ? undefined : storeTimestampAt(entry.commitLogOffset, entry.size);
      if (time === undefined || time < timestamp || (upper && time === timestamp)) low = mid + 1;
      else high = mid;
    }
    return upper ? Math.max(min, low - 1) : low;
  }

  /**
   * Drops every entry whose commitLogOffset >= `commitLogMaxOffset` (Java truncateDirtyLogicFiles),
   * after a CommitLog recovery ended below what the queue indexes. The dropped bytes are zeroed
   * and synced, so a later recovery cannot find them again.
   */
  truncateDirty(commitLogMaxOffset: number): void {
    this.commit();
    this.write();
    // Entries rise with the CommitLog: when the last one ends in time, every one does.
    if (this.#maxPhysicOffset >= 0 && this.#maxPhysicOffset <= commitLogMaxOffset) return;
    const segments = this.#segments.segments;
    let newEnd = segments[0]?.fileFromOffset ?? 0;
    let lastRealEnd = -1;
    for (let i = segments.length - 1; i >= 0; i--) {
      const segment = segments[i]!;
      let keptBytes = 0;
      this.#scan(segment, 0, segment.wrotePosition, (commitLogOffset, size, _tagsCode, position) => {
        if (!isValidEntry(commitLogOffset, size) || commitLogOffset >= commitLogMaxOffset) return false;
        keptBytes = position + CQ_ENTRY_BYTES;
        if (!isBlankEntry(commitLogOffset, size)) lastRealEnd = commitLogOffset + size;
        return true;
      });
      if (keptBytes > 0) {
        newEnd = segment.fileFromOffset + keptBytes;
        break;
      }
      // Nothing kept in this file: like Java, look at the one before it.
    }
    // The file truncateTo keeps partly written (at most one) loses its tail: zero it.
    for (const segment of segments) {
      const keep = newEnd - segment.fileFromOffset;
      if (keep >= 0 && keep < segment.wrotePosition) this.#zeroRange(segment, keep, segment.wrotePosition);
    }
    this.#segments.truncateTo(newEnd);
    this.#setMaxPhysicOffset(lastRealEnd);
    if (this.#minLogicOffset > newEnd) this.#minLogicOffset = newEnd;
  }

  /**
   * Moves minOffsetInQueue to the first entry of the first file whose message is at or after
   * `commitLogMinOffset` (Java correctMinOffset); never backwards, never onto a blank.
   */
  correctMinOffset(commitLogMinOffset: number): void {
    this.write();
    const first = this.#segments.first();
    if (first === undefined) return;
    const from = Math.max(this.#minLogicOffset, first.fileFromOffset);
    const found = this.#firstRealOffset(first, from, (commitLogOffset) => commitLogOffset >= commitLogMinOffset);
    if (found > this.#minLogicOffset) this.#minLogicOffset = found;
  }

  /**
   * Deletes leading files whose last entry points below `commitLogMinOffset`, never the last file,
   * then corrects the min offset (Java deleteExpiredFile). Returns how many files went.
   */
  deleteExpiredFiles(commitLogMinOffset: number): number {
    this.write();
    const segments = this.#segments.segments;
    let expired = 0;
    for (let i = 0; i < segments.length - 1; i++) {
      const last = this.#readEntryIn(segments[i]!, this.fileSize - CQ_ENTRY_BYTES);
      if (last === undefined || !(last.commitLogOffset < commitLogMinOffset)) break;
      expired++;
    }
    const deleted = this.#segments.deleteFirst(expired);
    this.correctMinOffset(commitLogMinOffset);
    return deleted;
  }

  /** Deletes every file and the queue's directory; the queue is empty afterwards. */
  destroy(): void {
    this.#dropPending();
    this.#segments.destroyAll();
    this.io.rmdir(this.dir);
    this.#minLogicOffset = 0;
    this.#setMaxPhysicOffset(-1);
  }

  /** Commits and writes what is pending, then closes the files. */
  close(): void {
    this.commit();
    this.write();
    this.#segments.close();
  }

  // ---- internals ----

  #setMaxPhysicOffset(value: number): void {
    this.#maxPhysicOffset = value;
    this.#putMaxPhysicOffset = value;
  }

  #dropPending(): void {
    this.#pendingBytes = 0;
    this.#publishedBytes = 0;
    this.#pendingMinLogicOffset = -1;
  }

  /** True when no file holds an entry: no file at all, or one file never written. */
  #holdsNoEntries(): boolean {
    const segments = this.#segments.segments;
    return segments.length === 0 || (segments.length === 1 && segments[0]!.wrotePosition === 0);
  }

  /**
   * First entry of an empty queue. Its file starts at the file boundary below `expected`; when
   * that is not `expected`, blanks fill the gap and the queue's min offset is `expected` (Java
   * fillPreBlank, which also rebases a queue created at a non-zero offset).
   */
  #startAt(expected: number): void {
    const base = expected - (expected % this.fileSize);
    const lone = this.#segments.first();
    if (lone !== undefined && lone.fileFromOffset !== base) this.#segments.destroyAll();
    this.#pendingStart = base;
    for (let at = base; at < expected; at += CQ_ENTRY_BYTES) this.#appendPending(0, CQ_BLANK_SIZE, 0);
    this.#pendingMinLogicOffset = expected;
  }

  #appendPending(commitLogOffset: number, size: number, tagsCode: number): void {
    const at = this.#pendingBytes;
    if (at + CQ_ENTRY_BYTES > this.#pending.length) this.#growPending(at + CQ_ENTRY_BYTES);
    const buf = this.#pending;
    writeInt64BE(buf, at + CQ_COMMIT_LOG_OFFSET_POS, commitLogOffset);
    buf.writeInt32BE(size, at + CQ_SIZE_POS);
    writeInt64BE(buf, at + CQ_TAGS_CODE_POS, tagsCode);
    this.#pendingBytes = at + CQ_ENTRY_BYTES;
    if (at === this.#publishedBytes) this.#onPending?.(this);
  }

  #growPending(needed: number): void {
    let capacity = Math.max(PENDING_INITIAL_BYTES, this.#pending.length * 2);
    while (capacity < needed) capacity *= 2;
    // allocUnsafe: only bytes below #pendingBytes are ever written out, and those were encoded.
    const grown = Buffer.allocUnsafe(capacity);
    this.#pending.copy(grown, 0, 0, this.#pendingBytes);
    this.#pending = grown;
  }

  #readEntryIn(segment: SegmentFile, position: number): ConsumeQueueEntry | undefined {
    const got = segment.read(position, CQ_ENTRY_BYTES, this.#probe).length;
    if (got < CQ_ENTRY_BYTES) return undefined;
    return entryIn(this.#probe, 0);
  }

  /**
   * Calls `visit` for each entry of `segment` in [fromPosition, toPosition) until it returns
   * false; reads in chunks so a full 6 MB file never sits in memory at once.
   */
  #scan(
    segment: SegmentFile,
    fromPosition: number,
    toPosition: number,
    visit: (commitLogOffset: number, size: number, tagsCode: number, position: number) => boolean,
  ): void {
    const chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, Math.max(CQ_ENTRY_BYTES, toPosition - fromPosition)));
    for (let position = fromPosition; position < toPosition; ) {
      const want = Math.min(chunk.length, toPosition - position);
      const got = this.io.read(segment.fd, chunk, 0, want, position);
      const whole = got - (got % CQ_ENTRY_BYTES);
      for (let i = 0; i < whole; i += CQ_ENTRY_BYTES) {
        const commitLogOffset = readInt64BE(chunk, i + CQ_COMMIT_LOG_OFFSET_POS);
        const size = chunk.readInt32BE(i + CQ_SIZE_POS);
        const tagsCode = readInt64BE(chunk, i + CQ_TAGS_CODE_POS);
        if (!visit(commitLogOffset, size, tagsCode, position + i)) return;
      }
      if (whole < want) return;
      position += whole;
    }
  }

  /**
   * Logical offset of the first entry in `segment` at or after logical `from` that is not a blank
   * and satisfies `accept`; the segment's written end when there is none.
   */
  #firstRealOffset(segment: SegmentFile, from: number, accept: (commitLogOffset: number) => boolean): number {
    let found = segment.wroteOffset;
    this.#scan(segment, from - segment.fileFromOffset, segment.wrotePosition, (commitLogOffset, size, _tagsCode, position) => {
      if (isBlankEntry(commitLogOffset, size) || !accept(commitLogOffset)) return true;
      found = segment.fileFromOffset + position;
      return false;
    });
    return found;
  }

  /** Zeroes [fromPosition, toPosition) of `segment` and syncs it, so no later recovery sees those entries. */
  #zeroRange(segment: SegmentFile, fromPosition: number, toPosition: number): void {
    const zeros = Buffer.alloc(Math.min(SCAN_CHUNK_BYTES, toPosition - fromPosition));
    for (let at = fromPosition; at < toPosition; at += zeros.length) {
      segment.writeAt(at, zeros, 0, Math.min(zeros.length, toPosition - at));
    }
    this.io.datasyncSync(segment.fd);
  }
}

function entryIn(buf: Buffer, at: number): ConsumeQueueEntry {
  return {
    commitLogOffset: readInt64BE(buf, at + CQ_COMMIT_LOG_OFFSET_POS),
    size: buf.readInt32BE(at + CQ_SIZE_POS),
    tagsCode: readInt64BE(buf, at + CQ_TAGS_CODE_POS),
  };
}
