// Owns: one check pass over the half queues: from CID_RMQ_SYS_TRANS's offset in each, skip the half
// messages an op record resolves, leave the young ones, discard those checked too often, and for
// the rest append a fresh copy and ask their producer group (CHECK_TRANSACTION_STATE); then move
// CID_RMQ_SYS_TRANS's offsets in the half and op queues past what is settled.
// Counterpart: org.apache.rocketmq.broker.transaction.queue.TransactionalMessageServiceImpl.check
// (with fillOpRemoveMap, checkPrepareQueueOffset, needDiscard, needSkip, calculateOpOffset), 4.9.8.
//
// How a pass walks one half queue (offsets are ConsumeQueue offsets):
//
//   op queue   [opOffset ...........)   each op record: tag "d", body = a half queue offset
//                  | read 32 at a time into removeMap (half offset -> op offset)
//   half queue [halfOffset ... i ...)   i in removeMap  -> resolved, its op offset is done
//                                       too many checks -> TRANS_CHECK_MAX_TIME_TOPIC
//                                       stored after the pass began, or younger than the
//                                       timeout -> stop here, later ones are younger still
//                                       otherwise -> append a copy (TRANSACTION_CHECK_TIMES+1)
//                                       and check it; the copy is met again in a later pass
//
// The half offset ends after the last message settled; the op offset after the longest run of
// done op records. Each check moves the half message to the queue's end, so a producer answering
// a check resolves the copy (its offsets are in the check), never a message the pass has passed.

import type { Logger } from 'pino';
import type { MessageExt } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import { type HalfCopyPosition, opRecordHalfOffset, REMOVE_TAG, renewHalfMessage, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC } from './half-message.js';
import type { TransactionCheckListener } from './transaction-check-listener.js';
import type { PullResult, TransactionalMessageBridge } from './transactional-message-bridge.js';

/** Java's PULL_MSG_RETRY_NUMBER: half messages are read one at a time. */
const HALF_PULL_NUMS = 1;
/** Op records read per pull. */
const OP_PULL_NUMS = 32;
/** A pass stops after this long on one queue (Java's MAX_PROCESS_TIME_LIMIT). */
const MAX_PROCESS_TIME_LIMIT_MS = 60_000;
/** Missing half messages tolerated in a row before the pass ends (Java's MAX_RETRY_COUNT_WHEN_HALF_NULL). */
const MAX_RETRY_COUNT_WHEN_HALF_NULL = 1;

export interface TransactionCheckOptions {
  bridge: TransactionalMessageBridge;
  listener: TransactionCheckListener;
  logger: Logger;
  now: () => number;
  /** transactionTimeOut, ms. */
  transactionTimeoutMs: number;
  transactionCheckMax: number;
  /** fileReservedTime, hours: half messages older than the CommitLog keeps are discarded. */
  fileReservedTimeHours: number;
}

/** What one pass did, for logs and tests. */
export interface TransactionCheckSummary {
  checked: number;
  discarded: number;
  resolved: number;
}

/** Runs one check pass over every half queue. */
export async function checkHalfQueues(options: TransactionCheckOptions): Promise<TransactionCheckSummary> {
  const summary: TransactionCheckSummary = { checked: 0, discarded: 0, resolved: 0 };
  for (const queueId of options.bridge.halfQueueIds()) {
    try {
      await new HalfQueueCheck(options, queueId, summary).run();
    } catch (err) {
      options.logger.error({ err, queueId }, 'transaction check of a half queue failed');
    }
  }
  return summary;
}

class HalfQueueCheck {
  readonly #o: TransactionCheckOptions;
  readonly #queueId: number;
  readonly #summary: TransactionCheckSummary;
  /** Half queue offset -> offset of the op record that resolves it. */
  readonly #removeMap = new Map<number, number>();
  /** Op records settled in this pass. */
  readonly #doneOpOffsets: number[] = [];

  constructor(options: TransactionCheckOptions, queueId: number, summary: TransactionCheckSummary) {
    this.#o = options;
    this.#queueId = queueId;
    this.#summary = summary;
  }

  async run(): Promise<void> {
    const { bridge, logger, now } = this.#o;
    const queueId = this.#queueId;
    const startTime = now();
    const halfOffset = bridge.fetchConsumeOffset(RMQ_SYS_TRANS_HALF_TOPIC, queueId);
    const opOffset = bridge.fetchConsumeOffset(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId);
    if (halfOffset < 0 || opOffset < 0) {
      logger.error({ queueId, halfOffset, opOffset }, 'illegal transaction queue offsets; half queue skipped');
      return;
    }
    // Copies this pass appends land at or after this offset; they wait for the next pass. (Java
    // stops at a record stored after the pass began; this also holds when the clock is moved.)
    const halfEnd = bridge.halfQueueMaxOffset(queueId);
    let opPull = this.#fillOpRemoveMap(opOffset, halfOffset);
    let nullCount = 1;
    let newOffset = halfOffset;
    let i = halfOffset;
    while (i < halfEnd) {
      if (now() - startTime > MAX_PROCESS_TIME_LIMIT_MS) {
        logger.info({ queueId, limitMs: MAX_PROCESS_TIME_LIMIT_MS }, 'transaction check reached its time limit');
        break;
      }
      const removedOpOffset = this.#removeMap.get(i);
      if (removedOpOffset !== undefined) {
        this.#removeMap.delete(i);
        this.#doneOpOffsets.push(removedOpOffset);
        this.#summary.resolved++;
        newOffset = ++i;
        continue;
      }
      const got = bridge.getHalfMessage(queueId, i, HALF_PULL_NUMS);
      const half = got.messages?.[0];
      if (half === undefined) {
        if (nullCount++ > MAX_RETRY_COUNT_WHEN_HALF_NULL || got.status === 'NO_NEW_MSG') break;
        // Retention removed it, or the offset is not in the queue: go on from where the queue is.
        logger.info({ queueId, queueOffset: i, status: got.status, nextBeginOffset: got.nextBeginOffset }, 'half message missing; skipping ahead');
        i = got.nextBeginOffset;
        newOffset = i;
        continue;
      }
      const properties = new Map(half.properties);
      if (needDiscard(properties, this.#o.transactionCheckMax) || this.#needSkip(half)) {
        await this.#o.listener.resolveDiscardMsg(half, properties);
        this.#summary.discarded++;
        newOffset = ++i;
        continue;
      }
      if (half.storeTimestamp >= startTime) break;
      const age = now() - half.bornTimestamp;
      let immunityMs = this.#o.transactionTimeoutMs;
      const immunityText = properties.get(MessageConst.PROPERTY_CHECK_IMMUNITY_TIME_IN_SECONDS);
      if (immunityText !== undefined) {
        immunityMs = immunityTimeMs(immunityText, this.#o.transactionTimeoutMs);
        if (age <= immunityMs && (await this.#checkPrepareQueueOffset(half, properties))) {
          newOffset = ++i;
          continue;
        }
      } else if (age >= 0 && age <= immunityMs) {
        // Younger than the timeout; every later half message is younger still.
        break;
      }
      const ops = opPull.messages;
      const lastOp = ops?.[ops.length - 1];
      const needCheck = (lastOp === undefined && age > immunityMs) || (lastOp !== undefined && lastOp.bornTimestamp - startTime > this.#o.transactionTimeoutMs) || age <= -1;
      if (!needCheck) {
        // Op records not read yet may resolve it: read on. With none left, it waits for the next pass.
        if (lastOp === undefined) break;
        opPull = this.#fillOpRemoveMap(opPull.nextBeginOffset, halfOffset);
        continue;
      }
      const copy = await this.#putBack(half, properties);
      // Java retries the same offset until its time limit; the next pass retries it instead.
      if (copy === undefined) break;
      this.#o.listener.resolveHalfMsg(half, properties, copy);
      this.#summary.checked++;
      newOffset = ++i;
    }
    if (newOffset !== halfOffset) bridge.updateConsumeOffset(RMQ_SYS_TRANS_HALF_TOPIC, queueId, newOffset);
    const newOpOffset = calculateOpOffset(this.#doneOpOffsets, opOffset);
    if (newOpOffset !== opOffset) bridge.updateConsumeOffset(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId, newOpOffset);
  }

  /**
   * Reads up to 32 op records from `opQueueOffset`: those naming a half offset the pass has not
   * reached go into removeMap, the others are done already.
   */
  #fillOpRemoveMap(opQueueOffset: number, halfOffset: number): PullResult {
    const { bridge, logger } = this.#o;
    const pull = bridge.getOpMessage(this.#queueId, opQueueOffset, OP_PULL_NUMS);
    if (pull.status === 'OFFSET_ILLEGAL' || pull.status === 'NO_MATCHED_MSG') {
      logger.warn({ queueId: this.#queueId, opQueueOffset, status: pull.status, nextBeginOffset: pull.nextBeginOffset }, 'op queue offset illegal; moved');
      bridge.updateConsumeOffset(RMQ_SYS_TRANS_OP_HALF_TOPIC, this.#queueId, pull.nextBeginOffset);
      return pull;
    }
    for (const op of pull.messages ?? []) {
      if (op.properties.get(MessageConst.PROPERTY_TAGS) !== REMOVE_TAG) {
        logger.error({ queueId: this.#queueId, opQueueOffset: op.queueOffset, tags: op.properties.get(MessageConst.PROPERTY_TAGS) }, 'op record with an unknown tag');
        continue;
      }
      const halfQueueOffset = opRecordHalfOffset(op);
      if (halfQueueOffset < halfOffset) this.#doneOpOffsets.push(op.queueOffset);
      else this.#removeMap.set(halfQueueOffset, op.queueOffset);
    }
    return pull;
  }

  /**
   * A half message still immune (CHECK_IMMUNITY_TIME_IN_SECONDS): true when it is settled for this
   * pass, because an op record resolves the half message it was first stored as, or because a
   * copy remembering that first offset (TRAN_PREPARED_QUEUE_OFFSET) was appended.
   */
  async #checkPrepareQueueOffset(half: MessageExt, properties: Map<string, string>): Promise<boolean> {
    const preparedText = properties.get(MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET);
    if (preparedText !== undefined) {
      const prepared = parseJavaLong(preparedText);
      if (prepared === -1) return false;
      const opOffset = this.#removeMap.get(prepared);
      if (opOffset !== undefined) {
        this.#removeMap.delete(prepared);
        this.#doneOpOffsets.push(opOffset);
        this.#summary.resolved++;
        return true;
      }
    } else {
      properties.set(MessageConst.PROPERTY_TRANSACTION_PREPARED_QUEUE_OFFSET, String(half.queueOffset));
    }
    return (await this.#putBack(half, properties)) !== undefined;
  }

  /** Appends a copy of the half message (before a check, or while it is immune); where it went. */
  async #putBack(half: MessageExt, properties: ReadonlyMap<string, string>): Promise<HalfCopyPosition | undefined> {
    const result = await this.#o.bridge.putMessage(renewHalfMessage(half, properties));
    const stored = result.appendResults[0];
    if (result.status !== PutMessageStatus.PUT_OK || stored === undefined) {
      this.#o.logger.error({ queueId: this.#queueId, queueOffset: half.queueOffset, status: result.status }, 'appending a half message copy failed');
      return undefined;
    }
    return { queueOffset: stored.queueOffset, commitLogOffset: stored.commitLogOffset };
  }

  /** Older than the CommitLog keeps its files: it cannot be committed any more. */
  #needSkip(half: MessageExt): boolean {
    const ageMs = this.#o.now() - half.bornTimestamp;
    if (ageMs <= this.#o.fileReservedTimeHours * 3600 * 1000) return false;
    this.#o.logger.info({ offsetMsgId: half.offsetMsgId, bornTimestamp: half.bornTimestamp }, 'half message older than fileReservedTime; discarded');
    return true;
  }
}

/**
 * True when the half message has been checked transactionCheckMax times; otherwise counts this
 * check in its TRANSACTION_CHECK_TIMES (1 for the first).
 */
export function needDiscard(properties: Map<string, string>, transactionCheckMax: number): boolean {
  const text = properties.get(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES);
  let checkTimes = 1;
  if (text !== undefined) {
    checkTimes = parseJavaInt(text);
    if (checkTimes >= transactionCheckMax) return true;
    checkTimes++;
  }
  properties.set(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES, String(checkTimes));
  return false;
}

/** CHECK_IMMUNITY_TIME_IN_SECONDS in ms; the transaction timeout when it is not a number. */
export function immunityTimeMs(text: string, transactionTimeoutMs: number): number {
  const seconds = parseJavaLong(text);
  return seconds === -1 ? transactionTimeoutMs : seconds * 1000;
}

/** The op offset after the longest run of consecutive done op records starting at `opOffset`. */
export function calculateOpOffset(doneOpOffsets: readonly number[], opOffset: number): number {
  const sorted = [...doneOpOffsets].sort((a, b) => a - b);
  let next = opOffset;
  for (const done of sorted) {
    if (done === next) next++;
    else if (done > next) break;
  }
  return next;
}

/** Java's Integer.parseInt, with -1 for anything it would reject (as the Java check does). */
function parseJavaInt(text: string): number {
  if (!/^[-+]?\d{1,10}$/.test(text)) return -1;
  const n = Number(text);
  return n < -0x80000000 || n > 0x7fffffff ? -1 : n;
}

/** Java's Long.parseLong within the safe integer range, with -1 for anything else. */
function parseJavaLong(text: string): number {
  if (!/^[-+]?\d{1,16}$/.test(text)) return -1;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : -1;
}
