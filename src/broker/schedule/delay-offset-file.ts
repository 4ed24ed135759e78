// Owns: config/delayOffset.json, each delay level's progress through its schedule queue, in the
// format Java's broker reads and writes, plus one field of ours.
// Counterpart: org.apache.rocketmq.store.schedule.DelayOffsetSerializeWrapper with
// ScheduleMessageService's encode/decode and ConfigManager's load/persist, 4.9.8.
//
// fastjson text of {offsetTable: Map<Integer level, Long next queue offset>}, pretty-printed by
// persist, Integer keys bare (not JSON; read with parseFastJson). A 4.9.8 store's file, tabs as such:
//
//   {
//   	"offsetTable":{3:1
//   	}
//   }
//
// We add "rmqtsCommitLogOffset": the CommitLog's end when the file was written (bean fields go in
// alphabetical order, so it follows offsetTable). Java's fastjson ignores fields its bean lacks, so
// a Java broker reads our file; a file without it (Java's) is read as "nothing to scan".

import fs from 'node:fs';
import path from 'node:path';
import { expectInteger, expectIntegerKey, expectObject, parseFastJson } from '../../common/fastjson.js';
import { JsonConfigFile } from '../json-config-file.js';

export const DELAY_OFFSET_FILE_NAME = 'delayOffset.json';

export interface DelayOffsets {
  /** level (1-based) -> next queue offset of its schedule queue to deliver. */
  offsetTable: Map<number, number>;
  /** Ours: the CommitLog end when written; undefined in a file Java wrote. */
  commitLogOffset: number | undefined;
}

/** Encodes the file as Java's persist writes it (pretty), with our field after offsetTable. */
export function encodeDelayOffsets(offsets: DelayOffsets): string {
  const levels = [...offsets.offsetTable].sort(([a], [b]) => a - b);
  const table = levels.length === 0 ? '{}' : `{${levels.map(([level, offset]) => `${level}:${offset}`).join(',')}\n\t}`;
  const ours = offsets.commitLogOffset === undefined ? '' : `,\n\t"rmqtsCommitLogOffset":${offsets.commitLogOffset}`;
  return `{\n\t"offsetTable":${table}${ours}\n}`;
}

/** Decodes either form (pretty or compact, bare or quoted keys); throws on a bad shape. */
export function decodeDelayOffsets(text: string): DelayOffsets {
  const root = expectObject(parseFastJson(text), '$');
  const offsetTable = new Map<number, number>();
  const raw = root['offsetTable'];
  if (raw !== undefined && raw !== null) {
    for (const [key, value] of Object.entries(expectObject(raw, 'offsetTable'))) {
      offsetTable.set(expectIntegerKey(key, `offsetTable.${key}`), expectInteger(value, `offsetTable.${key}`));
    }
  }
  const ours = root['rmqtsCommitLogOffset'];
  const commitLogOffset = ours === undefined || ours === null ? undefined : expectInteger(ours, 'rmqtsCommitLogOffset');
  return { offsetTable, commitLogOffset };
}

/** The file in a config directory: read (with Java's fallback to .bak) and written atomically. */
export class DelayOffsetFile {
  readonly filePath: string;
  readonly #file: JsonConfigFile;

  constructor(configDir: string) {
    this.filePath = path.join(configDir, DELAY_OFFSET_FILE_NAME);
    this.#file = new JsonConfigFile(this.filePath);
  }

  /**
   * The stored offsets, or undefined when neither the file nor its .bak has content. A file that
   * does not decode falls back to the .bak, as Java's ConfigManager does; throws when that fails
   * too (Java does not start then either).
   */
  read(): DelayOffsets | undefined {
    const main = readText(this.filePath);
    if (main !== undefined) {
      try {
        return decodeDelayOffsets(main);
      } catch (err) {
        const backup = readText(`${this.filePath}.bak`);
        if (backup === undefined) throw new Error(`${this.filePath} does not decode and has no backup`, { cause: err });
        return decodeDelayOffsets(backup);
      }
    }
    const backup = readText(`${this.filePath}.bak`);
    return backup === undefined ? undefined : decodeDelayOffsets(backup);
  }

  /** Writes to a temporary file, keeps the old one as .bak, renames into place. */
  write(offsets: DelayOffsets): void {
    this.#file.write(encodeDelayOffsets(offsets));
  }
}

function readText(filePath: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return text.trim() === '' ? undefined : text;
}
