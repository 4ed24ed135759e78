// Owns: the tests of what a timer message carries at each stage: the time asked for (and which
// property wins), the slot it is parked for, and the records written when it is due or rolls.
// Counterpart: HookUtils#transformTimerMessage, TimerMessageStore#convert / #convertMessage (5.x).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveredMessage, parkedMessage, requestedDeliverMs, rolledMessage, TIMER_TOPIC, timerDeleteKey, timerOutMs } from '../../../../src/broker/timer/timer-message.js';
import { decodeMessageRecord, encodeMessageRecord } from '../../../../src/common/message/message-record.js';
import { encodeSocketAddress } from '../../../../src/common/message/socket-address.js';
import type { MessageInput } from '../../../../src/store/message-store.js';

const NOW = 1_795_000_000_000;

test('the delivery time: TIMER_DELAY_SEC, then TIMER_DELAY_MS, then TIMER_DELIVER_MS, then __STARTDELIVERTIME', () => {
  const at = (entries: Record<string, string>): number | 'illegal' | undefined => requestedDeliverMs(new Map(Object.entries(entries)), NOW);
  assert.equal(at({}), undefined);
  assert.equal(at({ __STARTDELIVERTIME: String(NOW + 5) }), NOW + 5);
  assert.equal(at({ __STARTDELIVERTIME: '1', TIMER_DELIVER_MS: String(NOW + 7) }), NOW + 7);
  assert.equal(at({ TIMER_DELIVER_MS: '1', TIMER_DELAY_MS: '250' }), NOW + 250);
  assert.equal(at({ TIMER_DELAY_MS: '1', TIMER_DELAY_SEC: '3' }), NOW + 3000);
  assert.equal(at({ TIMER_DELAY_SEC: '3s' }), 'illegal');
});

test('the slot: a time on a boundary goes to the slot before it, any other to its own; delivery is at the next boundary', () => {
  assert.equal(timerOutMs(NOW + 5000, 1000), NOW + 4000);
  assert.equal(timerOutMs(NOW + 5001, 1000), NOW + 5000);
  assert.equal(timerOutMs(NOW + 5999, 1000), NOW + 5000);
  assert.equal(timerOutMs(NOW + 250, 100), NOW + 200);
  for (const deliverMs of [NOW + 1, NOW + 999, NOW + 1000, NOW + 1001]) {
    const deliveredAt = timerOutMs(deliverMs, 1000) + 1000;
    assert.ok(deliveredAt >= deliverMs && deliveredAt - deliverMs < 1000, String(deliverMs - NOW));
  }
  assert.equal(timerDeleteKey('T', 'U'), 'T+U');
});

test('parked: the timer topic, queue 0, the real topic and queue and the slot in properties', () => {
  const sent: MessageInput = {
    topic: 'Orders',
    queueId: 3,
    body: Buffer.from('x'),
    properties: new Map([['TAGS', 'a'], ['TIMER_DELIVER_MS', String(NOW + 10_000)]]),
    propertiesString: 'TAGS\u0001a\u0002TIMER_DELIVER_MS\u0001' + (NOW + 10_000),
    bornTimestamp: NOW,
    bornHost: '127.0.0.1:5555',
  };
  const parked = parkedMessage(sent, NOW + 9000);
  assert.equal(parked.topic, TIMER_TOPIC);
  assert.equal(parked.queueId, 0);
  assert.deepEqual([...parked.properties], [['TAGS', 'a'], ['TIMER_DELIVER_MS', String(NOW + 10_000)], ['TIMER_OUT_MS', String(NOW + 9000)], ['REAL_TOPIC', 'Orders'], ['REAL_QID', '3']]);
  assert.equal(parked.propertiesString, `TAGS\u0001a\u0002TIMER_DELIVER_MS\u0001${NOW + 10_000}\u0002TIMER_OUT_MS\u0001${NOW + 9000}\u0002REAL_TOPIC\u0001Orders\u0002REAL_QID\u00013`);
  assert.equal(sent.topic, 'Orders', 'the input is left alone');
});

function parkedRecord(properties: string) {
  const buf = encodeMessageRecord({
    topic: TIMER_TOPIC,
    queueId: 0,
    flag: 7,
    body: Buffer.from('payload'),
    propertiesString: properties,
    sysFlag: 0,
    bornTimestamp: NOW - 10,
    bornHost: encodeSocketAddress('10.0.0.1:4321'),
    storeHost: encodeSocketAddress('127.0.0.1:10911'),
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
    queueOffset: 5,
    commitLogOffset: 8192,
    storeTimestamp: NOW - 5,
  });
  return decodeMessageRecord(buf, 0);
}

test('delivered: back to its topic and queue, less REAL_TOPIC and REAL_QID, stamped, with its body and born fields', () => {
  const record = parkedRecord(`UNIQ_KEY\u0001U1\u0002TIMER_OUT_MS\u0001${NOW}\u0002REAL_TOPIC\u0001Orders\u0002REAL_QID\u00013`);
  const delivered = deliveredMessage(record, { sourceOffset: 8192, enqueueTimeMs: NOW - 4, nowMs: NOW + 1000 })!;
  assert.equal(delivered.topic, 'Orders');
  assert.equal(delivered.queueId, 3);
  assert.equal(delivered.flag, 7);
  assert.equal(Buffer.from(delivered.body).toString(), 'payload');
  assert.equal(delivered.bornHost, '10.0.0.1:4321');
  assert.equal(delivered.bornTimestamp, NOW - 10);
  assert.equal(delivered.reconsumeTimes, 2);
  assert.deepEqual(Object.fromEntries(delivered.properties), {
    UNIQ_KEY: 'U1',
    TIMER_OUT_MS: String(NOW),
    TIMER_ENQUEUE_MS: String(NOW - 4),
    TIMER_DEQUEUE_MS: String(NOW + 1000),
    __RMQTS_TIMER_SOURCE: '8192',
  });
  assert.equal(deliveredMessage(parkedRecord(`TIMER_OUT_MS\u0001${NOW}`), { sourceOffset: 1, enqueueTimeMs: 0, nowMs: 0 }), undefined, 'no real topic');
});

test('rolled: parked again in the timer topic, counting its rolls', () => {
  const record = parkedRecord(`TIMER_OUT_MS\u0001${NOW}\u0002REAL_TOPIC\u0001Orders\u0002REAL_QID\u00013\u0002TIMER_ROLL_TIMES\u00011`);
  const rolled = rolledMessage(record, { sourceOffset: 8192, enqueueTimeMs: NOW - 4, nowMs: NOW + 1000 });
  assert.equal(rolled.topic, TIMER_TOPIC);
  assert.equal(rolled.queueId, 0);
  assert.equal(rolled.properties.get('TIMER_ROLL_TIMES'), '2');
  assert.equal(rolled.properties.get('REAL_TOPIC'), 'Orders');
  assert.equal(rolled.properties.get('TIMER_OUT_MS'), String(NOW));
  assert.equal(rolled.properties.get('__RMQTS_TIMER_SOURCE'), '8192');
});
