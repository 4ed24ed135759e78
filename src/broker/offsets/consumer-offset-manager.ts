// Owns: the consumed queue offset of every (topic, group, queueId), in memory and in
// <configDir>/consumerOffset.json, which Java and rocketmq-ts brokers can read from each other.
// Counterpart: org.apache.rocketmq.broker.offset.ConsumerOffsetManager (4.9.8), with
// org.apache.rocketmq.common.ConfigManager for load and persist.
//
// The file is fastjson text of the bean {offsetTable: Map<"topic@group", Map<queueId, offset>>}.
// Java persists it pretty-printed, and fastjson writes the Integer queueId keys bare, which is not
// JSON (read it with parseFastJson). The bytes, for two keys (tabs shown as such):
//
//   {
//   	"offsetTable":{
//   		"RMQ_SYS_TRANS_OP_HALF_TOPIC@CID_RMQ_SYS_TRANS":{0:2
//   		},
//   		"FixtureTopic@fixture_cg":{0:11,1:15
//   		}
//   	}
//   }
//
// (no newline before a bare key, none after the last brace). GET_ALL_CONSUMER_OFFSET answers the
// compact form, {"offsetTable":{"FixtureTopic@fixture_cg":{0:11,1:15}}}. 5.x files add dataVersion
// and other tables; they are read and ignored.

import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';
import { expectInteger, expectIntegerKey, expectObject, parseFastJson, toFastJson } from '../../common/fastjson.js';
import { JsonConfigFile } from '../json-config-file.js';

export const CONSUMER_OFFSET_FILE_NAME = 'consumerOffset.json';
const TOPIC_GROUP_SEPARATOR = '@';

export interface ConsumerOffsetManagerOptions {
  /** Directory of consumerOffset.json (Java: <storePathRootDir>/config). */
  configDir: string;
  now?: () => number;
  logger?: Logger;
}

type OffsetTable = Map<string, Map<number, number>>;

export class ConsumerOffsetManager {
  readonly filePath: string;
  readonly #file: JsonConfigFile;
  readonly #now: () => number;
  readonly #logger: Logger;
  /** "topic@group" -> queueId -> next queue offset to consume. */
  #table: OffsetTable = new Map();
  /** Changed since the last persist; the periodic persist skips clean tables. */
  #dirty = false;
  #lastPersistTimestamp = 0;
  #timer: NodeJS.Timeout | null = null;
  #shutdown = false;

  constructor(options: ConsumerOffsetManagerOptions) {
    this.filePath = path.join(options.configDir, CONSUMER_OFFSET_FILE_NAME);
    this.#file = new JsonConfigFile(this.filePath);
    this.#now = options.now ?? Date.now;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'broker.offsets' });
  }

  /**
   * Reads consumerOffset.json as Java's ConfigManager.load does: a missing or empty file, or one
   * that does not decode, falls back to consumerOffset.json.bak; neither present means no offsets.
   * Throws when the .bak is needed and does not decode (Java fails to start then too), and also,
   * unlike Java, when the file does not decode and there is no .bak: Java starts empty and its
   * next two persists overwrite the only copy of every offset; we stop and name the file.
   */
  load(): void {
    let mainError: unknown;
    const main = readText(this.filePath);
    if (main !== undefined) {
      try {
        this.#table = decodeOffsetTable(main);
        this.#dirty = false;
        return;
      } catch (err) {
        mainError = err;
        this.#logger.warn({ err, file: this.filePath }, 'consumer offset file unreadable, trying the backup');
      }
    }
    const backupPath = `${this.filePath}.bak`;
    const backup = readText(backupPath);
    if (backup === undefined) {
      if (mainError !== undefined) {
        throw new Error(`${this.filePath} does not decode and has no backup; repair or remove it to start without offsets`, { cause: mainError });
      }
      return;
    }
    try {
      this.#table = decodeOffsetTable(backup);
    } catch (err) {
      throw new Error(`neither ${this.filePath} nor its backup decodes`, { cause: err });
    }
    this.#dirty = false;
    this.#logger.info({ file: backupPath }, 'consumer offsets loaded from the backup');
  }

  /** Writes the file pretty-printed as Java does: to .tmp, the old file to .bak, then rename. */
  persist(): void {
    this.#file.write(this.encode(true));
    this.#dirty = false;
    this.#lastPersistTimestamp = this.#now();
  }

  /** When persist() last succeeded (ms since the epoch), 0 before the first. */
  get lastPersistTimestamp(): number {
    return this.#lastPersistTimestamp;
  }

  /** Persists every `intervalMs` (Java: flushConsumerOffsetInterval) while something changed. */
  start(intervalMs: number): void {
    if (this.#timer !== null || this.#shutdown) return;
    this.#timer = setInterval(() => {
      if (!this.#dirty) return;
      try {
        this.persist();
      } catch (err) {
        // The next tick retries; the in-memory table stays authoritative meanwhile.
        this.#logger.error({ err, file: this.filePath }, 'consumer offset persist failed');
      }
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the periodic persist and writes the table one last time; idempotent. */
  shutdown(): void {
    if (this.#shutdown) return;
    this.#shutdown = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.persist();
  }

  /**
   * Stores a consumer's next offset for one queue (UPDATE_CONSUMER_OFFSET, a pull's commit).
   * Like Java, a lower offset than the stored one is accepted (a rewind after a reset).
   *
   * Compat: Java 4.9.8 stores any value, negative included. ali-ons commits `offset || -1`, so -1
   * for every assigned queue it has not consumed from, and in Java that erases a real offset
   * (the next QUERY_CONSUMER_OFFSET then answers as for a new group). Here a negative offset is
   * stored only where nothing is stored yet, which keeps Java's visible effects (the group shows
   * up for the topic; queries answer as for a new group) without losing consumed progress.
   */
  commitOffset(clientHost: string, group: string, topic: string, queueId: number, offset: number): void {
    const key = topicAtGroup(topic, group);
    let queues = this.#table.get(key);
    if (queues === undefined) {
      queues = new Map();
      this.#table.set(key, queues);
    }
    const stored = queues.get(queueId);
    if (offset < 0 && stored !== undefined) {
      if (stored >= 0) this.#logger.debug({ clientHost, group, topic, queueId, offset, stored }, 'negative commit ignored');
      return;
    }
    queues.set(queueId, offset);
    this.#dirty = true;
  }

  /** Sets an offset unconditionally (admin reset, clone). */
  resetOffset(group: string, topic: string, queueId: number, offset: number): void {
    const key = topicAtGroup(topic, group);
    let queues = this.#table.get(key);
    if (queues === undefined) {
      queues = new Map();
      this.#table.set(key, queues);
    }
    queues.set(queueId, offset);
    this.#dirty = true;
  }

  /** The stored offset, or -1 when none (a stored negative value reads the same way). */
  queryOffset(group: string, topic: string, queueId: number): number {
    return this.#table.get(topicAtGroup(topic, group))?.get(queueId) ?? -1;
  }

  /** queueId -> offset of one group on one topic (a copy; empty when none). */
  queryOffsetsOfGroup(group: string, topic: string): Map<number, number> {
    return new Map(this.#table.get(topicAtGroup(topic, group)) ?? []);
  }

  /** Topics the group has offsets for (Java whichTopicByConsumer). */
  topicsOfGroup(group: string): Set<string> {
    const topics = new Set<string>();
    for (const key of this.#table.keys()) {
      const split = splitKey(key);
      if (split !== undefined && split.group === group) topics.add(split.topic);
    }
    return topics;
  }

  /** Groups with offsets on the topic (Java whichGroupByTopic). */
  groupsOfTopic(topic: string): Set<string> {
    const groups = new Set<string>();
    for (const key of this.#table.keys()) {
      const split = splitKey(key);
      if (split !== undefined && split.topic === topic) groups.add(split.group);
    }
    return groups;
  }

  /** Forgets every offset of the group (Java removeOffset, DELETE_SUBSCRIPTIONGROUP with removeOffset). */
  removeGroup(group: string): number {
    return this.#removeWhere((split) => split.group === group);
  }

  /** Forgets every offset on the topic (delete topic; Java 5.x cleanOffsetByTopic). */
  removeTopic(topic: string): number {
    return this.#removeWhere((split) => split.topic === topic);
  }

  #removeWhere(matches: (split: { topic: string; group: string }) => boolean): number {
    let removed = 0;
    for (const key of [...this.#table.keys()]) {
      const split = splitKey(key);
      if (split !== undefined && matches(split)) {
        this.#table.delete(key);
        removed++;
      }
    }
    if (removed > 0) {
      this.#dirty = true;
      this.#logger.info({ removed }, 'consumer offsets removed');
    }
    return removed;
  }

  /** The whole table, read-only: "topic@group" -> queueId -> offset. */
  offsetTable(): ReadonlyMap<string, ReadonlyMap<number, number>> {
    return this.#table;
  }

  /**
   * The GET_ALL_CONSUMER_OFFSET body: the table as Java's ConsumerOffsetManager.encode() writes it
   * (compact fastjson, bare queueId keys), which a slave decodes as ConsumerOffsetSerializeWrapper.
   */
  table(): string {
    return this.encode(false);
  }

  /** fastjson text of {offsetTable}; `prettyFormat` as Java's persist writes it. */
  encode(prettyFormat = false): string {
    if (prettyFormat) return encodePretty(this.#table);
    const inQueueOrder = new Map([...this.#table].map(([key, queues]) => [key, new Map(inQueueIdOrder(queues))]));
    return toFastJson({ offsetTable: inQueueOrder });
  }
}

function topicAtGroup(topic: string, group: string): string {
  return topic + TOPIC_GROUP_SEPARATOR + group;
}

/** Java splits on '@' and skips keys that do not give exactly two parts. */
function splitKey(key: string): { topic: string; group: string } | undefined {
  const [topic, group, ...rest] = key.split(TOPIC_GROUP_SEPARATOR);
  if (topic === undefined || group === undefined || rest.length > 0) return undefined;
  return { topic, group };
}

/** Text of a file, or undefined when it is missing or blank (Java reads both as "no file"). */
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

/** Decodes consumerOffset.json text (either form, bare or quoted keys); throws on a bad shape. */
export function decodeOffsetTable(text: string): OffsetTable {
  const root = expectObject(parseFastJson(text), '$');
  const table: OffsetTable = new Map();
  const raw = root['offsetTable'];
  if (raw === undefined || raw === null) return table;
  for (const [key, queuesRaw] of Object.entries(expectObject(raw, 'offsetTable'))) {
    const queues = new Map<number, number>();
    for (const [queueKey, offset] of Object.entries(expectObject(queuesRaw, `offsetTable.${key}`))) {
      const field = `offsetTable.${key}.${queueKey}`;
      queues.set(expectIntegerKey(queueKey, field), expectInteger(offset, field));
    }
    table.set(key, queues);
  }
  return table;
}

/**
 * Java writes map entries in its hash tables' order. For the "topic@group" keys we keep the order
 * they were loaded or first committed in, so a file Java wrote persists back unchanged; queue ids
 * go in ascending order, which is what a Java hash table gives small Integer keys.
 */
function inQueueIdOrder(queues: ReadonlyMap<number, number>): Array<[number, number]> {
  return [...queues].sort(([a], [b]) => a - b);
}

/**
 * fastjson's PrettyFormat for this bean: a tab per level; a bean field and a String map key each
 * start on a new line, an Integer map key does not; a non-empty object closes on its own line.
 */
function encodePretty(table: OffsetTable): string {
  const parts: string[] = ['{\n\t"offsetTable":{'];
  let first = true;
  for (const [key, queues] of table) {
    parts.push(first ? '\n\t\t' : ',\n\t\t', toFastJson(key), ':{');
    first = false;
    let firstQueue = true;
    for (const [queueId, offset] of inQueueIdOrder(queues)) {
      parts.push(firstQueue ? '' : ',', String(queueId), ':', String(offset));
      firstQueue = false;
    }
    parts.push(queues.size > 0 ? '\n\t\t}' : '}');
  }
  parts.push(table.size > 0 ? '\n\t}\n}' : '}\n}');
  return parts.join('');
}
