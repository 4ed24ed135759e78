import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RebalanceLockManager } from '../../../../src/broker/client/rebalance-lock-manager.js';
import type { MessageQueue } from '../../../../src/remoting/requests/client.js';

const G = 'cg_orderly';
const mq = (queueId: number, topic = 'Orders'): MessageQueue => ({ topic, brokerName: 'broker-a', queueId });

function fixture(lockMaxLiveTimeMs?: number): { locks: RebalanceLockManager; step(ms: number): void } {
  let clock = 1_000;
  const locks = new RebalanceLockManager({ now: () => clock, ...(lockMaxLiveTimeMs === undefined ? {} : { lockMaxLiveTimeMs }) });
  return { locks, step: (ms) => (clock += ms) };
}

describe('RebalanceLockManager', () => {
  test('grants free queues and refuses queues another client holds', () => {
    const { locks } = fixture();
    assert.deepEqual(locks.tryLockBatch(G, [mq(0), mq(1)], 'c1'), [mq(0), mq(1)]);
    assert.deepEqual(locks.tryLockBatch(G, [mq(1), mq(2)], 'c2'), [mq(2)]);
    assert.equal(locks.holderOf(G, mq(1)), 'c1');
    assert.equal(locks.isLocked(G, mq(2), 'c2'), true);
    assert.equal(locks.isLocked(G, mq(2), 'c1'), false);
  });

  test('locks are per group', () => {
    const { locks } = fixture();
    locks.tryLockBatch(G, [mq(0)], 'c1');
    assert.deepEqual(locks.tryLockBatch('cg_other', [mq(0)], 'c2'), [mq(0)]);
  });

  test('a lock not renewed for more than 60 s can be taken over', () => {
    const { locks, step } = fixture();
    locks.tryLockBatch(G, [mq(0)], 'c1');
    step(60_000);
    assert.deepEqual(locks.tryLockBatch(G, [mq(0)], 'c2'), [], 'at exactly 60 s the lock still holds');
    step(1);
    assert.equal(locks.holderOf(G, mq(0)), undefined);
    assert.deepEqual(locks.tryLockBatch(G, [mq(0)], 'c2'), [mq(0)]);
    assert.equal(locks.holderOf(G, mq(0)), 'c2');
  });

  test('renewing a lock extends it', () => {
    const { locks, step } = fixture();
    locks.tryLockBatch(G, [mq(0)], 'c1');
    step(50_000);
    assert.equal(locks.tryLock(G, mq(0), 'c1'), true);
    step(50_000);
    assert.equal(locks.tryLock(G, mq(0), 'c2'), false);
  });

  test('the live time is settable', () => {
    const { locks, step } = fixture(1_000);
    locks.tryLockBatch(G, [mq(0)], 'c1');
    step(1_001);
    assert.equal(locks.tryLock(G, mq(0), 'c2'), true);
    locks.lockMaxLiveTimeMs = 10_000;
    step(5_000);
    assert.equal(locks.tryLock(G, mq(0), 'c1'), false);
  });

  test('only the holder unlocks', () => {
    const { locks } = fixture();
    locks.tryLockBatch(G, [mq(0), mq(1)], 'c1');
    locks.unlockBatch(G, [mq(0), mq(1)], 'c2');
    assert.equal(locks.holderOf(G, mq(0)), 'c1');
    locks.unlockBatch(G, [mq(0)], 'c1');
    assert.equal(locks.holderOf(G, mq(0)), undefined);
    assert.deepEqual(locks.tryLockBatch(G, [mq(0), mq(1)], 'c2'), [mq(0)]);
    locks.unlockBatch('cg_unknown', [mq(0)], 'c1');
  });

  test('a queue named twice in one request is granted once', () => {
    const { locks } = fixture();
    assert.deepEqual(locks.tryLockBatch(G, [mq(3), { ...mq(3) }, mq(3, 'Other')], 'c1'), [mq(3), mq(3, 'Other')]);
  });
});
