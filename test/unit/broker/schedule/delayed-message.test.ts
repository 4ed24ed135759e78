import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DelayLevels } from '../../../../src/broker/schedule/delay-levels.js';
import {
  DELAY_ORIGIN_PROPERTY,
  messageTimeup,
  parseDelayOrigin,
  scheduleDelayedSends,
  toScheduleTopic,
} from '../../../../src/broker/schedule/delayed-message.js';
import { decodeMessageRecord, encodeMessageRecord } from '../../../../src/common/message/message-record.js';
import { decodeProperties, encodeProperties, encodePropertiesInJavaOrder } from '../../../../src/common/message/properties.js';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import type { MessageInput } from '../../../../src/store/message-store.js';

const LEVELS = DelayLevels.parse('1s 5s 10s 30s 1m');

function message(properties: Array<[string, string]>, fields: Partial<MessageInput> = {}): MessageInput {
  return {
    topic: 'OrderTopic',
    queueId: 2,
    flag: 7,
    body: Buffer.from('body'),
    properties: new Map(properties),
    propertiesString: encodeProperties(properties),
    sysFlag: 0,
    bornTimestamp: 1_795_237_595_630,
    bornHost: '127.0.0.1:32948',
    ...fields,
  };
}

test('a delayed message is parked in its level\'s schedule queue with its real topic and queue kept', () => {
  const parked = toScheduleTopic(LEVELS, message([['TAGS', 'TagB'], ['DELAY', '3'], ['KEYS', 'k1']]));
  assert.equal(parked.topic, 'SCHEDULE_TOPIC_XXXX');
  assert.equal(parked.queueId, 2, 'level 3 is queue 2');
  assert.equal(parked.properties.get('REAL_TOPIC'), 'OrderTopic');
  assert.equal(parked.properties.get('REAL_QID'), '2');
  assert.equal(parked.properties.get('DELAY'), '3');
  assert.equal(parked.propertiesString, 'TAGS\u0001TagB\u0002DELAY\u00013\u0002KEYS\u0001k1\u0002REAL_TOPIC\u0001OrderTopic\u0002REAL_QID\u00012', 'the two new properties appended to the string as sent');
  assert.deepEqual(decodeProperties(parked.propertiesString!), new Map(parked.properties));
  assert.equal(parked.flag, 7);
  assert.equal(parked.bornTimestamp, 1_795_237_595_630);
});

test('a level above the highest is clamped, in the queue and in DELAY', () => {
  const parked = toScheduleTopic(LEVELS, message([['DELAY', '18'], ['TAGS', 'a']]));
  assert.equal(parked.queueId, 4);
  assert.equal(parked.properties.get('DELAY'), '5');
  assert.equal(parked.propertiesString, encodePropertiesInJavaOrder(parked.properties), 'a changed value: re-encoded in Java HashMap order, as Java does');
  assert.equal(decodeProperties(parked.propertiesString!).get('DELAY'), '5');
});

test('not delayed: no DELAY, DELAY <= 0, half, prepared and rolled-back transaction messages stay as they are', () => {
  for (const m of [
    message([['TAGS', 'a']]),
    message([['DELAY', '0']]),
    message([['DELAY', '-2']]),
    message([['DELAY', 'x']]),
    message([['DELAY', '3']], { sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE }),
    message([['DELAY', '3']], { sysFlag: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE }),
    message([['DELAY', '3']], { topic: 'RMQ_SYS_TRANS_HALF_TOPIC' }),
  ]) {
    assert.equal(toScheduleTopic(LEVELS, m), m);
  }
  const committed = toScheduleTopic(LEVELS, message([['DELAY', '1']], { sysFlag: MessageSysFlag.TRANSACTION_COMMIT_TYPE }));
  assert.equal(committed.topic, 'SCHEDULE_TOPIC_XXXX', 'a committed transaction message is delayed, as Java\'s store does');
});

test('a parked copy of an already delivered message loses its old origin', () => {
  const parked = toScheduleTopic(LEVELS, message([['DELAY', '2'], [DELAY_ORIGIN_PROPERTY, '0:5']]));
  assert.equal(parked.properties.has(DELAY_ORIGIN_PROPERTY), false);
  assert.equal(decodeProperties(parked.propertiesString!).has(DELAY_ORIGIN_PROPERTY), false);
});

test('send path: single sends are parked in place; a delayed batch is MESSAGE_ILLEGAL', () => {
  const single = [message([['DELAY', '1']])];
  assert.equal(scheduleDelayedSends(LEVELS, single, false), undefined);
  assert.equal(single[0]!.topic, 'SCHEDULE_TOPIC_XXXX');
  const plainBatch = [message([]), message([['TAGS', 'a']])];
  assert.equal(scheduleDelayedSends(LEVELS, plainBatch, true), undefined);
  assert.equal(plainBatch[0]!.topic, 'OrderTopic');
  const delayedBatch = [message([]), message([['DELAY', '2']])];
  assert.equal(scheduleDelayedSends(LEVELS, delayedBatch, true)?.code, ResponseCode.MESSAGE_ILLEGAL);
});

test('time up: the parked record becomes a message for its real topic and queue, DELAY kept as 4.9.8 keeps it', () => {
  const parked = toScheduleTopic(LEVELS, message([['TAGS', 'TagB'], ['DELAY', '3'], ['UNIQ_KEY', 'U1']], { reconsumeTimes: 2, sysFlag: 0 }));
  const record = decodeMessageRecord(
    encodeMessageRecord({
      topic: parked.topic,
      queueId: parked.queueId,
      flag: parked.flag!,
      queueOffset: 9,
      commitLogOffset: 4096,
      sysFlag: 0,
      bornTimestamp: parked.bornTimestamp,
      bornHost: parked.bornHost,
      storeTimestamp: 1_795_237_600_000,
      storeHost: '127.0.0.1:10911',
      reconsumeTimes: 2,
      preparedTransactionOffset: 0,
      body: parked.body,
      propertiesString: parked.propertiesString!,
    }),
    0,
  );
  const delivered = messageTimeup(record, { queueId: 2, queueOffset: 9 })!;
  assert.equal(delivered.topic, 'OrderTopic');
  assert.equal(delivered.queueId, 2);
  assert.equal(delivered.reconsumeTimes, 2);
  assert.equal(delivered.flag, 7);
  assert.equal(delivered.bornTimestamp, 1_795_237_595_630);
  assert.equal(delivered.bornHost, '127.0.0.1:32948');
  assert.deepEqual(Buffer.from(delivered.body), Buffer.from('body'));
  const props = decodeProperties(delivered.propertiesString!);
  assert.equal(props.get('DELAY'), '3', 'Compat: 4.9.8 leaves DELAY in the delivered copy');
  assert.equal(props.get('REAL_TOPIC'), 'OrderTopic');
  assert.equal(props.get('REAL_QID'), '2');
  assert.equal(props.get('UNIQ_KEY'), 'U1');
  assert.deepEqual(parseDelayOrigin(props.get(DELAY_ORIGIN_PROPERTY)!), { queueId: 2, queueOffset: 9 });
});

test('time up without a usable REAL_TOPIC / REAL_QID gives nothing to deliver', () => {
  const base = { storeSize: 0, magicCode: 0, bodyCRC: 0, queueId: 0, flag: 0, queueOffset: 0, commitLogOffset: 0, sysFlag: 0, bornTimestamp: 0, bornHost: '127.0.0.1:1', storeTimestamp: 0, storeHost: '127.0.0.1:2', reconsumeTimes: 0, preparedTransactionOffset: 0, body: Buffer.alloc(0), storedBodyLength: 0, bodyInflated: false, topic: 'SCHEDULE_TOPIC_XXXX', propertiesString: '', offsetMsgId: '' };
  assert.equal(messageTimeup({ ...base, properties: new Map([['REAL_QID', '1']]) }, { queueId: 0, queueOffset: 0 }), undefined);
  assert.equal(messageTimeup({ ...base, properties: new Map([['REAL_TOPIC', 'T'], ['REAL_QID', 'x']]) }, { queueId: 0, queueOffset: 0 }), undefined);
  assert.equal(parseDelayOrigin('2:x'), undefined);
  assert.equal(parseDelayOrigin('2:99999999999999999'), undefined);
});
