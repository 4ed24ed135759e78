// scanDeliveries on a real store whose CommitLog spans several small segments.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { DELAY_ORIGIN_PROPERTY, type DelayOrigin } from '../../../../src/broker/schedule/delayed-message.js';
import { scanDeliveries } from '../../../../src/broker/schedule/delivery-scan.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { storeConfig } from '../../../../src/store/store-config.js';
import { makeTempDir } from '../../../harness/processes.js';

const SEGMENT_BYTES = 64 * 1024;

test('finds every delivered message from an offset on, across segments, and nothing else', async (t) => {
  const dir = makeTempDir('rmqts-delivery-scan-');
  const store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: SEGMENT_BYTES }), storeHost: '127.0.0.1:10911' });
  store.load();
  store.start();
  t.after(async () => {
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const put = async (topic: string, properties: Array<[string, string]>, bodyBytes = 700): Promise<number> => {
    const result = await store.putMessage({ topic, queueId: 0, body: Buffer.alloc(bodyBytes, 0x62), properties: new Map(properties), bornTimestamp: 1, bornHost: '127.0.0.1:1' });
    assert.equal(result.status, 'PUT_OK');
    return result.appendResults[0]!.commitLogOffset;
  };

  const expected: DelayOrigin[] = [];
  let from = 0;
  for (let i = 0; i < 400; i++) {
    if (i === 50) from = store.maxPhyOffset; // deliveries before this are not wanted
    switch (i % 4) {
      case 0: {
        const origin = { queueId: i % 18, queueOffset: i };
        await put('RealTopic', [['TAGS', 'a'], [DELAY_ORIGIN_PROPERTY, `${origin.queueId}:${origin.queueOffset}`], ['UNIQ_KEY', `u${i}`]]);
        if (i >= 50) expected.push(origin);
        break;
      }
      case 1:
        // A delivered message sent back for a retry: parked again with its old origin. Not a delivery.
        await put('SCHEDULE_TOPIC_XXXX', [['DELAY', '3'], [DELAY_ORIGIN_PROPERTY, `2:${i}`]]);
        break;
      case 2:
        // The key's text inside another property's value is not the property.
        await put('RealTopic', [['note', `x${DELAY_ORIGIN_PROPERTY}\u00013:3`]], 100 + (i % 7) * 300);
        break;
      default:
        await put('OtherTopic', [['KEYS', `k${i}`]], 50);
    }
  }
  assert.ok(store.commitLog.segments.segments.length >= 4, 'the log spans several segments');

  const seen: DelayOrigin[] = [];
  const result = scanDeliveries(store, from, (origin) => seen.push(origin));
  assert.deepEqual(seen, expected);
  assert.equal(result.deliveries, expected.length);
  assert.equal(result.toOffset, store.maxPhyOffset);
  assert.equal(result.damagedAt, undefined);
  assert.equal(result.records, 350);

  const nothing = scanDeliveries(store, store.maxPhyOffset, () => assert.fail('nothing after the end'));
  assert.equal(nothing.records, 0);
});
