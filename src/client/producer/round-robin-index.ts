// Owns: the rotating index a producer keeps per topic to spread sends over its queues (Java's
// sendWhichQueue), and that the fault table uses to pick among slow brokers.
// Counterpart: org.apache.rocketmq.client.common.ThreadLocalIndex (4.9.8).
//
// Java keeps one index per thread, starting at a random value so that producers started together
// do not all hit queue 0 first. Node has one thread, so one index per topic does the same job.

const POSITIVE_MASK = 0x7fffffff;

export class RoundRobinIndex {
  #value: number;

  /** `random` returns [0, 1), as Math.random; tests pass a fixed one. */
  constructor(random: () => number = Math.random) {
    this.#value = Math.floor(random() * POSITIVE_MASK);
  }

  /** Advances and returns the index: never negative, wraps at 2^31 as Java's int does. */
  next(): number {
    this.#value = (this.#value + 1) | 0;
    return this.#value & POSITIVE_MASK;
  }
}
