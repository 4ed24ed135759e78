import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  createTopicConfig,
  dataVersionEquals,
  decodeRegisterBrokerBody,
  encodeRegisterBrokerBody,
  isInherited,
  isPriority,
  isReadable,
  isWriteable,
  nextDataVersion,
  perm2String,
  PermName,
  TOPIC_CONFIG_DEFAULTS,
} from '../../../src/common/topic-config.js';
import type { RegisterBrokerBody, TopicConfig } from '../../../src/common/topic-config.js';
import { parseFastJson } from '../../../src/common/fastjson.js';
import { indexEntry, loadIndex, readFrameFile, splitFrame } from '../../harness/fixtures.js';

interface JavaTopicConfig {
  order: boolean;
  perm: number;
  readQueueNums: number;
  topicFilterType: 'SINGLE_TAG' | 'MULTI_TAG';
  topicName: string;
  topicSysFlag: number;
  writeQueueNums: number;
}

interface JavaRegisterBody {
  filterServerList: string[];
  topicConfigSerializeWrapper: {
    dataVersion: { counter: number; timestamp: number };
    topicConfigTable: Record<string, JavaTopicConfig>;
  };
}

const registerFrames = loadIndex().filter((frame) => frame.codeName === 'REGISTER_BROKER');

test('PermName matches Java: bits, checks and perm2String', () => {
  assert.deepEqual({ ...PermName }, { PERM_PRIORITY: 8, PERM_READ: 4, PERM_WRITE: 2, PERM_INHERIT: 1 });
  assert.equal(perm2String(6), 'RW-');
  assert.equal(perm2String(7), 'RWX');
  assert.equal(perm2String(4), 'R--');
  assert.equal(perm2String(2), '-W-');
  assert.equal(perm2String(0), '---');
  assert.ok(isReadable(6) && isWriteable(6) && !isInherited(6) && !isPriority(6));
  assert.ok(!isReadable(2) && isWriteable(2) && isInherited(7) && isPriority(8));
});

test('TopicConfig defaults are 16 queues, perm 6 (RW-), SINGLE_TAG', () => {
  assert.deepEqual(createTopicConfig('T'), {
    topicName: 'T',
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  });
  assert.equal(createTopicConfig('T', { perm: 7 }).perm, 7);
  assert.equal(TOPIC_CONFIG_DEFAULTS.perm, PermName.PERM_READ | PermName.PERM_WRITE);
});

test('DataVersion: next bumps the counter and stamps the time; equals ignores an absent stateVersion', () => {
  const v = { counter: 5, timestamp: 1795237696060 };
  assert.deepEqual(nextDataVersion(v, 1795237700000), { counter: 6, timestamp: 1795237700000 });
  assert.deepEqual(nextDataVersion(v, 1, 3), { counter: 6, timestamp: 1, stateVersion: 3 });
  assert.ok(dataVersionEquals(v, { counter: 5, timestamp: 1795237696060, stateVersion: 0 }));
  assert.ok(!dataVersionEquals(v, { counter: 5, timestamp: 1795237696060, stateVersion: 1 }));
  assert.ok(!dataVersionEquals(v, { counter: 6, timestamp: 1795237696060 }));
  assert.ok(!dataVersionEquals(v, { counter: 5, timestamp: 1 }));
});

test('decodes every captured REGISTER_BROKER body to what index.json shows', () => {
  assert.equal(registerFrames.length, 3);
  for (const frame of registerFrames) {
    assert.equal(frame.header?.['extFields'] && (frame.header['extFields'] as Record<string, string>)['compressed'], 'false');
    const { body } = splitFrame(readFrameFile(frame.file));
    const expected = JSON.parse(frame.bodyText ?? '') as JavaRegisterBody;
    const decoded = decodeRegisterBrokerBody(body, false);
    assert.deepEqual(decoded.filterServerList, expected.filterServerList);
    assert.deepEqual(decoded.topicConfigSerializeWrapper.dataVersion, expected.topicConfigSerializeWrapper.dataVersion);
    const table = expected.topicConfigSerializeWrapper.topicConfigTable;
    assert.deepEqual([...decoded.topicConfigSerializeWrapper.topicConfigTable.keys()], Object.keys(table), frame.file);
    for (const [topic, config] of decoded.topicConfigSerializeWrapper.topicConfigTable) {
      assert.deepEqual(config, table[topic], `${frame.file} ${topic}`);
    }
  }
  const periodic = decodeRegisterBrokerBody(splitFrame(readFrameFile('namesrv/004-broker2namesrv-REGISTER_BROKER-JSON.bin')).body, false);
  assert.deepEqual(periodic.topicConfigSerializeWrapper.topicConfigTable.get('FixtureTopic'), createTopicConfig('FixtureTopic', { readQueueNums: 4, writeQueueNums: 4 }));
  assert.equal(periodic.topicConfigSerializeWrapper.topicConfigTable.get('TBW102')?.perm, 7);
  assert.equal(periodic.topicConfigSerializeWrapper.dataVersion.counter, 5);
});

test('re-encodes captured REGISTER_BROKER bodies to the same JSON, topics sorted', () => {
  for (const frame of registerFrames) {
    const { body } = splitFrame(readFrameFile(frame.file));
    const again = encodeRegisterBrokerBody(decodeRegisterBrokerBody(body, false), { compressed: false });
    assert.equal(again.length, body.length, frame.file); // only the ConcurrentHashMap order differs
    assert.deepEqual(parseFastJson(again.toString('utf8')), JSON.parse(frame.bodyText ?? ''), frame.file);
    assert.match(again.toString('utf8'), /^\{"filterServerList":\[\],"topicConfigSerializeWrapper":\{"dataVersion":\{"counter":\d+,"timestamp":\d+\},"topicConfigTable":\{"/);
    const topics = Object.keys((JSON.parse(again.toString('utf8')) as JavaRegisterBody).topicConfigSerializeWrapper.topicConfigTable);
    assert.deepEqual(topics, [...topics].sort(), frame.file);
  }
});

test('the captured bodyCrc32 header field is the CRC32 of the body', (t) => {
  // zlib.crc32 arrived in Node 20.15; package.json allows any Node 20.
  if (typeof zlib.crc32 !== 'function') return t.skip('node:zlib has no crc32');
  for (const frame of registerFrames) {
    const { body } = splitFrame(readFrameFile(frame.file));
    const header = frame.header?.['extFields'] as Record<string, string>;
    assert.equal(String(zlib.crc32(body) & 0x7fffffff), header['bodyCrc32'], frame.file);
  }
});

function capturedPeriodicBody(): RegisterBrokerBody {
  return decodeRegisterBrokerBody(splitFrame(readFrameFile('namesrv/004-broker2namesrv-REGISTER_BROKER-JSON.bin')).body, false);
}

test('compressed encoding round-trips everything the 4.9 layout carries', () => {
  const body = capturedPeriodicBody();
  body.filterServerList = ['127.0.0.1:40999'];
  const compressed = encodeRegisterBrokerBody(body, { compressed: true });
  assert.equal(compressed[0], 0x78); // zlib header, as java.util.zip.Deflater writes
  assert.ok(compressed.length < 2248 / 2);
  assert.deepEqual(decodeRegisterBrokerBody(compressed, true), body);
});

test('compressed 4.9 layout drops topicSysFlag and order, so the namesrv sees defaults', () => {
  const config: TopicConfig = createTopicConfig('Ordered', { readQueueNums: 2, writeQueueNums: 3, perm: 4, topicFilterType: 'MULTI_TAG', topicSysFlag: 1, order: true });
  const body: RegisterBrokerBody = {
    topicConfigSerializeWrapper: { topicConfigTable: new Map([['Ordered', config]]), dataVersion: { counter: 1, timestamp: 2 } },
    filterServerList: [],
  };
  const plain = inflateSync(encodeRegisterBrokerBody(body, { compressed: true }));
  assert.ok(plain.includes(Buffer.from('Ordered 2 3 4 MULTI_TAG')));
  const decoded = decodeRegisterBrokerBody(encodeRegisterBrokerBody(body, { compressed: true }), true);
  assert.deepEqual(decoded.topicConfigSerializeWrapper.topicConfigTable.get('Ordered'), { ...config, topicSysFlag: 0, order: false });
});

/** Builds the compressed plaintext by hand, field by field, independent of the encoder. */
function plaintext(parts: (string | number)[]): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if (typeof part === 'number') {
        const b = Buffer.alloc(4);
        b.writeInt32BE(part);
        return b;
      }
      const text = Buffer.from(part, 'utf8');
      const length = Buffer.alloc(4);
      length.writeInt32BE(text.length);
      return Buffer.concat([length, text]);
    }),
  );
}

test('decodes a compressed 4.9 body built by hand, byte for byte as the layout says', () => {
  const plain = plaintext(['{"counter":5,"timestamp":1795237696060}', 2, 'FixtureTopic 4 4 6 SINGLE_TAG', 'TBW102 8 8 7 SINGLE_TAG', '["127.0.0.1:1"]']);
  const decoded = decodeRegisterBrokerBody(deflateSync(plain, { level: 9 }), true);
  assert.deepEqual(decoded, {
    topicConfigSerializeWrapper: {
      topicConfigTable: new Map([
        ['FixtureTopic', createTopicConfig('FixtureTopic', { readQueueNums: 4, writeQueueNums: 4 })],
        ['TBW102', createTopicConfig('TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7 })],
      ]),
      dataVersion: { counter: 5, timestamp: 1795237696060 },
    },
    filterServerList: ['127.0.0.1:1'],
  });
  // Our encoder writes the same plaintext for the same body (topics already in sorted order).
  assert.deepEqual(inflateSync(encodeRegisterBrokerBody(decoded, { compressed: true })), plain);
});

test('decodes a compressed 5.x body: attributes, stateVersion and skipped queue mappings', () => {
  const mapping = '{"bname":"b","currIdMap":{},"epoch":0,"totalQueues":1,"topic":"S"}';
  const plain = plaintext([
    '{"counter":2,"stateVersion":0,"timestamp":9}',
    2,
    'Fifo 1 1 6 SINGLE_TAG {"message.type":"FIFO"}',
    'Plain 1 1 6 SINGLE_TAG {}',
    '[]',
    1,
    mapping,
  ]);
  const decoded = decodeRegisterBrokerBody(deflateSync(plain), true);
  const table = decoded.topicConfigSerializeWrapper.topicConfigTable;
  assert.deepEqual(table.get('Fifo')?.attributes, new Map([['message.type', 'FIFO']]));
  assert.deepEqual(table.get('Plain')?.attributes, new Map());
  assert.deepEqual(decoded.topicConfigSerializeWrapper.dataVersion, { counter: 2, stateVersion: 0, timestamp: 9 });
  const v5 = encodeRegisterBrokerBody(decoded, { compressed: true, layout: 'v5' });
  assert.deepEqual(inflateSync(v5), plaintext(['{"counter":2,"stateVersion":0,"timestamp":9}', 2, 'Fifo 1 1 6 SINGLE_TAG {"message.type":"FIFO"}', 'Plain 1 1 6 SINGLE_TAG {}', '[]', 0]));
  assert.deepEqual(decodeRegisterBrokerBody(v5, true), decoded);
});

test('accepts 5.x JSON register bodies and ignores the queue-mapping extras', () => {
  const json =
    '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":7,"stateVersion":0,"timestamp":1700000000000},' +
    '"mappingDataVersion":{"counter":0,"stateVersion":0,"timestamp":1},"topicConfigTable":{"T":{"attributes":{"message.type":"FIFO"},' +
    '"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}},' +
    '"topicQueueMappingDetailMap":{},"topicQueueMappingInfoMap":{}}}';
  const decoded = decodeRegisterBrokerBody(Buffer.from(json), false);
  assert.deepEqual(decoded.topicConfigSerializeWrapper.topicConfigTable.get('T')?.attributes, new Map([['message.type', 'FIFO']]));
  assert.equal(
    encodeRegisterBrokerBody(decoded, { compressed: false }).toString(),
    '{"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":7,"stateVersion":0,"timestamp":1700000000000},' +
      '"topicConfigTable":{"T":{"attributes":{"message.type":"FIFO"},"order":false,"perm":6,"readQueueNums":4,' +
      '"topicFilterType":"SINGLE_TAG","topicName":"T","topicSysFlag":0,"writeQueueNums":4}}}}',
  );
});

test('rejects malformed register bodies with the field or position named', () => {
  const dv = '{"counter":1,"timestamp":2}';
  const compressed = (parts: (string | number)[]): Buffer => deflateSync(plaintext(parts));
  assert.throws(() => decodeRegisterBrokerBody(Buffer.from('not zlib'), true), /not a valid zlib stream/);
  assert.throws(() => decodeRegisterBrokerBody(deflateSync(Buffer.from([0, 0])), true), /truncated before the length of dataVersion/);
  assert.throws(() => decodeRegisterBrokerBody(compressed([dv, 1, 'T 1 1 6', '[]']), true), /topicConfig\[0\]: expected "topicName/);
  assert.throws(() => decodeRegisterBrokerBody(compressed([dv, 1, 'T x 1 6 SINGLE_TAG', '[]']), true), /topicConfig\[0\]\.readQueueNums: expected an integer/);
  assert.throws(() => decodeRegisterBrokerBody(compressed([dv, 1, 'T 1 1 6 NO_TAG', '[]']), true), /topicConfig\[0\]\.topicFilterType/);
  assert.throws(() => decodeRegisterBrokerBody(compressed([dv, 1000, 'T 1 1 6 SINGLE_TAG', '[]']), true), /bad topic count 1000/);
  assert.throws(() => decodeRegisterBrokerBody(compressed([dv, 0]), true), /truncated before the length of filterServerList/);
  assert.throws(() => decodeRegisterBrokerBody(deflateSync(Buffer.concat([plaintext([dv, 0, '[]']), Buffer.from([1, 2])])), true), /truncated before the queue-mapping count/);
  assert.throws(() => decodeRegisterBrokerBody(Buffer.from('{"filterServerList":[]}'), false), /RegisterBrokerBody\.topicConfigSerializeWrapper: expected an object/);
  assert.throws(
    () => decodeRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":{"dataVersion":{"counter":1,"timestamp":2},"topicConfigTable":{"T":{"topicName":"T","perm":true}}}}'), false),
    /topicConfigTable\.T\.perm: expected an integer/,
  );
  assert.throws(() => decodeRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":{}}'), false), /dataVersion: expected an object/);
  assert.throws(() => decodeRegisterBrokerBody(Buffer.from('{"topicConfigSerializeWrapper":'), false), SyntaxError);
});

test('index.json lists the REGISTER_BROKER frames this suite decodes', () => {
  assert.equal(indexEntry('namesrv/003-broker2namesrv-REGISTER_BROKER-JSON.bin').type, 'oneway-request');
});
