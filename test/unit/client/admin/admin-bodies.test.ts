// The admin client's body decoders and request encoders against what Apache RocketMQ 4.9.8 wrote
// and sent (frames captured from a real broker and mqadmin, see test/harness/fixtures.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeConsumerConnection, decodeGroupList } from '../../../../src/client/admin/connection-bodies.js';
import { versionDesc } from '../../../../src/client/admin/mq-version.js';
import { decodeConsumeStats, decodeTopicStatsTable } from '../../../../src/client/admin/queue-offset-tables.js';
import { encodeSubscriptionGroupConfig, subscriptionGroupConfigForUpdate } from '../../../../src/client/admin/subscription-group-config.js';
import { parseFastJson } from '../../../../src/common/fastjson.js';
import { CreateTopic } from '../../../../src/remoting/requests/admin.js';
import { QueryMessage } from '../../../../src/remoting/requests/query.js';
import { readSubscriptionGroupConfig } from '../../../../src/broker/subscription/subscription-group-manager.js';
import { readFrameFile, splitFrame } from '../../../harness/fixtures.js';

function capturedBody(file: string): Buffer {
  return splitFrame(readFrameFile(file)).body;
}

function capturedExtFields(file: string): Record<string, string> {
  const header = JSON.parse(splitFrame(readFrameFile(file)).header.toString('utf8')) as { extFields: Record<string, string> };
  const { AccessKey: _a, Signature: _s, ...fields } = header.extFields;
  return fields;
}

describe('admin bodies written by a 4.9.8 broker', () => {
  test('ConsumeStats: MessageQueue-keyed offsets, sorted by queue, and the consume TPS', () => {
    const stats = decodeConsumeStats(capturedBody('admin/010-broker2client-SUCCESS_for_GET_CONSUME_STATS-JSON.bin'));
    assert.equal(stats.consumeTps, 0.7166666666666667);
    assert.deepEqual(stats.offsetTable[0], {
      mq: { topic: '%RETRY%fixture_cg_node', brokerName: 'broker-a', queueId: 0 },
      value: { brokerOffset: 1, consumerOffset: 1, lastTimestamp: 1795237648591 },
    });
    const fixture = stats.offsetTable.filter((e) => e.mq.topic === 'FixtureTopic');
    assert.deepEqual(
      fixture.map((e) => [e.mq.queueId, e.value.brokerOffset]),
      [[0, 4], [1, 5], [2, 6], [3, fixture[3]!.value.brokerOffset]],
    );
  });

  test('TopicStatsTable: min, max and last update per queue', () => {
    const table = decodeTopicStatsTable(capturedBody('admin/020-broker2client-SUCCESS_for_GET_TOPIC_STATS_INFO-JSON.bin'));
    assert.deepEqual(
      table.offsetTable.map((e) => [e.mq.queueId, e.value.minOffset, e.value.maxOffset]),
      [[0, 0, 6], [1, 0, 12], [2, 0, 12], [3, 0, 7]],
    );
    assert.equal(table.offsetTable[0]!.value.lastUpdateTimestamp, 1795237693959);
  });

  test('ConsumerConnection: clients, consume settings and subscriptions', () => {
    const cc = decodeConsumerConnection(capturedBody('admin/012-broker2client-SUCCESS_for_GET_CONSUMER_CONNECTION_LIST-JSON.bin'));
    assert.deepEqual(cc.connectionSet, [{ clientAddr: '127.0.0.1:56488', clientId: '192.0.2.2@fx-java-online-consumer', language: 'JAVA', version: 409 }]);
    assert.equal(cc.consumeType, 'CONSUME_PASSIVELY');
    assert.equal(cc.messageModel, 'CLUSTERING');
    assert.equal(cc.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
    assert.equal(cc.subscriptionTable.get('FixtureTopic')?.subString, 'TagA || TagB');
  });

  test('GroupList', () => {
    assert.deepEqual(decodeGroupList(capturedBody('admin/018-broker2client-SUCCESS_for_QUERY_TOPIC_CONSUME_BY_WHO-JSON.bin')), ['fixture_cg_node', 'fixture_cg_orderly']);
  });

  test('a body that is not the expected bean is an error naming the field', () => {
    assert.throws(() => decodeConsumeStats(Buffer.from('{"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":"x"}}}')), /brokerOffset/);
    assert.throws(() => decodeConsumerConnection(null), /no body/);
  });
});

describe('admin requests as mqadmin 4.9.8 sends them', () => {
  test('UPDATE_AND_CREATE_TOPIC carries the same header fields', () => {
    const ours = CreateTopic.encode({
      topic: 'FixtureTopic',
      defaultTopic: 'TBW102',
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
    });
    assert.deepEqual(ours, capturedExtFields('admin/001-client2broker-UPDATE_AND_CREATE_TOPIC-JSON.bin'));
  });

  test('QUERY_MESSAGE by key says _UNIQUE_KEY_QUERY=false, as Java', () => {
    const ours = QueryMessage.encode({ topic: 'FixtureTopic', key: 'node-key-1', maxNum: 64, beginTimestamp: 0, endTimestamp: 9223372036854775807, uniqueKeyQuery: false });
    const theirs = capturedExtFields('query/001-client2broker-QUERY_MESSAGE-JSON.bin');
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
    assert.equal(ours['_UNIQUE_KEY_QUERY'], 'false');
  });

  test('the SubscriptionGroupConfig body reads back on the broker with every field', () => {
    const config = subscriptionGroupConfigForUpdate('G', { retryMaxTimes: 3, consumeBroadcastEnable: true, brokerId: 1 });
    const read = readSubscriptionGroupConfig(parseFastJson(encodeSubscriptionGroupConfig(config).toString('utf8')), 'body');
    assert.deepEqual({ ...read }, { ...config });
  });
});

describe('MQVersion names', () => {
  test('ordinals map to Java\'s enum names', () => {
    assert.equal(versionDesc(0), 'V3_0_0_SNAPSHOT');
    assert.equal(versionDesc(15), 'V3_0_0_FINAL');
    assert.equal(versionDesc(28), 'V3_0_7_SNAPSHOT');
    assert.equal(versionDesc(43), 'V3_0_14');
    assert.equal(versionDesc(121), 'V3_4_9', 'what ali-ons 3.x reports');
    assert.equal(versionDesc(401), 'V4_9_4');
    assert.equal(versionDesc(409), 'V4_9_8');
    assert.equal(versionDesc(412), 'V5_0_0_SNAPSHOT');
    assert.equal(versionDesc(413), 'V5_0_0');
    assert.equal(versionDesc(611), 'V5_9_9');
    assert.equal(versionDesc(612), 'HIGHER_VERSION');
    assert.equal(versionDesc(100_000), 'HIGHER_VERSION');
  });
});
