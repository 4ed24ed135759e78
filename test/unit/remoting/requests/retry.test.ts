import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { decodeCommand, RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { ConsumerSendMsgBack } from '../../../../src/remoting/requests/retry.js';
import { readFrameFile } from '../../../harness/fixtures.js';

const SEND_BACK = 'consumer/020-client2broker-CONSUMER_SEND_MSG_BACK-JSON.bin';

function decoded<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

test('CONSUMER_SEND_MSG_BACK decodes the request ali-ons sent a 4.9.8 broker', () => {
  const request = decodeCommand(readFrameFile(SEND_BACK).subarray(4));
  assert.equal(request.code, RequestCode.CONSUMER_SEND_MSG_BACK);
  assert.deepEqual(decoded(ConsumerSendMsgBack.decode(request)), {
    commitLogOffset: 597,
    group: 'fixture_cg_node',
    delayLevel: 0,
    originMsgId: '7F00000100009FCF0000000000000255',
    originTopic: 'FixtureTopic',
    unitMode: false,
    maxReconsumeTimes: 16,
  });
  assert.deepEqual(ConsumerSendMsgBack.codes, [RequestCode.CONSUMER_SEND_MSG_BACK]);
});

test('CONSUMER_SEND_MSG_BACK re-encodes to the captured keys and values', () => {
  const request = decodeCommand(readFrameFile(SEND_BACK).subarray(4));
  const encoded = ConsumerSendMsgBack.encode(decoded(ConsumerSendMsgBack.decode(request)));
  assert.deepEqual(encoded, request.extFields);
});

test('offset, group and delayLevel are required; the rest is optional (bname from the Java client)', () => {
  const missing = ConsumerSendMsgBack.decode(RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, { group: 'g', delayLevel: '0' }));
  assert.deepEqual(missing, { ok: false, error: 'the custom field <offset> is null' });
  const bad = ConsumerSendMsgBack.decode(RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: 'x', group: 'g', delayLevel: '0' }));
  assert.equal(bad.ok, false);
  const java = ConsumerSendMsgBack.decode(RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK, { offset: '42', group: 'g', delayLevel: '-1', bname: 'broker-a' }));
  assert.deepEqual(decoded(java), { commitLogOffset: 42, group: 'g', delayLevel: -1, bname: 'broker-a' });
});
