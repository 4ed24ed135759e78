// Owns: the table of brokers a producer has seen fail or answer slowly, each with the time it is
// usable again, and the choice of a least-bad broker when every one is marked.
// Counterpart: org.apache.rocketmq.client.latency.LatencyFaultToleranceImpl (4.9.8).

import { RoundRobinIndex } from './round-robin-index.js';

/** What the table knows of one broker. */
export interface FaultItem {
  readonly brokerName: string;
  /** The latency of its last send (the isolation latency when it failed). */
  readonly currentLatencyMs: number;
  /** The broker is usable again from this time on (ms since the epoch). */
  readonly startTimestampMs: number;
}

/** Time source; tests step it by hand. */
export interface FaultClock {
  now(): number;
}

export class LatencyFaultTolerance {
  readonly #clock: FaultClock;
  readonly #items = new Map<string, FaultItem>();
  readonly #whichItemWorst: RoundRobinIndex;

  constructor(clock: FaultClock = { now: Date.now }, random: () => number = Math.random) {
    this.#clock = clock;
    this.#whichItemWorst = new RoundRobinIndex(random);
  }

  /** Records a send's latency: the broker is unavailable for `notAvailableDurationMs` from now. */
  updateFaultItem(brokerName: string, currentLatencyMs: number, notAvailableDurationMs: number): void {
    this.#items.set(brokerName, {
      brokerName,
      currentLatencyMs,
      startTimestampMs: this.#clock.now() + notAvailableDurationMs,
    });
  }

  /** True when the broker has no entry, or its entry's unavailable period is over. */
  isAvailable(brokerName: string): boolean {
    const item = this.#items.get(brokerName);
    return item === undefined || this.#available(item);
  }

  remove(brokerName: string): void {
    this.#items.delete(brokerName);
  }

  /**
   * A broker to try when no queue's broker is available: the table sorted best first (available,
   * then lower latency, then sooner usable), and one of its better half in turn. Undefined when
   * the table is empty.
   */
  pickOneAtLeast(): string | undefined {
    const sorted = [...this.#items.values()].sort((a, b) => this.#compare(a, b));
    const half = Math.floor(sorted.length / 2);
    if (sorted.length === 0) return undefined;
    if (half <= 0) return sorted[0]!.brokerName;
    return sorted[this.#whichItemWorst.next() % half]!.brokerName;
  }

  /** The entries, for diagnostics and tests. */
  items(): FaultItem[] {
    return [...this.#items.values()];
  }

  #available(item: FaultItem): boolean {
    return this.#clock.now() - item.startTimestampMs >= 0;
  }

  #compare(a: FaultItem, b: FaultItem): number {
    const availableA = this.#available(a);
    if (availableA !== this.#available(b)) return availableA ? -1 : 1;
    if (a.currentLatencyMs !== b.currentLatencyMs) return a.currentLatencyMs - b.currentLatencyMs;
    return a.startTimestampMs - b.startTimestampMs;
  }
}
