// Delay levels against a real broker process, on a clock the test moves (clockOffsetMs): each of
// the 18 default levels (1 s .. 2 h) is delivered no earlier than its delay and within 1 s after.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DelayLevels, DEFAULT_MESSAGE_DELAY_LEVEL } from '../../../src/broker/schedule/delay-levels.js';
import { decodeMessageRecords } from '../../../src/common/message/message-record.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { createTopic, pullOne, sendOne } from '../../harness/broker-admin.js';
import { BrokerClock, msgIdOf, viewMessage } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

const TOPIC = 'DelayLevelTopic';
const LEVELS = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL);
/** How long before a message is due the test looks for it, on the broker clock. */
const BEFORE_DUE_MS = 1500;
const LOOK_EARLY_MS = 300;
const DELIVERY_WITHIN_MS = 1000;

describe('delay levels on a real broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let clock: BrokerClock;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();

  before(async () => {
    namesrv = await startNamesrv(scope);
    // Client channels are not involved, but a 2 h jump must not expire the test's own connection.
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--channelExpiredTimeout', String(24 * 3_600_000)] });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 1);
    clock = new BrokerClock(client, broker.addr);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('every level is delivered no earlier than its delay and within 1 s after', async (t) => {
    for (let level = 1; level <= LEVELS.maxLevel; level++) {
      const delayMs = LEVELS.delayMsOf(level)!;
      const key = `level-${level}`;
      const sent = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from(key), `UNIQ_KEY\u0001${key}\u0002DELAY\u0001${level}\u0002TAGS\u0001Delay`);
      assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark ?? '');
      const parked = await viewMessage(client, broker.addr, msgIdOf(sent));
      assert.equal(parked.topic, 'SCHEDULE_TOPIC_XXXX');
      assert.equal(parked.queueId, level - 1);
      assert.equal(parked.properties.get('REAL_TOPIC'), TOPIC);
      assert.equal(parked.properties.get('REAL_QID'), '0');
      const dueAt = parked.storeTimestamp + delayMs;

      // Just before it is due: a long poll for it finds nothing.
      await clock.advanceTo(dueAt - BEFORE_DUE_MS);
      const early = await pullOne(client, broker.addr, TOPIC, 0, level - 1, { suspend: true, suspendTimeoutMillis: LOOK_EARLY_MS });
      assert.equal(early.code, ResponseCode.PULL_NOT_FOUND, `level ${level} arrived ${dueAt - clock.now()} ms early`);

      // Due now: a long poll is answered with it within 1 s.
      await clock.advanceTo(dueAt);
      const pulled = await pullOne(client, broker.addr, TOPIC, 0, level - 1, { suspend: true, suspendTimeoutMillis: 3000 });
      assert.equal(pulled.code, ResponseCode.SUCCESS, `level ${level} not delivered within 3 s of being due`);
      const [delivered] = decodeMessageRecords(pulled.body!);
      assert.equal(delivered!.properties.get('UNIQ_KEY'), key);
      assert.equal(delivered!.topic, TOPIC);
      assert.equal(delivered!.queueOffset, level - 1);
      assert.equal(delivered!.bornTimestamp, parked.bornTimestamp);
      const lateMs = delivered!.storeTimestamp - dueAt;
      assert.ok(lateMs >= 0, `level ${level} (${delayMs} ms) delivered ${-lateMs} ms early`);
      assert.ok(lateMs <= DELIVERY_WITHIN_MS, `level ${level} (${delayMs} ms) delivered ${lateMs} ms late`);
      t.diagnostic(`level ${level} (${delayMs / 1000} s): delivered ${lateMs} ms after due`);
    }
  });
});
