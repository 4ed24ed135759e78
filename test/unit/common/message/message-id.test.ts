import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createOffsetMsgId,
  decodeOffsetMsgId,
  decodeUniqKey,
  parseMessageIdV1,
  UniqKeyGenerator,
  uniqKeyTimestamp,
} from '../../../../src/common/message/message-id.js';
import { encodeSocketAddress } from '../../../../src/common/message/socket-address.js';
import { loadStoreManifest } from '../../../harness/store-fixture.js';

test('creates and decodes the offsetMsgId of every fixture record', () => {
  const storeHost = encodeSocketAddress('127.0.0.1:40911');
  for (const record of loadStoreManifest().commitlog) {
    assert.equal(createOffsetMsgId(record.storeHost, record.commitLogOffset), record.offsetMsgId);
    assert.equal(createOffsetMsgId(storeHost, record.commitLogOffset), record.offsetMsgId);
    assert.deepEqual(decodeOffsetMsgId(record.offsetMsgId), { storeHost: '127.0.0.1:40911', commitLogOffset: record.commitLogOffset });
  }
  assert.equal(createOffsetMsgId('127.0.0.1:40911', 0), '7F00000100009FCF0000000000000000');
});

test('offsetMsgId with an IPv6 store host is 56 hex digits and round-trips', () => {
  const id = createOffsetMsgId('[2001:db8::7]:10911', 2 ** 40);
  assert.equal(id.length, 56);
  assert.equal(id, '20010DB8000000000000000000000007' + '00002A9F' + '0000010000000000');
  assert.deepEqual(decodeOffsetMsgId(id), { storeHost: '2001:db8:0:0:0:0:0:7:10911', commitLogOffset: 2 ** 40 });
  assert.deepEqual(decodeOffsetMsgId(id.toLowerCase()), decodeOffsetMsgId(id));
});

test('rejects malformed offset message ids without throwing', () => {
  for (const bad of ['', 'XYZ', '7F00000100009FCF000000000000000', '7F00000100009FCF000000000000000G', '7F00000100009FCFFFFFFFFFFFFFFFFF']) {
    assert.equal(decodeOffsetMsgId(bad), undefined, bad);
  }
});

test('generates the Java client UNIQ_KEY layout: reproduces the fixture\'s first key', () => {
  // The store run's Java producer: 192.0.2.2, pid 0x7C54, class-loader hash 0x5FFD2B27, clock in UTC.
  let now = 1_795_237_844_489;
  const generator = new UniqKeyGenerator({ ip: '192.0.2.2', pid: 0x7c54, classLoaderHash: 0x5ffd2b27, now: () => now, timeZone: 'utc' });
  const first = generator.next();
  assert.equal(first, loadStoreManifest().commitlog[0]?.properties['UNIQ_KEY']);
  assert.equal(first, 'C00002027C545FFD2B27681BAE090000');
  now += 5;
  assert.equal(generator.next(), 'C00002027C545FFD2B27681BAE0E0001');
});

test('decodes UNIQ_KEYs and recovers their creation time', () => {
  const manifest = loadStoreManifest();
  for (const record of manifest.commitlog) {
    const uniqKey = record.properties['UNIQ_KEY'];
    if (uniqKey === undefined) continue;
    const key = decodeUniqKey(uniqKey);
    assert.ok(key !== undefined);
    assert.equal(key.ip, '192.0.2.2');
    assert.equal(key.pid, 0x7c54);
    assert.equal(key.classLoaderHash, 0x5ffd2b27);
    const created = uniqKeyTimestamp(uniqKey, record.storeTimestamp + 60_000, 'utc');
    assert.ok(created !== undefined && created <= record.bornTimestamp && record.bornTimestamp - created < 1000, `${uniqKey}: ${created}`);
  }
  const counters = manifest.messages.map((m) => decodeUniqKey(m.uniqKey)?.counter);
  assert.deepEqual(counters, counters.map((_, i) => i), 'one JVM numbered its 49 messages from 0');
});

test('round-trips a UNIQ_KEY through generator and decoder, IPv6 included', () => {
  const now = Date.UTC(2024, 1, 29, 12, 0, 0, 123);
  const generator = new UniqKeyGenerator({ ip: '2001:db8::1', pid: 0x12345, classLoaderHash: -1, now: () => now, timeZone: 'utc' });
  const id = generator.next();
  assert.equal(id.length, 56);
  assert.deepEqual(decodeUniqKey(id), {
    ip: '2001:db8:0:0:0:0:0:1',
    pid: 0x2345,
    classLoaderHash: -1,
    msSinceMonthStart: now - Date.UTC(2024, 1, 1),
    counter: 0,
  });
  assert.equal(uniqKeyTimestamp(id, now + 1, 'utc'), now);
  // A key read at or before its own time is taken to be from the month before, as Java does.
  assert.equal(uniqKeyTimestamp(id, now, 'utc'), Date.UTC(2024, 0, 1) + (now - Date.UTC(2024, 1, 1)));
  assert.equal(decodeUniqKey('ZZ'), undefined);
});

test('the UNIQ_KEY counter wraps at 16 bits and each generator has its own', () => {
  const options = { ip: '10.0.0.1', pid: 1, classLoaderHash: 2, now: () => 1_700_000_000_000 } as const;
  const a = new UniqKeyGenerator(options);
  const b = new UniqKeyGenerator(options);
  for (let i = 0; i < 0xffff; i++) a.next();
  assert.equal(a.next().slice(-4), 'FFFF');
  assert.equal(a.next().slice(-4), '0000');
  assert.equal(b.next().slice(-4), '0000');
});

test('the UNIQ_KEY time restarts with each month and forgives a clock stepping back', () => {
  let now = Date.UTC(2026, 10, 30, 23, 59, 59, 999);
  const generator = new UniqKeyGenerator({ ip: '10.0.0.1', pid: 1, classLoaderHash: 2, now: () => now, timeZone: 'utc' });
  assert.equal(decodeUniqKey(generator.next())?.msSinceMonthStart, now - Date.UTC(2026, 10, 1));
  now += 1;
  assert.equal(decodeUniqKey(generator.next())?.msSinceMonthStart, 0);
  now -= 500;
  assert.equal(decodeUniqKey(generator.next())?.msSinceMonthStart, 0);
});

test('parses 5.x client message ids', () => {
  // version 01, MAC 56F7E71C361B, pid 0x21BC, 0x024CCDBE seconds after 2021-01-01, sequence 7.
  const parsed = parseMessageIdV1('0156F7E71C361B21BC024CCDBE00000007');
  assert.deepEqual(parsed, {
    version: 1,
    macAddress: '56F7E71C361B',
    processId: 0x21bc,
    secondsSinceEpoch2021: 0x024ccdbe,
    sequence: 7,
    timestampMs: (1_609_459_200 + 0x024ccdbe) * 1000,
  });
  assert.equal(parseMessageIdV1('C00002027C545FFD2B27681BAE090000'), undefined);
  assert.equal(parseMessageIdV1('0056F7E71C361B21BC024CCDBE00000007'), undefined);
});
