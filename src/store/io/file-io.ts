// Owns: every file-system call the store makes. Nothing else in src/store touches node:fs, so
// tests can wrap this seam (FlakyFileIO) to inject EIO, ENOSPC, short writes and failed syncs.
// Counterpart: none in Java (the store there maps files and calls FileChannel directly).
//
// Writes and reads are synchronous positional calls on the event loop: the store batches them
// (one write per event-loop turn per file), so there are few of them, and ordering stays simple.
// Durability (fdatasync) is asynchronous, on libuv's thread pool, so the loop keeps accepting
// writes while a sync is in flight (group commit).

import fs from 'node:fs';
import path from 'node:path';

export interface FileIO {
  /** Opens for reading and writing, creating the file when `create` is set. */
  open(filePath: string, create: boolean): number;
  close(fd: number): void;
  /** Writes all of `buf[offset, offset+length)` at `position`. */
  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void;
  /** Reads up to `length` bytes at `position`; returns how many were read. */
  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number;
  /** A read on the thread pool (used to warm page-cache pages ahead of writes). */
  readAsync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** fdatasync on the thread pool. */
  datasync(fd: number): Promise<void>;
  datasyncSync(fd: number): void;
  truncate(fd: number, length: number): void;
  fileSize(fd: number): number;
  /** Last modification time in ms, or undefined when the file is gone. */
  mtimeMs(filePath: string): number | undefined;
  exists(filePath: string): boolean;
  mkdirp(dir: string): void;
  /** Entry names in `dir`, or [] when it does not exist. */
  list(dir: string): string[];
  isDirectory(filePath: string): boolean;
  unlink(filePath: string): void;
  /** Atomic replace within one file system. */
  rename(from: string, to: string): void;
  rmdir(dir: string): void;
  readFile(filePath: string): Buffer | undefined;
  /** Replaces a small file atomically: temporary file, fsync, rename. */
  writeFileAtomic(filePath: string, data: Uint8Array | string): void;
  /** Used fraction (0..1) of the file system holding `dir`. */
  diskUsedRatio(dir: string): number;
}

export class NodeFileIO implements FileIO {
  open(filePath: string, create: boolean): number {
    return fs.openSync(filePath, create ? fs.constants.O_RDWR | fs.constants.O_CREAT : fs.constants.O_RDWR, 0o644);
  }

  close(fd: number): void {
    fs.closeSync(fd);
  }

  write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
    }
  }

  read(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  readAsync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
  }

  datasync(fd: number): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  datasyncSync(fd: number): void {
    fs.fdatasyncSync(fd);
  }

  truncate(fd: number, length: number): void {
    fs.ftruncateSync(fd, length);
  }

  fileSize(fd: number): number {
    return fs.fstatSync(fd).size;
  }

  mtimeMs(filePath: string): number | undefined {
    try {
      return fs.statSync(filePath).mtimeMs;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath);
  }

  mkdirp(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
  }

  list(dir: string): string[] {
    try {
      return fs.readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  isDirectory(filePath: string): boolean {
    try {
      return fs.statSync(filePath).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  unlink(filePath: string): void {
    fs.rmSync(filePath, { force: true });
  }

  rename(from: string, to: string): void {
    fs.renameSync(from, to);
  }

  rmdir(dir: string): void {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  readFile(filePath: string): Buffer | undefined {
    try {
      return fs.readFileSync(filePath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  writeFileAtomic(filePath: string, data: Uint8Array | string): void {
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const tmp = `${filePath}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, filePath);
  }

  diskUsedRatio(dir: string): number {
    const s = fs.statfsSync(dir);
    const total = s.blocks * s.bsize;
    if (total === 0) return 0;
    return (total - s.bavail * s.bsize) / total;
  }
}
