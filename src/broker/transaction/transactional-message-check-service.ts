// Owns: when half messages are checked back: a pass every transactionCheckInterval by the broker's
// clock, one at a time, with transactionTimeOut and transactionCheckMax read live; start and a
// draining shutdown.
// Counterpart: org.apache.rocketmq.broker.transaction.TransactionalMessageCheckService (4.9.8).
//
// Java's thread sleeps the whole interval. Here a short real-time tick asks whether ctx.now() has
// reached the next pass, so a clock moved forward (or a smaller live interval) takes effect within
// a tick, not after the old interval.

import type { Logger } from 'pino';
import type { BrokerContext } from '../broker-context.js';
import { liveConfigFor } from '../config/live-config.js';
import { checkHalfQueues, type TransactionCheckSummary } from './transaction-check.js';
import { TransactionCheckListener, type TransactionCheckListenerOptions } from './transaction-check-listener.js';
import type { TransactionalMessageBridge } from './transactional-message-bridge.js';

/** Longest real time between two looks at the clock. */
const TICK_MS_MAX = 200;

export interface TransactionalMessageCheckServiceOptions {
  /** Real ms between two looks at the clock; default min(200, transactionCheckInterval). */
  tickMs?: number;
  onCheck?: TransactionCheckListenerOptions['onCheck'];
}

export class TransactionalMessageCheckService {
  readonly #ctx: BrokerContext;
  readonly #bridge: TransactionalMessageBridge;
  readonly #listener: TransactionCheckListener;
  readonly #logger: Logger;
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | null = null;
  /** The pass under way, if any; shutdown waits for it. */
  #running: Promise<TransactionCheckSummary> | null = null;
  /** Broker-clock time of the last pass's start (or of start()). */
  #lastPassAt = 0;
  #stopped = false;

  constructor(ctx: BrokerContext, bridge: TransactionalMessageBridge, options: TransactionalMessageCheckServiceOptions = {}) {
    this.#ctx = ctx;
    this.#bridge = bridge;
    this.#logger = ctx.logger.child({ component: 'broker.transaction-check' });
    this.#listener = new TransactionCheckListener({
      bridge,
      producers: ctx.producers,
      logger: this.#logger,
      ...(options.onCheck !== undefined ? { onCheck: options.onCheck } : {}),
    });
    this.#tickMs = options.tickMs ?? Math.max(1, Math.min(TICK_MS_MAX, ctx.config.transactionCheckInterval));
  }

  /** The first pass comes one transactionCheckInterval after this, as in Java. */
  start(): void {
    if (this.#timer !== null || this.#stopped) return;
    this.#lastPassAt = this.#ctx.now();
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#timer.unref();
    this.#logger.info({ transactionCheckInterval: this.#interval(), tickMs: this.#tickMs }, 'transaction check service started');
  }

  #interval(): number {
    return liveConfigFor(this.#ctx).get('transactionCheckInterval');
  }

  #tick(): void {
    if (this.#running !== null || this.#stopped) return;
    const now = this.#ctx.now();
    // A clock moved back must not hold the next pass back by as much.
    if (now < this.#lastPassAt) this.#lastPassAt = now;
    if (now - this.#lastPassAt < this.#interval()) return;
    void this.checkNow();
  }

  /** Runs a pass now (or joins the one under way). */
  checkNow(): Promise<TransactionCheckSummary> {
    if (this.#running !== null) return this.#running;
    const live = liveConfigFor(this.#ctx);
    const began = this.#ctx.now();
    this.#lastPassAt = began;
    this.#logger.debug({ began }, 'transaction check begins');
    const pass = checkHalfQueues({
      bridge: this.#bridge,
      listener: this.#listener,
      logger: this.#logger,
      now: () => this.#ctx.now(),
      transactionTimeoutMs: live.get('transactionTimeOut'),
      transactionCheckMax: live.get('transactionCheckMax'),
      fileReservedTimeHours: this.#ctx.config.fileReservedTime,
    }).then(
      (summary) => {
        this.#logger.debug({ ...summary, ms: this.#ctx.now() - began }, 'transaction check done');
        return summary;
      },
      (err: unknown) => {
        // checkHalfQueues catches per queue; anything here is a bug, logged, and the next pass runs anyway.
        this.#logger.error({ err }, 'transaction check failed');
        return { checked: 0, discarded: 0, resolved: 0 };
      },
    );
    this.#running = pass.finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Stops the timer and waits for a pass under way. Idempotent. */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#running !== null) await this.#running;
  }
}
