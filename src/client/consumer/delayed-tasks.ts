// Owns: the delayed work of one consumer (pulls put off by flow control or errors, consumption
// retried later, lock retries), so shutdown can cancel all of it at once.
// Counterpart: the scheduledExecutorService of PullMessageService and the consume services (4.9.8).
//
// The timers keep the process alive while the consumer runs, as Java's non-daemon threads keep a
// JVM alive; shutdown() clears them. "Now" runs on setImmediate: setTimeout(0) waits at least a
// millisecond, which would be added to every pull of a busy queue.

export class DelayedTasks {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #immediates = new Set<NodeJS.Immediate>();
  readonly #onError: (err: unknown) => void;
  #closed = false;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  /** Runs `task` after `delayMs` (0: on the next turn of the event loop) unless cancelled first. */
  later(delayMs: number, task: () => unknown): void {
    if (this.#closed) return;
    if (delayMs <= 0) {
      const immediate = setImmediate(() => {
        this.#immediates.delete(immediate);
        this.#run(task);
      });
      this.#immediates.add(immediate);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#run(task);
    }, delayMs);
    this.#timers.add(timer);
  }

  get pending(): number {
    return this.#timers.size + this.#immediates.size;
  }

  cancelAll(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    for (const immediate of this.#immediates) clearImmediate(immediate);
    this.#timers.clear();
    this.#immediates.clear();
  }

  #run(task: () => unknown): void {
    if (this.#closed) return;
    try {
      const result = task();
      if (result instanceof Promise) result.catch(this.#onError);
    } catch (err) {
      this.#onError(err);
    }
  }
}
