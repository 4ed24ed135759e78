import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BATCH_ENTRY_FIXED_BYTES,
  BatchBodyError,
  batchBodySize,
  decodeBatchBody,
  encodeBatchBody,
  joinBatchProperties,
} from '../../../../src/common/message/batch.js';
import { decodeProperties } from '../../../../src/common/message/properties.js';
import { indexEntry, readFrameFile, splitFrame } from '../../../harness/fixtures.js';
import { loadStoreManifest } from '../../../harness/store-fixture.js';

const BATCH_FRAMES = [
  'send/009-client2broker-SEND_BATCH_MESSAGE-JSON.bin',
  'send/015-client2broker-SEND_BATCH_MESSAGE-ROCKETMQ.bin',
];

interface FixtureBatchEntry {
  totalSize: number;
  magic: number;
  bodyCRC: number;
  flag: number;
  body: string;
  properties: Record<string, string>;
}

for (const file of BATCH_FRAMES) {
  test(`decodes the SEND_BATCH_MESSAGE body of ${file} to its batch[] and re-encodes it byte for byte`, () => {
    const body = splitFrame(readFrameFile(file)).body;
    const expected = indexEntry(file)['batch'] as FixtureBatchEntry[];
    const entries = decodeBatchBody(body);
    assert.equal(entries.length, expected.length);
    entries.forEach((entry, i) => {
      const want = expected[i] as FixtureBatchEntry;
      assert.deepEqual(
        {
          totalSize: entry.totalSize,
          magic: entry.magicCode,
          bodyCRC: entry.bodyCRC,
          flag: entry.flag,
          body: entry.body.toString('utf8'),
          properties: Object.fromEntries(entry.properties),
        },
        want,
      );
      assert.deepEqual([...entry.properties.keys()], Object.keys(want.properties));
      assert.equal(entry.totalSize, BATCH_ENTRY_FIXED_BYTES + entry.body.length + Buffer.byteLength(entry.propertiesString));
      assert.equal(entry.body.buffer, body.buffer, 'bodies are slices of the request body');
      assert.ok(!entry.propertiesString.endsWith('\u0002'), 'the 4.9.8 Java client writes no trailing separator');
    });
    assert.equal(batchBodySize(entries), body.length);
    assert.deepEqual(encodeBatchBody(entries), body);
    assert.deepEqual(
      encodeBatchBody(entries.map((e) => ({ flag: e.flag, body: e.body, propertiesString: Buffer.from(e.propertiesString) }))),
      body,
    );
  });
}

test('joins entry and batch properties as the broker stored the fixture batch records', () => {
  const batchProperties = 'CLUSTER\u0001DefaultCluster\u0002WAIT\u0001true';
  const records = loadStoreManifest().commitlog.filter((r) => r.properties['TAGS'] === 'TagBatch');
  assert.equal(records.length, 5);
  for (const record of records) {
    const own = record.propertiesRaw.slice(0, record.propertiesRaw.length - batchProperties.length - 1);
    assert.equal(joinBatchProperties(own, batchProperties), record.propertiesRaw);
    assert.equal(decodeProperties(own).get('WAIT'), 'true');
  }
  // An entry that already ends with a separator (ali-ons style) gets no second one.
  assert.equal(joinBatchProperties('A\u00011\u0002', 'B\u00012'), 'A\u00011\u0002B\u00012');
  assert.equal(joinBatchProperties('', 'B\u00012'), 'B\u00012');
  assert.equal(joinBatchProperties('A\u00011', ''), 'A\u00011');
});

test('rejects truncated and negative-length batch entries', () => {
  const body = encodeBatchBody([
    { flag: 0, body: Buffer.from('one'), propertiesString: 'A\u00011' },
    { flag: 1, body: Buffer.from('two'), propertiesString: '' },
  ]);
  assert.equal(decodeBatchBody(body).length, 2);
  assert.equal(decodeBatchBody(Buffer.alloc(0)).length, 0);
  for (const cut of [1, 10, 19, 25, body.length - 1]) {
    assert.throws(() => decodeBatchBody(body.subarray(0, cut)), BatchBodyError, `cut at ${cut}`);
  }
  const negative = Buffer.from(body);
  negative.writeInt32BE(-1, 16);
  assert.throws(() => decodeBatchBody(negative), BatchBodyError);
  const negativeProperties = Buffer.from(body);
  negativeProperties.writeInt16BE(-2, 20 + 3);
  assert.throws(() => decodeBatchBody(negativeProperties), BatchBodyError);
  assert.throws(() => encodeBatchBody([{ flag: 0, body: Buffer.alloc(0), propertiesString: 'x'.repeat(32_768) }]), RangeError);
});
