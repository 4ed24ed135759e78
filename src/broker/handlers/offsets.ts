// Owns: the broker's answers about offsets: a consumer group's stored offsets
// (QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET) and a queue's offsets and times (GET_MAX_OFFSET,
// GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME).
// Counterpart: org.apache.rocketmq.broker.processor.ConsumerManageProcessor (query/update) and the
// offset branches of AdminBrokerProcessor (4.9.8).
//
// Like Java 4.9.8, none of these checks that the topic or the group exists: an unknown queue has
// min and max offset 0 and no stored offsets.

import os from 'node:os';
import { parseBoundaryType } from '../../common/boundary-type.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { type ExtFields, RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import {
  GetEarliestMsgStoretime,
  GetMaxOffset,
  GetMinOffset,
  QueryConsumerOffset,
  SearchOffsetByTimestamp,
  UpdateConsumerOffset,
} from '../../remoting/requests/offsets.js';
import type { RemotingServer } from '../../remoting/server.js';
import type { MessageStore } from '../../store/message-store.js';
import type { BrokerContext } from '../broker-context.js';

/** Java's remark, version tag included, for a group with no stored offset on an old queue. */
export const QUERY_OFFSET_NOT_FOUND_REMARK = 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first';

function success(extFields: ExtFields): RemotingCommand {
  return RemotingCommand.response(ResponseCode.SUCCESS, null, extFields);
}

/**
 * Java's checkInDiskByConsumeOffset(topic, queueId, 0): whether the queue's message at offset 0
 * lies further behind the CommitLog's end than accessMessageInMemoryMaxRatio percent of physical
 * memory, i.e. is probably no longer in the page cache. No entry at 0 counts as not in disk.
 */
export function firstMessageInDisk(store: MessageStore, topic: string, queueId: number): boolean {
  const entry = store.consumeQueues.get(topic, queueId)?.entryAt(0);
  if (entry === undefined) return false;
  const memoryBytes = Math.floor(os.totalmem() * (store.config.accessMessageInMemoryMaxRatio / 100));
  return store.maxPhyOffset - entry.commitLogOffset > memoryBytes;
}

export function registerOffsetHandlers(server: RemotingServer, ctx: BrokerContext): void {
  // A group with no stored offset: Java answers 0 while the queue still starts at 0 and that first
  // message is "in memory" (so a new group on a young queue reads it all, even with
  // CONSUME_FROM_LAST_OFFSET), otherwise QUERY_NOT_FOUND and the client applies consumeFromWhere.
  // A stored negative offset (ali-ons commits -1) counts as none, as in Java.
  server.registerHandler(
    RequestCode.QUERY_CONSUMER_OFFSET,
    handleWith(QueryConsumerOffset, (h) => {
      const offset = ctx.consumerOffsets.queryOffset(h.consumerGroup, h.topic, h.queueId);
      if (offset >= 0) return success(QueryConsumerOffset.encodeResponse({ offset }));
      const young =
        h.setZeroIfNotFound !== false &&
        ctx.store.getMinOffsetInQueue(h.topic, h.queueId) <= 0 &&
        !firstMessageInDisk(ctx.store, h.topic, h.queueId);
      if (young) return success(QueryConsumerOffset.encodeResponse({ offset: 0 }));
      return RemotingCommand.response(ResponseCode.QUERY_NOT_FOUND, QUERY_OFFSET_NOT_FOUND_REMARK, {});
    }),
  );

  // Java commits and answers SUCCESS; a one-way request (the Java client's) runs the same way and
  // the dispatcher drops the answer. ali-ons sends it as an ordinary request.
  server.registerHandler(
    RequestCode.UPDATE_CONSUMER_OFFSET,
    handleWith(UpdateConsumerOffset, (h, _request, connection) => {
      ctx.consumerOffsets.commitOffset(connection.remoteAddress, h.consumerGroup, h.topic, h.queueId, h.commitOffset);
      return success(UpdateConsumerOffset.encodeResponse({}));
    }),
  );

  server.registerHandler(
    RequestCode.GET_MAX_OFFSET,
    handleWith(GetMaxOffset, (h) => success(GetMaxOffset.encodeResponse({ offset: ctx.store.getMaxOffsetInQueue(h.topic, h.queueId) }))),
  );

  server.registerHandler(
    RequestCode.GET_MIN_OFFSET,
    handleWith(GetMinOffset, (h) => success(GetMinOffset.encodeResponse({ offset: ctx.store.getMinOffsetInQueue(h.topic, h.queueId) }))),
  );

  server.registerHandler(
    RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
    handleWith(SearchOffsetByTimestamp, (h) =>
      success(SearchOffsetByTimestamp.encodeResponse({ offset: ctx.store.getOffsetInQueueByTime(h.topic, h.queueId, h.timestamp, parseBoundaryType(h.boundaryType)) })),
    ),
  );

  server.registerHandler(
    RequestCode.GET_EARLIEST_MSG_STORETIME,
    handleWith(GetEarliestMsgStoretime, (h) =>
      success(GetEarliestMsgStoretime.encodeResponse({ timestamp: ctx.store.getEarliestMessageTime(h.topic, h.queueId) })),
    ),
  );
}
