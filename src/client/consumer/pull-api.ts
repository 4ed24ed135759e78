// Owns: one PULL_MESSAGE round trip as consumers see it: the request, the status the response
// code stands for, and the decoded, tag-checked messages.
// Counterpart: MQClientAPIImpl#pullMessage + PullAPIWrapper#processPullResult (4.9.8).
//
//   response code                 status
//   SUCCESS (0)                   FOUND
//   PULL_NOT_FOUND (19)           NO_NEW_MSG
//   PULL_RETRY_IMMEDIATELY (20)   NO_MATCHED_MSG
//   PULL_OFFSET_MOVED (21)        OFFSET_ILLEGAL
//   anything else                 an MQError

import { decodeMessageRecords } from '../../common/message/message-record.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { errorFromResponse, ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import type { SubscriptionData } from '../../remoting/requests/client.js';
import { PullMessage, PullSysFlag } from '../../remoting/requests/pull.js';
import type { ClientInstance } from '../connection/client-instance.js';
import { MASTER_ID } from '../connection/topic-route.js';
import { toReceivedMessage, type MessageQueue, type ReceivedMessage } from '../message.js';
import { tagMatches } from './subscription.js';

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

export interface PullResult {
  status: PullStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Messages that passed the client-side tag check (tag hashes can collide on the broker). */
  messages: ReceivedMessage[];
}

export interface PullOptions {
  group: string;
  mq: MessageQueue;
  queueOffset: number;
  maxMsgNums: number;
  subscription: SubscriptionData;
  /** Offset to commit along with the pull (clustering), or undefined. */
  commitOffset?: number;
  /** Let the broker hold the pull until a message arrives (long polling), for at most this long. */
  suspendTimeoutMs?: number;
  /** The whole request's timeout; must exceed the suspend time. */
  timeoutMs: number;
  /** Sets FLAG_LITE_PULL_MESSAGE, as Java's lite pull consumer does. */
  litePull?: boolean;
}

const STATUS_BY_CODE = new Map<number, PullStatus>([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

/**
 * Pulls from the broker the last answer suggested (a slave when the master is busy), falling back
 * to the master; remembers the suggestion per queue as Java's PullAPIWrapper does.
 */
export class PullApi {
  readonly #instance: ClientInstance;
  readonly #suggestedBrokerId = new Map<string, number>();

  constructor(instance: ClientInstance) {
    this.#instance = instance;
  }

  async pull(options: PullOptions): Promise<PullResult> {
    const { mq } = options;
    const key = `${mq.topic}@${mq.brokerName}@${mq.queueId}`;
    let found = this.#instance.findBrokerAddrInSubscribe(mq.brokerName, this.#suggestedBrokerId.get(key) ?? MASTER_ID);
    if (found === undefined) {
      await this.#instance.updateTopicRoute(mq.topic);
      found = this.#instance.findBrokerAddrInSubscribe(mq.brokerName, MASTER_ID);
    }
    if (found === undefined) throw errorFromResponse(ResponseCode.SYSTEM_ERROR, `The broker[${mq.brokerName}] not exist`, { topic: mq.topic });
    let sysFlag = PullSysFlag.FLAG_SUBSCRIPTION;
    // A slave does not take offset commits.
    if (options.commitOffset !== undefined && options.commitOffset > 0 && !found.slave) sysFlag |= PullSysFlag.FLAG_COMMIT_OFFSET;
    if (options.suspendTimeoutMs !== undefined) sysFlag |= PullSysFlag.FLAG_SUSPEND;
    if (options.litePull === true) sysFlag |= PullSysFlag.FLAG_LITE_PULL_MESSAGE;
    const request = RemotingCommand.request(
      RequestCode.PULL_MESSAGE,
      PullMessage.encode({
        consumerGroup: options.group,
        topic: mq.topic,
        queueId: mq.queueId,
        queueOffset: options.queueOffset,
        maxMsgNums: options.maxMsgNums,
        sysFlag,
        commitOffset: options.commitOffset ?? 0,
        suspendTimeoutMillis: options.suspendTimeoutMs ?? 0,
        subscription: options.subscription.subString,
        subVersion: options.subscription.subVersion,
        expressionType: options.subscription.expressionType,
      }),
    );
    const response = await this.#instance.invokeBroker(found.addr, request, options.timeoutMs);
    const status = STATUS_BY_CODE.get(response.code);
    if (status === undefined) throw errorFromResponse(response.code, response.remark, { brokerAddr: found.addr, topic: mq.topic, queueId: mq.queueId, requestCode: RequestCode.PULL_MESSAGE });
    const header = PullMessage.decodeResponse(response);
    if (!header.ok) throw errorFromResponse(ResponseCode.SYSTEM_ERROR, `bad pull response: ${header.error}`, { brokerAddr: found.addr });
    this.#suggestedBrokerId.set(key, header.value.suggestWhichBrokerId);
    const messages: ReceivedMessage[] = [];
    if (status === 'FOUND' && response.body !== null) {
      for (const ext of decodeMessageRecords(response.body, { inflate: true })) {
        const msg = toReceivedMessage(ext, mq.brokerName);
        if (tagMatches(options.subscription, msg.tags)) messages.push(msg);
      }
    }
    return {
      status,
      nextBeginOffset: header.value.nextBeginOffset,
      minOffset: header.value.minOffset,
      maxOffset: header.value.maxOffset,
      messages,
    };
  }
}
