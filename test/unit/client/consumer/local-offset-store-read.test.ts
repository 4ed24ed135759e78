import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalFileOffsetStore } from '../../../../src/client/consumer/offset-store.js';

const mq0 = { topic: 'T', brokerName: 'broker-a', queueId: 0 };
const mq1 = { topic: 'T', brokerName: 'broker-a', queueId: 1 };
const mq2 = { topic: 'T', brokerName: 'broker-a', queueId: 2 };

test('READ_FROM_STORE refreshes only the queue asked for, as Java\'s LocalFileOffsetStore', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsets-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = new LocalFileOffsetStore(dir, 'c', 'G');
  store.updateOffset(mq0, 5, false);
  store.updateOffset(mq1, 7, false);
  await store.persistAll([mq0, mq1]);
  // Newer offsets, not yet written: reading another queue from the file must not undo them.
  store.updateOffset(mq0, 12, false);
  assert.equal(await store.readOffset(mq1, 'READ_FROM_STORE'), 7);
  assert.equal(await store.readOffset(mq0, 'READ_FROM_MEMORY'), 12);
  assert.equal(await store.readOffset(mq2, 'READ_FROM_STORE'), -1, 'a queue the file does not hold');
  assert.equal(await store.readOffset(mq0, 'READ_FROM_STORE'), 5, 'the file itself still says 5');
});
