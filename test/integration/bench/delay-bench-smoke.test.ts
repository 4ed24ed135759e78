import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

// A tiny-count run against real namesrv and broker processes: keeps the delay benchmark compiling
// and working. It times nothing and asserts no speed; the script itself fails unless every
// delayed message reached its real topic after the clock moved.
test('the delay benchmark runs and every delayed message is delivered', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'delay.bench.js');
  const { stdout } = await run(process.execPath, [script, '--count', '500', '--connections', '2', '--inflight', '4', '--body', '128', '--queues', '2'], { cwd: repoRoot, timeout: 60_000 });
  const row = stdout.split('\n').find((line) => /^\| \d/.test(line));
  assert.ok(row, `no result row in:\n${stdout}`);
  const cells = row.split('|').slice(1, -1).map((cell) => Number(cell));
  assert.equal(cells.length, 5, row);
  assert.ok(cells[0]! > 0 && cells[3]! > 0, `no send or delivery rate: ${row}`);
});
