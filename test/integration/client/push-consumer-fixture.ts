// Owns: what the PushConsumer acceptance tests share: a NameServer and broker per suite, a
// producer, consumers with fast schedules (shut down at suite end), sending numbered messages and
// reading a group's committed offsets from the broker.
// Counterpart: none (test support).

import assert from 'node:assert/strict';
import { PushConsumer } from '../../../src/client/consumer/push-consumer.js';
import type { PushConsumerConfig } from '../../../src/client/consumer/push-consumer-config.js';
import type { MessageListener } from '../../../src/client/consumer/message-listener.js';
import { decodeConsumeStats } from '../../../src/client/admin/queue-offset-tables.js';
import type { Message } from '../../../src/client/message.js';
import { Producer } from '../../../src/client/producer/producer.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { GetConsumeStats } from '../../../src/remoting/requests/admin-broker.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

let seq = 0;
/** A name unique to this process and call. */
export const unique = (prefix: string): string => `${prefix}_${process.pid}_${++seq}`;

/** Fast schedules, so rebalances, routes and commits happen within a second. */
export const FAST_SCHEDULES = {
  pollNameServerIntervalMs: 1000,
  heartbeatBrokerIntervalMs: 1000,
  rebalanceIntervalMs: 1000,
  persistConsumerOffsetIntervalMs: 1000,
} as const;

export type ConsumerOptions = Partial<PushConsumerConfig> & { consumerGroup: string };

export class PushCluster {
  /** Cleanups run in the suite's after(), in reverse order. */
  readonly #cleanups: Array<() => unknown> = [];
  readonly admin = new RemotingClient();
  namesrvs: NamesrvProcess[] = [];
  broker!: BrokerProcess;
  producer!: Producer;
  readonly consumers = new Set<PushConsumer>();

  after(fn: () => unknown): void {
    this.#cleanups.push(fn);
  }

  get namesrvAddr(): string {
    return this.namesrvs.map((n) => n.addr).join(';');
  }

  /** `namesrvCount` NameServers and one broker (extra broker.conf keys in `brokerArgs`), and a started producer. */
  async start(options: { namesrvCount?: number; brokerArgs?: string[] } = {}): Promise<void> {
    for (let i = 0; i < (options.namesrvCount ?? 1); i++) this.namesrvs.push(await startNamesrv(this));
    this.broker = await startBroker(this, { namesrvAddr: this.namesrvAddr, args: options.brokerArgs ?? [] });
    this.producer = new Producer({ namesrvAddr: this.namesrvAddr, producerGroup: unique('PID_push'), instanceName: unique('producer'), ...FAST_SCHEDULES });
    await this.producer.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.shutdown()));
    await this.producer?.shutdown();
    this.admin.shutdown();
    for (const fn of this.#cleanups.reverse()) await fn();
  }

  async createTopic(topic: string, queues = 4): Promise<void> {
    await createTopic(this.admin, this.broker.addr, this.namesrvs.map((n) => n.addr), topic, queues);
  }

  /** A consumer subscribed to `subscriptions` (topic -> expression), started. */
  async consumer(options: ConsumerOptions, subscriptions: Record<string, string>, listener: MessageListener): Promise<PushConsumer> {
    const consumer = this.newConsumer(options, subscriptions, listener);
    await consumer.start();
    return consumer;
  }

  newConsumer(options: ConsumerOptions, subscriptions: Record<string, string>, listener: MessageListener): PushConsumer {
    const consumer = new PushConsumer({ namesrvAddr: this.namesrvAddr, instanceName: unique('push'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST_SCHEDULES, ...options });
    for (const [topic, expression] of Object.entries(subscriptions)) consumer.subscribe(topic, expression);
    consumer.registerMessageListener(listener);
    this.consumers.add(consumer);
    return consumer;
  }

  async shutdownConsumer(consumer: PushConsumer): Promise<void> {
    await consumer.shutdown();
    this.consumers.delete(consumer);
  }

  /** Sends `count` messages with bodies `<prefix>-<i>`, `concurrency` at a time; returns the bodies in order. */
  async send(topic: string, count: number, options: { prefix?: string; tags?: (i: number) => string | undefined; concurrency?: number } = {}): Promise<string[]> {
    const prefix = options.prefix ?? 'm';
    const bodies = Array.from({ length: count }, (_v, i) => `${prefix}-${i}`);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const tags = options.tags?.(i);
        const message: Message = { topic, body: bodies[i]!, ...(tags !== undefined ? { tags } : {}) };
        const result = await this.producer.send(message);
        assert.equal(result.sendStatus, 'SEND_OK');
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    return bodies;
  }

  /** GET_CONSUME_STATS: the group's committed offset per queue of `topic`, and their sum. */
  async committedOffsets(group: string, topic: string): Promise<{ perQueue: Map<number, number>; total: number }> {
    const request = RemotingCommand.request(RequestCode.GET_CONSUME_STATS, GetConsumeStats.encode({ consumerGroup: group, topic }));
    const response = await this.admin.invokeSync(this.broker.addr, request, 3000);
    assert.equal(response.code, 0, response.remark ?? '');
    const stats = decodeConsumeStats(response.body);
    const perQueue = new Map<number, number>();
    let total = 0;
    for (const { mq, value } of stats.offsetTable) {
      perQueue.set(mq.queueId, value.consumerOffset);
      total += Math.max(0, value.consumerOffset);
    }
    return { perQueue, total };
  }
}

/** The queue ids of `topic` a consumer holds now. */
export function queueIdsOf(consumer: PushConsumer, topic: string): number[] {
  return consumer
    .assignedQueues()
    .filter((mq) => mq.topic === topic)
    .map((mq) => mq.queueId);
}
