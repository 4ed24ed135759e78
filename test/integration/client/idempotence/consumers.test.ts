import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Producer } from '../../../../src/client/producer/producer.js';
import { RemotingClient } from '../../../../src/remoting/client.js';
import { createTopic } from '../../../harness/broker-admin.js';
import { type BrokerProcess, makeTempDir, type NamesrvProcess, startBroker, startNamesrv } from '../../../harness/processes.js';
import { startRedis } from '../../../harness/redis.js';
import { waitFor } from '../../../harness/wait-for.js';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'consumer-worker.js');
const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
let namesrv: NamesrvProcess;
let broker: BrokerProcess;
let redisPort: number;
let dir: string;

function spawnWorker(config: object): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const child = spawn(process.execPath, [worker, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      if (output.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${output}`)));
  });
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, ready, output: () => output };
}

function counts(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line !== '') out.set(line, (out.get(line) ?? 0) + 1);
  return out;
}

describe('idempotent consumption end to end: two consumer processes, every message delivered four times', () => {
  before(async () => {
    dir = makeTempDir('idem-e2e-');
    scope.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    redisPort = (await startRedis(scope)).port;
  });
  after(async () => {
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  for (const store of ['file', 'redis'] as const) {
    test(`the side effect happens once per key (${store} store)`, async (t) => {
      const topic = `IdemTopic_${store}`;
      const admin = new RemotingClient();
      await createTopic(admin, broker.addr, [namesrv.addr], topic, 4);
      admin.shutdown();
      const out = path.join(dir, `${store}-effects.log`);
      const base = { namesrvAddr: namesrv.addr, topic, group: `CID_idem_${store}`, store, dir: path.join(dir, `${store}-dedup`), redisPort, out };
      const workers = [1, 2].map((i) => spawnWorker({ ...base, instanceName: `idem-${store}-${i}`, offsetDir: path.join(dir, `${store}-offsets-${i}`) }));
      t.after(() => workers.forEach((w) => w.child.kill('SIGKILL')));
      await Promise.all(workers.map((w) => w.ready));

      // Each business key is sent twice (a producer that resent after a lost answer), and both
      // processes receive both copies (broadcasting): four deliveries per key, racing.
      const producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: `PID_idem_${store}`, instanceName: `idem-producer-${store}` });
      await producer.start();
      const keys = Array.from({ length: 150 }, (_v, i) => `order-${i}`);
      await Promise.all(keys.flatMap((key) => [0, 1].map(() => producer.send({ topic, keys: key, body: key }))));
      await producer.shutdown();

      await waitFor(() => counts(out).size === keys.length, { timeoutMs: 20_000, message: 'every key consumed' });
      // Late duplicates would show up now.
      await new Promise((r) => setTimeout(r, 1000));
      const seen = counts(out);
      for (const key of keys) assert.equal(seen.get(key), 1, `${key} side effect ran ${seen.get(key) ?? 0} times`);
      for (const w of workers) {
        w.child.kill('SIGTERM');
        await new Promise((r) => w.child.once('exit', r));
      }
    });
  }
});
