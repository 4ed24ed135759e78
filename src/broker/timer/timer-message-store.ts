// Owns: the broker's timer service: enqueueing parked messages (rmq_sys_wheel_timer) into the
// timer log and wheel, delivering each slot when the broker clock passes it, persisting progress,
// recovering after a restart without losing or repeating a delivery, and timer-log retention.
// Counterpart: org.apache.rocketmq.store.timer.TimerMessageStore (5.x).
//
//   send ──divert──► CommitLog: rmq_sys_wheel_timer/0 ──enqueue──► timerlog entry ─┐
//   (timer-divert)     (the send is acknowledged here)      (this file)             │ linked per slot
//                                                                                   ▼
//   CommitLog: real topic ◄──deliver── slot chain (newest → oldest, delivered oldest first) ◄── timerwheel
//          or rmq_sys_wheel_timer again (a roll: the wait is longer than timerRollWindowSlot)
//
// Files under storePathRootDir: timerlog/ (timer-log.ts), timerwheel (timer-wheel.ts),
// config/timercheck (timer-checkpoint.ts). Memory holds no per-message state: a slot's chain is
// read when the slot is delivered (so one slot's entries are in memory at once), plus the
// recovery set described below, bounded by one checkpoint interval of CommitLog.
//
// Time is the broker's clock, `ctx.now()`, and nothing else. Slot S (a multiple of
// timerPrecisionMs) is delivered once now >= S + timerPrecisionMs. A run starts every 100 ms and
// whenever a timer message arrives; it enqueues what arrived, then delivers due slots in order, a
// batch of up to deliveryBatchSlots slots (or 4096 messages) at a time, waiting for each chunk's
// puts to be acknowledged; when the clock jumps forward by days it keeps going, batch after
// batch, until it has caught up (empty slots cost one pread per 512).
//
// Progress, in memory and in the checkpoint:
//   readSlotMs            every slot before it is delivered
//   openSlotMs            first slot new entries may be linked into (slots before it are being or
//                         have been delivered); also the anchor of the roll window
//   enqueueQueueOffset    next rmq_sys_wheel_timer queue offset to enqueue
//   linkedPos             timer-log end whose entries are all linked in the wheel
// The checkpoint is written every timerFlushIntervalMs, after the timer log and the wheel are
// fdatasync'ed, with linkedPos and enqueueQueueOffset as they were before the syncs, and the
// newest delivery snapshot (readSlotMs, CommitLog offset at that moment) whose CommitLog offset is
// already flushed: so what the checkpoint claims is on disk even after a power cut.
//
// Exactly once across a crash (SIGKILL, power cut), per stage:
// - send → parked record: the CommitLog's own guarantee (the send is acknowledged after it).
// - parked record → timer-log entry: entries are appended in queue order and each carries its
//   record's queue offset; recovery finds the last valid entry from the checkpoint's linkedPos on
//   and resumes enqueueing after its queue offset, so no record is enqueued twice or skipped.
// - entry → wheel slot: the entry is written before its slot, and a slot write is one pwrite;
//   recovery re-links every entry after linkedPos unless its slot already names it or a later one
//   as last (replayTimerLog), so the chains are whole. For a power cut, which may keep a slot's
//   page and lose the entry's, or keep entries whose parked record the CommitLog lost, recovery
//   also ends the log before the first entry past the CommitLog's end and rebuilds the slots that
//   name entries past the log's end.
// - slot → delivery: a delivered (or rolled) record carries __RMQTS_TIMER_SOURCE, the CommitLog
//   offset of the parked record it came from. A delivery snapshot is taken only between batches,
//   with nothing in flight, so every delivery of a slot >= readSlotMs lands at or after the
//   snapshot's CommitLog offset. Recovery resumes at the checkpoint's readSlotMs and first reads
//   the CommitLog from the checkpoint's offset to its end, collecting the __RMQTS_TIMER_SOURCE of
//   every record there (deliveredSince); walking the slots again, it skips those sources. A
//   delivery lost with the page cache (power cut, ASYNC_FLUSH) is simply not found, so it is
//   delivered again: never twice, never zero times. Until delivery has passed every slot those
//   deliveries came from (they lie before the latest TIMER_DEQUEUE_MS among them), snapshots keep
//   the old checkpoint's CommitLog offset, so a second crash finds them again. Within one run, a
//   batch whose puts partly failed (disk full) resumes at the slot of the first failure, skipping
//   the sources it already stored (those may then precede an older message: the one exception to
//   slot order), and no snapshot is taken until it has succeeded.
// - roll: the re-parked record is a delivery like any other (same marker), and a new parked record.

import type { Logger } from 'pino';
import path from 'node:path';
import { readInt64BE } from '../../common/message/int64.js';
import { decodeMessageRecord, type MessageExt } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { ConfigError } from '../../common/mq-error.js';
import { isStored, PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import { CQ_BLANK_SIZE, CQ_ENTRY_BYTES } from '../../store/consumequeue/consume-queue.js';
import type { MessageInput, MessageStore } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { linkTimerEntries, type NewTimerEntry, replayTimerLog, walkSlot } from './timer-links.js';
import { MAGIC_DEFAULT, MAGIC_DELETE, MAGIC_ROLL, TIMER_LOG_ENTRY_BYTES, TimerLog } from './timer-log.js';
import { TimerCheckpoint } from './timer-checkpoint.js';
import { deliveredMessage, rolledMessage, TIMER_TOPIC, timerDeleteKey } from './timer-message.js';
import { deliveryBatchSlots, placeTimerEntry } from './timer-placement.js';
import { deliveredSince } from './timer-recovery.js';
import { type Slot, TimerWheel } from './timer-wheel.js';

/** Parked records enqueued per synchronous step (then the event loop gets a turn). */
const ENQUEUE_BATCH_MAX = 1024;
/** Enqueue steps per run before delivery gets its turn. */
const ENQUEUE_STEPS_PER_RUN = 64;
/** Messages one delivery batch collects at most (a single larger slot is still taken whole). */
const DELIVERY_BATCH_ENTRIES_MAX = 4096;
/** Puts in flight at once while delivering a slot. */
const DELIVERY_CHUNK_MAX = 512;
const TICK_MS = 100;
/** Delivery snapshots kept while waiting for the CommitLog flush that makes them persistable. */
const SNAPSHOTS_MAX = 16;
const WARN_INTERVAL_MS = 10_000;

interface DeliverySnapshot {
  readSlotMs: number;
  commitLogOffset: number;
}

export interface TimerStats {
  enqueued: number;
  delivered: number;
  rolled: number;
  cancelled: number;
  /** Parked records gone from the CommitLog (retention) or unreadable when their time came. */
  lost: number;
}

export class TimerMessageStore {
  readonly #ctx: BrokerContext;
  readonly #store: MessageStore;
  readonly #logger: Logger;
  readonly #precisionMs: number;
  readonly #rollWindowSlots: number;
  readonly #batchSlots: number;
  readonly #log: TimerLog;
  readonly #wheel: TimerWheel;
  readonly #checkpoint: TimerCheckpoint;
  readonly #configDir: string;
  readonly #entryBuf = Buffer.alloc(ENQUEUE_BATCH_MAX * TIMER_LOG_ENTRY_BYTES);
  readonly stats: TimerStats = { enqueued: 0, delivered: 0, rolled: 0, cancelled: 0, lost: 0 };

  #readSlotMs = 0;
  #openSlotMs = 0;
  #enqueueQueueOffset = 0;
  #linkedPos = 0;
  #snapshots: DeliverySnapshot[] = [];
  #persisted: DeliverySnapshot = { readSlotMs: 0, commitLogOffset: 0 };
  /** Sources delivered after the checkpoint, before the restart (removed as they come up). */
  #recovered = new Set<number>();
  /**
   * While delivery has not passed every slot delivered before the restart (`untilMs`), snapshots
   * keep the old checkpoint's CommitLog offset, so a second crash still finds those deliveries.
   */
  #recoveryFloor: { commitLogOffset: number; untilMs: number } | undefined;
  /** Sources stored by the batch under way (a batch retried after a failed put skips them). */
  readonly #stored = new Set<number>();
  /** Largest slot time per full timer-log segment (by its first position), computed once. */
  readonly #segmentMaxSlot = new Map<number, number>();
  readonly #lastWarn = new Map<string, number>();

  #loaded = false;
  #stopped = true;
  #running: Promise<void> | null = null;
  #again = false;
  #kickScheduled = false;
  #flushing: Promise<void> | null = null;
  #timers: NodeJS.Timeout[] = [];

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
    this.#store = ctx.store;
    const config = ctx.config;
    this.#logger = ctx.logger.child({ component: 'broker.timer' });
    this.#precisionMs = config.timerPrecisionMs;
    this.#rollWindowSlots = config.timerRollWindowSlot;
    this.#batchSlots = deliveryBatchSlots(this.#rollWindowSlots);
    if (config.mappedFileSizeTimerLog % TIMER_LOG_ENTRY_BYTES !== 0) {
      throw new ConfigError(`config mappedFileSizeTimerLog=${config.mappedFileSizeTimerLog}: expected a multiple of ${TIMER_LOG_ENTRY_BYTES}`);
    }
    const root = config.storePathRootDir;
    this.#configDir = path.join(root, 'config');
    this.#log = new TimerLog(this.#store.io, path.join(root, 'timerlog'), config.mappedFileSizeTimerLog);
    this.#wheel = new TimerWheel(this.#store.io, path.join(root, 'timerwheel'), this.#precisionMs);
    this.#checkpoint = new TimerCheckpoint(this.#store.io, path.join(this.#configDir, 'timercheck'));
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Opens the files and recovers (after the store has loaded and recovered the CommitLog). */
  load(): void {
    const started = Date.now();
    this.#log.load();
    this.#wheel.open();
    const existed = this.#checkpoint.open(this.#configDir);
    const saved = this.#checkpoint.values;
    if (saved.precisionMs !== 0 && saved.precisionMs !== this.#precisionMs) {
      throw new ConfigError(`timerPrecisionMs=${this.#precisionMs}, but the timer wheel in ${this.#ctx.config.storePathRootDir} was built with ${saved.precisionMs}`);
    }
    const replay = replayTimerLog(this.#log, this.#wheel, saved.lastTimerLogFlushPos, this.#store.commitLog.maxOffset);
    this.#linkedPos = replay.endPos;
    this.#enqueueQueueOffset = this.#clampQueueOffset(replay.lastQueueOffset !== undefined ? replay.lastQueueOffset + 1 : saved.lastTimerQueueOffset);
    const commitLog = this.#store.commitLog;
    let recoveredScan = 0;
    if (existed && saved.lastReadTimeMs > 0) {
      this.#readSlotMs = this.#slotOf(saved.lastReadTimeMs);
      const windowBytes = this.#ctx.config.maxMessageSize + 1024 * 1024;
      const since = deliveredSince(commitLog, saved.deliveredCommitLogOffset, windowBytes, this.#ctx.config.mappedFileSizeCommitLog);
      this.#recovered = since.offsets;
      recoveredScan = since.scannedBytes;
      if (since.offsets.size > 0) this.#recoveryFloor = { commitLogOffset: saved.deliveredCommitLogOffset, untilMs: since.lastDequeueMs };
      this.#persisted = { readSlotMs: this.#readSlotMs, commitLogOffset: saved.deliveredCommitLogOffset };
    } else {
      // First start: nothing was delivered before, so the CommitLog so far needs no reading.
      this.#readSlotMs = this.#slotOf(this.#ctx.now());
      this.#persisted = { readSlotMs: this.#readSlotMs, commitLogOffset: commitLog.maxOffset };
    }
    this.#openSlotMs = this.#readSlotMs;
    // Persist the recovered state at once (the re-linked slots first), so a crash before the
    // first flush starts from here.
    this.#wheel.flushSync();
    this.#writeCheckpoint(this.#persisted);
    this.#checkpoint.flushSync();
    this.#loaded = true;
    this.#logger.info(
      {
        readSlotMs: this.#readSlotMs,
        enqueueQueueOffset: this.#enqueueQueueOffset,
        timerLogEnd: this.#linkedPos,
        relinked: replay.relinked,
        repairedSlots: replay.repairedSlots,
        deliveredBeforeRestart: this.#recovered.size,
        scannedBytes: recoveredScan,
        ms: Date.now() - started,
      },
      'timer recovered',
    );
  }

  start(): void {
    if (!this.#loaded || !this.#stopped) return;
    this.#stopped = false;
    this.#store.onMessageArriving((topic) => {
      if (topic === TIMER_TOPIC) this.#kick();
    });
    const every = (ms: number, fn: () => void): void => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(TICK_MS, () => this.#kick());
    every(this.#ctx.config.timerFlushIntervalMs, () => void this.#flush());
    this.#kick();
  }

  /** Stops the runs, waits for the deliveries in flight, and writes a final checkpoint. Idempotent. */
  async shutdown(): Promise<void> {
    if (!this.#loaded) return;
    this.#loaded = false;
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    await this.#running;
    await this.#flushing;
    // The final checkpoint may then name the last deliveries: they are flushed.
    await this.#store.commitLog.flush();
    await this.#flush();
    this.#log.close();
    this.#wheel.close();
    this.#checkpoint.close();
    this.#logger.info({ readSlotMs: this.#readSlotMs, enqueueQueueOffset: this.#enqueueQueueOffset, ...this.stats }, 'timer stopped');
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  /** Asks for a run soon; a run under way goes round once more instead. */
  #kick(): void {
    if (this.#stopped) return;
    if (this.#running !== null) {
      this.#again = true;
      return;
    }
    if (this.#kickScheduled) return;
    this.#kickScheduled = true;
    // Never from inside the store's dispatch (the arrival listener): start on a fresh turn.
    setImmediate(() => {
      this.#kickScheduled = false;
      if (this.#stopped || this.#running !== null) return;
      this.#running = this.#run().finally(() => {
        this.#running = null;
      });
    });
  }

  async #run(): Promise<void> {
    try {
      do {
        this.#again = false;
        for (let step = 0; !this.#stopped; step++) {
          if (this.#enqueue() < ENQUEUE_BATCH_MAX) break;
          if (step + 1 >= ENQUEUE_STEPS_PER_RUN) {
            this.#again = true;
            break;
          }
          await nextTurn();
        }
        if (this.#stopped) break;
        if (await this.#deliverDue()) this.#again = true;
        if (this.#again) await nextTurn();
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.#report('error', 'run', { err }, 'timer run failed; retrying on the next tick');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Enqueue: parked records → timer log entries linked into wheel slots

  /** Enqueues up to ENQUEUE_BATCH_MAX parked records; returns how many queue entries it consumed. */
  #enqueue(): number {
    if (liveConfigFor(this.#ctx).get('timerStopEnqueue')) return 0;
    const cq = this.#store.consumeQueues.get(TIMER_TOPIC, 0);
    if (cq === undefined) return 0;
    if (this.#enqueueQueueOffset < cq.minOffsetInQueue) {
      this.#warn('cq-min', { from: this.#enqueueQueueOffset, to: cq.minOffsetInQueue }, 'timer queue entries expired before they were enqueued');
      this.#enqueueQueueOffset = cq.minOffsetInQueue;
    }
    const { buf, count } = cq.readEntries(this.#enqueueQueueOffset, ENQUEUE_BATCH_MAX);
    if (count === 0) return 0;
    const nowMs = this.#ctx.now();
    const anchorMs = this.#openSlotMs;
    const entries: NewTimerEntry[] = [];
    for (let i = 0; i < count; i++) {
      const at = i * CQ_ENTRY_BYTES;
      const commitLogOffset = readInt64BE(buf, at);
      const recordSize = buf.readInt32BE(at + 8);
      if (recordSize === CQ_BLANK_SIZE) continue;
      const parked = this.#readParked(commitLogOffset, recordSize);
      if (parked === undefined) continue;
      const place = placeTimerEntry(parked.outMs, anchorMs, this.#precisionMs, this.#rollWindowSlots);
      entries.push({
        magic: MAGIC_DEFAULT | (place.roll ? MAGIC_ROLL : 0) | (parked.cancel ? MAGIC_DELETE : 0),
        slotTimeMs: place.slotTimeMs,
        anchorMs,
        enqueueTimeMs: nowMs,
        commitLogOffset,
        recordSize,
        queueOffset: this.#enqueueQueueOffset + i,
      });
    }
    linkTimerEntries(this.#log, this.#wheel, entries, this.#entryBuf);
    this.#enqueueQueueOffset += count;
    this.#linkedPos = this.#log.endPos;
    this.stats.enqueued += entries.length;
    return count;
  }

  /** TIMER_OUT_MS and whether it is a cancel, of the parked record; undefined when unusable. */
  #readParked(commitLogOffset: number, size: number): { outMs: number; cancel: boolean } | undefined {
    const msg = this.#readRecord(commitLogOffset, size, false);
    if (msg === undefined) return undefined;
    const outMs = Number(msg.properties.get(MessageConst.PROPERTY_TIMER_OUT_MS));
    if (!Number.isSafeInteger(outMs)) {
      this.#warn('no-out-ms', { commitLogOffset }, 'record in the timer topic has no TIMER_OUT_MS; skipped');
      return undefined;
    }
    return { outMs: this.#slotOf(outMs), cancel: msg.properties.has(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY) };
  }

  #readRecord(commitLogOffset: number, size: number, readBody: boolean): MessageExt | undefined {
    const record = this.#store.commitLog.readRecord(commitLogOffset, size);
    if (record !== undefined) {
      try {
        return decodeMessageRecord(record, 0, { readBody });
      } catch (err) {
        this.#warn('decode', { err, commitLogOffset }, 'parked timer record cannot be decoded');
      }
    } else {
      this.#warn('gone', { commitLogOffset, commitLogMinOffset: this.#store.commitLog.minOffset }, 'parked timer record is no longer in the commit log');
    }
    this.stats.lost++;
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Delivery: due slots → their messages, in slot order

  /**
   * Delivers one batch of due slots. True when it made progress (there may be more). The batch's
   * messages go out in slot order, oldest first within a slot, DELIVERY_CHUNK_MAX puts in flight
   * (the CommitLog appends them in that order); a chunk with a failed put ends the batch, and
   * delivery resumes at the slot of the first failure, skipping what the batch already stored.
   */
  async #deliverDue(): Promise<boolean> {
    const precisionMs = this.#precisionMs;
    const nowMs = this.#ctx.now();
    const dueSlots = liveConfigFor(this.#ctx).get('timerStopDequeue') ? 0 : Math.min(this.#batchSlots, Math.floor((nowMs - this.#readSlotMs) / precisionMs));
    if (dueSlots <= 0) {
      // Idle, with nothing of a failed batch stored: a snapshot keeps the recovery read short.
      if (this.#stored.size === 0) this.#takeSnapshot();
      return false;
    }
    const due: Array<{ timeMs: number; slot: Slot }> = [];
    let entries = 0;
    let endMs = this.#readSlotMs;
    this.#wheel.scan(this.#readSlotMs, dueSlots, (timeMs, slot) => {
      if (entries >= DELIVERY_BATCH_ENTRIES_MAX) return false;
      if (slot !== undefined) {
        due.push({ timeMs, slot });
        entries += slot.num;
      }
      endMs = timeMs + precisionMs;
      return true;
    });
    // From here on nothing is linked into the collected slots (no await happened since the scan).
    if (endMs > this.#openSlotMs) this.#openSlotMs = endMs;
    // Positions only (and their slot's cancels): a batch may hold one slot of millions.
    const positions: number[] = [];
    const cancels: Array<ReadonlySet<string> | undefined> = [];
    for (const { timeMs, slot } of due) this.#collectSlot(timeMs, slot, positions, cancels);
    // A batch is finished even when a shutdown is waiting: it then ends with a snapshot.
    for (let i = 0; i < positions.length; i += DELIVERY_CHUNK_MAX) {
      const failedSlotMs = await this.#deliverChunk(positions, cancels, i, Math.min(i + DELIVERY_CHUNK_MAX, positions.length));
      if (failedSlotMs !== undefined) {
        // No snapshot: part of the batch is stored, after the last snapshot's offset.
        this.#readSlotMs = failedSlotMs;
        this.#warn('put', { slotTimeMs: failedSlotMs }, 'storing timer messages failed; delivery resumes at this slot on the next tick');
        return false;
      }
    }
    this.#stored.clear();
    this.#readSlotMs = endMs;
    this.#takeSnapshot();
    return true;
  }

  /**
   * Appends the timer-log positions of the slot's messages to `positions`, oldest first, each with
   * the slot's cancels in `cancels`. Cancels are not delivered: they name, by TIMER_DEL_UNIQKEY,
   * messages of the same slot to drop (Java reads them before the rest).
   */
  #collectSlot(timeMs: number, slot: Slot, positions: number[], cancels: Array<ReadonlySet<string> | undefined>): void {
    let keys: Set<string> | undefined;
    const walk = walkSlot(this.#log, timeMs, slot, (entry) => {
      if (!isCancel(entry.magic)) return;
      const key = this.#readRecord(entry.commitLogOffset, entry.recordSize, false)?.properties.get(MessageConst.PROPERTY_TIMER_DEL_UNIQKEY);
      if (key !== undefined) (keys ??= new Set()).add(key);
    });
    if (walk.broken !== undefined) {
      this.#warn('chain', { slotTimeMs: timeMs, timerLogPos: walk.broken, timerLogMin: this.#log.minPos }, 'timer slot chain broken; its older entries are skipped');
    }
    // The cancel entries stay in the list (read again and skipped): dropping them here would cost
    // a second pass over a list that may be long.
    for (const pos of walk.positions) {
      positions.push(pos);
      cancels.push(keys);
    }
  }

  /** Stores the messages at positions[from, to); the slot of the first that failed, if any did. */
  async #deliverChunk(positions: readonly number[], cancels: ReadonlyArray<ReadonlySet<string> | undefined>, from: number, to: number): Promise<number | undefined> {
    const nowMs = this.#ctx.now();
    const puts: Array<Promise<void>> = [];
    let failedSlotMs: number | undefined;
    for (let i = from; i < to; i++) {
      const entry = this.#log.read(positions[i]!);
      if (entry === undefined) {
        this.#warn('entry', { timerLogPos: positions[i] }, 'timer log entry unreadable at delivery; skipped');
        continue;
      }
      if (isCancel(entry.magic)) continue;
      const source = entry.commitLogOffset;
      if (this.#stored.has(source) || this.#recovered.delete(source)) continue;
      const parked = this.#readRecord(source, entry.recordSize, true);
      if (parked === undefined) continue;
      const roll = (entry.magic & MAGIC_ROLL) !== 0;
      const at = { sourceOffset: source, enqueueTimeMs: entry.enqueueTimeMs, nowMs };
      let input: MessageInput | undefined;
      if (roll) {
        input = rolledMessage(parked, at);
      } else {
        const cancelled = cancels[i];
        const topic = parked.properties.get(MessageConst.PROPERTY_REAL_TOPIC);
        const uniqKey = parked.properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (cancelled !== undefined && topic !== undefined && uniqKey !== undefined && cancelled.has(timerDeleteKey(topic, uniqKey))) {
          this.stats.cancelled++;
          this.#stored.add(source);
          continue;
        }
        input = deliveredMessage(parked, at);
        if (input === undefined) {
          this.#warn('no-real-topic', { commitLogOffset: source }, 'parked timer record names no REAL_TOPIC / REAL_QID; dropped');
          this.#stored.add(source);
          continue;
        }
      }
      puts.push(
        this.#put(input).then((status) => {
          if (isStored(status)) {
            this.#stored.add(source);
            if (roll) this.stats.rolled++;
            else this.stats.delivered++;
          } else if (status === PutMessageStatus.MESSAGE_ILLEGAL || status === PutMessageStatus.PROPERTIES_SIZE_EXCEEDED) {
            // Java's PUT_NO_RETRY: it would never be stored.
            this.#warn('illegal', { commitLogOffset: source, status }, 'timer message refused by the store; dropped');
            this.#stored.add(source);
          } else if (failedSlotMs === undefined || entry.slotTimeMs < failedSlotMs) {
            failedSlotMs = entry.slotTimeMs;
          }
        }),
      );
    }
    await Promise.all(puts);
    return failedSlotMs;
  }

  #put(input: MessageInput): Promise<PutMessageStatus> {
    return new Promise((resolve) => this.#store.putMessagesThen([input], (result) => resolve(result.status)));
  }

  // -------------------------------------------------------------------------------------------
  // Persistence

  /** Records where delivery stands; only between batches, with no put in flight and none failed. */
  #takeSnapshot(): void {
    let commitLogOffset = this.#store.commitLog.maxOffset;
    const floor = this.#recoveryFloor;
    if (floor !== undefined) {
      if (this.#readSlotMs > floor.untilMs) {
        this.#recoveryFloor = undefined;
        this.#recovered.clear();
      } else {
        commitLogOffset = floor.commitLogOffset;
      }
    }
    const snapshot = { readSlotMs: this.#readSlotMs, commitLogOffset };
    if (this.#snapshots.length >= SNAPSHOTS_MAX) this.#snapshots[this.#snapshots.length - 1] = snapshot;
    else this.#snapshots.push(snapshot);
  }

  /** Syncs the timer log and the wheel, then writes and syncs the checkpoint. */
  #flush(): Promise<void> {
    if (this.#flushing !== null) return this.#flushing;
    const flushing = (async () => {
      const linkedPos = this.#linkedPos;
      const enqueueQueueOffset = this.#enqueueQueueOffset;
      await this.#log.flush();
      if (linkedPos !== this.#checkpoint.values.lastTimerLogFlushPos) await this.#wheel.flush();
      const flushed = this.#store.commitLog.flushedOffset;
      while (this.#snapshots.length > 0 && this.#snapshots[0]!.commitLogOffset <= flushed) this.#persisted = this.#snapshots.shift()!;
      const saved = this.#checkpoint.values;
      const persisted = this.#persisted;
      // An idle broker writes nothing.
      if (saved.lastTimerLogFlushPos === linkedPos && saved.lastTimerQueueOffset === enqueueQueueOffset && saved.lastReadTimeMs === persisted.readSlotMs && saved.deliveredCommitLogOffset === persisted.commitLogOffset) return;
      this.#writeCheckpoint(persisted, linkedPos, enqueueQueueOffset);
      await this.#checkpoint.flush();
      this.#deleteExpiredTimerLog();
    })();
    this.#flushing = flushing
      .catch((err: unknown) => this.#report('error', 'flush', { err }, 'timer flush failed; retrying at the next interval'))
      .finally(() => {
        this.#flushing = null;
      });
    return this.#flushing;
  }

  #writeCheckpoint(snapshot: DeliverySnapshot, linkedPos = this.#linkedPos, enqueueQueueOffset = this.#enqueueQueueOffset): void {
    this.#checkpoint.write(
      {
        lastReadTimeMs: snapshot.readSlotMs,
        lastTimerLogFlushPos: linkedPos,
        lastTimerQueueOffset: enqueueQueueOffset,
        deliveredCommitLogOffset: snapshot.commitLogOffset,
        precisionMs: this.#precisionMs,
      },
      this.#ctx.now(),
    );
  }

  /**
   * Deletes timer-log segments whose entries all lie in slots the persisted checkpoint has
   * delivered: no slot walked again, even after a crash, can reach into them. Runs after each
   * checkpoint; a segment's largest slot is read once, when it first becomes the oldest.
   */
  #deleteExpiredTimerLog(): void {
    for (;;) {
      const segment = this.#log.segments.first();
      if (segment === undefined) return;
      let maxSlot = this.#segmentMaxSlot.get(segment.fileFromOffset);
      if (maxSlot === undefined) {
        maxSlot = this.#log.maxSlotTimeOfFirstSegment();
        if (maxSlot === undefined) return;
        this.#segmentMaxSlot.set(segment.fileFromOffset, maxSlot);
      }
      if (maxSlot >= this.#persisted.readSlotMs) return;
      this.#segmentMaxSlot.delete(segment.fileFromOffset);
      if (!this.#log.deleteFirstSegment()) return;
      this.#logger.info({ fileFromOffset: segment.fileFromOffset }, 'timer log segment deleted');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Helpers

  #slotOf(timeMs: number): number {
    return Math.floor(timeMs / this.#precisionMs) * this.#precisionMs;
  }

  #clampQueueOffset(queueOffset: number): number {
    const cq = this.#store.consumeQueues.get(TIMER_TOPIC, 0);
    if (cq === undefined) return queueOffset;
    return Math.min(Math.max(queueOffset, cq.minOffsetInQueue), cq.maxOffsetInQueue);
  }

  #warn(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.#report('warn', kind, fields, msg);
  }

  /** Logs at most every WARN_INTERVAL_MS per kind (these repeat per message, or per tick, when they happen). */
  #report(level: 'warn' | 'error', kind: string, fields: Record<string, unknown>, msg: string): void {
    const now = Date.now();
    if (now - (this.#lastWarn.get(kind) ?? 0) < WARN_INTERVAL_MS) return;
    this.#lastWarn.set(kind, now);
    this.#logger[level](fields, msg);
  }
}

/** A cancel entry at its final slot (a cancel still rolling travels like any message). */
function isCancel(magic: number): boolean {
  return (magic & MAGIC_DELETE) !== 0 && (magic & MAGIC_ROLL) === 0;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
