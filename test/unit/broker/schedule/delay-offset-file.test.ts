import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { decodeDelayOffsets, DelayOffsetFile, encodeDelayOffsets } from '../../../../src/broker/schedule/delay-offset-file.js';
import { fixturesDir } from '../../../harness/fixtures.js';
import { makeTempDir } from '../../../harness/processes.js';

const FIXTURE = path.join(fixturesDir, 'store-clean/config/delayOffset.json');

test('reads the delayOffset.json a 4.9.8 broker wrote (bare Integer keys) and writes it back byte for byte', () => {
  const text = fs.readFileSync(FIXTURE, 'utf8');
  const decoded = decodeDelayOffsets(text);
  assert.deepEqual([...decoded.offsetTable], [[3, 1]]);
  assert.equal(decoded.commitLogOffset, undefined, "Java's file has no CommitLog offset of ours");
  assert.equal(encodeDelayOffsets(decoded), text);
});

test('our file adds rmqtsCommitLogOffset after offsetTable; levels in ascending order; round trip', () => {
  const offsets = { offsetTable: new Map([[18, 7], [1, 120], [3, 1]]), commitLogOffset: 4_294_967_296 + 17 };
  const text = encodeDelayOffsets(offsets);
  assert.equal(text, '{\n\t"offsetTable":{1:120,3:1,18:7\n\t},\n\t"rmqtsCommitLogOffset":4294967313\n}');
  const back = decodeDelayOffsets(text);
  assert.deepEqual([...back.offsetTable], [[1, 120], [3, 1], [18, 7]]);
  assert.equal(back.commitLogOffset, 4_294_967_313);
});

test('an empty table is written as fastjson writes an empty map', () => {
  assert.equal(encodeDelayOffsets({ offsetTable: new Map(), commitLogOffset: 0 }), '{\n\t"offsetTable":{},\n\t"rmqtsCommitLogOffset":0\n}');
  assert.deepEqual([...decodeDelayOffsets('{"offsetTable":{}}').offsetTable], []);
});

test('compact and quoted-key forms decode too; a bad shape throws', () => {
  assert.deepEqual([...decodeDelayOffsets('{"offsetTable":{"2":5,4:9}}').offsetTable], [[2, 5], [4, 9]]);
  assert.throws(() => decodeDelayOffsets('{"offsetTable":{"x":5}}'));
  assert.throws(() => decodeDelayOffsets('{"offsetTable":{1:"5"}}'));
  assert.throws(() => decodeDelayOffsets('{"offsetTable":{1:5},"rmqtsCommitLogOffset":"a"}'));
});

test('the file is replaced atomically with a .bak kept, and the .bak is read when the file is damaged', (t) => {
  const dir = makeTempDir('rmqts-delay-offset-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = new DelayOffsetFile(dir);
  assert.equal(file.read(), undefined, 'no file: nothing stored');
  file.write({ offsetTable: new Map([[1, 1]]), commitLogOffset: 100 });
  file.write({ offsetTable: new Map([[1, 2]]), commitLogOffset: 200 });
  assert.deepEqual(file.read(), { offsetTable: new Map([[1, 2]]), commitLogOffset: 200 });
  assert.equal(fs.readFileSync(`${file.filePath}.bak`, 'utf8'), encodeDelayOffsets({ offsetTable: new Map([[1, 1]]), commitLogOffset: 100 }));
  fs.writeFileSync(file.filePath, '{"offsetTable":{1:');
  assert.deepEqual(file.read(), { offsetTable: new Map([[1, 1]]), commitLogOffset: 100 }, 'damaged file: the backup');
  fs.rmSync(`${file.filePath}.bak`);
  assert.throws(() => file.read(), /does not decode and has no backup/);
});
