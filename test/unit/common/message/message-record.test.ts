import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import {
  BLANK_MAGIC_CODE,
  BODY_CRC_POS,
  bodyLengthPos,
  checkMessageRecord,
  computeBodyCRC,
  decodeMessageRecord,
  decodeMessageRecords,
  encodeMessageRecord,
  MAGIC_CODE_POS,
  MESSAGE_MAGIC_CODE_V1,
  MESSAGE_MAGIC_CODE_V2,
  MessageRecordError,
  patchCommitLogOffset,
  patchQueueOffset,
  patchStoreTimestamp,
  PHYSICAL_OFFSET_POS,
  QUEUE_OFFSET_POS,
  RECORD_FIXED_BYTES,
  recordSize,
  storeTimestampPos,
  writeBlankRecord,
  writeMessageRecord,
} from '../../../../src/common/message/message-record.js';
import type { MessageExt, MessageRecordInput } from '../../../../src/common/message/message-record.js';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import { encodeSocketAddress } from '../../../../src/common/message/socket-address.js';
import { loadIndex, readFrameFile, splitFrame } from '../../../harness/fixtures.js';
import { loadStoreManifest, readCommitLogSegment } from '../../../harness/store-fixture.js';
import type { ManifestRecord } from '../../../harness/store-fixture.js';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Walks a segment from 0 the way recovery does, until the first status that is not `ok`. */
function walk(segment: Buffer): { records: { offset: number; size: number }[]; stop: ReturnType<typeof checkMessageRecord>; stopOffset: number } {
  const records: { offset: number; size: number }[] = [];
  let offset = 0;
  for (;;) {
    const check = checkMessageRecord(segment, offset, { checkCRC: true });
    if (check.status !== 'ok') return { records, stop: check, stopOffset: offset };
    records.push({ offset, size: check.size });
    offset += check.size;
  }
}

/** A decoded record without its BODYCRC, so that re-encoding computes the CRC itself. */
function withoutCRC(msg: MessageExt): MessageRecordInput {
  const { bodyCRC: _bodyCRC, ...rest } = msg;
  return rest;
}

function assertMatchesManifest(msg: MessageExt, inflated: MessageExt, expected: ManifestRecord): void {
  const where = `record at ${expected.commitLogOffset}`;
  assert.equal(msg.commitLogOffset, expected.commitLogOffset, where);
  assert.equal(msg.storeSize, expected.storeSize, where);
  assert.equal(`0x${(msg.magicCode >>> 0).toString(16)}`, expected.magicCode, where);
  assert.equal(msg.offsetMsgId, expected.offsetMsgId, where);
  assert.equal(msg.topic, expected.topic, where);
  assert.equal(msg.queueId, expected.queueId, where);
  assert.equal(msg.queueOffset, expected.queueOffset, where);
  assert.equal(msg.sysFlag, expected.sysFlag, where);
  assert.equal(msg.flag, expected.flag, where);
  assert.equal(msg.bodyCRC, expected.bodyCRC, where);
  assert.equal(msg.bornTimestamp, expected.bornTimestamp, where);
  assert.equal(msg.bornHost, expected.bornHost, where);
  assert.equal(msg.storeTimestamp, expected.storeTimestamp, where);
  assert.equal(msg.storeHost, expected.storeHost, where);
  assert.equal(msg.reconsumeTimes, expected.reconsumeTimes, where);
  assert.equal(msg.preparedTransactionOffset, expected.preparedTransactionOffset, where);
  assert.equal(msg.propertiesString, expected.propertiesRaw, where);
  assert.deepEqual([...msg.properties.entries()], Object.entries(expected.properties), where);
  assert.equal(msg.storedBodyLength, expected.storedBodyLength, where);
  assert.equal(msg.body.length, expected.storedBodyLength, where);
  assert.equal(sha256(msg.body), expected.storedBodySha256, where);
  assert.equal((msg.sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0, expected.compressed, where);
  assert.equal(inflated.bodyInflated, expected.compressed, where);
  assert.equal(inflated.body.length, expected.bodyLength, where);
  assert.equal(sha256(inflated.body), expected.bodySha256, where);
  assert.equal(inflated.body.toString('utf8'), expected.body, where);
}

test('walks the whole fixture commitlog and matches every record of store-manifest.json, field by field', () => {
  const segment = readCommitLogSegment();
  const manifest = loadStoreManifest();
  const { records, stop, stopOffset } = walk(segment);

  assert.equal(records.length, manifest.commitlog.length);
  assert.equal(records.length, manifest.counts.commitlogRecords);
  assert.deepEqual(stop, { status: 'end' });
  assert.equal(stopOffset, manifest.store.commitlogWrittenEndOffset);
  assert.ok(segment.subarray(stopOffset).every((byte) => byte === 0), 'the segment is zero after its last record');

  records.forEach(({ offset, size }, i) => {
    const expected = manifest.commitlog[i] as ManifestRecord;
    assert.equal(offset, expected.commitLogOffset);
    const msg = decodeMessageRecord(segment, offset);
    const inflated = decodeMessageRecord(segment, offset, { inflate: true });
    assert.equal(msg.storeSize, size);
    assertMatchesManifest(msg, inflated, expected);
  });
});

test('re-encodes every fixture record to the same bytes, CRC computed afresh', () => {
  const segment = readCommitLogSegment();
  for (const { offset, size } of walk(segment).records) {
    const msg = decodeMessageRecord(segment, offset);
    const stored = segment.subarray(offset, offset + size);
    assert.equal(recordSize(msg), size);
    assert.equal(computeBodyCRC(msg.body), msg.bodyCRC);
    assert.deepEqual(encodeMessageRecord(withoutCRC(msg)), stored, `record at ${offset}`);
    assert.deepEqual(encodeMessageRecord(msg), stored, `record at ${offset}, CRC given`);
  }
});

test('writes records in place into a preallocated segment, then patches offsets and store time', () => {
  const segment = readCommitLogSegment();
  const { records, stopOffset } = walk(segment);
  const copy = Buffer.alloc(segment.length);
  const storeHost = encodeSocketAddress('127.0.0.1:40911');
  let writeOffset = 0;
  for (const { offset } of records) {
    const msg = decodeMessageRecord(segment, offset);
    // As the store does: encode with placeholders and binary hosts, reserve, then patch.
    const input: MessageRecordInput = {
      ...withoutCRC(msg),
      queueOffset: 0,
      commitLogOffset: 0,
      storeTimestamp: 0,
      storeHost,
      bornHost: encodeSocketAddress(msg.bornHost),
      propertiesString: Buffer.from(msg.propertiesString, 'utf8'),
    };
    const size = recordSize(input);
    assert.equal(writeMessageRecord(copy, writeOffset, input, size), size);
    patchQueueOffset(copy, writeOffset, msg.queueOffset);
    patchCommitLogOffset(copy, writeOffset, writeOffset);
    patchStoreTimestamp(copy, writeOffset, msg.storeTimestamp);
    writeOffset += size;
  }
  assert.equal(writeOffset, stopOffset);
  assert.deepEqual(copy, segment);
});

test('into: encodes at an offset of a caller buffer and returns a view of it', () => {
  const segment = readCommitLogSegment();
  const msg = decodeMessageRecord(segment, 0);
  const target = Buffer.alloc(msg.storeSize + 100);
  const view = encodeMessageRecord(msg, { buf: target, offset: 50 });
  assert.equal(view.buffer, target.buffer);
  assert.equal(view.byteOffset, target.byteOffset + 50);
  assert.deepEqual(view, segment.subarray(0, msg.storeSize));
  assert.throws(() => encodeMessageRecord(msg, { buf: target, offset: 101 }), RangeError);
});

test('exports the field positions Java patches after reserving space', () => {
  assert.equal(QUEUE_OFFSET_POS, 20);
  assert.equal(PHYSICAL_OFFSET_POS, 28);
  assert.equal(storeTimestampPos(0), 56);
  assert.equal(storeTimestampPos(MessageSysFlag.BORNHOST_V6_FLAG), 68);
  assert.equal(storeTimestampPos(MessageSysFlag.STOREHOSTADDRESS_V6_FLAG), 56);
  assert.equal(bodyLengthPos(0), 84);
  assert.equal(bodyLengthPos(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG), 108);
  assert.equal(RECORD_FIXED_BYTES, 91);
});

test('decodes the body as a slice of the input, without copying', () => {
  const segment = readCommitLogSegment();
  const msg = decodeMessageRecord(segment, 0);
  assert.equal(msg.body.buffer, segment.buffer);
  assert.equal(msg.body.byteOffset, segment.byteOffset + 88);
  const skipped = decodeMessageRecord(segment, 0, { readBody: false });
  assert.equal(skipped.body.length, 0);
  assert.equal(skipped.storedBodyLength, 9);
});

test('decodes every stored-messages body in the wire fixtures to its messages[] summary', () => {
  const frames = loadIndex().filter((frame) => frame.bodyFormat.startsWith('stored-messages'));
  assert.ok(frames.length >= 5, 'pull, query, view and check-transaction bodies');
  assert.ok(frames.some((frame) => frame.file.startsWith('pull/')));
  for (const frame of frames) {
    const body = splitFrame(readFrameFile(frame.file)).body;
    const expected = frame['messages'] as Record<string, unknown>[];
    const decoded = decodeMessageRecords(body, { checkCRC: true });
    assert.equal(decoded.length, expected.length, frame.file);
    let offset = 0;
    decoded.forEach((msg, i) => {
      const summary = expected[i] as Record<string, unknown>;
      const where = `${frame.file} message ${i}`;
      assert.deepEqual(
        {
          totalSize: msg.storeSize,
          magic: (msg.magicCode >>> 0).toString(16),
          bodyCRC: msg.bodyCRC,
          queueId: msg.queueId,
          flag: msg.flag,
          queueOffset: msg.queueOffset,
          physicalOffset: msg.commitLogOffset,
          sysFlag: msg.sysFlag,
          bornTimestamp: msg.bornTimestamp,
          bornHost: msg.bornHost,
          storeTimestamp: msg.storeTimestamp,
          storeHost: msg.storeHost,
          reconsumeTimes: msg.reconsumeTimes,
          preparedTransactionOffset: msg.preparedTransactionOffset,
          storedBodyLength: msg.storedBodyLength,
          topic: msg.topic,
          properties: Object.fromEntries(msg.properties),
          bodyText: msg.body.toString('utf8').slice(0, 120),
        },
        summary,
        where,
      );
      assert.deepEqual([...msg.properties.keys()], Object.keys(summary['properties'] as object), where);
      assert.deepEqual(encodeMessageRecord(withoutCRC(msg)), body.subarray(offset, offset + msg.storeSize), where);
      offset += msg.storeSize;
    });
    assert.equal(offset, body.length, frame.file);
  }
});

/** The first fixture record, copied so tests can damage it. */
function firstRecordCopy(): Buffer {
  const segment = readCommitLogSegment();
  return Buffer.from(segment.subarray(0, segment.readInt32BE(0)));
}

test('reports a flipped body byte as a CRC mismatch, and accepts it when CRC checking is off', () => {
  const record = firstRecordCopy();
  record[88] = (record[88] as number) ^ 0x01;
  const check = checkMessageRecord(record, 0, { checkCRC: true });
  assert.equal(check.status, 'corrupt');
  assert.equal(check.status === 'corrupt' && check.reason, 'crc');
  assert.deepEqual(checkMessageRecord(record, 0, { checkCRC: false }), { status: 'ok', size: record.length });
  assert.throws(() => decodeMessageRecord(record, 0, { checkCRC: true }), (error: unknown) => error instanceof MessageRecordError && error.reason === 'crc');
  assert.equal(decodeMessageRecord(record, 0).body.toString(), 'gixture-0');
});

test('reports a bad magic code as corrupt, not as a throw', () => {
  const record = firstRecordCopy();
  record.writeInt32BE(0x12345678, MAGIC_CODE_POS);
  const check = checkMessageRecord(record, 0);
  assert.equal(check.status, 'corrupt');
  assert.equal(check.status === 'corrupt' && check.reason, 'magic');
  assert.throws(() => decodeMessageRecords(record), (error: unknown) => error instanceof MessageRecordError && error.reason === 'magic' && error.position === 0);
});

test('reports sizes that disagree with the buffer or with the fields as corrupt', () => {
  const record = firstRecordCopy();
  const pastEnd = Buffer.from(record);
  pastEnd.writeInt32BE(record.length + 1, 0);
  const truncated = record.subarray(0, record.length - 1);
  const roomy = Buffer.concat([record, Buffer.alloc(16)]);
  roomy.writeInt32BE(record.length + 4, 0);
  const badBodyLength = Buffer.from(record);
  badBodyLength.writeInt32BE(10_000, 84);
  const negativeBodyLength = Buffer.from(record);
  negativeBodyLength.writeInt32BE(-1, 84);
  const tiny = Buffer.from(record.subarray(0, 8));
  tiny.writeInt32BE(8, 0);
  for (const [name, buf] of Object.entries({ pastEnd, truncated, roomy, badBodyLength, negativeBodyLength, tiny })) {
    const check = checkMessageRecord(buf, 0);
    assert.equal(check.status === 'corrupt' && check.reason, 'size', `${name}: ${JSON.stringify(check)}`);
  }
  assert.equal(checkMessageRecord(record.subarray(0, 5), 0).status, 'corrupt');
  assert.equal(checkMessageRecord(record, record.length + 1).status, 'corrupt');
});

test('reports an offset or timestamp beyond 2^53 as corrupt', () => {
  const record = firstRecordCopy();
  record.writeInt32BE(0x7fffffff, QUEUE_OFFSET_POS);
  const check = checkMessageRecord(record, 0, { checkCRC: false });
  assert.equal(check.status === 'corrupt' && check.reason, 'field');
});

test('recognises blank records and the zero-filled end', () => {
  const segment = Buffer.alloc(256);
  writeBlankRecord(segment, 100, 156);
  assert.equal(segment.readInt32BE(104), BLANK_MAGIC_CODE);
  assert.equal(BLANK_MAGIC_CODE, -875286124);
  assert.deepEqual(checkMessageRecord(segment, 100), { status: 'blank', remaining: 156 });
  assert.deepEqual(checkMessageRecord(segment, 0), { status: 'end' });
  assert.deepEqual(checkMessageRecord(segment, 256), { status: 'end' });
  assert.deepEqual(checkMessageRecord(segment, 252), { status: 'end' });
  segment.writeInt32BE(1000, 100);
  assert.equal(checkMessageRecord(segment, 100).status, 'corrupt');
  assert.throws(() => writeBlankRecord(segment, 250, 6), RangeError);
  assert.throws(() => decodeMessageRecord(Buffer.alloc(16), 0), (error: unknown) => error instanceof MessageRecordError && error.reason === 'end');
});

test('decodeMessageRecords stops at a blank record', () => {
  const record = firstRecordCopy();
  const buf = Buffer.alloc(record.length * 2 + 64);
  record.copy(buf, 0);
  record.copy(buf, record.length);
  writeBlankRecord(buf, record.length * 2, 64);
  assert.equal(decodeMessageRecords(buf).length, 2);
});

const sample: MessageRecordInput = {
  topic: 'T',
  queueId: 3,
  flag: 7,
  queueOffset: 42,
  commitLogOffset: 2 ** 40 + 5,
  sysFlag: 0,
  bornTimestamp: 1_795_237_844_490,
  bornHost: '10.0.0.1:5000',
  storeTimestamp: 1_795_237_844_507,
  storeHost: '127.0.0.1:10911',
  reconsumeTimes: 2,
  preparedTransactionOffset: 0,
  body: Buffer.from('hello'),
  propertiesString: 'TAGS\u0001a\u0002KEYS\u0001k',
};

test('writes IPv6 hosts in 20 bytes when the sysFlag bits say so, and reads them back', () => {
  const sysFlag = MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const msg: MessageRecordInput = { ...sample, sysFlag, bornHost: '[2001:db8::1]:5000', storeHost: '::1:10911' };
  const buf = encodeMessageRecord(msg);
  assert.equal(buf.length, RECORD_FIXED_BYTES + 24 + 5 + 1 + msg.propertiesString.length);
  const decoded = decodeMessageRecord(buf, 0, { checkCRC: true });
  assert.equal(decoded.bornHost, '2001:db8:0:0:0:0:0:1:5000');
  assert.equal(decoded.storeHost, '0:0:0:0:0:0:0:1:10911');
  assert.equal(decoded.storeTimestamp, msg.storeTimestamp);
  assert.equal(decoded.commitLogOffset, 2 ** 40 + 5);
  assert.equal(decoded.offsetMsgId, `${'0'.repeat(30)}01${(10911).toString(16).toUpperCase().padStart(8, '0')}0000010000000005`);
  assert.deepEqual(encodeMessageRecord(decoded), buf);
  patchStoreTimestamp(buf, 0, 123);
  assert.equal(decodeMessageRecord(buf, 0).storeTimestamp, 123);
  // An IPv4 peer seen on a dual-stack socket is stored narrow; a real IPv6 host needs the bit.
  assert.equal(decodeMessageRecord(encodeMessageRecord({ ...sample, bornHost: '::ffff:10.0.0.9:77' }), 0).bornHost, '10.0.0.9:77');
  assert.throws(() => encodeMessageRecord({ ...sample, bornHost: '[2001:db8::1]:5000' }), TypeError);
  assert.throws(() => encodeMessageRecord({ ...sample, storeHost: encodeSocketAddress('::1:1') }), TypeError);
});

test('uses the V2 magic code and a 2-byte topic length for topics longer than 127 bytes', () => {
  const longTopic = 'x'.repeat(200);
  const buf = encodeMessageRecord({ ...sample, topic: longTopic });
  assert.equal(buf.readInt32BE(MAGIC_CODE_POS), MESSAGE_MAGIC_CODE_V2);
  assert.equal(decodeMessageRecord(buf, 0).topic, longTopic);
  assert.equal(encodeMessageRecord(sample).readInt32BE(MAGIC_CODE_POS), MESSAGE_MAGIC_CODE_V1);
  const forcedV2 = encodeMessageRecord({ ...sample, magicCode: MESSAGE_MAGIC_CODE_V2 });
  assert.equal(forcedV2.length, encodeMessageRecord(sample).length + 1);
  assert.equal(decodeMessageRecord(forcedV2, 0).topic, 'T');
  assert.throws(() => encodeMessageRecord({ ...sample, topic: longTopic, magicCode: MESSAGE_MAGIC_CODE_V1 }), RangeError);
});

test('writes every topic byte as UTF-8: ASCII, non-ASCII and lone surrogates, short and long', () => {
  for (const topic of ['T', 'Topic_%-1', '主题', 'caf\u00e9', 'a\ud800b', 'x'.repeat(32), 'y'.repeat(33), `${'z'.repeat(31)}\u00e9`]) {
    const buf = encodeMessageRecord({ ...sample, topic });
    const expected = Buffer.from(topic, 'utf8');
    const at = RECORD_FIXED_BYTES - 3 + sample.body.length; // the topic length byte
    assert.equal(buf[at], expected.length, topic);
    assert.deepEqual(buf.subarray(at + 1, at + 1 + expected.length), expected, topic);
    assert.equal(decodeMessageRecord(buf, 0, { checkCRC: true }).topic, expected.toString('utf8'), topic);
  }
});

test('refuses properties longer than a signed short can say', () => {
  assert.throws(() => encodeMessageRecord({ ...sample, propertiesString: `K\u0001${'v'.repeat(32_766)}` }), RangeError);
  assert.doesNotThrow(() => encodeMessageRecord({ ...sample, propertiesString: `K\u0001${'v'.repeat(32_765)}` }));
});

test('refuses int fields outside the Java int range and non-integers, as a RangeError', () => {
  for (const field of ['queueId', 'flag', 'reconsumeTimes'] as const) {
    for (const bad of [2 ** 31, -(2 ** 31) - 1, 1.5]) {
      assert.throws(() => encodeMessageRecord({ ...sample, [field]: bad }), RangeError, `${field} = ${bad}`);
    }
  }
  const edge = decodeMessageRecord(encodeMessageRecord({ ...sample, queueId: 2 ** 31 - 1, flag: -(2 ** 31), reconsumeTimes: 0 }), 0);
  assert.equal(edge.queueId, 2 ** 31 - 1);
  assert.equal(edge.flag, -(2 ** 31));
});

test('records an empty body and empty properties, with a zero CRC', () => {
  const buf = encodeMessageRecord({ ...sample, body: Buffer.alloc(0), propertiesString: '' });
  assert.equal(buf.length, RECORD_FIXED_BYTES + 1);
  assert.equal(buf.readInt32BE(BODY_CRC_POS), 0);
  const decoded = decodeMessageRecord(buf, 0, { checkCRC: true });
  assert.equal(decoded.body.length, 0);
  assert.equal(decoded.properties.size, 0);
  assert.equal(decoded.propertiesString, '');
});

test('inflates ZLIB bodies, including compat sysFlag 1 without type bits, and refuses LZ4/ZSTD', () => {
  const text = 'compressed '.repeat(100);
  const deflated = deflateSync(Buffer.from(text));
  for (const sysFlag of [MessageSysFlag.COMPRESSED_FLAG, MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_ZLIB_TYPE]) {
    const buf = encodeMessageRecord({ ...sample, sysFlag, body: deflated });
    const msg = decodeMessageRecord(buf, 0, { inflate: true });
    assert.equal(msg.body.toString(), text);
    assert.equal(msg.storedBodyLength, deflated.length);
    assert.throws(
      () => decodeMessageRecord(buf, 0, { inflate: true, inflatedBodyBytesMax: 100 }),
      (error: unknown) => error instanceof MessageRecordError && error.reason === 'compression',
    );
  }
  const lz4 = encodeMessageRecord({ ...sample, sysFlag: MessageSysFlag.COMPRESSED_FLAG | MessageSysFlag.COMPRESSION_LZ4_TYPE, body: deflated });
  assert.throws(() => decodeMessageRecord(lz4, 0, { inflate: true }), (error: unknown) => error instanceof MessageRecordError && error.reason === 'compression');
  assert.equal(decodeMessageRecord(lz4, 0).body.length, deflated.length);
  const notZlib = encodeMessageRecord({ ...sample, sysFlag: MessageSysFlag.COMPRESSED_FLAG, body: Buffer.from('not zlib') });
  assert.throws(() => decodeMessageRecord(notZlib, 0, { inflate: true }), (error: unknown) => error instanceof MessageRecordError && error.reason === 'compression');
});

test('refuses numbers that do not fit their fields', () => {
  assert.throws(() => encodeMessageRecord({ ...sample, commitLogOffset: 2 ** 53 }), RangeError);
  assert.throws(() => encodeMessageRecord({ ...sample, queueId: 2 ** 31 }), RangeError);
  assert.throws(() => writeMessageRecord(Buffer.alloc(10), 0, sample), RangeError);
  assert.equal(MESSAGE_MAGIC_CODE_V1, -626843481);
});
