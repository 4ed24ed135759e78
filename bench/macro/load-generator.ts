// The client side of the broker benchmark: a load generator speaking the remoting protocol to a
// real broker process. Producers keep `inflight` SEND_MESSAGE_V2 requests outstanding on each of
// `connections` connections (one RemotingClient each, ROCKETMQ header serialization) and record
// every acknowledgement's latency; consumers read every queue back from offset 0 with pipelined
// PULL_MESSAGE requests and count the records in each answer by their TOTALSIZE field.

import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand, SerializeType } from '../../src/remoting/remoting-command.js';
import { CreateTopic } from '../../src/remoting/requests/admin.js';
import { PullMessage, PullSysFlag } from '../../src/remoting/requests/pull.js';
import { SendMessage } from '../../src/remoting/requests/send.js';

export const PRODUCER_GROUP = 'bench_producer_group';
export const CONSUMER_GROUP = 'bench_consumer_group';

/** Latency samples in µs, in a growable Float64Array (one per acknowledged send). */
export class Latencies {
  #samples = new Float64Array(1 << 16);
  #count = 0;
  add(us: number): void {
    if (this.#count === this.#samples.length) {
      const bigger = new Float64Array(this.#samples.length * 2);
      bigger.set(this.#samples);
      this.#samples = bigger;
    }
    this.#samples[this.#count++] = us;
  }
  get count(): number {
    return this.#count;
  }
  /** The p-quantile (0..1) of the samples, NaN when there are none. */
  percentiles(...ps: number[]): number[] {
    const sorted = this.#samples.slice(0, this.#count).sort();
    return ps.map((p) => (sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!));
  }
}

/** Creates `topic` with `queues` read and write queues on the broker at `addr`. */
export async function createTopic(addr: string, topic: string, queues: number): Promise<void> {
  const client = new RemotingClient({ serializeType: SerializeType.ROCKETMQ });
  try {
    const header = CreateTopic.encode({ topic, defaultTopic: 'TBW102', readQueueNums: queues, writeQueueNums: queues, perm: 6, topicFilterType: 'SINGLE_TAG' });
    const response = await client.invokeSync(addr, RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, header), 5000);
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`UPDATE_AND_CREATE_TOPIC answered ${response.code} ${response.remark ?? ''}`);
  } finally {
    client.shutdown();
  }
}

export interface ProduceOptions {
  addr: string;
  topic: string;
  queues: number;
  connections: number;
  inflight: number;
  body: Buffer;
  /** Sends before this long (ms) are neither timed nor counted in the rate (JIT warm-up). */
  warmupMs: number;
  /** Measured window after the warm-up (ms). */
  durationMs: number;
}

export interface ProduceResult {
  /** Acknowledged sends per second over the measured window. */
  rate: number;
  latencies: Latencies;
  /** Acknowledged messages per queue over the whole run (warm-up included): what consume must read. */
  perQueue: number[];
  failed: number;
  firstError: string | undefined;
}

/**
 * Keeps `inflight` sends outstanding per connection until the warm-up plus the measured window
 * have passed, then waits for the outstanding ones. Each send's properties carry TAGS, KEYS,
 * a fresh UNIQ_KEY and WAIT, as a Java or ali-ons producer's do.
 */
export async function produce(options: ProduceOptions): Promise<ProduceResult> {
  const { addr, topic, queues, connections, inflight, body } = options;
  const clients = Array.from({ length: connections }, () => new RemotingClient({ serializeType: SerializeType.ROCKETMQ }));
  const latencies = new Latencies();
  const perQueue = new Array<number>(queues).fill(0);
  let sequence = 0;
  let failed = 0;
  let firstError: string | undefined;
  let measuring = false;
  let measured = 0;
  let sending = true;
  let outstanding = 0;
  let drained: (() => void) | undefined;
  const uniqPrefix = '7F000001' + process.pid.toString(16).toUpperCase().padStart(4, '0').slice(-4) + '18B4AAC2';

  const fire = (client: RemotingClient): void => {
    const i = sequence++;
    const queueId = i % queues;
    const properties =
      'TAGS\u0001TagA\u0002KEYS\u0001key-' + i + '\u0002UNIQ_KEY\u0001' + uniqPrefix + i.toString(16).toUpperCase().padStart(12, '0') + '\u0002WAIT\u0001true';
    const header = SendMessage.encode(
      { producerGroup: PRODUCER_GROUP, topic, defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId, sysFlag: 0, bornTimestamp: Date.now(), flag: 0, properties, reconsumeTimes: 0, unitMode: false, batch: false },
      RequestCode.SEND_MESSAGE_V2,
    );
    const timed = measuring;
    const start = performance.now();
    outstanding++;
    client.invokeAsync(addr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, header, body), 10_000, (err, response) => {
      outstanding--;
      if (err !== null || response!.code !== ResponseCode.SUCCESS) {
        failed++;
        firstError ??= err !== null ? err.message : `code ${response!.code} ${response!.remark ?? ''}`;
      } else {
        perQueue[queueId]!++;
        if (timed && measuring) {
          latencies.add((performance.now() - start) * 1000);
          measured++;
        }
      }
      if (sending) fire(client);
      else if (outstanding === 0) drained?.();
    });
  };

  for (const client of clients) for (let i = 0; i < inflight; i++) fire(client);
  await sleep(options.warmupMs);
  measuring = true;
  const t0 = performance.now();
  await sleep(options.durationMs);
  const elapsed = performance.now() - t0;
  measuring = false;
  sending = false;
  const rate = (measured * 1000) / elapsed;
  if (outstanding > 0) await new Promise<void>((resolve) => (drained = resolve));
  for (const client of clients) client.shutdown();
  return { rate, latencies, perQueue, failed, firstError };
}

export interface ConsumeOptions {
  addr: string;
  topic: string;
  connections: number;
  /** Pulls outstanding per connection. */
  inflight: number;
  maxMsgNums: number;
  /** Messages to read from each queue, from offset 0. */
  perQueue: number[];
  timeoutMs: number;
}

export interface ConsumeResult {
  rate: number;
  msgs: number;
  bytes: number;
  seconds: number;
  pulls: number;
  retries: number;
}

interface PullTask {
  queueId: number;
  offset: number;
  /** Messages this pull should bring: min(maxMsgNums, what is left of its slice). */
  count: number;
}

/** Counts the message records in a pull answer's body by walking their TOTALSIZE fields. */
export function countRecords(body: Buffer | null): number {
  if (body === null) return 0;
  let n = 0;
  for (let pos = 0; pos + 4 <= body.length; n++) {
    const size = body.readInt32BE(pos);
    if (size <= 0) break;
    pos += size;
  }
  return n;
}

/**
 * Reads every queue from offset 0 to perQueue[q]. The slices [o, o+maxMsgNums) of all queues are
 * pulled concurrently (interleaved over the queues); a short answer (the broker's transfer limits)
 * queues a pull for the rest of its slice, and PULL_NOT_FOUND / RETRY (not yet dispatched to the
 * ConsumeQueue) retries the same slice.
 */
export async function consume(options: ConsumeOptions): Promise<ConsumeResult> {
  const { addr, topic, connections, inflight, maxMsgNums, perQueue } = options;
  const total = perQueue.reduce((a, b) => a + b, 0);
  const tasks: PullTask[] = [];
  const longest = Math.max(0, ...perQueue);
  for (let offset = 0; offset < longest; offset += maxMsgNums) {
    perQueue.forEach((n, queueId) => {
      if (offset < n) tasks.push({ queueId, offset, count: Math.min(maxMsgNums, n - offset) });
    });
  }
  let next = 0;
  const clients = Array.from({ length: connections }, () => new RemotingClient({ serializeType: SerializeType.ROCKETMQ }));
  let msgs = 0;
  let bytes = 0;
  let pulls = 0;
  let retries = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`consume read ${msgs} of ${total} messages in ${options.timeoutMs} ms`)), options.timeoutMs);
    const finish = (): void => {
      clearTimeout(deadline);
      resolve();
    };
    const pull = (client: RemotingClient): void => {
      const task = tasks[next++];
      if (task === undefined) return; // this lane is done; the others finish the rest
      const header = PullMessage.encode({
        consumerGroup: CONSUMER_GROUP,
        topic,
        queueId: task.queueId,
        queueOffset: task.offset,
        maxMsgNums: Math.min(task.count, maxMsgNums),
        sysFlag: PullSysFlag.FLAG_SUBSCRIPTION,
        commitOffset: 0,
        suspendTimeoutMillis: 0,
        subscription: '*',
        subVersion: 0,
        expressionType: 'TAG',
      });
      client.invokeAsync(addr, RemotingCommand.request(RequestCode.PULL_MESSAGE, header), 10_000, (err, response) => {
        pulls++;
        if (err !== null) {
          clearTimeout(deadline);
          reject(err);
          return;
        }
        const code = response!.code;
        if (code === ResponseCode.SUCCESS) {
          const n = Math.min(countRecords(response!.body), task.count);
          msgs += n;
          bytes += response!.body?.length ?? 0;
          if (n < task.count) tasks.push({ queueId: task.queueId, offset: task.offset + n, count: task.count - n });
          if (msgs >= total) return finish();
        } else if (code === ResponseCode.PULL_NOT_FOUND || code === ResponseCode.PULL_RETRY_IMMEDIATELY) {
          // Not yet in the ConsumeQueue (the broker dispatches behind the CommitLog): try again shortly.
          retries++;
          tasks.push(task);
          setTimeout(() => pull(client), 1);
          return;
        } else {
          clearTimeout(deadline);
          reject(new Error(`PULL_MESSAGE answered ${code} ${response!.remark ?? ''}`));
          return;
        }
        pull(client);
      });
    };
    if (total === 0) return finish();
    for (const client of clients) for (let i = 0; i < inflight; i++) pull(client);
  }).finally(() => {
    for (const client of clients) client.shutdown();
  });
  const seconds = (performance.now() - t0) / 1000;
  return { rate: msgs / seconds, msgs, bytes, seconds, pulls, retries };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
