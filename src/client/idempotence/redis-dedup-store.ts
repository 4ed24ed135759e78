// Owns: a de-duplication store in Redis, shared by consumers on any number of machines. The
// caller passes its own Redis client (ioredis, or anything with the same set/get/eval), so the
// client library itself does not depend on a Redis driver.
//
//   key:   <keyPrefix><message key>
//   value: "<status>:<token>"   with a PX expiry
// acquire is SET NX PX (atomic); markConsumed and release are Lua scripts that act only while the
// value still carries the caller's token, so a holder whose record expired and was taken over
// cannot overwrite or delete the new holder's record.

import { type AcquireResult, type DedupStatus, type DedupStore, newToken } from './dedup-store.js';

/** The subset of an ioredis client this store uses. */
export interface RedisLike {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<string | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

export interface RedisDedupStoreOptions {
  redis: RedisLike;
  /** Default "rocketmq-ts:dedup:". */
  keyPrefix?: string;
}

const MARK_CONSUMED = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end return false`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

function statusOf(value: string): DedupStatus {
  return value.startsWith('CONSUMED:') ? 'CONSUMED' : 'CONSUMING';
}

export class RedisDedupStore implements DedupStore {
  readonly #redis: RedisLike;
  readonly #prefix: string;

  constructor(options: RedisDedupStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.keyPrefix ?? 'rocketmq-ts:dedup:';
  }

  async acquire(key: string, ttlMs: number): Promise<AcquireResult> {
    const token = newToken();
    // Two rounds: the holder's record may expire between a failed SET NX and the GET.
    for (let round = 0; round < 2; round++) {
      if ((await this.#redis.set(this.#prefix + key, `CONSUMING:${token}`, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK') {
        return { acquired: true, token };
      }
      const existing = await this.#redis.get(this.#prefix + key);
      if (existing !== null) return { acquired: false, status: statusOf(existing) };
    }
    return { acquired: false, status: 'CONSUMING' };
  }

  async markConsumed(key: string, token: string, ttlMs: number): Promise<void> {
    await this.#redis.eval(MARK_CONSUMED, 1, this.#prefix + key, `CONSUMING:${token}`, `CONSUMED:${token}`, Math.max(1, Math.round(ttlMs)));
  }

  async release(key: string, token: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#prefix + key, `CONSUMING:${token}`);
  }

  async close(): Promise<void> {
    // The Redis client is the caller's: it closes it.
  }
}
