// Broadcasting PushConsumers against a real NameServer and broker: every member receives every
// message, offsets live in a local file (Java's OffsetSerializeWrapper format), a restarted member
// continues where the file says, and a failed message is dropped rather than retried.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConsumeConcurrentlyStatus } from '../../../src/client/consumer/message-listener.js';
import type { PushConsumer } from '../../../src/client/consumer/push-consumer.js';
import { parseMessageQueueKeyed } from '../../../src/remoting/requests/admin-broker.js';
import { makeTempDir } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';
import { PushCluster, unique } from './push-consumer-fixture.js';

const cluster = new PushCluster();
const offsetsDir = makeTempDir('rocketmq-ts-push-offsets-');

/** The offsets a broadcasting consumer has written for `topic`, summed; 0 when there is no file yet. */
function fileTotal(consumer: PushConsumer, topic: string): number {
  const file = path.join(offsetsDir, consumer.clientId!, consumer.group, 'offsets.json');
  if (!fs.existsSync(file)) return 0;
  const parsed = parseMessageQueueKeyed(fs.readFileSync(file, 'utf8')) as { offsetTable: Record<string, number> };
  return Object.entries(parsed.offsetTable)
    .filter(([key]) => (JSON.parse(key) as { topic: string }).topic === topic)
    .reduce((sum, [, offset]) => sum + offset, 0);
}

describe('broadcasting PushConsumer', () => {
  before(() => cluster.start());
  after(async () => {
    await cluster.stop();
    fs.rmSync(offsetsDir, { recursive: true, force: true });
  });

  test('every member gets every message; a restarted member continues from its offset file', async () => {
    const topic = unique('BroadcastTopic');
    const group = unique('CID_broadcast');
    await cluster.createTopic(topic, 4);
    const options = (instanceName: string) => ({ consumerGroup: group, messageModel: 'BROADCASTING' as const, localOffsetStoreDir: offsetsDir, instanceName });
    const got: [string[], string[]] = [[], []];
    const listener = (i: 0 | 1) => (msgs: Array<{ body: Buffer }>) => {
      got[i].push(...msgs.map((m) => m.body.toString()));
      return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    };
    const names = [unique('bc-one'), unique('bc-two')] as const;
    const one = await cluster.consumer(options(names[0]), { [topic]: '*' }, listener(0));
    await cluster.consumer(options(names[1]), { [topic]: '*' }, listener(1));
    const first = await cluster.send(topic, 40, { prefix: 'first' });
    await waitFor(() => got[0].length >= 40 && got[1].length >= 40, { timeoutMs: 10_000, message: 'both members receive all 40' });
    assert.deepEqual(new Set(got[0]), new Set(first));
    assert.deepEqual(new Set(got[1]), new Set(first));

    // Committed to the local file every second, not to the broker.
    await waitFor(() => fileTotal(one, topic) === 40, { timeoutMs: 10_000, intervalMs: 100, message: 'the offsets file of member one' });
    assert.equal((await cluster.committedOffsets(group, topic)).total, 0, 'broadcasting keeps no offsets on the broker');
    await cluster.shutdownConsumer(one);

    const later = await cluster.send(topic, 20, { prefix: 'later' });
    got[0].length = 0;
    const again = await cluster.consumer(options(names[0]), { [topic]: '*' }, listener(0));
    assert.equal(again.clientId, one.clientId, 'same client id, same offsets file');
    await waitFor(() => got[0].length >= 20 && got[1].length >= 60, { timeoutMs: 10_000, message: 'the later 20 reach both' });
    assert.deepEqual(got[0].sort(), [...later].sort(), 'the restarted member gets only what it had not consumed');
    await waitFor(() => fileTotal(again, topic) === 60, { timeoutMs: 10_000, intervalMs: 100, message: 'the file moves on' });
  });

  test('a failed message is dropped, not retried, and the offset moves past it', async () => {
    const topic = unique('BroadcastFailTopic');
    const group = unique('CID_broadcast_fail');
    await cluster.createTopic(topic, 1);
    const calls: string[] = [];
    const consumer = await cluster.consumer({ consumerGroup: group, messageModel: 'BROADCASTING', localOffsetStoreDir: offsetsDir }, { [topic]: '*' }, (msgs) => {
      calls.push(...msgs.map((m) => m.body.toString()));
      return msgs[0]!.body.toString() === 'bad' ? ConsumeConcurrentlyStatus.RECONSUME_LATER : ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
    });
    for (const body of ['bad', 'good']) await cluster.producer.send({ topic, body });
    await waitFor(() => fileTotal(consumer, topic) === 2, { timeoutMs: 10_000, intervalMs: 100, message: 'both offsets written' });
    assert.deepEqual(calls, ['bad', 'good']);
    // No retry topic when broadcasting: the consumer subscribes to nothing else.
    assert.deepEqual(consumer.assignedQueues().map((mq) => mq.topic), [topic]);
  });
});
