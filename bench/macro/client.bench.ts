// End to end through the TypeScript client (rocketmq-ts/client): a real NameServer and broker
// process, a Producer in this process keeping --inflight sends outstanding for --seconds, then a
// PushConsumer (clustering, from the first offset) reading everything back. Reports msgs/s, ack
// latency, the client's own CPU per message (this process: user + system), and the broker's RSS.
//
//   node dist/bench/macro/client.bench.js [--seconds 5] [--inflight 256] [--body 1024] [--queues 8]
//        [--flush ASYNC_FLUSH|SYNC_FLUSH] [--batch 32] [--serialize ROCKETMQ|JSON] [--dir /tmp]
//
// The broker issue's end-to-end goals (>= 150k msgs/s ASYNC produce, >= 300k consume, RSS <= 150
// MiB) were measured with the raw load generator (broker.bench.ts); this bench measures them
// through the client a Node application would use.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Producer } from '../../src/client/producer/producer.js';
import { PushConsumer } from '../../src/client/consumer/push-consumer.js';
import { startBroker, startNamesrv } from '../../test/harness/processes.js';
import { createTopic, Latencies, sleep } from './load-generator.js';
import { rssOf } from './process-stats.js';
import { writeBenchResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    inflight: { type: 'string', default: '256' },
    body: { type: 'string', default: '1024' },
    queues: { type: 'string', default: '8' },
    flush: { type: 'string', default: 'ASYNC_FLUSH' },
    /** consumeMessageBatchMaxSize of the consumer (and its pullBatchSize). */
    batch: { type: 'string', default: '32' },
    dir: { type: 'string', default: os.tmpdir() },
    /** Header serialization of the client's requests: JSON or ROCKETMQ (ClientConfig.serializeType). */
    serialize: { type: 'string', default: 'ROCKETMQ' },
  },
});

const SECONDS = Number(args.seconds);
const INFLIGHT = Number(args.inflight);
const BODY = Buffer.alloc(Number(args.body), 0x61);
const QUEUES = Number(args.queues);
const BATCH = Number(args.batch);
const TOPIC = 'ClientBenchTopic';
const SERIALIZE = args.serialize === 'JSON' ? 'JSON' : 'ROCKETMQ';


function cpuUs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return d.user + d.system;
}

async function produce(producer: Producer): Promise<{ acked: number; rate: number; cpuUsPerMsg: number; p50us: number; p99us: number }> {
  const latencies = new Latencies();
  let acked = 0;
  let failed = 0;
  let firstError: unknown;
  const warmupEnd = performance.now() + SECONDS * 200;
  const end = warmupEnd + SECONDS * 1000;
  let measuring = false;
  let cpu0 = process.cpuUsage();
  let measured = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await producer.send({ topic: TOPIC, body: BODY });
        if (measuring) {
          measured++;
          latencies.add((performance.now() - t0) * 1000);
        }
        acked++;
      } catch (err) {
        failed++;
        firstError ??= err;
      }
      if (!measuring && performance.now() >= warmupEnd) {
        measuring = true;
        cpu0 = process.cpuUsage();
      }
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, lane));
  if (failed > 0) throw new Error(`${failed} sends failed, first: ${String(firstError)}`);
  const seconds = (performance.now() - warmupEnd) / 1000;
  const [p50us = Number.NaN, p99us = Number.NaN] = latencies.percentiles(0.5, 0.99);
  return { acked, rate: measured / seconds, cpuUsPerMsg: cpuUs(cpu0) / measured, p50us, p99us };
}

async function consume(namesrvAddr: string, expected: number): Promise<{ consumed: number; seconds: number; cpuUsPerMsg: number }> {
  const consumer = new PushConsumer({
    namesrvAddr,
    consumerGroup: 'CID_client_bench',
    instanceName: 'client-bench-consumer',
    serializeType: SERIALIZE,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    pullBatchSize: BATCH,
    consumeMessageBatchMaxSize: BATCH,
  });
  let consumed = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  consumer.subscribe(TOPIC, '*');
  consumer.registerMessageListener(async (msgs) => {
    consumed += msgs.length;
    if (consumed >= expected) done();
    return 'CONSUME_SUCCESS' as const;
  });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await consumer.start();
  const timeout = sleep(Math.max(60_000, expected / 20)).then(() => {
    throw new Error(`consumed ${consumed} of ${expected} before the deadline`);
  });
  await Promise.race([finished, timeout]);
  const seconds = (performance.now() - wall0) / 1000;
  const cpuUsPerMsg = cpuUs(cpu0) / consumed;
  await consumer.shutdown();
  return { consumed, seconds, cpuUsPerMsg };
}

async function main(): Promise<void> {
  const cleanups: Array<() => unknown> = [];
  const scope = { after: (fn: () => unknown) => cleanups.push(fn) };
  try {
    const namesrv = await startNamesrv(scope);
    const storeDir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-client-bench-'));
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    const broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: storeDir, args: ['--flushDiskType', args.flush!] });
    await createTopic(broker.addr, TOPIC, QUEUES);
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssOf(broker.pid))), 100);
    cleanups.push(() => clearInterval(rssTimer));

    const producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: 'PID_client_bench', instanceName: 'client-bench-producer', serializeType: SERIALIZE });
    await producer.start();
    const p = await produce(producer);
    await producer.shutdown();
    const c = await consume(namesrv.addr, p.acked);

    console.log(`client end to end (${args.flush}, ${SERIALIZE} headers), ${INFLIGHT} sends in flight, ${BODY.length}-byte body, ${QUEUES} queues, produce ${SECONDS}s after ${SECONDS / 5}s warm-up, consume batches of ${BATCH}`);
    console.log('| produce msgs/s | ack p50 µs | ack p99 µs | client CPU µs/msg sent | consume msgs/s | client CPU µs/msg received | broker RSS MiB |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${Math.round(p.rate)} | ${p.p50us.toFixed(0)} | ${p.p99us.toFixed(0)} | ${p.cpuUsPerMsg.toFixed(1)} | ${Math.round(c.consumed / c.seconds)} | ${c.cpuUsPerMsg.toFixed(1)} | ${(rssMax / 2 ** 20).toFixed(0)} |`,
    );
    writeBenchResult('client', { config: args, produce: p, consume: c, brokerRssMaxMiB: rssMax / 2 ** 20 });
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

await main();
