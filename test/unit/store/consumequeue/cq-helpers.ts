// Owns: test support for the ConsumeQueue tests: temporary directories, a writable copy of the
// 4.9.8 store snapshot, a FileIO that counts writes, and entry decoding.
// Counterpart: none (test support).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import { storeDir } from '../../../harness/store-fixture.js';

export function tempDir(t: TestContext, prefix = 'cq-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A writable copy of store-clean/ (the fixture files are read-only and must stay untouched). */
export function copyStoreClean(t: TestContext): string {
  const dir = path.join(tempDir(t, 'cq-store-'), 'store');
  fs.cpSync(storeDir, dir, { recursive: true });
  makeWritable(dir);
  return dir;
}

function makeWritable(p: string): void {
  const stat = fs.statSync(p);
  fs.chmodSync(p, stat.mode | 0o600 | (stat.isDirectory() ? 0o100 : 0));
  if (stat.isDirectory()) for (const name of fs.readdirSync(p)) makeWritable(path.join(p, name));
}

/** The real file layer, counting write calls per file descriptor. */
export class CountingFileIO extends NodeFileIO {
  writes = 0;
  readonly writesByFd = new Map<number, number>();

  override write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
    this.writes++;
    this.writesByFd.set(fd, (this.writesByFd.get(fd) ?? 0) + 1);
    super.write(fd, buf, offset, length, position);
  }
}

export interface DecodedEntry {
  commitLogOffset: number;
  size: number;
  tagsCode: number;
}

/** Entries of a readEntries buffer, decoded independently of the code under test (BigInt). */
export function decodeEntries(buf: Buffer, count: number): DecodedEntry[] {
  const out: DecodedEntry[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      commitLogOffset: Number(buf.readBigInt64BE(i * 20)),
      size: buf.readInt32BE(i * 20 + 8),
      tagsCode: Number(buf.readBigInt64BE(i * 20 + 12)),
    });
  }
  return out;
}

/** Every committed entry of a queue, read through readEntries in its file-sized steps. */
export function readAll(queue: { minOffsetInQueue: number; maxOffsetInQueue: number; readEntries(q: number, n: number): { buf: Buffer; count: number } }): DecodedEntry[] {
  const out: DecodedEntry[] = [];
  for (let q = queue.minOffsetInQueue; q < queue.maxOffsetInQueue; ) {
    const { buf, count } = queue.readEntries(q, 1000);
    if (count === 0) throw new Error(`readEntries(${q}) returned nothing below max ${queue.maxOffsetInQueue}`);
    out.push(...decodeEntries(buf, count));
    q += count;
  }
  return out;
}
