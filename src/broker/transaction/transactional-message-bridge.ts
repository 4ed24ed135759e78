// Owns: the transaction services' access to the store and the broker's tables: reading the half
// and op queues as decoded messages, the CID_RMQ_SYS_TRANS progress in both, looking a half message
// up by commit-log offset, appending messages and op records, and the system topics they need.
// Counterpart: org.apache.rocketmq.broker.transaction.queue.TransactionalMessageBridge (4.9.8).

import { readInt64BE } from '../../common/message/int64.js';
import { checkMessageRecord, decodeMessageRecord, type MessageExt, PHYSICAL_OFFSET_POS } from '../../common/message/message-record.js';
import { PermName } from '../../common/topic-config.js';
import { GetMessageStatus } from '../../store/get-message-result.js';
import type { MessageInput, PutMessageResult } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';
import {
  CID_SYS_RMQ_TRANS,
  opMessage,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  TRANS_CHECK_MAX_TIME_QUEUE_NUMS,
  TRANS_CHECK_MAX_TIME_TOPIC,
} from './half-message.js';

/** Java's client PullStatus, which the check algorithm branches on. */
export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

/** A read of the half or op queue: Java's PullResult, with the records decoded. */
export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Undefined unless FOUND (Java's null msgFoundList). */
  messages: MessageExt[] | undefined;
}

const SYSTEM_TOPIC_PERM = PermName.PERM_READ | PermName.PERM_WRITE;
/** Bytes read at once to find a half message: most records fit. */
const HALF_READ_BYTES = 4096;

export class TransactionalMessageBridge {
  readonly #ctx: BrokerContext;

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  get brokerAddr(): string {
    return this.#ctx.brokerAddr;
  }

  /** The offsetMsgId of the record at a commit-log offset of this broker. */
  offsetMsgId(commitLogOffset: number): string {
    return this.#ctx.store.offsetMsgId(commitLogOffset);
  }

  /**
   * Queue ids of the half topic, creating the topic (1 queue, read and write) when it is missing,
   * as Java does on the first check.
   */
  halfQueueIds(): number[] {
    const config = this.#ctx.topics.get(RMQ_SYS_TRANS_HALF_TOPIC) ?? this.#ctx.topics.createTopicInSendMessageBackMethod(RMQ_SYS_TRANS_HALF_TOPIC, 1, SYSTEM_TOPIC_PERM, 0);
    return Array.from({ length: Math.max(0, config.readQueueNums) }, (_, i) => i);
  }

  /** CID_RMQ_SYS_TRANS's next offset in a queue; the queue's min offset when it has none yet. */
  fetchConsumeOffset(topic: string, queueId: number): number {
    const offset = this.#ctx.consumerOffsets.queryOffset(CID_SYS_RMQ_TRANS, topic, queueId);
    return offset === -1 ? this.#ctx.store.getMinOffsetInQueue(topic, queueId) : offset;
  }

  updateConsumeOffset(topic: string, queueId: number, offset: number): void {
    this.#ctx.consumerOffsets.commitOffset(this.#ctx.brokerAddr, CID_SYS_RMQ_TRANS, topic, queueId, offset);
  }

  /** The next queue offset a half message would take in `queueId`. */
  halfQueueMaxOffset(queueId: number): number {
    return this.#ctx.store.getMaxOffsetInQueue(RMQ_SYS_TRANS_HALF_TOPIC, queueId);
  }

  getHalfMessage(queueId: number, queueOffset: number, maxMsgNums: number): PullResult {
    return this.#getMessage(RMQ_SYS_TRANS_HALF_TOPIC, queueId, queueOffset, maxMsgNums);
  }

  getOpMessage(queueId: number, queueOffset: number, maxMsgNums: number): PullResult {
    return this.#getMessage(RMQ_SYS_TRANS_OP_HALF_TOPIC, queueId, queueOffset, maxMsgNums);
  }

  #getMessage(topic: string, queueId: number, queueOffset: number, maxMsgNums: number): PullResult {
    const got = this.#ctx.store.getMessage(topic, queueId, queueOffset, maxMsgNums);
    const result: PullResult = { status: 'NO_NEW_MSG', nextBeginOffset: got.nextBeginOffset, minOffset: got.minOffset, maxOffset: got.maxOffset, messages: undefined };
    switch (got.status) {
      case GetMessageStatus.FOUND:
        result.status = 'FOUND';
        result.messages = this.#decodeAll(got.messages);
        break;
      case GetMessageStatus.NO_MATCHED_MESSAGE:
        result.status = 'NO_MATCHED_MSG';
        break;
      case GetMessageStatus.NO_MESSAGE_IN_QUEUE:
      case GetMessageStatus.OFFSET_OVERFLOW_ONE:
        result.status = 'NO_NEW_MSG';
        break;
      default:
        result.status = 'OFFSET_ILLEGAL';
        this.#ctx.logger.warn({ topic, queueId, queueOffset, status: got.status }, 'transaction queue offset illegal');
        break;
    }
    return result;
  }

  #decodeAll(records: readonly Buffer[]): MessageExt[] {
    const out: MessageExt[] = [];
    for (const record of records) {
      try {
        out.push(decodeMessageRecord(record, 0));
      } catch (err) {
        // The store checked the record when it read it; a record that still fails is skipped as
        // Java's decode skips it (returns null), and said once here.
        this.#ctx.logger.error({ err }, 'undecodable record in a transaction queue');
      }
    }
    return out;
  }

  /**
   * The half message at a commit-log offset, or undefined when no valid record starts there. One
   * read of HALF_READ_BYTES usually holds the whole record (the store's lookup reads its size
   * first, then the record: two reads on every END_TRANSACTION, 13% of its profile).
   */
  lookMessageByOffset(commitLogOffset: number): MessageExt | undefined {
    const store = this.#ctx.store;
    if (!Number.isSafeInteger(commitLogOffset) || commitLogOffset < store.minPhyOffset || commitLogOffset >= store.maxPhyOffset) return undefined;
    const window = store.getCommitLogData(commitLogOffset, HALF_READ_BYTES);
    const size = window !== undefined && window.length >= 4 ? window.readInt32BE(0) : 0;
    let record: Buffer | undefined;
    if (window !== undefined && size > 0 && size <= window.length) {
      const check = checkMessageRecord(window, 0, { checkCRC: false });
      if (check.status !== 'ok' || check.size !== size || readInt64BE(window, PHYSICAL_OFFSET_POS) !== commitLogOffset) return undefined;
      record = window.subarray(0, size);
    } else {
      record = store.lookMessageByOffset(commitLogOffset);
    }
    if (record === undefined) return undefined;
    try {
      return decodeMessageRecord(record, 0);
    } catch (err) {
      // lookMessageByOffset has checked the record; this is a broken invariant, said and refused.
      this.#ctx.logger.error({ err, commitLogOffset }, 'record at a checked offset does not decode');
      return undefined;
    }
  }

  putMessage(msg: MessageInput): Promise<PutMessageResult> {
    return this.#ctx.store.putMessage(msg);
  }

  /** Appends the op record that resolves `half` (tag "d", body = its queue offset). */
  putOpMessage(half: MessageExt): Promise<PutMessageResult> {
    return this.#ctx.store.putMessage(opMessage(half.queueId, half.queueOffset, this.#ctx.brokerAddr, this.#ctx.now()));
  }

  /** TRANS_CHECK_MAX_TIME_TOPIC, created when missing (1 queue, read and write), as Java does. */
  ensureCheckMaxTimeTopic(): void {
    if (this.#ctx.topics.get(TRANS_CHECK_MAX_TIME_TOPIC) !== undefined) return;
    this.#ctx.topics.createTopicInSendMessageBackMethod(TRANS_CHECK_MAX_TIME_TOPIC, TRANS_CHECK_MAX_TIME_QUEUE_NUMS, SYSTEM_TOPIC_PERM, 0);
  }
}
