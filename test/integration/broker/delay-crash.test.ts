// SIGKILL the broker while 10,000 delayed messages are being delivered, twice, and restart it on
// the same store: every message reaches its real topic exactly once (counted by UNIQ_KEY).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { GetMaxOffset } from '../../../src/remoting/requests/offsets.js';
import { createTopic, sendOne } from '../../harness/broker-admin.js';
import { BrokerClock, pullAll } from '../../harness/broker-clock.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';

const TOPIC = 'DelayCrashTopic';
const QUEUES = 4;
const COUNT = 10_000;
/** 1 min: long enough that a restart with the clock back leaves everything pending. */
const LEVEL = 5;
const LEVEL_DELAY_MS = 60_000;
const DUE_OFFSET_MS = 2 * LEVEL_DELAY_MS;
const SENDS_IN_FLIGHT = 64;
/**
 * The first broker writes delayOffset.json only at start, so after the first kill every delivery
 * must be found by the CommitLog scan; the restarted ones write it every 50 ms, so the second kill
 * lands between writes, right after one, or anywhere in between.
 */
const FIRST_BROKER_ARGS = ['--flushDelayOffsetInterval', '600000'];
const BROKER_ARGS = ['--flushDelayOffsetInterval', '50'];

describe('delayed messages across SIGKILL', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  let lastRecovery = '';

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: FIRST_BROKER_ARGS });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, QUEUES);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  /**
   * Deliveries so far. The queues are asked at once: the broker answers between delivery rounds
   * (up to 1024 messages each), and one question per round keeps the count close to the truth.
   */
  async function delivered(): Promise<number> {
    const offsets = await Promise.all(
      Array.from({ length: QUEUES }, async (_, queueId) => {
        const request = RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic: TOPIC, queueId }));
        const decoded = GetMaxOffset.decodeResponse(await client.invokeSync(broker.addr, request, 3000));
        assert.ok(decoded.ok);
        return decoded.value.offset;
      }),
    );
    return offsets.reduce((a, b) => a + b, 0);
  }

  /** Restarts on the same store and port with the clock where nothing more is due, so the count is what the kill left. */
  async function restartPaused(): Promise<void> {
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, dir: broker.dir, port: broker.port, args: BROKER_ARGS });
  }

  async function killWhenDelivered(atLeast: number): Promise<number> {
    await waitFor(async () => (await delivered()) >= atLeast, { timeoutMs: 30_000, intervalMs: 2, message: `${atLeast} delivered` });
    await broker.kill();
    await restartPaused();
    const recovered = broker.output().split('\n').find((line) => line.includes('"delay levels recovered"'));
    assert.ok(recovered !== undefined, 'the restarted broker logs its delay recovery');
    lastRecovery = recovered.slice(recovered.indexOf('{'));
    return delivered();
  }

  test('10,000 pending delayed messages are delivered exactly once through two kill -9s', async (t) => {
    let next = 0;
    const sender = async (): Promise<void> => {
      while (next < COUNT) {
        const i = next++;
        const sent = await sendOne(client, broker.addr, TOPIC, i % QUEUES, Buffer.from(`delayed ${i}`), `UNIQ_KEY\u0001d-${i}\u0002DELAY\u0001${LEVEL}`);
        assert.equal(sent.code, ResponseCode.SUCCESS, sent.remark ?? '');
      }
    };
    await Promise.all(Array.from({ length: SENDS_IN_FLIGHT }, sender));
    assert.equal(await delivered(), 0, 'all 10,000 are pending');

    // Everything due at once; kill part-way, restart with the clock back where nothing is due.
    await new BrokerClock(client, broker.addr).setOffset(DUE_OFFSET_MS);
    const afterFirst = await killWhenDelivered(COUNT * 0.3);
    t.diagnostic(`first kill: ${afterFirst} delivered; ${lastRecovery}`);
    assert.ok(afterFirst < COUNT, `the first kill came after every delivery (${afterFirst})`);
    assert.match(lastRecovery, new RegExp(`"deliveries":${afterFirst},`), 'the first restart found every delivery by scanning');

    await new BrokerClock(client, broker.addr).setOffset(DUE_OFFSET_MS);
    // As soon as the resumed delivery has moved: the rounds left are the window for the kill.
    const afterSecond = await killWhenDelivered(afterFirst + 1);
    t.diagnostic(`second kill: ${afterSecond} delivered; ${lastRecovery}`);
    assert.ok(afterSecond < COUNT, `the second kill came after every delivery (${afterSecond})`);

    // Resume. A sentinel sent now at the same level is delivered after every earlier entry.
    const clock = new BrokerClock(client, broker.addr);
    await clock.setOffset(DUE_OFFSET_MS);
    const sentinel = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('sentinel'), `UNIQ_KEY\u0001sentinel\u0002DELAY\u0001${LEVEL}`);
    assert.equal(sentinel.code, ResponseCode.SUCCESS);
    await clock.advance(LEVEL_DELAY_MS);
    await waitFor(async () => (await delivered()) >= COUNT + 1, { timeoutMs: 30_000, intervalMs: 50, message: 'every message and the sentinel delivered' });

    const seen = new Map<string, number>();
    for (let queueId = 0; queueId < QUEUES; queueId++) {
      for (const msg of await pullAll(client, broker.addr, TOPIC, queueId)) {
        const key = msg.properties.get('UNIQ_KEY')!;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
    }
    assert.equal(seen.get('sentinel'), 1, 'the sentinel arrived: every earlier entry was handled');
    const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    const missing = Array.from({ length: COUNT }, (_, i) => `d-${i}`).filter((k) => !seen.has(k));
    assert.deepEqual(twice, [], `delivered more than once: ${twice.length}`);
    assert.deepEqual(missing, [], `never delivered: ${missing.length}`);
    assert.equal(seen.size, COUNT + 1);
  });
});
