// Owns: polling a condition until it holds or a deadline passes, the only way tests wait.
// Counterpart: none (test support).
//
// Tests never sleep a fixed time: they state what they wait for, how long it may take, and what
// to say when it does not happen.

export interface WaitForOptions {
  /** Give up after this long; default 5000. */
  timeoutMs?: number;
  /** Pause between two checks; default 20. */
  intervalMs?: number;
  /** What was awaited, for the error message. */
  message?: string;
}

export class WaitForTimeoutError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WaitForTimeoutError';
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves with the milliseconds waited once `condition` returns true. A condition that throws
 * counts as "not yet" (a socket may still be reconnecting); its last error becomes the cause of
 * the WaitForTimeoutError thrown at the deadline. The condition is checked once more at the
 * deadline, so a slow check is never cut short.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, options: WaitForOptions = {}): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 20;
  const started = performance.now();
  const deadline = started + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return performance.now() - started;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const now = performance.now();
    if (now >= deadline) break;
    await pause(Math.min(intervalMs, deadline - now));
  }
  const what = options.message ?? 'condition';
  const detail = lastError instanceof Error ? ` (last check threw: ${lastError.message})` : '';
  throw new WaitForTimeoutError(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`, lastError === undefined ? undefined : { cause: lastError });
}
