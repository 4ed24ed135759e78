// Timer messages end to end: a real NameServer and broker process, this process sending over the
// remoting protocol. Enqueue: --count messages with TIMER_DELIVER_MS at random times over the next
// --days, `inflight` sends outstanding, every send acknowledged (parked; the broker links them into
// the wheel as they arrive). Delivery: the broker clock (clockOffsetMs) jumps past the last of
// them at once, and the broker delivers them all, slot by slot, while this process watches the
// topic's queue offsets grow (GET_MAX_OFFSET) until every message is there.
//
//   node dist/bench/macro/timer.bench.js [--count 100000] [--days 1] [--body 128] [--inflight 256]
//        [--queues 4] [--dir /tmp]
//
// --days beyond 2 (timerRollWindowSlot) adds rolls: messages parked again on the way, so delivery
// does more work per message.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RemotingClient } from '../../src/remoting/client.js';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../src/remoting/requests/offsets.js';
import { BrokerClock } from '../../test/harness/broker-clock.js';
import { startBroker, startNamesrv } from '../../test/harness/processes.js';
import { sendTimerMessages, type TimerSpec } from '../../test/harness/timer-traffic.js';
import { createTopic, sleep } from './load-generator.js';
import { rssOf } from './process-stats.js';
import { writeBenchResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '100000' },
    days: { type: 'string', default: '1' },
    body: { type: 'string', default: '128' },
    inflight: { type: 'string', default: '256' },
    queues: { type: 'string', default: '4' },
    dir: { type: 'string', default: os.tmpdir() },
  },
});
const COUNT = Number(args.count);
const SPAN_MS = Number(args.days) * 24 * 3_600_000;
const BODY_BYTES = Number(args.body);
const INFLIGHT = Number(args.inflight);
const QUEUES = Number(args.queues);
const TOPIC = 'BenchTimerTopic';


async function storedInTopic(client: RemotingClient, addr: string): Promise<number> {
  let total = 0;
  for (let queueId = 0; queueId < QUEUES; queueId++) {
    const response = await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic: TOPIC, queueId })), 5000);
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`GET_MAX_OFFSET answered ${response.code} ${response.remark ?? ''}`);
    total += Number(response.extFields?.['offset'] ?? 0);
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
  const client = new RemotingClient();
  let row: Record<string, number>;
  try {
    const namesrv = await startNamesrv(scope);
    const storeDir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-timer-'));
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    const broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: storeDir, args: ['--channelExpiredTimeout', String(2_000_000_000)] });
    await createTopic(broker.addr, TOPIC, QUEUES);
    const clock = new BrokerClock(client, broker.addr);
    let rssMax = 0;
    const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssOf(broker.pid))), 100);
    cleanups.push(() => clearInterval(rssTimer));

    const base = clock.now() + 60_000;
    const specs: TimerSpec[] = Array.from({ length: COUNT }, (_, id) => ({ id, queueId: id % QUEUES, deliverMs: base + Math.floor(Math.random() * SPAN_MS) }));
    const t0 = performance.now();
    const sent = await sendTimerMessages(client, broker.addr, TOPIC, specs, { inflight: INFLIGHT, bodyBytes: BODY_BYTES });
    const enqueueSeconds = (performance.now() - t0) / 1000;
    if (sent.failed > 0) throw new Error(`${sent.failed} sends failed, first: ${sent.firstError}`);

    const t1 = performance.now();
    await clock.advanceTo(base + SPAN_MS + 1000);
    let delivered = 0;
    const deadline = t1 + 120_000 + COUNT;
    while ((delivered = await storedInTopic(client, broker.addr)) < COUNT) {
      if (performance.now() > deadline) throw new Error(`only ${delivered} of ${COUNT} delivered`);
      await sleep(20);
    }
    const deliverSeconds = (performance.now() - t1) / 1000;
    row = { count: COUNT, days: SPAN_MS / 86_400_000, enqueueRate: COUNT / enqueueSeconds, deliveryRate: COUNT / deliverSeconds, enqueueSeconds, deliverSeconds, brokerRssMaxMiB: rssMax / 1048576 };
  } finally {
    client.shutdown();
    for (const fn of cleanups.reverse()) await fn();
  }

  console.log(`timer messages end to end: ${COUNT} messages over ${args.days} days, ${BODY_BYTES}-byte bodies, ${INFLIGHT} sends in flight, ${QUEUES} queues`);
  console.log('| enqueue msgs/s | delivery msgs/s | broker RSS MiB |');
  console.log('| ---: | ---: | ---: |');
  console.log(`| ${Math.round(row.enqueueRate!)} | ${Math.round(row.deliveryRate!)} | ${row.brokerRssMaxMiB!.toFixed(0)} |`);
  writeBenchResult('timer', { config: { count: COUNT, days: Number(args.days), bodyBytes: BODY_BYTES, inflight: INFLIGHT, queues: QUEUES }, row });
}

await main();
