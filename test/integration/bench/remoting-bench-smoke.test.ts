import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

// A tiny-count run: keeps the benchmark compiling and working. It times nothing and asserts no speed.
test('the remoting benchmark runs and prints a figure for each run', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'remoting.bench.js');
  const { stdout } = await run(process.execPath, [script, '--seconds', '0.2', '--connections', '2', '--inflight', '4'], { cwd: repoRoot, timeout: 30_000 });
  for (const name of ['raw echo', 'rocketmq-ts, ROCKETMQ header', 'rocketmq-ts, JSON header']) {
    const row = stdout.split('\n').find((line) => line.startsWith(`| ${name} |`));
    assert.ok(row, `no row for ${name} in:\n${stdout}`);
    const rate = Number(row.split('|')[2]);
    assert.ok(rate > 0, `${name}: ${row}`);
  }
});
