// Owns: routing incoming requests to handlers by request code, with a bound on queued work per lane.
// Counterpart: the processorTable / executor pairs of org.apache.rocketmq.remoting.netty.NettyRemotingAbstract.
//
// A lane stands in for one of Java's processor thread pools and its queue: it counts requests
// accepted and not yet answered. When a lane is full the request is answered SYSTEM_BUSY at once
// instead of queueing without end.

import type { Logger } from 'pino';
import { MQError } from '../common/mq-error.js';
import { ResponseCode } from './codes/response-code.js';
import type { RemotingConnection } from './connection.js';
import { RemotingCommand, RPC_TYPE_RESPONSE } from './remoting-command.js';

export type RequestHandler = (
  request: RemotingCommand,
  connection: RemotingConnection,
) => RemotingCommand | null | Promise<RemotingCommand | null>;

export interface LaneOptions {
  /** Requests accepted and not yet answered, at most. */
  pendingMax: number;
}

class Lane {
  pending = 0;
  constructor(readonly name: string, readonly pendingMax: number) {}
}

interface Route {
  handler: RequestHandler;
  lane: Lane;
}

export const DEFAULT_LANE = 'default';
const DEFAULT_LANE_PENDING_MAX = 10_000;
export const SYSTEM_BUSY_REMARK = '[OVERLOAD]system busy, start flow control for a while';

export class RequestDispatcher {
  readonly #routes = new Map<number, Route>();
  readonly #lanes = new Map<string, Lane>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.registerLane(DEFAULT_LANE, { pendingMax: DEFAULT_LANE_PENDING_MAX });
  }

  registerLane(name: string, options: LaneOptions): void {
    this.#lanes.set(name, new Lane(name, options.pendingMax));
  }

  register(code: number, handler: RequestHandler, laneName: string = DEFAULT_LANE): void {
    const lane = this.#lanes.get(laneName);
    if (lane === undefined) throw new Error(`no lane named ${laneName}`);
    this.#routes.set(code, { handler, lane });
  }

  /** Requests accepted on a lane and not yet answered. */
  pendingOf(laneName: string): number {
    return this.#lanes.get(laneName)?.pending ?? 0;
  }

  dispatch(request: RemotingCommand, connection: RemotingConnection): void {
    const route = this.#routes.get(request.code);
    if (route === undefined) {
      this.#logger.debug({ code: request.code, remote: connection.remoteAddress }, 'request code not supported');
      this.#reply(request, connection, RemotingCommand.response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${request.code} not supported`));
      return;
    }
    const lane = route.lane;
    if (lane.pending >= lane.pendingMax) {
      this.#reply(request, connection, RemotingCommand.response(ResponseCode.SYSTEM_BUSY, SYSTEM_BUSY_REMARK));
      return;
    }
    lane.pending++;
    let result: RemotingCommand | null | Promise<RemotingCommand | null>;
    try {
      result = route.handler(request, connection);
    } catch (err) {
      lane.pending--;
      this.#replyError(request, connection, err);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (response) => {
          lane.pending--;
          this.#reply(request, connection, response);
        },
        (err: unknown) => {
          lane.pending--;
          this.#replyError(request, connection, err);
        },
      );
    } else {
      lane.pending--;
      this.#reply(request, connection, result);
    }
  }

  #reply(request: RemotingCommand, connection: RemotingConnection, response: RemotingCommand | null): void {
    if (response === null || request.isOneway) return;
    response.opaque = request.opaque;
    response.flag |= RPC_TYPE_RESPONSE;
    // Compat: 4.9.8 answers an ordinary request in the serialization the request used.
    response.serializeType = request.serializeType;
    connection.send(response);
  }

  #replyError(request: RemotingCommand, connection: RemotingConnection, err: unknown): void {
    if (err instanceof MQError && err.code > 0) {
      this.#reply(request, connection, RemotingCommand.response(err.code, err.message));
      return;
    }
    this.#logger.error({ err, code: request.code, remote: connection.remoteAddress }, 'request handler failed');
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.#reply(request, connection, RemotingCommand.response(ResponseCode.SYSTEM_ERROR, message));
  }
}
