// Owns: where a consumer keeps its consumed offsets: on the brokers (clustering) or in a local
// file (broadcasting, where every client consumes everything and offsets are its own business).
// Counterpart: org.apache.rocketmq.client.consumer.store.{OffsetStore,RemoteBrokerOffsetStore,
// LocalFileOffsetStore} (4.9.8).
//
// Offsets are queue offsets: the next message to consume. -1 means "none known".

import fs from 'node:fs';
import path from 'node:path';
import { encodeMessageQueueMap, parseMessageQueueKeyed } from '../../remoting/requests/admin-broker.js';
import { queryConsumerOffset, updateConsumerOffset } from '../connection/broker-api.js';
import type { ClientInstance } from '../connection/client-instance.js';
import { messageQueueKey, type MessageQueue } from '../message.js';

export type ReadOffsetType = 'READ_FROM_MEMORY' | 'READ_FROM_STORE' | 'MEMORY_FIRST_THEN_STORE';

export interface OffsetStore {
  load(): Promise<void>;
  /** Records a consumed offset; with increaseOnly a smaller value never replaces a larger one. */
  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void;
  /** The offset to resume from, or -1 when none is known. */
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Commits the offsets of these queues and forgets the others. */
  persistAll(mqs: Iterable<MessageQueue>): Promise<void>;
  persist(mq: MessageQueue): Promise<void>;
  removeOffset(mq: MessageQueue): void;
}

interface Entry {
  mq: MessageQueue;
  offset: number;
}

abstract class MemoryOffsets {
  protected readonly table = new Map<string, Entry>();

  updateOffset(mq: MessageQueue, offset: number, increaseOnly: boolean): void {
    const key = messageQueueKey(mq);
    const entry = this.table.get(key);
    if (entry === undefined) this.table.set(key, { mq, offset });
    else if (!increaseOnly || offset > entry.offset) entry.offset = offset;
  }

  memoryOffset(mq: MessageQueue): number | undefined {
    return this.table.get(messageQueueKey(mq))?.offset;
  }

  removeOffset(mq: MessageQueue): void {
    this.table.delete(messageQueueKey(mq));
  }
}

/** Clustering: the broker holds the group's offsets; commits are oneway, as Java's. */
export class RemoteOffsetStore extends MemoryOffsets implements OffsetStore {
  readonly #instance: ClientInstance;
  readonly #group: string;

  constructor(instance: ClientInstance, group: string) {
    super();
    this.#instance = instance;
    this.#group = group;
  }

  async load(): Promise<void> {
    // Nothing local: offsets are read from the broker when a queue is assigned.
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== 'READ_FROM_STORE') {
      const memory = this.memoryOffset(mq);
      if (memory !== undefined || type === 'READ_FROM_MEMORY') return memory ?? -1;
    }
    const stored = await queryConsumerOffset(this.#instance, this.#group, mq);
    if (stored === undefined) return -1;
    this.updateOffset(mq, stored, false);
    return stored;
  }

  async persistAll(mqs: Iterable<MessageQueue>): Promise<void> {
    const keep = new Set<string>();
    for (const mq of mqs) {
      keep.add(messageQueueKey(mq));
      await this.persist(mq);
    }
    for (const key of [...this.table.keys()]) if (!keep.has(key)) this.table.delete(key);
  }

  async persist(mq: MessageQueue): Promise<void> {
    const offset = this.memoryOffset(mq);
    if (offset === undefined || offset < 0) return;
    await updateConsumerOffset(this.#instance, this.#group, mq, offset);
  }

  /** A synchronous commit (UPDATE_CONSUMER_OFFSET answered), for commitSync and shutdown. */
  async persistSync(mq: MessageQueue): Promise<void> {
    const offset = this.memoryOffset(mq);
    if (offset === undefined || offset < 0) return;
    await updateConsumerOffset(this.#instance, this.#group, mq, offset, false);
  }
}

/**
 * Broadcasting: `<dir>/<clientId>/<group>/offsets.json`, in Java's OffsetSerializeWrapper format
 * (fastjson, MessageQueue beans as keys), written to a temp file and renamed, previous copy kept
 * as offsets.json.bak.
 */
export class LocalFileOffsetStore extends MemoryOffsets implements OffsetStore {
  readonly #file: string;

  constructor(dir: string, clientId: string, group: string) {
    super();
    this.#file = path.join(dir, clientId, group, 'offsets.json');
  }

  get file(): string {
    return this.#file;
  }

  async load(): Promise<void> {
    for (const [mq, offset] of await this.#readFile()) this.updateOffset(mq, offset, false);
  }

  /** The file's offsets (the backup's when the file is absent or torn), or none. */
  async #readFile(): Promise<Array<[MessageQueue, number]>> {
    for (const candidate of [this.#file, `${this.#file}.bak`]) {
      let text: string;
      try {
        text = await fs.promises.readFile(candidate, 'utf8');
      } catch {
        continue; // absent: try the backup, then start empty
      }
      try {
        const parsed = parseMessageQueueKeyed(text) as { offsetTable?: Record<string, number> };
        return Object.entries(parsed.offsetTable ?? {}).map(([key, offset]) => {
          const mq = JSON.parse(key) as MessageQueue;
          return [{ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId }, offset];
        });
      } catch {
        continue; // torn or foreign content: the backup is the previous good copy
      }
    }
    return [];
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type === 'READ_FROM_STORE') {
      // Only this queue's entry is refreshed, as Java's: the others may hold newer, unsaved offsets.
      const key = messageQueueKey(mq);
      const stored = (await this.#readFile()).find(([m]) => messageQueueKey(m) === key);
      if (stored === undefined) return -1;
      this.updateOffset(mq, stored[1], false);
      return stored[1];
    }
    return this.memoryOffset(mq) ?? -1;
  }

  async persistAll(mqs: Iterable<MessageQueue>): Promise<void> {
    const entries: Array<[MessageQueue, number]> = [];
    for (const mq of mqs) {
      const offset = this.memoryOffset(mq);
      if (offset !== undefined) entries.push([mq, offset]);
    }
    if (entries.length === 0) return;
    const text = '{"offsetTable":' + encodeMessageQueueMap(entries) + '}';
    await fs.promises.mkdir(path.dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp`;
    await fs.promises.writeFile(tmp, text);
    await fs.promises.copyFile(this.#file, `${this.#file}.bak`).catch(() => undefined); // first write: nothing to back up
    await fs.promises.rename(tmp, this.#file);
  }

  /** The file holds every queue, so one queue's commit writes them all. */
  async persist(_mq: MessageQueue): Promise<void> {
    await this.persistAll([...this.table.values()].map((e) => e.mq));
  }
}
