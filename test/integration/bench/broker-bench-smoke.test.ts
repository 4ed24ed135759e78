import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

// A tiny-count run against real namesrv and broker processes: keeps the benchmark compiling and
// working. It times nothing and asserts no speed, only that each flush mode prints its row.
test('the broker benchmark runs and prints a row for each flush mode', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'broker.bench.js');
  const { stdout } = await run(process.execPath, [script, '--seconds', '0.25', '--connections', '2', '--inflight', '4', '--body', '128'], { cwd: repoRoot, timeout: 90_000 });
  for (const flush of ['ASYNC', 'SYNC']) {
    const row = stdout.split('\n').find((line) => line.startsWith(`| ${flush} |`));
    assert.ok(row, `no row for ${flush} in:\n${stdout}`);
    const cells = row.split('|').slice(2, -1).map((cell) => Number(cell));
    assert.equal(cells.length, 5, row);
    assert.ok(cells[0]! > 0, `${flush} produced nothing: ${row}`);
    assert.ok(cells[3]! > 0, `${flush} consumed nothing: ${row}`);
  }
});
