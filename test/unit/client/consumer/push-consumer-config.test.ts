import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeConsumerRunningInfo } from '../../../../src/client/consumer/consumer-running-info.js';
import { normalizeListener } from '../../../../src/client/consumer/message-listener.js';
import { ProcessQueue } from '../../../../src/client/consumer/process-queue.js';
import { PUSH_CONSUMER_DEFAULTS, resolvePushConsumerConfig } from '../../../../src/client/consumer/push-consumer-config.js';
import { buildSubscriptionData } from '../../../../src/client/consumer/subscription.js';
import { ConfigError } from '../../../../src/common/mq-error.js';
import { parseMessageQueueKeyed } from '../../../../src/remoting/requests/admin-broker.js';

const base = { namesrvAddr: '127.0.0.1:9876', consumerGroup: 'CID_unit' };

describe('PushConsumer settings', () => {
  test("take Java's defaults", () => {
    const c = resolvePushConsumerConfig(base, new Date(2024, 0, 2, 3, 34, 5).getTime());
    assert.equal(c.messageModel, 'CLUSTERING');
    assert.equal(c.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET');
    assert.equal(c.consumeTimestamp, '20240102030405', 'half an hour before');
    assert.equal(c.allocateStrategy.name, 'AVG');
    for (const key of Object.keys(PUSH_CONSUMER_DEFAULTS) as Array<keyof typeof PUSH_CONSUMER_DEFAULTS>) assert.equal(c[key], PUSH_CONSUMER_DEFAULTS[key], key);
    assert.equal(c.pullThresholdForQueue, 1000);
    assert.equal(c.pullBatchSize, 32);
    assert.equal(c.maxReconsumeTimes, -1);
  });

  test('reject what Java checkConfig rejects, naming the key', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ consumerGroup: 'DEFAULT_CONSUMER' }, 'consumerGroup'],
      [{ consumerGroup: 'bad group' }, 'consumerGroup'],
      [{ consumeThreadMin: 30, consumeThreadMax: 20 }, 'consumeThreadMin'],
      [{ pullThresholdForQueue: 0 }, 'pullThresholdForQueue'],
      [{ pullThresholdSizeForQueue: 2048 }, 'pullThresholdSizeForQueue'],
      [{ pullThresholdForTopic: 0 }, 'pullThresholdForTopic'],
      [{ pullBatchSize: 1025 }, 'pullBatchSize'],
      [{ consumeMessageBatchMaxSize: 0 }, 'consumeMessageBatchMaxSize'],
      [{ consumeTimestamp: '2024-01-01' }, 'consumeTimestamp'],
      [{ brokerSuspendMaxTimeMillis: 30_000, consumerTimeoutMillisWhenSuspend: 30_000 }, 'consumerTimeoutMillisWhenSuspend'],
    ];
    for (const [overrides, key] of bad) {
      assert.throws(
        () => resolvePushConsumerConfig({ ...base, ...overrides } as typeof base),
        (err: unknown) => err instanceof ConfigError && err.key === key,
        JSON.stringify(overrides),
      );
    }
    assert.equal(resolvePushConsumerConfig({ ...base, pullThresholdForTopic: -1, consumeThreadMax: 4 }).consumeThreadMin, 4, 'min follows a smaller max');
  });
});

describe('message listeners', () => {
  test('a function or consumeConcurrently is concurrent, consumeOrderly is orderly', () => {
    assert.equal(normalizeListener(() => 'CONSUME_SUCCESS').orderly, false);
    assert.equal(normalizeListener({ consumeConcurrently: () => 'CONSUME_SUCCESS' }).orderly, false);
    assert.equal(normalizeListener({ consumeOrderly: () => 'SUCCESS' }).orderly, true);
    assert.throws(() => normalizeListener({} as never), TypeError);
  });
});

describe('GET_CONSUMER_RUNNING_INFO body', () => {
  test('is fastjson text with MessageQueue keys, alphabetical bean keys', () => {
    const pq = new ProcessQueue();
    const body = encodeConsumerRunningInfo({
      properties: { consumerGroup: 'g', PROP_CONSUME_TYPE: 'CONSUME_PASSIVELY' },
      subscriptionSet: [buildSubscriptionData('T', 'TagA', 1)],
      mqTable: [
        { messageQueue: { topic: 'T', brokerName: 'b', queueId: 1 }, processQueueInfo: pq.info(5) },
        { messageQueue: { topic: 'T', brokerName: 'b', queueId: 0 }, processQueueInfo: pq.info(3) },
      ],
    }).toString('utf8');
    assert.ok(body.startsWith('{"jstack":"","mqTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"cachedMsgCount":0,'), body);
    assert.ok(body.includes('"properties":{"PROP_CONSUME_TYPE":"CONSUME_PASSIVELY","consumerGroup":"g"}'), body);
    const parsed = parseMessageQueueKeyed(body) as { mqTable: Record<string, { commitOffset: number }>; subscriptionSet: Array<{ subString: string; codeSet: number[] }> };
    assert.deepEqual(Object.values(parsed.mqTable).map((v) => v.commitOffset), [3, 5]);
    assert.deepEqual(parsed.subscriptionSet.map((s) => s.subString), ['TagA']);
  });
});
