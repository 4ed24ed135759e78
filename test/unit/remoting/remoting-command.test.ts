import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCommand, encodeCommandToBuffer, RemotingCommand, SerializeType } from '../../../src/remoting/remoting-command.js';
import { type FixtureFrame, loadIndex, readFrameFile } from '../../harness/fixtures.js';

const frames = loadIndex().map((entry) => ({ entry, bytes: readFrameFile(entry.file) }));

/** What index.json says the header is, with ali-ons' raw numbers and booleans as Java strings. */
function expectedHeader(entry: FixtureFrame): { code: number; opaque: number; flag: number; version: number; language: string; remark: string | null; extFields: Record<string, string> | null } {
  const h = (entry.header ?? entry.headerDecoded)!;
  const ext = h['extFields'] as Record<string, unknown> | null | undefined;
  return {
    code: h['code'] as number,
    opaque: h['opaque'] as number,
    flag: h['flag'] as number,
    version: h['version'] as number,
    language: h['language'] as string,
    remark: (h['remark'] as string | null | undefined) ?? null,
    extFields: ext === undefined || ext === null ? null : Object.fromEntries(Object.entries(ext).map(([k, v]) => [k, String(v)])),
  };
}

function actualHeader(cmd: RemotingCommand): ReturnType<typeof expectedHeader> {
  return { code: cmd.code, opaque: cmd.opaque, flag: cmd.flag, version: cmd.version, language: cmd.language, remark: cmd.remark, extFields: cmd.extFields };
}

describe('RemotingCommand against the 4.9.8 capture', () => {
  test('every captured frame decodes to the header index.json lists, with its body', () => {
    for (const { entry, bytes } of frames) {
      const cmd = decodeCommand(bytes.subarray(4));
      const expected = expectedHeader(entry);
      // A ROCKETMQ header with no extFields decodes as null, as Java's does.
      if (entry.serialization === 'ROCKETMQ' && expected.extFields !== null && Object.keys(expected.extFields).length === 0) expected.extFields = null;
      assert.deepEqual(actualHeader(cmd), expected, entry.file);
      assert.equal(cmd.serializeType, entry.serialization === 'JSON' ? SerializeType.JSON : SerializeType.ROCKETMQ, entry.file);
      assert.equal(cmd.body?.length ?? 0, entry.bodyLength, entry.file);
    }
  });

  test('frames written by Java re-encode to exactly the captured bytes', () => {
    let checked = 0;
    for (const { entry, bytes } of frames) {
      // ali-ons orders its JSON keys its own way; Java's fastjson order is what we write.
      if (entry.serialization === 'JSON' && (entry['client'] as string).startsWith('ali-ons') && entry.direction.startsWith('client')) continue;
      const reencoded = encodeCommandToBuffer(decodeCommand(bytes.subarray(4)));
      assert.equal(reencoded.toString('latin1'), bytes.toString('latin1'), entry.file);
      checked++;
    }
    assert.ok(checked > 100, `only ${checked} frames compared`);
  });

  test('frames written by ali-ons re-encode to an equivalent frame', () => {
    for (const { entry, bytes } of frames) {
      const first = decodeCommand(bytes.subarray(4));
      const again = decodeCommand(encodeCommandToBuffer(first).subarray(4));
      assert.deepEqual(actualHeader(again), actualHeader(first), entry.file);
      assert.deepEqual(again.body, first.body, entry.file);
    }
  });

  test('a ROCKETMQ request re-encoded as JSON decodes to the same command', () => {
    const { bytes } = frames.find((f) => f.entry.serialization === 'ROCKETMQ' && f.entry.type === 'request' && f.entry.bodyLength > 0)!;
    const cmd = decodeCommand(bytes.subarray(4));
    cmd.serializeType = SerializeType.JSON;
    const back = decodeCommand(encodeCommandToBuffer(cmd).subarray(4));
    assert.equal(back.serializeType, SerializeType.JSON);
    assert.deepEqual(actualHeader(back), actualHeader(cmd));
    assert.deepEqual(back.body, cmd.body);
  });
});

describe('RemotingCommand encoding', () => {
  test('writes non-ASCII remarks and extFields in both serializations', () => {
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const cmd = RemotingCommand.response(1, 'fehler: Prüfsumme 校验 "quoted"\n', { 'schlüssel': 'wert ✓', empty: '' });
      cmd.serializeType = serializeType;
      cmd.opaque = -7;
      cmd.body = Buffer.from([0, 1, 2, 255]);
      const back = decodeCommand(encodeCommandToBuffer(cmd).subarray(4));
      assert.deepEqual(actualHeader(back), actualHeader(cmd));
      assert.deepEqual(back.body, cmd.body);
      assert.ok(back.isResponse);
    }
  });

  test('a JSON header leaves out a null remark and null extFields, as fastjson does', () => {
    const bytes = encodeCommandToBuffer(RemotingCommand.response(0));
    const text = bytes.subarray(8).toString('utf8');
    assert.equal(text, '{"code":0,"flag":1,"language":"JAVA","opaque":0,"serializeTypeCurrentRPC":"JSON","version":409}');
  });

  test('one-way requests carry flag bit 1 and responses bit 0', () => {
    const request = RemotingCommand.request(15).markOneway();
    assert.equal(request.flag, 2);
    assert.ok(request.isOneway);
    assert.ok(!request.isResponse);
    assert.ok(RemotingCommand.response(0).isResponse);
  });
});
