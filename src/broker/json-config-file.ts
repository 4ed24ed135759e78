// Owns: reading and writing one of the broker's JSON config files (topics.json, consumerOffset.json,
// subscriptionGroup.json, delayOffset.json) the way Java's ConfigManager does: write a temporary
// file, keep the previous version as .bak, rename into place; read the .bak when the file is
// missing or empty.
// Counterpart: org.apache.rocketmq.common.ConfigManager + MixAll.string2File / file2String.

import fs from 'node:fs';
import path from 'node:path';

export class JsonConfigFile {
  constructor(readonly filePath: string) {}

  /** The text of the file (or of its .bak), or undefined when neither has content. */
  read(): string | undefined {
    for (const candidate of [this.filePath, `${this.filePath}.bak`]) {
      try {
        const text = fs.readFileSync(candidate, 'utf8');
        if (text.trim() !== '') return text;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return undefined;
  }

  write(text: string): void {
    fs.mkdirSync(path.dirname(this.filePath), { recursive: true });
    const tmp = `${this.filePath}.tmp`;
    fs.writeFileSync(tmp, text);
    if (fs.existsSync(this.filePath)) fs.copyFileSync(this.filePath, `${this.filePath}.bak`);
    fs.renameSync(tmp, this.filePath);
  }
}
