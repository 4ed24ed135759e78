// Owns: one fixed-size store file named by the offset of its first byte (20 digits): what has
// been written to it and what is known to be on disk.
// Counterpart: org.apache.rocketmq.store.MappedFile (without the mapping: positional I/O).
//
// A new file is created at its full size (sparse), as Java's mapping does, so a directory
// listing looks like RocketMQ's. `wrotePosition` counts bytes handed to write(2) (in the page
// cache, safe from a process crash); `flushedPosition` counts bytes fdatasync'ed (safe from a
// machine crash).

import assert from 'node:assert';
import path from 'node:path';
import type { FileIO } from '../io/file-io.js';

export const SEGMENT_NAME_DIGITS = 20;

export function segmentName(fromOffset: number): string {
  return String(fromOffset).padStart(SEGMENT_NAME_DIGITS, '0');
}

export class SegmentFile {
  readonly io: FileIO;
  readonly path: string;
  readonly fileFromOffset: number;
  readonly fileSize: number;
  readonly fd: number;
  wrotePosition = 0;
  flushedPosition = 0;
  #closed = false;

  private constructor(io: FileIO, filePath: string, fileFromOffset: number, fileSize: number, fd: number) {
    this.io = io;
    this.path = filePath;
    this.fileFromOffset = fileFromOffset;
    this.fileSize = fileSize;
    this.fd = fd;
  }

  /**
   * Creates `<dir>/<20-digit fromOffset>` at its full size. The file is sized under a temporary
   * name and renamed, so a crash never leaves a segment of the wrong length behind.
   */
  static create(io: FileIO, dir: string, fromOffset: number, fileSize: number): SegmentFile {
    assert(Number.isSafeInteger(fromOffset) && fromOffset >= 0, `bad segment offset ${fromOffset}`);
    const filePath = path.join(dir, segmentName(fromOffset));
    if (io.exists(filePath)) {
      const fd = io.open(filePath, false);
      if (io.fileSize(fd) !== fileSize) io.truncate(fd, fileSize);
      return new SegmentFile(io, filePath, fromOffset, fileSize, fd);
    }
    const tmp = `${filePath}.tmp`;
    const fd = io.open(tmp, true);
    io.truncate(fd, fileSize);
    io.rename(tmp, filePath);
    return new SegmentFile(io, filePath, fromOffset, fileSize, fd);
  }

  /** Opens an existing segment; its positions start at 0 until recovery sets them. */
  static open(io: FileIO, filePath: string, fileSize: number): SegmentFile {
    const fromOffset = Number(path.basename(filePath));
    assert(Number.isSafeInteger(fromOffset), `segment name ${filePath} is not an offset`);
    const fd = io.open(filePath, false);
    const actual = io.fileSize(fd);
    if (actual !== fileSize) {
      io.close(fd);
      throw new Error(`${filePath}: length ${actual} does not match the configured segment size ${fileSize}`);
    }
    return new SegmentFile(io, filePath, fromOffset, fileSize, fd);
  }

  get remaining(): number {
    return this.fileSize - this.wrotePosition;
  }

  get isFull(): boolean {
    return this.wrotePosition === this.fileSize;
  }

  /** Offset just past the last byte written. */
  get wroteOffset(): number {
    return this.fileFromOffset + this.wrotePosition;
  }

  /** Appends bytes at wrotePosition. */
  append(buf: Uint8Array, offset: number, length: number): void {
    assert(length <= this.remaining, `append of ${length} bytes overruns ${this.path} (${this.remaining} left)`);
    this.io.write(this.fd, buf, offset, length, this.wrotePosition);
    this.wrotePosition += length;
  }

  /** Writes at a position inside the file without moving wrotePosition (patching, zeroing). */
  writeAt(position: number, buf: Uint8Array, offset: number, length: number): void {
    assert(position >= 0 && position + length <= this.fileSize, `write at ${position}+${length} outside ${this.path}`);
    this.io.write(this.fd, buf, offset, length, position);
  }

  /** Overwrites `length` bytes from `position` with zeros and fdatasyncs them. */
  zeroRange(position: number, length: number): void {
    const zeros = Buffer.alloc(Math.min(length, 1024 * 1024));
    for (let done = 0; done < length; done += zeros.length) this.writeAt(position + done, zeros, 0, Math.min(zeros.length, length - done));
    this.io.datasyncSync(this.fd);
  }

  /** Reads `length` bytes at file position `position` (bounded by the file, not by wrotePosition). */
  read(position: number, length: number, into?: Buffer, intoOffset = 0): Buffer {
    const n = Math.max(0, Math.min(length, this.fileSize - position));
    const buf = into ?? Buffer.allocUnsafe(n);
    const got = this.io.read(this.fd, buf, intoOffset, n, position);
    if (into === undefined && got < n) return buf.subarray(0, got);
    return buf;
  }

  /** fdatasync; resolves with the position now known durable. */
  async flush(): Promise<number> {
    const target = this.wrotePosition;
    if (target <= this.flushedPosition || this.#closed) return this.flushedPosition;
    await this.io.datasync(this.fd);
    if (target > this.flushedPosition) this.flushedPosition = target;
    return this.flushedPosition;
  }

  flushSync(): number {
    const target = this.wrotePosition;
    if (target > this.flushedPosition && !this.#closed) {
      this.io.datasyncSync(this.fd);
      this.flushedPosition = target;
    }
    return this.flushedPosition;
  }

  lastModifiedMs(): number {
    return this.io.mtimeMs(this.path) ?? 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.io.close(this.fd);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Closes and deletes the file. */
  destroy(): void {
    this.close();
    this.io.unlink(this.path);
  }
}
