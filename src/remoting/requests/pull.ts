// Owns: the PULL_MESSAGE header and its response header.
// Counterpart: PullMessageRequestHeader / PullMessageResponseHeader, PullSysFlag.
//
// Request: consumerGroup, topic, queueId, queueOffset, maxMsgNums, sysFlag (bits below),
// commitOffset, suspendTimeoutMillis, subscription?, subVersion, expressionType?
// Response: suggestWhichBrokerId, nextBeginOffset, minOffset, maxOffset (every answer carries all
// four: clients read them whatever the code).

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field } from './define-request.js';

export const PullSysFlag = Object.freeze({
  FLAG_COMMIT_OFFSET: 0x1,
  FLAG_SUSPEND: 0x2,
  FLAG_SUBSCRIPTION: 0x4,
  FLAG_CLASS_FILTER: 0x8,
  FLAG_LITE_PULL_MESSAGE: 0x10,
});

export const PullMessage = defineRequest({
  codes: [RequestCode.PULL_MESSAGE],
  header: {
    consumerGroup: field.string(),
    topic: field.string(),
    queueId: field.int(),
    queueOffset: field.long(),
    maxMsgNums: field.int(),
    sysFlag: field.int(),
    commitOffset: field.long(),
    suspendTimeoutMillis: field.long(),
    subscription: field.string({ optional: true }),
    subVersion: field.long(),
    expressionType: field.string({ optional: true }),
  },
  response: {
    suggestWhichBrokerId: field.long(),
    nextBeginOffset: field.long(),
    minOffset: field.long(),
    maxOffset: field.long(),
  },
});
