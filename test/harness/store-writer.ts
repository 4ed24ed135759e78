// A child process for crash tests: opens a store, appends from many concurrent writers, and
// prints one line per acknowledged message ("ack <queueId> <queueOffset> <commitLogOffset>
// <size> <key>"), so the parent knows exactly what was acknowledged before it kills us.
//
//   node dist/test/harness/store-writer.js <storeDir> <flushDiskType> <writers> <seed> [segmentSize]
//
// Bodies are derived from the key (bodyFor), so the parent can check every byte it reads back.

import { MessageStore } from '../../src/store/message-store.js';
import { storeConfig } from '../../src/store/store-config.js';
import { seededRandom } from './seeded-random.js';

export const CRASH_TOPIC = 'CrashTopic';
export const CRASH_QUEUES = 4;

/** The body of the message with `key`: 200..1200 bytes, every byte determined by the key. */
export function bodyFor(key: string): Buffer {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  const length = 200 + ((h >>> 0) % 1000);
  const body = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    h = Math.imul(h ^ i, 16777619);
    body[i] = h & 0xff;
  }
  return body;
}

export function crashStoreConfig(dir: string, flushDiskType: string, segmentSize: number) {
  return storeConfig({
    storePathRootDir: dir,
    flushDiskType,
    mappedFileSizeCommitLog: segmentSize,
    mappedFileSizeConsumeQueue: 20 * 1000,
    maxHashSlotNum: 1000,
    maxIndexNum: 4000,
    flushIntervalCommitLog: 50,
    flushIntervalConsumeQueue: 50,
  });
}

async function main(): Promise<void> {
  const [dir, flushDiskType, writersText, seedText, segmentSizeText] = process.argv.slice(2);
  if (dir === undefined || flushDiskType === undefined) throw new Error('usage: store-writer <dir> <flushDiskType> <writers> <seed> [segmentSize]');
  const writers = Number(writersText ?? '16');
  const random = seededRandom(Number(seedText ?? '1'));
  const store = new MessageStore({ config: crashStoreConfig(dir, flushDiskType, Number(segmentSizeText ?? 256 * 1024)), storeHost: '127.0.0.1:10911' });
  store.load();
  store.start();
  process.stdout.write(`ready ${store.maxPhyOffset}\n`);
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
  });
  const runId = `${process.pid}`;
  let sequence = 0;
  const writer = async (): Promise<void> => {
    while (!stopping) {
      const key = `${runId}-${sequence++}`;
      const queueId = Math.floor(random() * CRASH_QUEUES);
      const properties = new Map([
        ['KEYS', key],
        ['TAGS', queueId % 2 === 0 ? 'TagEven' : 'TagOdd'],
        ['UNIQ_KEY', `U${key}`],
      ]);
      const result = await store.putMessage({ topic: CRASH_TOPIC, queueId, body: bodyFor(key), properties, bornTimestamp: Date.now(), bornHost: '127.0.0.1:50000' });
      if (result.status !== 'PUT_OK') throw new Error(`put answered ${result.status}`);
      const r = result.appendResults[0]!;
      process.stdout.write(`ack ${queueId} ${r.queueOffset} ${r.commitLogOffset} ${r.msgSize} ${key}\n`);
    }
  };
  await Promise.all(Array.from({ length: writers }, writer));
  await store.shutdown();
  process.stdout.write('clean\n');
}

if (process.argv[1]?.endsWith('store-writer.js')) {
  main().catch((err: unknown) => {
    process.stderr.write(`${String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  });
}
