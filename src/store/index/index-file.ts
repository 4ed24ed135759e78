// Owns: one index file, index/<yyyyMMddHHmmssSSS>: its byte layout, adding keys to the file being
// written, walking slot chains to answer queries, persisting in an order that leaves a consistent
// file after any crash, and repairing or truncating a file found after one.
// Counterpart: org.apache.rocketmq.store.index.IndexFile and IndexHeader (4.9.8).
//
// Layout (all big-endian; S = maxHashSlotNum, N = maxIndexNum):
//
//   offset        size   field
//   0             8      beginTimestamp   store time (ms) of the first entry's message
//   8             8      endTimestamp     store time (ms) of the last entry's message
//   16            8      beginPhyOffset   CommitLog offset of the first entry's message
//   24            8      endPhyOffset     CommitLog offset of the last entry's message
//   32            4      hashSlotCount    slots in use
//   36            4      indexCount       index the next entry gets; starts at 1 (entry 0 is never used)
//   40            4·S    slot[s]          index of the newest entry with keyHash % S == s; 0 = empty
//   40 + 4·S      20·N   entry[i]:  +0  4  keyHash    |String.hashCode(<topic>#<key>)| (index-key.ts)
//                                   +4  8  phyOffset  CommitLog offset of the message
//                                   +12 4  timeDiff   (storeTimestamp - beginTimestamp) / 1000, in [0, 2^31-1]
//                                   +16 4  prevIndex  older entry of the same slot; 0 ends the chain
//   total         40 + 4·S + 20·N   (84 040 bytes for S=1000, N=4000; 420 000 040 by default)
//
// A file holds N-1 entries (1..N-1). It is created at its full size (sparse), as Java's mapping does.
//
// Java writes all of this through a memory map. Without mmap, the file being written keeps in
// memory what changes in place: the header and the slot table (a copy of the file's first
// 40 + 4·S bytes, big-endian as on disk, 20 MB by default) with the 4 KiB file pages it dirtied.
// New entries go to an append buffer. Which bytes reach the file when:
//
//   commit()  the append buffer, as one positional write at the end of the written entries.
//   flush()   phase 1: entries, then the dirty slot pages (adjacent pages coalesced); fdatasync.
//             phase 2: the 40-byte header as it was when phase 1 began; fdatasync.
//
// Slot pages are not written by commit(): keys hash uniformly, so a batch of B keys dirties about
// B distinct pages, and writing them per batch would copy 4096 bytes per 20-byte entry. Once per
// flush (1 s by default) they cost at most the table's size.
//
// The on-disk header therefore never runs ahead of the entries and slots it counts. After a
// crash a file holds exactly its last header's entries, except that slots may already point past
// indexCount (phase 1 done, phase 2 not). Opening a file repairs that: entries past indexCount
// are undone newest first (their slots go back to prevIndex), so the file is what its header says.
// Queries see every key put, committed or not: the file being written answers from its memory,
// older files with positional reads (the slot, then one 20-byte read per chain step).

import assert from 'node:assert';
import path from 'node:path';
import type { FileIO } from '../io/file-io.js';
import { indexKeyHash } from './index-key.js';

const BEGIN_TIMESTAMP_POS = 0;
const END_TIMESTAMP_POS = 8;
const BEGIN_PHY_OFFSET_POS = 16;
const END_PHY_OFFSET_POS = 24;
const HASH_SLOT_COUNT_POS = 32;
const INDEX_COUNT_POS = 36;
export const INDEX_HEADER_SIZE = 40;
assert.equal(INDEX_COUNT_POS + 4, INDEX_HEADER_SIZE);

export const HASH_SLOT_SIZE = 4;

const ENTRY_KEY_HASH_POS = 0;
const ENTRY_PHY_OFFSET_POS = 4;
const ENTRY_TIME_DIFF_POS = 12;
const ENTRY_PREV_INDEX_POS = 16;
export const INDEX_ENTRY_SIZE = 20;
assert.equal(ENTRY_PREV_INDEX_POS + 4, INDEX_ENTRY_SIZE);

/** Slot value and prevIndex meaning "none"; entry 0 is never written. */
export const INVALID_INDEX = 0;

const INT32_MAX = 2147483647;
const TWO_POW_32 = 4294967296;

/** Dirty-tracking granularity of the in-memory slot table: one file page. */
const SLOT_PAGE_SHIFT = 12;
const SLOT_PAGE_SIZE = 1 << SLOT_PAGE_SHIFT;
/** Clean pages between two dirty ones that flush writes anyway to save a write call. */
const SLOT_PAGE_MERGE_GAP = 3;
/** Entries the append buffer holds before putKey writes them itself (160 KiB). */
const APPEND_BUFFER_ENTRIES = 8192;
/** Entries read per call when undoing a range of entries. */
const ENTRY_READ_CHUNK = 4096;

export function indexFileSize(hashSlotNum: number, indexNum: number): number {
  return INDEX_HEADER_SIZE + hashSlotNum * HASH_SLOT_SIZE + indexNum * INDEX_ENTRY_SIZE;
}
assert.equal(indexFileSize(5_000_000, 20_000_000), 420_000_040);

export interface IndexFileGeometry {
  /** maxHashSlotNum. */
  readonly hashSlotNum: number;
  /** maxIndexNum: entries the file has room for, entry 0 included. */
  readonly indexNum: number;
}

export interface IndexHeader {
  beginTimestamp: number;
  endTimestamp: number;
  beginPhyOffset: number;
  endPhyOffset: number;
  hashSlotCount: number;
  indexCount: number;
}

export interface IndexEntry {
  keyHash: number;
  phyOffset: number;
  /** Seconds after the file's beginTimestamp. */
  timeDiff: number;
  prevIndex: number;
}

/** The end of the previous file, which a new file starts from (Java's constructor arguments). */
export interface IndexFileStart {
  endPhyOffset: number;
  endTimestamp: number;
}

function checkGeometry(g: IndexFileGeometry): void {
  assert(Number.isInteger(g.hashSlotNum) && g.hashSlotNum >= 1, `maxHashSlotNum ${g.hashSlotNum} must be a positive integer`);
  // indexCount starts at 1, so a file with room for one entry would always be full.
  assert(Number.isInteger(g.indexNum) && g.indexNum >= 2, `maxIndexNum ${g.indexNum} must be an integer of at least 2`);
  // Java computes the file size in an int.
  assert(indexFileSize(g.hashSlotNum, g.indexNum) <= INT32_MAX, `index file of ${g.hashSlotNum} slots and ${g.indexNum} entries exceeds 2 GiB`);
}

function readLong(view: DataView, pos: number): number {
  const value = view.getInt32(pos) * TWO_POW_32 + view.getUint32(pos + 4);
  if (!Number.isSafeInteger(value)) assert.fail(`index file value at ${pos} is beyond 2^53`);
  return value;
}

function writeLong(view: DataView, pos: number, value: number): void {
  view.setInt32(pos, Math.floor(value / TWO_POW_32));
  view.setUint32(pos + 4, value >>> 0);
}

function sameHeader(a: IndexHeader, b: IndexHeader): boolean {
  return (
    a.beginTimestamp === b.beginTimestamp &&
    a.endTimestamp === b.endTimestamp &&
    a.beginPhyOffset === b.beginPhyOffset &&
    a.endPhyOffset === b.endPhyOffset &&
    a.hashSlotCount === b.hashSlotCount &&
    a.indexCount === b.indexCount
  );
}

const viewOf = (buf: Uint8Array): DataView => new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

/** What the file being written keeps in memory (see the file comment). */
interface Resident {
  /** File bytes [0, 40 + 4·S): the header area (unused here) and the slot table, as on disk. */
  table: Uint8Array;
  tableView: DataView;
  dirtyPage: Uint8Array;
  dirtyList: Int32Array;
  dirtyCount: number;
  append: Uint8Array;
  appendView: DataView;
  appendCount: number;
  /** Entries [1, committedCount) are in the file; the append buffer holds the ones after. */
  committedCount: number;
}

export class IndexFile {
  readonly io: FileIO;
  readonly path: string;
  readonly fileName: string;
  readonly hashSlotNum: number;
  readonly indexNum: number;
  readonly fileSize: number;
  readonly #entriesOffset: number;
  readonly #fd: number;
  #closed = false;
  #flushing = false;

  #beginTimestamp = 0;
  #endTimestamp = 0;
  #beginPhyOffset = 0;
  #endPhyOffset = 0;
  #hashSlotCount = 0;
  #indexCount = 1;
  /** The header bytes in the file (written only once what they count is durable). */
  #durable: IndexHeader;
  #resident: Resident | undefined;
  readonly #scratch = Buffer.alloc(INDEX_ENTRY_SIZE);
  readonly #scratchView = viewOf(this.#scratch);

  private constructor(io: FileIO, filePath: string, geometry: IndexFileGeometry, fd: number) {
    this.io = io;
    this.path = filePath;
    this.fileName = path.basename(filePath);
    this.hashSlotNum = geometry.hashSlotNum;
    this.indexNum = geometry.indexNum;
    this.fileSize = indexFileSize(geometry.hashSlotNum, geometry.indexNum);
    this.#entriesOffset = INDEX_HEADER_SIZE + geometry.hashSlotNum * HASH_SLOT_SIZE;
    this.#fd = fd;
    this.#durable = this.header();
  }

  /**
   * Creates a file at its full size, ready for keys. Like Java's constructor, a file that follows
   * another starts with begin = end = that file's end (each only when positive); the first key
   * then sets the begin values. Nothing but the size is written until the first flush.
   */
  static create(io: FileIO, filePath: string, geometry: IndexFileGeometry, start?: IndexFileStart): IndexFile {
    checkGeometry(geometry);
    assert(!io.exists(filePath), `index file ${filePath} already exists`);
    const fd = io.open(filePath, true);
    const file = new IndexFile(io, filePath, geometry, fd);
    try {
      io.truncate(fd, file.fileSize);
      if (start !== undefined && start.endPhyOffset > 0) {
        file.#beginPhyOffset = start.endPhyOffset;
        file.#endPhyOffset = start.endPhyOffset;
      }
      if (start !== undefined && start.endTimestamp > 0) {
        file.#beginTimestamp = start.endTimestamp;
        file.#endTimestamp = start.endTimestamp;
      }
      file.#resident = file.#newResident(Buffer.alloc(file.#entriesOffset), 1);
    } catch (err) {
      io.close(fd);
      throw err;
    }
    return file;
  }

  /**
   * Opens an existing file and reads its header. A file that is not full also has its slot table
   * read into memory, ready for keys, after any slots that point past indexCount are undone
   * (the repair is written back at once). Throws when the file's size does not match the geometry.
   */
  static open(io: FileIO, filePath: string, geometry: IndexFileGeometry): IndexFile {
    checkGeometry(geometry);
    const fd = io.open(filePath, false);
    let file: IndexFile | undefined;
    try {
      const expected = indexFileSize(geometry.hashSlotNum, geometry.indexNum);
      const actual = io.fileSize(fd);
      if (actual !== expected) {
        throw new Error(
          `${filePath}: length ${actual} does not match ${expected} (maxHashSlotNum=${geometry.hashSlotNum}, maxIndexNum=${geometry.indexNum})`,
        );
      }
      file = new IndexFile(io, filePath, geometry, fd);
      file.#loadHeader();
      if (!file.isWriteFull) file.loadSlots();
    } catch (err) {
      io.close(fd);
      throw err;
    }
    return file;
  }

  // ---- header ----

  get beginTimestamp(): number {
    return this.#beginTimestamp;
  }
  get endTimestamp(): number {
    return this.#endTimestamp;
  }
  get beginPhyOffset(): number {
    return this.#beginPhyOffset;
  }
  get endPhyOffset(): number {
    return this.#endPhyOffset;
  }
  get hashSlotCount(): number {
    return this.#hashSlotCount;
  }
  get indexCount(): number {
    return this.#indexCount;
  }
  /** endTimestamp as the file's header holds it after the last completed flush. */
  get durableEndTimestamp(): number {
    return this.#durable.endTimestamp;
  }

  header(): IndexHeader {
    return {
      beginTimestamp: this.#beginTimestamp,
      endTimestamp: this.#endTimestamp,
      beginPhyOffset: this.#beginPhyOffset,
      endPhyOffset: this.#endPhyOffset,
      hashSlotCount: this.#hashSlotCount,
      indexCount: this.#indexCount,
    };
  }

  get isWriteFull(): boolean {
    return this.#indexCount >= this.indexNum;
  }

  /** The slot table is in memory: the file can take keys, and flush() has work to look at. */
  get isResident(): boolean {
    return this.#resident !== undefined;
  }

  /** Everything in memory is in the file, header included, and was fdatasync'ed. */
  get isClean(): boolean {
    const r = this.#resident;
    return (r === undefined || (r.appendCount === 0 && r.dirtyCount === 0)) && sameHeader(this.#durable, this.header());
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Java's rule: the file's [begin, end] overlaps [begin, end] of the query. */
  isTimeMatched(begin: number, end: number): boolean {
    return (
      (begin < this.#beginTimestamp && end > this.#endTimestamp) ||
      (begin >= this.#beginTimestamp && begin <= this.#endTimestamp) ||
      (end >= this.#beginTimestamp && end <= this.#endTimestamp)
    );
  }

  // ---- writing ----

  /** Adds `key` (`<topic>#<key>`); false when the file is full. */
  putKey(key: string, phyOffset: number, storeTimestamp: number): boolean {
    return this.putKeyHash(indexKeyHash(key), phyOffset, storeTimestamp);
  }

  /** putKey with the keyHash already computed (index-key.ts). The dispatch hot path. */
  putKeyHash(keyHash: number, phyOffset: number, storeTimestamp: number): boolean {
    const r = this.#resident;
    if (r === undefined) throw new Error(`index file ${this.fileName} is not open for writing`);
    const count = this.#indexCount;
    if (count >= this.indexNum) return false;

    const slotPos = INDEX_HEADER_SIZE + (keyHash % this.hashSlotNum) * HASH_SLOT_SIZE;
    let slotValue = r.tableView.getInt32(slotPos);
    if (slotValue <= INVALID_INDEX || slotValue > count) slotValue = INVALID_INDEX;

    // Compat: measured from the begin the file has before this key, so the first key of a file
    // that follows another is timed from that file's end (Java sets the begin values after).
    let timeDiff = Math.trunc((storeTimestamp - this.#beginTimestamp) / 1000);
    if (this.#beginTimestamp <= 0) timeDiff = 0;
    else if (timeDiff > INT32_MAX) timeDiff = INT32_MAX;
    else if (timeDiff < 0) timeDiff = 0;

    if (r.appendCount * INDEX_ENTRY_SIZE === r.append.length) this.commit();
    const at = r.appendCount * INDEX_ENTRY_SIZE;
    const v = r.appendView;
    v.setInt32(at + ENTRY_KEY_HASH_POS, keyHash);
    writeLong(v, at + ENTRY_PHY_OFFSET_POS, phyOffset);
    v.setInt32(at + ENTRY_TIME_DIFF_POS, timeDiff);
    v.setInt32(at + ENTRY_PREV_INDEX_POS, slotValue);
    r.appendCount++;

    r.tableView.setInt32(slotPos, count);
    const page = slotPos >>> SLOT_PAGE_SHIFT;
    if (r.dirtyPage[page] === 0) {
      r.dirtyPage[page] = 1;
      r.dirtyList[r.dirtyCount++] = page;
    }

    if (count <= 1) {
      this.#beginPhyOffset = phyOffset;
      this.#beginTimestamp = storeTimestamp;
    }
    if (slotValue === INVALID_INDEX) this.#hashSlotCount++;
    this.#indexCount = count + 1;
    this.#endPhyOffset = phyOffset;
    this.#endTimestamp = storeTimestamp;
    return true;
  }

  /** Writes the append buffer to the file (one positional write). Slots and header wait for flush(). */
  commit(): void {
    const r = this.#resident;
    if (r === undefined || r.appendCount === 0) return;
    this.io.write(this.#fd, r.append, 0, r.appendCount * INDEX_ENTRY_SIZE, this.#entryPos(r.committedCount));
    r.committedCount += r.appendCount;
    r.appendCount = 0;
  }

  /**
   * Makes the current state durable: phase 1 (entries, dirty slot pages, fdatasync), then phase 2
   * (the header as phase 1 saw it, fdatasync). Keys may keep arriving meanwhile; they are the next
   * flush's work. One flush at a time per file; a file closed meanwhile is left alone.
   */
  async flush(): Promise<void> {
    assert(!this.#flushing, `index file ${this.fileName}: flush while another is running`);
    if (this.#closed || this.isClean) return;
    this.#flushing = true;
    try {
      const snapshot = this.header();
      this.#writePhaseOne();
      await this.io.datasync(this.#fd);
      if (this.#closed) return;
      this.#writeHeader(snapshot);
      await this.io.datasync(this.#fd);
      this.#durable = snapshot;
    } finally {
      this.#flushing = false;
    }
  }

  /** flush() without leaving the event loop (close, repair, truncation at startup). */
  flushSync(): void {
    assert(!this.#flushing, `index file ${this.fileName}: flushSync while a flush is running`);
    if (this.#closed || this.isClean) return;
    const snapshot = this.header();
    this.#writePhaseOne();
    this.io.datasyncSync(this.#fd);
    this.#writeHeader(snapshot);
    this.io.datasyncSync(this.#fd);
    this.#durable = snapshot;
  }

  /** Drops the in-memory slot table of a clean file: it is read with positional reads from now on. */
  release(): void {
    assert(this.isClean, `index file ${this.fileName}: release before everything is flushed`);
    this.#resident = undefined;
  }

  /**
   * Reads the slot table into memory so the file can take keys or be truncated, first undoing
   * slots that point past indexCount (written by a flush whose header did not follow). A repair
   * is written back before returning.
   */
  loadSlots(): void {
    if (this.#resident !== undefined) return;
    const table = Buffer.allocUnsafe(this.#entriesOffset);
    const n = this.io.read(this.#fd, table, 0, table.length, 0);
    assert.equal(n, table.length, `${this.path}: short read of the slot table`);
    this.#resident = this.#newResident(table, this.#indexCount);
    if (this.#undoEntriesPast(this.#indexCount)) this.flushSync();
  }

  /**
   * Removes entries [indexCount, this.indexCount), newest first: each slot that points at one goes
   * back to its prevIndex. The end values become those of the last entry kept; endTimestamp is
   * then exact only to the second (entries store seconds). The change is written by the next flush.
   */
  truncateTo(indexCount: number): void {
    assert(this.#resident !== undefined, `index file ${this.fileName}: truncate before loadSlots`);
    assert(!this.#flushing, `index file ${this.fileName}: truncate during a flush`);
    assert(Number.isInteger(indexCount) && indexCount >= 1 && indexCount <= this.#indexCount, `bad truncation point ${indexCount}`);
    if (indexCount === this.#indexCount) return;
    this.commit();
    const from = indexCount;
    this.#indexCount = indexCount;
    this.#resident.committedCount = indexCount;
    this.#undoEntriesPast(from);
    if (indexCount > 1) {
      const last = this.readEntry(indexCount - 1);
      this.#endPhyOffset = last.phyOffset;
      this.#endTimestamp = this.#beginTimestamp + last.timeDiff * 1000;
    } else {
      this.#endPhyOffset = this.#beginPhyOffset;
      this.#endTimestamp = this.#beginTimestamp;
    }
  }

  /** The first entry index whose phyOffset is >= `phyOffset` (entries ascend), or indexCount. */
  firstEntryAtOrAfter(phyOffset: number): number {
    let lo = 1;
    let hi = this.#indexCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.readEntry(mid).phyOffset >= phyOffset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // ---- reading ----

  /**
   * Appends to `out` the phyOffsets of entries for `key` stored within [begin, end], newest first,
   * until `out` holds `maxNum`. Java's walk: stop at the chain's end, at a broken link, or at the
   * first entry older than `begin`.
   */
  selectPhyOffset(out: number[], key: string, maxNum: number, begin: number, end: number): void {
    this.selectPhyOffsetByHash(out, indexKeyHash(key), maxNum, begin, end);
  }

  selectPhyOffsetByHash(out: number[], keyHash: number, maxNum: number, begin: number, end: number): void {
    if (this.#closed) return;
    const count = this.#indexCount;
    const slotValue = this.readSlot(keyHash % this.hashSlotNum);
    if (slotValue <= INVALID_INDEX || slotValue > count || count <= 1) return;
    const e = this.#scratchView;
    for (let next = slotValue; ; ) {
      if (out.length >= maxNum) break;
      this.#loadEntry(next);
      const timeDiff = e.getInt32(ENTRY_TIME_DIFF_POS);
      if (timeDiff < 0) break;
      const timeRead = this.#beginTimestamp + timeDiff * 1000;
      if (e.getInt32(ENTRY_KEY_HASH_POS) === keyHash && timeRead >= begin && timeRead <= end) {
        out.push(readLong(e, ENTRY_PHY_OFFSET_POS));
      }
      const prev = e.getInt32(ENTRY_PREV_INDEX_POS);
      // Java stops on prev == next; a chain always runs to older entries, so prev >= next also
      // stops a corrupt file's cycle (no Java-written file has one).
      if (prev <= INVALID_INDEX || prev > count || prev >= next || timeRead < begin) break;
      next = prev;
    }
  }

  /** The value of slot `slot` (an entry index, 0 = empty). */
  readSlot(slot: number): number {
    if (!(slot >= 0 && slot < this.hashSlotNum)) assert.fail(`slot ${slot} out of range`);
    const pos = INDEX_HEADER_SIZE + slot * HASH_SLOT_SIZE;
    const r = this.#resident;
    if (r !== undefined) return r.tableView.getInt32(pos);
    const n = this.io.read(this.#fd, this.#scratch, 0, HASH_SLOT_SIZE, pos);
    if (n !== HASH_SLOT_SIZE) assert.fail(`${this.path}: short read of slot ${slot}`);
    return this.#scratchView.getInt32(0);
  }

  /** Entry `index` as stored (1 <= index < indexCount for a meaningful one). */
  readEntry(index: number): IndexEntry {
    this.#loadEntry(index);
    const e = this.#scratchView;
    return {
      keyHash: e.getInt32(ENTRY_KEY_HASH_POS),
      phyOffset: readLong(e, ENTRY_PHY_OFFSET_POS),
      timeDiff: e.getInt32(ENTRY_TIME_DIFF_POS),
      prevIndex: e.getInt32(ENTRY_PREV_INDEX_POS),
    };
  }

  // ---- lifecycle ----

  /** Persists what is in memory (flushSync) and closes the file. Idempotent. */
  close(): void {
    if (this.#closed) return;
    try {
      this.flushSync();
    } finally {
      this.#closed = true;
      this.#resident = undefined;
      this.io.close(this.#fd);
    }
  }

  /** Closes without persisting anything and deletes the file. */
  destroy(): void {
    if (!this.#closed) {
      this.#closed = true;
      this.#resident = undefined;
      this.io.close(this.#fd);
    }
    this.io.unlink(this.path);
  }

  // ---- internals ----

  #entryPos(index: number): number {
    return this.#entriesOffset + index * INDEX_ENTRY_SIZE;
  }

  #newResident(table: Uint8Array, committedCount: number): Resident {
    const pages = Math.ceil(table.length / SLOT_PAGE_SIZE);
    const append = Buffer.allocUnsafe(APPEND_BUFFER_ENTRIES * INDEX_ENTRY_SIZE);
    return {
      table,
      tableView: viewOf(table),
      dirtyPage: new Uint8Array(pages),
      dirtyList: new Int32Array(pages),
      dirtyCount: 0,
      append,
      appendView: viewOf(append),
      appendCount: 0,
      committedCount,
    };
  }

  #loadHeader(): void {
    const buf = Buffer.alloc(INDEX_HEADER_SIZE);
    const n = this.io.read(this.#fd, buf, 0, INDEX_HEADER_SIZE, 0);
    assert.equal(n, INDEX_HEADER_SIZE, `${this.path}: short read of the header`);
    const v = viewOf(buf);
    this.#beginTimestamp = readLong(v, BEGIN_TIMESTAMP_POS);
    this.#endTimestamp = readLong(v, END_TIMESTAMP_POS);
    this.#beginPhyOffset = readLong(v, BEGIN_PHY_OFFSET_POS);
    this.#endPhyOffset = readLong(v, END_PHY_OFFSET_POS);
    this.#hashSlotCount = v.getInt32(HASH_SLOT_COUNT_POS);
    const indexCount = v.getInt32(INDEX_COUNT_POS);
    // Java's IndexHeader.load: a count of 0 or less (a header never written) means 1.
    this.#indexCount = Math.min(Math.max(indexCount, 1), this.indexNum);
    this.#durable = { ...this.header(), hashSlotCount: v.getInt32(HASH_SLOT_COUNT_POS), indexCount };
  }

  #writeHeader(h: IndexHeader): void {
    const buf = Buffer.alloc(INDEX_HEADER_SIZE);
    const v = viewOf(buf);
    writeLong(v, BEGIN_TIMESTAMP_POS, h.beginTimestamp);
    writeLong(v, END_TIMESTAMP_POS, h.endTimestamp);
    writeLong(v, BEGIN_PHY_OFFSET_POS, h.beginPhyOffset);
    writeLong(v, END_PHY_OFFSET_POS, h.endPhyOffset);
    v.setInt32(HASH_SLOT_COUNT_POS, h.hashSlotCount);
    v.setInt32(INDEX_COUNT_POS, h.indexCount);
    this.io.write(this.#fd, buf, 0, INDEX_HEADER_SIZE, 0);
  }

  /** Entries, then the dirty slot pages; runs of pages with small gaps go out as one write. */
  #writePhaseOne(): void {
    this.commit();
    const r = this.#resident;
    if (r === undefined || r.dirtyCount === 0) return;
    const pages = r.dirtyList.subarray(0, r.dirtyCount).sort();
    let runFirst = pages[0] as number;
    let runLast = runFirst;
    for (let k = 1; k < pages.length; k++) {
      const page = pages[k] as number;
      if (page - runLast <= SLOT_PAGE_MERGE_GAP + 1) {
        runLast = page;
      } else {
        this.#writeSlotPages(r, runFirst, runLast);
        runFirst = runLast = page;
      }
    }
    this.#writeSlotPages(r, runFirst, runLast);
    for (const page of pages) r.dirtyPage[page] = 0;
    r.dirtyCount = 0;
  }

  #writeSlotPages(r: Resident, first: number, last: number): void {
    const from = Math.max(first << SLOT_PAGE_SHIFT, INDEX_HEADER_SIZE);
    const to = Math.min((last + 1) << SLOT_PAGE_SHIFT, r.table.length);
    this.io.write(this.#fd, r.table, from, to - from, from);
  }

  #markSlotDirty(r: Resident, slotPos: number): void {
    const page = slotPos >>> SLOT_PAGE_SHIFT;
    if (r.dirtyPage[page] === 0) {
      r.dirtyPage[page] = 1;
      r.dirtyList[r.dirtyCount++] = page;
    }
  }

  /** Fills #scratch with entry `index`, from the append buffer or the file. */
  #loadEntry(index: number): void {
    if (!(index >= 0 && index < this.indexNum)) assert.fail(`entry ${index} out of range`);
    const r = this.#resident;
    if (r !== undefined && index >= r.committedCount) {
      const at = (index - r.committedCount) * INDEX_ENTRY_SIZE;
      if (index - r.committedCount >= r.appendCount) assert.fail(`entry ${index} was never written`);
      this.#scratch.set(r.append.subarray(at, at + INDEX_ENTRY_SIZE));
      return;
    }
    const n = this.io.read(this.#fd, this.#scratch, 0, INDEX_ENTRY_SIZE, this.#entryPos(index));
    if (n !== INDEX_ENTRY_SIZE) assert.fail(`${this.path}: short read of entry ${index}`);
  }

  /**
   * Makes every slot point below `from`: entries [from, highest slot value) are undone newest
   * first (a slot pointing at one goes back to its prevIndex); a slot still pointing at or past
   * `from` after that (its entry never reached the disk) is emptied. Recounts hashSlotCount.
   * Entries must all be in the file. Returns whether any slot changed.
   */
  #undoEntriesPast(from: number): boolean {
    const r = this.#resident;
    assert(r !== undefined && r.appendCount === 0);
    const slots = r.tableView;
    let highest = -1;
    for (let s = 0; s < this.hashSlotNum; s++) {
      const value = slots.getInt32(INDEX_HEADER_SIZE + s * HASH_SLOT_SIZE);
      if (value >= from && value > highest) highest = value;
    }
    if (highest < 0) return false;

    const chunk = Buffer.allocUnsafe(ENTRY_READ_CHUNK * INDEX_ENTRY_SIZE);
    const cv = viewOf(chunk);
    const top = Math.min(highest, this.indexNum - 1);
    for (let chunkEnd = top + 1; chunkEnd > from; chunkEnd -= ENTRY_READ_CHUNK) {
      const chunkStart = Math.max(from, chunkEnd - ENTRY_READ_CHUNK);
      const length = (chunkEnd - chunkStart) * INDEX_ENTRY_SIZE;
      const n = this.io.read(this.#fd, chunk, 0, length, this.#entryPos(chunkStart));
      assert.equal(n, length, `${this.path}: short read of entries ${chunkStart}..${chunkEnd}`);
      for (let i = chunkEnd - 1; i >= chunkStart; i--) {
        const at = (i - chunkStart) * INDEX_ENTRY_SIZE;
        const keyHash = cv.getInt32(at + ENTRY_KEY_HASH_POS);
        if (keyHash < 0) continue;
        const slotPos = INDEX_HEADER_SIZE + (keyHash % this.hashSlotNum) * HASH_SLOT_SIZE;
        if (slots.getInt32(slotPos) !== i) continue;
        const prev = cv.getInt32(at + ENTRY_PREV_INDEX_POS);
        slots.setInt32(slotPos, prev > INVALID_INDEX && prev < i ? prev : INVALID_INDEX);
        this.#markSlotDirty(r, slotPos);
      }
    }

    let used = 0;
    for (let s = 0; s < this.hashSlotNum; s++) {
      const slotPos = INDEX_HEADER_SIZE + s * HASH_SLOT_SIZE;
      const value = slots.getInt32(slotPos);
      if (value >= from) {
        slots.setInt32(slotPos, INVALID_INDEX);
        this.#markSlotDirty(r, slotPos);
      } else if (value > INVALID_INDEX) {
        used++;
      }
    }
    this.#hashSlotCount = used;
    return true;
  }
}
