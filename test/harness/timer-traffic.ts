// Owns: timer-message traffic for tests and the timer benchmark: sending many messages with
// TIMER_DELIVER_MS over one RemotingClient with a window of requests in flight, and an inbox that
// pulls a topic's queues and records every delivery (with duplicates) by the id in its body.
// Counterpart: none (test support).

import { decodeMessageRecords } from '../../src/common/message/message-record.js';
import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import type { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { PullMessage, PullSysFlag } from '../../src/remoting/requests/pull.js';
import { SendMessage } from '../../src/remoting/requests/send.js';

export interface TimerSpec {
  /** Unique; the body is its decimal form (padded) and UNIQ_KEY is derived from it. */
  id: number;
  queueId: number;
  deliverMs: number;
}

export interface SendOutcome {
  acked: number;
  failed: number;
  firstError: string | undefined;
  /** Ids whose send was acknowledged SUCCESS. */
  ackedIds: Set<number>;
}

/** The id in decimal, padded with spaces to `bytes` (Number() reads it back). */
function bodyOf(id: number, bytes: number): Buffer {
  const text = String(id);
  return Buffer.from(text.length >= bytes ? text : text.padEnd(bytes, ' '));
}

/** The UNIQ_KEY a spec is sent with. */
export function uniqKeyOf(id: number): string {
  return `7F0000010000TIMER${String(id).padStart(12, '0')}`;
}

/**
 * Sends every spec to `topic` (SEND_MESSAGE_V2, ROCKETMQ headers as the client uses), `inflight`
 * at a time; a failed send is counted, not retried. `stopAfter` ends sending early when it returns
 * true (a test killing the broker mid-way).
 */
export function sendTimerMessages(
  client: RemotingClient,
  addr: string,
  topic: string,
  specs: readonly TimerSpec[],
  options: { inflight?: number; bodyBytes?: number; stopAfter?: () => boolean } = {},
): Promise<SendOutcome> {
  const inflight = options.inflight ?? 128;
  const stopAfter = options.stopAfter;
  const outcome: SendOutcome = { acked: 0, failed: 0, firstError: undefined, ackedIds: new Set() };
  let next = 0;
  let outstanding = 0;
  return new Promise((resolve) => {
    const fire = (): void => {
      if (next >= specs.length || stopAfter?.() === true) {
        if (outstanding === 0) resolve(outcome);
        return;
      }
      const spec = specs[next++]!;
      const properties = `UNIQ_KEY\u0001${uniqKeyOf(spec.id)}\u0002TIMER_DELIVER_MS\u0001${spec.deliverMs}\u0002WAIT\u0001true`;
      const header = SendMessage.encode(
        { producerGroup: 'PID_timer_traffic', topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: spec.queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties },
        RequestCode.SEND_MESSAGE_V2,
      );
      outstanding++;
      client.invokeAsync(addr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, header, bodyOf(spec.id, options.bodyBytes ?? 0)), 10_000, (err, response) => {
        outstanding--;
        if (err === null && response!.code === ResponseCode.SUCCESS) {
          outcome.acked++;
          outcome.ackedIds.add(spec.id);
        } else {
          outcome.failed++;
          outcome.firstError ??= err !== null ? err.message : `code ${response!.code} ${response!.remark ?? ''}`;
        }
        fire();
      });
    };
    for (let i = 0; i < inflight; i++) fire();
    if (specs.length === 0) resolve(outcome);
  });
}

export interface Delivery {
  id: number;
  queueId: number;
  queueOffset: number;
  /** TIMER_DELIVER_MS as sent. */
  deliverMs: number;
  /** TIMER_OUT_MS: the slot it was parked for. */
  outMs: number;
  /** TIMER_DEQUEUE_MS: the broker clock when it was delivered. */
  dequeueMs: number;
}

/** Pulls every queue of a topic from offset 0 on and keeps each delivery, duplicates included. */
export class TimerInbox {
  readonly byId = new Map<number, Delivery>();
  /** Every delivery of each queue, in queue order. */
  readonly perQueue: Delivery[][];
  /** Ids delivered more than once. */
  readonly duplicates: number[] = [];
  readonly #offsets: number[];

  constructor(
    readonly client: RemotingClient,
    readonly addr: string,
    readonly topic: string,
    queues: number,
    readonly maxMsgNums = 256,
  ) {
    this.perQueue = Array.from({ length: queues }, () => []);
    this.#offsets = new Array<number>(queues).fill(0);
  }

  get count(): number {
    return this.byId.size;
  }

  /** Pulls each queue until it has nothing more; returns how many deliveries were new. */
  async drain(): Promise<number> {
    let added = 0;
    await Promise.all(
      this.perQueue.map(async (_, queueId) => {
        for (;;) {
          const n = await this.#pullOnce(queueId);
          if (n === 0) return;
          added += n;
        }
      }),
    );
    return added;
  }

  async #pullOnce(queueId: number): Promise<number> {
    const header = PullMessage.encode({
      consumerGroup: 'CID_timer_inbox',
      topic: this.topic,
      queueId,
      queueOffset: this.#offsets[queueId]!,
      maxMsgNums: this.maxMsgNums,
      sysFlag: PullSysFlag.FLAG_SUBSCRIPTION,
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      subscription: '*',
      subVersion: 0,
      expressionType: 'TAG',
    });
    const response = await this.client.invokeSync(this.addr, RemotingCommand.request(RequestCode.PULL_MESSAGE, header), 10_000);
    if (response.code !== ResponseCode.SUCCESS || response.body === null) return 0;
    const records = decodeMessageRecords(response.body);
    for (const record of records) {
      const id = Number(record.body.toString());
      const delivery: Delivery = {
        id,
        queueId,
        queueOffset: record.queueOffset,
        deliverMs: Number(record.properties.get('TIMER_DELIVER_MS')),
        outMs: Number(record.properties.get('TIMER_OUT_MS')),
        dequeueMs: Number(record.properties.get('TIMER_DEQUEUE_MS')),
      };
      if (this.byId.has(id)) this.duplicates.push(id);
      else this.byId.set(id, delivery);
      this.perQueue[queueId]!.push(delivery);
    }
    this.#offsets[queueId] = Number(response.extFields?.['nextBeginOffset'] ?? this.#offsets[queueId]! + records.length);
    return records.length;
  }
}

/** When a message asking for `deliverMs` is due: the end of its slot (see timerOutMs). */
export function dueAt(deliverMs: number, precisionMs = 1000): number {
  return Math.ceil(deliverMs / precisionMs) * precisionMs;
}
