// Store append throughput, no network: 1 KiB messages from concurrent writers, ASYNC_FLUSH and
// SYNC_FLUSH, beside a raw sequential-write loop with the same flush discipline, in one run.
//
//   node dist/bench/macro/store.bench.js [--seconds 5] [--writers 64] [--body 1024] [--gib 0] [--dir /tmp]
//
// --gib N writes N GiB in ASYNC mode instead of running for --seconds, sampling RSS as it goes
// (the goal: RSS flat, under 300 MiB, while writing 4 GiB).
//
// Each writer puts one message, waits for its acknowledgement, and puts the next, through the
// store's callback API (putMessagesThen), the one the broker's send path uses; the raw loop's
// writers wait the same way.
//
// The raw loop is the ceiling for our design: it copies the same bytes into one reused buffer,
// writes it once per event-loop turn to fresh 1 GiB files, and fdatasyncs every 500 ms (ASYNC) or
// as the CommitLog's group commit does (SYNC: two syncs in flight, a batch written at once when
// it reaches 40 KiB, zeros written just ahead), with no encoding, CRC or queues. bench:group-commit shows what work per
// message costs that ceiling.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32Implementation } from '../../src/common/crc32.js';
import { SYNC_BATCH_BYTES, SYNCS_IN_FLIGHT_MAX, ZERO_AHEAD_BYTES, ZERO_CHUNK_BYTES } from '../../src/store/commitlog/commit-log.js';
import { MessageStore } from '../../src/store/message-store.js';
import { storeConfig } from '../../src/store/store-config.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    writers: { type: 'string', default: '64' },
    body: { type: 'string', default: '1024' },
    gib: { type: 'string', default: '0' },
    dir: { type: 'string', default: os.tmpdir() },
    only: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const WRITERS = Number(args.writers);
const BODY = Buffer.alloc(Number(args.body), 0x62);
const GIB = Number(args.gib);

interface Figures {
  msgs: number;
  seconds: number;
  p50us: number;
  p99us: number;
  rssMaxMiB: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

class Latencies {
  readonly #samples = new Float64Array(1 << 20);
  #count = 0;
  add(us: number): void {
    this.#samples[this.#count++ & ((1 << 20) - 1)] = us;
  }
  sorted(): Float64Array {
    return this.#samples.slice(0, Math.min(this.#count, 1 << 20)).sort();
  }
}

async function runStore(flushDiskType: 'ASYNC_FLUSH' | 'SYNC_FLUSH', bytesTarget: number): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-store-'));
  const store = new MessageStore({
    config: storeConfig({ storePathRootDir: dir, flushDiskType, messageIndexEnable: true }),
    storeHost: '127.0.0.1:10911',
  });
  store.load();
  store.start();
  const properties = new Map([['TAGS', 'TagA'], ['KEYS', 'k'], ['UNIQ_KEY', '7F0000010000000000000000000001']]);
  // As the broker does: it has the properties string from the request and passes it along.
  const propertiesString = 'TAGS\u0001TagA\u0002KEYS\u0001k\u0002UNIQ_KEY\u00017F0000010000000000000000000001';
  const latencies = new Latencies();
  let msgs = 0;
  let running = true;
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 200);
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  let failure: string | undefined;
  await new Promise<void>((allDone) => {
    let writing = WRITERS;
    const put = (): void => {
      const start = performance.now();
      store.putMessagesThen([{ topic: 'BenchTopic', queueId: msgs & 7, body: BODY, properties, propertiesString, bornTimestamp: Date.now(), bornHost: '127.0.0.1:5000' }], (result) => {
        const end = performance.now();
        if (result.status !== 'PUT_OK') failure ??= `put answered ${result.status}`;
        latencies.add((end - start) * 1000);
        msgs++;
        if (failure !== undefined || (bytesTarget > 0 ? msgs * BODY.length >= bytesTarget : end >= deadline)) running = false;
        if (running) put();
        else if (--writing === 0) allDone();
      });
    };
    for (let i = 0; i < WRITERS; i++) put();
  });
  if (failure !== undefined) throw new Error(failure);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(rssTimer);
  rssMax = Math.max(rssMax, process.memoryUsage().rss);
  await store.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = latencies.sorted();
  return { msgs, seconds, p50us: percentile(sorted, 0.5), p99us: percentile(sorted, 0.99), rssMaxMiB: rssMax / 1048576 };
}

/** The ceiling: same bytes, same writes per turn and syncs, no store. */
async function runRaw(sync: boolean): Promise<Figures> {
  const dir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-raw-'));
  // Like the CommitLog, it writes fresh 1 GiB files in sequence (never rewriting warm pages).
  let fileIndex = 0;
  const openNext = (): number => {
    const next = fs.openSync(path.join(dir, `raw-${fileIndex++}`), 'w+');
    fs.ftruncateSync(next, 1024 * 1024 * 1024);
    return next;
  };
  let fd = openNext();
  const record = Buffer.alloc(BODY.length + 150, 0x62); // a 1 KiB body's record is ~1.2 KiB
  const buffer = Buffer.alloc(4 * 1024 * 1024);
  let pos = 0;
  let fileOffset = 0;
  let pending: Array<() => void> = [];
  let scheduled = false;
  // SYNC: the CommitLog's pipeline. Written groups wait for a sync started after their write;
  // up to SYNCS_IN_FLIGHT_MAX syncs run at once, and a batch commits at once at SYNC_BATCH_BYTES.
  // Zeros are kept written just ahead of the data, so few syncs allocate blocks.
  const zeros = sync ? Buffer.alloc(ZERO_CHUNK_BYTES) : null;
  let zeroedUpTo = 0;
  let written: Array<() => void> = [];
  const syncing: Array<{ waiters: Array<() => void>; done: boolean }> = [];
  const latencies = new Latencies();
  let msgs = 0;
  let running = true;
  const startSync = (): void => {
    if (syncing.length >= SYNCS_IN_FLIGHT_MAX || written.length === 0) return;
    const entry = { waiters: written, done: false };
    written = [];
    syncing.push(entry);
    fs.fdatasync(fd, () => {
      entry.done = true;
      // As the CommitLog: answered in the order the syncs started.
      while (syncing.length > 0 && syncing[0]!.done) for (const w of syncing.shift()!.waiters) w();
      startSync();
    });
  };
  const commit = (): void => {
    scheduled = false;
    if (pos === 0) return;
    if (fileOffset + pos > 1024 * 1024 * 1024) {
      const old = fd;
      fd = openNext();
      fs.closeSync(old);
      fileOffset = 0;
      zeroedUpTo = 0;
    }
    fs.writeSync(fd, buffer, 0, pos, fileOffset);
    fileOffset += pos;
    pos = 0;
    if (zeros !== null && Math.max(zeroedUpTo, fileOffset) - fileOffset < ZERO_AHEAD_BYTES) {
      const from = Math.max(zeroedUpTo, fileOffset);
      const length = Math.min(zeros.length, 1024 * 1024 * 1024 - from);
      if (length > 0) fs.writeSync(fd, zeros, 0, length, from);
      zeroedUpTo = from + length;
    }
    const waiters = pending;
    pending = [];
    if (!sync) {
      for (const w of waiters) w();
      return;
    }
    for (const w of waiters) written.push(w);
    startSync();
  };
  const flushTimer = sync ? null : setInterval(() => fs.fdatasync(fd, () => undefined), 500);
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  await new Promise<void>((allDone) => {
    let writing = WRITERS;
    const put = (): void => {
      const start = performance.now();
      if (pos + record.length > buffer.length) commit();
      record.copy(buffer, pos);
      pos += record.length;
      pending.push(() => {
        const end = performance.now();
        latencies.add((end - start) * 1000);
        msgs++;
        if (end >= deadline) running = false;
        if (running) put();
        else if (--writing === 0) allDone();
      });
      if (sync && pos >= SYNC_BATCH_BYTES && syncing.length < SYNCS_IN_FLIGHT_MAX) commit();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(commit);
      }
    };
    for (let i = 0; i < WRITERS; i++) put();
  });
  const seconds = (performance.now() - t0) / 1000;
  if (flushTimer !== null) clearInterval(flushTimer);
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = latencies.sorted();
  return { msgs, seconds, p50us: percentile(sorted, 0.5), p99us: percentile(sorted, 0.99), rssMaxMiB: process.memoryUsage().rss / 1048576 };
}

async function main(): Promise<void> {
  const rows: Array<[string, Figures]> = [];
  const want = (name: string): boolean => args.only === undefined || args.only === name;
  if (GIB > 0) {
    rows.push([`store ASYNC_FLUSH, ${GIB} GiB`, await runStore('ASYNC_FLUSH', GIB * 1024 * 1024 * 1024)]);
  } else {
    if (want('raw')) rows.push(['raw loop, ASYNC discipline', await runRaw(false)]);
    if (want('async')) rows.push(['store ASYNC_FLUSH', await runStore('ASYNC_FLUSH', 0)]);
    if (want('raw')) rows.push(['raw loop, SYNC discipline', await runRaw(true)]);
    if (want('sync')) rows.push(['store SYNC_FLUSH', await runStore('SYNC_FLUSH', 0)]);
  }
  console.log(`store append, ${WRITERS} writers, ${BODY.length}-byte bodies, ${GIB > 0 ? `${GIB} GiB` : `${SECONDS}s each`}, ${crc32Implementation} CRC32`);
  console.log('| run | msgs/s | MB/s | p50 µs | p99 µs | RSS max MiB |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, f] of rows) {
    const rate = f.msgs / f.seconds;
    console.log(`| ${name} | ${Math.round(rate)} | ${((rate * BODY.length) / 1e6).toFixed(0)} | ${f.p50us.toFixed(0)} | ${f.p99us.toFixed(0)} | ${f.rssMaxMiB.toFixed(0)} |`);
  }
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `store-${Date.now()}.json`), JSON.stringify({ bench: 'store', date: new Date().toISOString(), node: process.version, writers: WRITERS, bodyBytes: BODY.length, rows }, null, 2));
}

await main();
