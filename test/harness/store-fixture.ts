// Owns: typed access to the 4.9.8 store snapshot (store-clean/, read only) and its
// store-manifest.json, for the message codec tests. See the fixture README.md.
// Counterpart: none (test support).

import fs from 'node:fs';
import path from 'node:path';
import { fixturesDir } from './fixtures.js';

export interface ManifestRecord {
  commitLogOffset: number;
  storeSize: number;
  magicCode: string;
  offsetMsgId: string;
  topic: string;
  queueId: number;
  queueOffset: number;
  sysFlag: number;
  flag: number;
  bodyCRC: number;
  bornTimestamp: number;
  bornHost: string;
  storeTimestamp: number;
  storeHost: string;
  reconsumeTimes: number;
  preparedTransactionOffset: number;
  properties: Record<string, string>;
  propertiesRaw: string;
  storedBodyLength: number;
  storedBodySha256: string;
  compressed: boolean;
  bodyLength: number;
  bodySha256: string;
  body: string;
}

export interface ManifestConsumeQueueEntry {
  queueOffset: number;
  physicalOffset: number;
  size: number;
  tagsCode: number;
  tags?: string;
  keys?: string;
}

export interface ManifestMessage {
  kind: string;
  topic: string;
  keys: string;
  tags: string;
  body: string;
  bodyLength: number;
  bodySha256: string;
  uniqKey: string;
  /** Where a FixtureTopic consumer finds the message; null for the rolled-back one. */
  final: {
    topic: string;
    queueId: number;
    queueOffset: number;
    commitLogOffset: number;
    storeSize: number;
    offsetMsgId: string;
    sysFlag: number;
    preparedTransactionOffset: number;
  } | null;
  storedRecords: { commitLogOffset: number; role: string }[];
}

export interface StoreManifest {
  store: { commitlogWrittenEndOffset: number; commitlogFiles: { file: string; fileSize: number }[] };
  counts: { commitlogRecords: number };
  messages: ManifestMessage[];
  commitlog: ManifestRecord[];
  consumeQueues: Record<string, { entries: ManifestConsumeQueueEntry[] }>;
}

export const storeDir = path.join(fixturesDir, 'store-clean');

let manifestCache: StoreManifest | undefined;

export function loadStoreManifest(): StoreManifest {
  manifestCache ??= JSON.parse(fs.readFileSync(path.join(fixturesDir, 'store-manifest.json'), 'utf8')) as StoreManifest;
  return manifestCache;
}

/** The first (only) CommitLog segment, read into memory; the fixture file is never opened for writing. */
export function readCommitLogSegment(): Buffer {
  return fs.readFileSync(path.join(storeDir, 'commitlog', '00000000000000000000'));
}
