// Owns: the LitePullConsumer's pull tasks, one per assigned queue: each round checks pause and the
// buffer thresholds (flow control), finds the offset to pull from (a pending seek, the last pull's
// end, else the committed offset or consumeFromWhere), long-polls the broker and buffers what came.
// Counterpart: DefaultLitePullConsumerImpl.PullTaskImpl and its nextPullOffset (4.9.8).
//
// A task is a loop of rounds separated by pauses. Cancelling a task (seek, rebalance, shutdown)
// ends it at its next check; a pull that was out when it was cancelled is dropped on return,
// as Java drops it when a seek happened meanwhile.

import type { Logger } from 'pino';
import { MQError } from '../../common/mq-error.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import type { SubscriptionData } from '../../remoting/requests/client.js';
import type { QueueState } from './assigned-queues.js';
import type { ResolvedLitePullConfig } from './lite-pull-config.js';
import type { PollBuffer } from './poll-buffer.js';
import type { PullApi } from './pull-api.js';

/** What the tasks need from their consumer. */
export interface PullTaskContext {
  readonly config: ResolvedLitePullConfig;
  readonly buffer: PollBuffer;
  readonly pullApi: PullApi;
  readonly logger: Logger;
  running(): boolean;
  subscriptionOf(topic: string): SubscriptionData;
  /** Where a queue with no pull position starts: its committed offset, else by consumeFromWhere. */
  startOffset(state: QueueState): Promise<number>;
}

interface PullTask {
  readonly state: QueueState;
  cancelled: boolean;
  /** Ends the task's current pause early. */
  wake: (() => void) | undefined;
  /** Failed rounds in a row, so only the first one is logged as a warning. */
  failures: number;
}

/** Java's PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL, ..._WHEN_BROKER_FLOW_CONTROL, ..._WHEN_PAUSE, ..._ON_EXCEPTION. */
const DELAY_MS_WHEN_CACHE_FLOW_CONTROL = 50;
const DELAY_MS_WHEN_BROKER_FLOW_CONTROL = 20;
const DELAY_MS_WHEN_PAUSE = 1000;
const DELAY_MS_ON_OFFSET_EXCEPTION = 3000;
const FLOW_CONTROL_LOG_EVERY = 1000;
const MIB = 1024 * 1024;
/** A round returns this instead of a delay when its task must end. */
const END = -1;

export class LitePullTasks {
  readonly #ctx: PullTaskContext;
  readonly #tasks = new Map<string, PullTask>();
  #flowControlTimes = 0;

  constructor(ctx: PullTaskContext) {
    this.#ctx = ctx;
  }

  /** How many times a pull was held back because a threshold was crossed. */
  get flowControlTimes(): number {
    return this.#flowControlTimes;
  }

  /** Starts the queue's task unless it has one. */
  start(state: QueueState): void {
    if (this.#tasks.has(state.key) || !this.#ctx.running()) return;
    const task: PullTask = { state, cancelled: false, wake: undefined, failures: 0 };
    this.#tasks.set(state.key, task);
    void this.#run(task);
  }

  cancel(state: QueueState): void {
    const task = this.#tasks.get(state.key);
    if (task === undefined) return;
    task.cancelled = true;
    task.wake?.();
    this.#tasks.delete(state.key);
  }

  cancelAll(): void {
    for (const task of this.#tasks.values()) {
      task.cancelled = true;
      task.wake?.();
    }
    this.#tasks.clear();
  }

  /** Ends the queue task's pause now (resume). */
  wake(state: QueueState): void {
    this.#tasks.get(state.key)?.wake?.();
  }

  async #run(task: PullTask): Promise<void> {
    while (!task.cancelled && this.#ctx.running()) {
      const delayMs = await this.#round(task);
      if (delayMs === END) return;
      if (delayMs > 0) await sleepUnlessWoken(task, delayMs);
    }
  }

  /** One round of a queue's task: the delay before the next round, or END. */
  async #round(task: PullTask): Promise<number> {
    const { state } = task;
    const { config: c, buffer, logger } = this.#ctx;
    if (state.dropped) return END;
    if (state.paused) return DELAY_MS_WHEN_PAUSE;
    if (buffer.messageCount > c.pullThresholdForAll) return this.#flowControl(state, 'the buffered message count of all queues exceeds pullThresholdForAll');
    if (state.messageCount > c.pullThresholdForQueue) return this.#flowControl(state, 'the buffered message count of the queue exceeds pullThresholdForQueue');
    if (Math.floor(state.bodyBytes / MIB) > c.pullThresholdSizeForQueue) return this.#flowControl(state, 'the buffered message size of the queue exceeds pullThresholdSizeForQueue');
    if (state.maxSpan > c.consumeMaxSpan) return this.#flowControl(state, 'the buffered messages of the queue span more than consumeMaxSpan');

    let queueOffset: number;
    try {
      queueOffset = await this.#nextPullOffset(state);
    } catch (err) {
      logger.warn({ err, mq: state.key }, 'cannot compute where the queue starts');
      return DELAY_MS_ON_OFFSET_EXCEPTION;
    }
    if (task.cancelled || state.dropped) return END;
    try {
      const result = await this.#ctx.pullApi.pull({
        group: c.consumerGroup,
        mq: state.mq,
        queueOffset,
        maxMsgNums: c.pullBatchSize,
        subscription: this.#ctx.subscriptionOf(state.mq.topic),
        suspendTimeoutMs: c.brokerSuspendMaxTimeMillis,
        timeoutMs: c.consumerTimeoutMillisWhenSuspend,
        litePull: true,
      });
      // A seek or a rebalance while the pull was out: its messages belong to nobody now.
      if (task.cancelled || state.dropped) return END;
      if (result.status === 'FOUND' && result.messages.length > 0 && state.seekOffset === -1) {
        const messages = result.messages;
        let bodyBytes = 0;
        for (const m of messages) bodyBytes += m.body.length;
        buffer.put({ state, messages, firstOffset: messages[0]!.queueOffset, lastOffset: messages[messages.length - 1]!.queueOffset, bodyBytes });
      } else if (result.status === 'OFFSET_ILLEGAL') {
        logger.warn({ mq: state.key, queueOffset, nextBeginOffset: result.nextBeginOffset }, 'the pull offset is illegal, moving to the broker\'s');
      }
      if (state.seekOffset === -1) state.pullOffset = result.nextBeginOffset;
      task.failures = 0;
      return 0;
    } catch (err) {
      if (task.cancelled || state.dropped) return END;
      if (err instanceof MQError && err.code === ResponseCode.FLOW_CONTROL) return DELAY_MS_WHEN_BROKER_FLOW_CONTROL;
      // The first failure in a row is worth a warning; a broker that stays away would flood the log.
      if (task.failures++ === 0) logger.warn({ err, mq: state.key }, 'pull failed, retrying');
      else logger.debug({ err, mq: state.key }, 'pull failed again');
      return c.pullTimeDelayMillsWhenException;
    }
  }

  #flowControl(state: QueueState, why: string): number {
    if (this.#flowControlTimes++ % FLOW_CONTROL_LOG_EVERY === 0) {
      this.#ctx.logger.warn(
        { mq: state.key, queueCount: state.messageCount, queueBytes: state.bodyBytes, totalCount: this.#ctx.buffer.messageCount, flowControlTimes: this.#flowControlTimes },
        `pull paused: ${why}`,
      );
    }
    return DELAY_MS_WHEN_CACHE_FLOW_CONTROL;
  }

  /** A pending seek (which also becomes the consumed offset), else where the last pull ended, else the start offset. */
  async #nextPullOffset(state: QueueState): Promise<number> {
    if (state.seekOffset !== -1) {
      const offset = state.seekOffset;
      state.consumeOffset = offset;
      state.seekOffset = -1;
      return offset;
    }
    if (state.pullOffset !== -1) return state.pullOffset;
    return this.#ctx.startOffset(state);
  }
}

/** Waits `ms`, or less when the task is woken (resume, cancel). Unref'd: a background task never holds the process. */
function sleepUnlessWoken(task: PullTask, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      if (task.wake === done) task.wake = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms).unref();
    task.wake = done;
  });
}
