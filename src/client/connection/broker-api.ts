// Owns: the broker requests more than one client role makes — queue offsets (max, min, by time),
// consumer offsets (query, update) — each turned into a value or an MQError.
// Counterpart: the matching methods of org.apache.rocketmq.client.impl.MQClientAPIImpl (4.9.8).

import { MQError } from '../../common/mq-error.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { errorFromResponse, ResponseCode } from '../../remoting/codes/response-code.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { GetMaxOffset, GetMinOffset, QueryConsumerOffset, SearchOffsetByTimestamp, UpdateConsumerOffset } from '../../remoting/requests/offsets.js';
import type { MessageQueue } from '../message.js';
import type { ClientInstance } from './client-instance.js';

/** The master's address (or any member's, for reads) of a queue's broker, refreshing the route once when unknown. */
export async function brokerAddrOf(instance: ClientInstance, mq: MessageQueue, forWrite = false): Promise<string> {
  const find = (): string | undefined =>
    forWrite ? instance.findBrokerAddrInPublish(mq.brokerName) : instance.findBrokerAddrInSubscribe(mq.brokerName)?.addr;
  let addr = find();
  if (addr === undefined) {
    await instance.updateTopicRoute(mq.topic);
    addr = find();
  }
  if (addr === undefined) throw new MQError(-1002, `The broker[${mq.brokerName}] not exist`, { retriable: true, context: { topic: mq.topic, queueId: mq.queueId } });
  return addr;
}

function offsetOf(response: RemotingCommand): number {
  const raw = response.ext('offset');
  const n = Number(raw);
  if (raw === undefined || !Number.isSafeInteger(n)) throw new MQError(ResponseCode.SYSTEM_ERROR, `response without a valid offset: ${String(raw)}`);
  return n;
}

/** GET_MAX_OFFSET: the queue's next offset (one past the last message). */
export async function maxOffset(instance: ClientInstance, mq: MessageQueue): Promise<number> {
  const addr = await brokerAddrOf(instance, mq);
  const request = RemotingCommand.request(RequestCode.GET_MAX_OFFSET, GetMaxOffset.encode({ topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }));
  return offsetOf(await instance.invokeBrokerOk(addr, request));
}

export async function minOffset(instance: ClientInstance, mq: MessageQueue): Promise<number> {
  const addr = await brokerAddrOf(instance, mq);
  const request = RemotingCommand.request(RequestCode.GET_MIN_OFFSET, GetMinOffset.encode({ topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }));
  return offsetOf(await instance.invokeBrokerOk(addr, request));
}

/** SEARCH_OFFSET_BY_TIMESTAMP: the first offset whose message was stored at or after `timestampMs`. */
export async function searchOffset(instance: ClientInstance, mq: MessageQueue, timestampMs: number): Promise<number> {
  const addr = await brokerAddrOf(instance, mq);
  const request = RemotingCommand.request(
    RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
    SearchOffsetByTimestamp.encode({ topic: mq.topic, queueId: mq.queueId, timestamp: timestampMs, bname: mq.brokerName }),
  );
  return offsetOf(await instance.invokeBrokerOk(addr, request));
}

/** QUERY_CONSUMER_OFFSET: the group's committed offset, or undefined when the broker has none. */
export async function queryConsumerOffset(instance: ClientInstance, group: string, mq: MessageQueue): Promise<number | undefined> {
  const addr = await brokerAddrOf(instance, mq);
  const request = RemotingCommand.request(
    RequestCode.QUERY_CONSUMER_OFFSET,
    QueryConsumerOffset.encode({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId, bname: mq.brokerName }),
  );
  const response = await instance.invokeBroker(addr, request);
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  if (response.code !== ResponseCode.SUCCESS) {
    throw errorFromResponse(response.code, response.remark, { brokerAddr: addr, topic: mq.topic, queueId: mq.queueId });
  }
  return offsetOf(response);
}

/** UPDATE_CONSUMER_OFFSET, oneway as Java's updateConsumeOffsetToBroker with isOneway true. */
export async function updateConsumerOffset(instance: ClientInstance, group: string, mq: MessageQueue, offset: number, oneway = true): Promise<void> {
  const addr = await brokerAddrOf(instance, mq);
  const request = RemotingCommand.request(
    RequestCode.UPDATE_CONSUMER_OFFSET,
    UpdateConsumerOffset.encode({ consumerGroup: group, topic: mq.topic, queueId: mq.queueId, commitOffset: offset, bname: mq.brokerName }),
  );
  if (oneway) instance.remoting.invokeOneway(addr, request.markOneway());
  else await instance.invokeBrokerOk(addr, request);
}
