// Bad input against a real broker process: each bad request gets its explicit code, and the same
// connection and the broker keep serving afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeMessageRecords } from '../../../src/common/message/message-record.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { createTopic, pullOne, sendOne } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';

const TOPIC = 'BadInputTopic';
const MAX_MESSAGE_SIZE = 1024;

describe('bad input against the broker', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  let nextOffset = 0;

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr, args: ['--maxMessageSize', String(MAX_MESSAGE_SIZE)] });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 1);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  /** The same connection still works: a send and a pull of that message succeed. */
  async function assertStillServes(): Promise<void> {
    const connection = client.connection(broker.addr);
    const body = Buffer.from(`still-ok-${nextOffset}`);
    const sent = await sendOne(client, broker.addr, TOPIC, 0, body);
    assert.equal(sent.code, ResponseCode.SUCCESS, `send after bad input: ${sent.remark}`);
    const pulled = await pullOne(client, broker.addr, TOPIC, 0, nextOffset);
    assert.equal(pulled.code, ResponseCode.SUCCESS, `pull after bad input: ${pulled.remark}`);
    const records = decodeMessageRecords(pulled.body!);
    assert.deepEqual(records[0]!.body, body);
    nextOffset++;
    assert.equal(client.connection(broker.addr), connection, 'the connection was not replaced');
    assert.equal(connection.closed, false);
  }

  test('a body over maxMessageSize is MESSAGE_ILLEGAL', async () => {
    await assertStillServes();
    const connection = client.connection(broker.addr);
    const response = await sendOne(client, broker.addr, TOPIC, 0, Buffer.alloc(MAX_MESSAGE_SIZE + 1, 0x61));
    assert.equal(response.code, ResponseCode.MESSAGE_ILLEGAL);
    assert.match(response.remark ?? '', /body size over max value/);
    assert.equal(client.connection(broker.addr), connection);
    await assertStillServes();
  });

  test('a body of exactly maxMessageSize is stored', async () => {
    const response = await sendOne(client, broker.addr, TOPIC, 0, Buffer.alloc(MAX_MESSAGE_SIZE, 0x62));
    assert.equal(response.code, ResponseCode.SUCCESS, response.remark ?? '');
    nextOffset++;
    await assertStillServes();
  });

  test('an illegal topic name is SYSTEM_ERROR with the reason in the remark', async () => {
    const response = await sendOne(client, broker.addr, 'bad topic!', 0, Buffer.from('x'));
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /bad topic!.*illegal characters/);
    await assertStillServes();
  });

  test('a pull for a nonexistent topic is TOPIC_NOT_EXIST', async () => {
    const response = await pullOne(client, broker.addr, 'NoSuchTopic', 0, 0);
    assert.equal(response.code, ResponseCode.TOPIC_NOT_EXIST);
    assert.match(response.remark ?? '', /NoSuchTopic/);
    await assertStillServes();
  });

  test('an unknown request code is REQUEST_CODE_NOT_SUPPORTED', async () => {
    const response = await client.invokeSync(broker.addr, RemotingCommand.request(9999, { a: '1' }), 5000);
    assert.equal(response.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    assert.match(response.remark ?? '', /9999/);
    await assertStillServes();
  });

  test('a send missing a mandatory header field is SYSTEM_ERROR naming the field', async () => {
    const response = await client.invokeSync(broker.addr, RemotingCommand.request(310, { b: TOPIC }, Buffer.from('x')), 5000);
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.match(response.remark ?? '', /is null/);
    await assertStillServes();
  });
});
