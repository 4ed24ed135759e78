import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeOffsetMsgId } from '../../../src/common/message/message-id.js';
import { decodeMessageRecord } from '../../../src/common/message/message-record.js';
import { MessageStore } from '../../../src/store/message-store.js';
import { storeConfig } from '../../../src/store/store-config.js';
import { makeTempDir } from '../../harness/processes.js';
import { loadStoreManifest, storeDir } from '../../harness/store-fixture.js';

const manifest = loadStoreManifest();
const consumable = manifest.messages.filter((m) => m.final !== null);

function sha256(buf: Uint8Array): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

describe('a store written by Apache RocketMQ 4.9.8 opens in rocketmq-ts', () => {
  let dir: string;
  let store: MessageStore;

  before(() => {
    dir = makeTempDir('rmqts-fixture-store-');
    fs.cpSync(storeDir, dir, { recursive: true });
    // The broker.conf of the capture (fixture README).
    store = new MessageStore({
      config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 4194304, mappedFileSizeConsumeQueue: 120000, maxHashSlotNum: 1000, maxIndexNum: 4000 }),
      storeHost: '127.0.0.1:40911',
    });
    store.load();
    store.start();
  });

  after(async () => {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('recovers to the end of the last record the manifest lists', () => {
    assert.ok(store.lastExitOK, 'the capture ended with a clean shutdown');
    const last = manifest.commitlog[manifest.commitlog.length - 1]!;
    assert.equal(store.maxPhyOffset, last.commitLogOffset + last.storeSize);
    assert.ok(consumable.length >= 45, `only ${consumable.length} consumable messages in the manifest`);
  });

  test('reads every message back by queue offset, bodies byte-equal', () => {
    for (const m of consumable) {
      const f = m.final!;
      const got = store.getMessage(f.topic, f.queueId, f.queueOffset, 1);
      assert.equal(got.status, 'FOUND', `${f.topic}/${f.queueId}/${f.queueOffset}`);
      const msg = decodeMessageRecord(got.messages[0]!, 0, { inflate: true });
      assert.equal(msg.commitLogOffset, f.commitLogOffset);
      assert.equal(msg.offsetMsgId, f.offsetMsgId);
      assert.equal(sha256(msg.body!), m.bodySha256, `${m.keys}: body differs`);
    }
  });

  test('reads every message back by offsetMsgId', () => {
    for (const m of consumable) {
      const id = decodeOffsetMsgId(m.final!.offsetMsgId)!;
      const record = store.lookMessageByOffset(id.commitLogOffset);
      assert.ok(record !== undefined, m.final!.offsetMsgId);
      assert.equal(sha256(decodeMessageRecord(record, 0, { inflate: true }).body!), m.bodySha256);
    }
  });

  test('finds every message by key and by UNIQ_KEY', () => {
    for (const m of consumable) {
      const topic = m.final!.topic;
      for (const key of [...m.keys.split(' '), m.uniqKey]) {
        const found = store.queryMessage(topic, key, 32, 0, Number.MAX_SAFE_INTEGER);
        const hit = found.messages.map((r) => decodeMessageRecord(r, 0, { inflate: true })).find((x) => x.commitLogOffset === m.final!.commitLogOffset);
        assert.ok(hit !== undefined, `${topic}#${key} not found`);
        assert.equal(sha256(hit.body!), m.bodySha256);
      }
    }
  });

  test('queue bounds and statuses around them are as RocketMQ answers them', () => {
    const counts = [11, 15, 11, 11];
    counts.forEach((count, queueId) => {
      assert.equal(store.getMinOffsetInQueue('FixtureTopic', queueId), 0);
      assert.equal(store.getMaxOffsetInQueue('FixtureTopic', queueId), count);
      assert.equal(store.getMessage('FixtureTopic', queueId, count, 32).status, 'OFFSET_OVERFLOW_ONE');
      assert.equal(store.getMessage('FixtureTopic', queueId, count + 5, 32).status, 'OFFSET_OVERFLOW_BADLY');
    });
    assert.equal(store.getMessage('NoSuchTopic', 0, 0, 32).status, 'NO_MATCHED_LOGIC_QUEUE');
    // The 5 batch messages of queue 1, offsets 10..14, in one read.
    const batch = store.getMessage('FixtureTopic', 1, 10, 32);
    assert.equal(batch.messages.length, 5);
    assert.deepEqual(batch.queueOffsets, [10, 11, 12, 13, 14]);
    // A tag filter on the ConsumeQueue's hash codes.
    const tagB = store.getMessage('FixtureTopic', 1, 0, 32, (code) => code === 2598920 /* "TagB".hashCode() */);
    assert.ok(tagB.messages.length > 0);
    for (const r of tagB.messages) assert.equal(decodeMessageRecord(r, 0).properties.get('TAGS'), 'TagB');
  });

  test('answers offsets by time and the earliest store time', () => {
    const first = manifest.commitlog.find((r) => r.topic === 'FixtureTopic' && r.queueId === 0 && r.queueOffset === 0)!;
    assert.equal(store.getEarliestMessageTime('FixtureTopic', 0), first.storeTimestamp);
    assert.equal(store.getOffsetInQueueByTime('FixtureTopic', 0, first.storeTimestamp), 0);
    // As 5.x: a time after every message gives the max offset (LOWER), or the last message (UPPER).
    const future = Date.parse('2100-01-01');
    assert.equal(store.getOffsetInQueueByTime('FixtureTopic', 0, future), store.getMaxOffsetInQueue('FixtureTopic', 0));
    assert.equal(store.getOffsetInQueueByTime('FixtureTopic', 0, future, 'UPPER'), store.getMaxOffsetInQueue('FixtureTopic', 0) - 1);
  });

  test('keeps the directory layout RocketMQ wrote', () => {
    for (const name of ['commitlog', 'consumequeue', 'index', 'checkpoint']) assert.ok(fs.existsSync(path.join(dir, name)), name);
    assert.ok(fs.existsSync(path.join(dir, 'abort')), 'a running store marks itself with abort');
  });
});
