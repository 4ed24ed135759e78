// Owns: a de-duplication store in a directory, shared by every consumer process on one machine:
// one small JSON record file per key, changed only by atomic file-system steps.
//
//   <dir>/<h[0..2]>/<h>.json                  record: {"key","status","token","expiresAtMs"}
//   <dir>/<h[0..2]>/<h>.json.takeover.<token> marker: who replaced the expired record <token>
//   (h = sha256 of the key, hex)
//
// Why these steps are race-free across processes:
// - acquire of an absent key: the record is written to a temp file and hard-linked to its name;
//   link fails with EEXIST when the name exists, so exactly one creator wins, and a reader never
//   sees a half-written record.
// - acquire of an expired record (its holder crashed, or its window ended): only the process
//   that creates the takeover marker named after that record's token may replace it (rename of a
//   temp file over the name, atomic). A record's token is unique, so each expired record is taken
//   over at most once; a fresh record has a new token, hence a new marker.
// - sweep removes expired records through the same marker, so it never deletes a record another
//   process has just put in place.
// markConsumed and release check the token first: a holder whose CONSUMING record expired and was
// taken over no longer owns it (consumingTtlMs must exceed the work's duration; see Idempotence).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type AcquireResult, type DedupStatus, type DedupStore, newToken } from './dedup-store.js';

interface DedupRecord {
  key: string;
  status: DedupStatus;
  token: string;
  expiresAtMs: number;
}

export interface FileDedupStoreOptions {
  dir: string;
  /** How often expired records are removed (default 60 s; 0 disables the timer). */
  sweepIntervalMs?: number;
  now?: () => number;
}

/** How long a takeover marker is kept after its record is gone. */
const MARKER_KEEP_MS = 10 * 60_000;

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

export class FileDedupStore implements DedupStore {
  readonly #dir: string;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #tmpSeq = 0;

  constructor(options: FileDedupStoreOptions) {
    this.#dir = options.dir;
    this.#now = options.now ?? Date.now;
    fs.mkdirSync(this.#dir, { recursive: true });
    const every = options.sweepIntervalMs ?? 60_000;
    if (every > 0) this.#timer = setInterval(() => void this.sweep().catch(() => undefined), every).unref(); // best effort: the next sweep retries
  }

  #recordPath(key: string): string {
    const h = createHash('sha256').update(key, 'utf8').digest('hex');
    return path.join(this.#dir, h.slice(0, 2), `${h}.json`);
  }

  async #writeTemp(dir: string, record: DedupRecord): Promise<string> {
    const tmp = path.join(dir, `.tmp-${process.pid}-${++this.#tmpSeq}-${Math.random().toString(36).slice(2, 8)}`);
    await fs.promises.writeFile(tmp, JSON.stringify(record));
    return tmp;
  }

  async #read(file: string): Promise<DedupRecord | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(file, 'utf8')) as DedupRecord;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** Creates the marker that entitles its creator to replace the record with `token`; false when another process did. */
  async #claim(file: string, token: string): Promise<boolean> {
    try {
      const handle = await fs.promises.open(`${file}.takeover.${token}`, 'wx');
      await handle.close();
      return true;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
  }

  async acquire(key: string, ttlMs: number): Promise<AcquireResult> {
    const file = this.#recordPath(key);
    const dir = path.dirname(file);
    await fs.promises.mkdir(dir, { recursive: true });
    const token = newToken();
    const record: DedupRecord = { key, status: 'CONSUMING', token, expiresAtMs: this.#now() + ttlMs };
    const tmp = await this.#writeTemp(dir, record);
    try {
      // Two rounds: the record may vanish (swept) between a failed link and the read.
      for (let round = 0; round < 2; round++) {
        try {
          await fs.promises.link(tmp, file);
          return { acquired: true, token };
        } catch (err) {
          if (!isErrno(err, 'EEXIST')) throw err;
        }
        const existing = await this.#read(file);
        if (existing === undefined) continue;
        if (existing.expiresAtMs > this.#now()) return { acquired: false, status: existing.status };
        if (!(await this.#claim(file, existing.token))) return { acquired: false, status: 'CONSUMING' };
        // Only the marker's holder replaces that record, but its old holder may still release it.
        if ((await this.#read(file))?.token !== existing.token) continue;
        await fs.promises.rename(tmp, file);
        return { acquired: true, token };
      }
      return { acquired: false, status: 'CONSUMING' };
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  async markConsumed(key: string, token: string, ttlMs: number): Promise<void> {
    const file = this.#recordPath(key);
    if ((await this.#read(file))?.token !== token) return;
    const tmp = await this.#writeTemp(path.dirname(file), { key, status: 'CONSUMED', token, expiresAtMs: this.#now() + ttlMs });
    await fs.promises.rename(tmp, file);
  }

  async release(key: string, token: string): Promise<void> {
    const file = this.#recordPath(key);
    if ((await this.#read(file))?.token !== token) return;
    await fs.promises.rm(file, { force: true });
  }

  /** Removes expired records and the markers of records that are gone or replaced. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const shard of await fs.promises.readdir(this.#dir)) {
      const shardDir = path.join(this.#dir, shard);
      let names: string[];
      try {
        names = await fs.promises.readdir(shardDir);
      } catch {
        continue; // a temp file at the top level, or a shard removed meanwhile
      }
      const live = new Set<string>();
      for (const name of names.filter((n) => n.endsWith('.json'))) {
        const file = path.join(shardDir, name);
        const record = await this.#read(file);
        if (record === undefined) continue;
        if (record.expiresAtMs > this.#now() || !(await this.#claim(file, record.token))) {
          live.add(`${name}.takeover.${record.token}`);
          continue;
        }
        if ((await this.#read(file))?.token === record.token) {
          await fs.promises.rm(file, { force: true });
          removed++;
        }
      }
      // A marker outlives its record for a while: a process that read the old record just before
      // it was replaced must still find the marker taken.
      for (const name of names.filter((n) => n.includes('.takeover.'))) {
        if (live.has(name)) continue;
        const marker = path.join(shardDir, name);
        const stat = await fs.promises.stat(marker).catch(() => undefined);
        if (stat !== undefined && this.#now() - stat.mtimeMs > MARKER_KEEP_MS) await fs.promises.rm(marker, { force: true });
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
