// Owns: the tests of the send path's timer step: which sends are parked, which are left alone,
// and the refusals Java answers, against a broker config and clock (no store: it only rewrites).
// Counterpart: HookUtils#handleScheduleMessage / #checkIfTimerMessage / #transformTimerMessage (5.x).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrokerContext } from '../../../../src/broker/broker-context.js';
import { brokerConfig } from '../../../../src/broker/config/broker-config.js';
import { divertTimerMessage } from '../../../../src/broker/timer/timer-divert.js';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import type { MessageInput } from '../../../../src/store/message-store.js';

const NOW = 1_795_000_000_000;

/** divertTimerMessage reads only the config and the clock of the context. */
function ctxWith(overrides: Parameters<typeof brokerConfig>[0] = {}): BrokerContext {
  return { config: brokerConfig(overrides), now: () => NOW } as unknown as BrokerContext;
}

function send(properties: Record<string, string>, sysFlag = 0): MessageInput[] {
  return [{ topic: 'Orders', queueId: 2, sysFlag, body: Buffer.from('b'), properties: new Map(Object.entries(properties)), bornTimestamp: NOW, bornHost: '127.0.0.1:1' }];
}

test('a send due later is parked; one due now or earlier, or with no time, is left alone', () => {
  const later = send({ TIMER_DELIVER_MS: String(NOW + 60_000) });
  assert.equal(divertTimerMessage(ctxWith(), later, false), undefined);
  assert.equal(later[0]!.topic, 'rmq_sys_wheel_timer');
  assert.equal(later[0]!.properties.get('TIMER_OUT_MS'), String(NOW + 59_000));
  assert.equal(later[0]!.properties.get('REAL_QID'), '2');
  for (const props of [{ TIMER_DELIVER_MS: String(NOW) }, { TAGS: 'x' }, { TIMER_DELAY_SEC: '0' }]) {
    const msgs = send(props);
    assert.equal(divertTimerMessage(ctxWith(), msgs, false), undefined);
    assert.equal(msgs[0]!.topic, 'Orders', JSON.stringify(props));
  }
});

test('batches, prepared and half transaction messages, parked or delivered ones are left alone', () => {
  const asks = { TIMER_DELAY_SEC: '10' };
  const batch = send(asks);
  divertTimerMessage(ctxWith(), batch, true);
  assert.equal(batch[0]!.topic, 'Orders');
  const prepared = send(asks, MessageSysFlag.TRANSACTION_PREPARED_TYPE);
  divertTimerMessage(ctxWith(), prepared, false);
  assert.equal(prepared[0]!.topic, 'Orders');
  const committed = send(asks, MessageSysFlag.TRANSACTION_COMMIT_TYPE);
  divertTimerMessage(ctxWith(), committed, false);
  assert.equal(committed[0]!.topic, 'rmq_sys_wheel_timer', 'a commit is timed as Java times it');
  const half = send(asks);
  half[0]!.topic = 'RMQ_SYS_TRANS_HALF_TOPIC';
  divertTimerMessage(ctxWith(), half, false);
  assert.equal(half[0]!.topic, 'RMQ_SYS_TRANS_HALF_TOPIC', 'a half message waits for its commit');
  const delivered = send({ ...asks, TIMER_OUT_MS: String(NOW - 1000) });
  divertTimerMessage(ctxWith(), delivered, false);
  assert.equal(delivered[0]!.topic, 'Orders');
});

test('a delay level wins: the timer properties are dropped', () => {
  const msgs = send({ DELAY: '3', TIMER_DELIVER_MS: String(NOW + 60_000), TAGS: 't' });
  assert.equal(divertTimerMessage(ctxWith(), msgs, false), undefined);
  assert.equal(msgs[0]!.topic, 'Orders');
  assert.deepEqual([...msgs[0]!.properties.keys()], ['DELAY', 'TAGS']);
  assert.equal(msgs[0]!.propertiesString, 'DELAY\u00013\u0002TAGS\u0001t');
});

test('the refusals: timers off, beyond timerMaxDelaySec, a cancel not in the future, an unreadable time', () => {
  const off = divertTimerMessage(ctxWith({ timerWheelEnable: false }), send({ TIMER_DELAY_SEC: '10' }), false);
  assert.equal(off?.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(off?.remark, 'accurate timer message is not enabled, timerWheelEnable is false');
  const far = divertTimerMessage(ctxWith({ timerMaxDelaySec: 3600 }), send({ TIMER_DELAY_SEC: '3601' }), false);
  assert.equal(far?.code, ResponseCode.MESSAGE_ILLEGAL);
  assert.match(far?.remark ?? '', /max delay 3600000ms/);
  assert.equal(divertTimerMessage(ctxWith({ timerMaxDelaySec: 3600 }), send({ TIMER_DELAY_SEC: '3600' }), false), undefined);
  assert.equal(divertTimerMessage(ctxWith(), send({ TIMER_DELAY_SEC: String(10 * 365 * 86_400) }), false), undefined, 'no limit by default');
  const pastCancel = divertTimerMessage(ctxWith(), send({ TIMER_DELIVER_MS: String(NOW), TIMER_DEL_UNIQKEY: 'Orders+U' }), false);
  assert.equal(pastCancel?.code, ResponseCode.MESSAGE_ILLEGAL);
  assert.equal(divertTimerMessage(ctxWith(), send({ __STARTDELIVERTIME: 'tomorrow' }), false)?.code, ResponseCode.MESSAGE_ILLEGAL);
});
