import assert from 'node:assert/strict';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import { decodeProperties } from '../../../../src/common/message/properties.js';
import { MessageIllegalError, NoPermissionError } from '../../../../src/common/mq-error.js';
import { messageProperties, prepareMessage, type PrepareSettings } from '../../../../src/client/producer/outgoing-message.js';
import { indexEntry, readFrameFile, splitFrame } from '../../../harness/fixtures.js';

function settings(uniqKeys: string[] = ['C0A80001000100000000000000000000'], overrides: Partial<PrepareSettings> = {}): PrepareSettings {
  let i = 0;
  return { maxMessageSize: 4 * 1024 * 1024, compressMsgBodyOverHowmuch: 4096, nextUniqKey: () => uniqKeys[i++]!, ...overrides };
}

function extFieldsOf(file: string): Record<string, string> {
  const entry = indexEntry(file);
  const header = (entry.header ?? entry.headerDecoded) as { extFields: Record<string, string> };
  return header.extFields;
}

test('properties are written as the Java 4.9.8 producer writes them (fixture send/007)', async () => {
  const ext = extFieldsOf('send/007-client2broker-SEND_MESSAGE_V2-JSON.bin');
  const uniqKey = decodeProperties(ext['i']!).get('UNIQ_KEY')!;
  const prepared = await prepareMessage(
    { topic: 'FixtureTopic', tags: 'TagA', keys: 'java-json-key-1', body: 'java-json-1', properties: { fixtureProp: 'java-json' } },
    settings([uniqKey]),
  );
  assert.equal(prepared.propertiesString, ext['i']);
  assert.equal(prepared.sysFlag, 0);
  assert.equal(prepared.msgId, uniqKey);
  assert.equal(prepared.body.toString(), 'java-json-1');
});

test('a 6000-byte body is deflated to the bytes the Java producer sends, sysFlag 769 (fixture send/017)', async () => {
  const file = 'send/017-client2broker-SEND_MESSAGE_V2-ROCKETMQ.bin';
  const ext = extFieldsOf(file);
  const javaBody = splitFrame(readFrameFile(file)).body;
  const raw = zlib.inflateSync(javaBody);
  const uniqKey = decodeProperties(ext['i']!).get('UNIQ_KEY')!;
  const prepared = await prepareMessage({ topic: 'FixtureTopic', tags: 'TagBig', keys: 'java-big-key', body: raw }, settings([uniqKey]));
  assert.equal(prepared.sysFlag, 769);
  assert.equal(String(prepared.sysFlag), ext['f']);
  assert.deepEqual(prepared.body, javaBody);
  assert.equal(prepared.propertiesString, ext['i']);
});

test('bodies below compressMsgBodyOverHowmuch are sent as they are; at the threshold they are deflated', async () => {
  const below = await prepareMessage({ topic: 'T', body: Buffer.alloc(4095, 'a') }, settings());
  assert.equal(below.sysFlag & MessageSysFlag.COMPRESSED_FLAG, 0);
  assert.equal(below.body.length, 4095);
  const at = await prepareMessage({ topic: 'T', body: Buffer.alloc(4096, 'a') }, settings());
  assert.equal(at.sysFlag, MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_ZLIB_TYPE);
  assert.deepEqual(zlib.inflateSync(at.body), Buffer.alloc(4096, 'a'));
});

test('keys lists, WAIT false, delay level and deliverTimeMs become their properties', () => {
  const props = messageProperties({
    topic: 'T',
    body: 'x',
    keys: ['k1', 'k2'],
    waitStoreMsgOK: false,
    delayTimeLevel: 3,
    deliverTimeMs: 1_700_000_000_000,
    properties: { a: 'b' },
  });
  assert.equal(props.get('KEYS'), 'k1 k2');
  assert.equal(props.get('WAIT'), 'false');
  assert.equal(props.get('DELAY'), '3');
  assert.equal(props.get('TIMER_DELIVER_MS'), '1700000000000');
  assert.equal(props.get('a'), 'b');
  assert.equal(props.has('TAGS'), false);
  assert.equal(messageProperties({ topic: 'T', body: 'x', delayTimeLevel: 0 }).has('DELAY'), false);
});

test('a message resent to a %RETRY% topic carries its counters in the header, not as properties', async () => {
  const prepared = await prepareMessage(
    { topic: '%RETRY%group', body: 'x' },
    settings(),
    new Map([
      ['RECONSUME_TIME', '3'],
      ['MAX_RECONSUME_TIMES', '16'],
    ]),
  );
  assert.equal(prepared.reconsumeTimes, 3);
  assert.equal(prepared.maxReconsumeTimes, 16);
  const props = decodeProperties(prepared.propertiesString);
  assert.equal(props.has('RECONSUME_TIME'), false);
  assert.equal(props.has('MAX_RECONSUME_TIMES'), false);
});

test('a UNIQ_KEY already set is kept (a resend keeps its id); TRAN_MSG=true sets the prepared bit', async () => {
  const prepared = await prepareMessage({ topic: 'T', body: 'x' }, settings(['NEW']), new Map([['UNIQ_KEY', 'OLD'], ['TRAN_MSG', 'true']]));
  assert.equal(prepared.msgId, 'OLD');
  assert.equal(prepared.sysFlag & MessageSysFlag.TRANSACTION_PREPARED_TYPE, MessageSysFlag.TRANSACTION_PREPARED_TYPE);
});

test('invalid messages are refused with MESSAGE_ILLEGAL (13), forbidden topics with NO_PERMISSION (16)', async () => {
  const illegal = async (message: Parameters<typeof prepareMessage>[0], pattern: RegExp, s = settings()): Promise<void> => {
    await assert.rejects(prepareMessage(message, s), (err: unknown) => err instanceof MessageIllegalError && err.code === 13 && pattern.test(err.message));
  };
  await illegal({ topic: '', body: 'x' }, /topic is blank/);
  await illegal({ topic: 'a b', body: 'x' }, /illegal characters/);
  await illegal({ topic: 'T'.repeat(128), body: 'x' }, /longer than topic max length 127/);
  await illegal({ topic: 'T', body: '' }, /body length is zero/);
  await illegal({ topic: 'T', body: Buffer.alloc(11) }, /body size over max value, MAX: 10/, settings(undefined, { maxMessageSize: 10 }));
  await illegal({ topic: 'T', body: 'x', properties: { UNIQ_KEY: 'mine' } }, /Property<UNIQ_KEY> is used by system/);
  await illegal({ topic: 'T', body: 'x', properties: { TAGS: 'x' } }, /Property<TAGS> is used by system/);
  await illegal({ topic: 'T', body: 'x', properties: { a: ' ' } }, /can not be null or blank/);
  await illegal({ topic: 'T', body: 'x', properties: { a: 'x\u0001y' } }, /reserved characters/);
  await illegal({ topic: 'T', body: 'x', tags: 'a\u0002b' }, /reserved characters/);
  await illegal({ topic: 'T', body: 'x', delayTimeLevel: -1 }, /non-negative integer/);
  await illegal({ topic: 'T', body: 'x', flag: 2 ** 31 }, /32-bit integer/);
  await illegal({ topic: 'T', body: 'x', properties: { big: 'v'.repeat(40_000) } }, /properties length/);
  await assert.rejects(prepareMessage({ topic: 'SCHEDULE_TOPIC_XXXX', body: 'x' }, settings()), (err: unknown) => err instanceof NoPermissionError && err.code === 16);
  // %, | , - and _ are allowed.
  await prepareMessage({ topic: '%RETRY%a|b-c_d', body: 'x' }, settings());
});
