import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode } from '../../../../src/common/message/java-hash.js';
import type { Message, MessageQueue } from '../../../../src/client/message.js';
import { javaHashCode, selectMessageQueueByHash, selectMessageQueueByRandom } from '../../../../src/client/producer/selectors.js';

const message: Message = { topic: 'T', body: 'x' };

function queues(brokers: string[], perBroker: number): MessageQueue[] {
  return brokers.flatMap((brokerName) => Array.from({ length: perBroker }, (_, queueId) => ({ topic: 'T', brokerName, queueId })));
}

test('javaHashCode matches Java hashCode() of String, Integer, Long, Double and Boolean', () => {
  assert.equal(javaHashCode('hello'), 99162322); // "hello".hashCode()
  assert.equal(javaHashCode(''), 0);
  assert.equal(javaHashCode('polygenelubricants'), -2147483648); // Integer.MIN_VALUE
  assert.equal(javaHashCode(42), 42); // Integer.valueOf(42).hashCode()
  assert.equal(javaHashCode(-7), -7);
  assert.equal(javaHashCode(2 ** 40), 256); // Long.valueOf(1L << 40).hashCode()
  assert.equal(javaHashCode(-1n), 0); // Long.valueOf(-1L).hashCode()
  assert.equal(javaHashCode(1.5), 1073217536); // Double.valueOf(1.5).hashCode()
  assert.equal(javaHashCode(true), 1231);
  assert.equal(javaHashCode(false), 1237);
  assert.throws(() => javaHashCode({}), TypeError);
  assert.throws(() => javaHashCode(undefined), TypeError);
});

test('selectMessageQueueByHash takes hashCode % size, negated when negative, as SelectMessageQueueByHash', () => {
  const mqs = queues(['broker-a', 'broker-b'], 4);
  for (const key of ['order-1', 'order-2', 'zzzzzzzzzz', 'polygenelubricants', 'Aa', 'BB']) {
    const h = javaStringHashCode(key);
    const expected = h % mqs.length < 0 ? Math.abs(h % mqs.length) : h % mqs.length;
    assert.deepEqual(selectMessageQueueByHash(mqs, message, key), mqs[expected], key);
  }
  // "xyzxyzxyz".hashCode() is -1562220487; -1562220487 % 8 is -7, so Java takes queue 7.
  assert.equal(javaStringHashCode('xyzxyzxyz') % 8, -7);
  assert.deepEqual(selectMessageQueueByHash(mqs, message, 'xyzxyzxyz'), { topic: 'T', brokerName: 'broker-b', queueId: 3 });
});

test('the same key always maps to the same queue, and many keys use every queue', () => {
  const mqs = queues(['broker-a', 'broker-b'], 4);
  const used = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const key = `order-${i}`;
    const first = selectMessageQueueByHash(mqs, message, key)!;
    assert.deepEqual(selectMessageQueueByHash(mqs, message, key), first);
    used.add(`${first.brokerName}/${first.queueId}`);
  }
  assert.equal(used.size, mqs.length);
});

test('selectors return undefined for an empty queue list; random picks a listed queue', () => {
  assert.equal(selectMessageQueueByHash([], message, 'k'), undefined);
  const mqs = queues(['broker-a'], 3);
  for (let i = 0; i < 20; i++) assert.ok(mqs.includes(selectMessageQueueByRandom(mqs, message, undefined)!));
});
