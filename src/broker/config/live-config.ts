// Owns: the broker's effective config at run time: the frozen startup config plus the values
// UPDATE_BROKER_CONFIG set on keys the registry marks `live`. Code that must see live changes
// (send and pull permission checks, topic and group auto-creation) reads through it.
// Counterpart: org.apache.rocketmq.common.Configuration (the broker's updatable config).

import { parseConfigValue } from '../../common/config/config-registry.js';
import { toFastJson } from '../../common/fastjson.js';
import { type DataVersion, nextDataVersion } from '../../common/topic-config.js';
import type { BrokerContext } from '../broker-context.js';
import { type BrokerConfig, brokerConfigRegistry } from './broker-config.js';

type LiveKey = keyof BrokerConfig;

/**
 * The effective broker config: the frozen startup config with the values UPDATE_BROKER_CONFIG set
 * on keys the registry marks `live`. Code that must see live changes reads `get(key)` from the
 * instance `liveConfigFor(ctx)` returns, instead of `ctx.config`.
 */
export class LiveConfig {
  readonly #base: BrokerConfig;
  readonly #overlay = new Map<string, string | number | boolean>();
  readonly #listeners: Array<(changed: readonly string[]) => void> = [];
  #dataVersion: DataVersion;

  constructor(base: BrokerConfig, nowMs: number) {
    this.#base = base;
    // Java's Configuration starts with a fresh DataVersion: counter 0, stamped at boot.
    this.#dataVersion = { counter: 0, stateVersion: 0, timestamp: nowMs };
  }

  get<K extends LiveKey>(key: K): BrokerConfig[K] {
    return (this.#overlay.has(key as string) ? this.#overlay.get(key as string) : this.#base[key]) as BrokerConfig[K];
  }

  get dataVersion(): DataVersion {
    return this.#dataVersion;
  }

  /** fastjson text of the DataVersion: GET_BROKER_CONFIG's `version` header. */
  dataVersionJson(): string {
    const v = this.#dataVersion;
    return toFastJson({ counter: v.counter, stateVersion: v.stateVersion ?? 0, timestamp: v.timestamp });
  }

  /** Every key of the registry with its effective value, secrets left out, in registry order. */
  entries(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const [name, spec] of Object.entries(brokerConfigRegistry.spec)) {
      if (spec.secret === true) continue;
      out.push([name, String(this.get(name as LiveKey))]);
    }
    return out;
  }

  /**
   * Applies `properties` all or nothing: every key must be known and live and every value valid;
   * otherwise nothing changes and the error names the offending keys. Returns the keys whose value
   * changed.
   */
  update(properties: ReadonlyMap<string, string>, nowMs: number): { ok: true; changed: string[] } | { ok: false; error: string } {
    const parsed = new Map<string, string | number | boolean>();
    const unknown: string[] = [];
    const notLive: string[] = [];
    const invalid: string[] = [];
    for (const [rawName, raw] of properties) {
      const name = brokerConfigRegistry.canonical(rawName);
      if (name === undefined) {
        unknown.push(rawName);
        continue;
      }
      const spec = brokerConfigRegistry.spec[name as LiveKey];
      if (spec.live !== true) {
        notLive.push(rawName);
        continue;
      }
      try {
        parsed.set(name, parseConfigValue(name, spec, raw));
      } catch (err) {
        invalid.push(err instanceof Error ? err.message : String(err));
      }
    }
    const problems: string[] = [];
    if (unknown.length > 0) problems.push(`unknown keys: ${unknown.join(', ')}`);
    if (notLive.length > 0) problems.push(`keys that cannot change at run time (restart with them in broker.conf): ${notLive.join(', ')}`);
    if (invalid.length > 0) problems.push(...invalid);
    if (problems.length > 0) return { ok: false, error: `update broker config failed: ${problems.join('; ')}` };
    const changed: string[] = [];
    for (const [name, value] of parsed) {
      if (this.get(name as LiveKey) !== value) changed.push(name);
      this.#overlay.set(name, value);
    }
    this.#dataVersion = nextDataVersion(this.#dataVersion, nowMs, 0);
    if (changed.length > 0) for (const listener of this.#listeners) listener(changed);
    return { ok: true, changed };
  }

  /**
   * Calls `listener` with the changed keys after each update that changed a value, for keys
   * whose new value must be pushed somewhere at once (clockOffsetMs moves the broker clock).
   */
  onUpdate(listener: (changed: readonly string[]) => void): void {
    this.#listeners.push(listener);
  }
}

const liveConfigs = new WeakMap<BrokerContext, LiveConfig>();

/** The LiveConfig of a broker, created on first use. */
export function liveConfigFor(ctx: BrokerContext): LiveConfig {
  let live = liveConfigs.get(ctx);
  if (live === undefined) {
    live = new LiveConfig(ctx.config, ctx.now());
    liveConfigs.set(ctx, live);
  }
  return live;
}
