// Owns: delivering delayed messages: every 100 ms (at once while a level has a backlog), each
// delay level's schedule queue is read in order and every entry that is due is written back to
// its real topic and queue; progress is kept per level and persisted to config/delayOffset.json.
// Counterpart: org.apache.rocketmq.store.schedule.ScheduleMessageService (DeliverDelayedMessageTimerTask,
// executeOnTimeup, persist), 4.9.8.
//
// Exactly once across a crash. Writing the offsets after delivering alone duplicates (a kill
// between the two re-delivers); writing them before alone loses. So:
//   1. Every delivered message carries, in DELAY_ORIGIN_PROPERTY, the schedule queue and queue
//      offset it came from.
//   2. delayOffset.json is written only between delivery rounds, when no delivery is in flight,
//      and records, besides each level's next offset, the CommitLog end at that moment (C). Every
//      delivery it does not count (queue offset >= the level's stored offset) is written later,
//      so it lies at or after C.
//   3. At start, after the store's own recovery (which keeps everything a process kill left in
//      the page cache and cuts torn records), scanDeliveries reads the CommitLog from C to its end
//      and moves each level past the highest origin it finds. Within a level, entries are
//      delivered strictly in queue order, so every entry before that origin was handled.
// The file is written at start (so C exists even for a store this broker never wrote), every
// flushDelayOffsetInterval, and at shutdown. A file Java wrote has no C: that start trusts its
// offsets as Java does.
//
// Time is the broker clock (`now`), which tests move forward: a level whose entries became due
// is noticed at the next tick, within ~100 ms.

import type { Logger } from 'pino';
import { decodeMessageRecord } from '../../common/message/message-record.js';
import { isStored, PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import { CQ_ENTRY_BYTES } from '../../store/consumequeue/consume-queue.js';
import type { MessageStore } from '../../store/message-store.js';
import { RMQ_SYS_TRANS_HALF_TOPIC, SCHEDULE_TOPIC } from '../topic/topic-config-manager.js';
import type { DelayLevels } from './delay-levels.js';
import { messageTimeup } from './delayed-message.js';
import { type DelayOffsets, DelayOffsetFile } from './delay-offset-file.js';
import { scanDeliveries } from './delivery-scan.js';

/** Java's DELAY_FOR_A_WHILE: the pause between two looks at the schedule queues. */
export const SCHEDULE_TICK_MS = 100;
/** Deliveries one level submits per round; a level with more due goes on in the next round at once. */
const DELIVERIES_PER_ROUND_MAX = 1024;
const CQ_READ_BATCH = 256;

export interface ScheduleMessageServiceOptions {
  store: MessageStore;
  levels: DelayLevels;
  /** Directory of delayOffset.json. */
  configDir: string;
  now: () => number;
  logger: Logger;
  /** flushDelayOffsetInterval. */
  persistIntervalMs: number;
  tickMs?: number;
}

type Delivery = { status: PutMessageStatus | undefined; done: Promise<PutMessageStatus> };

/** What one level did in a round: the queue offset after each submitted entry, in order. */
interface LevelRound {
  level: number;
  /** Offset before the round. */
  from: number;
  /** Per handled entry: the queue offset after it and its delivery (undefined: skipped). */
  entries: Array<{ next: number; delivery: Delivery | undefined }>;
  /** More entries may be due than this round took. */
  more: boolean;
}

export class ScheduleMessageService {
  readonly #store: MessageStore;
  readonly #levels: DelayLevels;
  readonly #file: DelayOffsetFile;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #persistIntervalMs: number;
  readonly #tickMs: number;
  /** level -> next queue offset of its schedule queue to deliver. */
  readonly #offsets = new Map<number, number>();
  #tickTimer: NodeJS.Timeout | null = null;
  #persistTimer: NodeJS.Timeout | null = null;
  #round: Promise<void> | null = null;
  #persistDue = false;
  #rounds = 0;
  #started = false;
  #stopped = false;

  constructor(options: ScheduleMessageServiceOptions) {
    this.#store = options.store;
    this.#levels = options.levels;
    this.#file = new DelayOffsetFile(options.configDir);
    this.#now = options.now;
    this.#logger = options.logger.child({ component: 'broker.schedule' });
    this.#persistIntervalMs = options.persistIntervalMs;
    this.#tickMs = options.tickMs ?? SCHEDULE_TICK_MS;
  }

  get filePath(): string {
    return this.#file.filePath;
  }

  /**
   * Reads delayOffset.json and moves each level past what the CommitLog shows was delivered after
   * the file was written. Call after the store has loaded (and recovered), before start().
   */
  load(): void {
    const stored = this.#file.read();
    for (const [level, offset] of stored?.offsetTable ?? []) this.#offsets.set(level, offset);
    if (stored?.commitLogOffset === undefined) return;
    const started = performance.now();
    const moved = new Map<number, number>();
    const scan = scanDeliveries(this.#store, stored.commitLogOffset, ({ queueId, queueOffset }) => {
      const level = queueId + 1;
      if (queueOffset + 1 > (this.#offsets.get(level) ?? 0)) {
        this.#offsets.set(level, queueOffset + 1);
        moved.set(level, queueOffset + 1);
      }
    });
    if (stored.commitLogOffset > this.#store.maxPhyOffset) {
      this.#logger.warn({ commitLogOffset: stored.commitLogOffset, maxPhyOffset: this.#store.maxPhyOffset }, 'delayOffset.json is ahead of the CommitLog (its tail was lost): deliveries the file counts past the end are lost');
    }
    if (scan.damagedAt !== undefined) this.#logger.warn({ commitLogOffset: scan.damagedAt }, 'delivery scan stopped at an unreadable record');
    this.#logger.info(
      { fromOffset: scan.fromOffset, toOffset: scan.toOffset, records: scan.records, deliveries: scan.deliveries, levelsMoved: Object.fromEntries(moved), ms: Math.round(performance.now() - started) },
      'delay levels recovered',
    );
  }

  /** Writes the offsets (and the CommitLog end, C) at once, then delivers on every tick. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.persist();
    this.#persistTimer = setInterval(() => (this.#persistDue = true), this.#persistIntervalMs);
    this.#persistTimer.unref();
    this.#schedule(this.#tickMs);
  }

  /** Stops ticking, waits for the round under way, persists. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#tickTimer !== null) clearTimeout(this.#tickTimer);
    if (this.#persistTimer !== null) clearInterval(this.#persistTimer);
    if (this.#round !== null) await this.#round;
    if (this.#started) this.persist();
  }

  /** Rounds completed so far: a round started after a clock change has seen it. */
  get roundCount(): number {
    return this.#rounds;
  }

  /** The next queue offset of a level's schedule queue to deliver. */
  offsetOf(level: number): number {
    return this.#offsets.get(level) ?? 0;
  }

  /** The offsets and the CommitLog end, as delayOffset.json holds them. Only between rounds. */
  snapshot(): DelayOffsets {
    return { offsetTable: new Map(this.#offsets), commitLogOffset: this.#store.maxPhyOffset };
  }

  /** Writes delayOffset.json. Only between rounds: C must not precede a delivery it does not count. */
  persist(): void {
    try {
      this.#file.write(this.snapshot());
      this.#persistDue = false;
    } catch (err) {
      // Progress stays in memory; the next interval retries. A restart meanwhile scans further.
      this.#logger.error({ err, file: this.#file.filePath }, 'delayOffset.json write failed');
    }
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const run = (): void => {
      this.#tickTimer = null;
      this.#round = this.#runRound().then(
        (more) => {
          this.#round = null;
          this.#schedule(more ? 0 : this.#tickMs);
        },
        (err: unknown) => {
          this.#round = null;
          this.#logger.error({ err }, 'delay delivery round failed');
          this.#schedule(this.#tickMs);
        },
      );
    };
    this.#tickTimer = setTimeout(run, delayMs);
    this.#tickTimer.unref();
  }

  /** One round over every level: submit what is due, wait for the store, move the offsets. */
  async #runRound(): Promise<boolean> {
    const rounds: LevelRound[] = [];
    for (let level = 1; level <= this.#levels.maxLevel && !this.#stopped; level++) {
      const round = this.#deliverLevel(level);
      if (round !== undefined) rounds.push(round);
    }
    let more = false;
    for (const round of rounds) {
      let offset = round.from;
      let blocked = false;
      for (const entry of round.entries) {
        if (entry.delivery !== undefined) {
          const status = await entry.delivery.done;
          if (!isStored(status) && !isRefusedForGood(status)) {
            blocked = true;
            this.#logger.warn({ level: round.level, queueOffset: offset, status }, 'delayed message not delivered; retrying');
            break;
          }
          if (!isStored(status)) this.#logger.error({ level: round.level, queueOffset: offset, status }, 'delayed message refused by the store; dropped');
        }
        offset = entry.next;
      }
      this.#offsets.set(round.level, offset);
      if (round.more && !blocked) more = true;
    }
    if (this.#persistDue) this.persist();
    this.#rounds++;
    return more;
  }

  /** Submits the due entries of one level (synchronously, in queue order). */
  #deliverLevel(level: number): LevelRound | undefined {
    const queueId = level - 1;
    const cq = this.#store.consumeQueues.get(SCHEDULE_TOPIC, queueId);
    if (cq === undefined) return undefined;
    let from = this.#offsets.get(level) ?? 0;
    const min = cq.minOffsetInQueue;
    const max = cq.maxOffsetInQueue;
    if (from < min || from > max) {
      // Java resets the same way: below the queue's start (files removed) or past its end.
      this.#logger.error({ level, queueOffset: from, min, max }, 'schedule queue offset out of range; reset');
      from = from < min ? min : max;
      this.#offsets.set(level, from);
    }
    if (from >= max) return undefined;
    const delayMs = this.#levels.delayMsOf(level) ?? 0;
    const round: LevelRound = { level, from, entries: [], more: false };
    let next = from;
    while (next < max) {
      if (round.entries.length >= DELIVERIES_PER_ROUND_MAX) {
        round.more = true;
        break;
      }
      const { buf, count } = cq.readEntries(next, Math.min(CQ_READ_BATCH, max - next, DELIVERIES_PER_ROUND_MAX - round.entries.length));
      if (count === 0) break;
      for (let i = 0; i < count; i++) {
        const at = i * CQ_ENTRY_BYTES;
        const commitLogOffset = Number(buf.readBigInt64BE(at));
        const size = buf.readInt32BE(at + 8);
        const tagsCode = Number(buf.readBigInt64BE(at + 12));
        const now = this.#now();
        if (correctDeliverTimestamp(now, tagsCode, delayMs) > now) return round;
        let outcome: Delivery | 'skipped' | 'not-due';
        try {
          outcome = this.#deliverEntry(level, queueId, next, commitLogOffset, size, now, delayMs);
        } catch (err) {
          // A record that cannot be turned into a message would stop its level for good; and a
          // throw here would leave this round's submitted deliveries uncounted. Skip it.
          this.#logger.error({ err, level, queueOffset: next, commitLogOffset }, 'delayed message could not be delivered; skipped');
          outcome = 'skipped';
        }
        if (outcome === 'not-due') return round;
        round.entries.push({ next: next + 1, delivery: outcome === 'skipped' ? undefined : outcome });
        next++;
        // A store that refuses at once (shut down, disk full) refuses the rest too: stop here, so
        // nothing after a failed entry is written and then written again when it is retried.
        if (outcome !== 'skipped' && outcome.status !== undefined && !isStored(outcome.status) && !isRefusedForGood(outcome.status)) return round;
      }
    }
    return round;
  }

  #deliverEntry(level: number, queueId: number, queueOffset: number, commitLogOffset: number, size: number, now: number, delayMs: number): Delivery | 'skipped' | 'not-due' {
    const buf = this.#store.lookMessageByOffset(commitLogOffset, size);
    if (buf === undefined) {
      this.#logger.warn({ level, queueOffset, commitLogOffset }, 'delayed message not found in the CommitLog; skipped');
      return 'skipped';
    }
    const record = decodeMessageRecord(buf, 0);
    // The record's own store time decides, whatever the queue entry's tag code says (an entry
    // written by another store, or before a clock change), so a message is never delivered
    // before its full delay.
    if (correctDeliverTimestamp(now, record.storeTimestamp + delayMs, delayMs) > now) return 'not-due';
    const input = messageTimeup(record, { queueId, queueOffset });
    if (input === undefined || input.topic === RMQ_SYS_TRANS_HALF_TOPIC) {
      this.#logger.error({ level, queueOffset, commitLogOffset, realTopic: input?.topic }, 'delayed message has no usable real topic or queue; skipped');
      return 'skipped';
    }
    const delivery: Delivery = { status: undefined, done: undefined as unknown as Promise<PutMessageStatus> };
    delivery.done = new Promise((resolve) => {
      this.#store.putMessagesThen([input], (result) => {
        delivery.status = result.status;
        resolve(result.status);
      });
    });
    return delivery;
  }
}

/**
 * Java's correctDeliverTimestamp: a delivery time further ahead than the level's whole delay can
 * only come from a clock that went back; such a message is due now.
 */
export function correctDeliverTimestamp(now: number, deliverTimestamp: number, delayMs: number): number {
  return deliverTimestamp > now + delayMs ? now : deliverTimestamp;
}

/** Refusals that would repeat forever: the message itself is unacceptable (Java's async SKIP). */
function isRefusedForGood(status: PutMessageStatus): boolean {
  return status === PutMessageStatus.MESSAGE_ILLEGAL || status === PutMessageStatus.PROPERTIES_SIZE_EXCEEDED;
}
