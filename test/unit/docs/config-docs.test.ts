import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { renderConfigTable } from '../../../src/common/config/config-doc.js';
import { namesrvConfigRegistry } from '../../../src/namesrv/namesrv-config.js';
import { storeConfigRegistry } from '../../../src/store/store-config.js';
import { brokerOnlyKeys } from '../../../src/broker/config/broker-config.js';
import { ConfigRegistry } from '../../../src/common/config/config-registry.js';
import { repoRoot } from '../../harness/fixtures.js';

// `npm run docs` sets UPDATE_DOCS=1 to rewrite the files instead of comparing them.
const docs = [
  { file: 'docs/namesrv-config.md', text: () => renderConfigTable('NameServer configuration (namesrv.conf)', namesrvConfigRegistry, os.homedir()) },
  { file: 'docs/store-config.md', text: () => renderConfigTable('Store configuration (broker.conf store keys)', storeConfigRegistry, os.homedir()) },
  { file: 'docs/broker-config.md', text: () => renderConfigTable('Broker configuration (broker.conf; store keys are in store-config.md)', new ConfigRegistry(brokerOnlyKeys), os.homedir()) },
];

for (const doc of docs) {
  test(`${doc.file} lists every config key the code reads, as the code declares it`, () => {
    const file = path.join(repoRoot, doc.file);
    const expected = doc.text();
    if (process.env['UPDATE_DOCS'] === '1') fs.writeFileSync(file, expected);
    assert.equal(fs.readFileSync(file, 'utf8'), expected, `${doc.file} is out of date: run npm run docs`);
  });
}
