import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProcessQueue } from '../../../../src/client/consumer/process-queue.js';
import type { ReceivedMessage } from '../../../../src/client/message.js';

function msg(queueOffset: number, bodyBytes = 10, properties: Record<string, string> = {}): ReceivedMessage {
  return { queueOffset, body: Buffer.alloc(bodyBytes), properties: new Map(Object.entries(properties)) } as unknown as ReceivedMessage;
}

const range = (from: number, to: number): ReceivedMessage[] => Array.from({ length: to - from }, (_v, i) => msg(from + i));

describe('ProcessQueue (concurrent)', () => {
  test('counts messages and body bytes, and a repeated offset only once', () => {
    const pq = new ProcessQueue();
    pq.putMessage(range(0, 5));
    pq.putMessage([msg(4), msg(5)]);
    assert.equal(pq.msgCount, 6);
    assert.equal(pq.msgBytes, 60);
    assert.equal(pq.maxSpan(), 5);
  });

  test('removeMessage returns the smallest offset still cached, so a gap is never committed past', () => {
    const pq = new ProcessQueue();
    const msgs = range(10, 15);
    pq.putMessage(msgs);
    // 11..14 done, 10 still running: the commit offset stays at 10.
    assert.equal(pq.removeMessage(msgs.slice(1)), 10);
    assert.equal(pq.msgCount, 1);
    // 10 done: nothing cached, so one past the largest pulled.
    assert.equal(pq.removeMessage([msgs[0]!]), 15);
    assert.equal(pq.msgCount, 0);
    assert.equal(pq.msgBytes, 0);
    // Nothing cached at all: nothing to commit.
    assert.equal(pq.removeMessage([msgs[0]!]), -1);
  });

  test('maxSpan follows the largest cached offset when the last one is consumed first', () => {
    const pq = new ProcessQueue();
    const msgs = range(0, 10);
    pq.putMessage(msgs);
    pq.removeMessage([msgs[9]!, msgs[8]!]);
    assert.equal(pq.maxSpan(), 7);
    assert.equal(pq.firstMessage()?.queueOffset, 0);
  });

  test('reads how far behind the broker the queue is from MAX_OFFSET', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(3, 1, { MAX_OFFSET: '103' })]);
    assert.equal(pq.msgAccCnt, 100);
  });
});

describe('ProcessQueue (orderly)', () => {
  test('asks for a consume loop only when none owns the queue, and releases it when empty', () => {
    const pq = new ProcessQueue();
    assert.equal(pq.putMessage(range(0, 3)), true);
    assert.equal(pq.putMessage(range(3, 4)), false, 'a loop already owns the queue');
    assert.deepEqual(pq.takeMessages(10).map((m) => m.queueOffset), [0, 1, 2, 3]);
    assert.equal(pq.commit(), 4);
    assert.deepEqual(pq.takeMessages(10), []);
    assert.equal(pq.putMessage(range(4, 5)), true, 'the loop ended, a new one is needed');
  });

  test('a batch put back comes first again, before messages pulled meanwhile', () => {
    const pq = new ProcessQueue();
    pq.putMessage(range(0, 4));
    const batch = pq.takeMessages(2);
    assert.deepEqual(batch.map((m) => m.queueOffset), [0, 1]);
    pq.putMessage(range(4, 6));
    pq.makeMessageToConsumeAgain(batch);
    assert.equal(pq.msgCount, 6, 'taken messages stay counted');
    assert.deepEqual(pq.takeMessages(3).map((m) => m.queueOffset), [0, 1, 2]);
    assert.equal(pq.commit(), 3);
    assert.equal(pq.msgCount, 3);
    assert.deepEqual(pq.takeMessages(10).map((m) => m.queueOffset), [3, 4, 5]);
  });

  test('info reports the cached and the in-consumption ranges', () => {
    const pq = new ProcessQueue();
    pq.putMessage(range(0, 5));
    pq.takeMessages(2);
    const info = pq.info(7);
    assert.equal(info.commitOffset, 7);
    assert.equal(info.cachedMsgCount, 3);
    assert.equal(info.cachedMsgMinOffset, 2);
    assert.equal(info.cachedMsgMaxOffset, 4);
    assert.equal(info.transactionMsgCount, 2);
    assert.equal(info.transactionMsgMinOffset, 0);
    assert.equal(info.transactionMsgMaxOffset, 1);
  });
});
