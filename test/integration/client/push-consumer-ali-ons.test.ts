// Wire interop: our PushConsumer consumes what an unmodified ali-ons 3.12 producer sent, through a
// real NameServer and broker: bodies, tags, keys, user properties and the msgId ali-ons was given.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { ReceivedMessage } from '../../../src/client/message.js';
import { ons, producer as makeOnsProducer } from '../../harness/ali-ons.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();
const TAGS = ['TagA', 'TagB', 'TagC'];

describe('PushConsumer and an ali-ons producer', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ali-ons ships no types
  let onsProducer: any;

  before(async () => {
    await cluster.start();
    onsProducer = makeOnsProducer(cluster.namesrvAddr, unique('PID_ons_push'));
    await onsProducer.ready();
  });

  after(async () => {
    await onsProducer?.close();
    await cluster.stop();
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close() (see
    // test/integration/broker/ali-ons.test.ts); end the process once the runner has the results.
    setTimeout(() => process.exit(0), 200).unref();
  });

  test('consumes every message an ali-ons producer sent, intact', async () => {
    const topic = unique('OnsPushTopic');
    await cluster.createTopic(topic, 4);
    const sent = new Map<string, { tag: string; body: string; msgId: string }>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 500) {
        const i = next++;
        const tag = TAGS[i % 3]!;
        const body = `ons-${i}-${'y'.repeat(i % 100)}`;
        const msg = new ons.Message(topic, tag, body);
        msg.keys = [`key-${i}`, `alt-${i}`];
        msg.properties.userIndex = String(i);
        const result = await onsProducer.send(msg);
        assert.equal(result.sendStatus, 'SEND_OK');
        sent.set(`key-${i}`, { tag, body, msgId: result.msgId });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));

    const received = new Map<string, ReceivedMessage>();
    const tagged: ReceivedMessage[] = [];
    await cluster.consumer({ consumerGroup: unique('CID_ons_push') }, { [topic]: '*' }, (msgs) => {
      for (const m of msgs) received.set(m.keys[0]!, m);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await cluster.consumer({ consumerGroup: unique('CID_ons_push_tags') }, { [topic]: 'TagB || TagC' }, (msgs) => {
      tagged.push(...msgs);
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await waitFor(() => received.size >= 500, { timeoutMs: 15_000, message: 'every message received' });
    for (const [key, s] of sent) {
      const r = received.get(key);
      assert.ok(r !== undefined, `${key} received`);
      assert.equal(r.topic, topic);
      assert.equal(r.body.toString(), s.body);
      assert.equal(r.tags, s.tag);
      assert.deepEqual(r.keys, [key, `alt-${key.slice(4)}`]);
      assert.equal(r.properties.get('userIndex'), key.slice(4));
      // ali-ons sets no UNIQ_KEY, so the msgId is the offset msgId the broker answered the send with.
      assert.equal(r.msgId, s.msgId);
    }
    const expectedTagged = [...sent.values()].filter((s) => s.tag !== 'TagA').length;
    await waitFor(() => tagged.length >= expectedTagged, { timeoutMs: 15_000, message: 'the TagB/TagC messages' });
    assert.ok(tagged.every((m) => m.tags === 'TagB' || m.tags === 'TagC'));
    assert.equal(new Set(tagged.map((m) => m.keys[0])).size, expectedTagged);
  });
});
