// Owns: concurrent consumption: cached messages cut into batches of consumeMessageBatchMaxSize,
// listener calls bounded by the consume limiter, the outcome of each batch (commit the process
// queue's smallest unconsumed offset; send failed messages back to the broker, or consume them
// again locally after 5 s when that fails), and the consume timeout sweep.
// Counterpart: org.apache.rocketmq.client.impl.consumer.ConsumeMessageConcurrentlyService (4.9.8).

import { MessageConst } from '../../common/message/properties.js';
import type { MessageQueue, ReceivedMessage } from '../message.js';
import type { ConsumeService, ConsumeServiceContext } from './consume-service.js';
import { resetRetryTopic } from './consume-service.js';
import { ACK_INDEX_ALL, type ConsumeConcurrentlyContext, type ConsumeConcurrentlyFunction, type ConsumeConcurrentlyStatus } from './message-listener.js';
import type { ProcessQueue } from './process-queue.js';
import { sendMessageBack } from './send-back.js';

/** Java's submitConsumeRequestLater delay for messages whose send-back failed. */
export const CONSUME_LATER_DELAY_MS = 5000;
/** Java's default when maxReconsumeTimes is -1 (concurrent consumption). */
export const MAX_RECONSUME_TIMES_DEFAULT = 16;
/** cleanExpiredMsg looks at most at this many messages per queue and sweep. */
const EXPIRED_SCAN_MAX = 16;
/** The delay level Java's consume-timeout sweep sends messages back with. */
const EXPIRED_DELAY_LEVEL = 3;

export class ConsumeConcurrentlyService implements ConsumeService {
  readonly orderly = false;
  readonly #ctx: ConsumeServiceContext;
  readonly #listener: ConsumeConcurrentlyFunction;
  readonly #processQueues: () => Iterable<readonly [MessageQueue, ProcessQueue]>;
  #expireTimer: NodeJS.Timeout | undefined;

  constructor(ctx: ConsumeServiceContext, listener: ConsumeConcurrentlyFunction, processQueues: () => Iterable<readonly [MessageQueue, ProcessQueue]>) {
    this.#ctx = ctx;
    this.#listener = listener;
    this.#processQueues = processQueues;
  }

  start(): void {
    const periodMs = this.#ctx.config.consumeTimeoutMinutes * 60_000;
    this.#expireTimer = setInterval(() => void this.#cleanExpiredMessages(), periodMs).unref();
  }

  shutdown(): void {
    clearInterval(this.#expireTimer);
  }

  submitConsumeRequest(msgs: readonly ReceivedMessage[], pq: ProcessQueue, mq: MessageQueue): void {
    const size = this.#ctx.config.consumeMessageBatchMaxSize;
    for (let i = 0; i < msgs.length; i += size) {
      const batch = msgs.slice(i, i + size);
      this.#ctx.limiter.submit(() => this.#consume(batch, pq, mq));
    }
  }

  get maxReconsumeTimes(): number {
    const configured = this.#ctx.config.maxReconsumeTimes;
    return configured === -1 ? MAX_RECONSUME_TIMES_DEFAULT : configured;
  }

  async #consume(msgs: ReceivedMessage[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped) return;
    const { config, logger } = this.#ctx;
    const context: ConsumeConcurrentlyContext = { messageQueue: mq, delayLevelWhenNextConsume: 0, ackIndex: ACK_INDEX_ALL };
    resetRetryTopic(msgs, config.consumerGroup);
    const startedAt = String(Date.now());
    for (const msg of msgs) msg.properties.set(MessageConst.PROPERTY_CONSUME_START_TIMESTAMP, startedAt);
    let status: ConsumeConcurrentlyStatus;
    try {
      // A copy: the listener may keep or reorder its array; ackIndex refers to this order.
      const returned: unknown = await this.#listener(msgs.slice(), context);
      if (returned === 'CONSUME_SUCCESS' || returned === 'RECONSUME_LATER') status = returned;
      else {
        logger.warn({ group: config.consumerGroup, topic: mq.topic, queueId: mq.queueId, returned }, 'listener returned no status, reconsume later');
        status = 'RECONSUME_LATER';
      }
    } catch (err) {
      logger.warn({ err, group: config.consumerGroup, topic: mq.topic, queueId: mq.queueId }, 'listener threw, reconsume later');
      status = 'RECONSUME_LATER';
    }
    if (pq.dropped) {
      // The queue went to another member meanwhile; it consumes from the committed offset, so
      // committing here would only race it.
      logger.debug({ topic: mq.topic, queueId: mq.queueId }, 'queue dropped while consuming, result ignored');
      return;
    }
    await this.#processConsumeResult(status, context, msgs, pq, mq);
  }

  async #processConsumeResult(status: ConsumeConcurrentlyStatus, context: ConsumeConcurrentlyContext, msgs: ReceivedMessage[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (msgs.length === 0) return;
    const { config, logger } = this.#ctx;
    const ackIndex = status === 'CONSUME_SUCCESS' ? Math.max(-1, Math.min(context.ackIndex, msgs.length - 1)) : -1;
    const failed = msgs.slice(ackIndex + 1);
    let done = msgs;
    if (failed.length > 0 && config.messageModel === 'BROADCASTING') {
      // Java drops them: in broadcasting nobody else would consume a retry.
      for (const msg of failed) logger.warn({ group: config.consumerGroup, topic: msg.topic, msgId: msg.msgId }, 'BROADCASTING, the message consume failed, drop it');
    } else if (failed.length > 0) {
      const sent = await Promise.all(
        failed.map((msg) =>
          sendMessageBack(this.#ctx.instance, msg, { group: config.consumerGroup, delayLevel: context.delayLevelWhenNextConsume, maxReconsumeTimes: this.maxReconsumeTimes }).then(
            () => true,
            (err: unknown) => {
              logger.warn({ err, group: config.consumerGroup, topic: msg.topic, msgId: msg.msgId }, 'send message back failed, consuming it again here later');
              return false;
            },
          ),
        ),
      );
      const backFailed = failed.filter((_msg, i) => sent[i] !== true);
      if (backFailed.length > 0) {
        for (const msg of backFailed) msg.reconsumeTimes++;
        // They stay cached (uncommitted) until consumed here.
        done = msgs.filter((msg) => !backFailed.includes(msg));
        this.#ctx.tasks.later(CONSUME_LATER_DELAY_MS, () => this.submitConsumeRequest(backFailed, pq, mq));
      }
    }
    const offset = pq.removeMessage(done);
    if (offset >= 0 && !pq.dropped) this.#ctx.offsetStore.updateOffset(mq, offset, true);
  }

  /**
   * Java's cleanExpiredMsg: a message at the head of a queue whose listener call started more than
   * consumeTimeoutMinutes ago is sent back for retry and forgotten here, so one stuck call cannot
   * hold the committed offset (and, through the span limit, the queue) forever.
   */
  async #cleanExpiredMessages(): Promise<void> {
    const { config, logger } = this.#ctx;
    const timeoutMs = config.consumeTimeoutMinutes * 60_000;
    for (const [mq, pq] of [...this.#processQueues()]) {
      for (let i = 0; i < Math.min(EXPIRED_SCAN_MAX, pq.msgCount); i++) {
        const msg = pq.firstMessage();
        const startedAt = Number(msg?.properties.get(MessageConst.PROPERTY_CONSUME_START_TIMESTAMP));
        if (msg === undefined || !Number.isFinite(startedAt) || Date.now() - startedAt <= timeoutMs) break;
        try {
          await sendMessageBack(this.#ctx.instance, msg, { group: config.consumerGroup, delayLevel: EXPIRED_DELAY_LEVEL, maxReconsumeTimes: this.maxReconsumeTimes });
        } catch (err) {
          logger.warn({ err, topic: mq.topic, queueId: mq.queueId, msgId: msg.msgId }, 'send expired message back failed');
          break;
        }
        logger.info({ topic: mq.topic, queueId: mq.queueId, queueOffset: msg.queueOffset }, 'consume timeout, message sent back for retry');
        if (pq.firstMessage() === msg) pq.removeMessage([msg]);
      }
    }
  }
}
