// Owns: the clock seam: what time-driven code reads instead of Date.now(), and an adjustable clock
// (the system time plus an offset that can move forward or back) for tests that compress time.
// Counterpart: none (Java reads System.currentTimeMillis() directly).
//
// A broker runs on one AdjustableClock: store timestamps, delay levels and retries all read it,
// so moving its offset (broker.conf key clockOffsetMs, live) makes a 2 h delay level due at once
// without any component knowing it was moved.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** `base()` plus an offset in ms. */
export class AdjustableClock implements Clock {
  readonly #base: () => number;
  #offsetMs: number;

  constructor(offsetMs = 0, base: () => number = Date.now) {
    this.#base = base;
    this.#offsetMs = checkedOffset(offsetMs);
  }

  now(): number {
    return this.#base() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Sets the offset from the base clock (it may also move back: nothing here forbids that). */
  set offsetMs(value: number) {
    this.#offsetMs = checkedOffset(value);
  }

  /** Moves the clock forward by `ms` (backward when negative). */
  advance(ms: number): void {
    this.offsetMs = this.#offsetMs + ms;
  }
}

function checkedOffset(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`clock offset must be a safe integer of ms, got ${value}`);
  return value;
}
