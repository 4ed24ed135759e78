// A SYNC_FLUSH broker with a 1 ms syncFlushTimeout answers FLUSH_DISK_TIMEOUT (code 10) whenever
// fdatasync takes longer: the message is stored, and the Producer resolves with that status
// instead of rejecting. (SLAVE_NOT_AVAILABLE and FLUSH_SLAVE_TIMEOUT need a SYNC_MASTER with
// replication, which our broker does not have yet: send-result.test.ts covers their mapping.)
// Then the broker is frozen (SIGSTOP): retries end at the send's overall deadline.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeMessageRecords } from '../../../src/common/message/message-record.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingTimeoutError } from '../../../src/common/mq-error.js';
import { Producer, type SendResult } from '../../../src/client/index.js';
import { createTopic, pullOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `ProducerFlush_${RUN}`;
const ATTEMPTS_MAX = 40;

describe('Producer send statuses and deadline', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  let producer: Producer;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--flushDiskType', 'SYNC_FLUSH', '--syncFlushTimeout', '1'] });
    await createTopic(admin, broker.addr, [namesrv.addr], TOPIC, 1);
    // Bodies stay uncompressed, so each send makes the broker sync 2 MiB.
    producer = new Producer({ namesrvAddr: namesrv.addr, producerGroup: `PID_flush_${RUN}`, instanceName: `flush-${RUN}`, compressMsgBodyOverHowmuch: 64 * 1024 * 1024 });
    await producer.start();
  });

  after(async () => {
    await producer?.shutdown();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('FLUSH_DISK_TIMEOUT resolves as a status, and the message is stored', async () => {
    let timedOut: SendResult | undefined;
    for (let i = 0; i < ATTEMPTS_MAX && timedOut === undefined; i++) {
      const result = await producer.send({ topic: TOPIC, keys: `flush-${i}`, body: randomBytes(2 * 1024 * 1024) });
      assert.ok(result.sendStatus === 'SEND_OK' || result.sendStatus === 'FLUSH_DISK_TIMEOUT', result.sendStatus);
      if (result.sendStatus === 'FLUSH_DISK_TIMEOUT') timedOut = result;
    }
    // A disk that syncs 2 MiB in under a millisecond every time (tmpfs) would never time out; the
    // store directories live on a real disk here, where fdatasync of 2 MiB takes milliseconds.
    assert.ok(timedOut !== undefined, `no sync took over 1 ms in ${ATTEMPTS_MAX} sends: is the temp dir on tmpfs?`);
    const response = await pullOne(admin, broker.addr, TOPIC, timedOut.messageQueue.queueId, timedOut.queueOffset, { maxMsgNums: 1, suspend: false });
    assert.equal(response.code, ResponseCode.SUCCESS);
    const [stored] = decodeMessageRecords(response.body!);
    assert.equal(stored?.properties.get('UNIQ_KEY'), timedOut.msgId);
    assert.equal(stored?.offsetMsgId, timedOut.offsetMsgId);
  });

  test('retryAnotherBrokerWhenNotStoreOK sends a FLUSH_DISK_TIMEOUT message again', async () => {
    const storeOk = new Producer({
      namesrvAddr: namesrv.addr,
      producerGroup: `PID_notstoreok_${RUN}`,
      instanceName: `notstoreok-${RUN}`,
      compressMsgBodyOverHowmuch: 64 * 1024 * 1024,
      retryAnotherBrokerWhenNotStoreOK: true,
    });
    await storeOk.start();
    const uniqKeyAt = async (queueOffset: number): Promise<string | undefined> => {
      const response = await pullOne(admin, broker.addr, TOPIC, 0, queueOffset, { maxMsgNums: 1, suspend: false });
      return response.code === ResponseCode.SUCCESS ? decodeMessageRecords(response.body!)[0]?.properties.get('UNIQ_KEY') : undefined;
    };
    try {
      let copiesSeen = 0;
      for (let i = 0; i < ATTEMPTS_MAX && copiesSeen < 2; i++) {
        const result = await storeOk.send({ topic: TOPIC, body: randomBytes(2 * 1024 * 1024) });
        // One queue and one sender: the attempts of one send are consecutive records.
        let copies = 1;
        while (copies <= 3 && (await uniqKeyAt(result.queueOffset - copies)) === result.msgId) copies++;
        assert.ok(copies <= 3, 'at most 1 + retryTimesWhenSendFailed attempts');
        if (result.sendStatus === 'FLUSH_DISK_TIMEOUT') assert.equal(copies, 3, 'a FLUSH_DISK_TIMEOUT result means every attempt timed out');
        copiesSeen = Math.max(copiesSeen, copies);
      }
      assert.ok(copiesSeen >= 2, `no sync took over 1 ms in ${ATTEMPTS_MAX} sends: is the temp dir on tmpfs?`);
    } finally {
      await storeOk.shutdown();
    }
  });

  test('retries stop at sendMsgTimeoutMs: a frozen broker fails the send once the deadline passes', async () => {
    const quick = new Producer({
      namesrvAddr: namesrv.addr,
      producerGroup: `PID_deadline_${RUN}`,
      instanceName: `deadline-${RUN}`,
      sendMsgTimeoutMs: 500,
      retryTimesWhenSendFailed: 2,
    });
    await quick.start();
    try {
      // This broker may answer FLUSH_DISK_TIMEOUT: stored either way, and the route is known.
      await quick.send({ topic: TOPIC, body: 'route warm-up' });
      process.kill(broker.pid, 'SIGSTOP');
      const began = performance.now();
      await assert.rejects(
        quick.send({ topic: TOPIC, body: 'never answered' }),
        (err: unknown) => err instanceof RemotingTimeoutError && err.code === -1006,
      );
      // Three attempts of 500 ms each would take 1.5 s; the deadline covers all of them.
      const elapsedMs = performance.now() - began;
      assert.ok(elapsedMs < 1400, `rejected after ${Math.round(elapsedMs)} ms`);
    } finally {
      process.kill(broker.pid, 'SIGCONT');
      await quick.shutdown();
    }
  });
});
