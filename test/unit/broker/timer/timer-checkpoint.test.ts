// Owns: the tests of the timer checkpoint file: Java's fields where Java reads them, ours after,
// and values surviving a reopen.
// Counterpart: org.apache.rocketmq.store.timer.TimerCheckpoint (5.x).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TIMER_CHECKPOINT_FIELDS_BYTES, TimerCheckpoint } from '../../../../src/broker/timer/timer-checkpoint.js';
import { NodeFileIO } from '../../../../src/store/io/file-io.js';

const io = new NodeFileIO();

test('a checkpoint round-trips through its 4096-byte file, Java\'s fields first', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmqts-timercheck-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'config', 'timercheck');
  const cp = new TimerCheckpoint(io, file);
  assert.equal(cp.open(path.dirname(file)), false, 'a fresh file');
  assert.deepEqual(cp.values, { lastReadTimeMs: 0, lastTimerLogFlushPos: 0, lastTimerQueueOffset: 0, deliveredCommitLogOffset: 0, precisionMs: 0 });
  const values = { lastReadTimeMs: 1_795_000_123_000, lastTimerLogFlushPos: 64 * 1000, lastTimerQueueOffset: 999, deliveredCommitLogOffset: 123_456_789, precisionMs: 1000 };
  cp.write(values, 1_795_000_124_000);
  cp.flushSync();
  cp.close();

  const raw = fs.readFileSync(file);
  assert.equal(raw.length, 4096);
  assert.equal(TIMER_CHECKPOINT_FIELDS_BYTES, 72);
  assert.equal(raw.readBigInt64BE(0), BigInt(values.lastReadTimeMs), 'Java: lastReadTimeMs');
  assert.equal(raw.readBigInt64BE(8), BigInt(values.lastTimerLogFlushPos), 'Java: lastTimerLogFlushPos');
  assert.equal(raw.readBigInt64BE(16), 999n, 'Java: lastTimerQueueOffset');
  assert.equal(raw.readBigInt64BE(24), 999n, 'Java: masterTimerQueueOffset');
  assert.equal(raw.readBigInt64BE(40), 1_795_000_124_000n, 'Java: dataVersion timestamp');
  assert.equal(raw.readBigInt64BE(48), 1n, 'Java: dataVersion counter');
  assert.equal(raw.readBigInt64BE(56), 123_456_789n);
  assert.equal(raw.readInt32BE(64), 1000);

  const reopened = new TimerCheckpoint(io, file);
  assert.equal(reopened.open(path.dirname(file)), true);
  assert.deepEqual(reopened.values, values);
  reopened.write(values, 1_795_000_125_000);
  reopened.close();
  assert.equal(fs.readFileSync(file).readBigInt64BE(48), 2n, 'the counter goes on');
});
