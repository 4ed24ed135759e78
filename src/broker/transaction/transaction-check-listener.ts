// Owns: what happens to a half message the check pass picks: asking one live producer of its group
// for the outcome (CHECK_TRANSACTION_STATE, one-way), or, after transactionCheckMax checks,
// discarding it into TRANS_CHECK_MAX_TIME_TOPIC.
// Counterpart: org.apache.rocketmq.broker.transaction.AbstractTransactionalMessageCheckListener,
// queue.DefaultTransactionalMessageCheckListener and Broker2Client.checkProducerTransactionState (4.9.8).
//
// Java sends checks from a small thread pool; a one-way write is cheap here, so it is sent inline.

import type { Logger } from 'pino';
import type { MessageExt } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { RemotingCommand, SerializeType } from '../../remoting/remoting-command.js';
import { CheckTransactionState } from '../../remoting/requests/transaction.js';
import { PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import type { ProducerManager } from '../client/producer-manager.js';
import { checkMessageBody, type HalfCopyPosition, toCheckMaxTimeMessage, TRANS_CHECK_MAX_TIME_TOPIC } from './half-message.js';
import type { TransactionalMessageBridge } from './transactional-message-bridge.js';

export interface TransactionCheckListenerOptions {
  bridge: TransactionalMessageBridge;
  producers: ProducerManager;
  logger: Logger;
  /** Called after each check is sent (or found no producer), for metrics and tests. */
  onCheck?: (event: { producerGroup: string | undefined; sent: boolean }) => void;
}

export class TransactionCheckListener {
  readonly #bridge: TransactionalMessageBridge;
  readonly #producers: ProducerManager;
  readonly #logger: Logger;
  readonly #onCheck: TransactionCheckListenerOptions['onCheck'];

  constructor(options: TransactionCheckListenerOptions) {
    this.#bridge = options.bridge;
    this.#producers = options.producers;
    this.#logger = options.logger;
    this.#onCheck = options.onCheck;
  }

  /**
   * Sends CHECK_TRANSACTION_STATE for `half`, whose copy has just been appended at `copy`, to one
   * live producer connection of its group (PGROUP). A group with no live producer is skipped: the
   * copy waits for the next pass.
   */
  resolveHalfMsg(half: MessageExt, properties: ReadonlyMap<string, string>, copy: HalfCopyPosition): void {
    const group = properties.get(MessageConst.PROPERTY_PRODUCER_GROUP);
    const connection = group === undefined ? undefined : this.#producers.anyConnectionOf(group);
    if (connection === undefined) {
      this.#logger.warn({ producerGroup: group, commitLogOffset: copy.commitLogOffset }, 'no live producer of the group to check a transaction with');
      this.#onCheck?.({ producerGroup: group, sent: false });
      return;
    }
    const body = checkMessageBody(half, properties, copy);
    if (body === undefined) {
      this.#logger.error({ producerGroup: group, commitLogOffset: copy.commitLogOffset }, 'half message without a valid REAL_TOPIC / REAL_QID; not checked');
      this.#onCheck?.({ producerGroup: group, sent: false });
      return;
    }
    const uniqKey = properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    const header = CheckTransactionState.encode({
      tranStateTableOffset: copy.queueOffset,
      commitLogOffset: copy.commitLogOffset,
      ...(uniqKey !== undefined ? { msgId: uniqKey, transactionId: uniqKey } : {}),
      offsetMsgId: this.#bridge.offsetMsgId(copy.commitLogOffset),
    });
    const request = RemotingCommand.request(RequestCode.CHECK_TRANSACTION_STATE, header, body);
    // Compat: requests the broker starts go out in JSON (4.9.8's default), whatever the producer uses.
    request.serializeType = SerializeType.JSON;
    try {
      connection.invokeOneway(request);
    } catch (err) {
      this.#logger.error({ err, producerGroup: group, remote: connection.remoteAddress }, 'sending CHECK_TRANSACTION_STATE failed');
      this.#onCheck?.({ producerGroup: group, sent: false });
      return;
    }
    this.#logger.debug({ producerGroup: group, remote: connection.remoteAddress, commitLogOffset: copy.commitLogOffset, uniqKey }, 'transaction check sent');
    this.#onCheck?.({ producerGroup: group, sent: true });
  }

  /**
   * A half message checked transactionCheckMax times (or older than the CommitLog keeps files):
   * moved to TRANS_CHECK_MAX_TIME_TOPIC and never checked again. 4.9.8 and 5.x both do this.
   */
  async resolveDiscardMsg(half: MessageExt, properties: ReadonlyMap<string, string>): Promise<void> {
    const realTopic = properties.get(MessageConst.PROPERTY_REAL_TOPIC);
    const uniqKey = properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    this.#logger.error(
      { realTopic, uniqKey, commitLogOffset: half.commitLogOffset, queueOffset: half.queueOffset, checkTimes: properties.get(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES) },
      `half message checked too many times; discarded to ${TRANS_CHECK_MAX_TIME_TOPIC}`,
    );
    try {
      this.#bridge.ensureCheckMaxTimeTopic();
      const result = await this.#bridge.putMessage(toCheckMaxTimeMessage(half, properties));
      if (result.status !== PutMessageStatus.PUT_OK) {
        this.#logger.error({ realTopic, uniqKey, status: result.status }, `writing a discarded half message to ${TRANS_CHECK_MAX_TIME_TOPIC} failed`);
      }
    } catch (err) {
      this.#logger.warn({ err, realTopic, uniqKey }, `writing a discarded half message to ${TRANS_CHECK_MAX_TIME_TOPIC} failed`);
    }
  }
}
