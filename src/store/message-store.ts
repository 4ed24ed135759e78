// Owns: the store's composition root and API: put, read by queue offset, look up by commit-log
// offset, query by key, offsets by time; recovery at start, dispatch to ConsumeQueues and index,
// periodic flushes and checkpoint, retention, raw replication hooks.
// Counterpart: org.apache.rocketmq.store.DefaultMessageStore.
//
// The store knows nothing of the network. Its clock and file layer are injected, so tests step
// time and inject faults.

import path from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';
import type { BoundaryType } from '../common/boundary-type.js';
import { checkMessageRecord, PHYSICAL_OFFSET_POS, storeTimestampPos } from '../common/message/message-record.js';
import { MessageSysFlag, getTransactionValue } from '../common/message/message-sys-flag.js';
import { encodePropertiesInJavaOrder, MessageConst, PROPERTIES_BYTES_MAX } from '../common/message/properties.js';
import { encodeSocketAddress } from '../common/message/socket-address.js';
import { StoreCheckpoint } from './checkpoint.js';
import { type AppendMessage, CommitLog, type StoredMessage } from './commitlog/commit-log.js';
import { type DispatchRequest, defaultTagsCode, dispatchRequestOf, type TagsCodeOf } from './commitlog/dispatch-request.js';
import { PutMessageStatus } from './commitlog/put-message-status.js';
import { ConsumeQueueTable } from './consumequeue/consume-queue-table.js';
import { type GetMessageResult, GetMessageStatus } from './get-message-result.js';
import { IndexService } from './index/index-service.js';
import { type FileIO, NodeFileIO } from './io/file-io.js';
import { abnormalStartIndex, normalStartIndex, scanCommitLog } from './recovery.js';
import { RetentionService } from './retention.js';
import { commitLogDir, consumeQueueDir, indexDir, type StoreConfig } from './store-config.js';

export interface MessageStoreOptions {
  config: StoreConfig;
  /** "ip:port" written as the store host of every record (and so part of every offsetMsgId). */
  storeHost: string;
  io?: FileIO;
  now?: () => number;
  logger?: Logger;
  /** ConsumeQueue tag codes; the delay service stores delivery times for its topic. */
  tagsCodeOf?: TagsCodeOf;
}

/** A message to store, as the broker hands it over. */
export interface MessageInput {
  topic: string;
  queueId: number;
  flag?: number;
  body: Uint8Array;
  /** Parsed properties (TAGS, KEYS, UNIQ_KEY are read from here). */
  properties: ReadonlyMap<string, string>;
  /** The properties string exactly as to be stored; encoded from `properties` when absent. */
  propertiesString?: string;
  sysFlag?: number;
  bornTimestamp: number;
  bornHost: string;
  reconsumeTimes?: number;
  preparedTransactionOffset?: number;
}

export interface PutMessageResult {
  status: PutMessageStatus;
  /** One entry per stored message (a batch has several); `store.offsetMsgId(commitLogOffset)` is its msgId. */
  appendResults: readonly StoredMessage[];
}

export type MessageArrivingListener = (topic: string, queueId: number, logicOffset: number, tagsCode: number, storeTimestamp: number) => void;

const RECOVERY_WINDOW_EXTRA = 1024 * 1024;
const MAX_FILTER_ENTRIES = 16_000;
const CQ_READ_BATCH = 512;
const READ_WINDOW_BYTES = 1024 * 1024;

export class MessageStore {
  readonly config: StoreConfig;
  readonly io: FileIO;
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueTable;
  readonly index: IndexService;
  readonly checkpoint: StoreCheckpoint;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #storeHost: Buffer;
  /** Uppercase hex of the store host (the first half of every offsetMsgId). */
  readonly #storeHostHex: string;
  /** Born hosts repeat (one per client connection): their encoded form is kept, bounded. */
  readonly #bornHosts = new Map<string, Buffer>();
  readonly #tagsCodeOf: TagsCodeOf;
  readonly #retention: RetentionService;
  readonly #listeners: MessageArrivingListener[] = [];
  #flushTimer: NodeJS.Timeout | null = null;
  #lastDispatchedStoreTimestamp = 0;
  /** Commit-log offset up to which records have been dispatched. */
  #reputOffset = 0;
  #started = false;
  #shutdown = false;
  #diskFull = false;
  #lastExitOK = true;

  constructor(options: MessageStoreOptions) {
    this.config = options.config;
    this.io = options.io ?? new NodeFileIO();
    this.#now = options.now ?? Date.now;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'store' });
    this.#storeHost = encodeSocketAddress(options.storeHost);
    this.#storeHostHex = this.#storeHost.toString('hex').toUpperCase();
    this.#tagsCodeOf = options.tagsCodeOf ?? defaultTagsCode;
    this.io.mkdirp(this.config.storePathRootDir);
    this.checkpoint = new StoreCheckpoint(this.io, this.config.storePathRootDir);
    this.commitLog = new CommitLog({
      io: this.io,
      dir: commitLogDir(this.config),
      segmentSize: this.config.mappedFileSizeCommitLog,
      writeBufferSize: Math.max(this.config.commitLogWriteBufferSize, this.config.maxMessageSize + 64 * 1024),
      syncFlush: this.config.flushDiskType === 'SYNC_FLUSH',
      flushIntervalMs: this.config.flushIntervalCommitLog,
      syncFlushTimeoutMs: this.config.syncFlushTimeout,
      now: this.#now,
      onCommitted: (batch) => this.#dispatch(batch),
      onFlushed: (storeTimestamp) => {
        if (storeTimestamp > this.checkpoint.physicMsgTimestamp) this.checkpoint.physicMsgTimestamp = storeTimestamp;
      },
      onIOError: (err) => this.#logger.error({ err }, 'commit log write failed; store is no longer writable'),
    });
    this.consumeQueues = new ConsumeQueueTable(this.io, consumeQueueDir(this.config), this.config.mappedFileSizeConsumeQueue);
    this.index = new IndexService(this.io, indexDir(this.config), {
      hashSlotNum: this.config.maxHashSlotNum,
      indexNum: this.config.maxIndexNum,
      now: this.#now,
    });
    this.#retention = new RetentionService(this, { now: this.#now, logger: this.#logger });
  }

  get abortFile(): string {
    return path.join(this.config.storePathRootDir, 'abort');
  }

  /** True when the last run ended with a clean shutdown (set by load()). */
  get lastExitOK(): boolean {
    return this.#lastExitOK;
  }

  /** Opens the files and recovers; then the store is consistent and ready to start. */
  load(): void {
    this.#lastExitOK = !this.io.exists(this.abortFile);
    this.commitLog.load();
    this.consumeQueues.load();
    if (this.config.messageIndexEnable) this.index.load(this.#lastExitOK, this.checkpoint.indexMsgTimestamp);
    this.#recover();
    this.io.writeFileAtomic(this.abortFile, '');
    const lockFile = path.join(this.config.storePathRootDir, 'lock');
    if (!this.io.exists(lockFile)) this.io.writeFileAtomic(lockFile, 'lock');
  }

  #recover(): void {
    const started = this.#now();
    this.consumeQueues.recoverAll();
    const segments = this.commitLog.segments;
    const fromIndex = this.#lastExitOK
      ? normalStartIndex(segments)
      : // Our index checkpoint moves with every flush, so counting it costs little and keeps the
        // index whole after a crash (Java counts it only with messageIndexSafe).
        abnormalStartIndex(segments, this.config.messageIndexEnable ? this.checkpoint.minTimestampIndex() : this.checkpoint.minTimestamp());
    const windowBytes = this.config.maxMessageSize + RECOVERY_WINDOW_EXTRA;
    const scan = scanCommitLog(segments, fromIndex, this.config.checkCRCOnRecover, windowBytes, undefined, { afterCrash: !this.#lastExitOK });
    const processOffset = scan.processOffset;
    if (scan.stoppedBy === 'corrupt') {
      this.#logger.warn({ commitLogOffset: processOffset, detail: scan.detail }, 'commit log damaged; truncating at the last good record');
    }
    segments.truncateTo(processOffset);
    const last = segments.last();
    if (scan.stoppedBy === 'corrupt' && last !== undefined && processOffset < last.fileFromOffset + last.fileSize) {
      // The damaged bytes are what the next appends overwrite. Zeroed now, a write torn later
      // cannot leave pieces of them after its own end for a scan to take for a record.
      const at = processOffset - last.fileFromOffset;
      last.zeroRange(at, Math.min(windowBytes, last.fileSize - at));
    }
    this.commitLog.resetTo(processOffset);
    this.consumeQueues.truncateDirty(processOffset);
    if (this.config.messageIndexEnable) this.index.truncateDirty(processOffset);

    // Re-dispatch what the queues may lack: after a crash from where the scan started, else from
    // the furthest point any queue reached (Java's reputFromOffset).
    let reputFrom = this.#lastExitOK ? this.consumeQueues.maxPhysicOffset() : (segments.segments[fromIndex]?.fileFromOffset ?? processOffset);
    reputFrom = Math.max(reputFrom, this.commitLog.minOffset);
    let redispatched = 0;
    if (reputFrom < processOffset) {
      const startIndex = segments.segments.findIndex((s) => s.fileFromOffset <= reputFrom && reputFrom < s.fileFromOffset + s.fileSize);
      const batch: DispatchRequest[] = [];
      scanCommitLog(segments, startIndex, false, windowBytes, (buf, position, offset) => {
        if (offset < reputFrom || offset >= processOffset) return;
        batch.push(dispatchRequestOf(buf, position, this.#tagsCodeOf));
        if (batch.length >= 4096) {
          redispatched += batch.length;
          this.#dispatchToQueues(batch);
          batch.length = 0;
        }
      });
      redispatched += batch.length;
      this.#dispatchToQueues(batch);
    }
    for (const [key, next] of this.consumeQueues.queueOffsetTable()) this.commitLog.topicQueueTable.set(key, next);
    this.#reputOffset = processOffset;
    this.#logger.info(
      { lastExitOK: this.#lastExitOK, commitLogOffset: processOffset, stoppedBy: scan.stoppedBy, redispatched, ms: this.#now() - started },
      'store recovered',
    );
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.commitLog.start();
    this.#flushTimer = setInterval(() => void this.#flushLogics(), this.config.flushIntervalConsumeQueue);
    this.#flushTimer.unref();
    this.#retention.start(this.config.cleanResourceInterval);
  }

  onMessageArriving(listener: MessageArrivingListener): void {
    this.#listeners.push(listener);
  }

  // -------------------------------------------------------------------------------------------
  // Writes

  /** Stores one message. */
  putMessage(msg: MessageInput): Promise<PutMessageResult> {
    return this.putMessages([msg]);
  }

  /** Stores messages of one queue as consecutive records (a batch). */
  putMessages(msgs: readonly MessageInput[]): Promise<PutMessageResult> {
    return new Promise((resolve) => this.putMessagesThen(msgs, resolve));
  }

  /** As putMessages, with a callback instead of a promise (the broker's send path). */
  putMessagesThen(msgs: readonly MessageInput[], callback: (result: PutMessageResult) => void): void {
    const refused = this.#checkWritable();
    if (refused !== null) {
      callback({ status: refused, appendResults: [] });
      return;
    }
    // One clock read: the store time of every record in the call, and what a tag code that
    // depends on it (a delayed message's delivery time) is computed from.
    const now = this.#now();
    const inputs: AppendMessage[] = [];
    for (const msg of msgs) {
      const input = this.#toAppendInput(msg, now);
      if (typeof input === 'string') {
        callback({ status: input, appendResults: [] });
        return;
      }
      inputs.push(input);
    }
    this.commitLog.append(inputs, (status, appendResults) => callback({ status, appendResults }), now);
  }

  /** The offsetMsgId of the record at `commitLogOffset` in this store (store host + offset, hex). */
  offsetMsgId(commitLogOffset: number): string {
    return this.#storeHostHex + commitLogOffset.toString(16).toUpperCase().padStart(16, '0');
  }

  #bornHost(address: string): Buffer {
    let encoded = this.#bornHosts.get(address);
    if (encoded === undefined) {
      if (this.#bornHosts.size >= 4096) this.#bornHosts.clear();
      encoded = encodeSocketAddress(address);
      this.#bornHosts.set(address, encoded);
    }
    return encoded;
  }

  #checkWritable(): PutMessageStatus | null {
    if (this.#shutdown || !this.#started) return PutMessageStatus.SERVICE_NOT_AVAILABLE;
    if (this.config.brokerRole === 'SLAVE') return PutMessageStatus.SERVICE_NOT_AVAILABLE;
    if (this.#diskFull || !this.commitLog.writable) return PutMessageStatus.SERVICE_NOT_AVAILABLE;
    return null;
  }

  #toAppendInput(msg: MessageInput, now: number): AppendMessage | PutMessageStatus {
    if (Buffer.byteLength(msg.topic) > 127) return PutMessageStatus.MESSAGE_ILLEGAL;
    if (msg.body.length > this.config.maxMessageSize) return PutMessageStatus.MESSAGE_ILLEGAL;
    const propertiesString = msg.propertiesString ?? encodePropertiesInJavaOrder(msg.properties);
    if (Buffer.byteLength(propertiesString) > PROPERTIES_BYTES_MAX) return PutMessageStatus.PROPERTIES_SIZE_EXCEEDED;
    return {
      topic: msg.topic,
      queueId: msg.queueId,
      flag: msg.flag ?? 0,
      body: msg.body,
      propertiesString,
      sysFlag: msg.sysFlag ?? 0,
      bornTimestamp: msg.bornTimestamp,
      bornHost: this.#bornHost(msg.bornHost),
      storeHost: this.#storeHost,
      reconsumeTimes: msg.reconsumeTimes ?? 0,
      preparedTransactionOffset: msg.preparedTransactionOffset ?? 0,
      tagsCode: this.#tagsCodeOf(msg.topic, msg.properties, now),
      keys: msg.properties.get(MessageConst.PROPERTY_KEYS),
      uniqKey: msg.properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX),
      queueOffset: 0,
      commitLogOffset: 0,
      msgSize: 0,
      storeTimestamp: 0,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Dispatch

  #dispatch(batch: readonly DispatchRequest[]): void {
    this.#dispatchToQueues(batch);
    if (this.#listeners.length === 0) return;
    for (const req of batch) {
      if (!isConsumable(req.sysFlag)) continue;
      for (const listener of this.#listeners) listener(req.topic, req.queueId, req.queueOffset + 1, req.tagsCode, req.storeTimestamp);
    }
  }

  #dispatchToQueues(batch: readonly DispatchRequest[]): void {
    if (batch.length === 0) return;
    const indexEnable = this.config.messageIndexEnable;
    for (const req of batch) {
      if (isConsumable(req.sysFlag)) {
        this.consumeQueues.findOrCreate(req.topic, req.queueId).putEntry(req.commitLogOffset, req.msgSize, req.tagsCode, req.queueOffset);
      }
      if (indexEnable) this.index.buildIndex(req);
    }
    this.consumeQueues.commitAll();
    // Index entries are not written per batch: queries read the file being built from memory,
    // and its append buffer is written when full and at every flush.
    const last = batch[batch.length - 1]!;
    this.#lastDispatchedStoreTimestamp = last.storeTimestamp;
    if (last.commitLogOffset + last.msgSize > this.#reputOffset) this.#reputOffset = last.commitLogOffset + last.msgSize;
  }

  /** Flushes ConsumeQueues and index, then the checkpoint (every flushIntervalConsumeQueue). */
  async #flushLogics(): Promise<void> {
    const logicsTimestamp = this.#lastDispatchedStoreTimestamp;
    try {
      await this.consumeQueues.flushAll();
      if (logicsTimestamp > this.checkpoint.logicsMsgTimestamp) this.checkpoint.logicsMsgTimestamp = logicsTimestamp;
      if (this.config.messageIndexEnable) {
        const indexTimestamp = await this.index.flush();
        if (indexTimestamp > this.checkpoint.indexMsgTimestamp) this.checkpoint.indexMsgTimestamp = indexTimestamp;
      }
      await this.checkpoint.flush();
    } catch (err) {
      this.#logger.error({ err }, 'flushing queues or checkpoint failed');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reads

  getMessage(topic: string, queueId: number, queueOffset: number, maxMsgNums: number, filter?: (tagsCode: number) => boolean): GetMessageResult {
    const result: GetMessageResult = { status: GetMessageStatus.NO_MESSAGE_IN_QUEUE, nextBeginOffset: queueOffset, minOffset: 0, maxOffset: 0, messages: [], queueOffsets: [], bufferTotalSize: 0 };
    const cq = this.consumeQueues.get(topic, queueId);
    if (cq === undefined) {
      result.status = GetMessageStatus.NO_MATCHED_LOGIC_QUEUE;
      result.nextBeginOffset = 0;
      return result;
    }
    const minOffset = cq.minOffsetInQueue;
    const maxOffset = cq.maxOffsetInQueue;
    result.minOffset = minOffset;
    result.maxOffset = maxOffset;
    if (maxOffset === 0) {
      result.status = GetMessageStatus.NO_MESSAGE_IN_QUEUE;
      result.nextBeginOffset = 0;
      return result;
    }
    if (queueOffset < minOffset) {
      result.status = GetMessageStatus.OFFSET_TOO_SMALL;
      result.nextBeginOffset = minOffset;
      return result;
    }
    if (queueOffset === maxOffset) {
      result.status = GetMessageStatus.OFFSET_OVERFLOW_ONE;
      result.nextBeginOffset = queueOffset;
      return result;
    }
    if (queueOffset > maxOffset) {
      result.status = GetMessageStatus.OFFSET_OVERFLOW_BADLY;
      result.nextBeginOffset = minOffset === 0 ? minOffset : maxOffset;
      return result;
    }
    this.#readQueue(cq, queueOffset, maxOffset, maxMsgNums, filter, result);
    return result;
  }

  #readQueue(cq: ReturnType<ConsumeQueueTable['findOrCreate']>, queueOffset: number, maxOffset: number, maxMsgNums: number, filter: ((tagsCode: number) => boolean) | undefined, result: GetMessageResult): void {
    const maxBytes = this.config.maxTransferBytesOnMessageInMemory;
    const maxCount = Math.min(maxMsgNums, this.config.maxTransferCountOnMessageInMemory);
    const minPhyOffset = this.commitLog.minOffset;
    const wanted: Array<{ offset: number; size: number; queueOffset: number }> = [];
    let next = queueOffset;
    let bytes = 0;
    let scanned = 0;
    let removed = false;
    outer: while (next < maxOffset && scanned < MAX_FILTER_ENTRIES) {
      const { buf, count } = cq.readEntries(next, Math.min(CQ_READ_BATCH, maxOffset - next));
      if (count === 0) break;
      for (let i = 0; i < count; i++) {
        const pos = i * 20;
        const offsetPy = Number(buf.readBigInt64BE(pos));
        const sizePy = buf.readInt32BE(pos + 8);
        const tagsCode = Number(buf.readBigInt64BE(pos + 12));
        if (wanted.length >= maxCount || (wanted.length > 0 && bytes + sizePy > maxBytes)) break outer;
        next++;
        scanned++;
        if (offsetPy < minPhyOffset) {
          removed = true;
          continue;
        }
        if (filter !== undefined && !filter(tagsCode)) continue;
        wanted.push({ offset: offsetPy, size: sizePy, queueOffset: next - 1 });
        bytes += sizePy;
      }
    }
    this.#readRecords(wanted, result);
    result.nextBeginOffset = next;
    if (result.messages.length > 0) result.status = GetMessageStatus.FOUND;
    else result.status = removed ? GetMessageStatus.MESSAGE_WAS_REMOVING : GetMessageStatus.NO_MATCHED_MESSAGE;
  }

  /**
   * Reads records with one pread per window: records of one queue interleave with other queues'
   * in the CommitLog, so reading the span from the first to the last (up to READ_WINDOW_BYTES, in
   * one segment) and slicing beats a pread per record.
   */
  #readRecords(wanted: ReadonlyArray<{ offset: number; size: number; queueOffset: number }>, result: GetMessageResult): void {
    let i = 0;
    while (i < wanted.length) {
      const start = wanted[i]!.offset;
      let j = i;
      let end = start + wanted[i]!.size;
      while (j + 1 < wanted.length) {
        const next = wanted[j + 1]!;
        const nextEnd = next.offset + next.size;
        if (next.offset < end || nextEnd - start > READ_WINDOW_BYTES || !this.#sameSegment(start, nextEnd - 1)) break;
        j++;
        end = nextEnd;
      }
      const buf = this.commitLog.readRecord(start, end - start);
      if (buf === undefined) break;
      for (let k = i; k <= j; k++) {
        const w = wanted[k]!;
        const pos = w.offset - start;
        result.messages.push(buf.subarray(pos, pos + w.size));
        result.queueOffsets.push(w.queueOffset);
        result.bufferTotalSize += w.size;
      }
      i = j + 1;
    }
  }

  #sameSegment(a: number, b: number): boolean {
    const size = this.config.mappedFileSizeCommitLog;
    return Math.floor(a / size) === Math.floor(b / size);
  }

  /** The record at a commit-log offset (size read from the record when not given). */
  lookMessageByOffset(commitLogOffset: number, size?: number): Buffer | undefined {
    let recordSize = size;
    if (recordSize === undefined) {
      const head = this.commitLog.readRaw(commitLogOffset, 4);
      if (head === undefined || head.length < 4) return undefined;
      recordSize = head.readInt32BE(0);
      if (recordSize <= 0 || recordSize > this.config.maxMessageSize + 64 * 1024) return undefined;
    }
    const buf = this.commitLog.readRecord(commitLogOffset, recordSize);
    if (buf === undefined) return undefined;
    const check = checkMessageRecord(buf, 0, { checkCRC: false });
    if (check.status !== 'ok' || Number(buf.readBigInt64BE(PHYSICAL_OFFSET_POS)) !== commitLogOffset) return undefined;
    return buf;
  }

  /** Records whose key (KEYS or UNIQ_KEY) hashes like `key`, stored in [begin, end]; callers re-check the key. */
  queryMessage(topic: string, key: string, maxNum: number, begin: number, end: number): { messages: Buffer[]; indexLastUpdateTimestamp: number; indexLastUpdatePhyoffset: number } {
    const found = this.index.queryOffset(topic, key, Math.min(maxNum, this.config.maxMsgsNumBatch), begin, end);
    const messages: Buffer[] = [];
    for (const offset of found.phyOffsets) {
      const record = this.lookMessageByOffset(offset);
      if (record !== undefined) messages.push(record);
    }
    return { messages, indexLastUpdateTimestamp: found.indexLastUpdateTimestamp, indexLastUpdatePhyoffset: found.indexLastUpdatePhyoffset };
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.get(topic, queueId)?.minOffsetInQueue ?? 0;
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.get(topic, queueId)?.maxOffsetInQueue ?? 0;
  }

  /** Store time of the message at a queue offset, or -1. */
  getMessageStoreTimeStamp(topic: string, queueId: number, queueOffset: number): number {
    const entry = this.consumeQueues.get(topic, queueId)?.entryAt(queueOffset);
    if (entry === undefined) return -1;
    return this.#storeTimestampAt(entry.commitLogOffset, entry.size) ?? -1;
  }

  getEarliestMessageTime(topic: string, queueId: number): number {
    return this.getMessageStoreTimeStamp(topic, queueId, this.getMinOffsetInQueue(topic, queueId));
  }

  /** See ConsumeQueue.offsetByTime: LOWER (the default) is the first entry stored at or after `timestamp`. */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: BoundaryType = 'LOWER'): number {
    const cq = this.consumeQueues.get(topic, queueId);
    if (cq === undefined) return 0;
    return cq.offsetByTime(timestamp, (offset, size) => this.#storeTimestampAt(offset, size), boundary);
  }

  #storeTimestampAt(commitLogOffset: number, size: number): number | undefined {
    const head = this.commitLog.readRaw(commitLogOffset, Math.min(size, 96));
    if (head === undefined || head.length < 72) return undefined;
    return Number(head.readBigInt64BE(storeTimestampPos(head.readInt32BE(36))));
  }

  get minPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  get maxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  // -------------------------------------------------------------------------------------------
  // Replication hooks

  /** Committed CommitLog bytes from `offset` (within one segment), for a slave. */
  getCommitLogData(offset: number, maxBytes: number): Buffer | undefined {
    return this.commitLog.readRaw(offset, maxBytes);
  }

  /**
   * Appends bytes from a master at exactly the end of this log, then dispatches every record now
   * complete. A chunk may end inside a record; that record is dispatched once the rest arrives.
   */
  appendToCommitLog(offset: number, data: Buffer): boolean {
    if (!this.commitLog.appendRaw(offset, data)) return false;
    this.#reputCommitted();
    return true;
  }

  /** Dispatches committed records from #reputOffset on (raw appends), as Java's ReputMessageService. */
  #reputCommitted(): void {
    const windowBytes = this.config.maxMessageSize + RECOVERY_WINDOW_EXTRA;
    const segmentSize = this.config.mappedFileSizeCommitLog;
    while (this.#reputOffset < this.commitLog.maxOffset) {
      const start = this.#reputOffset;
      const buf = this.commitLog.readRaw(start, windowBytes);
      if (buf === undefined) return;
      const batch: DispatchRequest[] = [];
      let pos = 0;
      let blank = false;
      for (;;) {
        const check = checkMessageRecord(buf, pos, { checkCRC: false });
        if (check.status === 'ok') {
          batch.push(dispatchRequestOf(buf, pos, this.#tagsCodeOf));
          pos += check.size;
          continue;
        }
        blank = check.status === 'blank';
        break;
      }
      for (const req of batch) {
        if (isConsumable(req.sysFlag)) this.commitLog.topicQueueTable.set(`${req.topic}-${req.queueId}`, req.queueOffset + 1);
      }
      this.#dispatch(batch);
      const at = start + pos;
      this.#reputOffset = blank ? at - (at % segmentSize) + segmentSize : at;
      if (!blank && pos === 0) return; // an incomplete record: wait for the rest
    }
  }

  // -------------------------------------------------------------------------------------------
  // Retention and disk space

  /** Runs one retention pass now (the timer does this every cleanResourceInterval). */
  cleanExpiredFiles(force = false): { commitLogSegments: number } {
    return this.#retention.run(force);
  }

  /** Refuses or resumes writes as disk space runs out or returns (called by retention). */
  setDiskFull(full: boolean): void {
    if (full === this.#diskFull) return;
    this.#diskFull = full;
    if (full) this.#logger.error('disk full: writes are refused until space returns');
    else this.#logger.info('disk space back: writes accepted again');
  }

  get diskFull(): boolean {
    return this.#diskFull;
  }

  /** Deletes every queue and index entry of the topics (the CommitLog keeps its bytes). */
  deleteTopics(topics: Iterable<string>): void {
    for (const topic of topics) {
      this.consumeQueues.destroyQueue(topic);
      for (const key of [...this.commitLog.topicQueueTable.keys()]) {
        if (key.startsWith(`${topic}-`) && /^\d+$/.test(key.slice(topic.length + 1))) this.commitLog.topicQueueTable.delete(key);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Shutdown

  /** Flushes everything and removes the abort marker. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.#shutdown) return;
    this.#shutdown = true;
    if (this.#flushTimer !== null) clearInterval(this.#flushTimer);
    this.#retention.stop();
    await this.commitLog.shutdown();
    await this.#flushLogics();
    this.commitLog.close();
    this.consumeQueues.closeAll();
    if (this.config.messageIndexEnable) await this.index.close();
    this.checkpoint.flushSync();
    this.checkpoint.close();
    this.io.unlink(this.abortFile);
    this.#logger.info('store shut down');
  }
}

function isConsumable(sysFlag: number): boolean {
  const tranType = getTransactionValue(sysFlag);
  return tranType === MessageSysFlag.TRANSACTION_NOT_TYPE || tranType === MessageSysFlag.TRANSACTION_COMMIT_TYPE;
}

