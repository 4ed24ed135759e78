// Owns the numbers a response frame's `code` can hold, and the one table saying, for each of them,
// which error family it belongs to, whether a client may retry, and what it means. Also owns the
// mapping from a response code to an MQError (errorFromResponse). docs/response-codes.md mirrors
// the table and a unit test fails when the two drift.
//
// Counterpart: org.apache.rocketmq.remoting.protocol.ResponseCode and RemotingSysResponseCode
// (5.x), org.apache.rocketmq.common.protocol.ResponseCode (4.9.x).
//
// Union of the 4.9.x and 5.x lines, checked against every release branch of both. Where they
// disagree:
// - 209, 210, 211 carry two names each. 4.9 (and 5.x up to 5.3.2) answer the plain-ACL admin
//   calls with UPDATE_AND_CREATE_ACL_CONFIG_FAILED / DELETE_ACL_CONFIG_FAILED /
//   UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED; 5.x also uses the same numbers for POLLING_FULL /
//   POLLING_TIMEOUT / BROKER_NOT_EXIST. The 5.x name is declared first and is the primary one;
//   errorFromResponse looks at the request code to tell them apart.
// - The controller codes were renumbered in 5.1.1. 5.0.0 and 5.1.0 sent
//   CONTROLLER_ALTER_SYNC_STATE_SET_FAILED as 2010, CONTROLLER_ELECT_MASTER_FAILED as 2011 and
//   CONTROLLER_REGISTER_BROKER_FAILED as 2012; from 5.1.1 on 2010..2013 mean
//   BROKER_NEED_TO_BE_REGISTERED, MASTER_STILL_EXIST, ELECT_MASTER_FAILED, ALTER_SYNC_STATE_SET_FAILED.
//   A name can hold one value here, so the current (5.1.1+) values are kept and
//   CONTROLLER_REGISTER_BROKER_FAILED stays as a second name of 2012.
// - Left out: ASYNC_AND_RETURN_NULL (-2), only ever in the 5.0.0 alpha/preview branches.

import assert from 'node:assert/strict';

import {
  BrokerBusyError,
  ControllerError,
  MessageIllegalError,
  MQError,
  NoPermissionError,
  NotFoundError,
  RemotingConnectError,
  RemotingSendError,
  RemotingTimeoutError,
  RequestNotSupportedError,
  ServiceUnavailableError,
  SubscriptionError,
  SystemError,
  TopicNotFoundError,
  TransactionError,
} from '../../common/mq-error.js';
import type { ErrorFamily, MQErrorContext, MQFamilyErrorOptions } from '../../common/mq-error.js';
import { RequestCode } from './request-code.js';

/**
 * Every response code of Apache RocketMQ 4.9.x and 5.x, keyed by its Java name: the five
 * RemotingSysResponseCode values, then ResponseCode. Negative values are never sent on the wire;
 * Java's client uses them for transport failures, and so does our MQError.
 */
export const ResponseCode = Object.freeze({
  // RemotingSysResponseCode
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,

  // Send outcomes, validation, permission, topics.
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,

  // Pull and query outcomes.
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,

  // Subscriptions and filters.
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  INVALID_PARAMETER: 29, // 5.x (5.3.2+)

  // Transactions (legacy), units, client calls, pop.
  TRANSACTION_SHOULD_COMMIT: 200,
  TRANSACTION_SHOULD_ROLLBACK: 201,
  TRANSACTION_STATE_UNKNOW: 202,
  TRANSACTION_STATE_GROUP_WRONG: 203,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  POLLING_FULL: 209, // 5.x
  UPDATE_AND_CREATE_ACL_CONFIG_FAILED: 209, // 4.9 + 5.x ≤ 5.3.2: same number, ACL admin replies
  POLLING_TIMEOUT: 210, // 5.x
  DELETE_ACL_CONFIG_FAILED: 210, // 4.9 + 5.x ≤ 5.3.2: same number, ACL admin replies
  BROKER_NOT_EXIST: 211, // 5.x
  UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED: 211, // 4.9 + 5.x ≤ 5.3.2: same number, ACL admin replies
  BROKER_DISPATCH_NOT_COMPLETE: 212, // 5.x
  BROADCAST_CONSUMPTION: 213, // 5.x
  FLOW_CONTROL: 215, // 4.9.5+ and 5.x

  NOT_LEADER_FOR_QUEUE: 501, // 5.x
  ILLEGAL_OPERATION: 604, // 5.x (5.1.1+)

  // Client-side RPC failures (5.x RpcClient); never on the wire.
  RPC_UNKNOWN: -1000, // 5.x
  RPC_ADDR_IS_NULL: -1002, // 5.x
  RPC_SEND_TO_CHANNEL_FAILED: -1004, // 5.x
  RPC_TIME_OUT: -1006, // 5.x

  GO_AWAY: 1500, // 5.x (5.2.0+)

  // Controller, 5.x. Values as renumbered in 5.1.1 (see the file comment).
  CONTROLLER_FENCED_MASTER_EPOCH: 2000,
  CONTROLLER_FENCED_SYNC_STATE_SET_EPOCH: 2001,
  CONTROLLER_INVALID_MASTER: 2002,
  CONTROLLER_INVALID_REPLICAS: 2003,
  CONTROLLER_MASTER_NOT_AVAILABLE: 2004,
  CONTROLLER_INVALID_REQUEST: 2005,
  CONTROLLER_BROKER_NOT_ALIVE: 2006,
  CONTROLLER_NOT_LEADER: 2007,
  CONTROLLER_BROKER_METADATA_NOT_EXIST: 2008,
  CONTROLLER_INVALID_CLEAN_BROKER_METADATA: 2009,
  CONTROLLER_BROKER_NEED_TO_BE_REGISTERED: 2010, // 5.1.1+; 5.0.0..5.1.0 sent ALTER_SYNC_STATE_SET_FAILED as 2010
  CONTROLLER_MASTER_STILL_EXIST: 2011, // 5.1.1+; 5.0.0..5.1.0 sent ELECT_MASTER_FAILED as 2011
  CONTROLLER_ELECT_MASTER_FAILED: 2012, // 5.1.1+ value
  CONTROLLER_REGISTER_BROKER_FAILED: 2012, // 5.0.0..5.1.0 only: same number, older meaning
  CONTROLLER_ALTER_SYNC_STATE_SET_FAILED: 2013, // 5.1.1+ value
  CONTROLLER_BROKER_ID_INVALID: 2014, // 5.1.1+
  CONTROLLER_JRAFT_INTERNAL_ERROR: 2015, // 5.2.0+
  CONTROLLER_BROKER_LIVE_INFO_NOT_EXISTS: 2016, // 5.2.0+

  // ACL 2.0, 5.x (5.3.0+).
  USER_NOT_EXIST: 3001,
  POLICY_NOT_EXIST: 3002,
} as const);

/** Any value of {@link ResponseCode}. */
export type ResponseCodeValue = (typeof ResponseCode)[keyof typeof ResponseCode];

/** What {@link responseCodeInfo} says about one response code. */
export interface ResponseCodeInfo {
  /** Java name; for a number with several names, the first declared (the 5.x one). */
  readonly name: string;
  readonly family: ErrorFamily;
  /** Whether a client may send the same request again (possibly to another broker). */
  readonly retriable: boolean;
  /** One line in our own words; mentions the other names of the number, if any. */
  readonly description: string;
}

type Row = readonly [code: ResponseCodeValue, family: ErrorFamily, retriable: boolean, description: string];

// Retriable follows what the Java client does: its producer resends on 1, 2, 14, 16, 17, 204,
// 205 and 1500, its consumers pull again after 19, 20, 21, 24, 25, 27, 28 and 215, and its
// RemotingException handling resends after -1002, -1004 and -1006.
const rows: readonly Row[] = [
  [0, 'SUCCESS', false, 'The request succeeded.'],
  [1, 'SYSTEM', true, 'The server failed while handling the request; the remark says why (also the answer to a header that does not decode).'],
  [2, 'BROKER_BUSY', true, 'The broker is overloaded (its request queue is full or the store is slow to accept writes) and refused the request.'],
  [3, 'NOT_SUPPORTED', false, 'The server does not handle this request code.'],
  [4, 'TRANSACTION', false, 'A transaction operation failed; legacy code no current server sends.'],
  [10, 'OUTCOME', false, 'Send status: stored, but a synchronous disk flush did not finish in time.'],
  [11, 'OUTCOME', false, 'Send status: stored on the master, but no slave is available to replicate to.'],
  [12, 'OUTCOME', false, 'Send status: stored on the master, but the slave did not confirm in time.'],
  [13, 'MESSAGE_ILLEGAL', false, 'The message failed validation (topic name, body size, properties length and the like).'],
  [14, 'SERVICE_UNAVAILABLE', true, 'This broker cannot serve the request now (a slave asked to write, store shutting down or out of disk).'],
  [15, 'NOT_SUPPORTED', false, 'The client or protocol version is not accepted by the server.'],
  [16, 'NO_PERMISSION', true, 'The broker or topic does not permit this operation (for example write permission wiped); another broker may.'],
  [17, 'TOPIC_NOT_FOUND', true, 'The topic is unknown to this broker or NameServer; routes may be stale.'],
  [18, 'SYSTEM', false, 'The topic already exists; defined but not sent by current Java servers.'],
  [19, 'OUTCOME', true, 'Pull status: no new message at the requested offset yet.'],
  [20, 'OUTCOME', true, 'Pull status: nothing returned now, pull again at once.'],
  [21, 'OUTCOME', true, 'Pull status: the requested offset is out of range; continue from the offset in the answer.'],
  [22, 'OUTCOME', false, 'Query status: nothing matched (no message for the key, or no stored offset for the group).'],
  [23, 'SUBSCRIPTION', false, 'The subscription expression could not be parsed.'],
  [24, 'SUBSCRIPTION', true, 'The broker holds no subscription for this group and topic yet (the heartbeat has not arrived).'],
  [25, 'SUBSCRIPTION', true, 'The broker holds an older subscription version than the request carries.'],
  [26, 'SUBSCRIPTION', false, 'The consumer group does not exist and may not be created automatically.'],
  [27, 'SUBSCRIPTION', true, 'The filter data for this subscription has not been registered yet.'],
  [28, 'SUBSCRIPTION', true, 'The broker holds older filter data than the request carries.'],
  [29, 'MESSAGE_ILLEGAL', false, 'A request field has a value outside its allowed range or format.'],
  [200, 'TRANSACTION', false, 'Legacy transaction-check verdict: commit; not sent by current servers.'],
  [201, 'TRANSACTION', false, 'Legacy transaction-check verdict: roll back; not sent by current servers.'],
  [202, 'TRANSACTION', false, 'Legacy transaction-check verdict: state unknown; not sent by current servers.'],
  [203, 'TRANSACTION', false, 'Legacy transaction code for a producer group that does not match; not sent by current servers.'],
  [204, 'SERVICE_UNAVAILABLE', true, 'Unit (cell) routing needs a buyer id the message lacks; the Java producer retries it elsewhere.'],
  [205, 'SERVICE_UNAVAILABLE', true, 'The message belongs to another unit (cell) than this broker serves.'],
  [206, 'NOT_FOUND', false, 'The client the broker should forward this call to is not connected.'],
  [207, 'SYSTEM', true, 'The broker forwarded the call to a client, which did not answer in time.'],
  [208, 'NOT_FOUND', false, 'No message at that position (ack or invisibility change outside the queue range, or a query that found nothing).'],
  [209, 'BROKER_BUSY', true, 'Too many pop requests are already held in long polling. On ACL admin calls 4.9 means UPDATE_AND_CREATE_ACL_CONFIG_FAILED.'],
  [210, 'OUTCOME', true, 'Pop status: the long poll expired without a message. On ACL admin calls 4.9 means DELETE_ACL_CONFIG_FAILED.'],
  [211, 'NOT_FOUND', false, 'The broker container hosts no broker by that name. On ACL admin calls 4.9 means UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED.'],
  [212, 'SERVICE_UNAVAILABLE', true, 'The broker has not finished building its queues from the CommitLog yet.'],
  [213, 'SUBSCRIPTION', false, 'The group consumes in broadcast mode, so the broker keeps no offsets for it and cannot do this.'],
  [215, 'BROKER_BUSY', true, 'The broker applied flow control (for example to cold-data reads); try again shortly.'],
  [501, 'SERVICE_UNAVAILABLE', true, 'This broker no longer leads that logical queue of a static topic; refresh the mapping and retry.'],
  [604, 'MESSAGE_ILLEGAL', false, 'The operation is not allowed for this message in its state (wrong producer group ending a transaction, recall of a non-timed message).'],
  [-1000, 'SYSTEM', false, 'Client side: the RPC failed for a reason the remoting layer could not classify.'],
  [-1002, 'REMOTING_CONNECT', true, 'Client side: no address to send to, or the connection could not be opened.'],
  [-1004, 'REMOTING_SEND', true, 'Client side: the request could not be written, or the connection closed before the answer.'],
  [-1006, 'REMOTING_TIMEOUT', true, 'Client side: no answer arrived before the deadline.'],
  [1500, 'SERVICE_UNAVAILABLE', true, 'The server (a 5.x proxy) is shutting down; reconnect elsewhere and resend.'],
  [2000, 'CONTROLLER', false, 'Controller: the request carries an outdated master epoch.'],
  [2001, 'CONTROLLER', false, 'Controller: the request carries an outdated sync-state-set epoch.'],
  [2002, 'CONTROLLER', false, 'Controller: the requester is not the current master of its broker set.'],
  [2003, 'CONTROLLER', false, 'Controller: the proposed sync state set names unknown or dead replicas.'],
  [2004, 'CONTROLLER', true, 'Controller: the broker set has no master at the moment.'],
  [2005, 'CONTROLLER', false, 'Controller: the request is malformed or incomplete.'],
  [2006, 'CONTROLLER', false, 'Controller: the broker is not alive as far as the controller knows.'],
  [2007, 'CONTROLLER', true, 'Controller: this controller is not the leader; ask the leader.'],
  [2008, 'CONTROLLER', false, 'Controller: no metadata is recorded for this broker set.'],
  [2009, 'CONTROLLER', false, 'Controller: the request to clean broker metadata was refused.'],
  [2010, 'CONTROLLER', false, 'Controller: the broker must register first (5.1.1+; in 5.0.0 to 5.1.0 this number was CONTROLLER_ALTER_SYNC_STATE_SET_FAILED).'],
  [2011, 'CONTROLLER', false, 'Controller: election refused because a live master still exists (5.1.1+; in 5.0.0 to 5.1.0 this number was CONTROLLER_ELECT_MASTER_FAILED).'],
  [2012, 'CONTROLLER', true, 'Controller: no eligible replica could be elected master. In 5.0.0 to 5.1.0 this number was CONTROLLER_REGISTER_BROKER_FAILED.'],
  [2013, 'CONTROLLER', false, 'Controller: the sync state set could not be changed (5.1.1+; 2010 before).'],
  [2014, 'CONTROLLER', false, 'Controller: the broker id asked for is invalid or taken.'],
  [2015, 'CONTROLLER', true, 'Controller: the Raft (JRaft) controller failed to apply the request.'],
  [2016, 'CONTROLLER', false, 'Controller: no liveness record exists for this broker.'],
  [3001, 'NOT_FOUND', false, 'ACL 2.0: the user does not exist.'],
  [3002, 'NOT_FOUND', false, 'ACL 2.0: the policy does not exist.'],
];

/** Java name of each response code; first declared wins where a number has several names. */
const primaryNames: ReadonlyMap<number, string> = (() => {
  const names = new Map<number, string>();
  for (const [name, code] of Object.entries(ResponseCode)) {
    if (!names.has(code)) names.set(code, name);
  }
  return names;
})();

/**
 * For every response code: its primary Java name, error family, whether a client may retry,
 * and a one-line description. The single source for errorFromResponse and docs/response-codes.md.
 */
export const responseCodeInfo: ReadonlyMap<number, ResponseCodeInfo> = (() => {
  const table = new Map<number, ResponseCodeInfo>();
  for (const [code, family, retriable, description] of rows) {
    const name = primaryNames.get(code);
    assert.ok(name !== undefined, `response code ${code} has a table row but no name`);
    assert.ok(!table.has(code), `response code ${code} has two table rows`);
    table.set(code, Object.freeze({ name, family, retriable, description }));
  }
  for (const [code, name] of primaryNames) {
    assert.ok(table.has(code), `response code ${name} (${code}) has no table row`);
  }
  return table;
})();

/**
 * Returns the Java name of a response code (`17` → `'TOPIC_NOT_EXIST'`; for 209..211 the 5.x
 * name), or `undefined` for a number that is no RocketMQ response code.
 */
export function responseCodeName(code: number): string | undefined {
  return primaryNames.get(code);
}

type FamilyErrorClass = new (message: string, options?: MQFamilyErrorOptions) => MQError;

const classByFamily: Readonly<Record<ErrorFamily, FamilyErrorClass | undefined>> = Object.freeze({
  SUCCESS: undefined,
  OUTCOME: undefined,
  SYSTEM: SystemError,
  BROKER_BUSY: BrokerBusyError,
  SERVICE_UNAVAILABLE: ServiceUnavailableError,
  NOT_SUPPORTED: RequestNotSupportedError,
  TRANSACTION: TransactionError,
  MESSAGE_ILLEGAL: MessageIllegalError,
  NO_PERMISSION: NoPermissionError,
  TOPIC_NOT_FOUND: TopicNotFoundError,
  NOT_FOUND: NotFoundError,
  SUBSCRIPTION: SubscriptionError,
  CONTROLLER: ControllerError,
  REMOTING_TIMEOUT: RemotingTimeoutError,
  REMOTING_CONNECT: RemotingConnectError,
  REMOTING_SEND: RemotingSendError,
  CONFIG: undefined,
});

// Compat: 4.9 brokers (and 5.x up to 5.3.2) answer a failed plain-ACL admin call with 209, 210
// or 211, numbers 5.x also uses for POLLING_FULL, POLLING_TIMEOUT and BROKER_NOT_EXIST. Reading
// those as "busy, retry" would make admin tools resend a failed ACL change, so for these
// requests they are a non-retriable SystemError.
const aclAdminRequestCodes: ReadonlySet<number> = new Set([
  RequestCode.UPDATE_AND_CREATE_ACL_CONFIG,
  RequestCode.DELETE_ACL_CONFIG,
  RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG,
]);
const aclFailureCodes: ReadonlySet<number> = new Set([
  ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED,
  ResponseCode.DELETE_ACL_CONFIG_FAILED,
  ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED,
]);

/**
 * Turns a response code and its remark into the MQError a caller should see: the subclass of the
 * code's family in {@link responseCodeInfo}, with that code and the table's retriability. The
 * message is the remark, or the table's description when the remark is empty.
 *
 * SUCCESS and outcome codes (send and pull statuses) give a plain MQError, as does a code missing
 * from the table (a newer server), which is then not retriable. Pass `context.requestCode` so the
 * 4.9 ACL meanings of 209..211 are recognised.
 */
export function errorFromResponse(code: number, remark: string | null, context?: MQErrorContext): MQError {
  const info = responseCodeInfo.get(code);
  const message = remark !== null && remark !== '' ? remark : info?.description ?? `response code ${code}`;
  const base = context !== undefined ? { context } : {};
  if (context?.requestCode !== undefined && aclAdminRequestCodes.has(context.requestCode) && aclFailureCodes.has(code)) {
    return new SystemError(message, { ...base, code, retriable: false });
  }
  if (info === undefined) return new MQError(code, message, { ...base, retriable: false });
  const ErrorClass = classByFamily[info.family];
  const options = { ...base, code, retriable: info.retriable };
  return ErrorClass !== undefined ? new ErrorClass(message, options) : new MQError(code, message, options);
}
