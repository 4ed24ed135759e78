// Transactional messages against a real broker process, with producers played by RemotingClients:
// half messages stay invisible until END_TRANSACTION commits them, rollbacks never show, and the
// check service asks a live producer of the group about half messages nobody resolved, giving up
// after transactionCheckMax checks. The broker runs with a 300 ms transactionTimeOut and checks
// every 100 ms, so each scenario takes well under a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeMessageRecords, type MessageExt } from '../../../src/common/message/message-record.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { QueryConsumerOffset } from '../../../src/remoting/requests/offsets.js';
import { PullMessage } from '../../../src/remoting/requests/pull.js';
import { createTopic, pullOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';
import { type HalfSent, TestProducer } from '../../unit/broker/transaction/test-producer.js';

const TOPIC = 'TxIntegrationTopic';
const HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
const CHECK_MAX_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
const CHECK_MAX = 3;
const COMMIT = 8;
const ROLLBACK = 12;
const UNKNOWN = 0;

describe('transactional messages through a broker process', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  const producers: TestProducer[] = [];

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, {
      namesrvAddr: namesrv.addr,
      args: ['--transactionTimeOut', '300', '--transactionCheckInterval', '100', '--transactionCheckMax', String(CHECK_MAX)],
    });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 8);
  });

  after(async () => {
    for (const p of producers) p.shutdown();
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  async function producer(group: string, name = 'p'): Promise<TestProducer> {
    const p = new TestProducer(broker.addr, group, name);
    producers.push(p);
    await p.heartbeat();
    return p;
  }

  /** Every record of a queue, read with plain pulls from offset 0. */
  async function queue(topic: string, queueId: number): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    let offset = 0;
    for (;;) {
      const response = await pullOne(client, broker.addr, topic, queueId, offset, { group: 'CID_tx_reader' });
      if (response.code !== ResponseCode.SUCCESS) return out;
      out.push(...decodeMessageRecords(response.body!));
      const header = PullMessage.decodeResponse(response);
      assert.ok(header.ok);
      offset = header.value.nextBeginOffset;
    }
  }

  /** CID_RMQ_SYS_TRANS's offset in the half queue: how far the check passes have settled it. */
  async function halfQueueSettledTo(): Promise<number> {
    const response = await client.invokeSync(
      broker.addr,
      RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET, QueryConsumerOffset.encode({ consumerGroup: 'CID_RMQ_SYS_TRANS', topic: HALF_TOPIC, queueId: 0 })),
      3000,
    );
    if (response.code !== ResponseCode.SUCCESS) return -1;
    const header = QueryConsumerOffset.decodeResponse(response);
    return header.ok ? header.value.offset : -1;
  }

  /** Waits until a check pass has gone past the half message (it was resolved or re-appended). */
  async function settled(half: HalfSent): Promise<void> {
    await waitFor(async () => (await halfQueueSettledTo()) > half.queueOffset, { timeoutMs: 5000, message: `the check passes to settle half offset ${half.queueOffset}` });
  }

  function bodies(records: MessageExt[]): string[] {
    return records.map((r) => r.body.toString());
  }

  test('a committed half message shows in its queue exactly once, and never before the commit', async () => {
    const p = await producer('PID_tx_commit');
    const half = await p.sendHalf(TOPIC, 0, 'tx-commit');
    assert.deepEqual(bodies(await queue(TOPIC, 0)), [], 'the half message is not visible');
    p.endTransaction(half, COMMIT);
    await waitFor(async () => (await queue(TOPIC, 0)).length > 0, { message: 'the committed message' });
    await settled(half);
    const records = await queue(TOPIC, 0);
    assert.deepEqual(bodies(records), ['tx-commit']);
    assert.equal(records[0]!.properties.get('UNIQ_KEY'), half.uniqKey);
    assert.equal(records[0]!.sysFlag & 0xc, COMMIT);
    assert.equal(records[0]!.preparedTransactionOffset, half.commitLogOffset);
    assert.equal(p.checks.length, 0, 'a resolved transaction is never checked');
  });

  test('a rolled-back half message never shows, and is never checked', async () => {
    const p = await producer('PID_tx_rollback');
    const half = await p.sendHalf(TOPIC, 1, 'tx-rollback');
    p.endTransaction(half, ROLLBACK);
    await settled(half);
    assert.deepEqual(bodies(await queue(TOPIC, 1)), []);
    assert.equal(p.checks.length, 0);
  });

  test('a producer that answers UNKNOW, then COMMIT on the next check, gets its message stored once', async () => {
    const p = await producer('PID_tx_unknown');
    let asked = 0;
    p.answer = () => (++asked === 1 ? UNKNOWN : COMMIT);
    const half = await p.sendHalf(TOPIC, 2, 'tx-unknown-then-commit');
    p.endTransaction(half, UNKNOWN);
    await waitFor(async () => (await queue(TOPIC, 2)).length > 0, { message: 'the commit answered to the second check' });
    const committed = p.checks[1]!;
    // Once the pass has gone past the copy that was committed, no further check or copy can come.
    await settled({ ...half, queueOffset: committed.header.tranStateTableOffset });
    assert.deepEqual(bodies(await queue(TOPIC, 2)), ['tx-unknown-then-commit']);
    assert.equal(p.checks.length, 2);
    assert.deepEqual(p.checks.map((c) => c.message.properties.get('TRANSACTION_CHECK_TIMES')), ['1', '2']);
    assert.equal(p.checks[0]!.message.topic, TOPIC, 'the check carries the message in its real topic');
    assert.equal(p.checks[0]!.header.msgId, half.uniqKey);
  });

  test('when the producer that sent it has crashed, the check goes to another producer of the group, which commits', async () => {
    const survivor = await producer('PID_tx_failover', 'survivor');
    survivor.answer = () => COMMIT;
    const crashing = await producer('PID_tx_failover', 'crashing');
    const half = await crashing.sendHalf(TOPIC, 3, 'tx-failover');
    crashing.shutdown();
    await waitFor(async () => (await queue(TOPIC, 3)).length > 0, { message: 'the survivor to commit' });
    await settled({ ...half, queueOffset: survivor.checks[0]!.header.tranStateTableOffset });
    assert.deepEqual(bodies(await queue(TOPIC, 3)), ['tx-failover']);
    assert.equal(crashing.checks.length, 0);
    assert.equal(survivor.checks.length, 1);
  });

  test('a half message nobody resolves is checked transactionCheckMax times, then discarded to TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    const p = await producer('PID_tx_orphan');
    const half = await p.sendHalf(TOPIC, 4, 'tx-orphan');
    const discarded = async (): Promise<MessageExt | undefined> => (await queue(CHECK_MAX_TOPIC, 0)).find((m) => m.properties.get('UNIQ_KEY') === half.uniqKey);
    await waitFor(async () => (await discarded()) !== undefined, { timeoutMs: 5000, message: 'the discarded half message' });
    const record = (await discarded())!;
    assert.equal(record.body.toString(), 'tx-orphan');
    assert.equal(record.properties.get('TRANSACTION_CHECK_TIMES'), String(CHECK_MAX));
    // The discard happened in the pass after the last check, so every check has been sent.
    await waitFor(() => p.checks.length === CHECK_MAX, { message: `${CHECK_MAX} checks` });
    assert.deepEqual(p.checks.map((c) => c.message.properties.get('TRANSACTION_CHECK_TIMES')), ['1', '2', '3']);
    assert.deepEqual(bodies(await queue(TOPIC, 4)), []);
  });

  test('END_TRANSACTION with a bogus offset or the wrong group is refused and logged; the broker keeps serving', async () => {
    const p = await producer('PID_tx_bad');
    const half = await p.sendHalf(TOPIC, 5, 'tx-bad-input');
    // One-way, as Java producers send it: nothing comes back, and nothing is committed.
    p.endTransaction(half, COMMIT, { commitLogOffset: half.commitLogOffset + 3 });
    p.endTransaction(half, COMMIT, { group: 'PID_someone_else' });
    const bogus = await p.endTransaction(half, COMMIT, { oneway: false, commitLogOffset: 1 << 40 });
    assert.equal(bogus?.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(bogus?.remark, 'Find prepared transaction message failed');
    const wrongGroup = await p.endTransaction(half, COMMIT, { oneway: false, group: 'PID_someone_else' });
    assert.equal(wrongGroup?.remark, 'The producer group wrong');
    // The broker's log reaches us through a pipe, a little after the answers.
    for (const refusal of ['Find prepared transaction message failed', 'The producer group wrong']) {
      await waitFor(() => broker.output().includes(`END_TRANSACTION refused: ${refusal}`), { message: `"${refusal}" in the broker log` });
    }
    assert.deepEqual(bodies(await queue(TOPIC, 5)), []);
    const ok = await p.endTransaction(half, COMMIT, { oneway: false });
    assert.equal(ok?.code, ResponseCode.SUCCESS);
    assert.deepEqual(bodies(await queue(TOPIC, 5)), ['tx-bad-input']);
  });

  test('rejectTransactionMessage (updated live) refuses half messages with NO_PERMISSION', async () => {
    const update = (body: string): Promise<RemotingCommand> => client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(body)), 3000);
    assert.equal((await update('rejectTransactionMessage=true')).code, ResponseCode.SUCCESS);
    const p = await producer('PID_tx_rejected');
    const { response } = await p.sendHalfRaw(TOPIC, 6, 'tx-rejected');
    assert.equal(response.code, ResponseCode.NO_PERMISSION);
    assert.equal(response.remark, 'the broker[127.0.0.1] sending transaction message is forbidden');
    assert.equal((await update('rejectTransactionMessage=false')).code, ResponseCode.SUCCESS);
    const half = await p.sendHalf(TOPIC, 6, 'tx-accepted');
    p.endTransaction(half, ROLLBACK);
  });

  // Last: it moves the broker's clock forward for good.
  test('the check follows the broker clock: moving it past a long transactionTimeOut brings the check at once', async () => {
    const update = (body: string): Promise<RemotingCommand> => client.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(body)), 3000);
    assert.equal((await update('transactionTimeOut=3600000')).code, ResponseCode.SUCCESS);
    const p = await producer('PID_tx_clock');
    p.answer = () => ROLLBACK;
    const half = await p.sendHalf(TOPIC, 7, 'tx-clock');
    assert.equal(p.checks.length, 0);
    assert.equal((await update('clockOffsetMs=3601000')).code, ResponseCode.SUCCESS);
    await waitFor(() => p.checks.length === 1, { timeoutMs: 3000, message: 'the check after the clock moved an hour' });
    await settled({ ...half, queueOffset: p.checks[0]!.header.tranStateTableOffset });
    assert.deepEqual(bodies(await queue(TOPIC, 7)), []);
    assert.equal((await update('transactionTimeOut=300')).code, ResponseCode.SUCCESS);
  });
});
