import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { toPublishInfo, toSubscribeInfo } from '../../../../src/client/connection/topic-route.js';
import type { TopicRouteData } from '../../../../src/common/route-data.js';
import { PermName } from '../../../../src/common/topic-config.js';

function route(overrides: Partial<TopicRouteData> = {}): TopicRouteData {
  return {
    brokerDatas: [
      { brokerName: 'b', cluster: 'C', brokerAddrs: new Map([[0, '127.0.0.1:2']]) },
      { brokerName: 'a', cluster: 'C', brokerAddrs: new Map([[0, '127.0.0.1:1']]) },
      { brokerName: 'slave-only', cluster: 'C', brokerAddrs: new Map([[1, '127.0.0.1:3']]) },
    ],
    filterServerTable: new Map(),
    queueDatas: [
      { brokerName: 'b', perm: PermName.PERM_READ | PermName.PERM_WRITE, readQueueNums: 2, writeQueueNums: 1, topicSysFlag: 0 },
      { brokerName: 'a', perm: PermName.PERM_READ | PermName.PERM_WRITE, readQueueNums: 2, writeQueueNums: 2, topicSysFlag: 0 },
      { brokerName: 'slave-only', perm: PermName.PERM_READ | PermName.PERM_WRITE, readQueueNums: 1, writeQueueNums: 1, topicSysFlag: 0 },
    ],
    ...overrides,
  };
}

describe('topic route to queues', () => {
  test('publish queues: brokers by name, write queue counts, masters only', () => {
    const info = toPublishInfo('T', route());
    assert.equal(info.orderTopic, false);
    assert.deepEqual(
      info.messageQueues.map((mq) => `${mq.brokerName}:${mq.queueId}`),
      ['a:0', 'a:1', 'b:0'],
    );
  });

  test('an orderTopicConf decides the publish queues', () => {
    const info = toPublishInfo('T', route({ orderTopicConf: 'b:2;a:1' }));
    assert.equal(info.orderTopic, true);
    assert.deepEqual(
      info.messageQueues.map((mq) => `${mq.brokerName}:${mq.queueId}`),
      ['b:0', 'b:1', 'a:0'],
    );
  });

  test('a write-protected broker takes no sends but is still read', () => {
    const r = route();
    r.queueDatas[1]!.perm = PermName.PERM_READ;
    assert.deepEqual(
      toPublishInfo('T', r).messageQueues.map((mq) => mq.brokerName),
      ['b'],
    );
    assert.equal(toSubscribeInfo('T', r).filter((mq) => mq.brokerName === 'a').length, 2);
  });

  test('subscribe queues follow read queue counts', () => {
    assert.equal(toSubscribeInfo('T', route()).length, 5);
  });
});
