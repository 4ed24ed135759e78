// An unmodified ali-ons 3.12 consumer whose listener always throws, against a real broker whose
// clock the test moves: the message comes back with reconsumeTimes 1, 2 after the level 3 and 4
// delays (10 s, 30 s of broker time), then goes to %DLQ%<group> (the group allows 2 retries).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSubscriptionGroupConfig, subscriptionGroupConfigBean } from '../../../src/broker/subscription/subscription-group-manager.js';
import { toFastJson } from '../../../src/common/fastjson.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../../src/remoting/requests/offsets.js';
import { consumer as makeConsumer, ons, producer as makeProducer, type ReceivedMessage } from '../../harness/ali-ons.js';
import { createTopic } from '../../harness/broker-admin.js';
import { BrokerClock, pullAll } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `OnsRetryTopic_${RUN}`;
const GROUP = `CID_ons_retry_${RUN}`;
const RETRY_MAX_TIMES = 2;

interface Attempt {
  topic: string;
  reconsumeTimes: number;
  key: string;
  body: string;
}

describe('ali-ons consumer whose listener throws', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const clients: any[] = [];

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--channelExpiredTimeout', String(24 * 3_600_000)] });
    await createTopic(admin, broker.addr, [namesrv.addr], TOPIC, 1);
    const group = subscriptionGroupConfigBean(createSubscriptionGroupConfig(GROUP, { retryMaxTimes: RETRY_MAX_TIMES }));
    const created = await admin.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, Buffer.from(toFastJson(group))), 5000);
    assert.equal(created.code, ResponseCode.SUCCESS, created.remark ?? '');
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close(); see ali-ons.test.ts.
    setTimeout(() => process.exit(0), 200).unref();
  });

  async function maxOffset(topic: string, queueId: number): Promise<number> {
    const response = await admin.invokeSync(broker.addr, RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic, queueId })), 3000);
    const decoded = GetMaxOffset.decodeResponse(response);
    return decoded.ok ? decoded.value.offset : 0;
  }

  test('retried at levels 3 and 4, then dead-lettered, and not retried again', async () => {
    const clock = new BrokerClock(admin, broker.addr);
    const attempts: Attempt[] = [];
    const consumer = makeConsumer(namesrv.addr, GROUP);
    clients.push(consumer);
    consumer.on('error', () => undefined); // ali-ons reports each thrown listener error here
    consumer.subscribe(TOPIC, '*', async (msg: ReceivedMessage & { reconsumeTimes: number }) => {
      attempts.push({ topic: msg.topic, reconsumeTimes: msg.reconsumeTimes, key: msg.keys, body: msg.body.toString() });
      throw new Error('listener fails on purpose');
    });
    await consumer.ready();

    const producer = makeProducer(namesrv.addr, `PID_ons_retry_${RUN}`);
    clients.push(producer);
    await producer.ready();
    const msg = new ons.Message(TOPIC, 'TagR', 'fail me');
    msg.keys = ['ons-retry-key'];
    const result = await producer.send(msg);
    assert.equal(result.sendStatus, 'SEND_OK');

    await waitFor(() => attempts.length === 1, { timeoutMs: 15_000, message: 'the first delivery' });
    for (const [retry, delayMs] of [[1, 10_000], [2, 30_000]] as const) {
      // The send-back is parked at level 2 + retry; moving the clock past it brings the message back.
      await waitFor(async () => (await maxOffset('SCHEDULE_TOPIC_XXXX', 1 + retry)) === 1, { timeoutMs: 10_000, message: `send-back ${retry} parked` });
      await clock.advance(delayMs + 1000);
      await waitFor(() => attempts.length === retry + 1, { timeoutMs: 15_000, message: `retry ${retry} consumed` });
    }
    assert.deepEqual(
      attempts.map((a) => [a.topic, a.reconsumeTimes, a.key, a.body]),
      [0, 1, 2].map((n) => [TOPIC, n, 'ons-retry-key', 'fail me']),
    );

    const dlq = `%DLQ%${GROUP}`;
    await waitFor(async () => (await maxOffset(dlq, 0)) === 1, { timeoutMs: 10_000, message: 'the message in the DLQ' });
    const [dead] = await pullAll(admin, broker.addr, dlq, 0, 0, 'CID_dlq_reader');
    assert.equal(dead!.reconsumeTimes, RETRY_MAX_TIMES + 1);
    assert.equal(dead!.properties.get('RETRY_TOPIC'), TOPIC);
    assert.equal(dead!.body.toString(), 'fail me');
    // Nowhere else: two retries on the retry topic, nothing parked at level 5.
    assert.equal(await maxOffset(`%RETRY%${GROUP}`, 0), RETRY_MAX_TIMES);
    assert.equal(await maxOffset('SCHEDULE_TOPIC_XXXX', 4), 0);
    assert.equal(attempts.length, RETRY_MAX_TIMES + 1);
  });
});
