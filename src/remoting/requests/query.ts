// Owns: QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33) headers.
// Counterpart: QueryMessageRequestHeader / QueryMessageResponseHeader / ViewMessageRequestHeader.
//
//   QUERY_MESSAGE      topic key maxNum beginTimestamp endTimestamp [_UNIQUE_KEY_QUERY=true]
//                   -> indexLastUpdateTimestamp indexLastUpdatePhyoffset ; body: stored records
//   VIEW_MESSAGE_BY_ID offset (commit-log offset) -> body: one stored record

import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field } from './define-request.js';

export const QueryMessage = defineRequest({
  codes: [RequestCode.QUERY_MESSAGE],
  header: {
    topic: field.string(),
    key: field.string(),
    maxNum: field.int(),
    beginTimestamp: field.long(),
    endTimestamp: field.long(),
    uniqueKeyQuery: field.bool({ key: '_UNIQUE_KEY_QUERY', optional: true }),
  },
  response: { indexLastUpdateTimestamp: field.long(), indexLastUpdatePhyoffset: field.long() },
});

export const ViewMessageById = defineRequest({
  codes: [RequestCode.VIEW_MESSAGE_BY_ID],
  header: { offset: field.long() },
});
