// Owns: the time formats mqadmin prints and parses, in the local time zone as Java's do:
// "2024-02-22 17:26:50,123" (UtilAll.timeMillisToHumanString2), "2024-02-22 17:26:50"
// (UtilAll.formatDate with YYYY_MM_DD_HH_MM_SS), and the timestamp flags: "now", milliseconds since
// the epoch, or "2024-02-22#17:26:50:123" (UtilAll.YYYY_MM_DD_HH_MM_SS_SSS).
// Counterpart: org.apache.rocketmq.common.UtilAll (4.9.8).

import { ConfigError } from '../common/mq-error.js';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "yyyy-MM-dd HH:mm:ss,SSS", local time. */
export function humanTimeMs(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** "yyyy-MM-dd HH:mm:ss", local time. */
export function humanTime(ms: number): string {
  return humanTimeMs(ms).slice(0, 19);
}

const DATE_FLAG = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

/**
 * A timestamp flag: milliseconds since the epoch, or yyyy-MM-dd#HH:mm:ss:SSS in local time; with
 * `allowNow`, "now" gives -1 (resetOffsetByTime's "to the end"). A ConfigError naming the flag otherwise.
 */
export function parseTimestampFlag(value: string, flag: string, allowNow = false): number {
  if (allowNow && value === 'now') return -1;
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  const m = DATE_FLAG.exec(value);
  if (m !== null) {
    const [, y, mo, d, h, mi, s, ms] = m.map(Number) as [number, number, number, number, number, number, number, number];
    const date = new Date(y, mo - 1, d, h, mi, s, ms);
    // Date rolls 2024-02-30 over to March; Java's lenient parse would too, but a typo deserves an error.
    if (date.getMonth() === mo - 1 && date.getDate() === d) return date.getTime();
  }
  const accepted = allowNow ? 'now, milliseconds since the epoch, or yyyy-MM-dd#HH:mm:ss:SSS' : 'milliseconds since the epoch or yyyy-MM-dd#HH:mm:ss:SSS';
  throw new ConfigError(`--${flag}=${value}: expected ${accepted}`, { key: flag });
}
