// Owns: the timer checkpoint file (`<storePathRootDir>/config/timercheck`): how far the timer
// wheel is known to be delivered and built, from which a restart resumes.
// Counterpart: org.apache.rocketmq.store.timer.TimerCheckpoint (5.x).
//
//   offset  size  field
//   0       8     lastReadTimeMs           next slot to deliver; every earlier slot is delivered
//   8       8     lastTimerLogFlushPos     timer-log position up to which entries are durable and
//                                          linked in the durable wheel (recovery replays from it)
//   16      8     lastTimerQueueOffset     rmq_sys_wheel_timer queue offset enqueueing resumes at
//   24      8     masterTimerQueueOffset   Java's (for slaves); we write lastTimerQueueOffset
//   32      8     dataVersion.stateVersion Java's; 0
//   40      8     dataVersion.timestamp    when this checkpoint was written
//   48      8     dataVersion.counter      checkpoints written since the file was created
//   -- rocketmq-ts, past what Java reads:
//   56      8     deliveredCommitLogOffset every delivery of a slot at or after lastReadTimeMs was
//                                          appended to the CommitLog at or after this offset
//   64      4     precisionMs              timerPrecisionMs the wheel was built with (0: unknown)
//   68      4     reserved                 0
//   72            total (the file is one 4096-byte page, as Java maps it)

import assert from 'node:assert';
import { readInt64BE, writeInt64BE } from '../../common/message/int64.js';
import type { FileIO } from '../../store/io/file-io.js';

export const TIMER_CHECKPOINT_FILE_BYTES = 4096;
export const TIMER_CHECKPOINT_FIELDS_BYTES = 72;

const READ_TIME_POS = 0;
const LOG_FLUSH_POS_POS = 8;
const QUEUE_OFFSET_POS = 16;
const MASTER_QUEUE_OFFSET_POS = 24;
const STATE_VERSION_POS = 32;
const TIMESTAMP_POS = 40;
const COUNTER_POS = 48;
const COMMIT_LOG_OFFSET_POS = 56;
const PRECISION_POS = 64;
const RESERVED_POS = 68;
assert.equal(RESERVED_POS + 4, TIMER_CHECKPOINT_FIELDS_BYTES);

export interface TimerCheckpointValues {
  lastReadTimeMs: number;
  lastTimerLogFlushPos: number;
  lastTimerQueueOffset: number;
  deliveredCommitLogOffset: number;
  precisionMs: number;
}

export class TimerCheckpoint {
  readonly #io: FileIO;
  readonly #path: string;
  #fd = -1;
  #counter = 0;
  #existed = false;
  #values: TimerCheckpointValues = { lastReadTimeMs: 0, lastTimerLogFlushPos: 0, lastTimerQueueOffset: 0, deliveredCommitLogOffset: 0, precisionMs: 0 };

  constructor(io: FileIO, filePath: string) {
    this.#io = io;
    this.#path = filePath;
  }

  /** Opens (creating) the file and reads it. False when it did not exist. */
  open(dir: string): boolean {
    this.#io.mkdirp(dir);
    this.#existed = this.#io.exists(this.#path);
    this.#fd = this.#io.open(this.#path, true);
    if (this.#io.fileSize(this.#fd) < TIMER_CHECKPOINT_FILE_BYTES) this.#io.truncate(this.#fd, TIMER_CHECKPOINT_FILE_BYTES);
    if (this.#existed) {
      const buf = Buffer.alloc(TIMER_CHECKPOINT_FIELDS_BYTES);
      this.#io.read(this.#fd, buf, 0, TIMER_CHECKPOINT_FIELDS_BYTES, 0);
      this.#values = decodeTimerCheckpoint(buf);
      this.#counter = Math.max(0, readInt64BE(buf, COUNTER_POS) || 0);
    }
    return this.#existed;
  }

  get values(): Readonly<TimerCheckpointValues> {
    return this.#values;
  }

  /** Writes the values (one pwrite: in the page cache at once, durable after `flush`). */
  write(values: TimerCheckpointValues, nowMs: number): void {
    this.#values = { ...values };
    this.#counter++;
    const buf = encodeTimerCheckpoint(values, nowMs, this.#counter);
    this.#io.write(this.#fd, buf, 0, buf.length, 0);
  }

  flush(): Promise<void> {
    return this.#io.datasync(this.#fd);
  }

  flushSync(): void {
    this.#io.datasyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd < 0) return;
    this.#io.close(this.#fd);
    this.#fd = -1;
  }
}

export function encodeTimerCheckpoint(values: TimerCheckpointValues, nowMs: number, counter: number): Buffer {
  const buf = Buffer.alloc(TIMER_CHECKPOINT_FIELDS_BYTES);
  writeInt64BE(buf, READ_TIME_POS, values.lastReadTimeMs);
  writeInt64BE(buf, LOG_FLUSH_POS_POS, values.lastTimerLogFlushPos);
  writeInt64BE(buf, QUEUE_OFFSET_POS, values.lastTimerQueueOffset);
  writeInt64BE(buf, MASTER_QUEUE_OFFSET_POS, values.lastTimerQueueOffset);
  writeInt64BE(buf, STATE_VERSION_POS, 0);
  writeInt64BE(buf, TIMESTAMP_POS, nowMs);
  writeInt64BE(buf, COUNTER_POS, counter);
  writeInt64BE(buf, COMMIT_LOG_OFFSET_POS, values.deliveredCommitLogOffset);
  buf.writeInt32BE(values.precisionMs, PRECISION_POS);
  buf.writeInt32BE(0, RESERVED_POS);
  return buf;
}

/** Reads the fields; a field that is not a sane non-negative number reads as 0. */
export function decodeTimerCheckpoint(buf: Buffer): TimerCheckpointValues {
  const long = (pos: number): number => {
    const v = readInt64BE(buf, pos);
    return Number.isSafeInteger(v) && v > 0 ? v : 0;
  };
  return {
    lastReadTimeMs: long(READ_TIME_POS),
    lastTimerLogFlushPos: long(LOG_FLUSH_POS_POS),
    lastTimerQueueOffset: long(QUEUE_OFFSET_POS),
    deliveredCommitLogOffset: long(COMMIT_LOG_OFFSET_POS),
    precisionMs: Math.max(0, buf.readInt32BE(PRECISION_POS)),
  };
}
