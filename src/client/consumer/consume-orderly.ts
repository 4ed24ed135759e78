// Owns: orderly consumption: one consume loop per queue taking batches in queue-offset order,
// consuming only while this client holds the queue's broker lock (clustering), renewing the locks
// every 20 s, retrying a suspended batch after suspendCurrentQueueTimeMillis, and sending a
// message that was retried maxReconsumeTimes to the dead letter queue.
// Counterpart: org.apache.rocketmq.client.impl.consumer.ConsumeMessageOrderlyService (4.9.8).

import { MessageConst } from '../../common/message/properties.js';
import type { MessageQueue, ReceivedMessage } from '../message.js';
import type { ConsumeService, ConsumeServiceContext } from './consume-service.js';
import { resetRetryTopic } from './consume-service.js';
import type { ConsumeOrderlyContext, ConsumeOrderlyFunction, ConsumeOrderlyStatus } from './message-listener.js';
import { type ProcessQueue, REBALANCE_LOCK_INTERVAL_MS } from './process-queue.js';
import { sendMessageBack } from './send-back.js';

/** Java's MAX_TIME_CONSUME_CONTINUOUSLY: a loop yields its queue after this long, so others get their turn. */
export const MAX_TIME_CONSUME_CONTINUOUSLY_MS = 60_000;
/** Java's orderly default when maxReconsumeTimes is -1: retry forever. */
const MAX_RECONSUME_TIMES_UNLIMITED = 2_147_483_647;
/** Delay level that sends a message straight to %DLQ%<group> (the broker's `delayLevel < 0` rule). */
const DLQ_DELAY_LEVEL = -1;

/** The broker locks the consume service needs; the rebalance side owns them. */
export interface QueueLocks {
  /** LOCK_BATCH_MQ for one queue; true when this client holds it now. */
  lock(mq: MessageQueue): Promise<boolean>;
  /** Renews the locks of every assigned queue and marks the ones lost. */
  lockAll(): Promise<void>;
}

export class ConsumeOrderlyService implements ConsumeService {
  readonly orderly = true;
  readonly #ctx: ConsumeServiceContext;
  readonly #listener: ConsumeOrderlyFunction;
  readonly #locks: QueueLocks;
  #stopped = false;

  constructor(ctx: ConsumeServiceContext, listener: ConsumeOrderlyFunction, locks: QueueLocks) {
    this.#ctx = ctx;
    this.#listener = listener;
    this.#locks = locks;
  }

  get #clustering(): boolean {
    return this.#ctx.config.messageModel === 'CLUSTERING';
  }

  start(): void {
    if (!this.#clustering) return;
    const renew = async (): Promise<void> => {
      if (this.#stopped) return;
      try {
        await this.#locks.lockAll();
      } finally {
        this.#ctx.tasks.later(REBALANCE_LOCK_INTERVAL_MS, renew);
      }
    };
    this.#ctx.tasks.later(1000, renew);
  }

  shutdown(): void {
    this.#stopped = true;
  }

  get maxReconsumeTimes(): number {
    const configured = this.#ctx.config.maxReconsumeTimes;
    return configured === -1 ? MAX_RECONSUME_TIMES_UNLIMITED : configured;
  }

  submitConsumeRequest(_msgs: readonly ReceivedMessage[], pq: ProcessQueue, mq: MessageQueue, dispatchToConsume: boolean): void {
    if (dispatchToConsume) this.#submit(pq, mq);
  }

  /** Loops of one queue run one after the other, as Java's per-queue lock object serializes them. */
  #submit(pq: ProcessQueue, mq: MessageQueue): void {
    pq.orderlyChain = pq.orderlyChain
      .then(() => this.#run(pq, mq))
      .catch((err: unknown) => this.#ctx.logger.error({ err, topic: mq.topic, queueId: mq.queueId }, 'orderly consume loop failed'));
  }

  #submitLater(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    const ms = delayMs === -1 ? this.#ctx.config.suspendCurrentQueueTimeMillis : delayMs;
    this.#ctx.tasks.later(Math.min(30_000, Math.max(10, ms)), () => this.#submit(pq, mq));
  }

  #tryLockLaterAndReconsume(pq: ProcessQueue, mq: MessageQueue, delayMs: number): void {
    this.#ctx.tasks.later(delayMs, async () => {
      const locked = !this.#stopped && (await this.#locks.lock(mq));
      this.#submitLater(pq, mq, locked ? 10 : 3000);
    });
  }

  async #run(pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped || this.#stopped) return;
    const clustering = this.#clustering;
    if (clustering && (!pq.locked || pq.isLockExpired())) {
      this.#tryLockLaterAndReconsume(pq, mq, 100);
      return;
    }
    const beginMs = Date.now();
    for (;;) {
      if (pq.dropped || this.#stopped) return;
      if (clustering && (!pq.locked || pq.isLockExpired())) {
        this.#ctx.logger.warn({ topic: mq.topic, queueId: mq.queueId }, 'the message queue not locked, so consume later');
        this.#tryLockLaterAndReconsume(pq, mq, 10);
        return;
      }
      if (Date.now() - beginMs > MAX_TIME_CONSUME_CONTINUOUSLY_MS) {
        this.#submitLater(pq, mq, 10);
        return;
      }
      const msgs = pq.takeMessages(this.#ctx.config.consumeMessageBatchMaxSize);
      if (msgs.length === 0) return;
      resetRetryTopic(msgs, this.#ctx.config.consumerGroup);
      const context: ConsumeOrderlyContext = { messageQueue: mq, suspendCurrentQueueTimeMillis: -1 };
      const status = await this.#callListener(msgs, context, pq, mq);
      // Dropped before the call: the batch stays taken; the queue's next owner reads it again.
      if (status === undefined) return;
      if (!(await this.#processConsumeResult(msgs, status, context, pq, mq))) return;
    }
  }

  /** One listener call in a limiter slot; undefined when the queue was dropped before it could run. */
  #callListener(msgs: ReceivedMessage[], context: ConsumeOrderlyContext, pq: ProcessQueue, mq: MessageQueue): Promise<ConsumeOrderlyStatus | undefined> {
    const { logger, config } = this.#ctx;
    return new Promise((resolve) => {
      this.#ctx.limiter.submit(async () => {
        if (pq.dropped) return resolve(undefined);
        const call = (async (): Promise<unknown> => this.#listener(msgs.slice(), context))();
        pq.consumeInFlight = call;
        let status: ConsumeOrderlyStatus;
        try {
          const returned = await call;
          if (returned === 'SUCCESS' || returned === 'SUSPEND_CURRENT_QUEUE_A_MOMENT') status = returned;
          else {
            logger.warn({ group: config.consumerGroup, topic: mq.topic, queueId: mq.queueId, returned }, 'orderly listener returned no status, suspending the queue');
            status = 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
          }
        } catch (err) {
          logger.warn({ err, group: config.consumerGroup, topic: mq.topic, queueId: mq.queueId }, 'orderly listener threw, suspending the queue');
          status = 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
        } finally {
          pq.consumeInFlight = undefined;
        }
        resolve(status);
      });
    });
  }

  /** Returns whether the loop may go on with the next batch. */
  async #processConsumeResult(msgs: ReceivedMessage[], status: ConsumeOrderlyStatus, context: ConsumeOrderlyContext, pq: ProcessQueue, mq: MessageQueue): Promise<boolean> {
    let commitOffset = -1;
    let continueConsume = true;
    if (status === 'SUCCESS') {
      commitOffset = pq.commit();
    } else if (await this.#checkReconsumeTimes(msgs)) {
      pq.makeMessageToConsumeAgain(msgs);
      this.#submitLater(pq, mq, context.suspendCurrentQueueTimeMillis);
      continueConsume = false;
    } else {
      // Every message of the batch went to the dead letter queue: move past it.
      commitOffset = pq.commit();
    }
    if (commitOffset >= 0 && !pq.dropped) this.#ctx.offsetStore.updateOffset(mq, commitOffset, false);
    return continueConsume;
  }

  /**
   * Counts one more try for each message of a suspended batch; a message already tried
   * maxReconsumeTimes is sent to the DLQ instead. True when the batch must be retried (some
   * message is below its limit, or could not be sent to the DLQ).
   */
  async #checkReconsumeTimes(msgs: ReceivedMessage[]): Promise<boolean> {
    let suspend = false;
    for (const msg of msgs) {
      if (msg.reconsumeTimes >= this.maxReconsumeTimes) {
        msg.properties.set(MessageConst.PROPERTY_RECONSUME_TIME, String(msg.reconsumeTimes));
        if (!(await this.#sendToDeadLetterQueue(msg))) {
          suspend = true;
          msg.reconsumeTimes++;
        }
      } else {
        suspend = true;
        msg.reconsumeTimes++;
      }
    }
    return suspend;
  }

  /**
   * Java 4.9.8 re-sends the message through the client's internal producer to %RETRY%<group>,
   * where the broker's reconsume-times check diverts it to the DLQ. We have no internal producer
   * here, so we ask the broker directly with CONSUMER_SEND_MSG_BACK and delay level -1, which
   * lands in the same %DLQ%<group> (with RETRY_TOPIC and ORIGIN_MESSAGE_ID set by the broker).
   */
  async #sendToDeadLetterQueue(msg: ReceivedMessage): Promise<boolean> {
    const { config, logger } = this.#ctx;
    try {
      await sendMessageBack(this.#ctx.instance, msg, { group: config.consumerGroup, delayLevel: DLQ_DELAY_LEVEL, maxReconsumeTimes: this.maxReconsumeTimes });
      return true;
    } catch (err) {
      logger.error({ err, group: config.consumerGroup, topic: msg.topic, msgId: msg.msgId }, 'sending the message to the dead letter queue failed, retrying it');
      return false;
    }
  }
}
