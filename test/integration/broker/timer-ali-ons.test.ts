// An unmodified ali-ons 3.12 producer's Message#setStartDeliverTime (__STARTDELIVERTIME, what the
// Aliyun ONS clients set) is honoured as a delivery time on the broker clock.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { ons, producer as makeProducer } from '../../harness/ali-ons.js';
import { createTopic, pullOne } from '../../harness/broker-admin.js';
import { BrokerClock, pullAll } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const TOPIC = 'OnsTimerTopic';
const HOUR_MS = 3_600_000;

describe('ali-ons start-deliver time', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let clock: BrokerClock;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  let producer: any;

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--channelExpiredTimeout', String(20 * 24 * HOUR_MS)] });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 1);
    clock = new BrokerClock(client, broker.addr);
    producer = makeProducer(namesrv.addr, 'PID_ons_timer');
    await producer.ready();
  });

  after(async () => {
    await producer?.close();
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Compat: ali-ons 3.12 keeps its loops running after close() (see ali-ons.test.ts).
    setTimeout(() => process.exit(0), 200).unref();
  });

  test('a message with setStartDeliverTime is held until then, then delivered with its tags and keys', async () => {
    const deliverMs = Math.ceil((clock.now() + 5 * 24 * HOUR_MS) / 1000) * 1000 + 250;
    const msg = new ons.Message(TOPIC, 'TagOns', 'held until later');
    msg.keys = ['ons-key'];
    msg.setStartDeliverTime(deliverMs);
    const result = await producer.send(msg);
    assert.equal(result.sendStatus, 'SEND_OK');

    await clock.advanceTo(deliverMs - 2000);
    const early = await pullOne(client, broker.addr, TOPIC, 0, 0, { suspend: true, suspendTimeoutMillis: 300 });
    assert.equal(early.code, ResponseCode.PULL_NOT_FOUND, 'delivered before its start-deliver time');

    await clock.advanceTo(deliverMs + 1000);
    let got: Awaited<ReturnType<typeof pullAll>> = [];
    await waitFor(async () => (got = await pullAll(client, broker.addr, TOPIC, 0)).length > 0, { timeoutMs: 5000, message: 'the held message' });
    assert.equal(got.length, 1);
    const m = got[0]!;
    assert.equal(m.body.toString(), 'held until later');
    assert.equal(m.properties.get('TAGS'), 'TagOns');
    assert.equal(m.properties.get('KEYS'), 'ons-key');
    assert.equal(m.properties.get('__STARTDELIVERTIME'), String(deliverMs));
    assert.ok(Number(m.properties.get('TIMER_DEQUEUE_MS')) >= deliverMs);
  });
});
