// Delayed-message throughput end to end: a real NameServer and broker process, and producers in
// this process speaking the remoting protocol. Phase 1 sends --count messages with DELAY=--level
// (each is parked in SCHEDULE_TOPIC_XXXX), --connections x --inflight outstanding; phase 2 moves the
// broker clock past the level's delay (clockOffsetMs, UPDATE_BROKER_CONFIG) and times the delivery
// service writing every message back to its real topic, polling the queues' max offsets.
//
//   node dist/bench/macro/delay.bench.js [--count 100000] [--level 3] [--connections 4] [--inflight 64]
//        [--body 1024] [--queues 8] [--flush ASYNC_FLUSH|SYNC_FLUSH] [--dir /tmp]
//
// Each delayed message is written twice (parked, then delivered) and read once by the service, so
// expect the send rate a little under bench:broker's produce rate and the delivery rate bounded by
// one pread per message plus the CommitLog append.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MESSAGE_DELAY_LEVEL, DelayLevels } from '../../src/broker/schedule/delay-levels.js';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand, SerializeType } from '../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../src/remoting/requests/offsets.js';
import { SendMessage } from '../../src/remoting/requests/send.js';
import { startBroker, startNamesrv } from '../../test/harness/processes.js';
import { createTopic, Latencies, sleep } from './load-generator.js';
import { writeBenchResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    level: { type: 'string', default: '3' },
    connections: { type: 'string', default: '4' },
    inflight: { type: 'string', default: '64' },
    body: { type: 'string', default: '1024' },
    queues: { type: 'string', default: '8' },
    flush: { type: 'string', default: 'ASYNC_FLUSH' },
    /** Parent of the temporary store directory. */
    dir: { type: 'string', default: os.tmpdir() },
  },
});

const COUNT = Number(args.count);
const LEVEL = Number(args.level);
const CONNECTIONS = Number(args.connections);
const INFLIGHT = Number(args.inflight);
const BODY = Buffer.alloc(Number(args.body), 0x61);
const QUEUES = Number(args.queues);
const FLUSH = args.flush!;
const TOPIC = 'BenchDelayTopic';
const GROUP = 'bench_delay_producer_group';
const DELAY_MS = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL).delayMsOf(LEVEL);
if (DELAY_MS === undefined) throw new Error(`--level must be 1..18, got ${args.level}`);

/** Sends COUNT delayed messages over CONNECTIONS connections, INFLIGHT outstanding on each. */
async function sendDelayed(addr: string): Promise<{ rate: number; latencies: Latencies }> {
  const latencies = new Latencies();
  let next = 0;
  const clients = Array.from({ length: CONNECTIONS }, () => new RemotingClient({ serializeType: SerializeType.ROCKETMQ }));
  const started = performance.now();
  try {
    await Promise.all(
      clients.flatMap((client) =>
        Array.from({ length: INFLIGHT }, async () => {
          while (next < COUNT) {
            const i = next++;
            const header = SendMessage.encode(
              { producerGroup: GROUP, topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: i % QUEUES, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: `KEYS\u0001k${i}\u0002DELAY\u0001${LEVEL}`, reconsumeTimes: 0, unitMode: false, batch: false },
              RequestCode.SEND_MESSAGE_V2,
            );
            const t0 = performance.now();
            const response = await client.invokeSync(addr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, header, BODY), 10_000);
            if (response.code !== ResponseCode.SUCCESS) throw new Error(`send answered ${response.code} ${response.remark ?? ''}`);
            latencies.add((performance.now() - t0) * 1000);
          }
        }),
      ),
    );
  } finally {
    for (const client of clients) client.shutdown();
  }
  return { rate: COUNT / ((performance.now() - started) / 1000), latencies };
}

async function delivered(client: RemotingClient, addr: string): Promise<number> {
  let total = 0;
  for (let queueId = 0; queueId < QUEUES; queueId++) {
    const response = await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic: TOPIC, queueId })), 5000);
    const decoded = GetMaxOffset.decodeResponse(response);
    if (!decoded.ok) throw new Error(`GET_MAX_OFFSET: ${decoded.error}`);
    total += decoded.value.offset;
  }
  return total;
}

async function main(): Promise<void> {
  const cleanups: Array<() => unknown> = [];
  const scope = { after: (fn: () => unknown) => cleanups.push(fn) };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (async () => {
        for (const fn of cleanups.reverse()) await fn();
        process.exit(130);
      })();
    });
  }
  const storeDir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-delay-'));
  cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
  const admin = new RemotingClient();
  let row: Record<string, number>;
  try {
    const namesrv = await startNamesrv(scope);
    const broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: storeDir, args: ['--flushDiskType', FLUSH] });
    await createTopic(broker.addr, TOPIC, QUEUES);
    const sent = await sendDelayed(broker.addr);
    if ((await delivered(admin, broker.addr)) !== 0) throw new Error('messages were delivered before their delay: raise --level');

    const moved = await admin.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`clockOffsetMs=${DELAY_MS! + 1000}\n`)), 5000);
    if (moved.code !== ResponseCode.SUCCESS) throw new Error(`clockOffsetMs: ${moved.remark ?? ''}`);
    const t0 = performance.now();
    let firstAt: number | undefined;
    for (;;) {
      const n = await delivered(admin, broker.addr);
      if (n > 0 && firstAt === undefined) firstAt = performance.now() - t0;
      if (n >= COUNT) break;
      await sleep(5);
    }
    const deliverSeconds = (performance.now() - t0) / 1000;
    const [p50, p99] = sent.latencies.percentiles(0.5, 0.99);
    row = { sendRate: sent.rate, sendP50us: p50!, sendP99us: p99!, deliverRate: COUNT / deliverSeconds, deliverSeconds, firstDeliveryMs: firstAt ?? 0 };
  } finally {
    admin.shutdown();
    for (const fn of cleanups.reverse()) await fn();
  }

  console.log(`delayed messages end to end, ${COUNT} at level ${LEVEL}, ${CONNECTIONS} connections x ${INFLIGHT} in flight, ${BODY.length}-byte body, ${QUEUES} queues, ${FLUSH}`);
  console.log('| send msgs/s | send p50 µs | send p99 µs | deliver msgs/s | first delivery after clock move ms |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${Math.round(row.sendRate!)} | ${row.sendP50us!.toFixed(0)} | ${row.sendP99us!.toFixed(0)} | ${Math.round(row.deliverRate!)} | ${row.firstDeliveryMs!.toFixed(0)} |`);

  writeBenchResult('delay', {
    config: { count: COUNT, level: LEVEL, connections: CONNECTIONS, inflight: INFLIGHT, bodyBytes: BODY.length, queues: QUEUES, flush: FLUSH },
    row,
  });
}

await main();
