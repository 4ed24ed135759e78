import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FastJsonShapeError, FastJsonSyntaxError, parseFastJson } from '../../../../src/common/fastjson.js';
import { decodeCommand, type RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import {
  decodeConsumerListBody,
  decodeHeartbeatData,
  decodeLockBatchRequestBody,
  decodeLockBatchResponseBody,
  decodeUnlockBatchRequestBody,
  encodeConsumerListBody,
  encodeHeartbeatData,
  encodeLockBatchRequestBody,
  encodeLockBatchResponseBody,
  encodeUnlockBatchRequestBody,
  GetConsumerListByGroup,
  type HeartbeatData,
  NotifyConsumerIdsChanged,
  UnregisterClient,
} from '../../../../src/remoting/requests/client.js';
import { indexEntry, loadIndex, readFrameFile } from '../../../harness/fixtures.js';

function command(file: string): RemotingCommand {
  return decodeCommand(readFrameFile(file).subarray(4));
}

function framesOf(codeName: string, type?: string): string[] {
  return loadIndex()
    .filter((f) => f.family === 'consumer' && (f.codeName === codeName || f['requestCodeName'] === codeName))
    .filter((f) => type === undefined || f.type === type)
    .map((f) => f.file);
}

/** Both readers must accept what we write: JSON.parse (ali-ons) and fastjson's dialect. */
function assertStrictJson(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  const parsed = JSON.parse(text) as unknown;
  assert.deepEqual(parseFastJson(text), parsed);
  return parsed;
}

describe('client family: HeartbeatData', () => {
  const heartbeats = framesOf('HEART_BEAT', 'request');

  test('the capture holds the three heartbeats this test reads', () => {
    assert.deepEqual(heartbeats, [
      'consumer/001-client2broker-HEART_BEAT-JSON.bin',
      'consumer/003-client2broker-HEART_BEAT-ROCKETMQ.bin',
      'consumer/005-client2broker-HEART_BEAT-ROCKETMQ.bin',
    ]);
  });

  for (const file of heartbeats) {
    test(`decodes ${file} to the same values as the captured text`, () => {
      const cmd = command(file);
      const data = decodeHeartbeatData(cmd.body);
      const raw = JSON.parse(indexEntry(file).bodyText!) as {
        clientID: string;
        producerDataSet: unknown[];
        consumerDataSet: Array<Record<string, unknown> & { subscriptionDataSet: Array<Record<string, unknown>> }>;
      };
      assert.equal(data.clientID, raw.clientID);
      assert.deepEqual(data.producerDataSet, raw.producerDataSet);
      assert.equal(data.consumerDataSet.length, raw.consumerDataSet.length);
      data.consumerDataSet.forEach((consumer, i) => {
        const expected = raw.consumerDataSet[i]!;
        for (const key of ['groupName', 'consumeType', 'messageModel', 'consumeFromWhere', 'unitMode'] as const) {
          assert.equal(consumer[key], expected[key], key);
        }
        consumer.subscriptionDataSet.forEach((sub, j) => {
          // ali-ons leaves expressionType out: it means TAG.
          assert.deepEqual(sub, { expressionType: 'TAG', ...expected.subscriptionDataSet[j] });
        });
      });
    });
  }

  test('the ali-ons heartbeat: one push consumer with a tag subscription and its tag hash codes', () => {
    const data = decodeHeartbeatData(command('consumer/001-client2broker-HEART_BEAT-JSON.bin').body);
    assert.equal(data.clientID, '127.0.0.1@fixture-node-consumer');
    const consumer = data.consumerDataSet[0]!;
    assert.equal(consumer.groupName, 'fixture_cg_node');
    assert.equal(consumer.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
    assert.deepEqual(consumer.subscriptionDataSet[0]!.codeSet, [2598919, 2598920, -724558295, -1797401818]);
    assert.equal(consumer.subscriptionDataSet[0]!.expressionType, 'TAG');
    assert.deepEqual(data.producerDataSet, []);
  });

  test('re-encodes the Java client\'s heartbeats byte for byte', () => {
    for (const file of ['consumer/003-client2broker-HEART_BEAT-ROCKETMQ.bin', 'consumer/005-client2broker-HEART_BEAT-ROCKETMQ.bin']) {
      const body = command(file).body!;
      assert.equal(encodeHeartbeatData(decodeHeartbeatData(body)).toString('utf8'), body.toString('utf8'), file);
    }
  });

  test('what it encodes is strict JSON and decodes back to the same value', () => {
    const data: HeartbeatData = {
      clientID: '10.0.0.5@4242',
      producerDataSet: [{ groupName: 'PID_x' }],
      consumerDataSet: [
        {
          groupName: 'CID_x',
          consumeType: 'CONSUME_ACTIVELY',
          messageModel: 'BROADCASTING',
          consumeFromWhere: 'CONSUME_FROM_TIMESTAMP',
          unitMode: true,
          subscriptionDataSet: [
            { topic: 'T', subString: 'a > 1 and b = "x\\"y"', classFilterMode: false, tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'SQL92' },
          ],
        },
      ],
    };
    const body = encodeHeartbeatData(data);
    assertStrictJson(body);
    assert.deepEqual(decodeHeartbeatData(body), data);
  });

  test('accepts the 5.x extras and fills Java\'s defaults for absent properties', () => {
    const body = Buffer.from(
      JSON.stringify({
        clientID: 'c',
        heartbeatFingerprint: -12345,
        withoutSub: false,
        consumerDataSet: [
          { groupName: 'g', consumeType: 'CONSUME_POP', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptionDataSet: [{ topic: 'T', subString: '*' }] },
        ],
      }),
    );
    const data = decodeHeartbeatData(body, { nowMs: 777 });
    assert.equal(data.heartbeatFingerprint, -12345);
    assert.equal(data.withoutSub, false);
    assert.deepEqual(data.producerDataSet, []);
    assert.equal(data.consumerDataSet[0]!.unitMode, false);
    assert.deepEqual(data.consumerDataSet[0]!.subscriptionDataSet[0], {
      topic: 'T',
      subString: '*',
      classFilterMode: false,
      tagsSet: [],
      codeSet: [],
      subVersion: 777,
      expressionType: 'TAG',
    });
  });

  test('a malformed body is an error naming what is wrong', () => {
    assert.throws(() => decodeHeartbeatData(null), FastJsonShapeError);
    assert.throws(() => decodeHeartbeatData(Buffer.from('{"clientID":')), FastJsonSyntaxError);
    assert.throws(() => decodeHeartbeatData(Buffer.from('{"consumerDataSet":[]}')), /HeartbeatData\.clientID/);
    assert.throws(
      () =>
        decodeHeartbeatData(
          Buffer.from('{"clientID":"c","consumerDataSet":[{"groupName":"g","consumeType":"NOPE","messageModel":"CLUSTERING","consumeFromWhere":"CONSUME_FROM_LAST_OFFSET"}]}'),
        ),
      /consumerDataSet\[0\]\.consumeType/,
    );
  });
});

describe('client family: lock bodies', () => {
  const lockRequests = framesOf('LOCK_BATCH_MQ', 'request');
  const lockResponses = framesOf('LOCK_BATCH_MQ', 'response');
  const unlockRequests = framesOf('UNLOCK_BATCH_MQ', 'request');

  test('the capture holds two locks and one unlock', () => {
    assert.equal(lockRequests.length, 2);
    assert.equal(lockResponses.length, 2);
    assert.equal(unlockRequests.length, 1);
  });

  for (const file of [...lockRequests, ...unlockRequests]) {
    test(`decodes and re-encodes ${file} byte for byte`, () => {
      const body = command(file).body!;
      const decoded = file.includes('UNLOCK') ? decodeUnlockBatchRequestBody(body) : decodeLockBatchRequestBody(body);
      assert.equal(decoded.consumerGroup, 'fixture_cg_orderly');
      assert.equal(decoded.clientId, '192.0.2.2@fx-java-rmq-orderly');
      assert.equal(decoded.onlyThisBroker, undefined, '4.9.8 has no onlyThisBroker');
      assert.deepEqual(decoded.mqSet, (JSON.parse(indexEntry(file).bodyText!) as { mqSet: unknown[] }).mqSet);
      const encoded = file.includes('UNLOCK') ? encodeUnlockBatchRequestBody(decoded) : encodeLockBatchRequestBody(decoded);
      assert.equal(encoded.toString('utf8'), body.toString('utf8'));
    });
  }

  for (const file of lockResponses) {
    test(`decodes and re-encodes the response ${file} byte for byte`, () => {
      const body = command(file).body!;
      const decoded = decodeLockBatchResponseBody(body);
      assert.ok(decoded.lockOKMQSet.length >= 1);
      assert.ok(decoded.lockOKMQSet.every((mq) => mq.brokerName === 'broker-a'));
      assert.equal(encodeLockBatchResponseBody(decoded).toString('utf8'), body.toString('utf8'));
    });
  }

  test('5.x onlyThisBroker is read and written; the output is strict JSON', () => {
    const body = encodeLockBatchRequestBody({ consumerGroup: 'g', clientId: 'c', onlyThisBroker: true, mqSet: [{ topic: 'T', brokerName: 'b', queueId: 7 }] });
    assert.deepEqual(assertStrictJson(body), { clientId: 'c', consumerGroup: 'g', mqSet: [{ brokerName: 'b', queueId: 7, topic: 'T' }], onlyThisBroker: true });
    assert.equal(decodeLockBatchRequestBody(body).onlyThisBroker, true);
    assertStrictJson(encodeLockBatchResponseBody({ lockOKMQSet: [] }));
  });

  test('a queue without a queueId is refused with its path', () => {
    assert.throws(
      () => decodeLockBatchRequestBody(Buffer.from('{"consumerGroup":"g","clientId":"c","mqSet":[{"topic":"T","brokerName":"b"}]}')),
      /mqSet\[0\]\.queueId/,
    );
  });
});

describe('client family: consumer list and headers', () => {
  test('decodes the captured consumer-list bodies and re-encodes them byte for byte', () => {
    for (const file of framesOf('GET_CONSUMER_LIST_BY_GROUP', 'response')) {
      const body = command(file).body!;
      const decoded = decodeConsumerListBody(body);
      assert.equal(decoded.consumerIdList.length, 1);
      const encoded = encodeConsumerListBody(decoded);
      assert.equal(encoded.toString('utf8'), body.toString('utf8'));
      assertStrictJson(encoded);
    }
  });

  test('GET_CONSUMER_LIST_BY_GROUP headers decode from ali-ons (JSON) and Java (ROCKETMQ)', () => {
    assert.deepEqual(GetConsumerListByGroup.decode(command('consumer/009-client2broker-GET_CONSUMER_LIST_BY_GROUP-JSON.bin')), {
      ok: true,
      value: { consumerGroup: 'fixture_cg_node' },
    });
    assert.deepEqual(GetConsumerListByGroup.decode(command('consumer/011-client2broker-GET_CONSUMER_LIST_BY_GROUP-ROCKETMQ.bin')), {
      ok: true,
      value: { consumerGroup: 'fixture_cg_orderly' },
    });
  });

  test('UNREGISTER_CLIENT headers name the client and the closing group', () => {
    assert.deepEqual(UnregisterClient.decode(command('consumer/028-client2broker-UNREGISTER_CLIENT-JSON.bin')), {
      ok: true,
      value: { clientID: '127.0.0.1@fixture-node-consumer', consumerGroup: 'fixture_cg_node' },
    });
    assert.deepEqual(UnregisterClient.decode(command('consumer/030-client2broker-UNREGISTER_CLIENT-ROCKETMQ.bin')), {
      ok: true,
      value: { clientID: '192.0.2.2@fx-java-rmq-orderly', consumerGroup: 'fixture_cg_orderly' },
    });
    assert.deepEqual(UnregisterClient.decode(command('consumer/032-client2broker-UNREGISTER_CLIENT-ROCKETMQ.bin')), {
      ok: true,
      value: { clientID: '192.0.2.2@fx-java-rmq-producer', producerGroup: 'fixture_pg_java' },
    });
  });

  test('NOTIFY_CONSUMER_IDS_CHANGED encodes as the broker sent it', () => {
    for (const file of ['consumer/007-broker2client-NOTIFY_CONSUMER_IDS_CHANGED-JSON.bin', 'consumer/008-broker2client-NOTIFY_CONSUMER_IDS_CHANGED-JSON.bin']) {
      const cmd = command(file);
      const decoded = NotifyConsumerIdsChanged.decode(cmd);
      assert.ok(decoded.ok);
      assert.deepEqual(NotifyConsumerIdsChanged.encode(decoded.value), cmd.extFields);
    }
  });

  test('a missing consumerGroup is named as Java names it', () => {
    const cmd = command('consumer/009-client2broker-GET_CONSUMER_LIST_BY_GROUP-JSON.bin');
    cmd.extFields = {};
    assert.deepEqual(GetConsumerListByGroup.decode(cmd), { ok: false, error: 'the custom field <consumerGroup> is null' });
  });
});
