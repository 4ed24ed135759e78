// Pins the code tables (request and response codes), the response-code table against
// docs/response-codes.md, and how response codes become MQError subclasses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BrokerBusyError,
  CONFIG_ERROR_CODE,
  ConfigError,
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
} from '../../../../src/common/mq-error.js';
import type { ErrorFamily } from '../../../../src/common/mq-error.js';
import { RequestCode, requestCodeName } from '../../../../src/remoting/codes/request-code.js';
import {
  errorFromResponse,
  ResponseCode,
  responseCodeInfo,
  responseCodeName,
} from '../../../../src/remoting/codes/response-code.js';

// ---- docs/response-codes.md -------------------------------------------------------------------

interface DocRow {
  code: number;
  name: string;
  otherNames: string[];
  family: string;
  retriable: boolean;
  description: string;
}

/** Finds the repository root by walking up from this file, so the test runs compiled or not. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'docs'))) return dir;
    const parent = path.dirname(dir);
    assert.notEqual(parent, dir, 'repository root not found above the test file');
    dir = parent;
  }
}

function unquote(cell: string): string {
  return cell.replace(/^`|`$/g, '');
}

/** Rows of the code table: the lines whose first cell is an integer. */
function readDocRows(): DocRow[] {
  const text = fs.readFileSync(path.join(repoRoot(), 'docs', 'response-codes.md'), 'utf8');
  const rows: DocRow[] = [];
  for (const line of text.split('\n')) {
    if (!/^\|\s*-?\d+\s*\|/.test(line)) continue;
    const cells = line.trim().slice(1, -1).split('|').map((c) => c.trim());
    assert.equal(cells.length, 6, `doc row needs 6 cells: ${line}`);
    const [code, name, other, family, retriable, description] = cells as [string, string, string, string, string, string];
    assert.ok(retriable === 'yes' || retriable === 'no', `retriable must be yes or no: ${line}`);
    rows.push({
      code: Number(code),
      name: unquote(name),
      otherNames: other === '' ? [] : other.split(',').map((n) => unquote(n.trim())),
      family,
      retriable: retriable === 'yes',
      description,
    });
  }
  return rows;
}

/** Names of a number other than its primary one, in declaration order. */
function otherNamesOf(code: number, primary: string): string[] {
  return Object.entries(ResponseCode)
    .filter(([name, value]) => value === code && name !== primary)
    .map(([name]) => name);
}

test('docs/response-codes.md lists every response code exactly as the table does', () => {
  const rows = readDocRows();
  const byCode = new Map<number, DocRow>();
  for (const row of rows) {
    assert.ok(!byCode.has(row.code), `code ${row.code} appears twice in the doc`);
    byCode.set(row.code, row);
  }
  for (const [code, info] of responseCodeInfo) {
    const row = byCode.get(code);
    assert.ok(row !== undefined, `code ${code} (${info.name}) is missing from docs/response-codes.md`);
    assert.deepEqual(
      row,
      {
        code,
        name: info.name,
        otherNames: otherNamesOf(code, info.name),
        family: info.family,
        retriable: info.retriable,
        description: info.description,
      },
      `doc row for ${code} differs from responseCodeInfo`,
    );
  }
  for (const row of rows) {
    assert.ok(responseCodeInfo.has(row.code), `doc lists ${row.code} (${row.name}), which the table does not know`);
  }
});

test('every ResponseCode name is documented, as primary name or other name of its number', () => {
  const documented = new Map<string, number>();
  for (const row of readDocRows()) {
    for (const name of [row.name, ...row.otherNames]) documented.set(name, row.code);
  }
  for (const [name, code] of Object.entries(ResponseCode)) {
    assert.equal(documented.get(name), code, `${name} = ${code} is not documented`);
  }
  assert.equal(documented.size, Object.keys(ResponseCode).length);
});

// ---- response codes ---------------------------------------------------------------------------

test('response codes match protocol.md §2.2 and the 5.x RPC codes', () => {
  const expected: Array<[number, string]> = [
    [0, 'SUCCESS'], [1, 'SYSTEM_ERROR'], [2, 'SYSTEM_BUSY'], [3, 'REQUEST_CODE_NOT_SUPPORTED'],
    [4, 'TRANSACTION_FAILED'], [10, 'FLUSH_DISK_TIMEOUT'], [11, 'SLAVE_NOT_AVAILABLE'],
    [12, 'FLUSH_SLAVE_TIMEOUT'], [13, 'MESSAGE_ILLEGAL'], [14, 'SERVICE_NOT_AVAILABLE'],
    [15, 'VERSION_NOT_SUPPORTED'], [16, 'NO_PERMISSION'], [17, 'TOPIC_NOT_EXIST'],
    [18, 'TOPIC_EXIST_ALREADY'], [19, 'PULL_NOT_FOUND'], [20, 'PULL_RETRY_IMMEDIATELY'],
    [21, 'PULL_OFFSET_MOVED'], [22, 'QUERY_NOT_FOUND'], [23, 'SUBSCRIPTION_PARSE_FAILED'],
    [24, 'SUBSCRIPTION_NOT_EXIST'], [25, 'SUBSCRIPTION_NOT_LATEST'], [26, 'SUBSCRIPTION_GROUP_NOT_EXIST'],
    [27, 'FILTER_DATA_NOT_EXIST'], [28, 'FILTER_DATA_NOT_LATEST'], [29, 'INVALID_PARAMETER'],
    [200, 'TRANSACTION_SHOULD_COMMIT'], [201, 'TRANSACTION_SHOULD_ROLLBACK'],
    [202, 'TRANSACTION_STATE_UNKNOW'], [203, 'TRANSACTION_STATE_GROUP_WRONG'], [204, 'NO_BUYER_ID'],
    [205, 'NOT_IN_CURRENT_UNIT'], [206, 'CONSUMER_NOT_ONLINE'], [207, 'CONSUME_MSG_TIMEOUT'],
    [208, 'NO_MESSAGE'], [209, 'POLLING_FULL'], [210, 'POLLING_TIMEOUT'], [215, 'FLOW_CONTROL'],
    [604, 'ILLEGAL_OPERATION'], [1500, 'GO_AWAY'],
    [-1000, 'RPC_UNKNOWN'], [-1002, 'RPC_ADDR_IS_NULL'], [-1004, 'RPC_SEND_TO_CHANNEL_FAILED'], [-1006, 'RPC_TIME_OUT'],
  ];
  for (const [code, name] of expected) {
    assert.equal(responseCodeName(code), name, `name of ${code}`);
    assert.equal((ResponseCode as Record<string, number>)[name], code, `value of ${name}`);
  }
});

test('numbers with two names keep both, and the 5.x name is the primary one', () => {
  assert.equal(ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED, 209);
  assert.equal(ResponseCode.DELETE_ACL_CONFIG_FAILED, 210);
  assert.equal(ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED, 211);
  assert.equal(responseCodeName(211), 'BROKER_NOT_EXIST');
  assert.equal(ResponseCode.CONTROLLER_REGISTER_BROKER_FAILED, 2012);
  assert.equal(responseCodeName(2012), 'CONTROLLER_ELECT_MASTER_FAILED');
  assert.equal(ResponseCode.CONTROLLER_ALTER_SYNC_STATE_SET_FAILED, 2013);
});

test('the response table covers 66 numbers under 70 names', () => {
  assert.equal(responseCodeInfo.size, 66);
  assert.equal(Object.keys(ResponseCode).length, 70);
  assert.equal(new Set(Object.values(ResponseCode)).size, responseCodeInfo.size);
});

test('responseCodeName answers undefined for a number that is no response code', () => {
  assert.equal(responseCodeName(5), undefined);
  assert.equal(responseCodeName(-1), undefined);
});

test('the code tables cannot be changed at run time', () => {
  assert.ok(Object.isFrozen(ResponseCode));
  assert.ok(Object.isFrozen(RequestCode));
  assert.ok(Object.isFrozen(responseCodeInfo.get(17)));
});

// ---- request codes ----------------------------------------------------------------------------

test('requestCodeName maps 310 to SEND_MESSAGE_V2', () => {
  assert.equal(requestCodeName(310), 'SEND_MESSAGE_V2');
});

test('request codes match protocol.md §2.1', () => {
  const expected: Array<[number, string]> = [
    [10, 'SEND_MESSAGE'], [11, 'PULL_MESSAGE'], [12, 'QUERY_MESSAGE'], [14, 'QUERY_CONSUMER_OFFSET'],
    [15, 'UPDATE_CONSUMER_OFFSET'], [17, 'UPDATE_AND_CREATE_TOPIC'], [29, 'SEARCH_OFFSET_BY_TIMESTAMP'],
    [30, 'GET_MAX_OFFSET'], [31, 'GET_MIN_OFFSET'], [32, 'GET_EARLIEST_MSG_STORETIME'],
    [33, 'VIEW_MESSAGE_BY_ID'], [34, 'HEART_BEAT'], [35, 'UNREGISTER_CLIENT'],
    [36, 'CONSUMER_SEND_MSG_BACK'], [37, 'END_TRANSACTION'], [38, 'GET_CONSUMER_LIST_BY_GROUP'],
    [39, 'CHECK_TRANSACTION_STATE'], [40, 'NOTIFY_CONSUMER_IDS_CHANGED'], [41, 'LOCK_BATCH_MQ'],
    [42, 'UNLOCK_BATCH_MQ'], [100, 'PUT_KV_CONFIG'], [101, 'GET_KV_CONFIG'], [102, 'DELETE_KV_CONFIG'],
    [103, 'REGISTER_BROKER'], [104, 'UNREGISTER_BROKER'], [105, 'GET_ROUTEINFO_BY_TOPIC'],
    [106, 'GET_BROKER_CLUSTER_INFO'], [200, 'UPDATE_AND_CREATE_SUBSCRIPTIONGROUP'],
    [206, 'GET_ALL_TOPIC_LIST_FROM_NAMESERVER'], [215, 'DELETE_TOPIC_IN_BROKER'],
    [216, 'DELETE_TOPIC_IN_NAMESRV'], [217, 'REGISTER_TOPIC_IN_NAMESRV'], [307, 'GET_CONSUMER_RUNNING_INFO'],
    [309, 'CONSUME_MESSAGE_DIRECTLY'], [310, 'SEND_MESSAGE_V2'], [320, 'SEND_BATCH_MESSAGE'],
    [322, 'QUERY_DATA_VERSION'], [904, 'BROKER_HEARTBEAT'], [200050, 'POP_MESSAGE'],
    [200051, 'ACK_MESSAGE'], [200053, 'CHANGE_MESSAGE_INVISIBLETIME'],
  ];
  for (const [code, name] of expected) {
    assert.equal(requestCodeName(code), name, `name of ${code}`);
    assert.equal((RequestCode as Record<string, number>)[name], code, `value of ${name}`);
  }
});

test('request codes keep the 4.9-only ACL calls next to the 5.x ACL 2.0 calls', () => {
  assert.equal(RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, 50);
  assert.equal(RequestCode.DELETE_ACL_CONFIG, 51);
  assert.equal(RequestCode.GET_BROKER_CLUSTER_ACL_INFO, 52);
  assert.equal(RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, 53);
  assert.equal(RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG, 54);
  assert.equal(RequestCode.AUTH_CREATE_USER, 3001);
  assert.equal(RequestCode.AUTH_LIST_ACL, 3010);
});

test('every request code has one name, so requestCodeName inverts RequestCode', () => {
  const entries = Object.entries(RequestCode);
  assert.equal(entries.length, 163);
  assert.equal(new Set(entries.map(([, code]) => code)).size, entries.length);
  for (const [name, code] of entries) {
    assert.ok(Number.isSafeInteger(code) && code > 0, `${name} = ${code}`);
    assert.equal(requestCodeName(code), name);
  }
  assert.equal(requestCodeName(16), undefined);
  assert.equal(requestCodeName(0), undefined);
});

// ---- errorFromResponse ------------------------------------------------------------------------

const classByFamily: Record<ErrorFamily, new (...args: never[]) => MQError> = {
  SUCCESS: MQError,
  OUTCOME: MQError,
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
  CONFIG: ConfigError,
};

test('errorFromResponse(17) is a retriable TopicNotFoundError carrying the remark', () => {
  const err = errorFromResponse(17, 'x');
  assert.ok(err instanceof TopicNotFoundError);
  assert.ok(err instanceof NotFoundError);
  assert.ok(err instanceof MQError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'TopicNotFoundError');
  assert.equal(err.code, 17);
  assert.equal(err.message, 'x');
  assert.equal(err.retriable, responseCodeInfo.get(17)?.retriable);
  assert.equal(err.retriable, true);
  assert.equal(err.context, undefined);
});

test('errorFromResponse builds the class of each code family, with its code and retriability', () => {
  for (const [code, info] of responseCodeInfo) {
    const err = errorFromResponse(code, 'remark');
    assert.equal(err.constructor, classByFamily[info.family], `${info.name} (${code}) is ${err.name}`);
    assert.equal(err.code, code);
    assert.equal(err.retriable, info.retriable, `retriable of ${info.name}`);
  }
});

test('errorFromResponse spot checks: busy, illegal, permission, not supported, subscription, transaction', () => {
  assert.ok(errorFromResponse(ResponseCode.SYSTEM_BUSY, null) instanceof BrokerBusyError);
  assert.ok(errorFromResponse(ResponseCode.FLOW_CONTROL, null) instanceof BrokerBusyError);
  assert.ok(errorFromResponse(ResponseCode.POLLING_FULL, null) instanceof BrokerBusyError);
  assert.ok(errorFromResponse(ResponseCode.MESSAGE_ILLEGAL, null) instanceof MessageIllegalError);
  assert.equal(errorFromResponse(ResponseCode.MESSAGE_ILLEGAL, null).retriable, false);
  assert.ok(errorFromResponse(ResponseCode.NO_PERMISSION, null) instanceof NoPermissionError);
  assert.ok(errorFromResponse(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, null) instanceof RequestNotSupportedError);
  assert.ok(errorFromResponse(ResponseCode.SYSTEM_ERROR, null) instanceof SystemError);
  for (let code = 23; code <= 28; code++) assert.ok(errorFromResponse(code, null) instanceof SubscriptionError);
  for (const code of [4, 200, 201, 202, 203]) assert.ok(errorFromResponse(code, null) instanceof TransactionError);
  assert.ok(errorFromResponse(ResponseCode.RPC_TIME_OUT, null) instanceof RemotingTimeoutError);
  assert.ok(errorFromResponse(ResponseCode.RPC_ADDR_IS_NULL, null) instanceof RemotingConnectError);
  assert.ok(errorFromResponse(ResponseCode.RPC_SEND_TO_CHANNEL_FAILED, null) instanceof RemotingSendError);
});

test('errorFromResponse falls back to the table description when the remark is null or empty', () => {
  const description = responseCodeInfo.get(2)?.description;
  assert.ok(description !== undefined && description.length > 0);
  assert.equal(errorFromResponse(2, null).message, description);
  assert.equal(errorFromResponse(2, '').message, description);
});

test('errorFromResponse keeps the context it is given', () => {
  const context = { topic: 'T', queueId: 3, brokerAddr: '127.0.0.1:10911', opaque: 42, requestCode: RequestCode.SEND_MESSAGE_V2 };
  const err = errorFromResponse(ResponseCode.NO_PERMISSION, 'no write', context);
  assert.deepEqual(err.context, context);
});

test('outcome codes and unknown codes give a plain MQError', () => {
  const stored = errorFromResponse(ResponseCode.FLUSH_DISK_TIMEOUT, null);
  assert.equal(stored.constructor, MQError);
  assert.equal(stored.name, 'MQError');
  const unknown = errorFromResponse(12345, 'from a newer broker');
  assert.equal(unknown.constructor, MQError);
  assert.equal(unknown.code, 12345);
  assert.equal(unknown.retriable, false);
  assert.equal(unknown.message, 'from a newer broker');
  assert.equal(errorFromResponse(12345, null).message, 'response code 12345');
});

test('Compat: 209..211 answering a 4.9 plain-ACL admin call are non-retriable SystemErrors', () => {
  for (const [code, requestCode] of [
    [209, RequestCode.UPDATE_AND_CREATE_ACL_CONFIG],
    [210, RequestCode.DELETE_ACL_CONFIG],
    [211, RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG],
  ] as const) {
    const err = errorFromResponse(code, 'acl failed', { requestCode });
    assert.equal(err.constructor, SystemError);
    assert.equal(err.code, code);
    assert.equal(err.retriable, false);
  }
  const pop = errorFromResponse(209, 'polling full', { requestCode: RequestCode.POP_MESSAGE });
  assert.ok(pop instanceof BrokerBusyError);
  assert.equal(pop.retriable, true);
});

// ---- MQError and its subclasses ---------------------------------------------------------------

test('subclasses default to their family code and retriability, and accept overrides', () => {
  const timeout = new RemotingTimeoutError('no answer');
  assert.equal(timeout.code, -1006);
  assert.equal(timeout.retriable, true);
  assert.equal(timeout.name, 'RemotingTimeoutError');
  assert.equal(new RemotingConnectError('x').code, -1002);
  assert.equal(new RemotingSendError('x').code, -1004);
  assert.equal(new BrokerBusyError('x').code, 2);
  assert.equal(new TopicNotFoundError('x').code, 17);
  assert.equal(new TopicNotFoundError('x').retriable, true);
  assert.equal(new MessageIllegalError('x').retriable, false);
  const busy = new BrokerBusyError('x', { code: 215, retriable: false });
  assert.equal(busy.code, 215);
  assert.equal(busy.retriable, false);
});

test('cause uses the standard Error cause and is absent when not given', () => {
  const inner = new Error('socket hang up');
  const err = new RemotingSendError('send failed', { cause: inner, context: { brokerAddr: '10.0.0.1:10911' } });
  assert.equal(err.cause, inner);
  assert.deepEqual(err.context, { brokerAddr: '10.0.0.1:10911' });
  assert.equal(Object.hasOwn(new RemotingSendError('send failed'), 'cause'), false);
  assert.equal(new MQError(1, 'x', { cause: undefined }).cause, undefined);
  assert.equal(Object.hasOwn(new MQError(1, 'x', { cause: undefined }), 'cause'), true);
});

test('ConfigError carries code -1, is never retriable and names its key', () => {
  const err = new ConfigError('config listenPort=abc: expected an integer', { key: 'listenPort' });
  assert.equal(CONFIG_ERROR_CODE, -1);
  assert.equal(err.code, CONFIG_ERROR_CODE);
  assert.equal(err.retriable, false);
  assert.equal(err.key, 'listenPort');
  assert.equal(err.name, 'ConfigError');
  assert.ok(err instanceof MQError);
  assert.equal(responseCodeName(CONFIG_ERROR_CODE), undefined);
});

test('every class sets its own name', () => {
  const classes = [
    MQError, BrokerBusyError, ServiceUnavailableError, SystemError, RequestNotSupportedError,
    TransactionError, MessageIllegalError, NoPermissionError, NotFoundError, TopicNotFoundError,
    SubscriptionError, ControllerError, RemotingTimeoutError, RemotingConnectError, RemotingSendError,
  ];
  for (const ErrorClass of classes) {
    const err = ErrorClass === MQError ? new MQError(1, 'x') : new (ErrorClass as typeof SystemError)('x');
    assert.equal(err.name, ErrorClass.name);
    assert.ok(err.stack?.startsWith(`${ErrorClass.name}: x`));
  }
  assert.equal(new ConfigError('x').name, 'ConfigError');
});
