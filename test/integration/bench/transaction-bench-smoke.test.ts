import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/fixtures.js';

const run = promisify(execFile);

// A tiny-count run against real namesrv and broker processes: keeps the transaction benchmark
// compiling and working. It times nothing and asserts no speed, only that the transactions it
// committed are the messages the broker holds (the script itself fails otherwise).
test('the transaction benchmark runs and every committed transaction is stored', async () => {
  const script = path.join(repoRoot, 'dist', 'bench', 'macro', 'transaction.bench.js');
  for (const extra of [[], ['--oneway']]) {
    const { stdout } = await run(process.execPath, [script, '--seconds', '0.25', '--connections', '2', '--inflight', '4', '--body', '128', ...extra], { cwd: repoRoot, timeout: 60_000 });
    const row = stdout.split('\n').find((line) => line.startsWith('| awaited |') || line.startsWith('| one-way |'));
    assert.ok(row, `no result row in:\n${stdout}`);
    const cells = row.split('|').slice(2, -1).map((cell) => Number(cell));
    assert.equal(cells.length, 5, row);
    assert.ok(cells[3]! > 0, `nothing committed: ${row}`);
    assert.equal(cells[3], cells[4], `committed and stored differ: ${row}`);
  }
});
