// The Producer when processes die: two brokers (broker-a, broker-b) serve one topic and broker-a
// is killed (SIGKILL); then one of two NameServers is killed. Sends keep succeeding, and with
// sendLatencyFaultEnable the dead broker is not tried again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino, { type Logger } from 'pino';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { Producer, type ProducerOptions } from '../../../src/client/index.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `FailoverProducer_${RUN}`;

/** A debug logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('Producer failover', () => {
  let namesrvA: NamesrvProcess;
  let namesrvB: NamesrvProcess;
  let brokerA: BrokerProcess;
  let brokerB: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const producers: Producer[] = [];

  async function routeBody(namesrvAddr: string, topic: string): Promise<string> {
    const response = await admin.invokeSync(namesrvAddr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
    return response.code === ResponseCode.SUCCESS ? response.body!.toString() : '';
  }

  async function startProducer(name: string, options: Partial<ProducerOptions>): Promise<Producer> {
    const producer = new Producer({
      namesrvAddr: [namesrvA.addr, namesrvB.addr],
      producerGroup: `PID_${name}_${RUN}`,
      instanceName: `${name}-${RUN}`,
      ...options,
    });
    producers.push(producer);
    await producer.start();
    return producer;
  }

  /** Failed attempts the producer logged, by broker. */
  function failedAttempts(lines: Array<Record<string, unknown>>, brokerName: string): number {
    return lines.filter((l) => l['msg'] === 'send attempt failed' && l['brokerName'] === brokerName).length;
  }

  before(async () => {
    namesrvA = await startNamesrv(scope);
    namesrvB = await startNamesrv(scope);
    const both = `${namesrvA.addr};${namesrvB.addr}`;
    brokerA = await startBroker(scope, { namesrvAddr: both, brokerName: 'broker-a' });
    brokerB = await startBroker(scope, { namesrvAddr: both, brokerName: 'broker-b' });
    await createTopic(admin, brokerA.addr, [namesrvA.addr, namesrvB.addr], TOPIC, 4);
    await createTopic(admin, brokerB.addr, [namesrvA.addr, namesrvB.addr], TOPIC, 4);
    for (const addr of [namesrvA.addr, namesrvB.addr]) {
      await waitFor(async () => /broker-a/.test(await routeBody(addr, TOPIC)) && /broker-b/.test(await routeBody(addr, TOPIC)), {
        timeoutMs: 5000,
        message: `both brokers in the route on ${addr}`,
      });
    }
  });

  after(async () => {
    for (const p of producers) await p.shutdown();
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('a broker killed mid-run: sends still succeed on the other one; with sendLatencyFaultEnable it is not tried again', async () => {
    // Routes are not refreshed during the test (30 s), so both producers keep offering broker-a.
    const plain = capturingLogger();
    const retrying = await startProducer('retry', { logger: plain.logger });
    const faulty = capturingLogger();
    const avoiding = await startProducer('latency', { logger: faulty.logger, sendLatencyFaultEnable: true });
    for (const producer of [retrying, avoiding]) {
      const brokers = new Set<string>();
      for (let i = 0; i < 8; i++) brokers.add((await producer.send({ topic: TOPIC, body: `warm-${i}` })).messageQueue.brokerName);
      assert.deepEqual([...brokers].sort(), ['broker-a', 'broker-b'], 'both brokers take sends before the kill');
    }

    await brokerA.kill();

    for (const producer of [retrying, avoiding]) {
      for (let i = 0; i < 20; i++) {
        const result = await producer.send({ topic: TOPIC, body: `after-kill-${i}` });
        assert.equal(result.sendStatus, 'SEND_OK');
        assert.equal(result.messageQueue.brokerName, 'broker-b');
      }
    }
    // Round robin keeps offering broker-a, and each such send fails there before its retry.
    assert.ok(failedAttempts(plain.lines, 'broker-a') >= 2, `retrying producer failed on broker-a ${failedAttempts(plain.lines, 'broker-a')} times`);
    // The latency table isolates broker-a after its first failure (600 s).
    assert.ok(failedAttempts(faulty.lines, 'broker-a') <= 1, `latency-aware producer failed on broker-a ${failedAttempts(faulty.lines, 'broker-a')} times`);
    assert.equal(failedAttempts(plain.lines, 'broker-b') + failedAttempts(faulty.lines, 'broker-b'), 0);
  });

  test('a NameServer killed mid-run: the producer keeps sending and finds new routes on the other', async () => {
    const captured = capturingLogger();
    // The client instance starts on a random NameServer; pin it to the one about to die, so that
    // the failover really happens (Math.random is read once, when the instance is created).
    const random = Math.random;
    Math.random = () => 0;
    let producer: Producer;
    try {
      producer = await startProducer('namesrv', { logger: captured.logger, namesrvAddr: [namesrvA.addr, namesrvB.addr], pollNameServerIntervalMs: 300 });
    } finally {
      Math.random = random;
    }
    assert.equal((await producer.send({ topic: TOPIC, body: 'before' })).sendStatus, 'SEND_OK');

    await namesrvA.kill();

    // The periodic route refresh (every 300 ms) meets the dead NameServer first and moves on.
    await waitFor(() => captured.lines.some((l) => l['msg'] === 'NameServer request failed, trying the next' && l['namesrvAddr'] === namesrvA.addr), {
      timeoutMs: 5000,
      message: 'the route refresh skipping the dead NameServer',
    });
    for (let i = 0; i < 3; i++) {
      // A topic no one knows yet needs lookups (its route, then TBW102's), now from the live NameServer.
      const result = await producer.send({ topic: `FailoverNew_${RUN}_${i}`, body: `new topic ${i}` });
      assert.equal(result.sendStatus, 'SEND_OK');
      assert.equal(result.messageQueue.brokerName, 'broker-b');
    }
    for (let i = 0; i < 10; i++) assert.equal((await producer.send({ topic: TOPIC, body: `after-namesrv-kill-${i}` })).sendStatus, 'SEND_OK');
  });
});
