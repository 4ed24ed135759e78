// Owns: the ordered run of fixed-size segment files in one directory (a CommitLog, or one
// ConsumeQueue): finding the file for an offset, creating the next file ahead of need,
// truncating after recovery, deleting from the head for retention.
// Counterpart: org.apache.rocketmq.store.MappedFileQueue (+ AllocateMappedFileService).

import assert from 'node:assert';
import path from 'node:path';
import type { FileIO } from '../io/file-io.js';
import { SEGMENT_NAME_DIGITS, SegmentFile } from './segment-file.js';

export interface SegmentQueueOptions {
  /** Create the next file as soon as the current one is created, so appends never wait for it. */
  preallocate?: boolean;
}

const SEGMENT_NAME = new RegExp(`^\\d{${SEGMENT_NAME_DIGITS}}$`);

export class SegmentQueue {
  readonly io: FileIO;
  readonly dir: string;
  readonly segmentSize: number;
  readonly #preallocate: boolean;
  #segments: SegmentFile[] = [];
  /** A file created ahead of need, not yet part of the queue. */
  #next: SegmentFile | null = null;
  /** Segments written since their last flush. */
  readonly #dirty = new Set<SegmentFile>();

  constructor(io: FileIO, dir: string, segmentSize: number, options: SegmentQueueOptions = {}) {
    assert(Number.isSafeInteger(segmentSize) && segmentSize > 0, `bad segment size ${segmentSize}`);
    this.io = io;
    this.dir = dir;
    this.segmentSize = segmentSize;
    this.#preallocate = options.preallocate ?? false;
  }

  /** Opens every segment file in the directory, in offset order. Positions start at 0. */
  load(): void {
    this.io.mkdirp(this.dir);
    const all = this.io.list(this.dir);
    // A segment whose creation was interrupted never got its final name: drop it.
    for (const name of all) if (name.endsWith('.tmp')) this.io.unlink(path.join(this.dir, name));
    const names = all.filter((n) => SEGMENT_NAME.test(n)).sort();
    this.#segments = names.map((n) => SegmentFile.open(this.io, path.join(this.dir, n), this.segmentSize));
    for (let i = 1; i < this.#segments.length; i++) {
      const prev = this.#segments[i - 1]!;
      const cur = this.#segments[i]!;
      if (cur.fileFromOffset !== prev.fileFromOffset + this.segmentSize) {
        throw new Error(`${this.dir}: segment ${cur.path} does not follow ${prev.path}`);
      }
    }
  }

  get segments(): readonly SegmentFile[] {
    return this.#segments;
  }

  first(): SegmentFile | undefined {
    return this.#segments[0];
  }

  last(): SegmentFile | undefined {
    return this.#segments[this.#segments.length - 1];
  }

  /** The segment to append at: the last one, or a new one when it is full or there is none. */
  lastForAppend(startOffset = 0): SegmentFile {
    const last = this.last();
    if (last !== undefined && !last.isFull) return last;
    const fromOffset = last === undefined ? startOffset - (startOffset % this.segmentSize) : last.fileFromOffset + this.segmentSize;
    let segment: SegmentFile;
    if (this.#next !== null && this.#next.fileFromOffset === fromOffset) {
      segment = this.#next;
    } else {
      this.#next?.destroy();
      segment = SegmentFile.create(this.io, this.dir, fromOffset, this.segmentSize);
    }
    this.#next = null;
    this.#segments.push(segment);
    if (this.#preallocate) {
      setImmediate(() => this.#allocateNext(fromOffset + this.segmentSize));
    }
    return segment;
  }

  #allocateNext(fromOffset: number): void {
    const last = this.last();
    if (this.#next !== null || last === undefined || last.fileFromOffset + this.segmentSize !== fromOffset || last.closed) return;
    this.#next = SegmentFile.create(this.io, this.dir, fromOffset, this.segmentSize);
  }

  /** The segment holding `offset`, if any. */
  findByOffset(offset: number): SegmentFile | undefined {
    const first = this.first();
    if (first === undefined || offset < first.fileFromOffset) return undefined;
    const index = Math.floor((offset - first.fileFromOffset) / this.segmentSize);
    const segment = this.#segments[index];
    return segment !== undefined && offset < segment.fileFromOffset + this.segmentSize ? segment : undefined;
  }

  /** Offset of the first byte kept, or 0 when empty. */
  minOffset(): number {
    return this.first()?.fileFromOffset ?? 0;
  }

  /** Offset just past the last byte written. */
  maxOffset(): number {
    const last = this.last();
    return last === undefined ? 0 : last.wroteOffset;
  }

  /** Appends `length` bytes of `buf` at the end of the last segment (which must have room). */
  append(segment: SegmentFile, buf: Uint8Array, offset: number, length: number): void {
    segment.append(buf, offset, length);
    this.#dirty.add(segment);
  }

  markDirty(segment: SegmentFile): void {
    this.#dirty.add(segment);
  }

  /** fdatasyncs every segment written since its last flush. */
  async flush(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    await Promise.all(dirty.map((s) => s.flush()));
  }

  flushSync(): void {
    for (const s of this.#dirty) s.flushSync();
    this.#dirty.clear();
  }

  /**
   * Sets positions after recovery: every segment before `offset` is full, the one holding it is
   * written up to it, and later ones are deleted.
   */
  truncateTo(offset: number): void {
    const kept: SegmentFile[] = [];
    for (const segment of this.#segments) {
      const end = segment.fileFromOffset + this.segmentSize;
      if (end <= offset) {
        segment.wrotePosition = this.segmentSize;
        segment.flushedPosition = this.segmentSize;
        kept.push(segment);
      } else if (segment.fileFromOffset <= offset) {
        segment.wrotePosition = offset - segment.fileFromOffset;
        segment.flushedPosition = segment.wrotePosition;
        kept.push(segment);
      } else {
        this.#dirty.delete(segment);
        segment.destroy();
      }
    }
    this.#segments = kept;
    if (this.#next !== null && this.#next.fileFromOffset <= offset) {
      this.#next.destroy();
      this.#next = null;
    }
  }

  /** The file created ahead of need, if any (the warmer reads it). */
  get next(): SegmentFile | null {
    return this.#next;
  }

  /** Deletes the first `count` segments (never the last one). Returns how many went. */
  deleteFirst(count: number): number {
    const n = Math.min(count, this.#segments.length - 1);
    for (let i = 0; i < n; i++) {
      const segment = this.#segments.shift()!;
      this.#dirty.delete(segment);
      segment.destroy();
    }
    return Math.max(0, n);
  }

  /** Deletes every segment file and the directory's segments. */
  destroyAll(): void {
    for (const segment of this.#segments) segment.destroy();
    this.#segments = [];
    this.#next?.destroy();
    this.#next = null;
    this.#dirty.clear();
  }

  close(): void {
    for (const segment of this.#segments) segment.close();
    this.#next?.close();
  }
}
