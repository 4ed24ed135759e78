import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBatchBody } from '../../../../src/common/message/batch.js';
import { MessageIllegalError } from '../../../../src/common/mq-error.js';
import type { Message } from '../../../../src/client/message.js';
import { estimatedBatchEntryBytes, prepareBatch, splitBatch } from '../../../../src/client/producer/message-batch.js';
import type { PrepareSettings } from '../../../../src/client/producer/outgoing-message.js';
import { indexEntry, readFrameFile, splitFrame } from '../../../harness/fixtures.js';

function settings(uniqKeys: string[], maxMessageSize = 4 * 1024 * 1024): PrepareSettings {
  let i = 0;
  return { maxMessageSize, compressMsgBodyOverHowmuch: 4096, nextUniqKey: () => uniqKeys[i++] ?? `K${i}`.padEnd(32, '0') };
}

test('a batch encodes byte for byte as the Java 4.9.8 producer encodes it (fixture send/015)', () => {
  const file = 'send/015-client2broker-SEND_BATCH_MESSAGE-ROCKETMQ.bin';
  const entry = indexEntry(file);
  const batch = entry['batch'] as Array<{ body: string; properties: Record<string, string> }>;
  const messages: Message[] = batch.map((b) => ({
    topic: 'FixtureTopic',
    tags: b.properties['TAGS']!,
    keys: b.properties['KEYS']!,
    body: b.body,
    properties: { batchIndex: b.properties['batchIndex']! },
  }));
  const prepared = prepareBatch(messages, settings(batch.map((b) => b.properties['UNIQ_KEY']!)));
  assert.deepEqual(prepared.body, splitFrame(readFrameFile(file)).body);
  const ext = (entry.headerDecoded as { extFields: Record<string, string> }).extFields;
  assert.equal(prepared.propertiesString, ext['i']);
  assert.equal(prepared.batch, true);
  assert.equal(prepared.sysFlag, 0);
  assert.equal(prepared.msgId, batch.map((b) => b.properties['UNIQ_KEY']).join(','));
});

test('batches follow MessageBatch rules: one topic, same WAIT, no delay, no retry topic, not empty', () => {
  const s = settings([]);
  const refuse = (messages: Message[], pattern: RegExp): void => {
    assert.throws(() => prepareBatch(messages, s), (err: unknown) => err instanceof MessageIllegalError && pattern.test(err.message));
  };
  refuse([], /empty/);
  refuse([{ topic: 'A', body: 'x' }, { topic: 'B', body: 'x' }], /topic of the messages in one batch should be the same/);
  refuse([{ topic: 'A', body: 'x' }, { topic: 'A', body: 'x', waitStoreMsgOK: false }], /waitStoreMsgOK/);
  refuse([{ topic: 'A', body: 'x', delayTimeLevel: 2 }], /not supported for batching/);
  refuse([{ topic: 'A', body: 'x', deliverTimeMs: Date.now() }], /not supported for batching/);
  refuse([{ topic: '%RETRY%g', body: 'x' }], /Retry Group/);
  refuse([{ topic: 'A', body: 'x' }, { topic: 'A', body: '' }], /body length is zero/);
  // The whole batch must fit maxMessageSize, even when each message does.
  assert.throws(
    () => prepareBatch([{ topic: 'A', body: Buffer.alloc(60) }, { topic: 'A', body: Buffer.alloc(60) }], settings([], 100)),
    /body size over max value, MAX: 100/,
  );
});

test('splitBatch keeps order and makes lists whose encoded batch fits the bound', () => {
  const messages: Message[] = Array.from({ length: 300 }, (_, i) => ({
    topic: 'SplitTopic',
    tags: 'T',
    keys: `key-${i}`,
    body: Buffer.alloc(1000 + (i % 7) * 100, i),
    properties: { i: String(i) },
  }));
  const bytesMax = 64 * 1024;
  const lists = splitBatch(messages, bytesMax);
  assert.ok(lists.length > 1);
  assert.deepEqual(lists.flat(), messages);
  for (const list of lists) {
    const prepared = prepareBatch(list, settings([], bytesMax));
    assert.ok(prepared.body.length <= bytesMax, `${prepared.body.length} <= ${bytesMax}`);
    assert.equal(decodeBatchBody(prepared.body).length, list.length);
  }
  // Full lists: adding the next message would have crossed the bound.
  for (let i = 0; i < lists.length - 1; i++) {
    const size = (l: Message[]): number => l.reduce((n, m) => n + estimatedBatchEntryBytes(m), 0);
    assert.ok(size(lists[i]!) + estimatedBatchEntryBytes(lists[i + 1]![0]!) > bytesMax);
  }
});

test('splitBatch counts what an entry carries plus the topic, as the ListSplitter example does', () => {
  const m: Message = { topic: 'Topic', body: 'hello', tags: 'tag' };
  // 5 (topic) + 22 (entry header) + 5 (body) + "TAGS\u0001tag\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001" + 56.
  assert.equal(estimatedBatchEntryBytes(m), 5 + 22 + 5 + 'TAGS\u0001tag\u0002WAIT\u0001true\u0002UNIQ_KEY\u0001'.length + 56);
  // A single message over the bound gets a list of its own.
  const big: Message = { topic: 'Topic', body: Buffer.alloc(500) };
  assert.deepEqual(splitBatch([m, big, m], 200), [[m], [big], [m]]);
  assert.deepEqual(splitBatch([]), []);
});
