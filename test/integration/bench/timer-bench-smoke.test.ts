import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

// A tiny-count run against real namesrv and broker processes: keeps the timer benchmark compiling
// and working. It times nothing and asserts no speed, only that it prints its row.
test('the timer benchmark runs and prints its row', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'timer.bench.js');
  const { stdout } = await run(process.execPath, [script, '--count', '200', '--days', '3', '--inflight', '16'], { cwd: repoRoot, timeout: 90_000 });
  const row = stdout.split('\n').find((line) => /^\| \d+ \| \d+ \| \d+ \|$/.test(line));
  assert.ok(row, `no row in:\n${stdout}`);
  const [enqueue, delivery] = row.split('|').slice(1, -1).map((cell) => Number(cell));
  assert.ok(enqueue! > 0 && delivery! > 0, row);
});
