// Transactional throughput end to end: a real NameServer and broker process, and producers in this
// process speaking the remoting protocol. Each transaction is a half message (SEND_MESSAGE_V2 with
// TRAN_MSG, as the Java TransactionMQProducer sends it) followed, once it is acknowledged, by an
// END_TRANSACTION commit. Every connection keeps --inflight transactions going for --seconds
// (after a warm-up of a fifth of that); then every queue's max offset must add up to the
// transactions committed.
//
//   node dist/bench/macro/transaction.bench.js [--seconds 5] [--connections 4] [--inflight 64] [--body 1024]
//        [--queues 8] [--oneway] [--dir /tmp]
//
// By default END_TRANSACTION is awaited (the broker answers it), so the latency is half + commit
// and the rate counts commits the broker has stored. --oneway sends it one-way as Java producers do:
// the rate then counts half messages acknowledged, and the run ends by waiting for every commit to
// show in the queues. Each transaction writes three records (half, message, op record), so expect
// about a third of bench:broker's produce rate, less the second round trip.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeOffsetMsgId } from '../../src/common/message/message-id.js';
import { MessageSysFlag } from '../../src/common/message/message-sys-flag.js';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand, SerializeType } from '../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../src/remoting/requests/offsets.js';
import { SendMessage } from '../../src/remoting/requests/send.js';
import { EndTransaction, TransactionResolution } from '../../src/remoting/requests/transaction.js';
import { startBroker, startNamesrv } from '../../test/harness/processes.js';
import { createTopic, Latencies, sleep } from './load-generator.js';
import { writeBenchResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '4' },
    inflight: { type: 'string', default: '64' },
    body: { type: 'string', default: '1024' },
    queues: { type: 'string', default: '8' },
    /** END_TRANSACTION one-way, as Java producers send it. */
    oneway: { type: 'boolean', default: false },
    /** Parent of the temporary store directories. */
    dir: { type: 'string', default: os.tmpdir() },
  },
});

const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const INFLIGHT = Number(args.inflight);
const BODY = Buffer.alloc(Number(args.body), 0x61);
const QUEUES = Number(args.queues);
const ONEWAY = args.oneway === true;
const TOPIC = 'BenchTxTopic';
const GROUP = 'bench_tx_producer_group';

interface Result {
  rate: number;
  latencies: Latencies;
  committed: number;
  failed: number;
  firstError: string | undefined;
}

/** Keeps `INFLIGHT` transactions going per connection for the warm-up and the measured window. */
async function transact(addr: string): Promise<Result> {
  const clients = Array.from({ length: CONNECTIONS }, () => new RemotingClient({ serializeType: SerializeType.ROCKETMQ }));
  const latencies = new Latencies();
  const uniqPrefix = '7F000001' + process.pid.toString(16).toUpperCase().padStart(4, '0').slice(-4) + '18B4AAC3';
  let sequence = 0;
  let committed = 0;
  let failed = 0;
  let firstError: string | undefined;
  let measuring = false;
  let measured = 0;
  let running = true;
  let outstanding = 0;
  let drained: (() => void) | undefined;

  const done = (client: RemotingClient, timed: boolean, start: number, error: string | undefined): void => {
    outstanding--;
    if (error !== undefined) {
      failed++;
      firstError ??= error;
    } else {
      committed++;
      if (timed && measuring) {
        latencies.add((performance.now() - start) * 1000);
        measured++;
      }
    }
    if (running) begin(client);
    else if (outstanding === 0) drained?.();
  };

  const begin = (client: RemotingClient): void => {
    const i = sequence++;
    const uniqKey = uniqPrefix + i.toString(16).toUpperCase().padStart(12, '0');
    const properties = `TRAN_MSG\u0001true\u0002UNIQ_KEY\u0001${uniqKey}\u0002WAIT\u0001true\u0002PGROUP\u0001${GROUP}\u0002TAGS\u0001TagTx\u0002KEYS\u0001tx-${i}`;
    const header = SendMessage.encode(
      { producerGroup: GROUP, topic: TOPIC, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: i % QUEUES, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, bornTimestamp: Date.now(), flag: 0, properties },
      RequestCode.SEND_MESSAGE_V2,
    );
    const timed = measuring;
    const start = performance.now();
    outstanding++;
    client.invokeAsync(addr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, header, BODY), 10_000, (err, response) => {
      if (err !== null || response!.code !== ResponseCode.SUCCESS) return done(client, timed, start, err?.message ?? `half: code ${response!.code} ${response!.remark ?? ''}`);
      const sent = SendMessage.decodeResponse(response!);
      const offsetId = sent.ok ? decodeOffsetMsgId(sent.value.msgId) : undefined;
      if (!sent.ok || offsetId === undefined) return done(client, timed, start, 'half: unreadable answer');
      const end = RemotingCommand.request(
        RequestCode.END_TRANSACTION,
        EndTransaction.encode({
          producerGroup: GROUP,
          tranStateTableOffset: sent.value.queueOffset,
          commitLogOffset: offsetId.commitLogOffset,
          commitOrRollback: TransactionResolution.COMMIT,
          fromTransactionCheck: false,
          msgId: uniqKey,
        }),
      );
      if (ONEWAY) {
        client.invokeOneway(addr, end);
        return done(client, timed, start, undefined);
      }
      client.invokeAsync(addr, end, 10_000, (endErr, endResponse) =>
        done(client, timed, start, endErr !== null ? endErr.message : endResponse!.code === ResponseCode.SUCCESS ? undefined : `commit: code ${endResponse!.code} ${endResponse!.remark ?? ''}`),
      );
    });
  };

  for (const client of clients) for (let i = 0; i < INFLIGHT; i++) begin(client);
  await sleep(SECONDS * 200);
  measuring = true;
  const t0 = performance.now();
  await sleep(SECONDS * 1000);
  const elapsed = performance.now() - t0;
  measuring = false;
  running = false;
  if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
  for (const client of clients) client.shutdown();
  return { rate: (measured * 1000) / elapsed, latencies, committed, failed, firstError };
}

/** The sum of the topic's queue max offsets: committed messages the broker holds. */
async function storedCount(addr: string): Promise<number> {
  const client = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
  try {
    let total = 0;
    for (let queueId = 0; queueId < QUEUES; queueId++) {
      const response = await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic: TOPIC, queueId })), 5000);
      total += Number(response.ext('offset') ?? 0);
    }
    return total;
  } finally {
    client.shutdown();
  }
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
  let result: Result;
  let stored: number;
  try {
    const namesrv = await startNamesrv(scope);
    const storeDir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-tx-'));
    const broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: storeDir });
    cleanups.push(() => fs.rmSync(storeDir, { recursive: true, force: true }));
    await createTopic(broker.addr, TOPIC, QUEUES);
    result = await transact(broker.addr);
    if (result.failed > 0) throw new Error(`${result.failed} transactions failed, first: ${result.firstError}`);
    // One-way commits may still be on their way; awaited ones are all stored already.
    const deadline = performance.now() + 30_000;
    for (;;) {
      stored = await storedCount(broker.addr);
      if (stored >= result.committed || performance.now() > deadline) break;
      await sleep(50);
    }
    if (stored !== result.committed) throw new Error(`${result.committed} transactions committed, ${stored} messages stored`);
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }

  const [p50, p99] = result.latencies.percentiles(0.5, 0.99);
  console.log(
    `transactions end to end (half message + END_TRANSACTION commit${ONEWAY ? ' one-way' : ''}), ${CONNECTIONS} connections x ${INFLIGHT} in flight, ` +
      `${BODY.length}-byte body, ${QUEUES} queues, ${SECONDS}s after ${SECONDS / 5}s warm-up, ASYNC_FLUSH`,
  );
  console.log('| commit | transactions/s | p50 µs | p99 µs | committed | stored |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  console.log(`| ${ONEWAY ? 'one-way' : 'awaited'} | ${Math.round(result.rate)} | ${p50!.toFixed(0)} | ${p99!.toFixed(0)} | ${result.committed} | ${stored} |`);

  writeBenchResult('transaction', {
    config: { seconds: SECONDS, warmupSeconds: SECONDS / 5, connections: CONNECTIONS, inflight: INFLIGHT, bodyBytes: BODY.length, queues: QUEUES, oneway: ONEWAY },
    result: { rate: result.rate, p50us: p50, p99us: p99, committed: result.committed, stored },
  });
}

await main();
