// Wire interop: an unmodified ali-ons 3.12 push consumer receives what our Producer sent (single
// messages, a batch, a compressed body) with bodies, tags, keys and user properties intact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RemotingClient } from '../../../src/remoting/client.js';
import { Producer, type SendResult } from '../../../src/client/index.js';
import { consumer as makeConsumer, type ReceivedMessage } from '../../harness/ali-ons.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `ProducerOns_${RUN}`;

interface Sent {
  key: string;
  tags: string;
  body: Buffer;
  properties: Record<string, string>;
  uniqKey: string;
  offsetMsgId: string;
}

describe('our Producer, an ali-ons consumer', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let producer: Producer;
  let onsConsumer: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- ali-ons ships no types
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    await createTopic(admin, broker.addr, [namesrv.addr], TOPIC, 4);
    producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: `PID_ons_interop_${RUN}`, instanceName: `ons-interop-${RUN}` });
    await producer.start();
  });

  after(async () => {
    await onsConsumer?.close();
    await producer?.shutdown();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close(); see test/integration/broker/ali-ons.test.ts.
    setTimeout(() => process.exit(0), 200).unref();
  });

  test('every message arrives with its body, tags, keys, user properties and ids', async () => {
    const sent = new Map<string, Sent>();
    const record = (key: string, tags: string, body: Buffer, properties: Record<string, string>, uniqKey: string, result: SendResult): void => {
      sent.set(key, { key, tags, body, properties, uniqKey, offsetMsgId: result.offsetMsgId });
    };
    for (let i = 0; i < 20; i++) {
      const key = `single-${i}`;
      const tags = i % 2 === 0 ? 'TagA' : 'TagB';
      const body = Buffer.from(`body ${i} ${'é'.repeat(i)}`);
      const properties = { index: String(i), origin: 'rocketmq-ts' };
      const result = await producer.send({ topic: TOPIC, tags, keys: key, body, properties });
      record(key, tags, body, properties, result.msgId, result);
    }
    // Over compressMsgBodyOverHowmuch: sent deflated (sysFlag 769), which ali-ons must inflate.
    const big = Buffer.from('compressible text for ali-ons\n'.repeat(700));
    const bigResult = await producer.send({ topic: TOPIC, tags: 'TagZip', keys: 'compressed', body: big, properties: { big: 'yes' } });
    record('compressed', 'TagZip', big, { big: 'yes' }, bigResult.msgId, bigResult);
    // A batch: one request, five stored messages.
    const batch = Array.from({ length: 5 }, (_, i) => ({ topic: TOPIC, tags: 'TagBatch', keys: `batch-${i}`, body: Buffer.from(`batch ${i}`), properties: { n: String(i) } }));
    const batchResult = await producer.send(batch);
    const uniqKeys = batchResult.msgId.split(',');
    const offsetMsgIds = batchResult.offsetMsgId.split(',');
    batch.forEach((m, i) => sent.set(m.keys, { key: m.keys, tags: m.tags, body: m.body, properties: m.properties, uniqKey: uniqKeys[i]!, offsetMsgId: offsetMsgIds[i]! }));

    const received = new Map<string, ReceivedMessage>();
    onsConsumer = makeConsumer(namesrv.addr, `CID_ons_interop_${RUN}`);
    onsConsumer.subscribe(TOPIC, '*', async (msg: ReceivedMessage) => {
      received.set(msg.keys, msg);
    });
    await onsConsumer.ready();
    await waitFor(() => received.size >= sent.size, { timeoutMs: 15_000, message: `${sent.size} messages at the ali-ons consumer (got ${received.size})` });

    assert.equal(received.size, sent.size);
    for (const expected of sent.values()) {
      const msg = received.get(expected.key);
      assert.ok(msg !== undefined, expected.key);
      assert.equal(msg.topic, TOPIC);
      assert.equal(msg.tags, expected.tags, expected.key);
      assert.deepEqual(msg.body, expected.body, expected.key);
      for (const [name, value] of Object.entries(expected.properties)) assert.equal(msg.properties[name], value, `${expected.key} ${name}`);
      assert.equal(msg.properties['UNIQ_KEY'], expected.uniqKey, expected.key);
      assert.equal(msg.msgId, expected.offsetMsgId, expected.key);
    }
  });
});
