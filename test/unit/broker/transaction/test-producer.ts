// Owns: a transactional producer played by our RemotingClient, for the transaction tests: it sends
// half messages (SEND_MESSAGE_V2 with TRAN_MSG and PGROUP, as the 4.9.8 Java producer does), ends
// them (END_TRANSACTION), heartbeats its group, and records the CHECK_TRANSACTION_STATE requests
// the broker sends it, answering each as told.
// Counterpart: none (test support; the behaviour copied is DefaultMQProducerImpl's, 4.9.8).

import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { decodeOffsetMsgId } from '../../../../src/common/message/message-id.js';
import { decodeMessageRecord, type MessageExt } from '../../../../src/common/message/message-record.js';
import { MessageSysFlag } from '../../../../src/common/message/message-sys-flag.js';
import { encodeProperties } from '../../../../src/common/message/properties.js';
import { RequestCode } from '../../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../../src/remoting/client.js';
import { RemotingCommand } from '../../../../src/remoting/remoting-command.js';
import { encodeHeartbeatData } from '../../../../src/remoting/requests/client.js';
import { SendMessage } from '../../../../src/remoting/requests/send.js';
import { CheckTransactionState, type CheckTransactionStateHeader, EndTransaction } from '../../../../src/remoting/requests/transaction.js';

/** A half message as the producer knows it after the send. */
export interface HalfSent {
  /** The half queue offset (the send's queueOffset): END_TRANSACTION's tranStateTableOffset. */
  queueOffset: number;
  commitLogOffset: number;
  /** The offset msgId of the half record. */
  msgId: string;
  uniqKey: string;
  /** The queue the producer chose. */
  queueId: number;
}

/** One CHECK_TRANSACTION_STATE received. */
export interface CheckReceived {
  header: CheckTransactionStateHeader;
  message: MessageExt;
  oneway: boolean;
}

export interface SendHalfOptions {
  bornTimestamp?: number;
  immunitySeconds?: number;
  tags?: string;
  /** PGROUP; the producer's group by default. */
  group?: string;
}

export class TestProducer {
  readonly client: RemotingClient;
  readonly checks: CheckReceived[] = [];
  /**
   * How to answer a check: a commitOrRollback value sent back one-way with fromTransactionCheck, or
   * undefined to stay silent.
   */
  answer: (check: CheckReceived) => number | undefined = () => undefined;
  readonly #brokerAddr: string;
  readonly #clientId: string;
  #uniq = 0;

  constructor(
    brokerAddr: string,
    readonly group: string,
    readonly name = 'p',
  ) {
    this.#brokerAddr = brokerAddr;
    this.#clientId = `127.0.0.1@${name}-${randomBytes(3).toString('hex')}`;
    this.client = new RemotingClient({ logger: pino({ level: 'silent' }) });
    this.client.registerHandler(RequestCode.CHECK_TRANSACTION_STATE, (request) => {
      const decoded = CheckTransactionState.decode(request);
      if (!decoded.ok || request.body === null) return null;
      const check: CheckReceived = { header: decoded.value, message: decodeMessageRecord(request.body, 0), oneway: request.isOneway };
      this.checks.push(check);
      const resolution = this.answer(check);
      if (resolution !== undefined) {
        this.endTransaction(
          { queueOffset: check.header.tranStateTableOffset, commitLogOffset: check.header.commitLogOffset, uniqKey: check.header.msgId ?? '' },
          resolution,
          { fromTransactionCheck: true, ...(check.header.transactionId !== undefined ? { transactionId: check.header.transactionId } : {}) },
        );
      }
      return null;
    });
  }

  /** HEART_BEAT with this producer's group, so the broker has a channel to check it on. */
  async heartbeat(): Promise<void> {
    const request = RemotingCommand.request(RequestCode.HEART_BEAT, null, encodeHeartbeatData({ clientID: this.#clientId, producerDataSet: [{ groupName: this.group }], consumerDataSet: [] }));
    const response = await this.client.invokeSync(this.#brokerAddr, request, 3000);
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`heartbeat: ${response.code} ${response.remark ?? ''}`);
  }

  /** The raw SEND_MESSAGE_V2 of a half message, and the UNIQ_KEY it carried. */
  async sendHalfRaw(topic: string, queueId: number, body: string, options: SendHalfOptions = {}): Promise<{ response: RemotingCommand; uniqKey: string }> {
    const uniqKey = `7F0000010000${(++this.#uniq).toString(16).toUpperCase().padStart(4, '0')}${randomBytes(8).toString('hex').toUpperCase()}`;
    const properties: Array<[string, string]> = [
      ['TRAN_MSG', 'true'],
      ['UNIQ_KEY', uniqKey],
      ['WAIT', 'true'],
      ['PGROUP', options.group ?? this.group],
      ['TAGS', options.tags ?? 'TagTx'],
    ];
    if (options.immunitySeconds !== undefined) properties.push(['CHECK_IMMUNITY_TIME_IN_SECONDS', String(options.immunitySeconds)]);
    const extFields = SendMessage.encode(
      {
        producerGroup: this.group,
        topic,
        defaultTopic: 'TBW102',
        defaultTopicQueueNums: 4,
        queueId,
        sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
        bornTimestamp: options.bornTimestamp ?? Date.now(),
        flag: 0,
        properties: encodeProperties(properties),
      },
      RequestCode.SEND_MESSAGE_V2,
    );
    const response = await this.client.invokeSync(this.#brokerAddr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, extFields, Buffer.from(body)), 5000);
    return { response, uniqKey };
  }

  /** Sends a half message; throws unless the broker stored it. */
  async sendHalf(topic: string, queueId: number, body: string, options: SendHalfOptions = {}): Promise<HalfSent> {
    const { response, uniqKey } = await this.sendHalfRaw(topic, queueId, body, options);
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`send half: ${response.code} ${response.remark ?? ''}`);
    const decoded = SendMessage.decodeResponse(response);
    if (!decoded.ok) throw new Error(decoded.error);
    const offsetId = decodeOffsetMsgId(decoded.value.msgId);
    if (offsetId === undefined) throw new Error(`bad msgId ${decoded.value.msgId}`);
    return {
      queueOffset: decoded.value.queueOffset,
      commitLogOffset: offsetId.commitLogOffset,
      msgId: decoded.value.msgId,
      uniqKey,
      queueId: decoded.value.queueId,
    };
  }

  /**
   * END_TRANSACTION for a half message: one-way (as the Java producer sends it) unless `oneway`
   * is false, then resolves with the broker's answer.
   */
  endTransaction(
    half: Pick<HalfSent, 'queueOffset' | 'commitLogOffset' | 'uniqKey'>,
    commitOrRollback: number,
    options: { oneway?: boolean; timeoutMs?: number; fromTransactionCheck?: boolean; group?: string; transactionId?: string; commitLogOffset?: number; queueOffset?: number } = {},
  ): Promise<RemotingCommand> | undefined {
    const extFields = EndTransaction.encode({
      producerGroup: options.group ?? this.group,
      tranStateTableOffset: options.queueOffset ?? half.queueOffset,
      commitLogOffset: options.commitLogOffset ?? half.commitLogOffset,
      commitOrRollback,
      fromTransactionCheck: options.fromTransactionCheck ?? false,
      msgId: half.uniqKey,
      ...(options.transactionId !== undefined ? { transactionId: options.transactionId } : {}),
    });
    const request = RemotingCommand.request(RequestCode.END_TRANSACTION, extFields);
    if (options.oneway === false) return this.client.invokeSync(this.#brokerAddr, request, options.timeoutMs ?? 3000);
    this.client.invokeOneway(this.#brokerAddr, request);
    return undefined;
  }

  shutdown(): void {
    this.client.shutdown();
  }
}
