import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { QueryMessage } from '../../../../src/remoting/requests/query.js';
import { defineRequest, field } from '../../../../src/remoting/requests/define-request.js';

const Probe = defineRequest({ codes: [9999], header: { n: field.int(), l: field.long(), s: field.string({ optional: true }) } });

function decode(ext: Record<string, string>) {
  return Probe.decode(RemotingCommand.request(9999, ext));
}

describe('header field decoding', () => {
  test('ints and longs read with surrounding spaces and a sign', () => {
    assert.deepEqual(decode({ n: ' -7 ', l: '123456789012' }), { ok: true, value: { n: -7, l: 123456789012 } });
  });

  test('an int out of 32-bit range, or text, names the field', () => {
    assert.deepEqual(decode({ n: '2147483648', l: '0' }), { ok: false, error: 'the custom field <n> is not a valid int: 2147483648' });
    assert.deepEqual(decode({ n: '1', l: '12a' }), { ok: false, error: 'the custom field <l> is not a valid long: 12a' });
    assert.deepEqual(decode({ l: '1' }), { ok: false, error: 'the custom field <n> is null' });
  });

  test('Long.MAX_VALUE and MIN_VALUE, which Java tools send as "no bound", read as the largest exact numbers', () => {
    assert.deepEqual(decode({ n: '0', l: '9223372036854775807' }), { ok: true, value: { n: 0, l: Number.MAX_SAFE_INTEGER } });
    assert.deepEqual(decode({ n: '0', l: '-9223372036854775808' }), { ok: true, value: { n: 0, l: Number.MIN_SAFE_INTEGER } });
  });

  test('an absent optional field is absent from the value, a present one is there', () => {
    const without = decode({ n: '1', l: '2' });
    assert.ok(without.ok && !('s' in without.value));
    assert.deepEqual(decode({ n: '1', l: '2', s: '' }), { ok: true, value: { n: 1, l: 2, s: '' } });
  });

  test('a header without extFields names the first required field', () => {
    assert.deepEqual(Probe.decode(RemotingCommand.request(9999, null)), { ok: false, error: 'the custom field <n> is null' });
  });

  test('beyond the Java long range is refused', () => {
    assert.equal(decode({ n: '0', l: '9223372036854775808' }).ok, false);
  });

  test("mqadmin queryMsgByKey's endTimestamp decodes", () => {
    const request = RemotingCommand.request(12, { topic: 'T', key: 'k', maxNum: '32', beginTimestamp: '0', endTimestamp: '9223372036854775807' });
    const decoded = QueryMessage.decode(request);
    assert.ok(decoded.ok, decoded.ok ? '' : decoded.error);
  });
});
