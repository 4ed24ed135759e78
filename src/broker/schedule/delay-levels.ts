// Owns: the delay levels (broker.conf messageDelayLevel): parsing, clamping a requested level,
// the schedule queue of each level, and the delivery time a delayed message's ConsumeQueue entry
// carries as its tag code.
// Counterpart: org.apache.rocketmq.store.schedule.ScheduleMessageService (parseDelayLevel,
// computeDeliverTimestamp, delayLevel2QueueId) and the tagsCode part of
// CommitLog.checkMessageAndReturnSize, 4.9.8.
//
// Level N (1-based) lives in queue N-1 of SCHEDULE_TOPIC_XXXX. Its ConsumeQueue entries carry, in
// place of a tag hash, the time the message is due: store time + the level's delay. The delivery
// service reads that and never has to open a record that is not due.

import { ConfigError } from '../../common/mq-error.js';
import { MessageConst } from '../../common/message/properties.js';
import { defaultTagsCode, type TagsCodeOf } from '../../store/commitlog/dispatch-request.js';
import { SCHEDULE_TOPIC } from '../topic/topic-config-manager.js';

export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 });
const LEVEL = /^(\d+)([smhd])$/;

/** Java's computeDeliverTimestamp for a level it does not know: one second. */
const UNKNOWN_LEVEL_DELAY_MS = 1000;

export class DelayLevels {
  /** delaysMs[i] is the delay of level i + 1. */
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[]) {
    if (delaysMs.length === 0) throw new RangeError('at least one delay level');
    this.delaysMs = Object.freeze([...delaysMs]);
  }

  /**
   * Parses messageDelayLevel: space-separated durations, each a whole number and a unit (s, m, h
   * or d), level 1 first. Java refuses to start on a value it cannot parse; so do we (ConfigError).
   * Compat: Java splits on single spaces, so it fails on doubled ones; we accept any whitespace.
   */
  static parse(text: string): DelayLevels {
    const items = text.trim().split(/\s+/).filter((s) => s !== '');
    if (items.length === 0) {
      throw new ConfigError(`config messageDelayLevel=${text}: expected durations such as "1s 5s 10s 30s 1m 2h"`, { key: 'messageDelayLevel' });
    }
    const delaysMs = items.map((item) => {
      const m = LEVEL.exec(item);
      const ms = m === null ? Number.NaN : Number(m[1]) * UNIT_MS[m[2]!]!;
      if (!Number.isSafeInteger(ms)) {
        throw new ConfigError(`config messageDelayLevel=${text}: "${item}" is not a whole number followed by s, m, h or d`, { key: 'messageDelayLevel' });
      }
      return ms;
    });
    return new DelayLevels(delaysMs);
  }

  get maxLevel(): number {
    return this.delaysMs.length;
  }

  /** The delay of `level` in ms, or undefined outside 1..maxLevel. */
  delayMsOf(level: number): number | undefined {
    return level >= 1 ? this.delaysMs[level - 1] : undefined;
  }

  /** A requested level as stored: above the highest level means the highest (Java clamps too). */
  clamp(level: number): number {
    return Math.min(level, this.maxLevel);
  }

  /** Java's computeDeliverTimestamp: store time + the level's delay (1 s for an unknown level). */
  deliverTimestamp(level: number, storeTimestamp: number): number {
    return storeTimestamp + (this.delayMsOf(level) ?? UNKNOWN_LEVEL_DELAY_MS);
  }

  /**
   * The store's tag-code function: for SCHEDULE_TOPIC_XXXX messages with a DELAY property > 0,
   * the delivery time of their (clamped) level; for everything else, the tag hash.
   */
  tagsCodeOf(): TagsCodeOf {
    return (topic, properties, storeTimestamp) => {
      if (topic === SCHEDULE_TOPIC) {
        const level = parseDelayLevel(properties.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL));
        if (level > 0) return this.deliverTimestamp(this.clamp(level), storeTimestamp);
      }
      return defaultTagsCode(topic, properties, storeTimestamp);
    };
  }
}

const levelsByConfig = new WeakMap<object, DelayLevels>();

/**
 * The delay levels of a broker config (its messageDelayLevel), parsed on first use and kept with
 * that (frozen) config object, so the store's tag codes, the send path and the delivery service
 * share one instance, and contexts built outside the Broker (unit tests) get them too.
 */
export function delayLevelsFor(config: { readonly messageDelayLevel: string }): DelayLevels {
  let levels = levelsByConfig.get(config);
  if (levels === undefined) {
    levels = DelayLevels.parse(config.messageDelayLevel);
    levelsByConfig.set(config, levels);
  }
  return levels;
}

/** Schedule queue of a level (Java delayLevel2QueueId). */
export function queueIdOfLevel(level: number): number {
  return level - 1;
}

/** Level of a schedule queue (Java queueId2DelayLevel). */
export function levelOfQueueId(queueId: number): number {
  return queueId + 1;
}

/**
 * The DELAY property as a level: 0 when absent or not an integer. Compat: Java's
 * Integer.parseInt throws on a non-number and the send fails with SYSTEM_ERROR; we treat it as
 * "not delayed", which is what a client writing garbage there most plausibly means.
 */
export function parseDelayLevel(value: string | undefined): number {
  if (value === undefined || !/^\s*-?\d{1,9}\s*$/.test(value)) return 0;
  return Number(value);
}
