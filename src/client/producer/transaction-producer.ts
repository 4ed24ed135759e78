// Owns: the transactional producer: sending a half message (TRAN_MSG, PGROUP), running the local
// transaction, ending it with END_TRANSACTION, and answering the broker's CHECK_TRANSACTION_STATE
// with the listener's check, within the check concurrency bound.
// Counterpart: org.apache.rocketmq.client.producer.TransactionMQProducer and
// DefaultMQProducerImpl#sendMessageInTransaction / #endTransaction / #checkTransactionState,
// #initTransactionEnv (4.9.8).
//
// A transaction's life, as the broker sees it:
//
//   producer                          broker
//   send TRAN_MSG=true, PGROUP  --->  half message in RMQ_SYS_TRANS_HALF_TOPIC (invisible)
//   executeLocalTransaction
//   END_TRANSACTION (one-way)   --->  8 commit: written to its real queue; 12 rollback: dropped;
//                                     0 unknown: nothing, and after transactionTimeOut...
//   checkLocalTransaction      <---   CHECK_TRANSACTION_STATE to any live producer of PGROUP
//   END_TRANSACTION (one-way,   --->  ...resolved, or asked again every transactionCheckInterval
//     fromTransactionCheck)           until transactionCheckMax, then TRANS_CHECK_MAX_TIME_TOPIC

import type { Logger } from 'pino';
import { decodeOffsetMsgId } from '../../common/message/message-id.js';
import { decodeMessageRecord, type MessageExt } from '../../common/message/message-record.js';
import { isCompressed } from '../../common/message/message-sys-flag.js';
import { MessageConst } from '../../common/message/properties.js';
import { ConfigError, MQError } from '../../common/mq-error.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import {
  CheckTransactionState,
  type CheckTransactionStateHeader,
  EndTransaction,
  type EndTransactionHeader,
  TransactionResolution,
} from '../../remoting/requests/transaction.js';
import { resolveClientConfig } from '../client-config.js';
import type { ClientInstance } from '../connection/client-instance.js';
import { ConsumeLimiter } from '../consumer/consume-limiter.js';
import { type Message, type ReceivedMessage, toReceivedMessage } from '../message.js';
import { Producer, PRODUCER_DEFAULTS, type ProducerOptions } from './producer.js';
import type { SendResult } from './send-result.js';

/** The outcome of a local transaction, as the listener reports it (Java's LocalTransactionState). */
export const LocalTransactionState = Object.freeze({
  /** Deliver the message. */
  COMMIT_MESSAGE: 'COMMIT_MESSAGE',
  /** Drop the message. */
  ROLLBACK_MESSAGE: 'ROLLBACK_MESSAGE',
  /** Not known yet (Java's spelling): the broker asks again later with checkLocalTransaction. */
  UNKNOW: 'UNKNOW',
});
export type LocalTransactionState = (typeof LocalTransactionState)[keyof typeof LocalTransactionState];

/** The message handed to executeLocalTransaction: the message as sent, with its transaction id. */
export interface TransactionMessage extends Message {
  /** The message's UNIQ_KEY: the id checkLocalTransaction will see, to find the local transaction by. */
  transactionId: string;
}

/**
 * The half message a broker asks about in checkLocalTransaction: as stored (in its real topic and
 * queue), with its transaction id and the address of the broker that asks.
 */
export interface TransactionCheckMessage extends Omit<ReceivedMessage, 'brokerName'> {
  /** The message's UNIQ_KEY, as executeLocalTransaction saw it. */
  transactionId: string;
  /** The broker that asked, and receives the answer. */
  brokerAddr: string;
}

/**
 * What a transactional producer runs (Java's TransactionListener). Either method may return a
 * promise; a throw or rejection, or anything but the three states, counts as UNKNOW.
 *
 * In an async method, return the constants (`LocalTransactionState.COMMIT_MESSAGE`): TypeScript
 * widens a bare string literal returned from an async function to `string`.
 */
export interface TransactionListener {
  /** Runs the local transaction once the half message is stored; `arg` is sendMessageInTransaction's. */
  executeLocalTransaction(message: TransactionMessage, arg: unknown): LocalTransactionState | Promise<LocalTransactionState>;
  /** Tells the broker the outcome of a transaction it has not heard about (or heard UNKNOW for). */
  checkLocalTransaction(message: TransactionCheckMessage): LocalTransactionState | Promise<LocalTransactionState>;
}

/** What sendMessageInTransaction resolves with: the half message's SendResult and the outcome sent. */
export interface TransactionSendResult extends SendResult {
  /** What END_TRANSACTION told the broker (ROLLBACK_MESSAGE when the half send was not SEND_OK). */
  localTransactionState: LocalTransactionState;
  /** The broker's transaction id when it returns one, else the UNIQ_KEY (what checks carry). */
  transactionId: string;
}

/** Settings of a TransactionProducer: a Producer's, plus how checks run. */
export interface TransactionProducerOptions extends ProducerOptions {
  /** Check callbacks running at once while few are queued (Java `checkThreadPoolMinSize`, 1). */
  checkThreadPoolMinSize?: number;
  /** Check callbacks running at once at most (Java `checkThreadPoolMaxSize`, 1). */
  checkThreadPoolMaxSize?: number;
  /** Checks waiting for a slot at most; more are dropped, and the broker asks again (Java `checkRequestHoldMax`, 2000). */
  checkRequestHoldMax?: number;
}

/** TransactionMQProducer's defaults. */
export const TRANSACTION_PRODUCER_DEFAULTS = Object.freeze({
  checkThreadPoolMinSize: 1,
  checkThreadPoolMaxSize: 1,
  checkRequestHoldMax: 2000,
});

/** How long shutdown waits for running check callbacks, so their answers still reach the broker. */
const CHECK_DRAIN_TIMEOUT_MS = 3000;

const STATES: ReadonlySet<string> = new Set(Object.values(LocalTransactionState));

function resolutionOf(state: LocalTransactionState): number {
  switch (state) {
    case 'COMMIT_MESSAGE':
      return TransactionResolution.COMMIT;
    case 'ROLLBACK_MESSAGE':
      return TransactionResolution.ROLLBACK;
    case 'UNKNOW':
      return TransactionResolution.NOT_TYPE;
  }
}

function checkCount(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be an integer >= 1, got ${String(value)}`, { key: name });
  return v;
}

/**
 * A producer of transactional messages: the message becomes visible to consumers only when the
 * local transaction commits.
 *
 * ```ts
 * const producer = new TransactionProducer({ namesrvAddr: '127.0.0.1:9876', producerGroup: 'PID_orders_tx' });
 * producer.setTransactionListener({
 *   async executeLocalTransaction(msg, order) {
 *     await db.insertOrder(order, msg.transactionId);
 *     return LocalTransactionState.COMMIT_MESSAGE;
 *   },
 *   async checkLocalTransaction(msg) {
 *     return (await db.hasOrder(msg.transactionId)) ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
 *   },
 * });
 * await producer.start();
 * const result = await producer.sendMessageInTransaction({ topic: 'Orders', body: '...' }, order);
 * ```
 *
 * It is a {@link Producer} too (plain sends work as usual). Any started producer of the same group
 * may be asked about a transaction, so a transaction whose producer died is still resolved.
 */
export class TransactionProducer extends Producer {
  readonly #logger: Logger;
  readonly #createTopicKey: string;
  readonly #checkRequestHoldMax: number;
  readonly #checks: ConsumeLimiter;
  #listener: TransactionListener | undefined;

  /** Checks the options (ConfigError); connects nothing until start(). */
  constructor(options: TransactionProducerOptions) {
    super(options);
    const d = TRANSACTION_PRODUCER_DEFAULTS;
    const min = checkCount('checkThreadPoolMinSize', options.checkThreadPoolMinSize, d.checkThreadPoolMinSize);
    const max = checkCount('checkThreadPoolMaxSize', options.checkThreadPoolMaxSize, Math.max(min, d.checkThreadPoolMaxSize));
    if (max < min) throw new ConfigError(`checkThreadPoolMaxSize (${max}) must be >= checkThreadPoolMinSize (${min})`, { key: 'checkThreadPoolMaxSize' });
    this.#checkRequestHoldMax = checkCount('checkRequestHoldMax', options.checkRequestHoldMax, d.checkRequestHoldMax);
    // Java's pool runs checkThreadPoolMinSize threads and grows towards the max only once
    // checkRequestHoldMax checks wait; callbacks here are promises, and the max bounds them.
    this.#checks = new ConsumeLimiter(max);
    this.#createTopicKey = options.createTopicKey ?? PRODUCER_DEFAULTS.createTopicKey;
    this.#logger = resolveClientConfig(options).logger.child({ component: 'client.transaction-producer', group: this.group });
  }

  /** Sets what runs and checks local transactions; needed before sendMessageInTransaction and for checks. */
  setTransactionListener(listener: TransactionListener): void {
    this.#listener = listener;
  }

  /**
   * Joins the client instance, and makes itself known to the brokers at once (the createTopicKey
   * route, then a heartbeat), so that checks of its group can reach it before it sends anything.
   */
  override async start(): Promise<void> {
    await super.start();
    const instance = this.clientInstance();
    try {
      await instance.updateTopicRoute(this.#createTopicKey);
    } catch (err) {
      // No template route (autoCreateTopicEnable=false): the brokers hear of us after the first send.
      this.#logger.debug({ err, topic: this.#createTopicKey }, 'no createTopicKey route; brokers learn of this producer with its first send');
    }
    await instance.sendHeartbeatToAllBrokers();
  }

  /** Stops taking checks, waits a little for running ones to answer, then leaves (idempotent). */
  override async shutdown(): Promise<void> {
    await this.#checks.close(CHECK_DRAIN_TIMEOUT_MS);
    await super.shutdown();
  }

  /**
   * Sends `message` as a half message (invisible to consumers), runs the listener's
   * executeLocalTransaction with `arg`, and sends the outcome to the broker that stored it
   * (END_TRANSACTION, one-way). COMMIT_MESSAGE makes the message visible, ROLLBACK_MESSAGE drops
   * it, UNKNOW leaves it to the broker's checks. A half message stored but not SEND_OK is rolled
   * back without running the local transaction.
   *
   * Rejects when the half message could not be sent (then nothing ran). A delayTimeLevel is
   * ignored, as Java drops it: a transactional message is delivered when it commits.
   */
  async sendMessageInTransaction(message: Message, arg?: unknown): Promise<TransactionSendResult> {
    const listener = this.#listener;
    if (listener === undefined) throw new MQError(-1, 'TransactionListener is null');
    // Compat: Java silently clears DELAY on transactional messages.
    const { delayTimeLevel: _ignored, ...toSend } = message;
    const systemProperties = new Map([
      [MessageConst.PROPERTY_TRANSACTION_PREPARED, 'true'],
      [MessageConst.PROPERTY_PRODUCER_GROUP, this.group],
    ]);
    const sent = await this.sendMessage(toSend, {}, systemProperties);
    const transactionId = sent.transactionId ?? sent.msgId;
    let state: LocalTransactionState = LocalTransactionState.UNKNOW;
    let localError: unknown;
    if (sent.sendStatus === 'SEND_OK') {
      try {
        state = this.#stateOf(await listener.executeLocalTransaction({ ...toSend, transactionId: sent.msgId }, arg), 'executeLocalTransaction');
      } catch (err) {
        localError = err;
        this.#logger.warn({ err, topic: toSend.topic, transactionId }, 'executeLocalTransaction threw; the transaction is left UNKNOW for the broker to check');
      }
    } else {
      // Stored, but not as durably as the broker was told to: Java rolls it back.
      state = LocalTransactionState.ROLLBACK_MESSAGE;
    }
    this.#endTransaction(sent, transactionId, state, localError);
    return { ...sent, localTransactionState: state, transactionId };
  }

  /** END_TRANSACTION for a half message this producer sent; a failure is logged (the broker will check back). */
  #endTransaction(sent: SendResult, transactionId: string, state: LocalTransactionState, localError: unknown): void {
    const topic = sent.messageQueue.topic;
    const id = decodeOffsetMsgId(sent.offsetMsgId) ?? decodeOffsetMsgId(sent.msgId);
    let instance: ClientInstance;
    try {
      instance = this.clientInstance();
    } catch (err) {
      // Shut down while the local transaction ran: the broker will ask another producer of the group.
      this.#logger.warn({ err, topic, transactionId, state }, 'producer shut down before the transaction ended; the broker will check back');
      return;
    }
    const brokerAddr = instance.findBrokerAddrInPublish(sent.messageQueue.brokerName);
    if (id === undefined || brokerAddr === undefined) {
      this.#logger.warn({ topic, transactionId, offsetMsgId: sent.offsetMsgId, brokerName: sent.messageQueue.brokerName, state }, 'cannot end the transaction (no commitLogOffset or broker address); the broker will check back');
      return;
    }
    const header: EndTransactionHeader = {
      producerGroup: this.group,
      tranStateTableOffset: sent.queueOffset,
      commitLogOffset: id.commitLogOffset,
      commitOrRollback: resolutionOf(state),
      fromTransactionCheck: false,
      msgId: sent.msgId,
      transactionId,
      bname: sent.messageQueue.brokerName,
    };
    const remark = localError === undefined ? null : `executeLocalTransactionBranch exception: ${String(localError)}`;
    this.#sendEndTransaction(instance, brokerAddr, header, remark);
  }

  #sendEndTransaction(instance: ClientInstance, brokerAddr: string, header: EndTransactionHeader, remark: string | null): void {
    const request = RemotingCommand.request(RequestCode.END_TRANSACTION, EndTransaction.encode(header));
    request.remark = remark;
    try {
      instance.remoting.invokeOneway(brokerAddr, request);
      this.#logger.debug({ brokerAddr, transactionId: header.transactionId, commitOrRollback: header.commitOrRollback, fromTransactionCheck: header.fromTransactionCheck }, 'END_TRANSACTION sent');
    } catch (err) {
      this.#logger.warn({ err, brokerAddr, transactionId: header.transactionId }, 'sending END_TRANSACTION failed; the broker will check back');
    }
  }

  /** A listener's answer, or UNKNOW (with a warning) for anything that is not a state. */
  #stateOf(value: unknown, method: string): LocalTransactionState {
    if (typeof value === 'string' && STATES.has(value)) return value as LocalTransactionState;
    // Java turns a null answer into UNKNOW; anything else cannot come from its enum.
    if (value !== undefined && value !== null) this.#logger.warn({ value: String(value) }, `${method} returned no LocalTransactionState; taken as UNKNOW`);
    return LocalTransactionState.UNKNOW;
  }

  // -------------------------------------------------------------------------------------------
  // ProducerMember

  /** Also the createTopicKey route, whose brokers receive this producer's heartbeats (Java's start puts it in the publish table). @internal */
  override *publishTopics(): Iterable<string> {
    yield* super.publishTopics();
    yield this.#createTopicKey;
  }

  /**
   * CHECK_TRANSACTION_STATE from `brokerAddr`: queued for the listener's checkLocalTransaction,
   * whose answer goes back one-way. Beyond checkRequestHoldMax waiting checks it is dropped with a
   * warning; the broker asks again.
   * @internal
   */
  checkTransactionState(brokerAddr: string, message: MessageExt, request: RemotingCommand): void {
    const header = CheckTransactionState.decode(request);
    if (!header.ok) {
      this.#logger.warn({ brokerAddr, error: header.error }, 'CHECK_TRANSACTION_STATE with an undecodable header; ignored');
      return;
    }
    if (this.#checks.waiting >= this.#checkRequestHoldMax) {
      this.#logger.warn({ brokerAddr, waiting: this.#checks.waiting, checkRequestHoldMax: this.#checkRequestHoldMax }, 'too many transaction checks waiting; this one is dropped and will come again');
      return;
    }
    this.#checks.submit(() => this.#check(brokerAddr, message, request.body, header.value));
  }

  async #check(brokerAddr: string, message: MessageExt, body: Buffer | null, header: CheckTransactionStateHeader): Promise<void> {
    const listener = this.#listener;
    if (listener === undefined) {
      this.#logger.warn({ brokerAddr }, 'transaction check received, but no TransactionListener is set; not answered');
      return;
    }
    const uniqKey = message.properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    const checked = toCheckMessage(message, body, brokerAddr);
    let state: LocalTransactionState = LocalTransactionState.UNKNOW;
    let remark: string | null = null;
    try {
      state = this.#stateOf(await listener.checkLocalTransaction(checked), 'checkLocalTransaction');
    } catch (err) {
      remark = `checkLocalTransactionState Exception: ${String(err)}`;
      this.#logger.warn({ err, brokerAddr, transactionId: checked.transactionId }, 'checkLocalTransaction threw; answered UNKNOW');
    }
    let instance: ClientInstance;
    try {
      instance = this.clientInstance();
    } catch (err) {
      this.#logger.debug({ err, brokerAddr }, 'producer shut down during a transaction check; not answered');
      return;
    }
    const answer: EndTransactionHeader = {
      producerGroup: this.group,
      tranStateTableOffset: header.tranStateTableOffset,
      commitLogOffset: header.commitLogOffset,
      commitOrRollback: resolutionOf(state),
      fromTransactionCheck: true,
      msgId: uniqKey ?? message.offsetMsgId,
    };
    if (header.transactionId !== undefined) answer.transactionId = header.transactionId;
    if (header.bname !== undefined) answer.bname = header.bname;
    this.#sendEndTransaction(instance, brokerAddr, answer, remark);
  }
}

/**
 * The listener's view of a checked half message: its body inflated when it was stored compressed
 * (the instance decodes records without inflating), its ids as Java's ClientRemotingProcessor sets them.
 */
function toCheckMessage(message: MessageExt, body: Buffer | null, brokerAddr: string): TransactionCheckMessage {
  let ext = message;
  if (isCompressed(message.sysFlag) && !message.bodyInflated && body !== null) {
    try {
      ext = decodeMessageRecord(body, 0, { inflate: true });
    } catch {
      // The stored bytes stay in `body`; the listener can still decide by ids and properties.
    }
  }
  const { brokerName: _none, ...received } = toReceivedMessage(ext, '');
  const uniqKey = ext.properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  return { ...received, transactionId: uniqKey !== undefined && uniqKey !== '' ? uniqKey : received.msgId, brokerAddr };
}
