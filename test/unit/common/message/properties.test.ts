import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  decodeProperties,
  encodeProperties,
  encodePropertiesInJavaOrder,
  MessageConst,
  SYSTEM_PROPERTY_KEYS,
} from '../../../../src/common/message/properties.js';
import { decodeMessageRecords } from '../../../../src/common/message/message-record.js';
import { repoRoot, loadIndex, readFrameFile, splitFrame } from '../../../harness/fixtures.js';
import { loadStoreManifest } from '../../../harness/store-fixture.js';

const entries = (map: Map<string, string>): [string, string][] => [...map.entries()];

test('decodes with or without a final separator', () => {
  assert.deepEqual(entries(decodeProperties('A\u00011\u0002B\u00012')), [['A', '1'], ['B', '2']]);
  assert.deepEqual(entries(decodeProperties('A\u00011\u0002B\u00012\u0002')), [['A', '1'], ['B', '2']]);
  assert.equal(decodeProperties('').size, 0);
});

test('skips malformed items as Java does', () => {
  // No name/value separator, empty name, empty value, empty items, a lone separator.
  const decoded = decodeProperties('NOSEP\u0002\u0001v\u0002K\u0001\u0002\u0002\u0002ok\u0001yes\u0002x');
  assert.deepEqual(entries(decoded), [['ok', 'yes']]);
});

test('cuts an item at its first name/value separator, so values may contain U+0001', () => {
  assert.deepEqual(entries(decodeProperties('K\u0001a\u0001b')), [['K', 'a\u0001b']]);
});

test('keeps the first position and the last value of a repeated name', () => {
  assert.deepEqual(entries(decodeProperties('W\u0001true\u0002T\u0001x\u0002W\u0001false')), [['W', 'false'], ['T', 'x']]);
});

test('encodes without a trailing separator and leaves out null values', () => {
  assert.equal(encodeProperties([['A', '1'], ['B', null], ['C', undefined], ['D', '']]), 'A\u00011\u0002D\u0001');
  assert.equal(encodeProperties(new Map([['A', '1'], ['B', '2']])), 'A\u00011\u0002B\u00012');
  assert.equal(encodeProperties([]), '');
});

test('writes every non-batch fixture record\'s properties byte for byte in Java HashMap order', () => {
  const manifest = loadStoreManifest();
  let checked = 0;
  for (const record of manifest.commitlog) {
    const map = decodeProperties(record.propertiesRaw);
    const itemCount = record.propertiesRaw.split('\u0002').length;
    if (itemCount !== map.size) continue; // batch records repeat WAIT: two strings joined
    assert.equal(encodePropertiesInJavaOrder(map), record.propertiesRaw, `record at ${record.commitLogOffset}`);
    checked++;
  }
  assert.equal(checked, manifest.commitlog.length - 5);
});

test('re-encodes the broker-written properties of every stored record in the wire fixtures', () => {
  // Includes ali-ons messages (pull/002), sent with a trailing separator, which the broker drops.
  for (const frame of loadIndex().filter((f) => f.bodyFormat.startsWith('stored-messages'))) {
    for (const msg of decodeMessageRecords(splitFrame(readFrameFile(frame.file)).body)) {
      if (msg.propertiesString.split('\u0002').length !== msg.properties.size) continue;
      assert.ok(!msg.propertiesString.endsWith('\u0002'));
      assert.equal(encodePropertiesInJavaOrder(msg.properties), msg.propertiesString, frame.file);
    }
  }
});

test('orders names sharing a HashMap bucket by insertion', () => {
  // UNIQ_KEY and CLUSTER share a bucket of a 16-slot table; the broker adds CLUSTER last.
  const props = (keys: string[]): Map<string, string> => new Map(keys.map((k) => [k, 'v']));
  assert.equal(
    encodePropertiesInJavaOrder(props(['TAGS', 'CLUSTER', 'UNIQ_KEY', 'KEYS'])),
    encodeProperties(props(['KEYS', 'CLUSTER', 'UNIQ_KEY', 'TAGS'])),
  );
  assert.equal(
    encodePropertiesInJavaOrder(props(['TAGS', 'UNIQ_KEY', 'KEYS', 'CLUSTER'])),
    encodeProperties(props(['KEYS', 'UNIQ_KEY', 'CLUSTER', 'TAGS'])),
  );
});

test('MessageConst names every key of protocol.md section 4.4', () => {
  const protocol = fs.readFileSync(path.resolve(repoRoot, '../shared/docs/protocol.md'), 'utf8');
  const start = protocol.indexOf('### 4.4 Properties string');
  const end = protocol.indexOf('### 4.5', start);
  assert.ok(start > 0 && end > start);
  const documented = new Set<string>();
  for (const line of protocol.slice(start, end).split('\n')) {
    const cell = /^\| ([^|]+) \|/.exec(line)?.[1];
    if (cell === undefined || cell === 'key') continue;
    for (const m of cell.matchAll(/`([^`]+)`/g)) documented.add(m[1] as string);
  }
  assert.ok(documented.size > 50, `parsed ${documented.size} keys`);
  const known = new Set<string>(Object.values(MessageConst));
  assert.deepEqual([...documented].filter((key) => !known.has(key)), []);
});

test('SYSTEM_PROPERTY_KEYS is Java\'s reserved set and leaves user keys alone', () => {
  assert.ok(SYSTEM_PROPERTY_KEYS.has('TAGS'));
  assert.ok(SYSTEM_PROPERTY_KEYS.has('UNIQ_KEY'));
  assert.ok(SYSTEM_PROPERTY_KEYS.has('__CRC32#'));
  assert.ok(!SYSTEM_PROPERTY_KEYS.has('fixtureIndex'));
  assert.ok(!SYSTEM_PROPERTY_KEYS.has(MessageConst.PROPERTY_TRANSACTION_ID));
  assert.equal(SYSTEM_PROPERTY_KEYS.size, 51);
});
