// Owns: the NameServer's namespaced key/value configuration and its file.
// Counterpart: org.apache.rocketmq.namesrv.kvconfig.KVConfigManager.
//
// File format, as Java writes it: {"configTable":{"<namespace>":{"<key>":"<value>",...},...}}.
// Every change is persisted at once through a temporary file and a rename, so a crash leaves the
// old or the new file, never half of one.

import fs from 'node:fs';
import path from 'node:path';
import { expectObject, expectStringMap, parseFastJson, toFastJson } from '../common/fastjson.js';

export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export class KvConfig {
  readonly #path: string;
  readonly #table = new Map<string, Map<string, string>>();

  constructor(filePath: string) {
    this.#path = filePath;
  }

  /** Reads the file if there is one; a corrupt file is an error rather than silently emptied. */
  load(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.#path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    if (text.trim() === '') return;
    const root = expectObject(parseFastJson(text), 'kvConfig');
    const table = expectObject(root['configTable'] ?? {}, 'configTable');
    for (const [namespace, entries] of Object.entries(table)) {
      this.#table.set(namespace, expectStringMap(entries, `configTable.${namespace}`));
    }
  }

  put(namespace: string, key: string, value: string): void {
    let entries = this.#table.get(namespace);
    if (entries === undefined) {
      entries = new Map();
      this.#table.set(namespace, entries);
    }
    entries.set(key, value);
    this.#persist();
  }

  get(namespace: string, key: string): string | undefined {
    return this.#table.get(namespace)?.get(key);
  }

  delete(namespace: string, key: string): void {
    const entries = this.#table.get(namespace);
    if (entries === undefined || !entries.delete(key)) return;
    this.#persist();
  }

  /**
   * A copy of one namespace, or undefined when it was never written. Compat: as in Java, a
   * namespace whose last key was deleted still exists and lists as an empty table.
   */
  list(namespace: string): Map<string, string> | undefined {
    const entries = this.#table.get(namespace);
    return entries === undefined ? undefined : new Map(entries);
  }

  #persist(): void {
    const text = toFastJson({ configTable: this.#table });
    fs.mkdirSync(path.dirname(this.#path), { recursive: true });
    const tmp = `${this.#path}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, this.#path);
  }
}
