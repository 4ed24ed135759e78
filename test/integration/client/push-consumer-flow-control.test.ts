// PushConsumer flow control against a real NameServer and broker: with 100k messages waiting and a
// slow listener, each queue's cache stays within pullThresholdForQueue messages (and within
// pullThresholdSizeForQueue MiB plus one pull), and the process's memory stays bounded.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { PushConsumer } from '../../../src/client/consumer/push-consumer.js';
import type { Message } from '../../../src/client/message.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();
const MiB = 1024 * 1024;

/** Sends `count` messages of `bodyBytes` in batches of `batch`, 4 batches in flight. */
async function produce(topic: string, count: number, bodyBytes: number, batch: number): Promise<void> {
  const body = Buffer.alloc(bodyBytes, 'x');
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < count) {
      const n = Math.min(batch, count - sent);
      sent += n;
      const messages: Message[] = Array.from({ length: n }, () => ({ topic, body }));
      const result = await cluster.producer.sendBatch(messages);
      assert.equal(result.sendStatus, 'SEND_OK');
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

interface Samples {
  maxCount: number;
  maxBytes: number;
  maxRssGrowth: number;
}

/** Samples every queue's cache and the process RSS every 10 ms until `stop` resolves. */
async function sample(consumer: PushConsumer, topic: string, stop: Promise<void>): Promise<Samples> {
  const baseline = process.memoryUsage().rss;
  const out: Samples = { maxCount: 0, maxBytes: 0, maxRssGrowth: 0 };
  let done = false;
  void stop.then(() => (done = true));
  while (!done) {
    for (const q of consumer.cachedQueues()) {
      if (q.messageQueue.topic !== topic) continue;
      out.maxCount = Math.max(out.maxCount, q.msgCount);
      out.maxBytes = Math.max(out.maxBytes, q.msgBytes);
    }
    out.maxRssGrowth = Math.max(out.maxRssGrowth, process.memoryUsage().rss - baseline);
    await sleep(10);
  }
  return out;
}

describe('PushConsumer flow control', () => {
  before(() => cluster.start());
  after(() => cluster.stop());

  test('100k queued messages and a slow listener: each queue caches at most pullThresholdForQueue, memory stays bounded', async () => {
    const topic = unique('FlowTopic');
    await cluster.createTopic(topic, 4);
    await produce(topic, 100_000, 1024, 250);

    let consumed = 0;
    const consumer = await cluster.consumer({ consumerGroup: unique('CID_flow'), consumeThreadMax: 4 }, { [topic]: '*' }, async (msgs) => {
      await sleep(1);
      consumed += msgs.length;
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    const samples = await sample(
      consumer,
      topic,
      waitFor(() => consumed >= 3000, { timeoutMs: 15_000, message: 'the slow listener makes progress' }).then(() => undefined),
    );
    // Flow control engaged (the caches filled up to the threshold) and held.
    assert.ok(samples.maxCount >= 900, `the caches reached the threshold (max ${samples.maxCount})`);
    assert.ok(samples.maxCount <= 1000, `never more than pullThresholdForQueue (max ${samples.maxCount})`);
    // 100k x 1 KiB cached would be well over 100 MiB of bodies alone; 4 x 1000 messages are a few MiB.
    assert.ok(samples.maxRssGrowth < 64 * MiB, `RSS grew ${Math.round(samples.maxRssGrowth / MiB)} MiB`);
    assert.ok(consumed < 100_000, 'the listener was the bottleneck');
  });

  test('pullThresholdSizeForQueue bounds the cached bytes', async () => {
    const topic = unique('FlowSizeTopic');
    await cluster.createTopic(topic, 2);
    const bodyBytes = 16 * 1024;
    await produce(topic, 2000, bodyBytes, 32);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const consumer = await cluster.consumer({ consumerGroup: unique('CID_flow_size'), pullThresholdSizeForQueue: 1, consumeThreadMax: 1 }, { [topic]: '*' }, async () => {
      await released;
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    // The listener is stuck on its first batch, so the caches fill to the byte threshold and stop.
    await waitFor(() => consumer.cachedQueues().filter((q) => q.messageQueue.topic === topic).every((q) => q.msgBytes >= MiB), {
      timeoutMs: 10_000,
      message: 'both queues reach 1 MiB',
    });
    const samples = sample(consumer, topic, sleep(300));
    const result = await samples;
    release();
    const onePull = 32 * bodyBytes;
    assert.ok(result.maxBytes < MiB + onePull, `at most one pull beyond 1 MiB (max ${result.maxBytes} bytes)`);
    assert.ok(result.maxCount < 2000 / 2, 'far from everything was pulled');
  });
});
