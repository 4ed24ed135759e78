// The Producer against a real NameServer and broker: what it sends is read back raw from the
// broker (PULL_MESSAGE and the record decoder), so every field is checked as stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { MessageSysFlag } from '../../../src/common/message/message-sys-flag.js';
import { decodeMessageRecords, type MessageExt } from '../../../src/common/message/message-record.js';
import { MessageIllegalError, MQError, TopicNotFoundError } from '../../../src/common/mq-error.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import type { Message } from '../../../src/client/message.js';
import { Producer, selectMessageQueueByHash, splitBatch } from '../../../src/client/index.js';
import { createTopic, pullOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `ProducerTopic_${RUN}`;
const ONEWAY_TOPIC = `ProducerOneway_${RUN}`;
const QUEUES = 4;

describe('Producer against a NameServer and a broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let producer: Producer;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();

  /** The messages stored in one queue from `queueOffset` on (at most 32), bodies as stored. */
  async function pull(topic: string, queueId: number, queueOffset: number, inflate = false): Promise<MessageExt[]> {
    const response = await pullOne(admin, broker.addr, topic, queueId, queueOffset, { suspend: false });
    if (response.code !== ResponseCode.SUCCESS) return [];
    return decodeMessageRecords(response.body!, { inflate });
  }

  async function routeExists(topic: string): Promise<boolean> {
    const response = await admin.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
    return response.code === ResponseCode.SUCCESS;
  }

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    await createTopic(admin, broker.addr, [namesrv.addr], TOPIC, QUEUES);
    await createTopic(admin, broker.addr, [namesrv.addr], ONEWAY_TOPIC, QUEUES);
    producer = new Producer({
      namesrvAddr: namesrv.addr,
      producerGroup: `PID_producer_${RUN}`,
      instanceName: `producer-${RUN}`,
      pollNameServerIntervalMs: 1000,
      heartbeatBrokerIntervalMs: 1000,
    });
    await producer.start();
  });

  after(async () => {
    await producer?.shutdown();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('send resolves SEND_OK and the broker stores topic, tags, keys, user properties, UNIQ_KEY and body', async () => {
    const result = await producer.send({ topic: TOPIC, tags: 'TagA', keys: ['key-1', 'key-2'], body: 'hello rocketmq', properties: { orderId: '42', region: 'eu' } });
    assert.equal(result.sendStatus, 'SEND_OK');
    assert.match(result.msgId, /^[0-9A-F]{32}$/);
    assert.equal(result.messageQueue.topic, TOPIC);
    assert.equal(result.messageQueue.brokerName, 'broker-a');
    assert.equal(result.regionId, 'DefaultRegion');

    const [stored] = await pull(TOPIC, result.messageQueue.queueId, result.queueOffset);
    assert.ok(stored !== undefined, 'the message is in the queue and at the offset the result names');
    assert.equal(stored.topic, TOPIC);
    assert.equal(stored.queueOffset, result.queueOffset);
    assert.equal(stored.offsetMsgId, result.offsetMsgId);
    assert.equal(stored.body.toString(), 'hello rocketmq');
    assert.equal(stored.sysFlag, 0);
    assert.equal(stored.properties.get('TAGS'), 'TagA');
    assert.equal(stored.properties.get('KEYS'), 'key-1 key-2');
    assert.equal(stored.properties.get('UNIQ_KEY'), result.msgId);
    assert.equal(stored.properties.get('WAIT'), 'true');
    assert.equal(stored.properties.get('orderId'), '42');
    assert.equal(stored.properties.get('region'), 'eu');
  });

  test('consecutive sends rotate over the queues of the topic', async () => {
    const queueIds = new Set<number>();
    for (let i = 0; i < QUEUES * 2; i++) queueIds.add((await producer.send({ topic: TOPIC, body: `rotate-${i}` })).messageQueue.queueId);
    assert.equal(queueIds.size, QUEUES);
  });

  test('sendOneway stores the message although no answer comes back', async () => {
    const key = `oneway-${RUN}`;
    await producer.sendOneway({ topic: ONEWAY_TOPIC, keys: key, body: 'fire and forget' });
    let found: MessageExt | undefined;
    await waitFor(
      async () => {
        for (let queueId = 0; queueId < QUEUES && found === undefined; queueId++) {
          found = (await pull(ONEWAY_TOPIC, queueId, 0)).find((m) => m.properties.get('KEYS') === key);
        }
        return found !== undefined;
      },
      { timeoutMs: 5000, message: 'the one-way message in some queue' },
    );
    assert.equal(found!.body.toString(), 'fire and forget');
    assert.match(found!.properties.get('UNIQ_KEY') ?? '', /^[0-9A-F]{32}$/);
  });

  test('a topic the NameServer does not know is sent through the TBW102 route and auto-created', async () => {
    const topic = `ProducerAuto_${RUN}`;
    assert.equal(await routeExists(topic), false);
    const first = await producer.send({ topic, body: 'first of a new topic' });
    assert.equal(first.sendStatus, 'SEND_OK');
    assert.ok(first.messageQueue.queueId < 4, 'at most defaultTopicQueueNums (4) queues');
    const [stored] = await pull(topic, first.messageQueue.queueId, first.queueOffset);
    assert.equal(stored?.body.toString(), 'first of a new topic');
    // The broker registers the topic it created; then the producer moves to its real route.
    await waitFor(() => routeExists(topic), { timeoutMs: 10_000, message: `a route for ${topic}` });
    const queues = await producer.fetchPublishMessageQueues(topic);
    assert.equal(queues.length, 4);
    for (let i = 0; i < 4; i++) assert.equal((await producer.send({ topic, body: `more-${i}` })).sendStatus, 'SEND_OK');
  });

  test('the same sharding key always lands in the same queue, and different keys spread', async () => {
    const mqs = await producer.fetchPublishMessageQueues(TOPIC);
    const queueOfKey = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 12; k++) {
        const shardingKey = `order-${k}`;
        const result = await producer.send({ topic: TOPIC, body: `${shardingKey} step ${round}` }, { shardingKey });
        const expected = selectMessageQueueByHash(mqs, { topic: TOPIC, body: '' }, shardingKey)!;
        assert.deepEqual(result.messageQueue, expected, `${shardingKey} goes where SelectMessageQueueByHash puts it`);
        if (round > 0) assert.equal(result.messageQueue.queueId, queueOfKey.get(shardingKey), shardingKey);
        queueOfKey.set(shardingKey, result.messageQueue.queueId);
      }
    }
    assert.ok(new Set(queueOfKey.values()).size >= 3, 'twelve keys use several queues');
    // A custom selector decides alone; an explicit queue wins over everything.
    const viaSelector = await producer.send({ topic: TOPIC, body: 'selected' }, { selector: (list, _m, arg) => list[arg as number], arg: 2 });
    assert.equal(viaSelector.messageQueue.queueId, 2);
    const direct = await producer.send({ topic: TOPIC, body: 'direct' }, { messageQueue: { topic: TOPIC, brokerName: 'broker-a', queueId: 1 } });
    assert.equal(direct.messageQueue.queueId, 1);
  });

  test('a batch is stored as consecutive messages of one queue, each with its own UNIQ_KEY', async () => {
    const messages: Message[] = Array.from({ length: 10 }, (_, i) => ({ topic: TOPIC, tags: 'Batch', keys: `batch-${i}`, body: `batch body ${i}`, properties: { i: String(i) } }));
    const result = await producer.send(messages);
    assert.equal(result.sendStatus, 'SEND_OK');
    const uniqKeys = result.msgId.split(',');
    assert.equal(uniqKeys.length, 10);
    assert.equal(new Set(uniqKeys).size, 10);
    assert.equal(result.offsetMsgId.split(',').length, 10);
    const stored = await pull(TOPIC, result.messageQueue.queueId, result.queueOffset);
    assert.ok(stored.length >= 10);
    for (let i = 0; i < 10; i++) {
      assert.equal(stored[i]!.queueOffset, result.queueOffset + i);
      assert.equal(stored[i]!.body.toString(), `batch body ${i}`);
      assert.equal(stored[i]!.properties.get('KEYS'), `batch-${i}`);
      assert.equal(stored[i]!.properties.get('TAGS'), 'Batch');
      assert.equal(stored[i]!.properties.get('i'), String(i));
      assert.equal(stored[i]!.properties.get('UNIQ_KEY'), uniqKeys[i]);
    }
  });

  test('more than 4 MiB of messages: refused as one batch, sent once split with splitBatch', async () => {
    const messages: Message[] = Array.from({ length: 300 }, (_, i) => ({ topic: TOPIC, keys: `big-${i}`, body: Buffer.alloc(16 * 1024, i % 251) }));
    await assert.rejects(producer.send(messages), (err: unknown) => err instanceof MessageIllegalError && /body size over max value/.test(err.message));
    const lists = splitBatch(messages);
    assert.ok(lists.length >= 2);
    const msgIds: string[] = [];
    for (const list of lists) {
      const result = await producer.sendBatch(list);
      assert.equal(result.sendStatus, 'SEND_OK');
      msgIds.push(...result.msgId.split(','));
    }
    assert.equal(msgIds.length, 300);
  });

  test('a 10 KiB body travels deflated with the COMPRESSED flag and inflates to the original', async () => {
    const body = Buffer.from('a compressible line of text\n'.repeat(400).slice(0, 10 * 1024));
    assert.equal(body.length, 10 * 1024);
    const result = await producer.send({ topic: TOPIC, tags: 'Zip', body });
    const [raw] = await pull(TOPIC, result.messageQueue.queueId, result.queueOffset);
    assert.ok(raw !== undefined);
    assert.equal(raw.sysFlag & MessageSysFlag.COMPRESSED_FLAG, MessageSysFlag.COMPRESSED_FLAG);
    assert.equal(raw.sysFlag, 769, 'COMPRESSED | ZLIB type, as the Java 4.9.8 producer');
    assert.ok(raw.storedBodyLength < body.length, `stored ${raw.storedBodyLength} bytes for a ${body.length}-byte body`);
    assert.deepEqual(zlib.inflateSync(raw.body), body);
    const [inflated] = await pull(TOPIC, result.messageQueue.queueId, result.queueOffset, true);
    assert.deepEqual(inflated?.body, body);
  });

  test('invalid messages are refused before anything is sent', async () => {
    const topic = `ProducerNeverSent_${RUN}`;
    const refused = async (message: Message, pattern: RegExp): Promise<void> => {
      await assert.rejects(producer.send(message), (err: unknown) => err instanceof MQError && err.code === ResponseCode.MESSAGE_ILLEGAL && pattern.test(err.message));
    };
    await refused({ topic, body: '' }, /body length is zero/);
    await refused({ topic, body: Buffer.alloc(4 * 1024 * 1024 + 1) }, /body size over max value, MAX: 4194304/);
    await refused({ topic: 'bad topic!', body: 'x' }, /illegal characters/);
    await refused({ topic, body: 'x', properties: { KEYS: 'reserved' } }, /used by system/);
    await assert.rejects(producer.sendOneway({ topic, body: '' }), MessageIllegalError);
    // Had any of them reached the broker, it would have created the topic from TBW102.
    assert.equal(await routeExists(topic), false);
  });

  test('a producer that is not started, or shut down, refuses to send; a group is one producer per instance', async () => {
    const options = { namesrvAddr: namesrv.addr, producerGroup: `PID_lifecycle_${RUN}`, instanceName: `producer-${RUN}` };
    const idle = new Producer(options);
    await assert.rejects(idle.send({ topic: TOPIC, body: 'x' }), /call start\(\) first/);
    await idle.start();
    await idle.start(); // started once already: nothing happens
    const twin = new Producer(options);
    await assert.rejects(twin.start(), (err: unknown) => err instanceof MQError && /has been created before/.test(err.message));
    assert.equal((await idle.send({ topic: TOPIC, body: 'x' })).sendStatus, 'SEND_OK');
    await idle.shutdown();
    await idle.shutdown();
    await assert.rejects(idle.send({ topic: TOPIC, body: 'x' }), /shut down/);
    await assert.rejects(idle.start(), /shut down/);
  });

  test('a topic with no route and no TBW102 to fall back on is a TopicNotFoundError', async () => {
    const noFallback = new Producer({
      namesrvAddr: namesrv.addr,
      producerGroup: `PID_noroute_${RUN}`,
      instanceName: `producer-noroute-${RUN}`,
      createTopicKey: `NoSuchTemplate_${RUN}`,
    });
    await noFallback.start();
    try {
      await assert.rejects(noFallback.send({ topic: `ProducerNoRoute_${RUN}`, body: 'x' }), (err: unknown) => err instanceof TopicNotFoundError && /No route info of this topic/.test(err.message));
    } finally {
      await noFallback.shutdown();
    }
  });
});
