import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { LocalFileOffsetStore } from '../../../../src/client/consumer/offset-store.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'offsets-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mq0 = { topic: 'T', brokerName: 'broker-a', queueId: 0 };
const mq1 = { topic: 'T', brokerName: 'broker-a', queueId: 1 };

describe('LocalFileOffsetStore', () => {
  test('persisted offsets load back in a new store, in Java\'s file format', async (t) => {
    const dir = tempDir(t);
    const store = new LocalFileOffsetStore(dir, '10.0.0.1@7', 'G');
    store.updateOffset(mq0, 5, false);
    store.updateOffset(mq1, 9, false);
    await store.persistAll([mq0, mq1]);
    const text = fs.readFileSync(path.join(dir, '10.0.0.1@7', 'G', 'offsets.json'), 'utf8');
    assert.match(text, /^\{"offsetTable":\{\{"brokerName":"broker-a","queueId":0,"topic":"T"\}:5,/);
    const again = new LocalFileOffsetStore(dir, '10.0.0.1@7', 'G');
    await again.load();
    assert.equal(await again.readOffset(mq0, 'READ_FROM_MEMORY'), 5);
    assert.equal(await again.readOffset(mq1, 'MEMORY_FIRST_THEN_STORE'), 9);
  });

  test('increaseOnly never moves an offset back', async (t) => {
    const store = new LocalFileOffsetStore(tempDir(t), 'c', 'G');
    store.updateOffset(mq0, 10, false);
    store.updateOffset(mq0, 4, true);
    assert.equal(await store.readOffset(mq0, 'READ_FROM_MEMORY'), 10);
    store.updateOffset(mq0, 4, false);
    assert.equal(await store.readOffset(mq0, 'READ_FROM_MEMORY'), 4);
  });

  test('a torn file falls back to the backup of the previous write', async (t) => {
    const dir = tempDir(t);
    const store = new LocalFileOffsetStore(dir, 'c', 'G');
    store.updateOffset(mq0, 1, false);
    await store.persistAll([mq0]);
    store.updateOffset(mq0, 2, false);
    await store.persistAll([mq0]);
    fs.writeFileSync(store.file, '{"offsetTable":{{"brok');
    const again = new LocalFileOffsetStore(dir, 'c', 'G');
    await again.load();
    assert.equal(await again.readOffset(mq0, 'READ_FROM_MEMORY'), 1);
  });

  test('an unknown queue reads as -1', async (t) => {
    const store = new LocalFileOffsetStore(tempDir(t), 'c', 'G');
    await store.load();
    assert.equal(await store.readOffset(mq0, 'READ_FROM_STORE'), -1);
  });
});
