import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, MessageIllegalError, NoPermissionError } from '../../../../src/common/mq-error.js';
import { checkBody, checkProducerGroup, checkTopic, checkUserProperty } from '../../../../src/client/producer/validators.js';

test('topic names follow Validators.checkTopic: not blank, at most 127 chars, only [%|a-zA-Z0-9_-]', () => {
  for (const ok of ['T', 'Topic_1', 'a-b', '%RETRY%group', 'x|y', 'T'.repeat(127)]) checkTopic(ok);
  const refused: Array<[string, RegExp]> = [
    ['', /blank/],
    ['   ', /blank/],
    ['T'.repeat(128), /longer than topic max length 127/],
    ['a.b', /illegal characters, allowing only \^\[%\|a-zA-Z0-9_-\]\+\$/],
    ['主题', /illegal characters/],
  ];
  for (const [topic, pattern] of refused) {
    assert.throws(() => checkTopic(topic), (err: unknown) => err instanceof MessageIllegalError && err.code === 13 && pattern.test(err.message), topic);
  }
});

test("the broker's internal topics are refused with NO_PERMISSION, TBW102 itself is not", () => {
  for (const topic of ['SCHEDULE_TOPIC_XXXX', 'RMQ_SYS_TRANS_HALF_TOPIC', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 'TRANS_CHECK_MAX_TIME_TOPIC', 'SELF_TEST_TOPIC', 'OFFSET_MOVED_EVENT']) {
    assert.throws(() => checkTopic(topic), (err: unknown) => err instanceof NoPermissionError && /Sending message to topic\[.*\] is forbidden/.test(err.message));
  }
  checkTopic('TBW102');
});

test('producer groups follow Validators.checkGroup, and DEFAULT_PRODUCER is refused', () => {
  checkProducerGroup('PID_orders');
  for (const group of ['', 'a b', 'g'.repeat(256), 'DEFAULT_PRODUCER']) {
    assert.throws(() => checkProducerGroup(group), (err: unknown) => err instanceof ConfigError && err.key === 'producerGroup', group);
  }
});

test('bodies must be non-empty and within maxMessageSize; user properties must not be reserved', () => {
  checkBody(Buffer.alloc(10), 10, 'T');
  assert.throws(() => checkBody(Buffer.alloc(0), 10, 'T'), /the message body length is zero/);
  assert.throws(() => checkBody(Buffer.alloc(11), 10, 'T'), /the message body size over max value, MAX: 10/);
  checkUserProperty('orderId', '42', 'T');
  for (const reserved of ['KEYS', 'TAGS', 'WAIT', 'DELAY', 'UNIQ_KEY', 'PGROUP', 'TIMER_DELIVER_MS', 'CLUSTER']) {
    assert.throws(() => checkUserProperty(reserved, 'v', 'T'), /is used by system, input another please/, reserved);
  }
});
