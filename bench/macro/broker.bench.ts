// End to end: a real NameServer and broker process, and a load generator in this process speaking
// the remoting protocol (load-generator.ts). For ASYNC_FLUSH, then a fresh broker with SYNC_FLUSH:
// produce for --seconds (after a warm-up of a fifth of that), every send acknowledged, then read
// everything produced back with PULL_MESSAGE and sample the broker's RSS throughout.
//
//   node dist/bench/macro/broker.bench.js [--seconds 5] [--connections 4] [--inflight 64] [--body 1024]
//        [--queues 8] [--pull-inflight 8] [--only async|sync] [--cpu-prof DIR] [--dir /tmp]
//
// Goals on the development machine: >= 150k msgs/s ASYNC, >= 100k SYNC, >= 300k consume,
// broker RSS <= 150 MiB.
//
// The broker is its own process and this one is the client, so each gets one of the two cores.
// --cpu-prof DIR runs the broker as `node --cpu-prof --cpu-prof-dir=DIR bin/rocketmq-ts broker ...`
// (Node refuses --cpu-prof in NODE_OPTIONS); it writes the profile when it exits on SIGTERM.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { binPath, freeBrokerPort, startNamesrv } from '../../test/harness/processes.js';
import { consume, createTopic, produce, sleep } from './load-generator.js';
import { cpuMsOf, rssOf } from './process-stats.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '4' },
    inflight: { type: 'string', default: '64' },
    body: { type: 'string', default: '1024' },
    queues: { type: 'string', default: '8' },
    'pull-inflight': { type: 'string', default: '8' },
    /** One flush mode only: async or sync. */
    only: { type: 'string' },
    /** Profile the broker: write its .cpuprofile files here. */
    'cpu-prof': { type: 'string' },
    /** Parent of the temporary store directories. */
    dir: { type: 'string', default: os.tmpdir() },
  },
});

const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const INFLIGHT = Number(args.inflight);
const BODY = Buffer.alloc(Number(args.body), 0x61);
const QUEUES = Number(args.queues);
const PULL_INFLIGHT = Number(args['pull-inflight']);
const TOPIC = 'BenchTopic';
const MAX_MSG_NUMS = 32;

type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

interface Row {
  flush: FlushDiskType;
  produceRate: number;
  ackP50us: number;
  ackP99us: number;
  acked: number;
  sendFailures: number;
  consumeRate: number;
  consumed: number;
  consumeSeconds: number;
  pulls: number;
  pullRetries: number;
  brokerRssMaxMiB: number;
  brokerRssEndMiB: number;
  /** CPU used during the produce phase (warm-up included), as % of one core: is either side saturated? */
  produceCpuPct: { broker: number; loadGenerator: number };
}



interface BrokerChild {
  readonly pid: number;
  readonly addr: string;
  /** SIGTERM, and SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Spawns `node [--cpu-prof ...] bin/rocketmq-ts broker ...` and resolves once it logs
 * 'broker started'. (The test harness's spawnServer takes no node flags, hence this.)
 */
async function startBrokerProcess(namesrvAddr: string, flush: FlushDiskType, storeDir: string): Promise<BrokerChild> {
  const port = await freeBrokerPort();
  const execArgv: string[] = [];
  const profDir = args['cpu-prof'];
  if (profDir !== undefined) {
    fs.mkdirSync(profDir, { recursive: true });
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`);
  }
  const brokerArgs = [
    'broker',
    '-n', namesrvAddr,
    '--brokerName', 'broker-a',
    '--brokerIP1', '127.0.0.1',
    '--bindAddress', '127.0.0.1',
    '--listenPort', String(port),
    '--storePathRootDir', storeDir,
    '--flushDiskType', flush,
  ];
  const child = spawn(process.execPath, [...execArgv, binPath, ...brokerArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lastLines: string[] = [];
  const remember = (line: string): void => {
    lastLines.push(line);
    if (lastLines.length > 50) lastLines.shift();
  };
  readline.createInterface({ input: child.stderr }).on('line', remember);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`broker ${why}: ${brokerArgs.join(' ')}\n${lastLines.join('\n')}`));
    };
    const timer = setTimeout(() => fail('not ready in 30 s'), 30_000);
    const early = (code: number | null, signal: string | null): void => fail(`exited before ready (code ${code}, signal ${signal})`);
    child.once('exit', early);
    // Keep reading stdout after the ready line, so a chatty broker never blocks on a full pipe.
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      if (line.startsWith('{') && line.includes('"broker started"')) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve();
      }
    });
  });
  return {
    pid: child.pid!,
    addr: `127.0.0.1:${port}`,
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops (and cleans up after) the broker of the run under way, for a signal handler. */
const activeBrokers = new Set<() => Promise<void>>();

async function runFlush(namesrvAddr: string, flush: FlushDiskType): Promise<Row> {
  const storeDir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-broker-'));
  let broker: BrokerChild | undefined;
  let rssMax = 0;
  let rssTimer: NodeJS.Timeout | undefined;
  let cleanupSignal: (() => void) | undefined;
  try {
    const started = await startBrokerProcess(namesrvAddr, flush, storeDir);
    broker = started;
    const pid = broker.pid;
    const onSignal = async (): Promise<void> => {
      await started.stop(15_000);
      fs.rmSync(storeDir, { recursive: true, force: true });
    };
    activeBrokers.add(onSignal);
    cleanupSignal = () => activeBrokers.delete(onSignal);
    rssTimer = setInterval(() => (rssMax = Math.max(rssMax, rssOf(pid))), 100);
    await createTopic(started.addr, TOPIC, QUEUES);

    const brokerCpu0 = cpuMsOf(pid);
    const selfCpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const produced = await produce({
      addr: started.addr,
      topic: TOPIC,
      queues: QUEUES,
      connections: CONNECTIONS,
      inflight: INFLIGHT,
      body: BODY,
      warmupMs: SECONDS * 200,
      durationMs: SECONDS * 1000,
    });
    const wall = performance.now() - wall0;
    const selfCpu = process.cpuUsage(selfCpu0);
    const produceCpuPct = { broker: ((cpuMsOf(pid) - brokerCpu0) / wall) * 100, loadGenerator: ((selfCpu.user + selfCpu.system) / 1000 / wall) * 100 };
    if (produced.failed > 0) throw new Error(`${flush}: ${produced.failed} sends failed, first: ${produced.firstError}`);
    const acked = produced.perQueue.reduce((a, b) => a + b, 0);
    const consumed = await consume({
      addr: started.addr,
      topic: TOPIC,
      connections: CONNECTIONS,
      inflight: PULL_INFLIGHT,
      maxMsgNums: MAX_MSG_NUMS,
      perQueue: produced.perQueue,
      timeoutMs: 60_000 + SECONDS * 10_000,
    });
    await sleep(100);
    rssMax = Math.max(rssMax, rssOf(pid));
    const rssEnd = rssOf(pid);
    const [p50, p99] = produced.latencies.percentiles(0.5, 0.99);
    return {
      flush,
      produceRate: produced.rate,
      ackP50us: p50!,
      ackP99us: p99!,
      acked,
      sendFailures: produced.failed,
      consumeRate: consumed.rate,
      consumed: consumed.msgs,
      consumeSeconds: consumed.seconds,
      pulls: consumed.pulls,
      pullRetries: consumed.retries,
      brokerRssMaxMiB: rssMax / 1048576,
      brokerRssEndMiB: rssEnd / 1048576,
      produceCpuPct,
    };
  } finally {
    if (rssTimer !== undefined) clearInterval(rssTimer);
    cleanupSignal?.();
    // SIGTERM first: the broker shuts down cleanly (and writes its CPU profile when asked to).
    await broker?.stop(15_000);
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
}

/** The commit checked out, read from .git without running git; undefined when there is none. */
function commitOf(repo: string): string | undefined {
  try {
    const head = fs.readFileSync(path.join(repo, '.git', 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    const loose = path.join(repo, '.git', ref);
    if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
    const packed = fs.readFileSync(path.join(repo, '.git', 'packed-refs'), 'utf8');
    return packed.split('\n').find((line) => line.endsWith(` ${ref}`))?.split(' ')[0];
  } catch {
    return undefined;
  }
}

/** The filesystem the store directories live on, from /proc/mounts (longest matching mount point). */
function diskOf(dir: string): string | undefined {
  try {
    const real = fs.realpathSync(dir);
    let best: string[] | undefined;
    for (const line of fs.readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const fields = line.split(' ');
      const mount = fields[1];
      if (mount === undefined || !(real === mount || real.startsWith(mount.endsWith('/') ? mount : mount + '/'))) continue;
      if (best === undefined || mount.length > best[1]!.length) best = fields;
    }
    return best === undefined ? undefined : `${best[0]} on ${best[1]} (${best[2]})`;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const cleanups: Array<() => unknown> = [];
  const scope = { after: (fn: () => unknown) => cleanups.push(fn) };
  const rows: Row[] = [];
  // Interrupted (Ctrl-C, `timeout`): stop the servers and remove their directories before leaving.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (async () => {
        for (const stop of [...activeBrokers]) await stop();
        for (const fn of cleanups.reverse()) await fn();
        process.exit(130);
      })();
    });
  }
  try {
    const namesrv = await startNamesrv(scope);
    const want = (mode: string): boolean => args.only === undefined || args.only === mode;
    if (want('async')) rows.push(await runFlush(namesrv.addr, 'ASYNC_FLUSH'));
    if (want('sync')) rows.push(await runFlush(namesrv.addr, 'SYNC_FLUSH'));
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }

  console.log(
    `broker end to end, ${CONNECTIONS} connections x ${INFLIGHT} in flight, ${BODY.length}-byte body, ${QUEUES} queues, ` +
      `produce ${SECONDS}s after ${SECONDS / 5}s warm-up, consume ${CONNECTIONS} x ${PULL_INFLIGHT} pulls of ${MAX_MSG_NUMS}`,
  );
  console.log('| flush | produce msgs/s | ack p50 µs | ack p99 µs | consume msgs/s | broker RSS MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    const flush = r.flush === 'ASYNC_FLUSH' ? 'ASYNC' : 'SYNC';
    console.log(`| ${flush} | ${Math.round(r.produceRate)} | ${r.ackP50us.toFixed(0)} | ${r.ackP99us.toFixed(0)} | ${Math.round(r.consumeRate)} | ${r.brokerRssMaxMiB.toFixed(0)} |`);
  }

  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dir = path.join(repo, 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const record = {
    bench: 'broker',
    date: new Date().toISOString(),
    commit: commitOf(repo),
    node: process.version,
    cpu: os.cpus()[0]?.model,
    cores: os.cpus().length,
    disk: diskOf(args.dir!),
    config: { seconds: SECONDS, warmupSeconds: SECONDS / 5, connections: CONNECTIONS, inflight: INFLIGHT, bodyBytes: BODY.length, queues: QUEUES, pullInflight: PULL_INFLIGHT, maxMsgNums: MAX_MSG_NUMS, profiled: args['cpu-prof'] !== undefined },
    rows,
  };
  fs.writeFileSync(path.join(dir, `broker-${Date.now()}.json`), JSON.stringify(record, null, 2));
}

await main();
