// Owns the one error base of rocketmq-ts, MQError, and its per-family subclasses. No I/O.
//
// Counterpart: org.apache.rocketmq.client.exception.MQBrokerException and MQClientException,
// org.apache.rocketmq.remoting.exception.RemotingTimeoutException, RemotingConnectException and
// RemotingSendRequestException, org.apache.rocketmq.remoting.rpc.RpcException.
//
// Java splits errors by who noticed them (broker, client, remoting layer); we split them by what a
// caller does about them, one class per family of codes. Which code belongs to which family, and
// whether it is retriable, lives in one table (remoting/codes/response-code.ts: responseCodeInfo);
// common/ may not import remoting/, so this file only knows the family names and each class's
// default code, and callers that start from a wire code use errorFromResponse there.

/**
 * The families response codes are grouped into; each failure family has one MQError subclass.
 *
 * - `SUCCESS`, `OUTCOME`: not failures. OUTCOME codes are statuses the Java client turns into
 *   results (a send stored with FLUSH_DISK_TIMEOUT, a pull answered PULL_NOT_FOUND). When one is
 *   still turned into an error it is a plain {@link MQError}.
 * - `CONFIG`: not a wire code at all; a local configuration value was rejected.
 */
export type ErrorFamily =
  | 'SUCCESS'
  | 'OUTCOME'
  | 'SYSTEM'
  | 'BROKER_BUSY'
  | 'SERVICE_UNAVAILABLE'
  | 'NOT_SUPPORTED'
  | 'TRANSACTION'
  | 'MESSAGE_ILLEGAL'
  | 'NO_PERMISSION'
  | 'TOPIC_NOT_FOUND'
  | 'NOT_FOUND'
  | 'SUBSCRIPTION'
  | 'CONTROLLER'
  | 'REMOTING_TIMEOUT'
  | 'REMOTING_CONNECT'
  | 'REMOTING_SEND'
  | 'CONFIG';

/** Where an error happened, as far as the code that raised it knows. All fields are optional. */
export interface MQErrorContext {
  readonly topic?: string;
  readonly queueId?: number;
  /** `host:port` of the broker or NameServer the request went to. */
  readonly brokerAddr?: string;
  /** Request id of the remoting frame the error answers. */
  readonly opaque?: number;
  /** Request code of the remoting frame the error answers. */
  readonly requestCode?: number;
}

/** Options shared by every MQError constructor. */
export interface MQErrorOptions {
  /** Whether the same request may succeed if sent again (possibly to another broker). */
  readonly retriable?: boolean;
  /** The error this one wraps; becomes the standard ES2022 `Error.cause`. */
  readonly cause?: unknown;
  readonly context?: MQErrorContext;
}

/** Options of the family subclasses, which can also carry a code other than their default. */
export interface MQFamilyErrorOptions extends MQErrorOptions {
  /** The response code; defaults to the family's main code (for example 2 for BrokerBusyError). */
  readonly code?: number;
}

/**
 * Code carried by {@link ConfigError}. No RocketMQ response code means "local configuration
 * rejected", so we take -1: it is below every wire code Java sends (those are ≥ 0) and above
 * Java's client-side RPC codes (-1000 .. -1006), so it can never be mistaken for either.
 */
export const CONFIG_ERROR_CODE = -1;

/**
 * Base of every error rocketmq-ts raises on purpose.
 *
 * `code` is a RocketMQ response code, or one of Java's negative RPC codes for client-side
 * transport failures (-1002 no address or connection failed, -1004 send failed, -1006 timeout).
 */
export class MQError extends Error {
  /** RocketMQ response code (see ResponseCode), or a negative client-side code. */
  readonly code: number;
  /** Whether the same request may succeed if sent again (possibly to another broker). */
  readonly retriable: boolean;
  /** Where the error happened, when known. */
  readonly context?: MQErrorContext;

  constructor(code: number, message: string, options: MQErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'MQError';
    this.code = code;
    this.retriable = options.retriable ?? false;
    if (options.context !== undefined) this.context = options.context;
  }
}

/** The broker is overloaded and refused the request: SYSTEM_BUSY (2), POLLING_FULL (209), FLOW_CONTROL (215). Retriable by default. */
export class BrokerBusyError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 2, message, { retriable: true, ...options });
    this.name = 'BrokerBusyError';
  }
}

/**
 * This node cannot serve the request now, another node (or a later try) may: SERVICE_NOT_AVAILABLE
 * (14), NOT_LEADER_FOR_QUEUE (501), GO_AWAY (1500) and the like. Retriable by default.
 */
export class ServiceUnavailableError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 14, message, { retriable: true, ...options });
    this.name = 'ServiceUnavailableError';
  }
}

/** The server failed for a reason of its own: SYSTEM_ERROR (1) and generic failures. */
export class SystemError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 1, message, options);
    this.name = 'SystemError';
  }
}

/** The peer does not implement this request or version: REQUEST_CODE_NOT_SUPPORTED (3), VERSION_NOT_SUPPORTED (15). */
export class RequestNotSupportedError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 3, message, options);
    this.name = 'RequestNotSupportedError';
  }
}

/** A transaction could not be completed: TRANSACTION_FAILED (4), codes 200..203. */
export class TransactionError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 4, message, options);
    this.name = 'TransactionError';
  }
}

/** The request or message failed validation: MESSAGE_ILLEGAL (13), INVALID_PARAMETER (29), ILLEGAL_OPERATION (604). */
export class MessageIllegalError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 13, message, options);
    this.name = 'MessageIllegalError';
  }
}

/** The topic or broker does not allow this operation: NO_PERMISSION (16). */
export class NoPermissionError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 16, message, options);
    this.name = 'NoPermissionError';
  }
}

/** Something the request names does not exist (consumer, broker, user...). Topics have their own subclass. */
export class NotFoundError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 208, message, options);
    this.name = 'NotFoundError';
  }
}

/** The topic is unknown to the broker or NameServer: TOPIC_NOT_EXIST (17). Retriable by default (routes may be stale). */
export class TopicNotFoundError extends NotFoundError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(message, { retriable: true, ...options, code: options.code ?? 17 });
    this.name = 'TopicNotFoundError';
  }
}

/** The consumer group's subscription or filter data is missing, stale or unparsable: codes 23..28, 213. */
export class SubscriptionError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 24, message, options);
    this.name = 'SubscriptionError';
  }
}

/** The 5.x controller (automatic master election) refused or failed a request: codes 2000..2016. */
export class ControllerError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? 2005, message, options);
    this.name = 'ControllerError';
  }
}

/** No response arrived before the deadline: RPC_TIME_OUT (-1006). Retriable by default. */
export class RemotingTimeoutError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? -1006, message, { retriable: true, ...options });
    this.name = 'RemotingTimeoutError';
  }
}

/** There was no address to send to, or the connection could not be opened: RPC_ADDR_IS_NULL (-1002). Retriable by default. */
export class RemotingConnectError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? -1002, message, { retriable: true, ...options });
    this.name = 'RemotingConnectError';
  }
}

/** The request could not be written, or the connection closed before the answer: RPC_SEND_TO_CHANNEL_FAILED (-1004). Retriable by default. */
export class RemotingSendError extends MQError {
  constructor(message: string, options: MQFamilyErrorOptions = {}) {
    super(options.code ?? -1004, message, { retriable: true, ...options });
    this.name = 'RemotingSendError';
  }
}

/** Options of {@link ConfigError}. */
export interface ConfigErrorOptions {
  /** The configuration key that was rejected, spelled as in broker.conf / namesrv.conf. */
  readonly key?: string;
  readonly cause?: unknown;
}

/**
 * A configuration value was rejected; the message names key, value and what was expected.
 * Never retriable; carries {@link CONFIG_ERROR_CODE} because no wire code fits.
 */
export class ConfigError extends MQError {
  /** The rejected key, when the caller gave it. */
  readonly key?: string;

  constructor(message: string, options: ConfigErrorOptions = {}) {
    super(CONFIG_ERROR_CODE, message, 'cause' in options ? { cause: options.cause } : {});
    this.name = 'ConfigError';
    if (options.key !== undefined) this.key = options.key;
  }
}
