// Owns: the CONSUMER_SEND_MSG_BACK (36) request header: a consumer hands back a message it failed
// to consume, for a later retry (or the dead-letter queue).
// Counterpart: org.apache.rocketmq.common.protocol.header.ConsumerSendMsgBackRequestHeader (4.9.8,
// extends RpcRequestHeader for bname).
//
// Grammar (extFields, no body; the answer is a bare code and remark):
//   offset             long     commit-log offset of the message (MessageExt.commitLogOffset)
//   group              string   consumer group
//   delayLevel         int      0: the broker picks 3 + reconsumeTimes; < 0: straight to the DLQ
//   originMsgId        string?  msgId the consumer saw
//   originTopic        string?  topic the consumer saw
//   unitMode           bool?    default false
//   maxReconsumeTimes  int?     read only from clients of version >= V3_4_9 (165)
//   bname              string?  broker name (the 4.9.8 Java client sends it; ali-ons does not)
// ali-ons writes offset, delayLevel and maxReconsumeTimes as JSON numbers; the JSON header decoder
// makes them text.

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field, type RequestHeaderOf } from './define-request.js';

export const ConsumerSendMsgBack = defineRequest({
  codes: [RequestCode.CONSUMER_SEND_MSG_BACK],
  header: {
    commitLogOffset: field.long('offset'),
    group: field.string(),
    delayLevel: field.int(),
    originMsgId: field.string({ optional: true }),
    originTopic: field.string({ optional: true }),
    unitMode: field.bool({ optional: true }),
    maxReconsumeTimes: field.int({ optional: true }),
    bname: field.string({ optional: true }),
  },
  response: {},
});
export type ConsumerSendMsgBackHeader = RequestHeaderOf<typeof ConsumerSendMsgBack>;

/**
 * MQVersion.Version.V3_4_9.ordinal(): Java's broker reads a send-back's (and a retry-topic
 * send's) maxReconsumeTimes only from clients at least this new. Compat: ali-ons announces 121, so
 * the group's retryMaxTimes decides for it, as on a Java broker.
 */
export const VERSION_MAX_RECONSUME_TIMES_MIN = 165;
