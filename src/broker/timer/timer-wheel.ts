// Owns: the timer wheel file (`<storePathRootDir>/timerwheel`): a ring of fixed-size slots, one
// per timerPrecisionMs of time, each naming the first and last timer-log entry linked into it.
// Read and written slot by slot with positional I/O (nothing of it is held in memory).
// Counterpart: org.apache.rocketmq.store.timer.TimerWheel and Slot (5.x).
//
// A slot (TIMER_WHEEL_SLOT_BYTES = 32, Java's Slot layout):
//
//   offset  size  field
//   0       8     ticks      slot time / timerPrecisionMs; a slot holding any other time is empty
//   8       8     firstPos   timer-log position of the slot's first entry
//   16      8     lastPos    ... of its last entry (entries link backwards through prevPos)
//   24      4     num        entries linked (cancels included)
//   28      4     magic      reserved, 0
//   32            total
//
// The ring holds TIMER_WHEEL_SLOTS slots (Java: 7 days of seconds, twice), at index
// ticks mod TIMER_WHEEL_SLOTS; the file is that many slots long (38,707,200 bytes), created
// sparse. Java keeps a copy of the whole file in memory and writes it back at each flush; we
// read and write single slots (pread/pwrite of 32 bytes), so a slot written is in the page cache
// at once and survives a crash of the process, and memory does not depend on the wheel.

import assert from 'node:assert';
import { readInt64BE, writeInt64BE } from '../../common/message/int64.js';
import type { FileIO } from '../../store/io/file-io.js';

export const TIMER_WHEEL_SLOT_BYTES = 32;
/** Java's TimerMessageStore: TIMER_WHEEL_TTL_DAY (7) * DAY_SECS slots, and the ring is twice that. */
export const TIMER_WHEEL_SLOTS = 7 * 24 * 3600 * 2;

const TICKS_POS = 0;
const FIRST_POS_POS = 8;
const LAST_POS_POS = 16;
const NUM_POS = 24;
const MAGIC_POS = 28;
assert.equal(MAGIC_POS + 4, TIMER_WHEEL_SLOT_BYTES);

/** Slots read per pread when scanning a run of slots. */
const SCAN_BLOCK_SLOTS = 512;

export interface Slot {
  firstPos: number;
  lastPos: number;
  num: number;
}

export class TimerWheel {
  readonly #io: FileIO;
  readonly #path: string;
  readonly #precisionMs: number;
  readonly #slotsTotal: number;
  readonly #slotBuf = Buffer.alloc(TIMER_WHEEL_SLOT_BYTES);
  #fd = -1;

  constructor(io: FileIO, filePath: string, precisionMs: number, slotsTotal = TIMER_WHEEL_SLOTS) {
    assert(Number.isInteger(precisionMs) && precisionMs > 0, `bad precision ${precisionMs}`);
    this.#io = io;
    this.#path = filePath;
    this.#precisionMs = precisionMs;
    this.#slotsTotal = slotsTotal;
  }

  get slotsTotal(): number {
    return this.#slotsTotal;
  }

  get fileBytes(): number {
    return this.#slotsTotal * TIMER_WHEEL_SLOT_BYTES;
  }

  /** Opens the file, creating it (sparse) at its full length; refuses a file of another length. */
  open(): void {
    const existed = this.#io.exists(this.#path);
    this.#fd = this.#io.open(this.#path, true);
    const size = this.#io.fileSize(this.#fd);
    if (existed && size !== 0 && size !== this.fileBytes) {
      this.#io.close(this.#fd);
      this.#fd = -1;
      throw new Error(`${this.#path}: length ${size} is not the wheel's ${this.fileBytes} bytes`);
    }
    if (size !== this.fileBytes) this.#io.truncate(this.#fd, this.fileBytes);
  }

  #ticks(timeMs: number): number {
    assert(timeMs % this.#precisionMs === 0, `slot time ${timeMs} is not a multiple of ${this.#precisionMs}`);
    return timeMs / this.#precisionMs;
  }

  #position(ticks: number): number {
    return (ticks % this.#slotsTotal) * TIMER_WHEEL_SLOT_BYTES;
  }

  /** The slot for `timeMs`, or undefined when nothing is linked there for that time. */
  get(timeMs: number): Slot | undefined {
    const ticks = this.#ticks(timeMs);
    const buf = this.#slotBuf;
    const n = this.#io.read(this.#fd, buf, 0, TIMER_WHEEL_SLOT_BYTES, this.#position(ticks));
    if (n < TIMER_WHEEL_SLOT_BYTES) return undefined;
    return slotAt(buf, 0, ticks);
  }

  /** Writes the slot for `timeMs` (one pwrite). */
  put(timeMs: number, slot: Slot): void {
    const ticks = this.#ticks(timeMs);
    const buf = this.#slotBuf;
    writeInt64BE(buf, TICKS_POS, ticks);
    writeInt64BE(buf, FIRST_POS_POS, slot.firstPos);
    writeInt64BE(buf, LAST_POS_POS, slot.lastPos);
    buf.writeInt32BE(slot.num, NUM_POS);
    buf.writeInt32BE(0, MAGIC_POS);
    this.#io.write(this.#fd, buf, 0, TIMER_WHEEL_SLOT_BYTES, this.#position(ticks));
  }

  /**
   * Visits the `count` slots from `fromMs` on, in time order, with the slot or undefined when
   * empty; reads SCAN_BLOCK_SLOTS slots per pread. `visit` returning false stops the scan.
   */
  scan(fromMs: number, count: number, visit: (timeMs: number, slot: Slot | undefined) => boolean): void {
    let ticks = this.#ticks(fromMs);
    let left = count;
    const block = Buffer.allocUnsafe(Math.min(count, SCAN_BLOCK_SLOTS) * TIMER_WHEEL_SLOT_BYTES);
    while (left > 0) {
      const index = ticks % this.#slotsTotal;
      const n = Math.min(left, SCAN_BLOCK_SLOTS, this.#slotsTotal - index);
      const got = this.#io.read(this.#fd, block, 0, n * TIMER_WHEEL_SLOT_BYTES, index * TIMER_WHEEL_SLOT_BYTES);
      assert.equal(got, n * TIMER_WHEEL_SLOT_BYTES, `${this.#path}: short read`);
      for (let i = 0; i < n; i++) {
        if (!visit((ticks + i) * this.#precisionMs, slotAt(block, i * TIMER_WHEEL_SLOT_BYTES, ticks + i))) return;
      }
      ticks += n;
      left -= n;
    }
  }

  /** Visits every slot holding a time, in file order (a whole-file read, SCAN_BLOCK_SLOTS at a time). */
  forEachSlot(visit: (timeMs: number, slot: Slot) => void): void {
    const block = Buffer.allocUnsafe(SCAN_BLOCK_SLOTS * TIMER_WHEEL_SLOT_BYTES);
    for (let index = 0; index < this.#slotsTotal; index += SCAN_BLOCK_SLOTS) {
      const n = Math.min(SCAN_BLOCK_SLOTS, this.#slotsTotal - index);
      const got = this.#io.read(this.#fd, block, 0, n * TIMER_WHEEL_SLOT_BYTES, index * TIMER_WHEEL_SLOT_BYTES);
      assert.equal(got, n * TIMER_WHEEL_SLOT_BYTES, `${this.#path}: short read`);
      for (let i = 0; i < n; i++) {
        const ticks = readInt64BE(block, i * TIMER_WHEEL_SLOT_BYTES + TICKS_POS);
        if (ticks > 0 && ticks % this.#slotsTotal === index + i) visit(ticks * this.#precisionMs, slotAt(block, i * TIMER_WHEEL_SLOT_BYTES, ticks)!);
      }
    }
  }

  /** Empties the slot for `timeMs` (it then holds no time at all). */
  clear(timeMs: number): void {
    this.#slotBuf.fill(0);
    this.#io.write(this.#fd, this.#slotBuf, 0, TIMER_WHEEL_SLOT_BYTES, this.#position(this.#ticks(timeMs)));
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

function slotAt(buf: Buffer, pos: number, ticks: number): Slot | undefined {
  if (readInt64BE(buf, pos + TICKS_POS) !== ticks) return undefined;
  return {
    firstPos: readInt64BE(buf, pos + FIRST_POS_POS),
    lastPos: readInt64BE(buf, pos + LAST_POS_POS),
    num: buf.readInt32BE(pos + NUM_POS),
  };
}
