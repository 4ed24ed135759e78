// Owns: the queues a LitePullConsumer reads, each with its offsets (next pull, consumed, pending
// seek), its paused and dropped flags, and its share of the poll buffer (the batches pulled and not
// yet polled, with their count, body bytes and offset span, which the flow control reads).
// Counterpart: org.apache.rocketmq.client.impl.consumer.AssignedMessageQueue and the parts of
// ProcessQueue the lite consumer uses (putMessage, removeMessage, getMaxSpan, msgCount, msgSize) (4.9.8).
//
// Offsets are queue offsets; -1 means "none yet", as in Java.

import { messageQueueKey, type MessageQueue, type ReceivedMessage } from '../message.js';

/** Messages of one pull, buffered until a poll returns them. */
export interface PolledBatch {
  readonly state: QueueState;
  readonly messages: ReceivedMessage[];
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly bodyBytes: number;
}

export class QueueState {
  readonly mq: MessageQueue;
  readonly key: string;
  paused = false;
  /** Set when the queue leaves the assignment: its pulls stop and its batches are discarded. */
  dropped = false;
  /** Where the next pull starts; -1 until the start offset is computed. */
  pullOffset = -1;
  /** The offset after the last polled message: what a commit stores. */
  consumeOffset = -1;
  /** A seek not yet taken up by the pull task. */
  seekOffset = -1;
  readonly #batches: PolledBatch[] = [];
  #messageCount = 0;
  #bodyBytes = 0;

  constructor(mq: MessageQueue) {
    this.mq = { topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId };
    this.key = messageQueueKey(mq);
  }

  get messageCount(): number {
    return this.#messageCount;
  }

  get bodyBytes(): number {
    return this.#bodyBytes;
  }

  /** Offsets between the first and the last buffered message (Java ProcessQueue#getMaxSpan). */
  get maxSpan(): number {
    const first = this.#batches[0];
    const last = this.#batches[this.#batches.length - 1];
    return first === undefined || last === undefined ? 0 : last.lastOffset - first.firstOffset;
  }

  /** The batch a poll would take next from this queue. */
  get head(): PolledBatch | undefined {
    return this.#batches[0];
  }

  append(batch: PolledBatch): void {
    this.#batches.push(batch);
    this.#messageCount += batch.messages.length;
    this.#bodyBytes += batch.bodyBytes;
  }

  /**
   * Removes the head batch (which a poll returns) and moves consumeOffset past it: to the next
   * buffered message, or one past the batch when nothing else is buffered (Java removeMessage).
   */
  takeHead(): PolledBatch | undefined {
    const batch = this.#batches.shift();
    if (batch === undefined) return undefined;
    this.#messageCount -= batch.messages.length;
    this.#bodyBytes -= batch.bodyBytes;
    this.consumeOffset = this.#batches[0]?.firstOffset ?? batch.lastOffset + 1;
    return batch;
  }

  /** Forgets every buffered batch (seek, drop); returns how many messages were forgotten. */
  clearBatches(): number {
    const count = this.#messageCount;
    this.#batches.length = 0;
    this.#messageCount = 0;
    this.#bodyBytes = 0;
    return count;
  }
}

export interface AssignmentChange {
  added: QueueState[];
  removed: QueueState[];
}

export class AssignedQueues {
  readonly #states = new Map<string, QueueState>();

  get(mq: MessageQueue): QueueState | undefined {
    return this.#states.get(messageQueueKey(mq));
  }

  has(mq: MessageQueue): boolean {
    return this.#states.has(messageQueueKey(mq));
  }

  states(): QueueState[] {
    return [...this.#states.values()];
  }

  queues(): MessageQueue[] {
    return this.states().map((s) => s.mq);
  }

  topics(): Set<string> {
    return new Set(this.states().map((s) => s.mq.topic));
  }

  /**
   * Makes `assigned` the queues of `topic` (or, with topic undefined, the whole assignment, as
   * assign() does): queues no longer listed are removed and marked dropped, new ones get a fresh
   * state, kept ones keep theirs.
   */
  update(topic: string | undefined, assigned: readonly MessageQueue[]): AssignmentChange {
    const wanted = new Map(assigned.map((mq) => [messageQueueKey(mq), mq]));
    const removed: QueueState[] = [];
    for (const [key, state] of this.#states) {
      if (topic !== undefined && state.mq.topic !== topic) continue;
      if (wanted.has(key)) continue;
      state.dropped = true;
      this.#states.delete(key);
      removed.push(state);
    }
    const added: QueueState[] = [];
    for (const [key, mq] of wanted) {
      if (this.#states.has(key)) continue;
      const state = new QueueState(mq);
      this.#states.set(key, state);
      added.push(state);
    }
    return { added, removed };
  }

  /** Removes every queue of a topic (unsubscribe). */
  removeTopic(topic: string): QueueState[] {
    return this.update(topic, []).removed;
  }

  /** Queues not assigned are ignored, as Java does. */
  setPaused(mqs: Iterable<MessageQueue>, paused: boolean): QueueState[] {
    const changed: QueueState[] = [];
    for (const mq of mqs) {
      const state = this.get(mq);
      if (state === undefined) continue;
      state.paused = paused;
      changed.push(state);
    }
    return changed;
  }
}
