// Owns: the bound on listener calls running at once (consumeThreadMax), the FIFO of calls waiting
// for a slot, and waiting for the running ones to finish (shutdown).
// Counterpart: the consumeExecutor ThreadPoolExecutor of ConsumeMessageConcurrentlyService and
// ConsumeMessageOrderlyService (4.9.8).
//
// Java bounds consumption by threads; here a listener returns a promise, so the bound is on
// promises outstanding. The waiting queue holds small closures over messages that already sit in
// process queues, which the pull thresholds bound.

export class ConsumeLimiter {
  readonly #max: number;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  #idle: Array<() => void> = [];
  #closed = false;

  constructor(max: number) {
    this.#max = max;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `task` once a slot is free. A task still waiting when the limiter closes never runs
   * (its messages stay cached, uncommitted, and are consumed again by whoever owns the queue next).
   */
  submit(task: () => Promise<void>): void {
    if (this.#closed) return;
    const run = (): void => {
      this.#running++;
      task()
        .catch(() => undefined) // tasks handle their own errors; this only keeps the slot accounting right
        .finally(() => {
          this.#running--;
          this.#next();
        });
    };
    if (this.#running < this.#max) run();
    else this.#waiting.push(run);
  }

  /** Stops starting tasks and resolves once the running ones finish, or after `timeoutMs`. */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    this.#waiting.length = 0;
    if (this.#running === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.#idle.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  #next(): void {
    if (!this.#closed) {
      const run = this.#waiting.shift();
      if (run !== undefined) return run();
    }
    if (this.#running === 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const resolve of idle) resolve();
    }
  }
}
