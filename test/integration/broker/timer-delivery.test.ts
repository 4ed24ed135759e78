// Timer messages (RocketMQ 5: TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DEL_UNIQKEY) against a real
// broker process, on a clock the test moves (clockOffsetMs): parked in rmq_sys_wheel_timer,
// delivered to their own topic and queue no earlier than asked and within a second after, with
// their properties; a cancel by message id; the refusals Java answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeMessageRecords, type MessageExt } from '../../../src/common/message/message-record.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic, pullOne, sendOne } from '../../harness/broker-admin.js';
import { BrokerClock, msgIdOf, pullAll, viewMessage } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const TOPIC = 'TimerTopic';
const HOUR_MS = 3_600_000;
/** How long a suspended pull looks for a message that must not be there yet. */
const LOOK_EARLY_MS = 300;

function props(entries: Record<string, string | number>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}\u0001${v}`)
    .join('\u0002');
}

describe('timer messages on a real broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let clock: BrokerClock;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  /** Messages of TOPIC queue q read so far by `nextMessages`. */
  const readOffsets = new Map<number, number>();

  /** Waits for the next `count` messages of a queue and returns them. */
  async function nextMessages(queueId: number, count: number, timeoutMs = 5000): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    await waitFor(
      async () => {
        const offset = readOffsets.get(queueId) ?? 0;
        const got = await pullAll(client, broker.addr, TOPIC, queueId, offset);
        out.push(...got);
        readOffsets.set(queueId, offset + got.length);
        return out.length >= count;
      },
      { timeoutMs, intervalMs: 50, message: `${count} timer messages in queue ${queueId}` },
    );
    return out;
  }

  /** A suspended pull at the queue's read position: undefined when nothing arrives in `ms`. */
  async function nothingArrives(queueId: number, ms = LOOK_EARLY_MS): Promise<boolean> {
    const pulled = await pullOne(client, broker.addr, TOPIC, queueId, readOffsets.get(queueId) ?? 0, { suspend: true, suspendTimeoutMillis: ms });
    return pulled.code === ResponseCode.PULL_NOT_FOUND;
  }

  before(async () => {
    namesrv = await startNamesrv(scope);
    // The clock jumps by hours: the test's own connection must not expire meanwhile.
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--channelExpiredTimeout', String(20 * 24 * HOUR_MS)] });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 4);
    clock = new BrokerClock(client, broker.addr);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('TIMER_DELIVER_MS: parked, then delivered to its queue no earlier than asked and within a second', async () => {
    // Off a slot boundary: due at the end of its second. On one: due exactly then.
    const base = Math.ceil((clock.now() + HOUR_MS) / 1000) * 1000;
    const deliverA = base + 300;
    const deliverB = base + 4000;
    const sentA = await sendOne(client, broker.addr, TOPIC, 1, Buffer.from('A'), props({ UNIQ_KEY: 'TIMER_A', TAGS: 'TagT', KEYS: 'ka', TIMER_DELIVER_MS: deliverA, color: 'red' }));
    assert.equal(sentA.code, ResponseCode.SUCCESS, sentA.remark ?? '');
    const sentB = await sendOne(client, broker.addr, TOPIC, 1, Buffer.from('B'), props({ UNIQ_KEY: 'TIMER_B', TIMER_DELIVER_MS: deliverB }));
    assert.equal(sentB.code, ResponseCode.SUCCESS, sentB.remark ?? '');

    const parked = await viewMessage(client, broker.addr, msgIdOf(sentA));
    assert.equal(parked.topic, 'rmq_sys_wheel_timer');
    assert.equal(parked.queueId, 0);
    assert.equal(parked.properties.get('REAL_TOPIC'), TOPIC);
    assert.equal(parked.properties.get('REAL_QID'), '1');
    assert.equal(parked.properties.get('TIMER_OUT_MS'), String(base), 'the slot A is delivered at the end of');

    await clock.advanceTo(base - 1500);
    assert.ok(await nothingArrives(1), 'A arrived early');
    await clock.advanceTo(base - 200);
    const [a] = await nextMessages(1, 1);
    assert.ok(a !== undefined);
    const dequeuedA = Number(a.properties.get('TIMER_DEQUEUE_MS'));
    assert.ok(dequeuedA >= deliverA, `A delivered ${deliverA - dequeuedA} ms early`);
    assert.ok(dequeuedA - deliverA < 1000 + 500, `A delivered ${dequeuedA - deliverA} ms after its time`);
    assert.ok(a.storeTimestamp >= deliverA, 'the delivered record gets a new store time');
    assert.equal(a.body.toString(), 'A');
    assert.equal(a.topic, TOPIC);
    assert.equal(a.queueId, 1);
    assert.equal(a.properties.get('UNIQ_KEY'), 'TIMER_A');
    assert.equal(a.properties.get('TAGS'), 'TagT');
    assert.equal(a.properties.get('KEYS'), 'ka');
    assert.equal(a.properties.get('color'), 'red');
    assert.equal(a.properties.get('TIMER_DELIVER_MS'), String(deliverA), 'the producer\'s properties stay (as in RocketMQ 5)');
    assert.equal(a.properties.get('REAL_TOPIC'), undefined);
    assert.equal(a.properties.get('REAL_QID'), undefined);
    // B is due 3.7 s after A on the broker clock: not there yet.
    assert.ok(await nothingArrives(1), 'B arrived with A');

    await clock.advanceTo(deliverB - 150);
    const [b] = await nextMessages(1, 1);
    assert.ok(b !== undefined);
    const dequeuedB = Number(b.properties.get('TIMER_DEQUEUE_MS'));
    assert.ok(dequeuedB >= deliverB, `B (on a slot boundary) delivered ${deliverB - dequeuedB} ms early`);
    assert.ok(dequeuedB - deliverB < 1000, `B delivered ${dequeuedB - deliverB} ms after its time`);
    assert.equal(b.body.toString(), 'B');
  });

  test('TIMER_DELAY_SEC counts from the broker clock at the send; the clock may jump far past it', async () => {
    const sentAt = clock.now();
    const sent = await sendOne(client, broker.addr, TOPIC, 2, Buffer.from('C'), props({ UNIQ_KEY: 'TIMER_C', TIMER_DELAY_SEC: 2 * 3600 }));
    assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark ?? '');
    await clock.advance(2 * HOUR_MS - 3000);
    assert.ok(await nothingArrives(2), 'C arrived early');
    await clock.advance(3 * HOUR_MS);
    const [c] = await nextMessages(2, 1);
    assert.ok(c !== undefined);
    assert.ok(Number(c.properties.get('TIMER_DEQUEUE_MS')) >= sentAt + 2 * HOUR_MS);
    assert.equal(c.body.toString(), 'C');
  });

  test('a message due now or earlier is stored to its topic at once', async () => {
    const sent = await sendOne(client, broker.addr, TOPIC, 3, Buffer.from('now'), props({ UNIQ_KEY: 'TIMER_NOW', TIMER_DELIVER_MS: clock.now() - 1000 }));
    assert.equal(sent.code, ResponseCode.SUCCESS);
    const stored = await viewMessage(client, broker.addr, msgIdOf(sent));
    assert.equal(stored.topic, TOPIC);
    const [m] = await nextMessages(3, 1);
    assert.equal(m?.body.toString(), 'now');
  });

  test('TIMER_DEL_UNIQKEY cancels the message with that id due in the same slot', async () => {
    const deliverMs = Math.ceil((clock.now() + HOUR_MS) / 1000) * 1000 + 500;
    const keep = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('keep'), props({ UNIQ_KEY: 'TIMER_KEEP', TIMER_DELIVER_MS: deliverMs }));
    const drop = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('drop'), props({ UNIQ_KEY: 'TIMER_DROP', TIMER_DELIVER_MS: deliverMs }));
    assert.equal(keep.code, ResponseCode.SUCCESS);
    assert.equal(drop.code, ResponseCode.SUCCESS);
    const cancel = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('0'), props({ UNIQ_KEY: 'TIMER_CANCEL', TIMER_DELIVER_MS: deliverMs, TIMER_DEL_UNIQKEY: `${TOPIC}+TIMER_DROP` }));
    assert.equal(cancel.code, ResponseCode.SUCCESS, cancel.remark ?? '');
    // A later message in the same queue shows when the slot is behind us.
    const marker = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('marker'), props({ UNIQ_KEY: 'TIMER_MARK', TIMER_DELIVER_MS: deliverMs + 2000 }));
    assert.equal(marker.code, ResponseCode.SUCCESS);
    await clock.advanceTo(deliverMs + 5000);
    const got = await nextMessages(0, 2);
    assert.deepEqual(got.map((m) => m.body.toString()), ['keep', 'marker']);
  });

  test('a cancel not in the future and an unreadable time are refused as MESSAGE_ILLEGAL', async () => {
    const pastCancel = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('0'), props({ TIMER_DELIVER_MS: clock.now() - 10, TIMER_DEL_UNIQKEY: `${TOPIC}+X` }));
    assert.equal(pastCancel.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(pastCancel.remark ?? '', /timer message illegal/);
    const garbage = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('0'), props({ TIMER_DELAY_SEC: 'soon' }));
    assert.equal(garbage.code, ResponseCode.MESSAGE_ILLEGAL);
  });

  test('pulls see the delivered records as ordinary messages of the topic', async () => {
    // Every queue read so far holds only what the tests expected; nothing else turns up later.
    await clock.advance(24 * HOUR_MS);
    for (const queueId of [0, 1, 2, 3]) {
      const pulled = await pullOne(client, broker.addr, TOPIC, queueId, readOffsets.get(queueId) ?? 0, { suspend: true, suspendTimeoutMillis: LOOK_EARLY_MS });
      assert.equal(pulled.code, ResponseCode.PULL_NOT_FOUND, `queue ${queueId}: ${decodeMessageRecords(pulled.body ?? Buffer.alloc(0)).map((m) => m.body.toString()).join(',')}`);
    }
  });
});
