// TransactionProducer against a real NameServer and broker: a committed transaction is delivered
// exactly once and never before the commit, a rolled-back one never, an UNKNOW one is settled by
// the broker's check-back (also through another process of the group when the sender was
// SIGKILLed), and one nobody resolves is discarded after transactionCheckMax checks. The broker
// times transactions out after 300 ms and checks every 100 ms, so each case takes about a second.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  LitePullConsumer,
  LocalTransactionState,
  MQError,
  type TransactionCheckMessage,
  type TransactionListener,
  type TransactionMessage,
  TransactionProducer,
  type TransactionProducerOptions,
} from '../../../src/client/index.js';
import type { MessageExt } from '../../../src/common/message/message-record.js';
import { ConfigError } from '../../../src/common/mq-error.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { QueryConsumerOffset } from '../../../src/remoting/requests/offsets.js';
import { createTopic } from '../../harness/broker-admin.js';
import { pullAll } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
const CHECK_MAX_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
const CHECK_MAX = 5;
const QUEUES = 2;
const FAST = { pollNameServerIntervalMs: 1000, heartbeatBrokerIntervalMs: 1000, rebalanceIntervalMs: 1000, persistConsumerOffsetIntervalMs: 1000 } as const;
const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'transaction-producer-crash-worker.js');

let seq = 0;
const unique = (prefix: string): string => `${prefix}_${process.pid}_${++seq}`;

/** A listener whose answers the test scripts, recording what it was given. */
class ScriptedListener implements TransactionListener {
  readonly executed: Array<{ message: TransactionMessage; arg: unknown }> = [];
  readonly checks: TransactionCheckMessage[] = [];

  constructor(
    readonly onExecute: (message: TransactionMessage, arg: unknown) => LocalTransactionState | Promise<LocalTransactionState>,
    readonly onCheck: (message: TransactionCheckMessage, nth: number) => LocalTransactionState | Promise<LocalTransactionState>,
  ) {}

  executeLocalTransaction(message: TransactionMessage, arg: unknown): LocalTransactionState | Promise<LocalTransactionState> {
    this.executed.push({ message, arg });
    return this.onExecute(message, arg);
  }

  checkLocalTransaction(message: TransactionCheckMessage): LocalTransactionState | Promise<LocalTransactionState> {
    this.checks.push(message);
    return this.onCheck(message, this.checks.length);
  }
}

describe('TransactionProducer against a NameServer and a broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const producers: TransactionProducer[] = [];
  const consumers: LitePullConsumer[] = [];

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, {
      namesrvAddr: namesrv.addr,
      args: ['--transactionTimeOut', '300', '--transactionCheckInterval', '100', '--transactionCheckMax', String(CHECK_MAX)],
    });
  });

  after(async () => {
    await Promise.all([...producers.map((p) => p.shutdown()), ...consumers.map((c) => c.shutdown())]);
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  async function topic(prefix: string): Promise<string> {
    const name = unique(prefix);
    await createTopic(admin, broker.addr, [namesrv.addr], name, QUEUES);
    return name;
  }

  async function producer(listener: TransactionListener, options: Partial<TransactionProducerOptions> = {}): Promise<TransactionProducer> {
    const p = new TransactionProducer({ namesrvAddr: namesrv.addr, producerGroup: unique('PID_tx'), instanceName: unique('tx'), ...FAST, ...options });
    producers.push(p);
    p.setTransactionListener(listener);
    await p.start();
    return p;
  }

  /** Everything stored in the topic, every queue from offset 0, read with plain pulls. */
  async function stored(name: string): Promise<MessageExt[]> {
    const out: MessageExt[] = [];
    for (let q = 0; q < QUEUES; q++) out.push(...(await pullAll(admin, broker.addr, name, q)));
    return out;
  }

  /** CID_RMQ_SYS_TRANS's offset in the half queue: how far the check passes have settled it. */
  async function halfQueueSettledTo(): Promise<number> {
    const request = RemotingCommand.request(
      RequestCode.QUERY_CONSUMER_OFFSET,
      QueryConsumerOffset.encode({ consumerGroup: 'CID_RMQ_SYS_TRANS', topic: HALF_TOPIC, queueId: 0 }),
    );
    const response = await admin.invokeSync(broker.addr, request, 3000);
    if (response.code !== ResponseCode.SUCCESS) return -1;
    const header = QueryConsumerOffset.decodeResponse(response);
    return header.ok ? header.value.offset : -1;
  }

  /**
   * Waits until a check pass has gone past the half message (or check copy) at `halfQueueOffset`:
   * after that, a resolved transaction can get no further check and no further copy.
   */
  async function settledPast(halfQueueOffset: number): Promise<void> {
    await waitFor(async () => (await halfQueueSettledTo()) > halfQueueOffset, { timeoutMs: 5000, message: `check passes to settle half offset ${halfQueueOffset}` });
  }

  async function setBrokerConfig(line: string): Promise<void> {
    const response = await admin.invokeSync(broker.addr, RemotingCommand.request(RequestCode.UPDATE_BROKER_CONFIG, null, Buffer.from(line)), 3000);
    assert.equal(response.code, ResponseCode.SUCCESS, `UPDATE_BROKER_CONFIG ${line}: ${response.remark ?? ''}`);
  }

  test('commit: delivered exactly once, never before the local transaction commits, and never checked', async () => {
    const name = await topic('TxCommit');
    let visibleDuringLocalTransaction: number | undefined;
    const listener = new ScriptedListener(
      async () => {
        visibleDuringLocalTransaction = (await stored(name)).length;
        return LocalTransactionState.COMMIT_MESSAGE;
      },
      () => 'COMMIT_MESSAGE',
    );
    const p = await producer(listener);
    const consumer = new LitePullConsumer({ namesrvAddr: namesrv.addr, consumerGroup: unique('CID_tx'), instanceName: unique('lite'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...FAST });
    consumers.push(consumer);
    await consumer.subscribe(name);
    await consumer.start();

    const result = await p.sendMessageInTransaction({ topic: name, tags: 'TagTx', keys: 'order-1', body: 'tx-commit', properties: { orderId: '1' } }, { orderId: 1 });
    assert.equal(result.sendStatus, 'SEND_OK');
    assert.equal(result.localTransactionState, 'COMMIT_MESSAGE');
    assert.equal(result.transactionId, result.msgId, 'the transaction id is the UNIQ_KEY');
    assert.equal(result.messageQueue.topic, name);
    assert.equal(visibleDuringLocalTransaction, 0, 'the half message is invisible while the local transaction runs');
    assert.equal(listener.executed.length, 1);
    assert.deepEqual(listener.executed[0]!.arg, { orderId: 1 });
    assert.equal(listener.executed[0]!.message.transactionId, result.msgId);
    assert.equal(listener.executed[0]!.message.body, 'tx-commit');

    const received: string[] = [];
    await waitFor(
      async () => {
        for (const m of await consumer.poll(200)) received.push(`${m.msgId}:${m.body.toString()}:${m.tags ?? ''}:${m.properties.get('orderId') ?? ''}`);
        return received.length > 0;
      },
      { timeoutMs: 10_000, intervalMs: 0, message: 'the committed message at the consumer' },
    );
    await settledPast(result.queueOffset);
    received.push(...(await consumer.poll(300)).map((m) => `${m.msgId}:${m.body.toString()}`));
    assert.deepEqual(received, [`${result.msgId}:tx-commit:TagTx:1`], 'consumed once');
    const records = await stored(name);
    assert.equal(records.length, 1, 'stored once');
    assert.equal(records[0]!.sysFlag & 0xc, 8, 'stored as a committed transaction message');
    assert.equal(listener.checks.length, 0, 'a committed transaction is never checked');
  });

  test('rollback: never visible, nothing stored in the topic, never checked', async () => {
    const name = await topic('TxRollback');
    const listener = new ScriptedListener(() => 'ROLLBACK_MESSAGE', () => 'COMMIT_MESSAGE');
    const p = await producer(listener);
    const result = await p.sendMessageInTransaction({ topic: name, body: 'tx-rollback' });
    assert.equal(result.localTransactionState, 'ROLLBACK_MESSAGE');
    await settledPast(result.queueOffset);
    assert.deepEqual(await stored(name), []);
    assert.equal(listener.checks.length, 0);
  });

  test('a delay level is dropped, as Java drops it: the committed message is there at once, without DELAY', async () => {
    const name = await topic('TxDelay');
    const p = await producer(new ScriptedListener(() => 'COMMIT_MESSAGE', () => 'COMMIT_MESSAGE'));
    // Level 4 is 30 s: delivered within the wait below only when the level was dropped.
    const result = await p.sendMessageInTransaction({ topic: name, body: 'tx-delay', delayTimeLevel: 4 });
    assert.equal(result.localTransactionState, 'COMMIT_MESSAGE');
    await waitFor(async () => (await stored(name)).length > 0, { timeoutMs: 5000, message: 'the committed message' });
    const [record] = await stored(name);
    assert.equal(record!.body.toString(), 'tx-delay');
    assert.equal(record!.properties.get('DELAY'), undefined);
  });

  test('UNKNOW, then COMMIT on the check-back: visible exactly once', async () => {
    const name = await topic('TxUnknown');
    const listener = new ScriptedListener(() => 'UNKNOW', () => 'COMMIT_MESSAGE');
    const p = await producer(listener);
    const result = await p.sendMessageInTransaction({ topic: name, tags: 'TagCheck', body: 'tx-unknown-then-commit' });
    assert.equal(result.localTransactionState, 'UNKNOW');
    await waitFor(async () => (await stored(name)).length > 0, { timeoutMs: 5000, message: 'the commit answered to the check' });
    const check = listener.checks[0]!;
    assert.equal(check.transactionId, result.transactionId);
    assert.equal(check.msgId, result.msgId);
    assert.equal(check.topic, name, 'the check names the real topic');
    assert.equal(check.tags, 'TagCheck');
    assert.equal(check.body.toString(), 'tx-unknown-then-commit');
    assert.equal(check.brokerAddr, broker.addr);
    assert.equal(check.properties.get('TRANSACTION_CHECK_TIMES'), '1');
    // The check carries its copy's half queue offset; once passed, nothing more can come.
    await settledPast(check.queueOffset);
    assert.deepEqual((await stored(name)).map((m) => m.body.toString()), ['tx-unknown-then-commit']);
    assert.equal(listener.checks.length, 1);
  });

  test('a throwing local transaction is UNKNOW; a check that rejects is UNKNOW too; a later ROLLBACK drops the message', async () => {
    const name = await topic('TxThrow');
    const listener = new ScriptedListener(
      () => {
        throw new Error('local database down');
      },
      async (_m, nth) => {
        if (nth === 1) throw new Error('still down');
        return LocalTransactionState.ROLLBACK_MESSAGE;
      },
    );
    const p = await producer(listener);
    const result = await p.sendMessageInTransaction({ topic: name, body: 'tx-throw' });
    assert.equal(result.localTransactionState, 'UNKNOW');
    await waitFor(() => listener.checks.length >= 2, { timeoutMs: 5000, message: 'a second check after the rejected one' });
    await settledPast(listener.checks[1]!.queueOffset);
    assert.equal(listener.checks.length, 2, 'the rollback answered the second check');
    assert.deepEqual(listener.checks.map((c) => c.properties.get('TRANSACTION_CHECK_TIMES')), ['1', '2']);
    assert.deepEqual(await stored(name), []);
  });

  test('a half message the broker refuses rejects sendMessageInTransaction, and no local transaction runs', async (t) => {
    const name = await topic('TxRefused');
    const listener = new ScriptedListener(() => 'COMMIT_MESSAGE', () => 'COMMIT_MESSAGE');
    const p = await producer(listener);
    await setBrokerConfig('rejectTransactionMessage=true');
    t.after(() => setBrokerConfig('rejectTransactionMessage=false'));
    await assert.rejects(p.sendMessageInTransaction({ topic: name, body: 'tx-refused' }), (err: unknown) => err instanceof MQError && err.code === ResponseCode.NO_PERMISSION);
    assert.equal(listener.executed.length, 0);
    assert.deepEqual(await stored(name), []);
  });

  test('without a listener, sendMessageInTransaction rejects before sending', async () => {
    const p = new TransactionProducer({ namesrvAddr: namesrv.addr, producerGroup: unique('PID_tx'), instanceName: unique('tx'), ...FAST });
    producers.push(p);
    await p.start();
    await assert.rejects(p.sendMessageInTransaction({ topic: 'TxNoListener', body: 'x' }), /TransactionListener is null/);
  });

  test('check pool settings a Java thread pool would refuse are refused', () => {
    const base = { namesrvAddr: namesrv.addr, producerGroup: unique('PID_tx') };
    assert.throws(() => new TransactionProducer({ ...base, checkThreadPoolMinSize: 2, checkThreadPoolMaxSize: 1 }), ConfigError);
    assert.throws(() => new TransactionProducer({ ...base, checkThreadPoolMaxSize: 0 }), ConfigError);
    assert.throws(() => new TransactionProducer({ ...base, checkRequestHoldMax: 1.5 }), ConfigError);
    // A larger min alone raises the default max with it.
    assert.doesNotThrow(() => new TransactionProducer({ ...base, checkThreadPoolMinSize: 4 }));
  });

  test('the sender was SIGKILLed after answering UNKNOW: the check goes to another producer of the group, which commits once', async (t) => {
    const name = await topic('TxCrash');
    const group = unique('PID_tx_crash');
    // The survivor is up before the sender dies, so every check finds a live producer of the group.
    const survivor = new ScriptedListener(() => 'COMMIT_MESSAGE', () => 'COMMIT_MESSAGE');
    await producer(survivor, { producerGroup: group });

    const child = spawn(process.execPath, [worker, JSON.stringify({ namesrvAddr: namesrv.addr, group, topic: name, body: 'tx-crash' })], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    t.after(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const events: Array<Record<string, unknown>> = [];
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
    });
    await waitFor(() => events.some((e) => e['event'] === 'sent'), { timeoutMs: 10_000, message: `the worker's send (stderr: ${stderr})` });
    const sent = events.find((e) => e['event'] === 'sent')!;
    assert.equal(sent['localTransactionState'], 'UNKNOW');
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    await waitFor(async () => (await stored(name)).length > 0, { timeoutMs: 5000, message: 'the survivor to commit' });
    const answered = survivor.checks.find((c) => c.transactionId === sent['transactionId']);
    assert.ok(answered !== undefined, 'the survivor was asked about the dead producer\'s transaction');
    assert.equal(survivor.executed.length, 0, 'the survivor ran no local transaction of its own');
    await settledPast(survivor.checks.at(-1)!.queueOffset);
    const records = await stored(name);
    assert.deepEqual(records.map((m) => m.body.toString()), ['tx-crash']);
    assert.equal(records[0]!.properties.get('UNIQ_KEY'), sent['msgId']);
  });

  test('never resolved: checked transactionCheckMax times, then discarded to TRANS_CHECK_MAX_TIME_TOPIC', async () => {
    const name = await topic('TxOrphan');
    const listener = new ScriptedListener(() => 'UNKNOW', () => 'UNKNOW');
    const p = await producer(listener);
    const result = await p.sendMessageInTransaction({ topic: name, body: 'tx-orphan' });
    const discarded = async (): Promise<MessageExt | undefined> => (await pullAll(admin, broker.addr, CHECK_MAX_TOPIC, 0)).find((m) => m.properties.get('UNIQ_KEY') === result.msgId);
    await waitFor(async () => (await discarded()) !== undefined, { timeoutMs: 10_000, message: `the half message in ${CHECK_MAX_TOPIC}` });
    const record = (await discarded())!;
    assert.equal(record.body.toString(), 'tx-orphan');
    assert.equal(record.properties.get('TRANSACTION_CHECK_TIMES'), String(CHECK_MAX));
    // The discard came in the pass after the last check; its answer may still be on its way.
    await waitFor(() => listener.checks.length === CHECK_MAX, { message: `${CHECK_MAX} checks` });
    assert.deepEqual(
      listener.checks.map((c) => c.properties.get('TRANSACTION_CHECK_TIMES')),
      Array.from({ length: CHECK_MAX }, (_v, i) => String(i + 1)),
    );
    assert.ok(listener.checks.every((c) => c.transactionId === result.transactionId));
    assert.deepEqual(await stored(name), []);
  });

  test('check callbacks run at most checkThreadPoolMaxSize at once', async () => {
    const name = await topic('TxCheckBound');
    let running = 0;
    let runningMax = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const listener = new ScriptedListener(
      () => 'UNKNOW',
      async () => {
        running++;
        runningMax = Math.max(runningMax, running);
        await gate;
        running--;
        return LocalTransactionState.ROLLBACK_MESSAGE;
      },
    );
    const p = await producer(listener, { checkThreadPoolMinSize: 1, checkThreadPoolMaxSize: 2 });
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await p.sendMessageInTransaction({ topic: name, body: `tx-bound-${i}` }));
    // Once a pass has gone past the third half message, its check was written to our connection;
    // a heartbeat answered on that connection afterwards means the check has been handed over.
    await settledPast(results[2]!.queueOffset);
    await p.clientInstance().sendHeartbeatToAllBrokers();
    assert.equal(running, 2);
    assert.equal(runningMax, 2, 'the third check waits for a slot');
    release();
    await waitFor(() => listener.checks.length >= 3, { message: 'the waiting check to run once a slot is free' });
    assert.equal(runningMax, 2);
    await waitFor(async () => (await halfQueueSettledTo()) > (listener.checks.at(-1)?.queueOffset ?? Infinity), { message: 'the rollbacks to settle' });
    assert.deepEqual(await stored(name), []);
  });
});
