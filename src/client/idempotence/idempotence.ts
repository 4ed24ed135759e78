// Owns: running a consumer's business step at most once per message key, on top of a DedupStore:
// claim the key (CONSUMING, short expiry), do the work, then record it CONSUMED for the
// de-duplication window; on failure, release the key so a redelivery runs it again.
//
// Outcomes for a message:
//   key absent or expired  -> run the work -> CONSUMED (or released and the error rethrown)
//   key CONSUMED           -> DUPLICATE: acknowledge without running the work
//   key CONSUMING          -> IN_PROGRESS: another consumer is running it now; ask for
//                             redelivery later (if that consumer fails, the retry runs it)
//
// Exactly-once holds for the business step as long as the work finishes within consumingTtlMs
// (after that the key is considered abandoned and another consumer may take it over), and the
// window (consumedTtlMs) outlasts any redelivery.

import type { ReceivedMessage } from '../message.js';
import type { DedupStore } from './dedup-store.js';

export type IdempotentOutcome = 'CONSUMED' | 'DUPLICATE' | 'IN_PROGRESS';

export interface IdempotenceOptions {
  store: DedupStore;
  /** Prefix of every key, usually the consumer group: each group consumes a message once. */
  namespace?: string;
  /** The de-duplication key of a message: its msgId (UNIQ_KEY) by default, or a business key. */
  keyOf?: (message: ReceivedMessage) => string;
  /** How long a claim lasts while the work runs (default 10 min; longer than the work). */
  consumingTtlMs?: number;
  /** The de-duplication window: how long a consumed key is remembered (default 24 h). */
  consumedTtlMs?: number;
}

export class Idempotence {
  readonly #store: DedupStore;
  readonly #namespace: string;
  readonly #keyOf: (message: ReceivedMessage) => string;
  readonly #consumingTtlMs: number;
  readonly #consumedTtlMs: number;

  constructor(options: IdempotenceOptions) {
    this.#store = options.store;
    this.#namespace = options.namespace ?? '';
    this.#keyOf = options.keyOf ?? ((m) => m.msgId);
    this.#consumingTtlMs = options.consumingTtlMs ?? 10 * 60_000;
    this.#consumedTtlMs = options.consumedTtlMs ?? 24 * 3_600_000;
  }

  /** Runs `work` unless this key was consumed or is being consumed; rethrows the work's error. */
  async run(key: string, work: () => unknown): Promise<IdempotentOutcome> {
    const fullKey = this.#namespace === '' ? key : `${this.#namespace}:${key}`;
    const claim = await this.#store.acquire(fullKey, this.#consumingTtlMs);
    if (!claim.acquired) return claim.status === 'CONSUMED' ? 'DUPLICATE' : 'IN_PROGRESS';
    try {
      await work();
    } catch (err) {
      await this.#store.release(fullKey, claim.token);
      throw err;
    }
    await this.#store.markConsumed(fullKey, claim.token, this.#consumedTtlMs);
    return 'CONSUMED';
  }

  /** One message through `handler`, keyed by `keyOf`. */
  consume(message: ReceivedMessage, handler: (message: ReceivedMessage) => unknown): Promise<IdempotentOutcome> {
    return this.run(this.#keyOf(message), () => handler(message));
  }

  /**
   * A concurrent listener for PushConsumer that runs `handler` at most once per key. A batch is
   * acknowledged only when every message is consumed or a duplicate; a failure or a message in
   * progress elsewhere asks for redelivery (the ones done meanwhile come back as duplicates).
   */
  listener(handler: (message: ReceivedMessage) => unknown): (messages: ReceivedMessage[]) => Promise<'CONSUME_SUCCESS' | 'RECONSUME_LATER'> {
    return async (messages) => {
      for (const message of messages) {
        let outcome: IdempotentOutcome;
        try {
          outcome = await this.consume(message, handler);
        } catch {
          return 'RECONSUME_LATER'; // released: the redelivery runs it again
        }
        if (outcome === 'IN_PROGRESS') return 'RECONSUME_LATER';
      }
      return 'CONSUME_SUCCESS';
    };
  }
}
