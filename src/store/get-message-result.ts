// Owns: what a read by queue offset returns.
// Counterpart: org.apache.rocketmq.store.GetMessageResult / GetMessageStatus.

export const GetMessageStatus = Object.freeze({
  FOUND: 'FOUND',
  NO_MATCHED_MESSAGE: 'NO_MATCHED_MESSAGE',
  MESSAGE_WAS_REMOVING: 'MESSAGE_WAS_REMOVING',
  OFFSET_FOUND_NULL: 'OFFSET_FOUND_NULL',
  OFFSET_OVERFLOW_BADLY: 'OFFSET_OVERFLOW_BADLY',
  OFFSET_OVERFLOW_ONE: 'OFFSET_OVERFLOW_ONE',
  OFFSET_TOO_SMALL: 'OFFSET_TOO_SMALL',
  NO_MATCHED_LOGIC_QUEUE: 'NO_MATCHED_LOGIC_QUEUE',
  NO_MESSAGE_IN_QUEUE: 'NO_MESSAGE_IN_QUEUE',
} as const);
export type GetMessageStatus = (typeof GetMessageStatus)[keyof typeof GetMessageStatus];

export interface GetMessageResult {
  status: GetMessageStatus;
  nextBeginOffset: number;
  minOffset: number;
  maxOffset: number;
  /** Each stored record as it is on disk (slices of one read where records were adjacent). */
  messages: Buffer[];
  /** Queue offset of each returned message. */
  queueOffsets: number[];
  bufferTotalSize: number;
}
