// A consumer process for the end-to-end idempotence test: a BROADCASTING PushConsumer (so every
// process receives every message) whose listener performs its side effect — appending the
// message's business key to a shared file — through Idempotence. Runs until SIGTERM.
// Argument: a JSON config.

import fs from 'node:fs';
import { Redis } from 'ioredis';
import { PushConsumer } from '../../../../src/client/consumer/push-consumer.js';
import type { DedupStore } from '../../../../src/client/idempotence/dedup-store.js';
import { FileDedupStore } from '../../../../src/client/idempotence/file-dedup-store.js';
import { Idempotence } from '../../../../src/client/idempotence/idempotence.js';
import { RedisDedupStore } from '../../../../src/client/idempotence/redis-dedup-store.js';

interface WorkerConfig {
  namesrvAddr: string;
  topic: string;
  group: string;
  instanceName: string;
  offsetDir: string;
  store: 'file' | 'redis';
  dir?: string;
  redisPort?: number;
  out: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const redis = config.store === 'redis' ? new Redis({ port: config.redisPort!, host: '127.0.0.1' }) : undefined;
const store: DedupStore = redis !== undefined ? new RedisDedupStore({ redis }) : new FileDedupStore({ dir: config.dir!, sweepIntervalMs: 0 });
const idempotence = new Idempotence({ store, namespace: config.group, keyOf: (m) => m.keys[0] ?? m.msgId });

const consumer = new PushConsumer({
  namesrvAddr: config.namesrvAddr,
  consumerGroup: config.group,
  instanceName: config.instanceName,
  messageModel: 'BROADCASTING',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  localOffsetStoreDir: config.offsetDir,
  consumeThreadMax: 8,
});
consumer.subscribe(config.topic, '*');
consumer.registerMessageListener(
  idempotence.listener(async (msg) => {
    // The business step takes a moment, so the other process's copy arrives while it runs.
    await new Promise((r) => setTimeout(r, 2));
    fs.appendFileSync(config.out, `${msg.keys[0]}\n`);
  }),
);
await consumer.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void (async () => {
    await consumer.shutdown();
    await store.close();
    await redis?.quit();
    process.exit(0);
  })();
});
