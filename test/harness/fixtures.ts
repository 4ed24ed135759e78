// Owns: finding and reading the frames captured from Apache RocketMQ 4.9.8
// (/work/shared/fixtures/rocketmq-4.9.8, see its README.md) for tests.
// Counterpart: none (test support).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
}

/** The repository root: the nearest directory with a package.json above this file (src or dist). */
export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The 4.9.8 capture folder, a sibling of the repository: ../shared/fixtures/rocketmq-4.9.8. */
export const fixturesDir = path.resolve(repoRoot, '../shared/fixtures/rocketmq-4.9.8');

/** One whole .bin file (one frame, length prefix included), e.g. 'namesrv/009-...bin'. */
export function readFrameFile(relPath: string): Buffer {
  return fs.readFileSync(path.join(fixturesDir, relPath));
}

export interface SplitFrame {
  /** 0 = JSON, 1 = ROCKETMQ. */
  serializeType: number;
  header: Buffer;
  body: Buffer;
}

/** Cuts a whole frame into header and body, checking the length fields against the buffer. */
export function splitFrame(buf: Buffer): SplitFrame {
  if (buf.length < 8) throw new Error(`frame of ${buf.length} bytes is shorter than its two length fields`);
  const length = buf.readInt32BE(0);
  if (length !== buf.length - 4) throw new Error(`length field ${length} does not match ${buf.length - 4} bytes`);
  const headerWord = buf.readUInt32BE(4);
  const headerLength = headerWord & 0xffffff;
  if (8 + headerLength > buf.length) throw new Error(`header length ${headerLength} runs past the frame`);
  return {
    serializeType: headerWord >>> 24,
    header: buf.subarray(8, 8 + headerLength),
    body: buf.subarray(8 + headerLength),
  };
}

/** An index.json entry; only the fields tests commonly use are typed, the rest stay loose. */
export interface FixtureFrame {
  file: string;
  family: string;
  direction: string;
  type: string;
  code: number;
  codeName: string;
  serialization: 'JSON' | 'ROCKETMQ';
  bodyLength: number;
  bodyFormat: string;
  bodyText?: string;
  header?: Record<string, unknown>;
  headerDecoded?: Record<string, unknown>;
  [key: string]: unknown;
}

let indexCache: FixtureFrame[] | undefined;

/** The `frames` array of index.json, one entry per .bin file. */
export function loadIndex(): FixtureFrame[] {
  if (indexCache === undefined) {
    const parsed = JSON.parse(fs.readFileSync(path.join(fixturesDir, 'index.json'), 'utf8')) as { frames: FixtureFrame[] };
    indexCache = parsed.frames;
  }
  return indexCache;
}

/** The index.json entry for one file; throws if the index does not list it. */
export function indexEntry(relPath: string): FixtureFrame {
  const entry = loadIndex().find((frame) => frame.file === relPath);
  if (entry === undefined) throw new Error(`index.json has no entry for ${relPath}`);
  return entry;
}
