// Owns: pulls that found nothing and asked to wait (long polling). Each waits until a message for
// its queue arrives that passes its filter (the store's dispatch wakes it) or until its own
// timeout; then the pull runs again and its answer is written.
// Counterpart: org.apache.rocketmq.broker.longpolling.PullRequestHoldService (+ NotifyMessageArrivingListener).

export interface HeldPull {
  readonly topic: string;
  readonly queueId: number;
  /** The queue offset the pull asked for: a message at or past it wakes the pull. */
  readonly queueOffset: number;
  readonly matches: (tagsCode: number) => boolean;
  /** Runs the pull again (no further suspension) and writes its answer. */
  readonly resume: () => void;
}

interface Entry {
  readonly pull: HeldPull;
  timer: NodeJS.Timeout | null;
}

export class PullHoldService {
  readonly #held = new Map<string, Set<Entry>>();
  #count = 0;

  /** Pulls waiting now (metrics, tests). */
  get size(): number {
    return this.#count;
  }

  hold(pull: HeldPull, timeoutMs: number): void {
    const key = `${pull.topic}@${pull.queueId}`;
    let entries = this.#held.get(key);
    if (entries === undefined) {
      entries = new Set();
      this.#held.set(key, entries);
    }
    const entry: Entry = { pull, timer: null };
    entry.timer = setTimeout(() => this.#release(key, entry), Math.max(0, timeoutMs));
    entries.add(entry);
    this.#count++;
  }

  /** A message arrived at `queueOffset - 1` (the queue's new max is `queueOffset`). */
  notifyMessageArriving(topic: string, queueId: number, maxOffset: number, tagsCode: number): void {
    const key = `${topic}@${queueId}`;
    const entries = this.#held.get(key);
    if (entries === undefined) return;
    for (const entry of entries) {
      if (maxOffset > entry.pull.queueOffset && entry.pull.matches(tagsCode)) this.#release(key, entry);
    }
  }

  #release(key: string, entry: Entry): void {
    const entries = this.#held.get(key);
    if (entries === undefined || !entries.delete(entry)) return;
    if (entries.size === 0) this.#held.delete(key);
    this.#count--;
    if (entry.timer !== null) clearTimeout(entry.timer);
    entry.pull.resume();
  }

  /** Answers every held pull now (shutdown). */
  releaseAll(): void {
    for (const [key, entries] of this.#held) {
      for (const entry of [...entries]) this.#release(key, entry);
    }
  }
}
