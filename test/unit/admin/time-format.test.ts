// The time formats of admin commands: what mqadmin accepts for timestamps, and how times print.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../src/common/mq-error.js';
import { formatTable } from '../../../src/admin/table.js';
import { humanTime, humanTimeMs, parseTimestampFlag } from '../../../src/admin/time-format.js';

describe('admin time formats', () => {
  test('a timestamp flag is milliseconds, yyyy-MM-dd#HH:mm:ss:SSS in local time, or (where allowed) now', () => {
    assert.equal(parseTimestampFlag('1700000000123', 's'), 1_700_000_000_123);
    assert.equal(parseTimestampFlag('2024-02-22#17:26:50:123', 's'), new Date(2024, 1, 22, 17, 26, 50, 123).getTime());
    assert.equal(parseTimestampFlag('now', 's', true), -1);
    assert.throws(() => parseTimestampFlag('now', 'beginTimestamp'), (err: unknown) => err instanceof ConfigError && /--beginTimestamp=now/.test(err.message));
    assert.throws(() => parseTimestampFlag('2024-02-30#00:00:00:000', 's'), ConfigError);
    assert.throws(() => parseTimestampFlag('yesterday', 's', true), /expected now, milliseconds since the epoch, or yyyy-MM-dd#HH:mm:ss:SSS/);
  });

  test('times print as Java\'s timeMillisToHumanString2 and formatDate', () => {
    const ms = new Date(2026, 10, 21, 8, 5, 9, 7).getTime();
    assert.equal(humanTimeMs(ms), '2026-11-21 08:05:09,007');
    assert.equal(humanTime(ms), '2026-11-21 08:05:09');
  });

  test('tables pad every column but the last to its widest cell', () => {
    assert.deepEqual(formatTable(['#Topic', '#QID', '#Diff'], [['LongTopicName', 0, 12], ['T', 10, '']]), [
      '#Topic         #QID  #Diff',
      'LongTopicName  0     12',
      'T              10',
    ]);
  });
});
