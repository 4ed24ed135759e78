import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdjustableClock } from '../../../../src/common/clock.js';
import { ConfigError } from '../../../../src/common/mq-error.js';
import { tagsString2tagsCode } from '../../../../src/common/message/tags.js';
import { brokerConfig } from '../../../../src/broker/config/broker-config.js';
import {
  DEFAULT_MESSAGE_DELAY_LEVEL,
  DelayLevels,
  delayLevelsFor,
  levelOfQueueId,
  parseDelayLevel,
  queueIdOfLevel,
} from '../../../../src/broker/schedule/delay-levels.js';
import { correctDeliverTimestamp } from '../../../../src/broker/schedule/schedule-message-service.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

test('the default levels are 4.9.8\'s eighteen, level 1 first', () => {
  const levels = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL);
  assert.equal(levels.maxLevel, 18);
  assert.deepEqual(levels.delaysMs, [S, 5 * S, 10 * S, 30 * S, M, 2 * M, 3 * M, 4 * M, 5 * M, 6 * M, 7 * M, 8 * M, 9 * M, 10 * M, 20 * M, 30 * M, H, 2 * H]);
  assert.equal(brokerConfig().messageDelayLevel, DEFAULT_MESSAGE_DELAY_LEVEL, 'the broker.conf default is the same string');
});

test('a custom messageDelayLevel takes every unit, days included, and any whitespace', () => {
  const levels = DelayLevels.parse(' 2s  3m\t1h 1d ');
  assert.deepEqual(levels.delaysMs, [2 * S, 3 * M, H, 24 * H]);
  assert.equal(levels.delayMsOf(4), 24 * H);
  assert.equal(levels.delayMsOf(0), undefined);
  assert.equal(levels.delayMsOf(5), undefined);
});

test('a messageDelayLevel Java cannot parse stops startup with a ConfigError naming the key', () => {
  for (const bad of ['', '1s 5x', '1.5s', '10', 's', '-1s', '1s,5s']) {
    assert.throws(
      () => DelayLevels.parse(bad),
      (err: unknown) => err instanceof ConfigError && err.key === 'messageDelayLevel' && err.message.includes('messageDelayLevel'),
      `"${bad}" is refused`,
    );
  }
  assert.throws(() => delayLevelsFor(brokerConfig({ messageDelayLevel: '1s 2q' })), ConfigError);
});

test('levels above the highest are clamped to it; level N lives in schedule queue N-1', () => {
  const levels = DelayLevels.parse('1s 5s 10s');
  assert.equal(levels.clamp(2), 2);
  assert.equal(levels.clamp(3), 3);
  assert.equal(levels.clamp(99), 3);
  assert.equal(queueIdOfLevel(1), 0);
  assert.equal(queueIdOfLevel(18), 17);
  assert.equal(levelOfQueueId(17), 18);
});

test('the delivery time is store time + the level\'s delay, + 1 s for a level it does not know (as Java)', () => {
  const levels = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL);
  const stored = 1_795_237_648_591;
  assert.equal(levels.deliverTimestamp(1, stored), stored + S);
  assert.equal(levels.deliverTimestamp(3, stored), stored + 10 * S);
  assert.equal(levels.deliverTimestamp(18, stored), stored + 2 * H);
  assert.equal(levels.deliverTimestamp(19, stored), stored + S);
});

test('schedule-topic entries carry their delivery time as tag code; everything else its tag hash', () => {
  const tagsCodeOf = DelayLevels.parse(DEFAULT_MESSAGE_DELAY_LEVEL).tagsCodeOf();
  const stored = 1_795_237_648_591;
  const props = (entries: Array<[string, string]>): Map<string, string> => new Map(entries);
  assert.equal(tagsCodeOf('SCHEDULE_TOPIC_XXXX', props([['DELAY', '3'], ['TAGS', 'TagB']]), stored), stored + 10 * S);
  assert.equal(tagsCodeOf('SCHEDULE_TOPIC_XXXX', props([['DELAY', '40']]), stored), stored + 2 * H, 'clamped to the highest level');
  assert.equal(tagsCodeOf('SCHEDULE_TOPIC_XXXX', props([['TAGS', 'TagB']]), stored), tagsString2tagsCode('TagB'), 'no DELAY: the tag hash');
  assert.equal(tagsCodeOf('SCHEDULE_TOPIC_XXXX', props([['DELAY', '0'], ['TAGS', 'TagB']]), stored), tagsString2tagsCode('TagB'));
  assert.equal(tagsCodeOf('FixtureTopic', props([['DELAY', '3'], ['TAGS', 'TagB']]), stored), tagsString2tagsCode('TagB'), 'other topics: the tag hash');
});

test('DELAY is a level only when it is an integer (anything else is "not delayed")', () => {
  assert.equal(parseDelayLevel('3'), 3);
  assert.equal(parseDelayLevel(' 18 '), 18);
  assert.equal(parseDelayLevel('0'), 0);
  assert.equal(parseDelayLevel('-1'), -1);
  assert.equal(parseDelayLevel(undefined), 0);
  assert.equal(parseDelayLevel('three'), 0);
  assert.equal(parseDelayLevel('3.5'), 0);
});

test('a delivery time further ahead than the whole delay (the clock went back) is due now, as Java corrects it', () => {
  const now = 1_000_000;
  assert.equal(correctDeliverTimestamp(now, now + 10 * S, 10 * S), now + 10 * S);
  assert.equal(correctDeliverTimestamp(now, now + 10 * S + 1, 10 * S), now);
  assert.equal(correctDeliverTimestamp(now, now - 5, 10 * S), now - 5);
});

test('the adjustable clock is the base clock plus an offset that moves both ways', () => {
  let base = 1000;
  const clock = new AdjustableClock(50, () => base);
  assert.equal(clock.now(), 1050);
  base = 2000;
  assert.equal(clock.now(), 2050);
  clock.advance(2 * H);
  assert.equal(clock.now(), 2050 + 2 * H);
  clock.offsetMs = -100;
  assert.equal(clock.now(), 1900);
  assert.throws(() => (clock.offsetMs = 1.5), RangeError);
});
