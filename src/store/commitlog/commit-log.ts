// Owns: the CommitLog: every message of every topic, appended in one sequence of fixed-size
// segment files; queue offsets handed out at append time; durability (ASYNC_FLUSH / SYNC_FLUSH
// group commit); raw reads and raw appends at an exact offset (replication).
// Counterpart: org.apache.rocketmq.store.CommitLog (+ its FlushRealTimeService / GroupCommitService).
//
// Append path. Appends are encoded straight into one reused write buffer (never fresh memory:
// first touch of new pages is slow) and reserved and written with no await in between, so there
// is one writer. Once per event-loop turn the buffer goes to the file in one pwrite ("commit"),
// the batch is dispatched to the ConsumeQueues and the index, and:
//   ASYNC_FLUSH  the appends are acknowledged: the bytes are in the page cache and survive a
//                crash of this process; a timer fdatasyncs every flushIntervalCommitLog ms.
//   SYNC_FLUSH   the appends wait for the next fdatasync, which every waiter shares (group
//                commit; it starts before the dispatch, which needs only the write); a sync
//                slower than syncFlushTimeout answers FLUSH_DISK_TIMEOUT (the message is stored
//                all the same).
// A record never spans two segments: when one does not fit, an 8-byte blank record ends the
// segment and the record starts the next one. Readers see only committed bytes.

import assert from 'node:assert';
import { BLANK_RECORD_BYTES, recordSize, writeBlankRecord, writeMessageRecord } from '../../common/message/message-record.js';
import { MessageSysFlag, getTransactionValue } from '../../common/message/message-sys-flag.js';
import type { FileIO } from '../io/file-io.js';
import type { SegmentFile } from '../segment/segment-file.js';
import { SegmentQueue } from '../segment/segment-queue.js';
import type { DispatchRequest } from './dispatch-request.js';
import { PutMessageStatus } from './put-message-status.js';

/**
 * One message on its way into the CommitLog. The CommitLog fills in its offsets, size and store
 * time; the same object is then the record to write, the dispatch request and the result, so an
 * append allocates one object per message.
 */
export interface AppendMessage {
  readonly topic: string;
  readonly queueId: number;
  readonly flag: number;
  readonly body: Uint8Array;
  readonly propertiesString: string | Uint8Array;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: string | Uint8Array;
  readonly storeHost: Uint8Array;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly tagsCode: number;
  readonly keys: string | undefined;
  readonly uniqKey: string | undefined;
  readonly bodyCRC?: number;
  /** Set by the CommitLog. */
  queueOffset: number;
  commitLogOffset: number;
  msgSize: number;
  storeTimestamp: number;
}

/** A message as stored: where it went. */
export type StoredMessage = Readonly<AppendMessage>;

export type AppendCallback = (status: PutMessageStatus, messages: readonly StoredMessage[]) => void;

export interface CommitLogOptions {
  io: FileIO;
  dir: string;
  segmentSize: number;
  writeBufferSize: number;
  syncFlush: boolean;
  flushIntervalMs: number;
  syncFlushTimeoutMs: number;
  now: () => number;
  /** Called after each commit with the batch just written, in order, before acknowledgements. */
  onCommitted: (batch: readonly DispatchRequest[]) => void;
  /** Called after each fdatasync with the store time of the last message now durable. */
  onFlushed?: (storeTimestamp: number) => void;
  /** Called when a write or sync fails; the store stops accepting writes. */
  onIOError?: (err: Error) => void;
}

/**
 * Page-cache warming. On these machines memory the kernel has never handed out is slow to touch
 * the first time (~3 ms per MiB), and a write to a fresh file region pays that on the event loop.
 * Reading the region first, on the thread pool, makes the kernel populate it with clean pages, so
 * the write finds them ready, and an fdatasync has nothing extra to write (clean pages, unlike
 * zero-filling). We keep this much warmed ahead of the write position.
 */
const WARM_AHEAD_BYTES = 64 * 1024 * 1024;
const WARM_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * SYNC_FLUSH: zero-filling ahead of the write position. A segment is created sparse, so every
 * group-commit fdatasync that reaches new blocks also allocates them, and ext4 then commits its
 * journal inside that sync (measured here, 77 KiB per sync: p50 240-330 µs on a sparse region,
 * 145-165 µs on blocks already written; fallocate'd, i.e. unwritten, extents gave no gain). Zeros
 * written a little ahead, on the loop (so no zero write can race a data write), are allocated by
 * one sync in ZERO_CHUNK_BYTES / batch bytes, and the others only write data. In the store bench,
 * 512 KiB chunks kept 256 KiB ahead did best (128 KiB: too many allocating syncs; 1-2 MiB: the
 * sync carrying them gets slow, p99 0.8-1.5 ms).
 * Not for ASYNC_FLUSH: nobody waits on its syncs, and the zeros would go to the disk twice.
 */
export const ZERO_CHUNK_BYTES = 512 * 1024;
export const ZERO_AHEAD_BYTES = 256 * 1024;

/**
 * SYNC_FLUSH pipelining: fdatasyncs allowed in flight at once, and the batch size at which an
 * append commits at once instead of at the end of the event-loop turn. With one sync at a time
 * every writer waits on the same sync, then all of them encode while the disk idles. Committing
 * at SYNC_BATCH_BYTES splits the writers into two groups whose syncs overlap, so one group's
 * encoding and writing runs while the other's sync is on the disk. Measured (64 writers, 1 KiB):
 * +10-20% over one sync in flight; 3 or 4 in flight with smaller batches did no better. (Before
 * zero-filling, two in flight gave nothing: allocating syncs serialise on the ext4 journal.)
 */
export const SYNCS_IN_FLIGHT_MAX = 2;
export const SYNC_BATCH_BYTES = 40 * 1024;

/** Topics whose queue keys are kept (the cache starts over beyond this). */
const QUEUE_KEY_TOPICS_MAX = 4096;

interface Waiter {
  readonly endOffset: number;
  readonly callback: AppendCallback;
  readonly results: readonly StoredMessage[];
  /** SYNC_FLUSH: when the waiter is answered FLUSH_DISK_TIMEOUT; set at commit. */
  deadline: number;
  done: boolean;
}

export class CommitLog {
  readonly segments: SegmentQueue;
  /** `${topic}-${queueId}` → the next queue offset to hand out. */
  readonly topicQueueTable = new Map<string, number>();
  /**
   * topic → its topicQueueTable keys by queueId, built once: a key made per append would be a
   * new string to flatten and hash for every message.
   */
  readonly #queueKeys = new Map<string, string[]>();
  readonly #options: CommitLogOptions;
  readonly #buffer: Buffer;
  /** Commit-log offset of #buffer[0]. */
  #bufferStart = 0;
  #bufferPos = 0;
  #committedOffset = 0;
  #flushedOffset = 0;
  #lastCommittedStoreTimestamp = 0;
  #batch: Waiter[] = [];
  #dispatch: DispatchRequest[] = [];
  /**
   * Queue offsets handed out since the last commit, for undo when its write fails (a failed write
   * must not reuse them). Two parallel arrays, emptied in place: no object per message.
   */
  readonly #takenKeys: string[] = [];
  readonly #takenQueueOffsets: number[] = [];
  #commitScheduled = false;
  /** Committed appends waiting for durability, in offset order. */
  #syncWaiters: Waiter[] = [];
  /**
   * Group-commit syncs in flight, in the order they started. A sync makes durable what was
   * written before it started, but in its own files only: one started after a segment roll does
   * not cover the previous segment. So flushedOffset moves only over syncs finished in order.
   */
  readonly #syncsInFlight: Array<{ readonly target: number; readonly timestamp: number; done: boolean }> = [];
  #syncRequestedUpTo = 0;
  /** After a failed fdatasync the kernel may have dropped dirty pages: no later sync proves anything. */
  #syncFailed = false;
  #syncTimer: NodeJS.Timeout | null = null;
  #flushTimer: NodeJS.Timeout | null = null;
  #flushInFlight: Promise<void> | null = null;
  #writable = true;
  #warmedUpTo = 0;
  #warming = false;
  readonly #warmBuffer = Buffer.alloc(WARM_CHUNK_BYTES);
  /** Set while an append commits midway (see #commitMidAppend). */
  #holdingAcks = 0;
  /** ASYNC_FLUSH: acknowledgements held back by #commitMidAppend, in offset order. */
  readonly #deferredAcks: Waiter[] = [];
  #runningDeferredAcks = false;
  /** SYNC_FLUSH: commit-log offset up to which the current segment's blocks have been zero-filled. */
  #zeroedUpTo = 0;
  readonly #zeros: Buffer | null;

  constructor(options: CommitLogOptions) {
    this.#options = options;
    this.segments = new SegmentQueue(options.io, options.dir, options.segmentSize, { preallocate: true });
    this.#buffer = Buffer.alloc(options.writeBufferSize); // touched once, reused for ever
    this.#zeros = options.syncFlush ? Buffer.alloc(ZERO_CHUNK_BYTES) : null;
  }

  load(): void {
    this.segments.load();
  }

  /** Sets the append position after recovery (segments already truncated to it). */
  resetTo(offset: number): void {
    assert(this.#bufferPos === 0 && this.#batch.length === 0, 'reset with appends pending');
    this.#bufferStart = offset;
    this.#committedOffset = offset;
    this.#flushedOffset = offset;
    this.#zeroedUpTo = offset;
  }

  start(): void {
    if (!this.#options.syncFlush) {
      this.#flushTimer = setInterval(() => void this.flush(), this.#options.flushIntervalMs);
      this.#flushTimer.unref();
    }
  }

  get minOffset(): number {
    const first = this.segments.first();
    return first === undefined ? this.#committedOffset : first.fileFromOffset;
  }

  /** Offset just past the last committed (readable) byte. */
  get maxOffset(): number {
    return this.#committedOffset;
  }

  get flushedOffset(): number {
    return this.#flushedOffset;
  }

  set writable(value: boolean) {
    this.#writable = value;
  }

  get writable(): boolean {
    return this.#writable;
  }

  /**
   * Appends messages as consecutive records; a batch goes to one queue at consecutive queue
   * offsets and into one segment. `callback` runs once, after the acknowledgement point. `now`
   * is their store time (the caller may have read the clock already).
   */
  append(messages: readonly AppendMessage[], callback: AppendCallback, now = this.#options.now()): void {
    if (!this.#writable) {
      callback(PutMessageStatus.SERVICE_NOT_AVAILABLE, []);
      return;
    }
    let total = 0;
    for (const msg of messages) {
      msg.msgSize = recordSize(msg);
      total += msg.msgSize;
    }
    const segmentSize = this.#options.segmentSize;
    if (total + BLANK_RECORD_BYTES > segmentSize) {
      callback(PutMessageStatus.MESSAGE_ILLEGAL, []);
      return;
    }
    // Room first, then the segment end: each may commit, and the acknowledgements those commits
    // make wait for the end of this append (see #commitMidAppend).
    if (this.#bufferPos + total > this.#buffer.length) this.#commitMidAppend(-1);
    let writeOffset = this.#bufferStart + this.#bufferPos;
    const segmentEnd = writeOffset - (writeOffset % segmentSize) + segmentSize;
    if (total + BLANK_RECORD_BYTES > segmentEnd - writeOffset) {
      this.#commitMidAppend(segmentEnd - writeOffset);
      writeOffset = segmentEnd;
    }
    if (!this.#writable) {
      // One of those commits failed: the store takes no more writes.
      callback(PutMessageStatus.SERVICE_NOT_AVAILABLE, []);
      this.#runDeferredAcks();
      return;
    }
    const big = total > this.#buffer.length;
    const target = big ? Buffer.allocUnsafe(total) : this.#buffer;
    let pos = big ? 0 : this.#bufferPos;
    for (const msg of messages) {
      msg.queueOffset = this.#takeQueueOffset(msg);
      msg.commitLogOffset = writeOffset;
      msg.storeTimestamp = now;
      writeMessageRecord(target, pos, msg, msg.msgSize);
      this.#dispatch.push(msg);
      pos += msg.msgSize;
      writeOffset += msg.msgSize;
    }
    this.#batch.push({ endOffset: writeOffset, callback, results: messages, deadline: 0, done: false });
    this.#lastCommittedStoreTimestamp = now;
    if (big) {
      this.#holdingAcks++; // answered after what the room-making commit held back, in order
      try {
        this.#writeOut(target, total);
      } finally {
        this.#holdingAcks--;
      }
    } else {
      this.#bufferPos = pos;
      if (this.#options.syncFlush && this.#bufferPos >= SYNC_BATCH_BYTES && this.#syncsInFlight.length < SYNCS_IN_FLIGHT_MAX) this.#commit();
      else this.#scheduleCommit();
    }
    if (this.#deferredAcks.length > 0) this.#runDeferredAcks();
  }

  /**
   * Commits in the middle of an append (the buffer is full, or the segment ends: `blankFor` is
   * then the room left in it), before the append has its offsets. The ASYNC_FLUSH
   * acknowledgements this makes are held until the append has finished: a writer that appends
   * again from its callback would otherwise run in the middle of it, and the two would share
   * offsets.
   */
  #commitMidAppend(blankFor: number): void {
    this.#holdingAcks++;
    try {
      if (blankFor < 0) this.#commit();
      else this.#endSegment(blankFor);
    } finally {
      this.#holdingAcks--;
    }
  }

  #takeQueueOffset(input: AppendMessage): number {
    const tranType = getTransactionValue(input.sysFlag);
    // Prepared and rolled-back transaction messages are not consumable: they take no queue offset.
    if (tranType === MessageSysFlag.TRANSACTION_PREPARED_TYPE || tranType === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return 0;
    const key = this.#queueKey(input.topic, input.queueId);
    const queueOffset = this.topicQueueTable.get(key) ?? 0;
    this.topicQueueTable.set(key, queueOffset + 1);
    this.#takenKeys.push(key);
    this.#takenQueueOffsets.push(queueOffset);
    return queueOffset;
  }

  #queueKey(topic: string, queueId: number): string {
    let keys = this.#queueKeys.get(topic);
    if (keys === undefined) {
      if (this.#queueKeys.size >= QUEUE_KEY_TOPICS_MAX) this.#queueKeys.clear();
      keys = [];
      this.#queueKeys.set(topic, keys);
    }
    return (keys[queueId] ??= `${topic}-${queueId}`);
  }

  /** Ends the current segment with a blank record; the next append starts the next segment. */
  #endSegment(remaining: number): void {
    if (this.#bufferPos + BLANK_RECORD_BYTES > this.#buffer.length) this.#commit();
    writeBlankRecord(this.#buffer, this.#bufferPos, remaining);
    this.#bufferPos += BLANK_RECORD_BYTES;
    this.#commit();
    if (!this.#writable) return; // the blank was not written: the segment does not end here
    const last = this.segments.last();
    if (last !== undefined && !last.isFull) last.wrotePosition = last.fileSize;
    this.#bufferStart = this.#committedOffset = last === undefined ? this.#bufferStart : last.fileFromOffset + last.fileSize;
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setImmediate(() => {
      this.#commitScheduled = false;
      this.#commit();
    });
  }

  /** Writes the buffer to the file, dispatches, acknowledges or queues for sync. */
  #commit(): void {
    if (this.#bufferPos === 0) return;
    this.#writeOut(this.#buffer, this.#bufferPos);
  }

  #writeOut(buf: Buffer, length: number): void {
    const start = this.#bufferStart;
    try {
      const segment = this.segments.lastForAppend(start);
      assert.equal(segment.wroteOffset, start, 'commit position out of step with the segment');
      this.segments.append(segment, buf, 0, length);
      this.#zeroAhead(segment);
    } catch (err) {
      this.#failBatch(err as Error);
      return;
    }
    this.#bufferStart = start + length;
    this.#bufferPos = 0;
    this.#committedOffset = this.#bufferStart;
    this.#takenKeys.length = 0;
    this.#takenQueueOffsets.length = 0;
    const dispatch = this.#dispatch;
    this.#dispatch = [];
    const batch = this.#batch;
    this.#batch = [];
    if (!this.#options.syncFlush) {
      this.#options.onCommitted(dispatch);
      this.#warm();
      if (this.#holdingAcks > 0) {
        for (const waiter of batch) this.#deferredAcks.push(waiter);
        return;
      }
      for (const waiter of batch) waiter.callback(PutMessageStatus.PUT_OK, waiter.results);
      return;
    }
    // The sync starts before dispatch: the queue entries and index keys need only the write, and
    // building them while the disk works takes them off every waiter's path.
    const deadline = this.#options.now() + this.#options.syncFlushTimeoutMs;
    for (const waiter of batch) {
      waiter.deadline = deadline;
      this.#syncWaiters.push(waiter);
    }
    this.#requestSync();
    this.#options.onCommitted(dispatch);
  }

  /**
   * SYNC_FLUSH: keeps the blocks just past the write position written with zeros (see
   * ZERO_CHUNK_BYTES). Only bytes past everything written are touched, and on the loop, so no
   * record is ever overwritten; what lies past the write position reads as zeros either way, so
   * the file is the same to recovery and to Java. Runs after the data write and keeps its own
   * failures: thrown, they would make the caller undo a batch that is stored.
   */
  #zeroAhead(segment: SegmentFile): void {
    if (this.#zeros === null) return;
    const end = segment.wroteOffset;
    const segmentEnd = segment.fileFromOffset + segment.fileSize;
    let from = Math.max(this.#zeroedUpTo, end);
    if (from - end >= ZERO_AHEAD_BYTES || from >= segmentEnd) return;
    const length = Math.min(ZERO_CHUNK_BYTES, segmentEnd - from);
    try {
      segment.writeAt(from - segment.fileFromOffset, this.#zeros, 0, length);
      from += length;
    } catch {
      // Only an optimisation: the region is still zeros (a hole) to every reader, and a disk that
      // refuses writes fails the next data write, where the error is handled.
      return;
    }
    this.#zeroedUpTo = from;
  }

  /**
   * Reads ahead of the write position, one chunk at a time, on the thread pool. Only for
   * ASYNC_FLUSH: with SYNC_FLUSH the event loop waits on fdatasync anyway, and measured, the
   * reads then cost more than they save.
   */
  #warm(): void {
    if (this.#warming || this.#options.syncFlush) return;
    const from = Math.max(this.#warmedUpTo, this.#committedOffset);
    if (from - this.#committedOffset >= WARM_AHEAD_BYTES) return;
    const size = this.#options.segmentSize;
    const segmentStart = from - (from % size);
    const last = this.segments.last();
    const next = this.segments.next;
    const segment = last !== undefined && last.fileFromOffset === segmentStart ? last : next !== null && next.fileFromOffset === segmentStart ? next : undefined;
    if (segment === undefined || segment.closed) return;
    const position = from - segmentStart;
    const length = Math.min(WARM_CHUNK_BYTES, size - position);
    this.#warming = true;
    this.#options.io
      .readAsync(segment.fd, this.#warmBuffer, 0, length, position)
      .then(
        () => {
          this.#warming = false;
          this.#warmedUpTo = from + length;
          this.#warm();
        },
        () => {
          // Warming is only an optimisation; a failed read (file closed or deleted) just stops it.
          this.#warming = false;
        },
      );
  }

  /** ASYNC_FLUSH acknowledgements held back while an append ran, in offset order. */
  #runDeferredAcks(): void {
    if (this.#runningDeferredAcks) return; // the run under way takes the ones added meanwhile
    this.#runningDeferredAcks = true;
    const acks = this.#deferredAcks;
    let i = 0;
    try {
      for (; i < acks.length; i++) acks[i]!.callback(PutMessageStatus.PUT_OK, acks[i]!.results);
    } finally {
      acks.splice(0, Math.min(i + 1, acks.length));
      this.#runningDeferredAcks = false;
    }
  }

  /** A write failed: nothing of the batch was stored. Undo its offsets and fail its appends. */
  #failBatch(err: Error): void {
    for (let i = this.#takenKeys.length - 1; i >= 0; i--) {
      this.topicQueueTable.set(this.#takenKeys[i]!, this.#takenQueueOffsets[i]!);
    }
    this.#takenKeys.length = 0;
    this.#takenQueueOffsets.length = 0;
    this.#dispatch = [];
    this.#bufferPos = 0;
    const batch = this.#batch;
    this.#batch = [];
    this.#writable = false;
    this.#options.onIOError?.(err);
    for (const waiter of batch) waiter.callback(PutMessageStatus.SERVICE_NOT_AVAILABLE, []);
  }

  /**
   * Starts an fdatasync covering everything committed so far, unless one already covers it or
   * the limit of syncs in flight is reached. A sync acknowledges every waiter below its target
   * once it and every sync started before it have finished.
   */
  #requestSync(): void {
    if (this.#syncsInFlight.length >= SYNCS_IN_FLIGHT_MAX) return;
    const target = this.#committedOffset;
    if (target <= this.#syncRequestedUpTo || this.#syncWaiters.length === 0) return;
    this.#syncRequestedUpTo = target;
    const sync = { target, timestamp: this.#lastCommittedStoreTimestamp, done: false };
    this.#syncsInFlight.push(sync);
    this.#armSyncTimer();
    this.segments.flush().then(
      () => {
        sync.done = true;
        if (this.#syncFailed) {
          this.#dropSync(sync);
          return;
        }
        const inFlight = this.#syncsInFlight;
        let durable: typeof sync | undefined;
        while (inFlight.length > 0 && inFlight[0]!.done) durable = inFlight.shift();
        if (durable !== undefined) {
          if (durable.target > this.#flushedOffset) this.#flushedOffset = durable.target;
          this.#options.onFlushed?.(durable.timestamp);
          this.#ackDurable();
        }
        this.#requestSync();
      },
      (err: unknown) => {
        this.#syncFailed = true;
        this.#dropSync(sync);
        for (const other of this.#syncsInFlight.filter((s) => s.done)) this.#dropSync(other);
        this.#writable = false;
        this.#options.onIOError?.(err as Error);
        for (const waiter of this.#syncWaiters.splice(0)) {
          if (waiter.done) continue;
          waiter.done = true;
          waiter.callback(PutMessageStatus.FLUSH_DISK_TIMEOUT, waiter.results);
        }
      },
    );
  }

  #dropSync(sync: { readonly target: number }): void {
    const i = this.#syncsInFlight.findIndex((s) => s === sync);
    if (i >= 0) this.#syncsInFlight.splice(i, 1);
  }

  /** Acknowledges the waiters whose bytes are now durable (the queue is in offset order). */
  #ackDurable(): void {
    const waiters = this.#syncWaiters;
    let n = 0;
    while (n < waiters.length && waiters[n]!.endOffset <= this.#flushedOffset) n++;
    for (const waiter of waiters.splice(0, n)) {
      if (waiter.done) continue;
      waiter.done = true;
      waiter.callback(PutMessageStatus.PUT_OK, waiter.results);
    }
    if (this.#syncWaiters.length === 0 && this.#syncTimer !== null) {
      clearTimeout(this.#syncTimer);
      this.#syncTimer = null;
    }
  }

  /**
   * While waiters are queued, checks them every syncFlushTimeout: a waiter past its deadline is
   * answered FLUSH_DISK_TIMEOUT (its bytes are stored; the sync still completes later).
   * Not unref'd: writers are owed an answer, so the process stays up until they get one.
   */
  #armSyncTimer(): void {
    if (this.#syncTimer !== null) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = null;
      const now = this.#options.now();
      for (const waiter of this.#syncWaiters) {
        if (waiter.done || waiter.deadline > now) continue;
        waiter.done = true;
        waiter.callback(PutMessageStatus.FLUSH_DISK_TIMEOUT, waiter.results);
      }
      if (this.#syncWaiters.some((w) => !w.done)) this.#armSyncTimer();
    }, this.#options.syncFlushTimeoutMs);
  }

  /** Commits what is buffered and fdatasyncs every written segment (the ASYNC_FLUSH timer, shutdown). */
  flush(): Promise<void> {
    this.#commit();
    if (this.#flushInFlight !== null) return this.#flushInFlight;
    const target = this.#committedOffset;
    const timestamp = this.#lastCommittedStoreTimestamp;
    this.#flushInFlight = this.segments.flush().then(
      () => {
        this.#flushInFlight = null;
        if (target > this.#flushedOffset) this.#flushedOffset = target;
        this.#options.onFlushed?.(timestamp);
      },
      (err: unknown) => {
        this.#flushInFlight = null;
        this.#writable = false;
        this.#options.onIOError?.(err as Error);
      },
    );
    return this.#flushInFlight;
  }

  /** Commits anything buffered now (reads that must see it, shutdown). */
  commitNow(): void {
    this.#commit();
  }

  /**
   * Up to `maxBytes` committed bytes from `offset`, within one segment (HA transfer, raw reads).
   * Undefined when `offset` is not held.
   */
  readRaw(offset: number, maxBytes: number): Buffer | undefined {
    if (offset >= this.#committedOffset || offset < this.minOffset) return undefined;
    const segment = this.segments.findByOffset(offset);
    if (segment === undefined) return undefined;
    const end = Math.min(this.#committedOffset, segment.fileFromOffset + segment.wrotePosition);
    const length = Math.min(maxBytes, end - offset);
    if (length <= 0) return undefined;
    return segment.read(offset - segment.fileFromOffset, length);
  }

  /** Exactly `size` bytes at `offset` (one record), or undefined when not all of it is held. */
  readRecord(offset: number, size: number): Buffer | undefined {
    const buf = this.readRaw(offset, size);
    return buf !== undefined && buf.length === size ? buf : undefined;
  }

  /**
   * Appends bytes copied from a master at exactly `offset`, the end of what this log holds.
   * Returns false (and writes nothing) when the offset is not that end. The caller dispatches.
   */
  appendRaw(offset: number, data: Buffer): boolean {
    this.#commit();
    if (offset !== this.#committedOffset || this.#batch.length > 0) return false;
    let done = 0;
    while (done < data.length) {
      const segment = this.segments.lastForAppend(offset + done);
      const n = Math.min(segment.remaining, data.length - done);
      this.segments.append(segment, data, done, n);
      done += n;
    }
    this.#bufferStart = this.#committedOffset = offset + data.length;
    return true;
  }

  /** Stops timers, commits and syncs everything. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#flushTimer !== null) clearInterval(this.#flushTimer);
    this.#flushTimer = null;
    this.#commit();
    while (this.#syncsInFlight.length > 0 || this.#flushInFlight !== null) {
      await (this.#flushInFlight ?? new Promise((r) => setTimeout(r, 1)));
    }
    await this.flush();
    if (this.#syncTimer !== null) clearTimeout(this.#syncTimer);
    this.#syncTimer = null;
  }

  close(): void {
    this.segments.close();
  }
}
