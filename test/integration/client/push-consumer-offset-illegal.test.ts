// A PushConsumer whose committed offset lies beyond the queue's end (PULL_OFFSET_MOVED, the
// client's OFFSET_ILLEGAL) moves to the offset the broker names, as Java does: it drops the queue,
// commits the broker's offset 10 s later, and the next rebalance re-creates the queue from there.
// Takes a little over 10 s because of that delay (Java's constant).
//
// Compat: for an offset past the end of a queue that still starts at 0, Java's store (and ours)
// names 0, not the end (DefaultMessageStore#getMessage, OFFSET_OVERFLOW_BADLY with minOffset 0),
// so the queue is read again from its start.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { UpdateConsumerOffset } from '../../../src/remoting/requests/offsets.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();

describe('PushConsumer and an illegal offset', () => {
  before(() => cluster.start());
  after(() => cluster.stop());

  test('a committed offset past the queue end is corrected to the broker\'s and consumption goes on from there', async () => {
    const topic = unique('IllegalTopic');
    const group = unique('CID_illegal');
    await cluster.createTopic(topic, 1);
    const old = await cluster.send(topic, 10, { prefix: 'old' });
    const header = UpdateConsumerOffset.encode({ consumerGroup: group, topic, queueId: 0, commitOffset: 1000 });
    const committed = await cluster.admin.invokeSync(cluster.broker.addr, RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET, header), 3000);
    assert.equal(committed.code, 0, committed.remark ?? '');

    const got: string[] = [];
    await cluster.consumer({ consumerGroup: group }, { [topic]: '*' }, (msgs) => {
      got.push(...msgs.map((m) => m.body.toString()));
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    // Nothing is read at offset 1000; the broker's answer (0) is committed, then read from.
    await waitFor(() => got.length >= 10, { timeoutMs: 20_000, intervalMs: 100, message: 'the queue read again from the offset the broker named' });
    const fresh = await cluster.send(topic, 5, { prefix: 'new' });
    await waitFor(() => got.length >= 15, { timeoutMs: 10_000, message: 'messages sent after the correction' });
    assert.deepEqual(got.sort(), [...old, ...fresh].sort(), 'each message once');
    await waitFor(async () => (await cluster.committedOffsets(group, topic)).perQueue.get(0) === 15, { timeoutMs: 10_000, intervalMs: 200, message: 'the corrected offset moves on' });
  });
});
