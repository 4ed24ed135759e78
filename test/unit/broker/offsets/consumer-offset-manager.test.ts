import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ConsumerOffsetManager, decodeOffsetTable } from '../../../../src/broker/offsets/consumer-offset-manager.js';
import { parseFastJson } from '../../../../src/common/fastjson.js';
import { fixturesDir } from '../../../harness/fixtures.js';
import { makeTempDir } from '../../../harness/processes.js';
import { waitFor } from '../../../harness/wait-for.js';

const FIXTURE_CONFIG = path.join(fixturesDir, 'store-clean', 'config');

function tempConfigDir(t: { after(fn: () => unknown): void }): string {
  const dir = makeTempDir('rmqts-offsets-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A temp config dir holding a copy of the fixture's consumerOffset.json (never written in place). */
function withFixtureCopy(t: { after(fn: () => unknown): void }): string {
  const dir = tempConfigDir(t);
  fs.copyFileSync(path.join(FIXTURE_CONFIG, 'consumerOffset.json'), path.join(dir, 'consumerOffset.json'));
  return dir;
}

const fileIn = (dir: string): string => path.join(dir, 'consumerOffset.json');

test('loads the consumerOffset.json a Java 4.9.8 broker wrote', (t) => {
  const manager = new ConsumerOffsetManager({ configDir: withFixtureCopy(t) });
  manager.load();
  assert.equal(manager.queryOffset('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_HALF_TOPIC', 0), 2);
  assert.equal(manager.queryOffset('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 0), 2);
  assert.equal(manager.queryOffset('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_HALF_TOPIC', 1), -1);
  assert.equal(manager.queryOffset('nobody', 'RMQ_SYS_TRANS_HALF_TOPIC', 0), -1);
  assert.deepEqual(manager.topicsOfGroup('CID_RMQ_SYS_TRANS'), new Set(['RMQ_SYS_TRANS_OP_HALF_TOPIC', 'RMQ_SYS_TRANS_HALF_TOPIC']));
  assert.deepEqual(manager.groupsOfTopic('RMQ_SYS_TRANS_HALF_TOPIC'), new Set(['CID_RMQ_SYS_TRANS']));
  assert.deepEqual(manager.queryOffsetsOfGroup('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_HALF_TOPIC'), new Map([[0, 2]]));
});

test('persists a loaded Java file back byte for byte, in fastjson pretty format', (t) => {
  const dir = withFixtureCopy(t);
  const manager = new ConsumerOffsetManager({ configDir: dir });
  manager.load();
  manager.persist();
  const javaBytes = fs.readFileSync(path.join(FIXTURE_CONFIG, 'consumerOffset.json'));
  assert.deepEqual(fs.readFileSync(fileIn(dir)), javaBytes);
  assert.deepEqual(fs.readFileSync(`${fileIn(dir)}.bak`), javaBytes, 'the previous file is kept as .bak');
  assert.equal(fs.existsSync(`${fileIn(dir)}.tmp`), false);
});

test('round-trips commits through the file with bare numeric keys', (t) => {
  const dir = tempConfigDir(t);
  let now = 1_000;
  const writer = new ConsumerOffsetManager({ configDir: dir, now: () => now });
  writer.load();
  writer.commitOffset('127.0.0.1:5000', 'cg', 'TopicA', 3, 30);
  writer.commitOffset('127.0.0.1:5000', 'cg', 'TopicA', 0, 12);
  writer.commitOffset('127.0.0.1:5000', 'cg', 'TopicA', 1, 7);
  writer.commitOffset('127.0.0.1:5000', 'other', 'TopicB', 0, 5);
  now = 2_000;
  writer.persist();
  assert.equal(writer.lastPersistTimestamp, 2_000);

  const text = fs.readFileSync(fileIn(dir), 'utf8');
  assert.equal(text, '{\n\t"offsetTable":{\n\t\t"TopicA@cg":{0:12,1:7,3:30\n\t\t},\n\t\t"TopicB@other":{0:5\n\t\t}\n\t}\n}');
  assert.throws(() => JSON.parse(text), SyntaxError, 'bare keys: fastjson text, not JSON');
  assert.deepEqual(parseFastJson(text), { offsetTable: { 'TopicA@cg': { 0: 12, 1: 7, 3: 30 }, 'TopicB@other': { 0: 5 } } });

  const reader = new ConsumerOffsetManager({ configDir: dir });
  reader.load();
  assert.deepEqual(reader.queryOffsetsOfGroup('cg', 'TopicA'), new Map([[0, 12], [1, 7], [3, 30]]));
  assert.equal(reader.queryOffset('other', 'TopicB', 0), 5);
});

test('table() is the compact GET_ALL_CONSUMER_OFFSET body Java encodes', (t) => {
  const manager = new ConsumerOffsetManager({ configDir: tempConfigDir(t) });
  assert.equal(manager.table(), '{"offsetTable":{}}');
  manager.commitOffset('h', 'cg', 'T', 1, 4);
  manager.commitOffset('h', 'cg', 'T', 0, 9);
  assert.equal(manager.table(), '{"offsetTable":{"T@cg":{0:9,1:4}}}');
  assert.deepEqual(decodeOffsetTable(manager.table()), new Map([['T@cg', new Map([[0, 9], [1, 4]])]]));
  assert.deepEqual(manager.offsetTable().get('T@cg'), new Map([[1, 4], [0, 9]]));
});

test('an empty table persists as Java writes it', (t) => {
  const dir = tempConfigDir(t);
  const manager = new ConsumerOffsetManager({ configDir: dir });
  manager.persist();
  assert.equal(fs.readFileSync(fileIn(dir), 'utf8'), '{\n\t"offsetTable":{}\n}');
});

test('a negative commit (ali-ons -1) never overwrites a real offset', (t) => {
  const manager = new ConsumerOffsetManager({ configDir: tempConfigDir(t) });
  manager.commitOffset('h', 'cg', 'T', 0, 8);
  manager.commitOffset('h', 'cg', 'T', 0, -1);
  assert.equal(manager.queryOffset('cg', 'T', 0), 8);

  // Where nothing is stored, Java's -1 is kept: the group shows up for the topic, and the
  // query still reads as "no offset".
  manager.commitOffset('h', 'cg', 'T', 1, -1);
  assert.equal(manager.queryOffset('cg', 'T', 1), -1);
  assert.deepEqual(manager.topicsOfGroup('cg'), new Set(['T']));
  manager.commitOffset('h', 'cg', 'T', 1, 3);
  assert.equal(manager.queryOffset('cg', 'T', 1), 3);
});

test('a lower offset is accepted, as Java accepts a rewind', (t) => {
  const manager = new ConsumerOffsetManager({ configDir: tempConfigDir(t) });
  manager.commitOffset('h', 'cg', 'T', 0, 8);
  manager.commitOffset('h', 'cg', 'T', 0, 2);
  assert.equal(manager.queryOffset('cg', 'T', 0), 2);
  manager.resetOffset('cg', 'T', 0, 0);
  assert.equal(manager.queryOffset('cg', 'T', 0), 0);
});

test('a missing file means no offsets; a corrupt file falls back to the .bak', (t) => {
  const dir = tempConfigDir(t);
  const empty = new ConsumerOffsetManager({ configDir: dir });
  empty.load();
  assert.equal(empty.offsetTable().size, 0);

  fs.writeFileSync(fileIn(dir), '{"offsetTable":{"T@cg":{0:');
  fs.copyFileSync(path.join(FIXTURE_CONFIG, 'consumerOffset.json'), `${fileIn(dir)}.bak`);
  const fromBackup = new ConsumerOffsetManager({ configDir: dir });
  fromBackup.load();
  assert.equal(fromBackup.queryOffset('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_HALF_TOPIC', 0), 2);

  fs.writeFileSync(fileIn(dir), '   \n');
  const blank = new ConsumerOffsetManager({ configDir: dir });
  blank.load();
  assert.equal(blank.queryOffset('CID_RMQ_SYS_TRANS', 'RMQ_SYS_TRANS_OP_HALF_TOPIC', 0), 2, 'a blank file reads the .bak too');

  fs.rmSync(`${fileIn(dir)}.bak`);
  fs.writeFileSync(fileIn(dir), '{"offsetTable":{"T@cg":{"x":1}}}');
  assert.throws(() => new ConsumerOffsetManager({ configDir: dir }).load(), /does not decode and has no backup/);
});

test('reads quoted keys and ignores the tables 5.x adds', (t) => {
  const dir = tempConfigDir(t);
  fs.writeFileSync(fileIn(dir), '{"dataVersion":{"counter":3,"timestamp":1},"offsetTable":{"T@cg":{"0":4,"2":6}},"pullOffsetTable":{}}');
  const manager = new ConsumerOffsetManager({ configDir: dir });
  manager.load();
  assert.deepEqual(manager.queryOffsetsOfGroup('cg', 'T'), new Map([[0, 4], [2, 6]]));
});

test('removeGroup and removeTopic drop exactly the matching topic@group entries', (t) => {
  const manager = new ConsumerOffsetManager({ configDir: tempConfigDir(t) });
  manager.commitOffset('h', 'g1', 'T1', 0, 1);
  manager.commitOffset('h', 'g1', 'T2', 0, 1);
  manager.commitOffset('h', 'g2', 'T1', 0, 1);
  manager.commitOffset('h', 'g10', 'T2', 0, 1);
  assert.equal(manager.removeGroup('g1'), 2);
  assert.deepEqual(manager.topicsOfGroup('g1'), new Set());
  assert.deepEqual(manager.topicsOfGroup('g10'), new Set(['T2']), 'a group whose name contains another stays');
  assert.equal(manager.removeTopic('T1'), 1);
  assert.deepEqual(manager.groupsOfTopic('T1'), new Set());
  assert.deepEqual([...manager.offsetTable().keys()], ['T2@g10']);
});

test('start() persists changes periodically and shutdown() persists once more', async (t) => {
  const dir = tempConfigDir(t);
  const manager = new ConsumerOffsetManager({ configDir: dir });
  manager.start(20);
  t.after(() => manager.shutdown());
  manager.commitOffset('h', 'cg', 'T', 0, 1);
  await waitFor(() => fs.existsSync(fileIn(dir)) && decodeOffsetTable(fs.readFileSync(fileIn(dir), 'utf8')).get('T@cg')?.get(0) === 1, {
    message: 'the periodic persist writes the commit',
  });
  manager.commitOffset('h', 'cg', 'T', 0, 2);
  manager.shutdown();
  manager.shutdown();
  assert.equal(decodeOffsetTable(fs.readFileSync(fileIn(dir), 'utf8')).get('T@cg')?.get(0), 2);
});
