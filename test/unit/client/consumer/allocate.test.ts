import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allocateAveragely,
  allocateAveragelyByCircle,
  allocateByConfig,
  allocateConsistentHash,
  type AllocateStrategy,
} from '../../../../src/client/consumer/allocate.js';
import type { MessageQueue } from '../../../../src/client/message.js';

function queues(n: number, brokerName = 'broker-a'): MessageQueue[] {
  return Array.from({ length: n }, (_v, queueId) => ({ topic: 'T', brokerName, queueId }));
}

const cids = ['10.0.0.1@1', '10.0.0.1@2', '10.0.0.2@1'];

function ids(mqs: MessageQueue[]): number[] {
  return mqs.map((mq) => mq.queueId);
}

/** Every queue owned by exactly one client. */
function assertPartition(strategy: AllocateStrategy, mqAll: MessageQueue[], cidAll: string[]): void {
  const owners = new Map<number, string>();
  for (const cid of cidAll) {
    for (const mq of strategy.allocate('G', cid, mqAll, cidAll)) {
      assert.equal(owners.get(mq.queueId), undefined, `queue ${mq.queueId} given to ${owners.get(mq.queueId)} and ${cid}`);
      owners.set(mq.queueId, cid);
    }
  }
  assert.equal(owners.size, mqAll.length);
}

describe('allocation strategies', () => {
  test('averagely gives contiguous blocks, the first clients one queue more', () => {
    const mqs = queues(8);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[0]!, mqs, cids)), [0, 1, 2]);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[1]!, mqs, cids)), [3, 4, 5]);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[2]!, mqs, cids)), [6, 7]);
  });

  test('averagely leaves clients beyond the queue count idle', () => {
    const mqs = queues(2);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[0]!, mqs, cids)), [0]);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[1]!, mqs, cids)), [1]);
    assert.deepEqual(ids(allocateAveragely.allocate('G', cids[2]!, mqs, cids)), []);
  });

  test('by circle deals queues round robin', () => {
    const mqs = queues(8);
    assert.deepEqual(ids(allocateAveragelyByCircle.allocate('G', cids[0]!, mqs, cids)), [0, 3, 6]);
    assert.deepEqual(ids(allocateAveragelyByCircle.allocate('G', cids[2]!, mqs, cids)), [2, 5]);
  });

  test('a client not in the group gets nothing', () => {
    for (const s of [allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash()]) {
      assert.deepEqual(s.allocate('G', 'stranger', queues(4), cids), []);
    }
  });

  test('every strategy partitions the queues among the clients', () => {
    for (const n of [1, 3, 8, 16, 31]) {
      for (const s of [allocateAveragely, allocateAveragelyByCircle, allocateConsistentHash()]) assertPartition(s, queues(n), cids);
    }
  });

  test('consistent hash moves few queues when a client leaves', () => {
    const mqs = queues(64);
    const strategy = allocateConsistentHash();
    const before = strategy.allocate('G', cids[0]!, mqs, cids);
    const after = strategy.allocate('G', cids[0]!, mqs, cids.slice(0, 2));
    // The leaving client's queues are redistributed; the ones this client had stay with it.
    for (const mq of before) assert.ok(after.some((q) => q.queueId === mq.queueId), `queue ${mq.queueId} moved away`);
  });

  test('by config returns the configured queues whatever the group', () => {
    const mine = queues(2);
    assert.deepEqual(allocateByConfig(mine).allocate('G', 'anyone', queues(8), cids), mine);
  });
});
