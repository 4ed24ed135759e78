// Owns: the `checkpoint` file: the store timestamps of the last message known durable in the
// CommitLog, in the ConsumeQueues and in the index, from which an abnormal recovery starts.
// Counterpart: org.apache.rocketmq.store.StoreCheckpoint.
//
//   offset  size  field
//   0       8     physicMsgTimestamp   (CommitLog flushed up to a message stored at this time)
//   8       8     logicsMsgTimestamp   (ConsumeQueues flushed up to ...)
//   16      8     indexMsgTimestamp    (index flushed up to ...)
//   24      -     zeros up to 4096 bytes (Java maps one page; 5.x keeps more offsets here)

import path from 'node:path';
import type { FileIO } from './io/file-io.js';

export const CHECKPOINT_FILE_BYTES = 4096;
const FIELDS_BYTES = 24;

export class StoreCheckpoint {
  readonly #io: FileIO;
  readonly #fd: number;
  physicMsgTimestamp = 0;
  logicsMsgTimestamp = 0;
  indexMsgTimestamp = 0;

  constructor(io: FileIO, rootDir: string) {
    this.#io = io;
    io.mkdirp(rootDir);
    const filePath = path.join(rootDir, 'checkpoint');
    const existed = io.exists(filePath);
    this.#fd = io.open(filePath, true);
    if (io.fileSize(this.#fd) < CHECKPOINT_FILE_BYTES) io.truncate(this.#fd, CHECKPOINT_FILE_BYTES);
    if (existed) {
      const buf = Buffer.alloc(FIELDS_BYTES);
      io.read(this.#fd, buf, 0, FIELDS_BYTES, 0);
      this.physicMsgTimestamp = Number(buf.readBigInt64BE(0));
      this.logicsMsgTimestamp = Number(buf.readBigInt64BE(8));
      this.indexMsgTimestamp = Number(buf.readBigInt64BE(16));
    }
  }

  /** Where an abnormal recovery may start: the older of CommitLog and ConsumeQueue, less 3 s. */
  minTimestamp(): number {
    return Math.max(0, Math.min(this.physicMsgTimestamp, this.logicsMsgTimestamp) - 3000);
  }

  /** As minTimestamp, also counting the index (messageIndexSafe). */
  minTimestampIndex(): number {
    return Math.min(this.minTimestamp(), this.indexMsgTimestamp);
  }

  /** Writes the three timestamps and fdatasyncs them. */
  async flush(): Promise<void> {
    this.#write();
    await this.#io.datasync(this.#fd);
  }

  flushSync(): void {
    this.#write();
    this.#io.datasyncSync(this.#fd);
  }

  #write(): void {
    const buf = Buffer.alloc(FIELDS_BYTES);
    buf.writeBigInt64BE(BigInt(this.physicMsgTimestamp), 0);
    buf.writeBigInt64BE(BigInt(this.logicsMsgTimestamp), 8);
    buf.writeBigInt64BE(BigInt(this.indexMsgTimestamp), 16);
    this.#io.write(this.#fd, buf, 0, FIELDS_BYTES, 0);
  }

  close(): void {
    this.#io.close(this.#fd);
  }
}
