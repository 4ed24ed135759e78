import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopicRouteData } from '../../../../src/common/route-data.js';
import { toPublishInfo, type TopicPublishInfo } from '../../../../src/client/connection/topic-route.js';
import {
  computeNotAvailableDuration,
  FaultStrategy,
  selectRoundRobin,
  writeQueueNumsOf,
} from '../../../../src/client/producer/fault-strategy.js';
import { LatencyFaultTolerance } from '../../../../src/client/producer/latency-fault-tolerance.js';
import { RoundRobinIndex } from '../../../../src/client/producer/round-robin-index.js';

class ManualClock {
  nowMs = 1_000_000;
  now(): number {
    return this.nowMs;
  }
}

function route(brokers: Record<string, number>): TopicRouteData {
  return {
    brokerDatas: Object.keys(brokers).map((brokerName, i) => ({ brokerName, cluster: 'c', brokerAddrs: new Map([[0, `127.0.0.1:${10911 + i}`]]) })),
    filterServerTable: new Map(),
    queueDatas: Object.entries(brokers).map(([brokerName, n]) => ({ brokerName, perm: 6, readQueueNums: n, writeQueueNums: n, topicSysFlag: 0 })),
  };
}

function publishInfo(brokers: Record<string, number>): TopicPublishInfo {
  return toPublishInfo('T', route(brokers));
}

const zero = (): number => 0;

test('notAvailableDuration steps with latency as MQFaultStrategy: 550 ms -> 30 s, 15 s -> 600 s', () => {
  assert.equal(computeNotAvailableDuration(0), 0);
  assert.equal(computeNotAvailableDuration(49), 0);
  assert.equal(computeNotAvailableDuration(100), 0);
  assert.equal(computeNotAvailableDuration(549), 0);
  assert.equal(computeNotAvailableDuration(550), 30_000);
  assert.equal(computeNotAvailableDuration(1000), 60_000);
  assert.equal(computeNotAvailableDuration(2000), 120_000);
  assert.equal(computeNotAvailableDuration(3000), 180_000);
  assert.equal(computeNotAvailableDuration(14_999), 180_000);
  assert.equal(computeNotAvailableDuration(15_000), 600_000);
  assert.equal(computeNotAvailableDuration(30_000), 600_000);
});

test('a failed send isolates its broker for 600 s, then it is available again', () => {
  const clock = new ManualClock();
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: true, clock, random: zero });
  strategy.updateFaultItem('broker-a', 3, true);
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), false);
  assert.equal(strategy.faultTolerance.isAvailable('broker-b'), true);
  clock.nowMs += 599_999;
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), false);
  clock.nowMs += 1;
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), true);
});

test('a slow send (600 ms) makes its broker unavailable for 30 s; a fast one clears it', () => {
  const clock = new ManualClock();
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: true, clock, random: zero });
  strategy.updateFaultItem('broker-a', 600, false);
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), false);
  clock.nowMs += 30_000;
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), true);
  strategy.updateFaultItem('broker-a', 5_000, false);
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), false);
  strategy.updateFaultItem('broker-a', 10, false);
  assert.equal(strategy.faultTolerance.isAvailable('broker-a'), true);
});

test('with latency fault enabled, queues of an unavailable broker are skipped', () => {
  const clock = new ManualClock();
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: true, clock, random: zero });
  const info = publishInfo({ 'broker-a': 4, 'broker-b': 4 });
  const index = new RoundRobinIndex(zero);
  strategy.updateFaultItem('broker-a', 1, true);
  for (let i = 0; i < 20; i++) assert.equal(strategy.selectOneMessageQueue(info, index)!.brokerName, 'broker-b');
  clock.nowMs += 600_000;
  const brokers = new Set(Array.from({ length: 8 }, () => strategy.selectOneMessageQueue(info, index)!.brokerName));
  assert.deepEqual([...brokers].sort(), ['broker-a', 'broker-b']);
});

test('when every broker is unavailable, the least bad one is still chosen', () => {
  const clock = new ManualClock();
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: true, clock, random: zero });
  const info = publishInfo({ 'broker-a': 4, 'broker-b': 2 });
  const index = new RoundRobinIndex(zero);
  strategy.updateFaultItem('broker-a', 2_000, false); // 120 s
  strategy.updateFaultItem('broker-b', 20_000, false); // 600 s, slower
  for (let i = 0; i < 10; i++) {
    const mq = strategy.selectOneMessageQueue(info, index)!;
    // Sorted best first, the better half of two entries is broker-a alone.
    assert.equal(mq.brokerName, 'broker-a');
    assert.ok(mq.queueId >= 0 && mq.queueId < 4);
  }
});

test('a broker the topic does not use is dropped from the table when picked', () => {
  const clock = new ManualClock();
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: true, clock, random: zero });
  const info = publishInfo({ 'broker-a': 4 });
  // Sorted best first (lower latency), the brokers outside the route come before broker-a.
  strategy.updateFaultItem('broker-a', 100, true);
  strategy.updateFaultItem('broker-z', 1, true);
  strategy.updateFaultItem('broker-y', 2, true);
  const index = new RoundRobinIndex(zero);
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add(strategy.selectOneMessageQueue(info, index)!.brokerName);
  assert.deepEqual([...seen], ['broker-a']);
  assert.deepEqual(strategy.faultTolerance.items().map((item) => item.brokerName), ['broker-a']);
});

test('without latency fault, sends rotate over every queue and a retry avoids the last broker', () => {
  const strategy = new FaultStrategy({ sendLatencyFaultEnable: false, random: zero });
  const info = publishInfo({ 'broker-a': 2, 'broker-b': 2 });
  const index = new RoundRobinIndex(zero);
  const picked = Array.from({ length: 8 }, () => strategy.selectOneMessageQueue(info, index)!);
  assert.deepEqual(
    picked.map((mq) => `${mq.brokerName}/${mq.queueId}`),
    ['broker-a/1', 'broker-b/0', 'broker-b/1', 'broker-a/0', 'broker-a/1', 'broker-b/0', 'broker-b/1', 'broker-a/0'],
  );
  strategy.updateFaultItem('broker-a', 1, true); // no effect when disabled
  assert.equal(strategy.faultTolerance.items().length, 0);
  for (let i = 0; i < 10; i++) assert.equal(strategy.selectOneMessageQueue(info, index, 'broker-a')!.brokerName, 'broker-b');
  // With one broker only, a retry goes back to it.
  const single = publishInfo({ 'broker-a': 2 });
  assert.equal(selectRoundRobin(single, index, 'broker-a')!.brokerName, 'broker-a');
  assert.equal(selectRoundRobin(publishInfo({}), index), undefined);
});

test('writeQueueNumsOf reads the writable queue count of one broker', () => {
  const info = publishInfo({ 'broker-a': 4, 'broker-b': 2 });
  assert.equal(writeQueueNumsOf(info, 'broker-b'), 2);
  assert.equal(writeQueueNumsOf(info, 'broker-x'), -1);
});

test('pickOneAtLeast rotates over the better half of the table', () => {
  const clock = new ManualClock();
  const table = new LatencyFaultTolerance(clock, zero);
  assert.equal(table.pickOneAtLeast(), undefined);
  table.updateFaultItem('a', 10, 1000);
  table.updateFaultItem('b', 20, 1000);
  table.updateFaultItem('c', 30, 1000);
  table.updateFaultItem('d', 40, 1000);
  const picks = new Set(Array.from({ length: 10 }, () => table.pickOneAtLeast()));
  assert.deepEqual([...picks].sort(), ['a', 'b']);
  // An available entry sorts before unavailable ones whatever its latency.
  table.updateFaultItem('d', 40, 0);
  const first = new LatencyFaultTolerance(clock, zero);
  first.updateFaultItem('slow-but-up', 500, 0);
  first.updateFaultItem('fast-but-down', 1, 1000);
  assert.equal(first.pickOneAtLeast(), 'slow-but-up');
});
