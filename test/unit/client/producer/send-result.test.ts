import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageIllegalError, MQError, SystemError } from '../../../../src/common/mq-error.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { decodeCommand, RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { sendStatusOfCode, toSendResult } from '../../../../src/client/producer/send-result.js';
import { readFrameFile } from '../../../harness/fixtures.js';

const ctx = { topic: 'FixtureTopic', brokerName: 'broker-a', brokerAddr: '127.0.0.1:10911', msgId: 'UNIQ', requestCode: RequestCode.SEND_MESSAGE_V2 };

test('codes 0, 10, 11 and 12 are statuses of a stored message; others are not', () => {
  assert.equal(sendStatusOfCode(0), 'SEND_OK');
  assert.equal(sendStatusOfCode(10), 'FLUSH_DISK_TIMEOUT');
  assert.equal(sendStatusOfCode(11), 'SLAVE_NOT_AVAILABLE');
  assert.equal(sendStatusOfCode(12), 'FLUSH_SLAVE_TIMEOUT');
  assert.equal(sendStatusOfCode(13), undefined);
  assert.equal(sendStatusOfCode(1), undefined);
});

test("a Java broker's SUCCESS answer becomes a SendResult (fixture send/008)", () => {
  const response = decodeCommand(readFrameFile('send/008-broker2client-SUCCESS_for_SEND_MESSAGE_V2-JSON.bin').subarray(4));
  assert.deepEqual(toSendResult(response, ctx), {
    sendStatus: 'SEND_OK',
    msgId: 'UNIQ',
    offsetMsgId: '7F00000100009FCF0000000000001443',
    messageQueue: { topic: 'FixtureTopic', brokerName: 'broker-a', queueId: 1 },
    queueOffset: 5,
    regionId: 'DefaultRegion',
    traceOn: true,
  });
});

test('FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE and FLUSH_SLAVE_TIMEOUT answers resolve with their status', () => {
  for (const [code, status] of [
    [10, 'FLUSH_DISK_TIMEOUT'],
    [11, 'SLAVE_NOT_AVAILABLE'],
    [12, 'FLUSH_SLAVE_TIMEOUT'],
  ] as const) {
    const response = RemotingCommand.response(code, null, { msgId: 'AB', queueId: '2', queueOffset: '9', transactionId: 'TX', MSG_REGION: 'r1', TRACE_ON: 'false' });
    const result = toSendResult(response, ctx);
    assert.equal(result.sendStatus, status);
    assert.equal(result.queueOffset, 9);
    assert.equal(result.transactionId, 'TX');
    assert.equal(result.regionId, 'r1');
    assert.equal(result.traceOn, false);
  }
});

test('failure codes become the MQError of their family; an undecodable SUCCESS is a SystemError', () => {
  assert.throws(() => toSendResult(RemotingCommand.response(13, 'too big'), ctx), (err: unknown) => err instanceof MessageIllegalError && err.message === 'too big');
  assert.throws(() => toSendResult(RemotingCommand.response(17, 'no topic'), ctx), (err: unknown) => err instanceof MQError && err.code === 17 && err.retriable);
  assert.throws(() => toSendResult(RemotingCommand.response(0, null, { msgId: 'AB' }), ctx), SystemError);
});
