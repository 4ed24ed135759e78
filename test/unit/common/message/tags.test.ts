import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tagsString2tagsCode } from '../../../../src/common/message/tags.js';
import { javaHashMapCapacity, javaHashMapOrder, javaStringHashCode } from '../../../../src/common/message/java-hash.js';
import { loadStoreManifest } from '../../../harness/store-fixture.js';

test('tag hash codes equal the tagsCode of every fixture ConsumeQueue entry', () => {
  let checked = 0;
  for (const [queue, { entries }] of Object.entries(loadStoreManifest().consumeQueues)) {
    if (queue.startsWith('SCHEDULE_TOPIC_XXXX/')) continue; // tagsCode is the delivery time there
    for (const entry of entries) {
      assert.equal(tagsString2tagsCode(entry.tags), entry.tagsCode, `${queue} offset ${entry.queueOffset}`);
      checked++;
    }
  }
  assert.ok(checked >= 50, `${checked} entries`);
});

test('no tag hashes to 0; hash codes are signed ints like Java\'s', () => {
  assert.equal(tagsString2tagsCode(undefined), 0);
  assert.equal(tagsString2tagsCode(null), 0);
  assert.equal(tagsString2tagsCode(''), 0);
  assert.equal(tagsString2tagsCode('TagA'), 2598919);
  assert.equal(tagsString2tagsCode('TagBatch'), -726516768);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  assert.equal(javaStringHashCode('\u00e9\u{1F600}'), 233 * 31 * 31 + 0xd83d * 31 + 0xde00);
});

test('Java HashMap order: by bucket, ties in insertion order, table grown at 3/4 load', () => {
  assert.equal(javaHashMapCapacity(0), 16);
  assert.equal(javaHashMapCapacity(12), 16);
  assert.equal(javaHashMapCapacity(13), 32);
  assert.equal(javaHashMapCapacity(25), 64);
  assert.deepEqual(javaHashMapOrder(['fixtureIndex', 'TAGS', 'CLUSTER', 'UNIQ_KEY', 'KEYS']), ['KEYS', 'CLUSTER', 'UNIQ_KEY', 'TAGS', 'fixtureIndex']);
  assert.deepEqual(javaHashMapOrder([]), []);
});
