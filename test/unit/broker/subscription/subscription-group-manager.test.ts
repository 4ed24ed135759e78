import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { parseFastJson } from '../../../../src/common/fastjson.js';
import {
  createSubscriptionGroupConfig,
  readSubscriptionGroupConfig,
  SubscriptionGroupManager,
  subscriptionGroupConfigBean,
} from '../../../../src/broker/subscription/subscription-group-manager.js';
import { fixturesDir } from '../../../harness/fixtures.js';

const FIXTURE_FILE = path.join(fixturesDir, 'store-clean/config/subscriptionGroup.json');
const SYSTEM_GROUPS = [
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
];

describe('SubscriptionGroupManager', () => {
  let dir: string;
  let file: string;
  let clock: number;
  let autoCreate: boolean;
  const make = (): SubscriptionGroupManager => new SubscriptionGroupManager({ configDir: dir, autoCreate: () => autoCreate, now: () => clock });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-subgroup-'));
    file = path.join(dir, 'subscriptionGroup.json');
    clock = 1_800_000_000_000;
    autoCreate = true;
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('starts with the system groups Java creates, with Java defaults, and writes nothing', () => {
    const groups = make();
    assert.deepEqual([...groups.all().keys()].sort(), [...SYSTEM_GROUPS].sort());
    assert.deepEqual(groups.get('TOOLS_CONSUMER'), {
      groupName: 'TOOLS_CONSUMER',
      consumeEnable: true,
      consumeFromMinEnable: true,
      consumeBroadcastEnable: true,
      retryQueueNums: 1,
      retryMaxTimes: 16,
      brokerId: 0,
      whichBrokerWhenConsumeSlowly: 1,
      notifyConsumerIdsChangedEnable: true,
    });
    assert.equal(fs.existsSync(file), false);
  });

  test('loads a copy of the 4.9.8 file: every group, field for field, and its dataVersion', () => {
    fs.copyFileSync(FIXTURE_FILE, file);
    const groups = make();
    groups.load();
    const java = parseFastJson(fs.readFileSync(FIXTURE_FILE, 'utf8')) as {
      dataVersion: { counter: number; timestamp: number };
      subscriptionGroupTable: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(groups.dataVersion, { counter: 1, timestamp: 1795237861003 });
    assert.equal(groups.all().size, 8);
    for (const [name, bean] of Object.entries(java.subscriptionGroupTable)) {
      const config = groups.get(name);
      assert.ok(config, name);
      // Same keys, same order (alphabetical, as fastjson writes beans), same values.
      assert.equal(JSON.stringify(subscriptionGroupConfigBean(config)), JSON.stringify(bean), name);
    }
    assert.equal(groups.get('fixture_manifest_reader')!.retryQueueNums, 1);
  });

  test('what it writes, JSON and fastjson readers both parse, and it loads back the same', () => {
    fs.copyFileSync(FIXTURE_FILE, file);
    const first = make();
    first.load();
    first.upsert(createSubscriptionGroupConfig('cg_custom', { retryQueueNums: 3, retryMaxTimes: 5, consumeBroadcastEnable: false }));
    const text = fs.readFileSync(file, 'utf8');
    assert.deepEqual(JSON.parse(text), parseFastJson(text));
    const root = JSON.parse(text) as { dataVersion: unknown; subscriptionGroupTable: Record<string, unknown> };
    assert.deepEqual(Object.keys(root), ['dataVersion', 'subscriptionGroupTable']);
    assert.deepEqual(root.dataVersion, { counter: 2, timestamp: clock });
    assert.equal(text, first.encodeAll());
    const second = make();
    second.load();
    assert.deepEqual(second.all(), first.all());
    assert.deepEqual(second.dataVersion, first.dataVersion);
    assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), fs.readFileSync(FIXTURE_FILE, 'utf8'), 'the previous file is kept as .bak');
  });

  test('findOrCreate auto-creates with the defaults, bumps the dataVersion and persists', () => {
    const groups = make();
    clock += 5;
    const config = groups.findOrCreate('cg_new')!;
    assert.deepEqual(config, createSubscriptionGroupConfig('cg_new'));
    assert.deepEqual(groups.dataVersion, { counter: 1, timestamp: clock });
    assert.equal(groups.findOrCreate('cg_new'), config, 'the second lookup finds the same config');
    assert.equal(groups.dataVersion.counter, 1);
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { subscriptionGroupTable: Record<string, unknown> };
    assert.ok(onDisk.subscriptionGroupTable['cg_new']);
    assert.ok(onDisk.subscriptionGroupTable['TOOLS_CONSUMER'], 'the system groups are written too');
  });

  test('without auto-create only the broker\'s own CID_RMQ_SYS_ groups are created', () => {
    autoCreate = false;
    const groups = make();
    assert.equal(groups.findOrCreate('cg_new'), undefined);
    assert.equal(groups.get('cg_new'), undefined);
    assert.ok(groups.findOrCreate('CID_RMQ_SYS_TRANS'));
    assert.ok(groups.findOrCreate('TOOLS_CONSUMER'));
  });

  test('delete removes a group and persists; deleting a missing group changes nothing', () => {
    const groups = make();
    groups.findOrCreate('cg_gone');
    assert.equal(groups.delete('cg_gone'), true);
    assert.equal(groups.get('cg_gone'), undefined);
    assert.equal(groups.dataVersion.counter, 2);
    assert.equal(groups.delete('cg_gone'), false);
    assert.equal(groups.dataVersion.counter, 2);
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8')) as { subscriptionGroupTable: Record<string, unknown> };
    assert.equal(onDisk.subscriptionGroupTable['cg_gone'], undefined);
  });

  test('a corrupt file gives way to its .bak, as Java\'s ConfigManager does', () => {
    fs.copyFileSync(FIXTURE_FILE, `${file}.bak`);
    fs.writeFileSync(file, '{"dataVersion":{"counter":');
    const groups = make();
    groups.load();
    assert.ok(groups.get('fixture_manifest_reader'));
    assert.equal(groups.dataVersion.counter, 1);
  });

  test('an empty file gives way to its .bak; a corrupt file with no .bak fails the load', () => {
    fs.copyFileSync(FIXTURE_FILE, `${file}.bak`);
    fs.writeFileSync(file, '');
    const groups = make();
    groups.load();
    assert.ok(groups.get('fixture_manifest_reader'));
    fs.rmSync(`${file}.bak`);
    fs.writeFileSync(file, 'not json');
    assert.throws(() => make().load(), /cannot read/);
  });

  test('5.x properties are kept as read and written back', () => {
    const bean = {
      groupName: 'cg_v5',
      consumeMessageOrderly: true,
      groupRetryPolicy: { type: 'CUSTOMIZED', customizedRetryPolicy: { next: [1000, 5000] } },
      attributes: {},
      retryMaxTimes: 3,
    };
    const config = readSubscriptionGroupConfig(bean, 'body');
    assert.equal(config.retryMaxTimes, 3);
    assert.deepEqual(config.extras, { consumeMessageOrderly: true, groupRetryPolicy: bean.groupRetryPolicy, attributes: {} });
    const written = subscriptionGroupConfigBean(config);
    assert.deepEqual(Object.keys(written), [...Object.keys(written)].sort());
    assert.equal(written['consumeMessageOrderly'], true);
    assert.deepEqual(written['groupRetryPolicy'], bean.groupRetryPolicy);
  });

  test('a property of the wrong type is refused with its path', () => {
    assert.throws(() => readSubscriptionGroupConfig({ groupName: 'g', retryQueueNums: '1' }, 'body'), /body\.retryQueueNums/);
    assert.throws(() => readSubscriptionGroupConfig({ retryQueueNums: 1 }, 'body'), /body\.groupName/);
  });
});
