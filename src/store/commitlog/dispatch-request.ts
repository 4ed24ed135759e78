// Owns: what the CommitLog tells the ConsumeQueues and the index about each stored message, and
// how to read it back from stored bytes (recovery, replication).
// Counterpart: org.apache.rocketmq.store.DispatchRequest + CommitLog.checkMessageAndReturnSize.

import { decodeMessageRecord } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { tagsString2tagsCode } from '../../common/message/tags.js';

export interface DispatchRequest {
  readonly topic: string;
  readonly queueId: number;
  readonly commitLogOffset: number;
  readonly msgSize: number;
  readonly tagsCode: number;
  readonly storeTimestamp: number;
  readonly queueOffset: number;
  readonly keys: string | undefined;
  readonly uniqKey: string | undefined;
  readonly sysFlag: number;
  readonly preparedTransactionOffset: number;
}

/** The dispatch request of the record at `offset` of `buf` (which must be a valid record). */
export function dispatchRequestOf(buf: Buffer, offset: number, tagsCodeOf: TagsCodeOf = defaultTagsCode): DispatchRequest {
  const msg = decodeMessageRecord(buf, offset, { readBody: false, checkCRC: false });
  const properties = msg.properties;
  return {
    topic: msg.topic,
    queueId: msg.queueId,
    commitLogOffset: msg.commitLogOffset,
    msgSize: msg.storeSize,
    tagsCode: tagsCodeOf(msg.topic, properties, msg.storeTimestamp),
    storeTimestamp: msg.storeTimestamp,
    queueOffset: msg.queueOffset,
    keys: properties.get(MessageConst.PROPERTY_KEYS),
    uniqKey: properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX),
    sysFlag: msg.sysFlag,
    preparedTransactionOffset: msg.preparedTransactionOffset,
  };
}

/** How a message's ConsumeQueue tag code is computed; the delay service overrides it for its topic. */
export type TagsCodeOf = (topic: string, properties: ReadonlyMap<string, string>, storeTimestamp: number) => number;

export const defaultTagsCode: TagsCodeOf = (_topic, properties) => tagsString2tagsCode(properties.get(MessageConst.PROPERTY_TAGS));
