// The transaction check pass and END_TRANSACTION, in process, with a real store and real handlers
// on a loopback server and a clock the test steps: which half messages a pass checks, skips or
// discards, what it tells the producer, and where it leaves CID_RMQ_SYS_TRANS's offsets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import pino from 'pino';
import type { BrokerContext } from '../../../../src/broker/broker-context.js';
import { ConsumerManager } from '../../../../src/broker/client/consumer-manager.js';
import { ProducerManager } from '../../../../src/broker/client/producer-manager.js';
import { brokerConfig } from '../../../../src/broker/config/broker-config.js';
import { liveConfigFor } from '../../../../src/broker/config/live-config.js';
import { onConnectionClose, registerClientHandlers } from '../../../../src/broker/handlers/client.js';
import { registerSendHandlers } from '../../../../src/broker/handlers/send.js';
import { registerTransactionHandlers } from '../../../../src/broker/handlers/transaction.js';
import { ConsumerOffsetManager } from '../../../../src/broker/offsets/consumer-offset-manager.js';
import { SubscriptionGroupManager } from '../../../../src/broker/subscription/subscription-group-manager.js';
import { TopicConfigManager } from '../../../../src/broker/topic/topic-config-manager.js';
import { CID_SYS_RMQ_TRANS, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC } from '../../../../src/broker/transaction/half-message.js';
import { calculateOpOffset, checkHalfQueues, type TransactionCheckSummary } from '../../../../src/broker/transaction/transaction-check.js';
import { TransactionCheckListener } from '../../../../src/broker/transaction/transaction-check-listener.js';
import { TransactionalMessageBridge } from '../../../../src/broker/transaction/transactional-message-bridge.js';
import { TransactionalMessageCheckService } from '../../../../src/broker/transaction/transactional-message-check-service.js';
import { decodeMessageRecord, type MessageExt } from '../../../../src/common/message/message-record.js';
import { createTopicConfig } from '../../../../src/common/topic-config.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { RemotingServer } from '../../../../src/remoting/server.js';
import { MessageStore } from '../../../../src/store/message-store.js';
import { makeTempDir } from '../../../harness/processes.js';
import { waitFor } from '../../../harness/wait-for.js';
import { TestProducer } from './test-producer.js';

const logger = pino({ level: 'silent' });
const TOPIC = 'TxTopic';
const GROUP = 'PID_tx';
const T0 = 1_795_237_595_000;
const TIMEOUT_MS = 6000;
const COMMIT = 8;
const ROLLBACK = 12;
const UNKNOWN = 0;

describe('transaction check pass and END_TRANSACTION (in process, stepped clock)', () => {
  let dir: string;
  let clock: number;
  let ctx: BrokerContext;
  let store: MessageStore;
  let server: RemotingServer;
  let addr: string;
  let bridge: TransactionalMessageBridge;
  let listener: TransactionCheckListener;
  let checksSent: number;
  let producer: TestProducer;

  function pass(checkMax = 15, timeoutMs = TIMEOUT_MS): Promise<TransactionCheckSummary> {
    return checkHalfQueues({ bridge, listener, logger, now: () => clock, transactionTimeoutMs: timeoutMs, transactionCheckMax: checkMax, fileReservedTimeHours: 72 });
  }

  function records(topic: string, queueId: number): MessageExt[] {
    const got = store.getMessage(topic, queueId, 0, 1000);
    return got.messages.map((m) => decodeMessageRecord(m, 0));
  }

  function offsetOf(topic: string): number {
    return ctx.consumerOffsets.queryOffset(CID_SYS_RMQ_TRANS, topic, 0);
  }

  beforeEach(async () => {
    dir = makeTempDir('rmqts-tx-check-');
    clock = T0;
    checksSent = 0;
    const now = (): number => clock;
    const config = brokerConfig({ brokerName: 'broker-a', brokerIP1: '127.0.0.1', listenPort: 10911, storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * 1024 });
    store = new MessageStore({ config, storeHost: '127.0.0.1:10911', now });
    store.load();
    store.start();
    const configDir = path.join(dir, 'config');
    const subscriptionGroups = new SubscriptionGroupManager({ configDir, autoCreate: () => true, now });
    ctx = {
      config,
      store,
      topics: new TopicConfigManager({ configDir, config, now, logger }),
      subscriptionGroups,
      consumerOffsets: new ConsumerOffsetManager({ configDir, now, logger }),
      consumers: new ConsumerManager({ config, subscriptionGroups, now, logger }),
      producers: new ProducerManager({ config, now, logger }),
      logger,
      now,
      brokerAddr: '127.0.0.1:10911',
      configDir,
      registerBrokerAll: () => undefined,
    };
    ctx.topics.upsert(createTopicConfig(TOPIC, { readQueueNums: 4, writeQueueNums: 4 }));
    bridge = new TransactionalMessageBridge(ctx);
    listener = new TransactionCheckListener({ bridge, producers: ctx.producers, logger, onCheck: (e) => (checksSent += e.sent ? 1 : 0) });
    server = new RemotingServer({ logger, onConnectionClose: (c) => onConnectionClose(ctx, c) });
    registerSendHandlers(server, ctx);
    registerClientHandlers(server, ctx);
    registerTransactionHandlers(server, ctx, bridge);
    addr = `127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    producer = new TestProducer(addr, GROUP);
    await producer.heartbeat();
  });

  afterEach(async () => {
    producer.shutdown();
    await server.shutdown();
    await store.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a half message is parked in the half queue, invisible in its topic, and answered like a send', async () => {
    const sent = await producer.sendHalfRaw(TOPIC, 2, 'hello', { bornTimestamp: clock });
    assert.equal(sent.response.code, ResponseCode.SUCCESS);
    assert.equal(sent.response.ext('queueId'), '2', 'the queue the producer chose');
    assert.equal(sent.response.ext('queueOffset'), '0', 'the half queue offset');
    assert.equal(store.getMaxOffsetInQueue(TOPIC, 2), 0);
    const [half] = records(RMQ_SYS_TRANS_HALF_TOPIC, 0);
    assert.ok(half !== undefined);
    assert.equal(half.offsetMsgId, sent.response.ext('msgId'));
    assert.equal(half.sysFlag, 0);
    assert.equal(half.properties.get('REAL_TOPIC'), TOPIC);
    assert.equal(half.properties.get('REAL_QID'), '2');
    assert.equal(half.properties.get('UNIQ_KEY'), sent.uniqKey);
  });

  test('rejectTransactionMessage refuses TRAN_MSG sends with NO_PERMISSION, as Java words it', async () => {
    const live = liveConfigFor(ctx).update(new Map([['rejectTransactionMessage', 'true']]), clock);
    assert.ok(live.ok);
    const sent = await producer.sendHalfRaw(TOPIC, 0, 'no');
    assert.equal(sent.response.code, ResponseCode.NO_PERMISSION);
    assert.equal(sent.response.remark, 'the broker[127.0.0.1] sending transaction message is forbidden');
    assert.equal(store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0), 0);
  });

  test('commit writes the message once to its real queue, then an op record; the pass then skips it', async () => {
    const half = await producer.sendHalf(TOPIC, 1, 'commit-me', { bornTimestamp: clock });
    const answer = await producer.endTransaction(half, COMMIT, { oneway: false });
    assert.equal(answer?.code, ResponseCode.SUCCESS);
    const [real, ...more] = records(TOPIC, 1);
    assert.ok(real !== undefined);
    assert.equal(more.length, 0);
    assert.equal(real.body.toString(), 'commit-me');
    assert.equal(real.sysFlag & 0xc, COMMIT);
    assert.equal(real.preparedTransactionOffset, half.commitLogOffset);
    assert.equal(real.properties.get('UNIQ_KEY'), half.uniqKey);
    const [op] = records(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0);
    assert.equal(op?.body.toString(), '0');
    assert.equal(op?.properties.get('TAGS'), 'd');
    clock += TIMEOUT_MS * 10;
    const summary = await pass();
    assert.deepEqual(summary, { checked: 0, discarded: 0, resolved: 1 });
    assert.equal(checksSent, 0);
    assert.equal(offsetOf(RMQ_SYS_TRANS_HALF_TOPIC), 1);
    assert.equal(offsetOf(RMQ_SYS_TRANS_OP_HALF_TOPIC), 1);
  });

  test('rollback writes only the op record', async () => {
    const half = await producer.sendHalf(TOPIC, 0, 'roll-me-back', { bornTimestamp: clock });
    assert.equal((await producer.endTransaction(half, ROLLBACK, { oneway: false }))?.code, ResponseCode.SUCCESS);
    assert.equal(store.getMaxOffsetInQueue(TOPIC, 0), 0);
    assert.equal(records(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0).length, 1);
    clock += TIMEOUT_MS * 10;
    assert.equal((await pass()).checked, 0);
  });

  test('a half message is checked only once older than transactionTimeOut, with the position of its new copy', async () => {
    const half = await producer.sendHalf(TOPIC, 3, 'pending', { bornTimestamp: clock });
    producer.endTransaction(half, UNKNOWN);
    clock += TIMEOUT_MS;
    assert.equal((await pass()).checked, 0, 'not older than the timeout yet');
    assert.equal(offsetOf(RMQ_SYS_TRANS_HALF_TOPIC), -1, 'nothing settled, nothing committed');
    clock += 1;
    assert.equal((await pass()).checked, 1);
    await waitFor(() => producer.checks.length === 1, { message: 'the check' });
    const check = producer.checks[0]!;
    assert.equal(check.oneway, true);
    const copy = records(RMQ_SYS_TRANS_HALF_TOPIC, 0)[1];
    assert.ok(copy !== undefined, 'a copy was appended to the half queue');
    assert.equal(check.header.tranStateTableOffset, 1);
    assert.equal(check.header.commitLogOffset, copy.commitLogOffset);
    assert.equal(check.header.offsetMsgId, copy.offsetMsgId);
    assert.equal(check.header.msgId, half.uniqKey);
    assert.equal(check.header.transactionId, half.uniqKey);
    assert.equal(check.message.topic, TOPIC);
    assert.equal(check.message.queueId, 3);
    assert.equal(check.message.body.toString(), 'pending');
    assert.equal(check.message.properties.get('TRANSACTION_CHECK_TIMES'), '1');
    assert.equal(copy.properties.get('TRANSACTION_CHECK_TIMES'), '1');
    assert.equal(offsetOf(RMQ_SYS_TRANS_HALF_TOPIC), 1, 'the original is settled; the copy waits');
    assert.equal((await pass()).checked, 0, 'a copy stored at the current time waits until the clock moves past it');
  });

  test('a producer that answers UNKNOW and then COMMIT gets the message stored exactly once', async () => {
    const half = await producer.sendHalf(TOPIC, 0, 'unknow-then-commit', { bornTimestamp: clock });
    let asked = 0;
    producer.answer = () => (++asked === 1 ? UNKNOWN : COMMIT);
    clock += TIMEOUT_MS + 1;
    await pass();
    await waitFor(() => producer.checks.length === 1, { message: 'the first check' });
    clock += 1000;
    await pass();
    await waitFor(() => store.getMaxOffsetInQueue(TOPIC, 0) === 1, { message: 'the commit' });
    await waitFor(() => store.getMaxOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0) === 1, { message: 'the op record' });
    clock += 1000;
    await pass();
    clock += 1000;
    await pass();
    assert.equal(producer.checks.length, 2);
    const stored = records(TOPIC, 0);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.properties.get('UNIQ_KEY'), half.uniqKey);
    assert.equal(offsetOf(RMQ_SYS_TRANS_HALF_TOPIC), store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, 0), 'every half record settled');
    assert.equal(offsetOf(RMQ_SYS_TRANS_OP_HALF_TOPIC), 1);
  });

  test('a half message nobody resolves is checked transactionCheckMax times, then moved to TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    await producer.sendHalf(TOPIC, 0, 'orphan', { bornTimestamp: clock });
    const summaries: TransactionCheckSummary[] = [];
    for (let i = 0; i < 5; i++) {
      clock += TIMEOUT_MS + 1;
      summaries.push(await pass(3));
    }
    assert.deepEqual(summaries.map((s) => s.checked), [1, 1, 1, 0, 0]);
    assert.deepEqual(summaries.map((s) => s.discarded), [0, 0, 0, 1, 0]);
    await waitFor(() => producer.checks.length === 3, { message: 'three checks' });
    assert.deepEqual(producer.checks.map((c) => c.message.properties.get('TRANSACTION_CHECK_TIMES')), ['1', '2', '3']);
    const [discarded] = records(TRANS_CHECK_MAX_TIME_TOPIC, 0);
    assert.equal(discarded?.body.toString(), 'orphan');
    assert.equal(discarded?.properties.get('REAL_TOPIC'), TOPIC);
    assert.ok(ctx.topics.get(TRANS_CHECK_MAX_TIME_TOPIC) !== undefined, 'the topic was created');
    assert.equal(offsetOf(RMQ_SYS_TRANS_HALF_TOPIC), 4, 'the original and its three copies are settled');
  });

  test('CHECK_IMMUNITY_TIME_IN_SECONDS holds the first check back longer than transactionTimeOut', async () => {
    await producer.sendHalf(TOPIC, 0, 'immune', { bornTimestamp: clock, immunitySeconds: 20 });
    clock += TIMEOUT_MS + 1;
    assert.equal((await pass()).checked, 0);
    const copy = records(RMQ_SYS_TRANS_HALF_TOPIC, 0)[1];
    assert.equal(copy?.properties.get('TRAN_PREPARED_QUEUE_OFFSET'), '0', 'the immune message was re-appended, remembering where it began');
    clock = T0 + 20_001;
    assert.equal((await pass()).checked, 1);
  });

  test('a group with no live producer is not checked, and the next producer of the group gets the check', async () => {
    await producer.sendHalf(TOPIC, 0, 'lonely', { bornTimestamp: clock });
    producer.shutdown();
    await waitFor(() => ctx.producers.connectionsOf(GROUP).length === 0, { message: 'the producer connection to close' });
    clock += TIMEOUT_MS + 1;
    assert.equal((await pass()).checked, 1, 'the copy is appended and its check attempted');
    assert.equal(checksSent, 0, 'nobody to send it to');
    producer = new TestProducer(addr, GROUP, 'second');
    await producer.heartbeat();
    producer.answer = () => COMMIT;
    clock += 1000;
    await pass();
    await waitFor(() => store.getMaxOffsetInQueue(TOPIC, 0) === 1, { message: 'the second producer commits' });
    assert.equal(producer.checks[0]?.message.properties.get('TRANSACTION_CHECK_TIMES'), '2');
  });

  test('END_TRANSACTION with a bogus position or the wrong group is refused as Java refuses it, and the broker goes on', async () => {
    const half = await producer.sendHalf(TOPIC, 0, 'guarded', { bornTimestamp: clock });
    const cases: Array<[string, Parameters<TestProducer['endTransaction']>[2], string]> = [
      ['a commit-log offset past the end', { commitLogOffset: 1 << 30 }, 'Find prepared transaction message failed'],
      ['a commit-log offset inside the record', { commitLogOffset: half.commitLogOffset + 7 }, 'Find prepared transaction message failed'],
      ['a negative commit-log offset', { commitLogOffset: -1 }, 'Find prepared transaction message failed'],
      ['another producer group', { group: 'PID_other' }, 'The producer group wrong'],
      ['another queue offset', { queueOffset: 5 }, 'The transaction state table offset wrong'],
    ];
    for (const [what, options, remark] of cases) {
      const answer = await producer.endTransaction(half, COMMIT, { ...options, oneway: false });
      assert.equal(answer?.code, ResponseCode.SYSTEM_ERROR, what);
      assert.equal(answer?.remark, remark, what);
    }
    const badType = await producer.endTransaction(half, 5, { oneway: false });
    assert.equal(badType?.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(badType?.remark, 'commitOrRollback field wrong');
    const missing = await producer.client.invokeSync(addr, RemotingCommand.request(RequestCode.END_TRANSACTION, { producerGroup: GROUP, commitOrRollback: '8' }), 3000);
    assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
    assert.match(missing.remark ?? '', /the custom field <tranStateTableOffset> is null/);
    assert.equal(store.getMaxOffsetInQueue(TOPIC, 0), 0, 'nothing committed');
    assert.equal(store.getMaxOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0), 0, 'nothing resolved');
    assert.equal((await producer.endTransaction(half, COMMIT, { oneway: false }))?.code, ResponseCode.SUCCESS, 'the right request still commits');
    assert.equal(store.getMaxOffsetInQueue(TOPIC, 0), 1);
  });

  test('an unknown outcome (commitOrRollback 0) changes nothing and is not answered', async () => {
    const half = await producer.sendHalf(TOPIC, 0, 'undecided', { bornTimestamp: clock });
    const answer = producer.endTransaction(half, UNKNOWN, { oneway: false, timeoutMs: 300 });
    await assert.rejects(answer!, /timeout/i);
    assert.equal(store.getMaxOffsetInQueue(RMQ_SYS_TRANS_OP_HALF_TOPIC, 0), 0);
  });

  test('the service runs a pass when the broker clock passes transactionCheckInterval; shutdown is idempotent', async () => {
    const service = new TransactionalMessageCheckService(ctx, bridge, { tickMs: 5 });
    await producer.sendHalf(TOPIC, 0, 'by-the-clock', { bornTimestamp: clock });
    service.start();
    clock += ctx.config.transactionCheckInterval;
    await waitFor(() => producer.checks.length === 1, { message: 'the check of the pass the clock brought' });
    assert.equal(producer.checks[0]?.message.body.toString(), 'by-the-clock');
    await service.shutdown();
    await service.shutdown();
  });

  test('the op offset moves only over a run of settled op records', () => {
    assert.equal(calculateOpOffset([3, 1, 2], 1), 4);
    assert.equal(calculateOpOffset([2, 3], 1), 1);
    assert.equal(calculateOpOffset([], 7), 7);
  });
});
