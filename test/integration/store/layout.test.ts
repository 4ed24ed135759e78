// A store written by rocketmq-ts, read back by a decoder written here from the byte layout alone
// (protocol.md §4-5), sharing no code with src/: same directory layout, same record format.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { MessageStore } from '../../../src/store/message-store.js';
import { storeConfig } from '../../../src/store/store-config.js';
import { makeTempDir } from '../../harness/processes.js';

interface Record {
  offset: number;
  size: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: number;
  physicalOffset: number;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  body: Buffer;
  topic: string;
  properties: Map<string, string>;
}

const MAGIC_V1 = 0xdaa320a7 | 0;
const BLANK = 0xcbd43194 | 0;

function host(buf: Buffer, pos: number): string {
  return `${buf[pos]}.${buf[pos + 1]}.${buf[pos + 2]}.${buf[pos + 3]}:${buf.readInt32BE(pos + 4)}`;
}

/** Every record of every segment, in order; blank records end a segment. */
function readCommitLog(dir: string, segmentSize: number): Record[] {
  const out: Record[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    assert.match(name, /^\d{20}$/, `segment name ${name}`);
    const file = fs.readFileSync(path.join(dir, name));
    assert.equal(file.length, segmentSize, `${name} is not its full size`);
    const base = Number(name);
    let p = 0;
    while (p + 8 <= file.length) {
      const size = file.readInt32BE(p);
      const magic = file.readInt32BE(p + 4);
      if (size === 0 && magic === 0) break;
      if (magic === BLANK) break;
      assert.equal(magic, MAGIC_V1, `magic at ${base + p}`);
      const bodyLength = file.readInt32BE(p + 84);
      const body = file.subarray(p + 88, p + 88 + bodyLength);
      const topicLength = file[p + 88 + bodyLength]!;
      const topic = file.toString('utf8', p + 89 + bodyLength, p + 89 + bodyLength + topicLength);
      const propsAt = p + 89 + bodyLength + topicLength;
      const propsLength = file.readInt16BE(propsAt);
      const props = file.toString('utf8', propsAt + 2, propsAt + 2 + propsLength);
      assert.equal(propsAt + 2 + propsLength - p, size, 'TOTALSIZE matches the fields');
      const properties = new Map<string, string>();
      for (const item of props.split('\u0002')) {
        const i = item.indexOf('\u0001');
        if (i > 0) properties.set(item.slice(0, i), item.slice(i + 1));
      }
      out.push({
        offset: base + p,
        size,
        bodyCRC: file.readInt32BE(p + 8),
        queueId: file.readInt32BE(p + 12),
        flag: file.readInt32BE(p + 16),
        queueOffset: Number(file.readBigInt64BE(p + 20)),
        physicalOffset: Number(file.readBigInt64BE(p + 28)),
        sysFlag: file.readInt32BE(p + 36),
        bornTimestamp: Number(file.readBigInt64BE(p + 40)),
        bornHost: host(file, p + 48),
        storeTimestamp: Number(file.readBigInt64BE(p + 56)),
        storeHost: host(file, p + 64),
        reconsumeTimes: file.readInt32BE(p + 72),
        preparedTransactionOffset: Number(file.readBigInt64BE(p + 76)),
        body: Buffer.from(body),
        topic,
        properties,
      });
      p += size;
    }
  }
  return out;
}

function readConsumeQueue(dir: string): Array<{ offset: number; size: number; tagsCode: number }> {
  const out: Array<{ offset: number; size: number; tagsCode: number }> = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = fs.readFileSync(path.join(dir, name));
    for (let p = 0; p + 20 <= file.length; p += 20) {
      const offset = Number(file.readBigInt64BE(p));
      const size = file.readInt32BE(p + 8);
      if (size === 0) return out;
      out.push({ offset, size, tagsCode: Number(file.readBigInt64BE(p + 12)) });
    }
  }
  return out;
}

function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

test('a store written by rocketmq-ts reads back with a decoder written from the byte layout', async (t) => {
  const dir = makeTempDir('rmqts-layout-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const segmentSize = 64 * 1024;
  const config = storeConfig({ storePathRootDir: dir, mappedFileSizeCommitLog: segmentSize, mappedFileSizeConsumeQueue: 20 * 100, maxHashSlotNum: 100, maxIndexNum: 400 });
  const store = new MessageStore({ config, storeHost: '10.1.2.3:10911' });
  store.load();
  store.start();
  const sent: Array<{ topic: string; queueId: number; key: string; tag: string; body: Buffer; offset: number; queueOffset: number }> = [];
  for (let i = 0; i < 150; i++) {
    const topic = i % 3 === 0 ? 'LayoutA' : 'LayoutB';
    const queueId = i % 2;
    const key = `k-${i}`;
    const tag = `Tag${i % 4}`;
    const body = Buffer.alloc(300 + (i % 7) * 100, i);
    const r = await store.putMessage({ topic, queueId, body, properties: new Map([['KEYS', key], ['TAGS', tag]]), bornTimestamp: 1_700_000_000_000 + i, bornHost: '10.9.8.7:4321', flag: i });
    assert.equal(r.status, 'PUT_OK');
    sent.push({ topic, queueId, key, tag, body, offset: r.appendResults[0]!.commitLogOffset, queueOffset: r.appendResults[0]!.queueOffset });
  }
  await store.shutdown();

  // Directory layout, as RocketMQ's.
  assert.deepEqual(fs.readdirSync(dir).filter((n) => !n.endsWith('.tmp')).sort(), ['checkpoint', 'commitlog', 'consumequeue', 'index', 'lock']);
  assert.equal(fs.statSync(path.join(dir, 'checkpoint')).size, 4096);
  assert.ok(!fs.existsSync(path.join(dir, 'abort')), 'a clean shutdown removes abort');

  // CommitLog: every record as sent, CRC over the body, offsets and hosts in place; segments roll.
  const records = readCommitLog(path.join(dir, 'commitlog'), segmentSize);
  assert.ok(fs.readdirSync(path.join(dir, 'commitlog')).length >= 3, 'several segments');
  assert.equal(records.length, sent.length);
  records.forEach((r, i) => {
    const s = sent[i]!;
    assert.equal(r.offset, s.offset);
    assert.equal(r.physicalOffset, r.offset);
    assert.equal(r.topic, s.topic);
    assert.equal(r.queueId, s.queueId);
    assert.equal(r.queueOffset, s.queueOffset);
    assert.equal(r.flag, i);
    assert.deepEqual(r.body, s.body);
    assert.equal(r.bodyCRC, crc32(s.body) & 0x7fffffff);
    assert.equal(r.bornHost, '10.9.8.7:4321');
    assert.equal(r.storeHost, '10.1.2.3:10911');
    assert.equal(r.bornTimestamp, 1_700_000_000_000 + i);
    assert.equal(r.properties.get('KEYS'), s.key);
    assert.equal(r.properties.get('TAGS'), s.tag);
  });

  // ConsumeQueues: one 20-byte entry per message of the queue, pointing at its record, tag hash.
  for (const topic of ['LayoutA', 'LayoutB']) {
    for (const queueId of [0, 1]) {
      const entries = readConsumeQueue(path.join(dir, 'consumequeue', topic, String(queueId)));
      const expected = sent.filter((s) => s.topic === topic && s.queueId === queueId);
      assert.equal(entries.length, expected.length, `${topic}/${queueId}`);
      entries.forEach((e, i) => {
        const rec = records.find((r) => r.offset === e.offset)!;
        assert.equal(e.size, rec.size);
        assert.equal(rec.queueOffset, i);
        assert.equal(e.tagsCode, javaHash(expected[i]!.tag));
      });
    }
  }

  // Index: header, then slots, then entries chained by prevIndex; every key is reachable.
  const indexFiles = fs.readdirSync(path.join(dir, 'index'));
  assert.ok(indexFiles.length >= 1 && indexFiles.every((n) => /^\d{17}$/.test(n)), `index names ${indexFiles}`);
  const found = new Set<number>();
  for (const name of indexFiles) {
    const file = fs.readFileSync(path.join(dir, 'index', name));
    assert.equal(file.length, 40 + 100 * 4 + 400 * 20);
    const indexCount = file.readInt32BE(36);
    for (const s of sent) {
      const hash = Math.abs(javaHash(`${s.topic}#${s.key}`));
      let slotValue = file.readInt32BE(40 + (hash % 100) * 4);
      while (slotValue > 0 && slotValue < indexCount) {
        const at = 40 + 100 * 4 + slotValue * 20;
        if (file.readInt32BE(at) === hash && Number(file.readBigInt64BE(at + 4)) === s.offset) found.add(s.offset);
        slotValue = file.readInt32BE(at + 16);
      }
    }
  }
  assert.equal(found.size, sent.length, 'every key reachable through the index');
});
