// Two NameServers, one broker registered with both; one NameServer dies (SIGKILL) and ali-ons
// clients configured with both addresses keep producing and consuming.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { consumer as makeConsumer, ons, producer as makeProducer, type ReceivedMessage } from '../../harness/ali-ons.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const RUN = `${process.pid}_${Date.now()}`;
const TOPIC = `FailoverTopic_${RUN}`;

describe('NameServer failover', () => {
  let namesrvA: NamesrvProcess;
  let namesrvB: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const admin = new RemotingClient();
  const clients: any[] = [];

  before(async () => {
    namesrvA = await startNamesrv(scope);
    namesrvB = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: `${namesrvA.addr};${namesrvB.addr}` });
  });

  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    admin.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
    // Compat: ali-ons 3.12 keeps its scheduled loops running after close(); see ali-ons.test.ts.
    setTimeout(() => process.exit(0), 200).unref();
  });

  test('the broker registers with both NameServers', async () => {
    await createTopic(admin, broker.addr, [namesrvA.addr, namesrvB.addr], TOPIC, 4);
    for (const addr of [namesrvA.addr, namesrvB.addr]) {
      const info = await admin.invokeSync(addr, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), 3000);
      assert.equal(info.code, ResponseCode.SUCCESS);
      assert.match(info.body!.toString(), new RegExp(broker.addr.replace(/\./g, '\\.')));
    }
  });

  test('a producer and a consumer given both addresses keep working after one NameServer is killed', async () => {
    const nameSrv = [namesrvA.addr, namesrvB.addr];
    const producer = makeProducer(nameSrv, `PID_failover_${RUN}`);
    clients.push(producer);
    await producer.ready();
    const received = new Set<string>();
    const consumer = makeConsumer(nameSrv, `CID_failover_${RUN}`);
    clients.push(consumer);
    consumer.subscribe(TOPIC, '*', async (msg: ReceivedMessage) => void received.add(msg.keys));
    await consumer.ready();

    const send = async (key: string): Promise<void> => {
      const msg = new ons.Message(TOPIC, 'TagA', `body of ${key}`);
      msg.keys = [key];
      const result = await producer.send(msg);
      assert.equal(result.sendStatus, 'SEND_OK');
    };
    for (let i = 0; i < 20; i++) await send(`before-${i}`);
    await waitFor(() => received.size >= 20, { timeoutMs: 20_000, intervalMs: 100, message: 'messages sent before the kill received' });

    await namesrvA.kill();
    assert.ok(namesrvA.hasExited);
    for (let i = 0; i < 20; i++) await send(`after-${i}`);
    await waitFor(() => received.size >= 40, { timeoutMs: 30_000, intervalMs: 100, message: 'messages sent after the kill received' });
    for (let i = 0; i < 20; i++) assert.ok(received.has(`after-${i}`));

    // Clients started after the kill look the route up afresh: every lookup that picks the dead
    // NameServer has to fall back to the live one.
    const lateProducer = makeProducer(nameSrv, `PID_failover_late_${RUN}`);
    clients.push(lateProducer);
    await lateProducer.ready();
    const lateReceived = new Set<string>();
    const lateConsumer = makeConsumer(nameSrv, `CID_failover_late_${RUN}`);
    clients.push(lateConsumer);
    lateConsumer.subscribe(TOPIC, '*', async (msg: ReceivedMessage) => void lateReceived.add(msg.keys));
    await lateConsumer.ready();
    for (let i = 0; i < 20; i++) {
      const msg = new ons.Message(TOPIC, 'TagA', `late ${i}`);
      msg.keys = [`late-${i}`];
      assert.equal((await lateProducer.send(msg)).sendStatus, 'SEND_OK');
    }
    // The first consumer gets the late messages too, on its own pull schedule: wait for both.
    await waitFor(() => lateReceived.size >= 60 && received.size >= 60, { timeoutMs: 30_000, intervalMs: 100, message: 'both consumers receive everything (the late one from the first offset)' });
    for (let i = 0; i < 20; i++) assert.ok(lateReceived.has(`late-${i}`) && received.has(`late-${i}`));

    // The live NameServer still routes the topic.
    const route = await admin.invokeSync(namesrvB.addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: TOPIC }), 3000);
    assert.equal(route.code, ResponseCode.SUCCESS);
  });
});
