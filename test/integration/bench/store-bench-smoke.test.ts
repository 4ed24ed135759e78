import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

/** The numbers in a markdown table row after its first cell. */
function cellsOf(stdout: string, first: string): number[] {
  const row = stdout.split('\n').find((line) => line.startsWith(`| ${first} |`));
  assert.ok(row, `no row for ${first} in:\n${stdout}`);
  return row
    .split('|')
    .slice(2, -1)
    .map((cell) => Number.parseFloat(cell));
}

// Short runs: keep the store benchmarks compiling and working. They time nothing and assert no
// speed, only that every run wrote and acknowledged messages.
test('the store benchmark runs the raw loop and the store in both flush modes', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'store.bench.js');
  const { stdout } = await run(process.execPath, [script, '--seconds', '0.3', '--writers', '8'], { cwd: repoRoot, timeout: 60_000 });
  for (const name of ['raw loop, ASYNC discipline', 'store ASYNC_FLUSH', 'raw loop, SYNC discipline', 'store SYNC_FLUSH']) {
    const [msgsPerSec] = cellsOf(stdout, name);
    assert.ok(msgsPerSec! > 0, `${name} acknowledged nothing:\n${stdout}`);
  }
});

test('the group-commit benchmark prints a rate for every cell of its grid', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'group-commit.bench.js');
  const args = ['--seconds', '0.2', '--writers', '8', '--costs', '0,1', '--disciplines', '1:0,2:4', '--mib', '4'];
  const { stdout } = await run(process.execPath, [script, ...args], { cwd: repoRoot, timeout: 60_000 });
  for (const cost of ['0', '1']) {
    const cells = cellsOf(stdout, cost);
    assert.equal(cells.length, 2, stdout);
    for (const rate of cells) assert.ok(rate > 0, `cost ${cost}: a cell acknowledged nothing:\n${stdout}`);
  }
});
