import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { startRedis } from '../../../harness/redis.js';
import { testSeed } from '../../../harness/seeded-random.js';

const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'race-worker.js');

function run(config: object): { child: ChildProcess; done: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [worker, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, done, output: () => output };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idem-race-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function countLines(file: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line !== '') counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

const stores: Array<{ name: string; options(t: { after(fn: () => unknown): void }): Promise<object> }> = [
  { name: 'file', options: async (t) => ({ store: 'file', dir: path.join(tempDir(t), 'store') }) },
  { name: 'redis', options: async (t) => ({ store: 'redis', redisPort: (await startRedis(t)).port }) },
];

for (const kind of stores) {
  describe(`idempotent consumption across processes (${kind.name} store)`, () => {
    test('three processes racing on the same 300 keys run each side effect exactly once', async (t) => {
      const seed = testSeed(`idempotence-${kind.name}`);
      const out = path.join(tempDir(t), 'effects.log');
      const keys = Array.from({ length: 300 }, (_v, i) => `order-${i}`);
      const base = { ...(await kind.options(t)), keys, out, consumingTtlMs: 60_000 };
      const workers = [0, 1, 2].map((i) => run({ ...base, seed: seed + i }));
      t.after(() => workers.forEach((w) => w.child.kill('SIGKILL')));
      for (const w of workers) assert.equal(await w.done, 0, w.output());
      const counts = countLines(out);
      assert.equal(counts.size, keys.length);
      for (const key of keys) assert.equal(counts.get(key), 1, `${key} ran ${counts.get(key) ?? 0} times (seed ${seed})`);
    });

    test('a consumer killed while holding a key lets another take it over after the claim expires', async (t) => {
      const out = path.join(tempDir(t), 'effects.log');
      const base = { ...(await kind.options(t)), out, consumingTtlMs: 1500, seed: 1 };
      const hung = run({ ...base, keys: ['order-x'], hangOnFirst: true });
      t.after(() => hung.child.kill('SIGKILL'));
      const deadline = Date.now() + 10_000;
      while (!hung.output().includes('claimed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(hung.output().includes('claimed'), hung.output());
      hung.child.kill('SIGKILL');
      await hung.done;
      const started = Date.now();
      const rescuer = run({ ...base, keys: ['order-x'] });
      assert.equal(await rescuer.done, 0, rescuer.output());
      assert.ok(Date.now() - started >= 1000, 'the key stayed claimed until its claim expired');
      assert.deepEqual([...countLines(out)], [['order-x', 1]]);
    });
  });
}
