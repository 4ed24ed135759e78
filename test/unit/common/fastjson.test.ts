import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  expectIntegerKey,
  expectObject,
  FastJsonShapeError,
  FastJsonSyntaxError,
  parseFastJson,
  toFastJson,
} from '../../../src/common/fastjson.js';
import { fixturesDir, loadIndex, readFrameFile, splitFrame } from '../../harness/fixtures.js';

test('parses standard JSON unchanged', () => {
  assert.deepEqual(parseFastJson('{"a":[1,2.5,true,null,"x"],"b":{"c":"d"}}'), {
    a: [1, 2.5, true, null, 'x'],
    b: { c: 'd' },
  });
});

test('quotes bare integer keys, including negative ones and keys after whitespace', () => {
  assert.deepEqual(parseFastJson('{0:"127.0.0.1:40911",12:"b"}'), { '0': '127.0.0.1:40911', '12': 'b' });
  assert.deepEqual(parseFastJson('{ -1 : 5 ,\n\t7:{3:1}}'), { '-1': 5, '7': { '3': 1 } });
  assert.deepEqual(parseFastJson('[{0:1},{1:2}]'), [{ '0': 1 }, { '1': 2 }]);
});

test('leaves text inside strings alone, escaped quotes included', () => {
  const text = '{"k":"{0:\\"x\\",1:2}","m":{0:"a\\\\"},"n":",5:"}';
  assert.deepEqual(parseFastJson(text), { k: '{0:"x",1:2}', m: { '0': 'a\\' }, n: ',5:' });
});

test('does not touch numbers that are values, not keys', () => {
  assert.deepEqual(parseFastJson('{"a":1,"b":[2,3],"c":-4}'), { a: 1, b: [2, 3], c: -4 });
  assert.deepEqual(parseFastJson('[1,2,3]'), [1, 2, 3]);
});

test('throws FastJsonSyntaxError, a SyntaxError, on malformed text', () => {
  for (const bad of ['', '{', '{"a":}', '{a:1}', '{0x1:2}', '{-:1}', '[1,]', '{"a":1}}', '{"a":"unterminated}', "{'a':1}"]) {
    assert.throws(() => parseFastJson(bad), (error: unknown) => {
      assert.ok(error instanceof FastJsonSyntaxError, `${bad}: ${String(error)}`);
      assert.ok(error instanceof SyntaxError);
      return true;
    });
  }
});

test('rejects bean-keyed maps (ConsumeStats offsetTable) with a syntax error', () => {
  const { body } = splitFrame(readFrameFile('admin/010-broker2client-SUCCESS_for_GET_CONSUME_STATS-JSON.bin'));
  assert.throws(() => parseFastJson(body.toString('utf8')), FastJsonSyntaxError);
});

test('parses every captured namesrv and admin body that has no bean keys, as index.json shows it', () => {
  let checked = 0;
  for (const frame of loadIndex()) {
    if (frame.bodyText === undefined || !/^(namesrv|admin)\//.test(frame.file)) continue;
    if (frame.bodyText.includes('{{')) continue; // map keyed by MessageQueue beans
    const { body } = splitFrame(readFrameFile(frame.file));
    assert.equal(body.toString('utf8'), frame.bodyText, frame.file);
    const parsed = parseFastJson(frame.bodyText);
    if (!frame.bodyFormat.includes('not strict')) assert.deepEqual(parsed, JSON.parse(frame.bodyText), frame.file);
    checked++;
  }
  assert.ok(checked >= 12, `only ${checked} bodies checked`);
});

test('parses the pretty-printed store config files with bare keys', () => {
  const read = (name: string): unknown => parseFastJson(fs.readFileSync(path.join(fixturesDir, 'store-clean/config', name), 'utf8'));
  assert.deepEqual(read('delayOffset.json'), { offsetTable: { '3': 1 } });
  assert.deepEqual(read('consumerOffset.json'), {
    offsetTable: {
      'RMQ_SYS_TRANS_OP_HALF_TOPIC@CID_RMQ_SYS_TRANS': { '0': 2 },
      'RMQ_SYS_TRANS_HALF_TOPIC@CID_RMQ_SYS_TRANS': { '0': 2 },
    },
  });
});

test('writes bean properties in the given order and leaves out null and undefined', () => {
  assert.equal(toFastJson({ b: 1, a: 'x', c: null, d: undefined, e: false }), '{"b":1,"a":"x","e":false}');
  assert.equal(toFastJson({}), '{}');
  assert.equal(toFastJson([1, null, 'a']), '[1,null,"a"]');
  assert.equal(toFastJson({ n: 1795237552847, big: 9007199254740993n }), '{"n":1795237552847,"big":9007199254740993}');
});

test('writes number-keyed Maps with bare keys unless quoteNumericKeys', () => {
  const addrs = new Map([[0, '127.0.0.1:40911'], [1, '127.0.0.1:40921']]);
  assert.equal(toFastJson({ brokerAddrs: addrs }), '{"brokerAddrs":{0:"127.0.0.1:40911",1:"127.0.0.1:40921"}}');
  assert.equal(toFastJson({ brokerAddrs: addrs }, { quoteNumericKeys: true }), '{"brokerAddrs":{"0":"127.0.0.1:40911","1":"127.0.0.1:40921"}}');
});

test('writes string-keyed Maps as objects, Sets as arrays, and sorts map keys on request', () => {
  const table = new Map<string, unknown>([['b', new Set(['x', 'y'])], ['a', new Map()], ['c', null]]);
  assert.equal(toFastJson(table), '{"b":["x","y"],"a":{}}');
  assert.equal(toFastJson(table, { sortMapKeys: true }), '{"a":{},"b":["x","y"]}');
  assert.equal(toFastJson(new Map([[10, 'a'], [9, 'b'], [-1, 'c']]), { sortMapKeys: true }), '{-1:"c",9:"b",10:"a"}');
});

test('escapes strings as fastjson does by default', () => {
  assert.equal(toFastJson('a"b\\c/d'), '"a\\"b\\\\c/d"');
  assert.equal(toFastJson('\b\t\n\f\r\u000b\u0001\u001f'), '"\\b\\t\\n\\f\\r\\u000B\\u0001\\u001F"');
  assert.equal(toFastJson('\u007f\u009f\u00a0é中\u2028\u2029'), '"\\u007F\\u009F\u00a0é中\\u2028\\u2029"');
});

test('escapes every non-ASCII char and the slash in browserCompatible mode', () => {
  assert.equal(toFastJson('a/é中😀\n', { browserCompatible: true }), '"a\\/\\u00E9\\u4E2D\\uD83D\\uDE00\\n"');
  assert.equal(toFastJson({ 'k/é': 1 }, { browserCompatible: true }), '{"k\\/\\u00E9":1}');
});

test('round-trips what it writes through parseFastJson', () => {
  const value = { a: new Map([[3, 'x'], [4, 'y"\\z']]), b: ['\u0000', 'é'], c: { d: -2 } };
  const text = toFastJson(value);
  assert.deepEqual(parseFastJson(text), { a: { '3': 'x', '4': 'y"\\z' }, b: ['\u0000', 'é'], c: { d: -2 } });
  assert.deepEqual(parseFastJson(toFastJson(value, { browserCompatible: true, quoteNumericKeys: true })), parseFastJson(text));
});

test('refuses values fastjson cannot hold', () => {
  assert.throws(() => toFastJson(Symbol('x')), TypeError);
  assert.throws(() => toFastJson(new Map([[{}, 1]])), TypeError);
  assert.throws(() => toFastJson(new Map([[1.5, 1]])), TypeError);
});

test('shape checks name the field', () => {
  assert.throws(() => expectObject([], 'X.y'), (error: unknown) => error instanceof FastJsonShapeError && error.field === 'X.y');
  assert.equal(expectIntegerKey('-3', 'k'), -3);
  assert.throws(() => expectIntegerKey('0x1', 'T.brokerAddrs'), /T\.brokerAddrs: expected an integer map key/);
});
