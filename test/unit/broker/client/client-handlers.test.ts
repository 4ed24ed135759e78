import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { BrokerContext } from '../../../../src/broker/broker-context.js';
import { ConsumerManager } from '../../../../src/broker/client/consumer-manager.js';
import { ProducerManager } from '../../../../src/broker/client/producer-manager.js';
import { brokerConfig } from '../../../../src/broker/config/broker-config.js';
import { onConnectionClose, registerClientHandlers, startClientHousekeeping } from '../../../../src/broker/handlers/client.js';
import { SubscriptionGroupManager } from '../../../../src/broker/subscription/subscription-group-manager.js';
import type { TopicConfigManager } from '../../../../src/broker/topic/topic-config-manager.js';
import { createTopicConfig, type TopicConfig } from '../../../../src/common/topic-config.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { decodeCommand, encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../../src/remoting/remoting-command.js';
import { decodeLockBatchResponseBody, encodeLockBatchRequestBody } from '../../../../src/remoting/requests/client.js';
import { readFrameFile } from '../../../harness/fixtures.js';
import { waitFor } from '../../../harness/wait-for.js';
import { logger, Loopback, type RawPeer } from './loopback.js';

const HB_ALI_ONS = 'consumer/001-client2broker-HEART_BEAT-JSON.bin';
const HB_JAVA_ORDERLY = 'consumer/003-client2broker-HEART_BEAT-ROCKETMQ.bin';
const HB_JAVA_PRODUCER = 'consumer/005-client2broker-HEART_BEAT-ROCKETMQ.bin';

interface Created {
  topic: string;
  queueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** The captured request as a command (to change it before sending) and its opaque. */
function fixtureCommand(file: string): RemotingCommand {
  return decodeCommand(readFrameFile(file).subarray(4));
}

/** Sends the captured frame's bytes unchanged and waits for the response to its opaque. */
async function replay(peer: RawPeer, file: string): Promise<RemotingCommand> {
  peer.write(readFrameFile(file));
  return peer.responseTo(fixtureCommand(file).opaque);
}

let nextOpaque = 10_000;
async function send(peer: RawPeer, cmd: RemotingCommand): Promise<RemotingCommand> {
  cmd.opaque = nextOpaque++;
  cmd.flag = 0;
  peer.write(encodeCommandToBuffer(cmd));
  return peer.responseTo(cmd.opaque);
}

function notificationsTo(peer: RawPeer): RemotingCommand[] {
  return peer.received.filter((c) => !c.isResponse && c.code === RequestCode.NOTIFY_CONSUMER_IDS_CHANGED);
}

/** The response fields a handler owes, compared with the captured answer. */
function assertAnswersAs(actual: RemotingCommand, pairedFile: string): void {
  const expected = fixtureCommand(pairedFile);
  assert.equal(actual.code, expected.code);
  assert.equal(actual.serializeType, expected.serializeType, 'the response mirrors the request serialization');
  assert.equal(actual.remark, expected.remark);
  if (expected.serializeType === SerializeType.JSON) assert.deepEqual(actual.extFields, expected.extFields);
  assert.equal(actual.version, 409);
}

describe('client handlers', () => {
  let dir: string;
  let clock: number;
  let created: Created[];
  let ctx: BrokerContext;
  let loop: Loopback;

  async function boot(overrides: Parameters<typeof brokerConfig>[0] = {}): Promise<void> {
    const config = brokerConfig({ brokerName: 'broker-a', ...overrides });
    const now = (): number => clock;
    const topics = {
      createTopicInSendMessageBackMethod(topic: string, queueNums: number, perm: number, topicSysFlag: number): TopicConfig {
        created.push({ topic, queueNums, perm, topicSysFlag });
        return createTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
      },
    };
    const subscriptionGroups = new SubscriptionGroupManager({ configDir: dir, autoCreate: () => config.autoCreateSubscriptionGroup, now });
    ctx = {
      config,
      // Neither the store nor the offsets are touched by this family.
      store: undefined as unknown as BrokerContext['store'],
      consumerOffsets: undefined as unknown as BrokerContext['consumerOffsets'],
      topics: topics as unknown as TopicConfigManager,
      subscriptionGroups,
      consumers: new ConsumerManager({ config, subscriptionGroups, now, logger }),
      producers: new ProducerManager({ config, now, logger }),
      logger,
      now,
      brokerAddr: '127.0.0.1:10911',
      configDir: dir,
      registerBrokerAll: () => undefined,
    };
    loop = new Loopback((connection) => onConnectionClose(ctx, connection));
    registerClientHandlers(loop.server, ctx);
    await loop.start();
  }

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-client-handlers-'));
    clock = 1_795_237_638_000;
    created = [];
  });

  afterEach(async () => {
    await loop.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('HEART_BEAT from ali-ons registers the consumer, creates its group and retry topic, and notifies it before answering', async () => {
    await boot();
    const peer = await loop.raw();
    const response = await replay(peer, HB_ALI_ONS);
    assertAnswersAs(response, 'consumer/002-broker2client-SUCCESS_for_HEART_BEAT-JSON.bin');
    assert.deepEqual(ctx.consumers.consumerIdList('fixture_cg_node'), ['127.0.0.1@fixture-node-consumer']);
    assert.deepEqual(created, [{ topic: '%RETRY%fixture_cg_node', queueNums: 1, perm: 6, topicSysFlag: 0 }]);
    assert.ok(ctx.subscriptionGroups.get('fixture_cg_node'), 'the subscription group is auto-created');
    const info = ctx.consumers.groupInfo('fixture_cg_node')!;
    assert.equal(info.connections[0]!.version, 121, 'the version of the request is kept');
    assert.equal(ctx.consumers.findSubscription('fixture_cg_node', 'FixtureTopic')!.subString, 'TagA || TagB || TagDelay || TagBig');
    // As captured (consumer/007 came between 001 and 002): the notification, then the answer.
    const notifications = notificationsTo(peer);
    assert.equal(notifications.length, 1);
    const notify = notifications[0]!;
    const captured = fixtureCommand('consumer/007-broker2client-NOTIFY_CONSUMER_IDS_CHANGED-JSON.bin');
    assert.deepEqual(notify.extFields, captured.extFields);
    assert.equal(notify.flag, captured.flag);
    assert.equal(notify.serializeType, SerializeType.JSON);
    assert.ok(peer.received.indexOf(notify) < peer.received.indexOf(response));
    assert.deepEqual(ctx.producers.groups(), []);
  });

  test('HEART_BEAT from the Java orderly consumer in ROCKETMQ is answered in ROCKETMQ, its notification in JSON', async () => {
    await boot();
    const peer = await loop.raw();
    const response = await replay(peer, HB_JAVA_ORDERLY);
    assertAnswersAs(response, 'consumer/004-broker2client-SUCCESS_for_HEART_BEAT-ROCKETMQ.bin');
    const notify = notificationsTo(peer)[0]!;
    const captured = fixtureCommand('consumer/008-broker2client-NOTIFY_CONSUMER_IDS_CHANGED-JSON.bin');
    assert.equal(notify.serializeType, captured.serializeType);
    assert.deepEqual(notify.extFields, captured.extFields);
    assert.deepEqual(created.map((c) => c.topic), ['%RETRY%fixture_cg_orderly']);
    assert.deepEqual(ctx.producers.groups(), ['CLIENT_INNER_PRODUCER']);
    assert.equal(ctx.consumers.groupInfo('fixture_cg_orderly')!.subscriptions.length, 2);
  });

  test('HEART_BEAT from a producer registers its groups and creates no topic', async () => {
    await boot();
    const peer = await loop.raw();
    assertAnswersAs(await replay(peer, HB_JAVA_PRODUCER), 'consumer/006-broker2client-SUCCESS_for_HEART_BEAT-ROCKETMQ.bin');
    assert.deepEqual(ctx.producers.groups(), ['fixture_pg_java', 'CLIENT_INNER_PRODUCER']);
    assert.equal(ctx.producers.groupInfo('fixture_pg_java')[0]!.clientId, '192.0.2.2@fx-java-rmq-producer');
    assert.ok(ctx.producers.anyConnectionOf('fixture_pg_java'));
    assert.deepEqual(created, []);
    assert.deepEqual(ctx.consumers.groups(), []);
    assert.deepEqual(notificationsTo(peer), []);
  });

  test('GET_CONSUMER_LIST_BY_GROUP answers the group\'s client ids as the captured answers do', async () => {
    await boot();
    const node = await loop.raw();
    const java = await loop.raw();
    await replay(node, HB_ALI_ONS);
    await replay(java, HB_JAVA_ORDERLY);
    const a = await replay(node, 'consumer/009-client2broker-GET_CONSUMER_LIST_BY_GROUP-JSON.bin');
    assertAnswersAs(a, 'consumer/010-broker2client-SUCCESS_for_GET_CONSUMER_LIST_BY_GROUP-JSON.bin');
    assert.equal(a.body!.toString(), fixtureCommand('consumer/010-broker2client-SUCCESS_for_GET_CONSUMER_LIST_BY_GROUP-JSON.bin').body!.toString());
    const b = await replay(java, 'consumer/011-client2broker-GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ.bin');
    assertAnswersAs(b, 'consumer/012-broker2client-SUCCESS_for_GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ.bin');
    assert.equal(b.body!.toString(), fixtureCommand('consumer/012-broker2client-SUCCESS_for_GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ.bin').body!.toString());
  });

  test('GET_CONSUMER_LIST_BY_GROUP for a group with no consumer is SYSTEM_ERROR, as Java answers', async () => {
    await boot();
    const peer = await loop.raw();
    const response = await send(peer, RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg_empty' }));
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.remark, 'no consumer for this group, cg_empty');
    const missing = await send(peer, RemotingCommand.request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, {}));
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(missing.remark, 'the custom field <consumerGroup> is null');
  });

  test('UNREGISTER_CLIENT removes the client from the group it names and answers as captured', async () => {
    await boot();
    const node = await loop.raw();
    const java = await loop.raw();
    const producer = await loop.raw();
    await replay(node, HB_ALI_ONS);
    await replay(java, HB_JAVA_ORDERLY);
    await replay(producer, HB_JAVA_PRODUCER);
    assertAnswersAs(await replay(node, 'consumer/028-client2broker-UNREGISTER_CLIENT-JSON.bin'), 'consumer/029-broker2client-SUCCESS_for_UNREGISTER_CLIENT-JSON.bin');
    assert.equal(ctx.consumers.groupInfo('fixture_cg_node'), undefined);
    assertAnswersAs(await replay(java, 'consumer/030-client2broker-UNREGISTER_CLIENT-ROCKETMQ.bin'), 'consumer/031-broker2client-SUCCESS_for_UNREGISTER_CLIENT-ROCKETMQ.bin');
    assert.equal(ctx.consumers.groupInfo('fixture_cg_orderly'), undefined);
    assert.deepEqual(ctx.producers.groups(), ['CLIENT_INNER_PRODUCER', 'fixture_pg_java']);
    assertAnswersAs(await replay(producer, 'consumer/032-client2broker-UNREGISTER_CLIENT-ROCKETMQ.bin'), 'consumer/033-broker2client-SUCCESS_for_UNREGISTER_CLIENT-ROCKETMQ.bin');
    assert.deepEqual(ctx.producers.groups(), ['CLIENT_INNER_PRODUCER']);
  });

  test('UNREGISTER_CLIENT tells the consumers left in the group', async () => {
    await boot();
    const first = await loop.raw();
    const second = await loop.raw();
    const body = fixtureCommand(HB_ALI_ONS).body!;
    const other = Buffer.from(body.toString().replace('fixture-node-consumer', 'second-consumer'));
    await send(first, RemotingCommand.request(RequestCode.HEART_BEAT, null, body));
    await send(second, RemotingCommand.request(RequestCode.HEART_BEAT, null, other));
    await waitFor(() => notificationsTo(first).length === 2, { message: 'the first consumer to hear of the second' });
    await send(first, RemotingCommand.request(RequestCode.UNREGISTER_CLIENT, { clientID: '127.0.0.1@fixture-node-consumer', consumerGroup: 'fixture_cg_node' }));
    await waitFor(() => notificationsTo(second).length === 2, { message: 'the remaining consumer to be told' });
    assert.equal(notificationsTo(first).length, 2);
    assert.deepEqual(ctx.consumers.consumerIdList('fixture_cg_node'), ['127.0.0.1@second-consumer']);
  });

  test('LOCK_BATCH_MQ grants the queues; another client gets none until UNLOCK_BATCH_MQ', async () => {
    await boot();
    const java = await loop.raw();
    const rival = await loop.raw();
    const first = await replay(java, 'consumer/022-client2broker-LOCK_BATCH_MQ-ROCKETMQ.bin');
    assertAnswersAs(first, 'consumer/023-broker2client-SUCCESS_for_LOCK_BATCH_MQ-ROCKETMQ.bin');
    assert.deepEqual(decodeLockBatchResponseBody(first.body), decodeLockBatchResponseBody(fixtureCommand('consumer/023-broker2client-SUCCESS_for_LOCK_BATCH_MQ-ROCKETMQ.bin').body));
    const all = await replay(java, 'consumer/024-client2broker-LOCK_BATCH_MQ-ROCKETMQ.bin');
    const key = (mq: { topic: string; queueId: number }): string => `${mq.topic}/${mq.queueId}`;
    const expected = decodeLockBatchResponseBody(fixtureCommand('consumer/025-broker2client-SUCCESS_for_LOCK_BATCH_MQ-ROCKETMQ.bin').body);
    assert.deepEqual(decodeLockBatchResponseBody(all.body).lockOKMQSet.map(key).sort(), expected.lockOKMQSet.map(key).sort());

    const mqSet = expected.lockOKMQSet;
    const rivalLock = (): RemotingCommand =>
      RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, null, encodeLockBatchRequestBody({ consumerGroup: 'fixture_cg_orderly', clientId: 'rival@1', mqSet }));
    assert.deepEqual(decodeLockBatchResponseBody((await send(rival, rivalLock())).body).lockOKMQSet, []);
    assertAnswersAs(await replay(java, 'consumer/026-client2broker-UNLOCK_BATCH_MQ-ROCKETMQ.bin'), 'consumer/027-broker2client-SUCCESS_for_UNLOCK_BATCH_MQ-ROCKETMQ.bin');
    assert.equal(decodeLockBatchResponseBody((await send(rival, rivalLock())).body).lockOKMQSet.length, 5);
  });

  test('a lock body that does not decode is SYSTEM_ERROR naming the field', async () => {
    await boot();
    const peer = await loop.raw();
    const response = await send(peer, RemotingCommand.request(RequestCode.LOCK_BATCH_MQ, null, Buffer.from('{"clientId":"c","mqSet":[]}')));
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /LockBatchRequestBody\.consumerGroup/);
  });

  test('without autoCreateSubscriptionGroup a heartbeat still registers the consumer, but creates no retry topic', async () => {
    await boot({ autoCreateSubscriptionGroup: false });
    const peer = await loop.raw();
    assert.equal((await replay(peer, HB_ALI_ONS)).code, ResponseCode.SUCCESS);
    assert.deepEqual(created, []);
    assert.equal(ctx.subscriptionGroups.get('fixture_cg_node'), undefined);
    assert.deepEqual(ctx.consumers.consumerIdList('fixture_cg_node'), ['127.0.0.1@fixture-node-consumer']);
  });

  test('the retry topic follows the group\'s retryQueueNums, and a unit-mode consumer\'s gets FLAG_UNIT_SUB', async () => {
    await boot();
    const group = ctx.subscriptionGroups.findOrCreate('fixture_cg_node')!;
    ctx.subscriptionGroups.upsert({ ...group, retryQueueNums: 3 });
    const peer = await loop.raw();
    const body = Buffer.from(fixtureCommand(HB_ALI_ONS).body!.toString().replace('"unitMode":false', '"unitMode":true'));
    assert.equal((await send(peer, RemotingCommand.request(RequestCode.HEART_BEAT, null, body))).code, ResponseCode.SUCCESS);
    assert.deepEqual(created, [{ topic: '%RETRY%fixture_cg_node', queueNums: 3, perm: 6, topicSysFlag: 2 }]);
  });

  test('a 5.x heartbeat without subscriptions (withoutSub) keeps the subscriptions known', async () => {
    await boot();
    const peer = await loop.raw();
    await replay(peer, HB_JAVA_ORDERLY);
    const v2 = JSON.parse(fixtureCommand(HB_JAVA_ORDERLY).body!.toString()) as { consumerDataSet: Array<{ subscriptionDataSet: unknown[] }> };
    v2.consumerDataSet[0]!.subscriptionDataSet = [];
    const body = Buffer.from(JSON.stringify({ ...v2, heartbeatFingerprint: 42, withoutSub: true }));
    assert.equal((await send(peer, RemotingCommand.request(RequestCode.HEART_BEAT, null, body))).code, ResponseCode.SUCCESS);
    assert.equal(ctx.consumers.subscriptionCount('fixture_cg_orderly'), 2);
    assert.equal(notificationsTo(peer).length, 1, 'nothing changed, so nobody is told');
  });

  test('a group with notifyConsumerIdsChangedEnable off is not told', async () => {
    await boot();
    ctx.subscriptionGroups.upsert({ ...ctx.subscriptionGroups.findOrCreate('fixture_cg_node')!, notifyConsumerIdsChangedEnable: false });
    const peer = await loop.raw();
    await replay(peer, HB_ALI_ONS);
    await replay(peer, 'consumer/009-client2broker-GET_CONSUMER_LIST_BY_GROUP-JSON.bin');
    assert.deepEqual(notificationsTo(peer), []);
  });

  test('a heartbeat that does not decode is SYSTEM_ERROR and the connection serves on', async () => {
    await boot();
    const peer = await loop.raw();
    const bad = await send(peer, RemotingCommand.request(RequestCode.HEART_BEAT, null, Buffer.from('{"clientID":"c","consumerDataSet":[{"groupName":"g"}]}')));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /consumerDataSet\[0\]\.consumeType/);
    const empty = await send(peer, RemotingCommand.request(RequestCode.HEART_BEAT));
    assert.equal(empty.code, ResponseCode.SYSTEM_ERROR);
    assert.equal((await replay(peer, HB_ALI_ONS)).code, ResponseCode.SUCCESS);
  });

  test('a closed connection leaves its consumer and producer groups', async () => {
    await boot();
    const java = await loop.raw();
    await replay(java, HB_JAVA_ORDERLY);
    java.socket.destroy();
    await waitFor(() => ctx.consumers.groups().length === 0 && ctx.producers.groups().length === 0, { message: 'the close to clear the groups' });
  });

  test('startClientHousekeeping drops channels silent for channelExpiredTimeout', async () => {
    await boot();
    const peer = await loop.raw();
    await replay(peer, HB_JAVA_ORDERLY);
    const housekeeping = startClientHousekeeping(ctx, loop.server, { intervalMs: 10 });
    try {
      clock += 120_001;
      await waitFor(() => ctx.consumers.groups().length === 0 && ctx.producers.groups().length === 0, { message: 'the scan to drop the channel' });
      await waitFor(() => peer.socket.destroyed || peer.socket.readableEnded, { message: 'the broker to close the connection' });
    } finally {
      housekeeping.stop();
    }
  });
});
