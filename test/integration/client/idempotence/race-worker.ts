// A consumer process for the idempotence race tests: runs a side effect (appending the key to a
// shared file) through Idempotence for every key, retrying keys found IN_PROGRESS as a
// redelivery would, and exits when every key is done. Argument: a JSON config.

import fs from 'node:fs';
import { Redis } from 'ioredis';
import type { DedupStore } from '../../../../src/client/idempotence/dedup-store.js';
import { FileDedupStore } from '../../../../src/client/idempotence/file-dedup-store.js';
import { Idempotence } from '../../../../src/client/idempotence/idempotence.js';
import { RedisDedupStore } from '../../../../src/client/idempotence/redis-dedup-store.js';

interface WorkerConfig {
  store: 'file' | 'redis';
  dir?: string;
  redisPort?: number;
  keys: string[];
  out: string;
  consumingTtlMs: number;
  /** Hold the first key's claim for ever (a consumer that hangs until killed). */
  hangOnFirst?: boolean;
  seed: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
let seed = config.seed;
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

const redis = config.store === 'redis' ? new Redis({ port: config.redisPort!, host: '127.0.0.1', lazyConnect: false }) : undefined;
const store: DedupStore = redis !== undefined ? new RedisDedupStore({ redis }) : new FileDedupStore({ dir: config.dir!, sweepIntervalMs: 0 });
const idem = new Idempotence({ store, namespace: 'G', consumingTtlMs: config.consumingTtlMs });

if (config.hangOnFirst === true) {
  await idem.run(config.keys[0]!, async () => {
    process.stdout.write('claimed\n');
    await new Promise(() => undefined);
  });
}

let pending = [...config.keys].sort(() => random() - 0.5);
while (pending.length > 0) {
  const again: string[] = [];
  await Promise.all(
    pending.map(async (key) => {
      const outcome = await idem.run(key, async () => {
        // A little work between the claim and the side effect widens any race.
        await new Promise((r) => setTimeout(r, Math.floor(random() * 3)));
        fs.appendFileSync(config.out, `${key}\n`);
      });
      if (outcome === 'IN_PROGRESS') again.push(key);
    }),
  );
  pending = again;
  if (pending.length > 0) await new Promise((r) => setTimeout(r, 20));
}
await store.close();
await redis?.quit();
process.stdout.write('done\n');
