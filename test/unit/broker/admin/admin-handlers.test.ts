import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { BrokerContext } from '../../../../src/broker/broker-context.js';
import { ConsumerManager } from '../../../../src/broker/client/consumer-manager.js';
import { ProducerManager } from '../../../../src/broker/client/producer-manager.js';
import { brokerConfig } from '../../../../src/broker/config/broker-config.js';
import { humanReadableBytes, liveConfigFor, registerAdminHandlers, runtimeText } from '../../../../src/broker/handlers/admin.js';
import { ConsumerOffsetManager } from '../../../../src/broker/offsets/consumer-offset-manager.js';
import { SubscriptionGroupManager } from '../../../../src/broker/subscription/subscription-group-manager.js';
import { TopicConfigManager } from '../../../../src/broker/topic/topic-config-manager.js';
import { createTopicConfig } from '../../../../src/common/topic-config.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { decodeCommand, type ExtFields, RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { decodeProperties, parseMessageQueueKeyed } from '../../../../src/remoting/requests/admin-broker.js';
import type { SubscriptionData } from '../../../../src/remoting/requests/client.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { storeConfig } from '../../../../src/store/store-config.js';
import { indexEntry, readFrameFile } from '../../../harness/fixtures.js';
import { makeTempDir } from '../../../harness/processes.js';
import { waitFor } from '../../../harness/wait-for.js';
import { logger, Loopback, type Peer } from '../client/loopback.js';

const TOPIC = 'FixtureTopic';
const T0 = 1_795_237_595_000;

function fixtureRequest(relPath: string): RemotingCommand {
  return decodeCommand(readFrameFile(relPath).subarray(4));
}

function fixtureBody(relPath: string): string {
  const text = indexEntry(relPath).bodyText;
  assert.ok(typeof text === 'string', `${relPath} has a body`);
  return text;
}

function bodyText(response: RemotingCommand): string {
  assert.ok(response.body !== null, `a body (code ${response.code}, remark ${response.remark})`);
  return response.body.toString('utf8');
}

function sub(topic: string, subString: string, tags: string[], codes: number[], subVersion: number): SubscriptionData {
  return { topic, subString, classFilterMode: false, tagsSet: tags, codeSet: codes, subVersion, expressionType: 'TAG' };
}

describe('admin handlers', () => {
  let dir: string;
  let clock: number;
  let ctx: BrokerContext;
  let store: MessageStore;
  let loop: Loopback;
  let peer: Peer;
  let registeredBrokerAll: number;

  async function call(code: number, extFields: ExtFields | null = null, body: Buffer | null = null): Promise<RemotingCommand> {
    return peer.client.invokeSync(loop.addr, RemotingCommand.request(code, extFields, body), 3000);
  }

  async function replay(relPath: string): Promise<RemotingCommand> {
    return peer.client.invokeSync(loop.addr, fixtureRequest(relPath), 3000);
  }

  /** Puts messages 1 s apart; returns each queue's store times by queue offset. */
  async function put(topic: string, perQueue: number[]): Promise<number[][]> {
    const times: number[][] = [];
    for (const [queueId, count] of perQueue.entries()) {
      times[queueId] = [];
      for (let i = 0; i < count; i++) {
        clock += 1000;
        const result = await store.putMessage({
          topic,
          queueId,
          body: Buffer.from(`m-${queueId}-${i}`),
          properties: new Map([['TAGS', 'TagA']]),
          bornTimestamp: clock,
          bornHost: '127.0.0.1:40000',
        });
        assert.equal(result.status, 'PUT_OK');
        times[queueId]!.push(clock);
      }
    }
    await waitFor(() => perQueue.every((count, queueId) => store.getMaxOffsetInQueue(topic, queueId) === count), { message: 'dispatch' });
    return times;
  }

  function registerConsumer(group: string, subscriptions: SubscriptionData[], client: Peer = peer, clientId = '192.0.2.2@fx-java-online-consumer'): void {
    ctx.consumers.register(
      group,
      { connection: client.channel, clientId, language: 'JAVA', version: 409 },
      { consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', subscriptions },
    );
  }

  beforeEach(async () => {
    dir = makeTempDir('rmqts-admin-handlers-');
    clock = T0;
    registeredBrokerAll = 0;
    const now = (): number => clock;
    const config = brokerConfig({ brokerName: 'broker-a', storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 });
    store = new MessageStore({ config: storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 }), storeHost: '127.0.0.1:10911', now });
    store.load();
    store.start();
    const configDir = path.join(dir, 'config');
    const subscriptionGroups = new SubscriptionGroupManager({ configDir, autoCreate: () => true, now });
    ctx = {
      config,
      store,
      topics: new TopicConfigManager({ configDir, config, now, logger }),
      subscriptionGroups,
      consumerOffsets: new ConsumerOffsetManager({ configDir, now, logger }),
      consumers: new ConsumerManager({ config, subscriptionGroups, now, logger }),
      producers: new ProducerManager({ config, now, logger }),
      logger,
      now,
      brokerAddr: '127.0.0.1:10911',
      configDir,
      registerBrokerAll: () => {
        registeredBrokerAll++;
      },
    };
    ctx.topics.upsert(createTopicConfig(TOPIC, { readQueueNums: 4, writeQueueNums: 4 }));
    loop = new Loopback();
    registerAdminHandlers(loop.server, ctx, { bootTimestamp: T0 - 14_000 });
    await loop.start();
    peer = await loop.connect();
  });

  afterEach(async () => {
    await loop.shutdown();
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GET_BROKER_RUNTIME_INFO answers a KVTable with every key 4.9.8 writes', async () => {
    await put(TOPIC, [2, 1]);
    const response = await replay('admin/005-client2broker-GET_BROKER_RUNTIME_INFO-JSON.bin');
    assert.equal(response.code, ResponseCode.SUCCESS);
    const table = (JSON.parse(bodyText(response)) as { table: Record<string, string> }).table;
    const expected = (JSON.parse(fixtureBody('admin/006-broker2client-SUCCESS_for_GET_BROKER_RUNTIME_INFO-JSON.bin')) as { table: Record<string, string> }).table;
    const withoutPathKey = (keys: string[]): string[] => keys.filter((k) => !k.startsWith('commitLogDiskRatio_')).sort();
    assert.deepEqual(withoutPathKey(Object.keys(table)), withoutPathKey(Object.keys(expected)));
    assert.ok(Object.keys(table).some((k) => k.startsWith('commitLogDiskRatio_')));
    for (const [key, value] of Object.entries(table)) assert.equal(typeof value, 'string', key);
    assert.equal(table['brokerVersion'], '409');
    assert.equal(table['brokerVersionDesc'], 'V4_9_8');
    assert.equal(table['msgPutTotalTodayNow'], '3');
    assert.equal(table['commitLogMaxOffset'], String(store.maxPhyOffset));
    assert.equal(table['commitLogMinOffset'], '0');
    assert.equal(table['earliestMessageTimeStamp'], String(T0 + 1000));
    assert.equal(table['bootTimestamp'], String(T0 - 14_000));
    assert.match(table['putTps'] ?? '', /^\d+\.\d+/, 'clusterList parses the first word as a double');
    assert.match(table['commitLogDiskRatio'] ?? '', /^\d\.\d+$/);
    assert.match(table['commitLogDirCapacity'] ?? '', /^Total : [\d.]+ [KMGTPE]?i?B, Free : [\d.]+ [KMGTPE]?i?B\.$/);
  });

  test('runtime and byte-count texts are written as Java writes them', () => {
    assert.equal(runtimeText(14_000), '[ 0 days, 0 hours, 0 minutes, 14 seconds ]');
    assert.equal(runtimeText(90_061_000), '[ 1 days, 1 hours, 1 minutes, 1 seconds ]');
    assert.equal(humanReadableBytes(0), '0 B');
    assert.equal(humanReadableBytes(1536), '1.5 KiB');
    assert.equal(humanReadableBytes(252 * 1024 ** 3), '252.0 GiB');
  });

  test('GET_TOPIC_STATS_INFO answers the captured TopicStatsTable shape, MessageQueue keys included', async () => {
    const times = await put(TOPIC, [6, 12, 12, 7]);
    const response = await replay('admin/019-client2broker-GET_TOPIC_STATS_INFO-JSON.bin');
    assert.equal(response.code, ResponseCode.SUCCESS);
    const stamps = /"lastUpdateTimestamp":\d+/g;
    const expected = fixtureBody('admin/020-broker2client-SUCCESS_for_GET_TOPIC_STATS_INFO-JSON.bin');
    assert.equal(bodyText(response).replace(stamps, '"lastUpdateTimestamp":T'), expected.replace(stamps, '"lastUpdateTimestamp":T'));
    const parsed = parseMessageQueueKeyed(bodyText(response)) as { offsetTable: Record<string, { lastUpdateTimestamp: number }> };
    const q1 = parsed.offsetTable['{"brokerName":"broker-a","queueId":1,"topic":"FixtureTopic"}'];
    assert.equal(q1?.lastUpdateTimestamp, times[1]![11]);

    const missing = await call(RequestCode.GET_TOPIC_STATS_INFO, { topic: 'NoSuchTopic' });
    assert.equal(missing.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.equal(missing.remark, 'topic[NoSuchTopic] not exist');
  });

  test('GET_CONSUME_STATS answers the captured ConsumeStats shape over the group\'s topics', async () => {
    const retry = '%RETRY%fixture_cg_node';
    ctx.topics.upsert(createTopicConfig(retry, { readQueueNums: 1, writeQueueNums: 1 }));
    const times = await put(TOPIC, [4, 5, 6, 5]);
    const retryTimes = await put(retry, [1]);
    for (const [queueId, count] of [4, 5, 6, 5].entries()) ctx.consumerOffsets.commitOffset('test', 'fixture_cg_node', TOPIC, queueId, count);
    ctx.consumerOffsets.commitOffset('test', 'fixture_cg_node', retry, 0, 1);
    ctx.consumerOffsets.commitOffset('test', 'other_group', TOPIC, 0, 1);

    const response = await replay('admin/009-client2broker-GET_CONSUME_STATS-JSON.bin');
    assert.equal(response.code, ResponseCode.SUCCESS);
    const normalize = (text: string): string => text.replace(/"lastTimestamp":\d+/g, '"lastTimestamp":T').replace(/"consumeTps":[\d.]+/, '"consumeTps":X');
    const expected = fixtureBody('admin/010-broker2client-SUCCESS_for_GET_CONSUME_STATS-JSON.bin');
    assert.equal(normalize(bodyText(response)), normalize(expected));
    assert.match(bodyText(response), /^\{"consumeTps":0\.0,/);
    const parsed = parseMessageQueueKeyed(bodyText(response)) as { offsetTable: Record<string, { lastTimestamp: number }> };
    assert.equal(parsed.offsetTable['{"brokerName":"broker-a","queueId":2,"topic":"FixtureTopic"}']?.lastTimestamp, times[2]![5]);
    assert.equal(parsed.offsetTable[`{"brokerName":"broker-a","queueId":0,"topic":"${retry}"}`]?.lastTimestamp, retryTimes[0]![0]);

    // With a topic: only that topic. An online group that does not subscribe to it: skipped.
    const one = await call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'fixture_cg_node', topic: retry });
    assert.equal(Object.keys((parseMessageQueueKeyed(bodyText(one)) as { offsetTable: object }).offsetTable).length, 1);
    registerConsumer('fixture_cg_node', [sub(TOPIC, '*', [], [], 1)]);
    const subscribed = await call(RequestCode.GET_CONSUME_STATS, { consumerGroup: 'fixture_cg_node' });
    const keys = Object.keys((parseMessageQueueKeyed(bodyText(subscribed)) as { offsetTable: object }).offsetTable);
    assert.equal(keys.length, 4);
    assert.ok(keys.every((k) => k.includes('"topic":"FixtureTopic"')));
  });

  test('GET_CONSUMER_CONNECTION_LIST answers the captured ConsumerConnection, or CONSUMER_NOT_ONLINE', async () => {
    const offline = await replay('admin/015-client2broker-GET_CONSUMER_CONNECTION_LIST-JSON.bin');
    const captured = fixtureRequest('admin/016-broker2client-CONSUMER_NOT_ONLINE_for_GET_CONSUMER_CONNECTION_LIST-JSON.bin');
    assert.equal(offline.code, captured.code);
    assert.equal(offline.remark, captured.remark);
    assert.equal(offline.body, null);

    const group = 'fixture_cg_java_online';
    registerConsumer(group, [
      sub(`%RETRY%${group}`, '*', [], [], 1795238760044),
      sub(TOPIC, 'TagA || TagB', ['TagA', 'TagB'], [2598919, 2598920], 1795238760017),
    ]);
    const response = await replay('admin/011-client2broker-GET_CONSUMER_CONNECTION_LIST-JSON.bin');
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(response.remark, null);
    const expected = fixtureBody('admin/012-broker2client-SUCCESS_for_GET_CONSUMER_CONNECTION_LIST-JSON.bin');
    const addr = /"clientAddr":"[^"]*"/;
    assert.equal(bodyText(response).replace(addr, '"clientAddr":A'), expected.replace(addr, '"clientAddr":A'));
    assert.match(bodyText(response), new RegExp(`"clientAddr":"${peer.channel.remoteAddress}"`));
  });

  test('GET_PRODUCER_CONNECTION_LIST answers the group\'s connections, SYSTEM_ERROR for an unknown group', async () => {
    ctx.producers.register('pg', { connection: peer.channel, clientId: '192.0.2.2@p', language: 'JAVA', version: 409 });
    const response = await call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'pg' });
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.deepEqual(JSON.parse(bodyText(response)), {
      connectionSet: [{ clientAddr: peer.channel.remoteAddress, clientId: '192.0.2.2@p', language: 'JAVA', version: 409 }],
    });
    const missing = await call(RequestCode.GET_PRODUCER_CONNECTION_LIST, { producerGroup: 'nope' });
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(missing.remark, 'the producer group[nope] not exist');
  });

  test('GET_ALL_CONSUMER_OFFSET answers the offset table as the manager encodes it', async () => {
    ctx.consumerOffsets.commitOffset('test', 'g1', TOPIC, 1, 7);
    const response = await call(RequestCode.GET_ALL_CONSUMER_OFFSET);
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(bodyText(response), ctx.consumerOffsets.table());
    assert.equal(bodyText(response), '{"offsetTable":{"FixtureTopic@g1":{1:7}}}');
  });

  test('INVOKE_BROKER_TO_RESET_OFFSET sets offsets by time and tells the online consumers', async () => {
    const times = await put(TOPIC, [5, 5, 0, 0]);
    for (let queueId = 0; queueId < 4; queueId++) ctx.consumerOffsets.commitOffset('test', 'g', TOPIC, queueId, queueId < 2 ? 5 : 0);
    const resets: RemotingCommand[] = [];
    peer.client.registerHandler(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (request) => {
      resets.push(request);
      return null;
    });
    registerConsumer('g', [sub(TOPIC, '*', [], [], 1)]);
    const timestamp = times[0]![2]!;
    const response = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'g', timestamp: String(timestamp), isForce: 'true' });
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark ?? '');
    const expectedOffsets = [2, store.getOffsetInQueueByTime(TOPIC, 1, timestamp), 0, 0];
    const table = (parseMessageQueueKeyed(bodyText(response)) as { offsetTable: Record<string, number> }).offsetTable;
    assert.deepEqual(
      Object.values(table),
      expectedOffsets,
    );
    for (const [queueId, offset] of expectedOffsets.entries()) assert.equal(ctx.consumerOffsets.queryOffset('g', TOPIC, queueId), offset);
    await waitFor(() => resets.length === 1, { message: 'RESET_CONSUMER_CLIENT_OFFSET' });
    const reset = resets[0]!;
    assert.deepEqual(reset.extFields, { topic: TOPIC, group: 'g', timestamp: String(timestamp), isForce: 'true' });
    assert.equal(reset.body?.toString('utf8'), bodyText(response));

    // Not forced: an offset only moves back.
    const later = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'g', timestamp: '-1', isForce: 'false' });
    const laterTable = (parseMessageQueueKeyed(bodyText(later)) as { offsetTable: Record<string, number> }).offsetTable;
    assert.deepEqual(Object.values(laterTable), expectedOffsets);

    const noGroup = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'nobody', timestamp: '0', isForce: 'true' });
    assert.equal(noGroup.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(noGroup.remark, 'THe consumer group <nobody> not exist');
    const noTopic = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: 'NoSuchTopic', group: 'g', timestamp: '0', isForce: 'true' });
    assert.equal(noTopic.code, ResponseCode.SYSTEM_ERROR);

    // Offline: Java's CONSUMER_NOT_ONLINE (tools then commit themselves); the offsets are set anyway.
    ctx.consumers.unregister('g', peer.channel);
    const offline = await call(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, { topic: TOPIC, group: 'g', timestamp: '0', isForce: 'true' });
    assert.equal(offline.code, ResponseCode.CONSUMER_NOT_ONLINE);
    assert.equal(offline.remark, `Consumer not online, so can not reset offset, Group: g Topic: ${TOPIC} Timestamp: 0`);
    assert.equal(ctx.consumerOffsets.queryOffset('g', TOPIC, 0), 0);
  });

  test('GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG: properties text, live keys only, versioned', async () => {
    const first = await call(RequestCode.GET_BROKER_CONFIG);
    assert.equal(first.code, ResponseCode.SUCCESS);
    const props = decodeProperties(bodyText(first));
    assert.equal(props.get('brokerName'), 'broker-a');
    assert.equal(props.get('autoCreateTopicEnable'), 'true');
    assert.equal(props.get('listenPort'), '10911');
    assert.ok(bodyText(first).endsWith('\n'));
    const version = JSON.parse(first.extFields?.['version'] ?? 'null') as { counter: number; stateVersion: number; timestamp: number };
    assert.deepEqual(Object.keys(version), ['counter', 'stateVersion', 'timestamp']);
    assert.equal(version.counter, 0);

    const rejected = await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('autoCreateTopicEnable=false\nbrokerName=x\nnoSuchKey=1\n'));
    assert.equal(rejected.code, ResponseCode.SYSTEM_ERROR);
    assert.match(rejected.remark ?? '', /noSuchKey/);
    assert.match(rejected.remark ?? '', /brokerName/);
    assert.equal(liveConfigFor(ctx).get('autoCreateTopicEnable'), true, 'nothing applied');
    const invalid = await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('brokerPermission=abc'));
    assert.equal(invalid.code, ResponseCode.SYSTEM_ERROR);
    assert.match(invalid.remark ?? '', /brokerPermission/);

    const ok = await call(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from('# mqadmin\nautoCreateTopicEnable=false\nbrokerPermission=4\n'));
    assert.equal(ok.code, ResponseCode.SUCCESS, ok.remark ?? '');
    assert.equal(liveConfigFor(ctx).get('autoCreateTopicEnable'), false);
    assert.equal(liveConfigFor(ctx).get('brokerPermission'), 4);
    assert.equal(ctx.config.autoCreateTopicEnable, true, 'the frozen startup config is untouched');
    assert.equal(registeredBrokerAll, 1, 'a permission change re-registers at once');

    const second = await call(RequestCode.GET_BROKER_CONFIG);
    assert.equal(decodeProperties(bodyText(second)).get('autoCreateTopicEnable'), 'false');
    assert.equal((JSON.parse(second.extFields?.['version'] ?? 'null') as { counter: number }).counter, 1);
  });

  test('subscription groups: create from a body, list, delete (with its offsets)', async () => {
    const body = Buffer.from('{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,"consumeFromMinEnable":true,"groupName":"sg1","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}');
    const created = await call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, body);
    assert.equal(created.code, ResponseCode.SUCCESS);
    assert.equal(ctx.subscriptionGroups.get('sg1')?.retryMaxTimes, 3);
    assert.equal(ctx.subscriptionGroups.get('sg1')?.consumeEnable, false);

    const bad = await call(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, null, Buffer.from('{"groupName":5}'));
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);

    const all = await call(RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
    assert.equal(all.code, ResponseCode.SUCCESS);
    assert.equal(bodyText(all), ctx.subscriptionGroups.encodeAll());
    assert.match(bodyText(all), /"sg1":\{"brokerId":0,/);

    ctx.consumerOffsets.commitOffset('test', 'sg1', TOPIC, 0, 3);
    const deleted = await call(RequestCode.DELETE_SUBSCRIPTIONGROUP, { groupName: 'sg1', removeOffset: 'true' });
    assert.equal(deleted.code, ResponseCode.SUCCESS);
    assert.equal(ctx.subscriptionGroups.get('sg1'), undefined);
    assert.equal(ctx.consumerOffsets.queryOffset('sg1', TOPIC, 0), -1);
  });

  test('QUERY_TOPIC_CONSUME_BY_WHO answers online groups and groups with offsets', async () => {
    ctx.consumerOffsets.commitOffset('test', 'fixture_cg_orderly', TOPIC, 0, 1);
    registerConsumer('fixture_cg_node', [sub(TOPIC, '*', [], [], 1)]);
    const response = await replay('admin/017-client2broker-QUERY_TOPIC_CONSUME_BY_WHO-JSON.bin');
    assert.equal(response.code, ResponseCode.SUCCESS);
    assert.equal(bodyText(response), fixtureBody('admin/018-broker2client-SUCCESS_for_QUERY_TOPIC_CONSUME_BY_WHO-JSON.bin'));
  });
});
