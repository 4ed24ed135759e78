// Owns: every ConsumeQueue of a store, keyed topic -> queueId: finding them on disk at startup,
// creating them on first dispatch, and running recovery, commit, flush, truncation and
// retention across all of them. Keeps the set of queues with uncommitted entries, so the
// per-turn commit touches only those.
// Counterpart: the consumeQueueTable of org.apache.rocketmq.store.DefaultMessageStore (4.9.8):
// loadConsumeQueue, findConsumeQueue, recoverConsumeQueue, truncateDirtyLogicFiles,
// recoverTopicQueueTable, CleanConsumeQueueService, deleteTopics.

import path from 'node:path';
import type { FileIO } from '../io/file-io.js';
import { ConsumeQueue } from './consume-queue.js';

const QUEUE_ID_DIR = /^\d+$/;

export class ConsumeQueueTable {
  readonly io: FileIO;
  /** The `consumequeue` directory. */
  readonly root: string;
  readonly fileSize: number;
  readonly #table = new Map<string, Map<number, ConsumeQueue>>();
  /** Queues with entries put since their last commit. */
  readonly #dirty = new Set<ConsumeQueue>();
  readonly #markDirty = (queue: ConsumeQueue): void => {
    this.#dirty.add(queue);
  };

  constructor(io: FileIO, consumeQueueRoot: string, fileSize: number) {
    this.io = io;
    this.root = consumeQueueRoot;
    this.fileSize = fileSize;
  }

  /** Opens every `<topic>/<queueId>` directory under the root (positions set by recoverAll). */
  load(): void {
    this.io.mkdirp(this.root);
    for (const topic of this.io.list(this.root).sort()) {
      const topicDir = path.join(this.root, topic);
      if (!this.io.isDirectory(topicDir)) continue;
      for (const name of this.io.list(topicDir)) {
        // Compat: Java skips a queue directory whose name does not parse as an int.
        if (!QUEUE_ID_DIR.test(name) || !this.io.isDirectory(path.join(topicDir, name))) continue;
        const queueId = Number(name);
        if (!Number.isSafeInteger(queueId)) continue;
        const queue = this.#create(topic, queueId);
        queue.load();
      }
    }
  }

  get(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.#table.get(topic)?.get(queueId);
  }

  /** The queue, created empty (no file until its first commit) when it does not exist. */
  findOrCreate(topic: string, queueId: number): ConsumeQueue {
    return this.get(topic, queueId) ?? this.#create(topic, queueId);
  }

  /** Dispatch shortcut: findOrCreate + putEntry. */
  putEntry(topic: string, queueId: number, commitLogOffset: number, size: number, tagsCode: number, queueOffset: number): void {
    this.findOrCreate(topic, queueId).putEntry(commitLogOffset, size, tagsCode, queueOffset);
  }

  /** Recovers every queue; returns the largest maxPhysicOffset (-1 when no queue holds an entry). */
  recoverAll(): number {
    for (const queue of this.#queues()) queue.recover();
    this.#dirty.clear();
    return this.maxPhysicOffset();
  }

  /** Writes the pending entries of every queue touched since the last call. */
  commitAll(): void {
    for (const queue of this.#dirty) {
      queue.commit();
      this.#dirty.delete(queue);
    }
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.#queues()].map((queue) => queue.flush()));
  }

  flushAllSync(): void {
    for (const queue of this.#queues()) queue.flushSync();
  }

  /** Drops, in every queue, the entries at or beyond `commitLogMaxOffset`. */
  truncateDirty(commitLogMaxOffset: number): void {
    for (const queue of this.#queues()) queue.truncateDirty(commitLogMaxOffset);
    this.#dirty.clear();
  }

  /** Largest CommitLog end indexed by any queue (where dispatch resumes); -1 when none. */
  maxPhysicOffset(): number {
    let max = -1;
    for (const queue of this.#queues()) max = Math.max(max, queue.maxPhysicOffset);
    return max;
  }

  /** After recovery: every queue's min offset follows the CommitLog's first kept byte. */
  correctMinOffsetAll(commitLogMinOffset: number): void {
    for (const queue of this.#queues()) queue.correctMinOffset(commitLogMinOffset);
  }

  /** Retention: deletes files pointing wholly below `commitLogMinOffset`; returns how many went. */
  deleteExpired(commitLogMinOffset: number): number {
    let deleted = 0;
    for (const queue of this.#queues()) deleted += queue.deleteExpiredFiles(commitLogMinOffset);
    return deleted;
  }

  /** Deletes every queue of `topic` and its directory. */
  destroyQueue(topic: string): void {
    const queues = this.#table.get(topic);
    if (queues !== undefined) {
      for (const queue of queues.values()) {
        this.#dirty.delete(queue);
        queue.destroy();
      }
      this.#table.delete(topic);
    }
    this.io.rmdir(path.join(this.root, topic));
  }

  topics(): string[] {
    return [...this.#table.keys()];
  }

  queueIds(topic: string): number[] {
    return [...(this.#table.get(topic)?.keys() ?? [])].sort((a, b) => a - b);
  }

  /** `${topic}-${queueId}` -> maxOffsetInQueue, which seeds the CommitLog's next queue offsets. */
  queueOffsetTable(): Map<string, number> {
    const table = new Map<string, number>();
    for (const queue of this.#queues()) table.set(`${queue.topic}-${queue.queueId}`, queue.maxOffsetInQueue);
    return table;
  }

  /** Commits what is pending and closes every file. */
  closeAll(): void {
    for (const queue of this.#queues()) queue.close();
    this.#dirty.clear();
  }

  *#queues(): IterableIterator<ConsumeQueue> {
    for (const queues of this.#table.values()) yield* queues.values();
  }

  #create(topic: string, queueId: number): ConsumeQueue {
    let queues = this.#table.get(topic);
    if (queues === undefined) {
      queues = new Map();
      this.#table.set(topic, queues);
    }
    const queue = new ConsumeQueue(this.io, this.root, topic, queueId, this.fileSize, this.#markDirty);
    queues.set(queueId, queue);
    return queue;
  }
}
