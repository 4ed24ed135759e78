import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import type { BrokerContext } from '../../../../src/broker/broker-context.js';
import { QUERY_OFFSET_NOT_FOUND_REMARK, registerOffsetHandlers } from '../../../../src/broker/handlers/offsets.js';
import { ConsumerOffsetManager } from '../../../../src/broker/offsets/consumer-offset-manager.js';
import { RemotingClient } from '../../../../src/remoting/client.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { FrameDecoder } from '../../../../src/remoting/frame.js';
import { decodeCommand, type ExtFields, RemotingCommand, SerializeType } from '../../../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../../../src/remoting/server.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { storeConfig, type StoreConfig } from '../../../../src/store/store-config.js';
import { readFrameFile } from '../../../harness/fixtures.js';
import { makeTempDir } from '../../../harness/processes.js';
import { waitFor } from '../../../harness/wait-for.js';

const TOPIC = 'FixtureTopic';
const T0 = 1_795_237_595_000;

interface Harness {
  addr: string;
  store: MessageStore;
  offsets: ConsumerOffsetManager;
  client: RemotingClient;
  /** Store timestamps of the messages put in queue 0, by queue offset. */
  storeTimes: number[];
  call(code: number, extFields: ExtFields): Promise<RemotingCommand>;
}

/**
 * A RemotingServer with only the offset handlers, over a real MessageStore in a temp dir holding
 * `perQueue[q]` messages in FixtureTopic queue q, stored 1 s apart.
 */
async function startHarness(
  t: { after(fn: () => unknown): void },
  perQueue: number[],
  storeOverrides: Partial<Record<keyof StoreConfig, number>> = {},
): Promise<Harness> {
  const dir = makeTempDir('rmqts-offset-handlers-');
  let clock = T0;
  const store = new MessageStore({
    config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024, ...storeOverrides }),
    storeHost: '127.0.0.1:10911',
    now: () => clock,
  });
  store.load();
  store.start();
  const offsets = new ConsumerOffsetManager({ configDir: path.join(dir, 'config') });
  const logger = pino({ level: 'silent' });
  // Only what the offset handlers read; the rest of the context is not needed here.
  const ctx = { store, consumerOffsets: offsets, logger, now: () => clock } as unknown as BrokerContext;
  const server = new RemotingServer({ logger });
  registerOffsetHandlers(server, ctx);
  const port = await server.listen(0, '127.0.0.1');
  const client = new RemotingClient();
  t.after(async () => {
    client.shutdown();
    await server.shutdown();
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const storeTimes: number[] = [];
  for (const [queueId, count] of perQueue.entries()) {
    for (let i = 0; i < count; i++) {
      clock += 1000;
      const result = await store.putMessage({
        topic: TOPIC,
        queueId,
        body: Buffer.from(`m-${queueId}-${i}`),
        properties: new Map([['TAGS', 'TagA']]),
        bornTimestamp: clock,
        bornHost: '127.0.0.1:40000',
      });
      assert.equal(result.status, 'PUT_OK');
      if (queueId === 0) storeTimes.push(clock);
    }
  }
  const addr = `127.0.0.1:${port}`;
  return {
    addr,
    store,
    offsets,
    client,
    storeTimes,
    call: (code, extFields) => client.invokeSync(addr, RemotingCommand.request(code, extFields), 3000),
  };
}

function fixtureRequest(relPath: string): RemotingCommand {
  return decodeCommand(readFrameFile(relPath).subarray(4));
}

test('QUERY_CONSUMER_OFFSET answers 0 for a new group on a young queue, then the committed value', async (t) => {
  const h = await startHarness(t, [3]);
  // The captured ali-ons request (queueId sent as a JSON number).
  const first = await h.client.invokeSync(h.addr, fixtureRequest('consumer/013-client2broker-QUERY_CONSUMER_OFFSET-JSON.bin'), 3000);
  assert.equal(first.code, ResponseCode.SUCCESS);
  assert.deepEqual(first.extFields, { offset: '0' });

  const update = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'fixture_cg_node', topic: TOPIC, queueId: '0', commitOffset: '2' });
  assert.equal(update.code, ResponseCode.SUCCESS);
  assert.deepEqual(update.extFields, {});
  assert.equal(h.offsets.queryOffset('fixture_cg_node', TOPIC, 0), 2);

  const second = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'fixture_cg_node', topic: TOPIC, queueId: '0' });
  assert.equal(second.code, ResponseCode.SUCCESS);
  assert.deepEqual(second.extFields, { offset: '2' });
});

test('an ali-ons commit of -1 leaves the committed offset alone', async (t) => {
  const h = await startHarness(t, [3]);
  await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0', commitOffset: '3' });
  const minusOne = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0', commitOffset: '-1' });
  assert.equal(minusOne.code, ResponseCode.SUCCESS);
  const query = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0' });
  assert.deepEqual(query.extFields, { offset: '3' });

  // Where only -1 was ever committed, the query answers as for a new group.
  await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '1', commitOffset: '-1' });
  const fresh = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '1' });
  assert.equal(fresh.code, ResponseCode.SUCCESS);
  assert.deepEqual(fresh.extFields, { offset: '0' });
});

test('a one-way UPDATE_CONSUMER_OFFSET commits and is not answered', async (t) => {
  const h = await startHarness(t, [8]);
  const socket = net.connect(Number(h.addr.split(':')[1]), '127.0.0.1');
  t.after(() => socket.destroy());
  const frames: RemotingCommand[] = [];
  const decoder = new FrameDecoder();
  socket.on('data', (chunk) => decoder.push(chunk, (frame) => frames.push(decodeCommand(frame))));
  // The Java client's captured frames, ROCKETMQ-encoded: one-way commit of 6, then a query.
  socket.write(readFrameFile('consumer/019-client2broker-UPDATE_CONSUMER_OFFSET-ROCKETMQ.bin'));
  socket.write(readFrameFile('consumer/015-client2broker-QUERY_CONSUMER_OFFSET-ROCKETMQ.bin'));
  await waitFor(() => frames.length > 0, { message: 'the QUERY_CONSUMER_OFFSET answer' });
  const answer = frames[0]!;
  assert.equal(answer.opaque, 86, 'the first frame back answers the query: the one-way commit got no reply');
  assert.equal(answer.serializeType, SerializeType.ROCKETMQ, 'answered in the request\'s serialization');
  assert.equal(answer.code, ResponseCode.SUCCESS);
  assert.deepEqual(answer.extFields, { offset: '6' });
  assert.equal(h.offsets.queryOffset('fixture_cg_orderly', TOPIC, 0), 6);
});

test('QUERY_CONSUMER_OFFSET answers QUERY_NOT_FOUND when the first message is no longer in memory', async (t) => {
  // accessMessageInMemoryMaxRatio=0: every stored message counts as "in disk", as on a broker
  // whose CommitLog has grown past its share of RAM since the queue's first message.
  const h = await startHarness(t, [2], { accessMessageInMemoryMaxRatio: 0 });
  const old = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0' });
  assert.equal(old.code, ResponseCode.QUERY_NOT_FOUND);
  assert.equal(old.remark, QUERY_OFFSET_NOT_FOUND_REMARK);
  assert.equal(QUERY_OFFSET_NOT_FOUND_REMARK, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');

  const empty = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '3' });
  assert.equal(empty.code, ResponseCode.SUCCESS, 'a queue with no message at 0 is young');
  assert.deepEqual(empty.extFields, { offset: '0' });

  await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0', commitOffset: '1' });
  const stored = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0' });
  assert.deepEqual(stored.extFields, { offset: '1' });
});

test('setZeroIfNotFound=false (5.x) answers QUERY_NOT_FOUND even on a young queue', async (t) => {
  const h = await startHarness(t, [1]);
  const answer = await h.call(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0', setZeroIfNotFound: 'false' });
  assert.equal(answer.code, ResponseCode.QUERY_NOT_FOUND);
});

test('GET_MAX_OFFSET, GET_MIN_OFFSET and GET_EARLIEST_MSG_STORETIME answer what the store holds', async (t) => {
  const h = await startHarness(t, [6, 12]);
  const max0 = await h.client.invokeSync(h.addr, fixtureRequest('query/013-client2broker-GET_MAX_OFFSET-JSON.bin'), 3000);
  assert.deepEqual(max0.extFields, { offset: String(h.store.getMaxOffsetInQueue(TOPIC, 0)) });
  assert.deepEqual(max0.extFields, { offset: '6' });
  const max1 = await h.call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: '1', bname: 'broker-a' });
  assert.deepEqual(max1.extFields, { offset: '12' });
  const maxUnknown = await h.call(RequestCode.GET_MAX_OFFSET, { topic: 'NoSuchTopic', queueId: '0' });
  assert.equal(maxUnknown.code, ResponseCode.SUCCESS);
  assert.deepEqual(maxUnknown.extFields, { offset: '0' });

  const min = await h.client.invokeSync(h.addr, fixtureRequest('query/017-client2broker-GET_MIN_OFFSET-JSON.bin'), 3000);
  assert.equal(min.code, ResponseCode.SUCCESS);
  assert.deepEqual(min.extFields, { offset: String(h.store.getMinOffsetInQueue(TOPIC, 0)) });

  const earliest = await h.client.invokeSync(h.addr, fixtureRequest('query/021-client2broker-GET_EARLIEST_MSG_STORETIME-JSON.bin'), 3000);
  assert.equal(earliest.code, ResponseCode.SUCCESS);
  assert.deepEqual(earliest.extFields, { timestamp: String(h.storeTimes[0]) });
  assert.equal(h.store.getEarliestMessageTime(TOPIC, 0), h.storeTimes[0]);
});

test('SEARCH_OFFSET_BY_TIMESTAMP answers the store\'s offset for the time', async (t) => {
  const h = await startHarness(t, [5]);
  for (const [queueOffset, storeTime] of h.storeTimes.entries()) {
    const answer = await h.call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic: TOPIC, queueId: '0', timestamp: String(storeTime) });
    assert.equal(answer.code, ResponseCode.SUCCESS);
    assert.deepEqual(answer.extFields, { offset: String(queueOffset) });
  }
  // Between stored times: LOWER (absent or any value but "upper") is the next message, UPPER the
  // one before; 400 ms after offset 2 is nearer to 2, which 4.9.8 would have answered.
  const between = String(h.storeTimes[2]! + 400);
  const cases: Array<[Record<string, string>, number]> = [
    [{ timestamp: String(T0) }, 0],
    [{ timestamp: between }, 3],
    [{ timestamp: between, boundaryType: 'LOWER' }, 3],
    [{ timestamp: between, boundaryType: 'nonsense' }, 3],
    [{ timestamp: between, boundaryType: 'UPPER' }, 2],
    [{ timestamp: between, boundaryType: 'upper' }, 2],
    [{ timestamp: String(T0), boundaryType: 'UPPER' }, 0],
    [{ timestamp: String(h.storeTimes[4]! + 60_000) }, 5],
    [{ timestamp: String(h.storeTimes[4]! + 60_000), boundaryType: 'UPPER' }, 4],
  ];
  for (const [fields, want] of cases) {
    const answer = await h.call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { topic: TOPIC, queueId: '0', ...fields });
    assert.deepEqual(answer.extFields, { offset: String(want) }, JSON.stringify(fields));
  }
  // The captured Java request (ROCKETMQ, with bname) decodes and is answered too.
  const rocketmq = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
  t.after(() => rocketmq.shutdown());
  const captured = await rocketmq.invokeSync(h.addr, fixtureRequest('query/011-client2broker-SEARCH_OFFSET_BY_TIMESTAMP-ROCKETMQ.bin'), 3000);
  assert.equal(captured.code, ResponseCode.SUCCESS);
  assert.equal(captured.serializeType, SerializeType.ROCKETMQ);
  assert.deepEqual(captured.extFields, { offset: String(h.store.getOffsetInQueueByTime(TOPIC, 1, 1795237685012)) });
});

test('a malformed header is answered SYSTEM_ERROR naming the field, and the connection lives on', async (t) => {
  const h = await startHarness(t, [1]);
  const missing = await h.call(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', topic: TOPIC, queueId: '0' });
  assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(missing.remark, 'the custom field <commitOffset> is null');
  const bad = await h.call(RequestCode.GET_MIN_OFFSET, { topic: TOPIC, queueId: 'zero' });
  assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
  assert.match(bad.remark ?? '', /<queueId>/);
  const after = await h.call(RequestCode.GET_MAX_OFFSET, { topic: TOPIC, queueId: '0' });
  assert.deepEqual(after.extFields, { offset: '1' });
});
