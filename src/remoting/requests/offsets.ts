// Owns: the request and response headers of the consumer-offset and queue-offset family:
// QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29),
// GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32).
// Counterpart: org.apache.rocketmq.common.protocol.header.{QueryConsumerOffset,UpdateConsumerOffset,
// SearchOffset,GetMaxOffset,GetMinOffset,GetEarliestMsgStoretime}{Request,Response}Header (4.9.8).
//
// Grammar (extFields; none of these requests has a body):
//   QUERY_CONSUMER_OFFSET      consumerGroup topic queueId [bname] [setZeroIfNotFound]  -> offset
//   UPDATE_CONSUMER_OFFSET     consumerGroup topic queueId commitOffset [bname]         -> (nothing)
//   SEARCH_OFFSET_BY_TIMESTAMP topic queueId timestamp [bname] [boundaryType]           -> offset
//   GET_MAX_OFFSET             topic queueId [bname] [committed]                        -> offset
//   GET_MIN_OFFSET             topic queueId [bname]                                    -> offset
//   GET_EARLIEST_MSG_STORETIME topic queueId [bname]                                    -> timestamp
//
// `bname` is RpcRequestHeader's broker name, which the 4.9.8 Java client adds to every request of
// this family (ali-ons does not). `setZeroIfNotFound`, `committed` and `boundaryType` are 5.x
// additions, accepted so 5.x clients decode; queueId is an int, offsets and timestamps are longs.
// ali-ons sends queueId and commitOffset as JSON numbers; the JSON header decoder makes them text.

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field, type RequestHeaderOf, type ResponseHeaderOf } from './define-request.js';

export const QueryConsumerOffset = defineRequest({
  codes: [RequestCode.QUERY_CONSUMER_OFFSET],
  header: {
    consumerGroup: field.string(),
    topic: field.string(),
    queueId: field.int(),
    bname: field.string({ optional: true }),
    /** 5.x: false makes "nothing stored" always QUERY_NOT_FOUND; absent means true. */
    setZeroIfNotFound: field.bool({ optional: true }),
  },
  response: { offset: field.long() },
});
export type QueryConsumerOffsetHeader = RequestHeaderOf<typeof QueryConsumerOffset>;
export type QueryConsumerOffsetResponse = ResponseHeaderOf<typeof QueryConsumerOffset>;

export const UpdateConsumerOffset = defineRequest({
  codes: [RequestCode.UPDATE_CONSUMER_OFFSET],
  header: {
    consumerGroup: field.string(),
    topic: field.string(),
    queueId: field.int(),
    commitOffset: field.long(),
    bname: field.string({ optional: true }),
  },
  // UpdateConsumerOffsetResponseHeader has no fields: Java answers `"extFields":{}`.
  response: {},
});
export type UpdateConsumerOffsetHeader = RequestHeaderOf<typeof UpdateConsumerOffset>;

export const SearchOffsetByTimestamp = defineRequest({
  codes: [RequestCode.SEARCH_OFFSET_BY_TIMESTAMP],
  header: {
    topic: field.string(),
    queueId: field.int(),
    /** Milliseconds since the epoch. */
    timestamp: field.long(),
    bname: field.string({ optional: true }),
    /** 5.x: LOWER (absent) or UPPER, read as common/boundary-type.ts parseBoundaryType. */
    boundaryType: field.string({ optional: true }),
  },
  response: { offset: field.long() },
});
export type SearchOffsetByTimestampHeader = RequestHeaderOf<typeof SearchOffsetByTimestamp>;

export const GetMaxOffset = defineRequest({
  codes: [RequestCode.GET_MAX_OFFSET],
  header: {
    topic: field.string(),
    queueId: field.int(),
    bname: field.string({ optional: true }),
    /** 5.x: count only committed entries (default true); our store dispatches committed entries only. */
    committed: field.bool({ optional: true }),
  },
  response: { offset: field.long() },
});
export type GetMaxOffsetHeader = RequestHeaderOf<typeof GetMaxOffset>;

export const GetMinOffset = defineRequest({
  codes: [RequestCode.GET_MIN_OFFSET],
  header: {
    topic: field.string(),
    queueId: field.int(),
    bname: field.string({ optional: true }),
  },
  response: { offset: field.long() },
});
export type GetMinOffsetHeader = RequestHeaderOf<typeof GetMinOffset>;

export const GetEarliestMsgStoretime = defineRequest({
  codes: [RequestCode.GET_EARLIEST_MSG_STORETIME],
  header: {
    topic: field.string(),
    queueId: field.int(),
    bname: field.string({ optional: true }),
  },
  response: { timestamp: field.long() },
});
export type GetEarliestMsgStoretimeHeader = RequestHeaderOf<typeof GetEarliestMsgStoretime>;
