// CONSUMER_SEND_MSG_BACK and retry-topic sends against a real broker process, on a clock the test
// moves: a message handed back 16 times comes back on %RETRY%<group> with reconsumeTimes 1..16,
// each after its level's delay (3 + reconsumeTimes: 10 s .. 2 h), then lands in %DLQ%<group> and
// nowhere else; bad requests get clear codes and the broker keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_MESSAGE_DELAY_LEVEL, DelayLevels } from '../../../src/broker/schedule/delay-levels.js';
import { decodeMessageRecords, type MessageExt } from '../../../src/common/message/message-record.js';
import { decodeTopicRouteData } from '../../../src/common/route-data.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../../src/remoting/requests/offsets.js';
import { ConsumerSendMsgBack, type ConsumerSendMsgBackHeader } from '../../../src/remoting/requests/retry.js';
import { SendMessage } from '../../../src/remoting/requests/send.js';
import { createTopic, pullOne, sendOne } from '../../harness/broker-admin.js';
import { BrokerClock, pullAll } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const TOPIC = 'SendBackTopic';
const GROUP = 'CID_send_back';
const LEVELS = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL);
const MAX_RECONSUME_TIMES = 16;

describe('CONSUMER_SEND_MSG_BACK on a real broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let clock: BrokerClock;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--channelExpiredTimeout', String(24 * 3_600_000)] });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 1);
    clock = new BrokerClock(client, broker.addr);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  function sendBack(header: Partial<ConsumerSendMsgBackHeader> & Record<string, unknown>): Promise<RemotingCommand> {
    const extFields = ConsumerSendMsgBack.encode({ commitLogOffset: 0, group: GROUP, delayLevel: 0, ...header } as ConsumerSendMsgBackHeader);
    return client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, extFields), 5000);
  }

  async function maxOffset(topic: string, queueId: number): Promise<number> {
    const response = await client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic, queueId })), 3000);
    const decoded = GetMaxOffset.decodeResponse(response);
    return decoded.ok ? decoded.value.offset : 0;
  }

  async function scheduleEntries(): Promise<number[]> {
    return Promise.all(Array.from({ length: LEVELS.maxLevel }, (_, queueId) => maxOffset('SCHEDULE_TOPIC_XXXX', queueId)));
  }

  async function pullAt(topic: string, queueOffset: number, suspendTimeoutMillis: number): Promise<RemotingCommand> {
    return pullOne(client, broker.addr, topic, 0, queueOffset, { group: GROUP, suspend: true, suspendTimeoutMillis });
  }

  test('handed back 16 times: %RETRY% with reconsumeTimes 1..16 at levels 3..18, then the DLQ and nowhere else', async (t) => {
    const sent = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('retry me'), 'UNIQ_KEY\u0001retry-1\u0002TAGS\u0001TagR\u0002KEYS\u0001rk');
    assert.equal(sent.code, ResponseCode.SUCCESS);
    const first = decodeMessageRecords((await pullOne(client, broker.addr, TOPIC, 0, 0)).body!)[0]!;
    const retryTopic = `%RETRY%${GROUP}`;
    let current: MessageExt = first;
    for (let attempt = 0; attempt < MAX_RECONSUME_TIMES; attempt++) {
      const level = 3 + attempt;
      const scheduledBefore = await scheduleEntries();
      const answered = await sendBack({ commitLogOffset: current.commitLogOffset, originMsgId: current.offsetMsgId, originTopic: TOPIC, maxReconsumeTimes: MAX_RECONSUME_TIMES });
      assert.equal(answered.code, ResponseCode.SUCCESS, answered.remark ?? '');
      // Parked at level 3 + reconsumeTimes, and only there.
      const scheduledAfter = await scheduleEntries();
      const grew = scheduledAfter.map((n, i) => n - scheduledBefore[i]!);
      assert.deepEqual(grew, grew.map((_, i) => (i === level - 1 ? 1 : 0)), `send-back ${attempt + 1} parks at level ${level}`);
      const parkedResponse = await pullOne(client, broker.addr, 'SCHEDULE_TOPIC_XXXX', level - 1, scheduledAfter[level - 1]! - 1, { group: GROUP });
      const parked = decodeMessageRecords(parkedResponse.body!)[0]!;
      assert.equal(parked.properties.get('REAL_TOPIC'), retryTopic);
      const dueAt = parked.storeTimestamp + LEVELS.delayMsOf(level)!;

      await clock.advanceTo(dueAt - 1500);
      const early = await pullAt(retryTopic, attempt, 300);
      assert.equal(early.code, ResponseCode.PULL_NOT_FOUND, `retry ${attempt + 1} came back early`);
      await clock.advanceTo(dueAt);
      const pulled = await pullAt(retryTopic, attempt, 3000);
      assert.equal(pulled.code, ResponseCode.SUCCESS, `retry ${attempt + 1} not back within 3 s of being due`);
      const retried = decodeMessageRecords(pulled.body!)[0]!;
      assert.equal(retried.topic, retryTopic);
      assert.equal(retried.reconsumeTimes, attempt + 1);
      assert.equal(retried.body.toString(), 'retry me');
      assert.equal(retried.properties.get('RETRY_TOPIC'), TOPIC);
      assert.equal(retried.properties.get('ORIGIN_MESSAGE_ID'), first.offsetMsgId);
      assert.equal(retried.properties.get('UNIQ_KEY'), 'retry-1');
      assert.equal(retried.properties.get('TAGS'), 'TagR');
      assert.equal(retried.properties.get('DELAY'), String(level));
      assert.equal(retried.properties.get('WAIT'), 'false');
      assert.equal(retried.bornTimestamp, first.bornTimestamp);
      const lateMs = retried.storeTimestamp - dueAt;
      assert.ok(lateMs >= 0 && lateMs <= 1000, `retry ${attempt + 1} at level ${level}: ${lateMs} ms after due`);
      current = retried;
    }
    t.diagnostic(`16 retries over ${Math.round(clock.offsetMs / 60_000)} min of broker time`);

    const scheduledBefore = await scheduleEntries();
    const last = await sendBack({ commitLogOffset: current.commitLogOffset, originMsgId: current.offsetMsgId, originTopic: retryTopic, maxReconsumeTimes: MAX_RECONSUME_TIMES });
    assert.equal(last.code, ResponseCode.SUCCESS, last.remark ?? '');
    const dlqTopic = `%DLQ%${GROUP}`;
    const dead = await pullAll(client, broker.addr, dlqTopic, 0, 0, GROUP);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.reconsumeTimes, MAX_RECONSUME_TIMES + 1);
    assert.equal(dead[0]!.properties.get('DELAY'), '0');
    assert.equal(dead[0]!.properties.get('ORIGIN_MESSAGE_ID'), first.offsetMsgId);
    assert.equal(dead[0]!.properties.get('RETRY_TOPIC'), TOPIC);
    assert.deepEqual(await scheduleEntries(), scheduledBefore, 'not parked again');
    assert.equal(await maxOffset(retryTopic, 0), MAX_RECONSUME_TIMES, 'not on the retry topic again');
    // As 4.9.8 creates it: one queue, readable and writable.
    let route: RemotingCommand | undefined;
    await waitFor(async () => {
      route = await client.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: dlqTopic }), 3000);
      return route.code === ResponseCode.SUCCESS;
    }, { message: `a route for ${dlqTopic}` });
    const queueData = decodeTopicRouteData(route!.body!).queueDatas[0]!;
    assert.deepEqual([queueData.readQueueNums, queueData.writeQueueNums, queueData.perm], [1, 1, 6]);
  });

  test('delayLevel < 0 sends straight to the DLQ; a plain send to %RETRY% past its retries lands there too', async () => {
    const group = 'CID_dlq_direct';
    const sent = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('give up'), 'UNIQ_KEY\u0001dlq-1');
    assert.equal(sent.code, ResponseCode.SUCCESS);
    const stored = (await pullAll(client, broker.addr, TOPIC, 0)).find((m) => m.properties.get('UNIQ_KEY') === 'dlq-1')!;
    const answered = await sendBack({ commitLogOffset: stored.commitLogOffset, group, delayLevel: -1 });
    assert.equal(answered.code, ResponseCode.SUCCESS);
    const dead = await pullAll(client, broker.addr, `%DLQ%${group}`, 0, 0, group);
    assert.deepEqual(dead.map((m) => [m.properties.get('UNIQ_KEY'), m.reconsumeTimes]), [['dlq-1', 1]]);

    // ali-ons' fallback when the send-back fails: SEND_MESSAGE to %RETRY%<group> with reconsumeTimes.
    const retrySend = (reconsumeTimes: number, key: string): Promise<RemotingCommand> => {
      const header = SendMessage.encode(
        { producerGroup: 'PID_fallback', topic: `%RETRY%${group}`, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties: `UNIQ_KEY\u0001${key}\u0002DELAY\u00010`, reconsumeTimes, maxReconsumeTimes: 3 },
        RequestCode.SEND_MESSAGE_V2,
      );
      return client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, header, Buffer.from(key)), 5000);
    };
    assert.equal((await retrySend(2, 'fallback-2')).code, ResponseCode.SUCCESS);
    assert.equal((await retrySend(3, 'fallback-3')).code, ResponseCode.SUCCESS);
    assert.deepEqual((await pullAll(client, broker.addr, `%RETRY%${group}`, 0, 0, group)).map((m) => m.properties.get('UNIQ_KEY')), ['fallback-2']);
    assert.deepEqual((await pullAll(client, broker.addr, `%DLQ%${group}`, 0, 0, group)).map((m) => m.properties.get('UNIQ_KEY')), ['dlq-1', 'fallback-3']);
  });

  test('a write-only topic (as DLQs were before 4.x made them readable) cannot be pulled', async () => {
    const topic = 'WriteOnlyTopic';
    const created = await client.invokeSync(
      broker.addr,
      RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, { topic, defaultTopic: 'TBW102', readQueueNums: '1', writeQueueNums: '1', perm: '2', topicFilterType: 'SINGLE_TAG' }),
      5000,
    );
    assert.equal(created.code, ResponseCode.SUCCESS);
    assert.equal((await sendOne(client, broker.addr, topic, 0, Buffer.from('w'))).code, ResponseCode.SUCCESS);
    const pulled = await pullOne(client, broker.addr, topic, 0, 0);
    assert.equal(pulled.code, ResponseCode.NO_PERMISSION);
    assert.equal(pulled.remark, `the topic[${topic}] pulling message is forbidden`);
  });

  test('bad send-backs get clear answers and the broker keeps serving', async () => {
    const setAutoCreateGroups = async (on: boolean): Promise<void> => {
      const response = await client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, {}, Buffer.from(`autoCreateSubscriptionGroup=${on}\n`)), 5000);
      assert.equal(response.code, ResponseCode.SUCCESS);
    };
    await setAutoCreateGroups(false);
    try {
      const unknown = await sendBack({ commitLogOffset: 0, group: 'CID_nobody_knows' });
      assert.equal(unknown.code, ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST);
      assert.match(unknown.remark ?? '', /subscription group not exist, CID_nobody_knows/);
    } finally {
      await setAutoCreateGroups(true);
    }
    const beyond = await sendBack({ commitLogOffset: 1 << 30 });
    assert.equal(beyond.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(beyond.remark, `look message by offset failed, ${1 << 30}`);
    const inside = await sendBack({ commitLogOffset: 7 });
    assert.equal(inside.code, ResponseCode.SYSTEM_ERROR, 'an offset inside a record is not a message');
    const negative = await sendBack({ commitLogOffset: -5 });
    assert.equal(negative.code, ResponseCode.SYSTEM_ERROR);
    const noOffset = await client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, { group: GROUP, delayLevel: '0' }), 5000);
    assert.equal(noOffset.code, ResponseCode.SYSTEM_ERROR);
    assert.match(noOffset.remark ?? '', /<offset> is null/);

    const sent = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('still serving'), 'UNIQ_KEY\u0001alive');
    assert.equal(sent.code, ResponseCode.SUCCESS);
    await waitFor(async () => (await pullAll(client, broker.addr, TOPIC, 0)).some((m) => m.properties.get('UNIQ_KEY') === 'alive'), { message: 'the message after bad input' });
  });
});
