// Owns: what the index tests share: the manifest's `index[]` section (typed here, since
// test/harness/store-fixture.ts does not type it), copies of the fixture's index file, the
// fixture's records as dispatch requests, temp dirs, and a FileIO that can fail syncs and "crash".
// Counterpart: none (test support).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';
import type { IndexDispatchRequest } from '../../../../src/store/index/index-service.js';
import { loadStoreManifest, storeDir } from '../../../harness/store-fixture.js';
import type { StoreManifest } from '../../../harness/store-fixture.js';

export interface ManifestIndexEntry {
  index: number;
  keyHash: number;
  phyOffset: number;
  timeDiffSeconds: number;
  prevIndex: number;
  key: string;
  slot: number;
}

export interface ManifestIndexFile {
  file: string;
  fileSize: number;
  maxHashSlotNum: number;
  maxIndexNum: number;
  header: {
    beginTimestamp: number;
    endTimestamp: number;
    beginPhyOffset: number;
    endPhyOffset: number;
    hashSlotCount: number;
    indexCount: number;
  };
  usedSlots: number;
  slots: Record<string, number>;
  entries: ManifestIndexEntry[];
}

export function fixtureIndex(): ManifestIndexFile {
  const manifest = loadStoreManifest() as StoreManifest & { index: ManifestIndexFile[] };
  const only = manifest.index[0];
  if (only === undefined || manifest.index.length !== 1) throw new Error('the manifest should list exactly one index file');
  return only;
}

export const fixtureGeometry = { hashSlotNum: 1000, indexNum: 4000 };

export function fixtureIndexFileName(): string {
  return path.basename(fixtureIndex().file);
}

export function fixtureIndexBytes(): Buffer {
  return fs.readFileSync(path.join(storeDir, fixtureIndex().file));
}

/** A fresh temp dir, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-index-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Copies the fixture's index file into `<dir>/index/` (writable); returns the copy's path. */
export function copyFixtureIndex(dir: string): string {
  const indexDir = path.join(dir, 'index');
  fs.mkdirSync(indexDir, { recursive: true });
  const copy = path.join(indexDir, fixtureIndexFileName());
  fs.copyFileSync(path.join(storeDir, fixtureIndex().file), copy);
  fs.chmodSync(copy, 0o644);
  return copy;
}

/** Every CommitLog record of the fixture, in physical order, as the dispatcher hands it over. */
export function fixtureDispatchRequests(): IndexDispatchRequest[] {
  return loadStoreManifest().commitlog.map((record) => ({
    topic: record.topic,
    commitLogOffset: record.commitLogOffset,
    storeTimestamp: record.storeTimestamp,
    sysFlag: record.sysFlag,
    keys: record.properties['KEYS'],
    uniqKey: record.properties['UNIQ_KEY'],
  }));
}

/** The manifest's entries grouped by key: key -> phyOffsets, oldest first. */
export function fixtureOffsetsByKey(): Map<string, number[]> {
  const byKey = new Map<string, number[]>();
  for (const entry of fixtureIndex().entries) {
    const list = byKey.get(entry.key) ?? [];
    list.push(entry.phyOffset);
    byKey.set(entry.key, list);
  }
  return byKey;
}

/**
 * The real file layer, plus: `failSync` makes fdatasync fail; `crash()` closes every file it
 * opened behind its owner's back, as a killed process would leave them (written, not synced).
 */
export class CrashableFileIO extends NodeFileIO {
  failSync = false;
  writeCalls = 0;
  readonly #open = new Set<number>();

  override open(filePath: string, create: boolean): number {
    const fd = super.open(filePath, create);
    this.#open.add(fd);
    return fd;
  }

  override close(fd: number): void {
    this.#open.delete(fd);
    super.close(fd);
  }

  override write(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
    this.writeCalls++;
    super.write(fd, buf, offset, length, position);
  }

  override datasync(fd: number): Promise<void> {
    if (this.failSync) return Promise.reject(Object.assign(new Error('EIO: injected fdatasync failure'), { code: 'EIO' }));
    return super.datasync(fd);
  }

  override datasyncSync(fd: number): void {
    if (this.failSync) throw Object.assign(new Error('EIO: injected fdatasync failure'), { code: 'EIO' });
    super.datasyncSync(fd);
  }

  crash(): void {
    for (const fd of this.#open) super.close(fd);
    this.#open.clear();
  }
}
