// Owns: deleting what is no longer kept, and refusing writes while the disk is nearly full.
// Counterpart: DefaultMessageStore.CleanCommitLogService / CleanConsumeQueueService and the
// disk checks of its scheduled tasks.
//
// Every cleanResourceInterval: when it is one of the `deleteWhen` hours, or the disk is fuller
// than diskMaxUsedSpaceRatio, CommitLog segments last modified more than fileReservedTime hours
// ago are deleted from the oldest on (never the segment being written, and at most 10 a pass).
// Above diskSpaceCleanForciblyRatio (with cleanFileForciblyEnable) the oldest go even if young.
// Then ConsumeQueue and index files that only point below the new minimum go, and min offsets
// follow. Above diskSpaceWarningLevelRatio writes are refused until usage drops again.

import type { Logger } from 'pino';
import { commitLogDir } from './store-config.js';
import type { MessageStore } from './message-store.js';

const DELETE_FILES_BATCH_MAX = 10;
const HOUR_MS = 3_600_000;

export interface RetentionOptions {
  now: () => number;
  logger: Logger;
}

export class RetentionService {
  readonly #store: MessageStore;
  readonly #now: () => number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | null = null;

  constructor(store: MessageStore, options: RetentionOptions) {
    this.#store = store;
    this.#now = options.now;
    this.#logger = options.logger;
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      try {
        this.run(false);
      } catch (err) {
        this.#logger.error({ err }, 'retention pass failed');
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One pass; `force` deletes expired segments whatever the hour (manual deletion). */
  run(force: boolean): { commitLogSegments: number } {
    const store = this.#store;
    const config = store.config;
    const usedPercent = store.io.diskUsedRatio(commitLogDir(config)) * 100;
    store.setDiskFull(usedPercent >= config.diskSpaceWarningLevelRatio);

    const now = this.#now();
    const timeToDelete = isDeleteHour(config.deleteWhen, now);
    const spaceToDelete = usedPercent >= config.diskMaxUsedSpaceRatio;
    const cleanImmediately = config.cleanFileForciblyEnable && usedPercent >= config.diskSpaceCleanForciblyRatio;
    let deleted = 0;
    if (force || timeToDelete || spaceToDelete || cleanImmediately) {
      deleted = this.#deleteExpiredSegments(now, config.fileReservedTime * HOUR_MS, cleanImmediately);
    }
    const minPhyOffset = store.commitLog.minOffset;
    store.consumeQueues.deleteExpired(minPhyOffset);
    if (config.messageIndexEnable) store.index.deleteExpiredFiles(minPhyOffset);
    if (deleted > 0) {
      this.#logger.info({ deleted, minPhyOffset, usedPercent: Math.round(usedPercent), timeToDelete, spaceToDelete, cleanImmediately }, 'expired commit log segments deleted');
    }
    return { commitLogSegments: deleted };
  }

  #deleteExpiredSegments(now: number, reservedMs: number, cleanImmediately: boolean): number {
    const segments = this.#store.commitLog.segments;
    const files = segments.segments;
    let count = 0;
    // Never the last segment: it is the one being written.
    for (let i = 0; i < files.length - 1 && count < DELETE_FILES_BATCH_MAX; i++) {
      const expired = files[i]!.lastModifiedMs() + reservedMs <= now;
      if (!expired && !cleanImmediately) break;
      count++;
    }
    return segments.deleteFirst(count);
  }
}

/** Whether `now` falls in one of the hours of `deleteWhen` ("04", or "04;16"). */
export function isDeleteHour(deleteWhen: string, now: number): boolean {
  const hour = new Date(now).getHours();
  return deleteWhen.split(';').some((h) => h.trim() !== '' && Number(h) === hour);
}
