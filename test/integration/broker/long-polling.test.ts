// Long polling against a real broker process, driven with our own RemotingClient: a pull with the
// suspend flag at the end of its queue waits until a message arrives or its own timeout passes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeMessageRecords } from '../../../src/common/message/message-record.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { PullMessage } from '../../../src/remoting/requests/pull.js';
import { createTopic, pullOne, sendOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

const TOPIC = 'LongPollTopic';

describe('long polling', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 3);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('a suspended pull at the end of its queue is answered with the message right after a send', async () => {
    const first = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('before'));
    assert.equal(first.code, ResponseCode.SUCCESS);
    const held = pullOne(client, broker.addr, TOPIC, 0, 1, { suspend: true, suspendTimeoutMillis: 15_000 });
    const pulledAt = { t: 0 };
    void held.then(() => (pulledAt.t = performance.now()));
    const heldSince = performance.now();
    // The one fixed pause here is the behaviour under test: the pull is still unanswered 300 ms
    // after it was sent, far longer than an immediate answer takes on loopback.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(pulledAt.t, 0, 'the pull waited instead of answering at once');
    const waitedBeforeSend = performance.now() - heldSince;
    assert.ok(waitedBeforeSend > 100);
    const sentAt = performance.now();
    const sent = await sendOne(client, broker.addr, TOPIC, 0, Buffer.from('wake-up'));
    assert.equal(sent.code, ResponseCode.SUCCESS);
    const response = await held;
    const latency = performance.now() - sentAt;
    assert.equal(response.code, ResponseCode.SUCCESS, `remark: ${response.remark}`);
    assert.ok(latency < 200, `answered ${latency.toFixed(0)} ms after the send`);
    const records = decodeMessageRecords(response.body!);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.body.toString(), 'wake-up');
    assert.equal(records[0]!.queueOffset, 1);
    const header = PullMessage.decodeResponse(response);
    assert.ok(header.ok);
    assert.equal(header.value.nextBeginOffset, 2);
  });

  test('a suspended pull with suspendTimeoutMillis 500 times out empty after about 500 ms', async () => {
    const started = performance.now();
    const response = await pullOne(client, broker.addr, TOPIC, 1, 0, { suspend: true, suspendTimeoutMillis: 500 });
    const elapsed = performance.now() - started;
    assert.equal(response.code, ResponseCode.PULL_NOT_FOUND, `remark: ${response.remark}`);
    assert.equal(response.body ?? null, null);
    assert.ok(elapsed >= 400 && elapsed <= 2000, `answered after ${elapsed.toFixed(0)} ms`);
    const header = PullMessage.decodeResponse(response);
    assert.ok(header.ok);
    assert.equal(header.value.nextBeginOffset, 0);
  });

  test('a held pull with a tag filter wakes only for a message that passes it', async () => {
    const queueId = 2;
    const before = await pullOne(client, broker.addr, TOPIC, queueId, 0);
    const start = PullMessage.decodeResponse(before);
    assert.ok(start.ok);
    const offset = start.value.maxOffset;
    let answered = false;
    const held = pullOne(client, broker.addr, TOPIC, queueId, offset, { suspend: true, suspendTimeoutMillis: 15_000, subscription: 'TagA' });
    void held.then(() => (answered = true));
    const other = await sendOne(client, broker.addr, TOPIC, queueId, Buffer.from('tag-b'), 'TAGS\u0001TagB\u0002');
    assert.equal(other.code, ResponseCode.SUCCESS);
    // As above, the pause is the behaviour under test: a TagB message must not answer the pull.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'a message the filter rejects does not wake the pull');
    const sentAt = performance.now();
    const wanted = await sendOne(client, broker.addr, TOPIC, queueId, Buffer.from('tag-a'), 'TAGS\u0001TagA\u0002');
    assert.equal(wanted.code, ResponseCode.SUCCESS);
    const response = await held;
    assert.ok(performance.now() - sentAt < 200);
    assert.equal(response.code, ResponseCode.SUCCESS, `remark: ${response.remark}`);
    const records = decodeMessageRecords(response.body!);
    assert.deepEqual(records.map((r) => r.body.toString()), ['tag-a']);
  });

  test('a pull without the suspend flag answers at once', async () => {
    const started = performance.now();
    const response = await pullOne(client, broker.addr, TOPIC, 1, 0);
    assert.equal(response.code, ResponseCode.PULL_NOT_FOUND);
    assert.ok(performance.now() - started < 200);
  });
});
