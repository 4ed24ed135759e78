import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssignedQueues, type QueueState } from '../../../../src/client/consumer/assigned-queues.js';
import { PollBuffer } from '../../../../src/client/consumer/poll-buffer.js';
import type { ReceivedMessage } from '../../../../src/client/message.js';

const mq = (queueId: number) => ({ topic: 'T', brokerName: 'b', queueId });

function batch(state: QueueState, from: number, count: number, bodyBytes = 1) {
  const messages = Array.from({ length: count }, (_, i) => ({ queueOffset: from + i, body: Buffer.alloc(bodyBytes) }) as unknown as ReceivedMessage);
  return { state, messages, firstOffset: from, lastOffset: from + count - 1, bodyBytes: bodyBytes * count };
}

test('batches come out in pull order; consumeOffset moves to the next buffered message, then past the last', () => {
  const assigned = new AssignedQueues();
  const { added } = assigned.update(undefined, [mq(0), mq(1)]);
  const [q0, q1] = added as [QueueState, QueueState];
  const buffer = new PollBuffer();
  buffer.put(batch(q0, 0, 2));
  buffer.put(batch(q1, 5, 3));
  buffer.put(batch(q0, 2, 2));
  assert.equal(buffer.messageCount, 7);
  assert.equal(q0.maxSpan, 3);

  assert.equal(buffer.take()?.firstOffset, 0);
  assert.equal(q0.consumeOffset, 2, 'the next buffered message of the queue');
  assert.equal(buffer.take()?.state, q1);
  assert.equal(q1.consumeOffset, 8);
  assert.equal(buffer.take()?.firstOffset, 2);
  assert.equal(q0.consumeOffset, 4, 'one past the last polled message');
  assert.equal(buffer.take(), undefined);
  assert.equal(buffer.messageCount, 0);
});

test('a paused queue is skipped without reordering it, a dropped one is cleared', () => {
  const assigned = new AssignedQueues();
  const [q0, q1] = assigned.update(undefined, [mq(0), mq(1)]).added as [QueueState, QueueState];
  const buffer = new PollBuffer();
  buffer.put(batch(q0, 0, 1));
  buffer.put(batch(q0, 1, 1));
  buffer.put(batch(q1, 0, 1));
  assigned.setPaused([mq(0)], true);
  assert.equal(buffer.take()?.state, q1);
  assert.equal(buffer.take(), undefined);
  assigned.setPaused([mq(0)], false);
  assert.equal(buffer.take()?.firstOffset, 0);

  const { removed } = assigned.update(undefined, [mq(1)]);
  assert.deepEqual(removed, [q0]);
  assert.ok(q0.dropped);
  buffer.clear(q0);
  assert.equal(buffer.messageCount, 0);
  assert.equal(q0.messageCount, 0);
  assert.equal(buffer.take(), undefined);
});

test('a waiting poll wakes when a batch arrives', async () => {
  const assigned = new AssignedQueues();
  const [q0] = assigned.update(undefined, [mq(0)]).added as [QueueState];
  const buffer = new PollBuffer();
  const waiting = buffer.waitForBatch(60_000);
  buffer.put(batch(q0, 0, 1));
  await waiting;
  assert.equal(buffer.take()?.messages.length, 1);
});
