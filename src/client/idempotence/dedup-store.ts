// Owns: the contract of a de-duplication store: a record per message key that says "someone is
// consuming this" (with a short expiry, so a crashed consumer does not block the key for ever)
// and then "this was consumed" (with a long expiry: the de-duplication window).
// Counterpart: none in Apache RocketMQ (which delivers at least once); this is the seeds'
// "message de-duplication" chapter: a table keyed by message id, checked before the business
// step, with mutual exclusion so two consumers racing on one message cannot both run it.

export type DedupStatus = 'CONSUMING' | 'CONSUMED';

/** What acquire found: the key is ours now, or someone else's record was there. */
export type AcquireResult = { acquired: true; token: string } | { acquired: false; status: DedupStatus };

export interface DedupStore {
  /**
   * Atomically records `key` as CONSUMING for `ttlMs` when no live record exists (an expired one
   * counts as none). Only one caller, across processes, can acquire a key at a time.
   */
  acquire(key: string, ttlMs: number): Promise<AcquireResult>;
  /** Turns our CONSUMING record into CONSUMED for `ttlMs` (the de-duplication window). */
  markConsumed(key: string, token: string, ttlMs: number): Promise<void>;
  /** Removes our CONSUMING record (the work failed), so a redelivery can run it again. */
  release(key: string, token: string): Promise<void>;
  close(): Promise<void>;
}

/** A token unique to one acquisition: who holds the record, so only the holder changes it. */
export function newToken(): string {
  return `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
