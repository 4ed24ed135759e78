// Owns: the SEND_MESSAGE family's headers: SEND_MESSAGE (10, full keys), SEND_MESSAGE_V2 (310) and
// SEND_BATCH_MESSAGE (320) with one-letter keys, and the send response.
// Counterpart: SendMessageRequestHeader(V2) / SendMessageResponseHeader.
//
//   key  full name              type
//   a    producerGroup          string
//   b    topic                  string
//   c    defaultTopic           string   (TBW102)
//   d    defaultTopicQueueNums  int
//   e    queueId                int      (< 0: the broker picks)
//   f    sysFlag                int
//   g    bornTimestamp          long
//   h    flag                   int
//   i    properties             string?  (name\u0001value\u0002...)
//   j    reconsumeTimes         int?
//   k    unitMode               bool?
//   l    maxReconsumeTimes      int?
//   m    batch                  bool?
//   n    brokerName             string?  (5.x)
// Response: msgId, queueId, queueOffset, transactionId?, batchUniqId?

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field } from './define-request.js';

export const SendMessage = defineRequest({
  codes: [RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE],
  v2Codes: [RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE],
  header: {
    producerGroup: field.string({ v2: 'a' }),
    topic: field.string({ v2: 'b' }),
    defaultTopic: field.string({ v2: 'c' }),
    defaultTopicQueueNums: field.int({ v2: 'd' }),
    queueId: field.int({ v2: 'e' }),
    sysFlag: field.int({ v2: 'f' }),
    bornTimestamp: field.long({ v2: 'g' }),
    flag: field.int({ v2: 'h' }),
    properties: field.string({ v2: 'i', optional: true }),
    reconsumeTimes: field.int({ v2: 'j', optional: true }),
    unitMode: field.bool({ v2: 'k', optional: true }),
    maxReconsumeTimes: field.int({ v2: 'l', optional: true }),
    batch: field.bool({ v2: 'm', optional: true }),
    brokerName: field.string({ v2: 'n', optional: true }),
  },
  response: {
    msgId: field.string(),
    queueId: field.int(),
    queueOffset: field.long(),
    transactionId: field.string({ optional: true }),
    batchUniqId: field.string({ optional: true }),
  },
});
