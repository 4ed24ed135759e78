import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { decodeMessageRecord } from '../../../src/common/message/message-record.js';
import { tagsString2tagsCode } from '../../../src/common/message/tags.js';
import { MessageStore } from '../../../src/store/message-store.js';
import { storeConfig } from '../../../src/store/store-config.js';
import { makeTempDir } from '../../harness/processes.js';

async function storeWith(t: { after(fn: () => unknown): void }, messages: Array<{ queueId: number; tag: string }>): Promise<MessageStore> {
  const dir = makeTempDir('rmqts-get-');
  const store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 }), storeHost: '127.0.0.1:10911' });
  store.load();
  store.start();
  t.after(async () => {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const [i, m] of messages.entries()) {
    const r = await store.putMessage({ topic: 'G', queueId: m.queueId, body: Buffer.from(`b${i}`), properties: new Map([['TAGS', m.tag]]), bornTimestamp: Date.now(), bornHost: '127.0.0.1:1' });
    assert.equal(r.status, 'PUT_OK');
  }
  return store;
}

test('getMessage answers each RocketMQ status with the next offset a consumer should use', async (t) => {
  const store = await storeWith(t, [
    { queueId: 0, tag: 'A' },
    { queueId: 0, tag: 'B' },
    { queueId: 0, tag: 'A' },
    { queueId: 1, tag: 'B' },
  ]);
  const a = tagsString2tagsCode('A');
  const found = store.getMessage('G', 0, 0, 32, (code) => code === a);
  assert.equal(found.status, 'FOUND');
  assert.deepEqual(found.queueOffsets, [0, 2]);
  assert.deepEqual(found.messages.map((m) => decodeMessageRecord(m, 0).body!.toString()), ['b0', 'b2']);
  assert.equal(found.nextBeginOffset, 3);
  assert.deepEqual([found.minOffset, found.maxOffset], [0, 3]);

  const none = store.getMessage('G', 1, 0, 32, (code) => code === a);
  assert.equal(none.status, 'NO_MATCHED_MESSAGE');
  assert.equal(none.nextBeginOffset, 1, 'filtered-out entries are skipped, not re-read');

  assert.equal(store.getMessage('G', 0, 3, 32).status, 'OFFSET_OVERFLOW_ONE');
  const badly = store.getMessage('G', 0, 9, 32);
  assert.equal(badly.status, 'OFFSET_OVERFLOW_BADLY');
  assert.equal(badly.nextBeginOffset, 0, 'a queue whose min is 0 sends the consumer back to 0');
  const unknown = store.getMessage('G', 7, 0, 32);
  assert.equal(unknown.status, 'NO_MATCHED_LOGIC_QUEUE');

  const limited = store.getMessage('G', 0, 0, 2);
  assert.equal(limited.messages.length, 2);
  assert.equal(limited.nextBeginOffset, 2);
});

test('getMessage returns at most maxTransferCountOnMessageInMemory messages', async (t) => {
  const store = await storeWith(t, Array.from({ length: 40 }, () => ({ queueId: 0, tag: 'A' })));
  const got = store.getMessage('G', 0, 0, 1000);
  assert.equal(got.messages.length, 32);
  assert.equal(got.nextBeginOffset, 32);
});

test('a tag code computed from the store time (delayed messages) uses the time the record is stored with', async (t) => {
  const dir = makeTempDir('rmqts-get-');
  let clock = 1_700_000_000_000;
  // Every clock read is a second later, so two reads for one put would disagree.
  const store = new MessageStore({
    config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 }),
    storeHost: '127.0.0.1:10911',
    now: () => (clock += 1000),
    tagsCodeOf: (_topic, _properties, storeTimestamp) => storeTimestamp + 10_000,
  });
  store.load();
  store.start();
  t.after(async () => {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const r = await store.putMessages([0, 1].map((i) => ({ topic: 'D', queueId: 0, body: Buffer.from(`d${i}`), properties: new Map(), bornTimestamp: 0, bornHost: '127.0.0.1:1' })));
  assert.equal(r.status, 'PUT_OK');
  for (const [queueOffset, stored] of r.appendResults.entries()) {
    const entry = store.consumeQueues.get('D', 0)!.entryAt(queueOffset)!;
    const record = decodeMessageRecord(store.lookMessageByOffset(stored.commitLogOffset)!, 0);
    assert.equal(entry.tagsCode, record.storeTimestamp + 10_000, `queue offset ${queueOffset}`);
  }
});
