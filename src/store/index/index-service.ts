// Owns: the index directory: which index files exist and in which order, which one takes keys,
// building entries from dispatched messages, answering key queries across files, flushing,
// retention, and bringing the directory back to a consistent state at load.
// Counterpart: org.apache.rocketmq.store.index.IndexService and QueryOffsetResult (4.9.8).
//
// Files are ordered by name (creation time); only the last one takes keys, and a new one is
// created when it is full (or at the first message). A full file keeps its slot table in memory
// until a flush has made it durable, then is read with positional reads like every older file.
//
// Checkpoint contract: flush() returns the endTimestamp of the newest file whose header it made
// durable; the store writes it to the checkpoint as indexMsgTimestamp. After an abnormal exit,
// load() drops the files that begin after that timestamp (Java drops those that end after it:
// see load()). A crash loses the entries added since the last flush (each file is reopened as its
// last durable header describes it), so recovery must re-dispatch the CommitLog from a point at
// or before indexMsgTimestamp; buildIndex skips what is already indexed. Java, too, rebuilds
// only by re-dispatch: it deletes its whole writable file after an abnormal exit.

import assert from 'node:assert';
import path from 'node:path';
import { getTransactionValue, MessageSysFlag } from '../../common/message/message-sys-flag.js';
import { MessageConst } from '../../common/message/properties.js';
import type { FileIO } from '../io/file-io.js';
import { IndexFile } from './index-file.js';
import type { IndexFileGeometry } from './index-file.js';
import { INDEX_FILE_NAME_PATTERN, indexFileName } from './index-file-name.js';
import { continueJavaHash, topicKeyHash, topicKeyPrefixHash, toIndexKeyHash } from './index-key.js';

const KEY_SEPARATOR_CODE = MessageConst.KEY_SEPARATOR.charCodeAt(0);

export interface IndexServiceOptions {
  /** maxHashSlotNum. */
  hashSlotNum: number;
  /** maxIndexNum. */
  indexNum: number;
  /** Wall clock (ms) that names new files. */
  now: () => number;
}

/** What buildIndex needs from a dispatched CommitLog record. */
export interface IndexDispatchRequest {
  topic: string;
  commitLogOffset: number;
  storeTimestamp: number;
  sysFlag: number;
  /** The KEYS property: keys separated by spaces. */
  keys?: string | undefined;
  /** The UNIQ_KEY property. */
  uniqKey?: string | undefined;
}

export interface QueryOffsetResult {
  /** Newest file first, newest entry first within a file. */
  phyOffsets: number[];
  /** endTimestamp of the newest file. */
  indexLastUpdateTimestamp: number;
  /** endPhyOffset of the newest file. */
  indexLastUpdatePhyoffset: number;
}

export class IndexService {
  readonly #io: FileIO;
  readonly #dir: string;
  readonly #geometry: IndexFileGeometry;
  readonly #now: () => number;
  #files: IndexFile[] = [];
  /** Full files whose slot tables stay in memory until a flush has made them durable. */
  #sealed: IndexFile[] = [];
  #flushTail: Promise<unknown> = Promise.resolve();
  #durableEndTimestamp = 0;
  #loaded = false;
  #closed = false;

  constructor(io: FileIO, dir: string, opts: IndexServiceOptions) {
    this.#io = io;
    this.#dir = dir;
    this.#geometry = { hashSlotNum: opts.hashSlotNum, indexNum: opts.indexNum };
    this.#now = opts.now;
  }

  /** Oldest first. */
  get files(): readonly IndexFile[] {
    return this.#files;
  }

  /**
   * Opens the directory's index files, oldest first. After an abnormal exit (`lastExitOK` false)
   * files that begin after `indexCheckpointTimestamp` are deleted: recovery re-dispatches from the
   * checkpoint and rebuilds them. Files without entries are deleted too (they hold nothing; the
   * next key creates a file). A file found with slots ahead of its header is repaired on open.
   */
  load(lastExitOK: boolean, indexCheckpointTimestamp: number): void {
    assert(!this.#loaded, 'IndexService.load called twice');
    this.#loaded = true;
    const names = this.#io.list(this.#dir).filter((name) => INDEX_FILE_NAME_PATTERN.test(name)).sort();
    for (const name of names) {
      const filePath = path.join(this.#dir, name);
      if (this.#isZeroLength(filePath)) {
        // Created, then the process died before the file got its size: it never held a key.
        this.#io.unlink(filePath);
        continue;
      }
      const file = IndexFile.open(this.#io, filePath, this.#geometry);
      // Divergence: Java drops files that END after the checkpoint. Our checkpoint follows the
      // file being written (flush() returns its durable end), so that file usually ends after
      // it, and dropping it would lose the entries before the checkpoint, which recovery does not
      // re-dispatch. Its header is durable with everything it counts, so it is kept.
      if ((!lastExitOK && file.beginTimestamp > indexCheckpointTimestamp) || file.indexCount <= 1) {
        file.destroy();
        continue;
      }
      this.#files.push(file);
    }
    // Only the last file takes keys; the others give their slot tables back.
    for (const file of this.#files.slice(0, -1)) {
      if (!file.isResident) continue;
      file.flushSync();
      file.release();
    }
    this.#durableEndTimestamp = this.#files.at(-1)?.endTimestamp ?? 0;
  }

  /** Indexes the record's UNIQ_KEY and each of its KEYS, under `<topic>#<key>`. */
  buildIndex(req: IndexDispatchRequest): void {
    assert(this.#loaded && !this.#closed, 'IndexService.buildIndex before load or after close');
    let file = this.#fileForKeys();
    // Re-dispatch after a restart: what the last file already covers is skipped. Compat: `<`, so
    // the record at exactly endPhyOffset is indexed again, as Java does.
    if (req.commitLogOffset < file.endPhyOffset) return;
    if (getTransactionValue(req.sysFlag) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return;
    const phyOffset = req.commitLogOffset;
    const storeTimestamp = req.storeTimestamp;
    // Checked without building a message string per record (this is the dispatch hot path).
    if (!(Number.isSafeInteger(phyOffset) && phyOffset >= 0)) assert.fail(`bad commitLogOffset ${phyOffset}`);
    if (!(Number.isSafeInteger(storeTimestamp) && storeTimestamp >= 0)) assert.fail(`bad storeTimestamp ${storeTimestamp}`);

    const prefixHash = topicKeyPrefixHash(req.topic);
    const uniqKey = req.uniqKey;
    if (uniqKey !== undefined) {
      file = this.#put(file, toIndexKeyHash(continueJavaHash(prefixHash, uniqKey, 0, uniqKey.length)), phyOffset, storeTimestamp);
    }
    const keys = req.keys;
    if (keys !== undefined && keys.length > 0) {
      // keys.split(' ') without the array: every non-empty run between separators is a key.
      let start = 0;
      for (let i = 0; i <= keys.length; i++) {
        if (i < keys.length && keys.charCodeAt(i) !== KEY_SEPARATOR_CODE) continue;
        if (i > start) file = this.#put(file, toIndexKeyHash(continueJavaHash(prefixHash, keys, start, i)), phyOffset, storeTimestamp);
        start = i + 1;
      }
    }
  }

  /** Writes buffered entries to their files (one write per file); flush does it too. */
  commit(): void {
    for (const file of this.#sealed) file.commit();
    const last = this.#files.at(-1);
    if (last !== undefined && last.isResident) last.commit();
  }

  /**
   * Makes every key put so far durable (flushes run one at a time) and returns the endTimestamp
   * now durable in the newest file, for the checkpoint's indexMsgTimestamp (0 with no files).
   */
  flush(): Promise<number> {
    const run = this.#flushTail.then(() => this.#flushResident());
    this.#flushTail = run.catch(() => undefined);
    return run;
  }

  /**
   * Offsets of messages indexed under `<topic>#<key>` and stored within [begin, end], newest file
   * first, at most `maxNum` (Java also caps it with maxMsgsNumBatch: the caller's job here).
   */
  queryOffset(topic: string, key: string, maxNum: number, begin: number, end: number): QueryOffsetResult {
    const phyOffsets: number[] = [];
    let indexLastUpdateTimestamp = 0;
    let indexLastUpdatePhyoffset = 0;
    const keyHash = topicKeyHash(topic, key);
    for (let i = this.#files.length - 1; i >= 0; i--) {
      const file = this.#files[i] as IndexFile;
      if (i === this.#files.length - 1) {
        indexLastUpdateTimestamp = file.endTimestamp;
        indexLastUpdatePhyoffset = file.endPhyOffset;
      }
      if (file.isTimeMatched(begin, end)) file.selectPhyOffsetByHash(phyOffsets, keyHash, maxNum, begin, end);
      if (file.beginTimestamp < begin) break;
      if (phyOffsets.length >= maxNum) break;
    }
    return { phyOffsets, indexLastUpdateTimestamp, indexLastUpdatePhyoffset };
  }

  /**
   * Deletes the oldest files whose every entry points below `commitLogMinOffset`, stopping at the
   * first that does not; never the last file. Returns how many were deleted.
   */
  deleteExpiredFiles(commitLogMinOffset: number): number {
    let deleted = 0;
    while (this.#files.length > 1) {
      const file = this.#files[0] as IndexFile;
      // A file still waiting for its flush is left for a later run.
      if (file.endPhyOffset >= commitLogMinOffset || file.isResident) break;
      file.destroy();
      this.#files.shift();
      deleted++;
    }
    return deleted;
  }

  /**
   * Removes entries that point at or past `commitLogMaxOffset` (records recovery cut off), newest
   * first: whole files, then a suffix of the file that straddles the offset, which becomes the
   * file that takes keys. Without this, the skip rule of buildIndex would leave the records
   * written again at those offsets unindexed. Not in Java 4.9.8. Call before re-dispatching.
   */
  truncateDirty(commitLogMaxOffset: number): void {
    while (this.#files.length > 0) {
      const file = this.#files.at(-1) as IndexFile;
      if (file.endPhyOffset < commitLogMaxOffset) break;
      this.#sealed = this.#sealed.filter((f) => f !== file);
      if (file.indexCount <= 1 || file.beginPhyOffset >= commitLogMaxOffset) {
        this.#files.pop();
        file.destroy();
        continue;
      }
      file.loadSlots();
      file.truncateTo(file.firstEntryAtOrAfter(commitLogMaxOffset));
      break;
    }
    this.#durableEndTimestamp = Math.min(this.#durableEndTimestamp, this.#files.at(-1)?.endTimestamp ?? 0);
  }

  /** Waits for a running flush, persists what is in memory and closes every file. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#flushTail;
    let failure: unknown;
    for (const file of this.#files) {
      try {
        file.close();
      } catch (err) {
        failure ??= err;
      }
    }
    this.#files = [];
    this.#sealed = [];
    if (failure !== undefined) throw failure;
  }

  /** Closes and deletes every index file. */
  destroy(): void {
    for (const file of this.#files) file.destroy();
    this.#files = [];
    this.#sealed = [];
  }

  // ---- internals ----

  #put(file: IndexFile, keyHash: number, phyOffset: number, storeTimestamp: number): IndexFile {
    if (file.putKeyHash(keyHash, phyOffset, storeTimestamp)) return file;
    const next = this.#roll(file);
    assert(next.putKeyHash(keyHash, phyOffset, storeTimestamp), 'a new index file refused its first key');
    return next;
  }

  /** The last file when it has room, else a new one (Java's getAndCreateLastIndexFile). */
  #fileForKeys(): IndexFile {
    const last = this.#files.at(-1);
    if (last !== undefined && !last.isWriteFull) return last;
    return this.#roll(last);
  }

  #roll(full: IndexFile | undefined): IndexFile {
    if (full !== undefined && full.isResident) this.#sealed.push(full);
    this.#io.mkdirp(this.#dir);
    const file = IndexFile.create(
      this.#io,
      path.join(this.#dir, this.#nextFileName(full?.fileName)),
      this.#geometry,
      full === undefined ? undefined : { endPhyOffset: full.endPhyOffset, endTimestamp: full.endTimestamp },
    );
    this.#files.push(file);
    return file;
  }

  /**
   * The creation time, as Java names it, unless that would not sort after the last file (a clock
   * that stepped back, or two files in one millisecond): then the last name plus one. Names are
   * only ever sorted, never parsed, so such a name need not be a valid date.
   */
  #nextFileName(lastName: string | undefined): string {
    let name = indexFileName(this.#now());
    if (lastName !== undefined && name <= lastName) name = String(BigInt(lastName) + 1n);
    while (this.#io.exists(path.join(this.#dir, name))) name = String(BigInt(name) + 1n);
    return name;
  }

  async #flushResident(): Promise<number> {
    const targets = [...this.#sealed];
    const last = this.#files.at(-1);
    if (last !== undefined && last.isResident && !targets.includes(last)) targets.push(last);
    for (const file of targets) {
      if (file.isClosed) continue;
      await file.flush();
      // Files are flushed oldest first, so the last one flushed is the newest.
      if (!file.isClosed) this.#durableEndTimestamp = file.durableEndTimestamp;
    }
    this.#sealed = this.#sealed.filter((file) => {
      if (file.isClosed) return false;
      if (!file.isClean || file === this.#files.at(-1)) return true;
      file.release();
      return false;
    });
    return this.#durableEndTimestamp;
  }

  #isZeroLength(filePath: string): boolean {
    const fd = this.#io.open(filePath, false);
    try {
      return this.#io.fileSize(fd) === 0;
    } finally {
      this.#io.close(fd);
    }
  }
}
