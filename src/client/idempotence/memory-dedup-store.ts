// Owns: an in-process de-duplication store with a bounded window: records expire, and beyond
// `entriesMax` the oldest are dropped. For a single consumer process (tests, small services);
// consumers in several processes need a shared store (FileDedupStore, RedisDedupStore).

import { type AcquireResult, type DedupStatus, type DedupStore, newToken } from './dedup-store.js';

interface Entry {
  status: DedupStatus;
  token: string;
  expiresAtMs: number;
}

export interface MemoryDedupStoreOptions {
  /** Records kept at most; the oldest go first (default 100,000). */
  entriesMax?: number;
  now?: () => number;
}

export class MemoryDedupStore implements DedupStore {
  readonly #entries = new Map<string, Entry>();
  readonly #entriesMax: number;
  readonly #now: () => number;

  constructor(options: MemoryDedupStoreOptions = {}) {
    this.#entriesMax = options.entriesMax ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  async acquire(key: string, ttlMs: number): Promise<AcquireResult> {
    const now = this.#now();
    const existing = this.#entries.get(key);
    if (existing !== undefined && existing.expiresAtMs > now) return { acquired: false, status: existing.status };
    const token = newToken();
    this.#set(key, { status: 'CONSUMING', token, expiresAtMs: now + ttlMs });
    return { acquired: true, token };
  }

  async markConsumed(key: string, token: string, ttlMs: number): Promise<void> {
    if (this.#entries.get(key)?.token !== token) return;
    this.#set(key, { status: 'CONSUMED', token, expiresAtMs: this.#now() + ttlMs });
  }

  async release(key: string, token: string): Promise<void> {
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  #set(key: string, entry: Entry): void {
    // Re-inserting moves the key to the end: Map order is then oldest-first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#entriesMax) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
