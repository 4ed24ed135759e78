// Owns: the pull loop of a push consumer: one long-polling pull in flight per assigned queue,
// flow control (count, bytes, offset span, orderly lock), what each pull outcome does to the
// queue's next offset and process queue, and the delays after errors.
// Counterpart: org.apache.rocketmq.client.impl.consumer.PullMessageService and
// DefaultMQPushConsumerImpl#pullMessage (4.9.8).
//
// Each PullRequest is one chain: a pull's answer schedules the next pull of the same queue, so a
// queue never has two pulls in flight. A dropped process queue ends its chain.

import { MQError } from '../../common/mq-error.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import type { MessageQueue } from '../message.js';
import type { ProcessQueue } from './process-queue.js';
import type { PullResult } from './pull-api.js';
import type { PushConsumerState } from './push-consumer-state.js';

/** Java's PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION (pullTimeDelayMillsWhenException). */
export const PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION = 3000;
/** Java's PULL_TIME_DELAY_MILLS_WHEN_CACHE_FLOW_CONTROL. */
export const PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50;
/** Java's PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL (a FLOW_CONTROL answer). */
export const PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL = 20;
/** Java's PULL_TIME_DELAY_MILLS_WHEN_SUSPEND (consumer suspended). */
export const PULL_TIME_DELAY_MILLS_WHEN_SUSPEND = 1000;
/** Java waits this long after OFFSET_ILLEGAL before committing the corrected offset and dropping the queue. */
export const OFFSET_ILLEGAL_FIX_DELAY_MS = 10_000;
/** Flow-control warnings are logged once per this many occurrences, as Java does. */
const FLOW_CONTROL_LOG_EVERY = 1000;

const MiB = 1024 * 1024;

export interface PullRequest {
  readonly consumerGroup: string;
  readonly mq: MessageQueue;
  readonly pq: ProcessQueue;
  /** The queue offset the next pull asks for. */
  nextOffset: number;
}

export class PullMessageService {
  readonly #state: PushConsumerState;
  readonly #removeProcessQueue: (mq: MessageQueue, pq: ProcessQueue) => Promise<void>;
  #queueFlowControlTimes = 0;
  #spanFlowControlTimes = 0;

  constructor(state: PushConsumerState, removeProcessQueue: (mq: MessageQueue, pq: ProcessQueue) => Promise<void>) {
    this.#state = state;
    this.#removeProcessQueue = removeProcessQueue;
  }

  executePullRequestImmediately(request: PullRequest): void {
    this.#state.tasks.later(0, () => this.#pullMessage(request));
  }

  executePullRequestLater(request: PullRequest, delayMs: number): void {
    this.#state.tasks.later(delayMs, () => this.#pullMessage(request));
  }

  async #pullMessage(request: PullRequest): Promise<void> {
    const state = this.#state;
    const { pq, mq } = request;
    if (pq.dropped) return;
    pq.lastPullTimestamp = Date.now();
    if (state.serviceState !== 'RUNNING') return this.executePullRequestLater(request, PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
    if (state.paused) return this.executePullRequestLater(request, PULL_TIME_DELAY_MILLS_WHEN_SUSPEND);
    if (this.#flowControlled(request)) return this.executePullRequestLater(request, PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL);
    if (state.orderly && state.clustering && !pq.locked) {
      // Orderly: only the lock holder may read the queue; the lock is retried by the consume side.
      return this.executePullRequestLater(request, PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
    }
    const subscription = state.subscriptions.get(mq.topic);
    if (subscription === undefined) return this.executePullRequestLater(request, PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);

    let commitOffset: number | undefined;
    if (state.clustering) {
      const memory = await state.offsetStore.readOffset(mq, 'READ_FROM_MEMORY');
      if (memory > 0) commitOffset = memory;
    }
    // Never ask for more than fits under the count threshold, so the cache stays within it.
    const room = state.pullThresholdForQueue - pq.msgCount;
    let result: PullResult;
    try {
      result = await state.pullApi.pull({
        group: state.config.consumerGroup,
        mq,
        queueOffset: request.nextOffset,
        maxMsgNums: Math.max(1, Math.min(state.config.pullBatchSize, room)),
        subscription,
        ...(commitOffset !== undefined ? { commitOffset } : {}),
        suspendTimeoutMs: state.config.brokerSuspendMaxTimeMillis,
        timeoutMs: state.config.consumerTimeoutMillisWhenSuspend,
      });
    } catch (err) {
      if (pq.dropped || state.serviceState !== 'RUNNING') return;
      const retryTopic = mq.topic.startsWith('%RETRY%');
      state.logger[retryTopic ? 'debug' : 'warn']({ err, topic: mq.topic, queueId: mq.queueId }, 'pull failed, retrying later');
      const brokerFlowControl = err instanceof MQError && err.code === ResponseCode.FLOW_CONTROL;
      return this.executePullRequestLater(request, brokerFlowControl ? PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL : PULL_TIME_DELAY_MILLS_WHEN_EXCEPTION);
    }
    if (pq.dropped) return;
    this.#onPullResult(request, result);
  }

  #flowControlled(request: PullRequest): boolean {
    const state = this.#state;
    const { pq, mq } = request;
    const count = pq.msgCount;
    const bytes = pq.msgBytes;
    if (count >= state.pullThresholdForQueue || bytes >= state.pullThresholdSizeForQueue * MiB) {
      if (this.#queueFlowControlTimes++ % FLOW_CONTROL_LOG_EVERY === 0) {
        state.logger.warn(
          { topic: mq.topic, queueId: mq.queueId, count, sizeMiB: pq.msgSizeInMiB, countMax: state.pullThresholdForQueue, sizeMiBMax: state.pullThresholdSizeForQueue },
          'the cached messages exceed the threshold, so do flow control',
        );
      }
      return true;
    }
    if (!state.orderly && pq.maxSpan() > state.config.consumeConcurrentlyMaxSpan) {
      if (this.#spanFlowControlTimes++ % FLOW_CONTROL_LOG_EVERY === 0) {
        state.logger.warn({ topic: mq.topic, queueId: mq.queueId, maxSpan: pq.maxSpan() }, "the queue's messages span too long, so do flow control");
      }
      return true;
    }
    return false;
  }

  #onPullResult(request: PullRequest, result: PullResult): void {
    const state = this.#state;
    const { pq, mq } = request;
    switch (result.status) {
      case 'FOUND': {
        request.nextOffset = result.nextBeginOffset;
        if (result.messages.length === 0) return this.executePullRequestImmediately(request);
        const dispatchToConsume = pq.putMessage(result.messages);
        state.consumeService?.submitConsumeRequest(result.messages, pq, mq, dispatchToConsume);
        if (state.config.pullIntervalMs > 0) return this.executePullRequestLater(request, state.config.pullIntervalMs);
        return this.executePullRequestImmediately(request);
      }
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        request.nextOffset = result.nextBeginOffset;
        // Java's correctTagsOffset: with nothing cached, filtered-out offsets count as consumed.
        if (pq.msgCount === 0) state.offsetStore.updateOffset(mq, request.nextOffset, true);
        return this.executePullRequestImmediately(request);
      case 'OFFSET_ILLEGAL': {
        state.logger.warn({ topic: mq.topic, queueId: mq.queueId, offset: request.nextOffset, nextBeginOffset: result.nextBeginOffset }, 'the pull offset is illegal, moving to the broker\'s');
        request.nextOffset = result.nextBeginOffset;
        pq.dropped = true;
        // Commit the broker's offset and let the next rebalance re-create the queue from it.
        state.tasks.later(OFFSET_ILLEGAL_FIX_DELAY_MS, async () => {
          state.offsetStore.updateOffset(mq, request.nextOffset, false);
          await state.offsetStore.persist(mq);
          await this.#removeProcessQueue(mq, pq);
        });
        return;
      }
    }
  }
}
