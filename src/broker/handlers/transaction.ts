// Owns: END_TRANSACTION (37): a producer's commit or rollback of a half message. Commit writes the
// message to its real topic and queue, then the op record; rollback writes only the op record;
// "not type" (the producer does not know yet) does nothing and answers nothing.
// Counterpart: org.apache.rocketmq.broker.processor.EndTransactionProcessor (4.9.8).
//
// Java clients send END_TRANSACTION one-way, so an answer (SUCCESS or the error) reaches only a
// caller that asked for one; the broker logs what it refused, at most once a second per reason.

import type { MessageExt } from '../../common/message/message-record.js';
import { MessageConst } from '../../common/message/properties.js';
import { RequestCode } from '../../remoting/codes/request-code.js';
import { ResponseCode } from '../../remoting/codes/response-code.js';
import type { RemotingConnection } from '../../remoting/connection.js';
import { RemotingCommand } from '../../remoting/remoting-command.js';
import { handleWith } from '../../remoting/requests/define-request.js';
import { EndTransaction, type EndTransactionHeader, isTransactionResolution, TransactionResolution } from '../../remoting/requests/transaction.js';
import type { RemotingServer } from '../../remoting/server.js';
import { isStored, PutMessageStatus } from '../../store/commitlog/put-message-status.js';
import type { BrokerContext } from '../broker-context.js';
import { delayLevelsFor } from '../schedule/delay-levels.js';
import { toScheduleTopic } from '../schedule/delayed-message.js';
import { toCommittedMessage } from '../transaction/half-message.js';
import type { TransactionalMessageBridge } from '../transaction/transactional-message-bridge.js';

export const TRANSACTION_LANE = 'transaction';
/** Refusals of one kind are logged at most this often. */
const REFUSAL_LOG_INTERVAL_MS = 1000;

export function registerTransactionHandlers(server: RemotingServer, ctx: BrokerContext, bridge: TransactionalMessageBridge): void {
  server.registerLane(TRANSACTION_LANE, { pendingMax: ctx.config.endTransactionPoolQueueCapacity });
  const refusals = new RefusalLog(ctx);
  server.registerHandler(
    RequestCode.END_TRANSACTION,
    handleWith(EndTransaction, (header, request, connection) => endTransaction(ctx, bridge, refusals, header, request, connection)),
    TRANSACTION_LANE,
  );
}

async function endTransaction(
  ctx: BrokerContext,
  bridge: TransactionalMessageBridge,
  refusals: RefusalLog,
  header: EndTransactionHeader,
  request: RemotingCommand,
  connection: RemotingConnection,
): Promise<RemotingCommand | null> {
  if (ctx.config.brokerRole === 'SLAVE') {
    refusals.warn('slave', { remote: connection.remoteAddress }, 'END_TRANSACTION refused: this broker is a slave');
    return RemotingCommand.response(ResponseCode.SLAVE_NOT_AVAILABLE);
  }
  const resolution = header.commitOrRollback;
  if (!isTransactionResolution(resolution)) {
    refusals.warn('commitOrRollback', { remote: connection.remoteAddress, commitOrRollback: resolution }, 'END_TRANSACTION refused: commitOrRollback field wrong');
    return RemotingCommand.response(ResponseCode.SYSTEM_ERROR, 'commitOrRollback field wrong');
  }
  const logFields = {
    remote: connection.remoteAddress,
    producerGroup: header.producerGroup,
    commitLogOffset: header.commitLogOffset,
    tranStateTableOffset: header.tranStateTableOffset,
    msgId: header.msgId,
    fromTransactionCheck: header.fromTransactionCheck === true,
    remark: request.remark ?? undefined,
  };
  if (resolution === TransactionResolution.NOT_TYPE) {
    // The producer's local transaction is still open; the check service will ask again.
    ctx.logger.debug(logFields, 'END_TRANSACTION with an unknown outcome; left for a check');
    return null;
  }
  ctx.logger.debug({ ...logFields, commitOrRollback: resolution }, 'END_TRANSACTION');
  const half = bridge.lookMessageByOffset(header.commitLogOffset);
  const refused = checkPrepareMessage(half, header);
  if (refused !== undefined || half === undefined) {
    const answer = refused ?? fail(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
    refusals.warn(answer.remark ?? 'refused', logFields, `END_TRANSACTION refused: ${answer.remark ?? ''}`);
    return answer;
  }
  if (resolution === TransactionResolution.ROLLBACK) {
    await deletePrepareMessage(ctx, bridge, half);
    return RemotingCommand.response(ResponseCode.SUCCESS);
  }
  const committed = toCommittedMessage(half);
  if ('reason' in committed) {
    refusals.warn('real', { ...logFields, reason: committed.reason }, 'END_TRANSACTION refused: the half message cannot be committed');
    return fail(ResponseCode.SYSTEM_ERROR, committed.reason);
  }
  // Java's store delays a committed message that carries DELAY, as any other (its clients drop DELAY first).
  const result = await bridge.putMessage(toScheduleTopic(delayLevelsFor(ctx.config), committed));
  const answer = finalMessageAnswer(ctx, result.status);
  if (answer.code === ResponseCode.SUCCESS) await deletePrepareMessage(ctx, bridge, half);
  else refusals.warn('put', { ...logFields, status: result.status }, 'END_TRANSACTION: writing the committed message failed');
  return answer;
}

function fail(code: number, remark: string): RemotingCommand {
  return RemotingCommand.response(code, remark);
}

/** The half message must be the one the producer names: its group, queue offset and commit-log offset. */
function checkPrepareMessage(half: MessageExt | undefined, header: EndTransactionHeader): RemotingCommand | undefined {
  if (half === undefined) return fail(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  if (half.properties.get(MessageConst.PROPERTY_PRODUCER_GROUP) !== header.producerGroup) return fail(ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
  if (half.queueOffset !== header.tranStateTableOffset) return fail(ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
  if (half.commitLogOffset !== header.commitLogOffset) return fail(ResponseCode.SYSTEM_ERROR, 'The commit log offset wrong');
  return undefined;
}

/** Writes the op record that resolves the half message; a failure is logged (Java goes on too). */
async function deletePrepareMessage(ctx: BrokerContext, bridge: TransactionalMessageBridge, half: MessageExt): Promise<void> {
  const result = await bridge.putOpMessage(half);
  if (!isStored(result.status)) {
    ctx.logger.error({ queueOffset: half.queueOffset, commitLogOffset: half.commitLogOffset, status: result.status }, 'writing a transaction op record failed');
  }
}

/** Java's sendFinalMessage: the stored outcomes (flush or slave timeouts included) are SUCCESS. */
function finalMessageAnswer(ctx: BrokerContext, status: PutMessageStatus): RemotingCommand {
  switch (status) {
    case PutMessageStatus.PUT_OK:
    case PutMessageStatus.FLUSH_DISK_TIMEOUT:
    case PutMessageStatus.FLUSH_SLAVE_TIMEOUT:
    case PutMessageStatus.SLAVE_NOT_AVAILABLE:
      return RemotingCommand.response(ResponseCode.SUCCESS);
    case PutMessageStatus.CREATE_MAPEDFILE_FAILED:
      return fail(ResponseCode.SYSTEM_ERROR, 'Create mapped file failed.');
    case PutMessageStatus.MESSAGE_ILLEGAL:
    case PutMessageStatus.PROPERTIES_SIZE_EXCEEDED:
      return fail(
        ResponseCode.MESSAGE_ILLEGAL,
        `The message is illegal, maybe msg body or properties length not matched. msg body length limit ${ctx.config.maxMessageSize}B, msg properties length limit 32KB.`,
      );
    case PutMessageStatus.SERVICE_NOT_AVAILABLE:
      return fail(ResponseCode.SERVICE_NOT_AVAILABLE, 'Service not available now.');
    case PutMessageStatus.OS_PAGECACHE_BUSY:
      return fail(ResponseCode.SYSTEM_ERROR, 'OS page cache busy, please try another machine');
    default:
      return fail(ResponseCode.SYSTEM_ERROR, 'UNKNOWN_ERROR');
  }
}

/** Warns once per reason per interval (a misbehaving producer must not flood the log), counting the rest. */
class RefusalLog {
  readonly #ctx: BrokerContext;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  warn(reason: string, fields: Record<string, unknown>, msg: string): void {
    const now = this.#ctx.now();
    const last = this.#last.get(reason);
    if (last !== undefined && now - last.at < REFUSAL_LOG_INTERVAL_MS && now >= last.at) {
      last.suppressed++;
      return;
    }
    if (this.#last.size > 64) this.#last.clear();
    this.#ctx.logger.warn({ ...fields, suppressed: last?.suppressed ?? 0 }, msg);
    this.#last.set(reason, { at: now, suppressed: 0 });
  }
}
