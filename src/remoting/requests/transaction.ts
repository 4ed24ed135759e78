// Owns: the transaction family's headers: END_TRANSACTION (37, producer -> broker, one-way from
// Java clients) and CHECK_TRANSACTION_STATE (39, broker -> producer, one-way), and the
// commitOrRollback values END_TRANSACTION carries. The broker and the client share these codecs.
// Counterpart: org.apache.rocketmq.common.protocol.header.EndTransactionRequestHeader and
// CheckTransactionStateRequestHeader (4.9.8; the 5.x fields are marked).
//
// Grammar (extFields, full keys; Java writes every value as a string):
//   END_TRANSACTION
//     producerGroup         string   the half message's PGROUP must equal it
//     tranStateTableOffset  long     queue offset of the half message (the send's queueOffset)
//     commitLogOffset       long     commit-log offset of the half message (from its offsetMsgId)
//     commitOrRollback      int      0 not (unknown), 8 commit, 12 rollback: sysFlag transaction values
//     [fromTransactionCheck] bool    true when answering CHECK_TRANSACTION_STATE (default false)
//     msgId                 string   the message's UNIQ_KEY (its offsetMsgId when it has none)
//     [transactionId]       string   the check's transactionId (UNIQ_KEY), or the send result's
//     [topic]               string   5.x
//     [bname]               string   broker name (4.9.8 RpcRequestHeader)
//   -> no response when one-way; otherwise SUCCESS or the error, and nothing for commitOrRollback 0.
//
//   CHECK_TRANSACTION_STATE (broker -> a producer of the group; body = the half message as a record
//   whose topic and queueId are its real ones)
//     tranStateTableOffset  long     queue offset of the (re-appended) half message
//     commitLogOffset       long     its commit-log offset
//     [msgId]               string   UNIQ_KEY
//     [transactionId]       string   UNIQ_KEY
//     [offsetMsgId]         string   offset message id of the half message
//     [topic]               string   5.x
//     [bname]               string   5.x (4.9.8 has the field and leaves it unset here)

import { MessageSysFlag } from '../../common/message/message-sys-flag.js';
import { RequestCode } from '../codes/request-code.js';
import { defineRequest, field, type RequestHeaderOf } from './define-request.js';

/** END_TRANSACTION's commitOrRollback: the transaction values of the sysFlag (bits 2-3). */
export const TransactionResolution = Object.freeze({
  /** The producer does not know yet (UNKNOW): nothing happens, the broker checks back later. */
  NOT_TYPE: MessageSysFlag.TRANSACTION_NOT_TYPE,
  COMMIT: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  ROLLBACK: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
});

/** True for the three commitOrRollback values Java's checkFields accepts. */
export function isTransactionResolution(value: number): boolean {
  return value === TransactionResolution.NOT_TYPE || value === TransactionResolution.COMMIT || value === TransactionResolution.ROLLBACK;
}

export const EndTransaction = defineRequest({
  codes: [RequestCode.END_TRANSACTION],
  header: {
    producerGroup: field.string(),
    tranStateTableOffset: field.long(),
    commitLogOffset: field.long(),
    commitOrRollback: field.int(),
    fromTransactionCheck: field.bool({ optional: true }),
    msgId: field.string(),
    transactionId: field.string({ optional: true }),
    topic: field.string({ optional: true }),
    bname: field.string({ optional: true }),
  },
});
export type EndTransactionHeader = RequestHeaderOf<typeof EndTransaction>;

// Fields in the order 4.9.8's extFields HashMap writes them, so our frame is byte-identical to its
// (fixture transaction/010).
export const CheckTransactionState = defineRequest({
  codes: [RequestCode.CHECK_TRANSACTION_STATE],
  header: {
    commitLogOffset: field.long(),
    msgId: field.string({ optional: true }),
    tranStateTableOffset: field.long(),
    offsetMsgId: field.string({ optional: true }),
    transactionId: field.string({ optional: true }),
    topic: field.string({ optional: true }),
    bname: field.string({ optional: true }),
  },
});
export type CheckTransactionStateHeader = RequestHeaderOf<typeof CheckTransactionState>;
