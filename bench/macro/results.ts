// Owns: the JSON record each macro bench leaves in bench/results/ (git-ignored): the bench's
// figures and config, stamped with the date, Node version and CPU, one file per run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results/ of this checkout (the compiled file lives in dist/bench/macro/). */
const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bench/results');

/** Writes bench/results/<bench>-<ms>.json with the machine's stamp and `fields`. */
export function writeBenchResult(bench: string, fields: Record<string, unknown>): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const record = { bench, date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length, ...fields };
  fs.writeFileSync(path.join(RESULTS_DIR, `${bench}-${Date.now()}.json`), JSON.stringify(record, null, 2));
}
