// Owns: the LitePullConsumer's buffer between its pull tasks and poll(): batches in the order they
// were pulled, the total count the flow control reads, and the wait of a poll for the next batch.
// Counterpart: DefaultLitePullConsumerImpl#consumeRequestCache (a LinkedBlockingQueue of
// ConsumeRequest) and the blocking part of its poll (4.9.8).
//
// Batches of one queue sit in offset order here and in their QueueState, so taking the first
// eligible batch keeps each queue's order. A paused queue's batches stay buffered and are skipped
// until it is resumed.

import assert from 'node:assert/strict';
import type { PolledBatch, QueueState } from './assigned-queues.js';

export class PollBuffer {
  readonly #ready: PolledBatch[] = [];
  readonly #waiters = new Set<() => void>();
  #messageCount = 0;

  /** Messages buffered over all queues. */
  get messageCount(): number {
    return this.#messageCount;
  }

  put(batch: PolledBatch): void {
    batch.state.append(batch);
    this.#ready.push(batch);
    this.#messageCount += batch.messages.length;
    this.wakeAll();
  }

  /** The oldest batch of a queue that is neither paused nor dropped, removed from the buffer. */
  take(): PolledBatch | undefined {
    const index = this.#ready.findIndex((b) => !b.state.paused && !b.state.dropped);
    if (index < 0) return undefined;
    const [batch] = this.#ready.splice(index, 1);
    if (batch === undefined) return undefined;
    const head = batch.state.takeHead();
    // A queue's batches enter both lists in the same order, so its first ready batch is its head.
    assert.equal(head, batch, `poll buffer out of order for ${batch.state.key}`);
    this.#messageCount -= batch.messages.length;
    return batch;
  }

  /** Discards a queue's batches (seek, or the queue left the assignment). */
  clear(state: QueueState): void {
    for (let i = this.#ready.length - 1; i >= 0; i--) if (this.#ready[i]!.state === state) this.#ready.splice(i, 1);
    this.#messageCount -= state.clearBatches();
  }

  /** Resolves when a batch arrives, wakeAll() is called, or after `timeoutMs`, whichever comes first. */
  waitForBatch(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      // Not unref'd: an application awaiting poll() is waiting on this timer.
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
  }

  /** Lets every waiting poll look again (a batch arrived, a queue resumed, the consumer stopped). */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
