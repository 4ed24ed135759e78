// What SYNC_FLUSH group commit can reach on this disk, whatever the store: the store bench's
// discipline (--writers writers, each with one 1 KiB message in flight, answered only once an
// fdatasync covers it) with no store at all. Putting a message costs --cost µs of event-loop work
// (busy waiting stands in for encoding, CRC, queues); the batch is written with one pwrite and
// synced, with up to K syncs in flight and a batch committed once it holds B bytes or at the end
// of the event-loop turn. The file's blocks are written and synced first, so no sync allocates
// (the best case, better than the store's fresh segments).
//
//   node dist/bench/macro/group-commit.bench.js [--seconds 2] [--writers 64] [--costs 0,1,2.5]
//        [--disciplines 1:0,2:40,2:0,3:24,4:16] [--mib 512] [--dir /tmp]
//
// A discipline K:B is K syncs in flight, commit at B KiB (0: only at the end of the turn); 2:40 is
// the store's. The grid answers: with c µs of work per
// message, what is the most any group-commit store gets from this many writers on this disk?

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeBenchResult } from './results.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    writers: { type: 'string', default: '64' },
    costs: { type: 'string', default: '0,1,2.5' },
    disciplines: { type: 'string', default: '1:0,2:40,2:0,3:24,4:16' },
    mib: { type: 'string', default: '512' },
    dir: { type: 'string', default: os.tmpdir() },
  },
});
const SECONDS = Number(args.seconds);
const WRITERS = Number(args.writers);
const COSTS = args.costs!.split(',').map(Number);
const DISCIPLINES = args.disciplines!.split(',').map((d) => {
  const [k, b] = d.split(':').map(Number);
  return { syncsInFlight: k!, batchBytes: b === 0 ? Infinity : b! * 1024 };
});
/** A 1 KiB body's CommitLog record, as in the store bench. */
const RECORD_BYTES = 1024 + 150;
/** The log file, written round and round. */
const FILE_BYTES = Number(args.mib) * 1024 * 1024;

interface Cell {
  costUs: number;
  syncsInFlight: number;
  /** null: commits only at the end of the turn. */
  batchKiB: number | null;
  msgsPerSec: number;
  msgsPerSync: number;
}

/** Writes zeros over the whole file and syncs them: every later write lands on allocated blocks. */
function preallocate(fd: number): void {
  const zeros = Buffer.alloc(1024 * 1024);
  for (let at = 0; at < FILE_BYTES; at += zeros.length) fs.writeSync(fd, zeros, 0, Math.min(zeros.length, FILE_BYTES - at), at);
  fs.fdatasyncSync(fd);
}

function busy(us: number): void {
  if (us <= 0) return;
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

function runCell(fd: number, costUs: number, syncsInFlight: number, batchBytes: number): Promise<Cell> {
  const buffer = Buffer.alloc(4 * 1024 * 1024, 0x62);
  let position = 0;
  let batched: number[] = []; // writer ids put since the last commit
  let written: number[] = []; // written, waiting for a sync to start
  let inFlight = 0;
  let syncs = 0;
  let msgs = 0;
  let commitScheduled = false;
  let running = true;
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  return new Promise((resolve) => {
    let writing = WRITERS;
    const startSync = (): void => {
      if (inFlight >= syncsInFlight || written.length === 0) return;
      const group = written;
      written = [];
      inFlight++;
      fs.fdatasync(fd, () => {
        inFlight--;
        syncs++;
        for (const writer of group) {
          msgs++;
          if (performance.now() >= deadline) running = false;
          if (running) put(writer);
          else if (--writing === 0) {
            const seconds = (performance.now() - t0) / 1000;
            resolve({ costUs, syncsInFlight, batchKiB: Number.isFinite(batchBytes) ? batchBytes / 1024 : null, msgsPerSec: msgs / seconds, msgsPerSync: msgs / syncs });
          }
        }
        startSync();
      });
    };
    const commit = (): void => {
      commitScheduled = false;
      if (batched.length === 0) return;
      const length = batched.length * RECORD_BYTES;
      if (position + length > FILE_BYTES) position = 0;
      fs.writeSync(fd, buffer, 0, length, position);
      position += length;
      for (const writer of batched) written.push(writer);
      batched = [];
      startSync();
    };
    const put = (writer: number): void => {
      busy(costUs);
      batched.push(writer);
      if (batched.length * RECORD_BYTES >= batchBytes && inFlight < syncsInFlight) commit();
      else if (!commitScheduled) {
        commitScheduled = true;
        setImmediate(commit);
      }
    };
    for (let i = 0; i < WRITERS; i++) put(i);
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(args.dir!, 'rmqts-bench-group-commit-'));
  const fd = fs.openSync(path.join(dir, 'log'), 'w+');
  const cells: Cell[] = [];
  try {
    preallocate(fd);
    for (const cost of COSTS) {
      for (const d of DISCIPLINES) cells.push(await runCell(fd, cost, d.syncsInFlight, d.batchBytes));
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`group commit on a preallocated file, ${WRITERS} writers with one 1 KiB message each in flight, ${SECONDS}s per cell`);
  console.log(`| work per message µs | ${DISCIPLINES.map((d) => `${d.syncsInFlight} in flight, ${Number.isFinite(d.batchBytes) ? `${d.batchBytes / 1024} KiB` : 'per turn'}`).join(' | ')} |`);
  console.log(`| ---: | ${DISCIPLINES.map(() => '---:').join(' | ')} |`);
  for (const cost of COSTS) {
    const row = cells.filter((c) => c.costUs === cost);
    console.log(`| ${cost} | ${row.map((c) => `${Math.round(c.msgsPerSec)} (${c.msgsPerSync.toFixed(0)}/sync)`).join(' | ')} |`);
  }
  writeBenchResult('group-commit', { writers: WRITERS, seconds: SECONDS, cells });
}

await main();
