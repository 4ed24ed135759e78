// Failed concurrent consumption against a real NameServer and broker: RECONSUME_LATER and a
// thrown error send the message back (CONSUMER_SEND_MSG_BACK) and it returns through the group's
// %RETRY% topic with its own topic, msgId and a growing reconsumeTimes; ackIndex fails only the
// tail of a batch; when the broker refuses the send-back, the client consumes the message again
// itself after 5 s.
//
// The broker runs with every delay level at 1 s, so the first retry (level 3) takes 1 s, not 10 s.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { ReceivedMessage } from '../../../src/client/message.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();
const ONE_SECOND_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

interface Call {
  body: string;
  topic: string;
  msgId: string;
  reconsumeTimes: number;
}

function record(calls: Call[], msgs: readonly ReceivedMessage[]): void {
  for (const m of msgs) calls.push({ body: m.body.toString(), topic: m.topic, msgId: m.msgId, reconsumeTimes: m.reconsumeTimes });
}

describe('PushConsumer retries', () => {
  before(() => cluster.start({ brokerArgs: ['--messageDelayLevel', ONE_SECOND_LEVELS] }));
  after(() => cluster.stop());

  test('RECONSUME_LATER and a thrown error bring the message back through the retry topic', async () => {
    const topic = unique('RetryTopic');
    const group = unique('CID_retry');
    await cluster.createTopic(topic, 2);
    const calls: Call[] = [];
    await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      record(calls, msgs);
      const m = msgs[0]!;
      if (m.body.toString() === 'later' && m.reconsumeTimes === 0) return ConsumeConcurrentlyStatus.RECONSUME_LATER;
      if (m.body.toString() === 'throws' && m.reconsumeTimes < 2) throw new Error('listener failure');
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    const later = await cluster.producer.send({ topic, body: 'later' });
    const throws = await cluster.producer.send({ topic, body: 'throws' });
    await waitFor(() => calls.filter((c) => c.body === 'later').length >= 2 && calls.filter((c) => c.body === 'throws').length >= 3, {
      timeoutMs: 15_000,
      message: 'both messages come back',
    });
    const of = (body: string): Call[] => calls.filter((c) => c.body === body);
    assert.deepEqual(of('later').map((c) => c.reconsumeTimes), [0, 1]);
    assert.deepEqual(of('throws').map((c) => c.reconsumeTimes), [0, 1, 2]);
    // The listener sees the original topic and msgId, not %RETRY%<group>'s.
    for (const c of [...of('later'), ...of('throws')]) assert.equal(c.topic, topic);
    assert.ok(of('later').every((c) => c.msgId === later.msgId));
    assert.ok(of('throws').every((c) => c.msgId === throws.msgId));
    // Sent back means done here: the original queue's offsets move past both.
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 2, { timeoutMs: 5000, intervalMs: 100, message: 'the original offsets committed' });
  });

  test('with ackIndex, only the messages after it come back', async () => {
    const topic = unique('AckTopic');
    const group = unique('CID_ack');
    await cluster.createTopic(topic, 1);
    // Stored before the consumer starts, so its first pull brings all three in one batch.
    for (const body of ['a', 'b', 'c']) await cluster.producer.send({ topic, body });
    const calls: Call[] = [];
    const batches: string[][] = [];
    await cluster.consumer({ consumerGroup: group, consumeMessageBatchMaxSize: 3 }, { [topic]: '*' }, (msgs, context) => {
      record(calls, msgs);
      batches.push(msgs.map((m) => m.body.toString()));
      if (msgs.every((m) => m.reconsumeTimes === 0)) context.ackIndex = 0;
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await waitFor(() => calls.length >= 5, { timeoutMs: 15_000, message: 'b and c come back' });
    assert.deepEqual(batches[0], ['a', 'b', 'c']);
    assert.deepEqual(calls.filter((c) => c.reconsumeTimes === 1).map((c) => c.body).sort(), ['b', 'c']);
    assert.equal(calls.filter((c) => c.body === 'a').length, 1);
  });

  test('when the broker refuses the send-back, the message is consumed again locally', async (t) => {
    const topic = unique('LocalRetryTopic');
    const group = unique('CID_local_retry');
    await cluster.createTopic(topic, 1);
    const sent = await cluster.producer.send({ topic, body: 'local' });
    // A read-only broker (brokerPermission 4) still serves pulls but answers NO_PERMISSION to send-backs.
    const setPermission = async (perm: number): Promise<void> => {
      const request = RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`brokerPermission=${perm}\n`));
      const response = await cluster.admin.invokeSync(cluster.broker.addr, request, 3000);
      assert.equal(response.code, 0, response.remark ?? '');
    };
    await setPermission(4);
    t.after(() => setPermission(6));
    const calls: Call[] = [];
    await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      record(calls, msgs);
      return msgs[0]!.reconsumeTimes === 0 ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    await waitFor(() => calls.length >= 2, { timeoutMs: 15_000, message: 'the local retry' });
    // Nothing could go through the retry topic, so the second delivery is the client's own, with
    // reconsumeTimes counted locally.
    assert.deepEqual(calls, [
      { body: 'local', topic, msgId: sent.msgId, reconsumeTimes: 0 },
      { body: 'local', topic, msgId: sent.msgId, reconsumeTimes: 1 },
    ]);
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).total === 1, { timeoutMs: 5000, intervalMs: 100, message: 'committed after the local retry' });
  });
});
