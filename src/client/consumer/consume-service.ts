// Owns: what the two consume services (concurrently, orderly) share: the interface the pull side
// hands messages to, the context they run in, and restoring a retried message's own topic.
// Counterpart: org.apache.rocketmq.client.impl.consumer.ConsumeMessageService and
// DefaultMQPushConsumerImpl#resetRetryAndNamespace (4.9.8).

import type { Logger } from 'pino';
import { MessageConst } from '../../common/message/properties.js';
import type { ClientInstance } from '../connection/client-instance.js';
import type { MessageQueue, ReceivedMessage } from '../message.js';
import type { ConsumeLimiter } from './consume-limiter.js';
import type { DelayedTasks } from './delayed-tasks.js';
import type { OffsetStore } from './offset-store.js';
import type { ProcessQueue } from './process-queue.js';
import type { ResolvedPushConsumerConfig } from './push-consumer-config.js';
import { retryTopic } from './rebalance.js';

export interface ConsumeServiceContext {
  readonly config: ResolvedPushConsumerConfig;
  readonly instance: ClientInstance;
  readonly offsetStore: OffsetStore;
  readonly logger: Logger;
  readonly tasks: DelayedTasks;
  readonly limiter: ConsumeLimiter;
}

export interface ConsumeService {
  readonly orderly: boolean;
  start(): void;
  /** Pulled messages, already cached in `pq`; `dispatchToConsume` is what pq.putMessage returned. */
  submitConsumeRequest(msgs: readonly ReceivedMessage[], pq: ProcessQueue, mq: MessageQueue, dispatchToConsume: boolean): void;
  /** Stops timers; the limiter is drained by the consumer. */
  shutdown(): void;
}

/**
 * Messages pulled from %RETRY%<group> carry their original topic in RETRY_TOPIC; the listener sees
 * that topic, as in Java (a send-back then names the right originTopic).
 */
export function resetRetryTopic(msgs: readonly ReceivedMessage[], group: string): void {
  const groupRetryTopic = retryTopic(group);
  for (const msg of msgs) {
    const original = msg.properties.get(MessageConst.PROPERTY_RETRY_TOPIC);
    if (original !== undefined && msg.topic === groupRetryTopic) msg.topic = original;
  }
}
