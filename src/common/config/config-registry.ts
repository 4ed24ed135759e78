// Owns: the typed registry of configuration keys each process declares: kind, RocketMQ's default,
// bounds, unit, description, whether it may change live, whether we act on it; and resolving the
// layered sources (defaults, then the -c file, then command-line options) into a frozen object.
// Counterpart: the config beans (BrokerConfig, NamesrvConfig, NettyServerConfig, MessageStoreConfig)
// filled by MixAll.properties2Object.

import { ConfigError } from '../mq-error.js';

export type ConfigKind = 'int' | 'long' | 'bool' | 'string';
interface KindType {
  int: number;
  long: number;
  bool: boolean;
  string: string;
}

export interface ConfigKey<K extends ConfigKind = ConfigKind> {
  kind: K;
  default: KindType[K];
  description: string;
  min?: number;
  max?: number;
  unit?: string;
  /** Allowed values of a string key. */
  values?: readonly string[];
  /** Older spellings read as this key. */
  aliases?: readonly string[];
  /** May change at run time (updateBrokerConfig / updateNamesrvConfig). */
  live?: boolean;
  /** False: RocketMQ has the key and we accept it, but nothing acts on it yet. */
  implemented?: boolean;
  /** Never printed (passwords, secrets). */
  secret?: boolean;
  /** How the docs show a default computed from the machine (host name, address). */
  defaultLabel?: string;
}

export type ConfigSpec = Record<string, ConfigKey>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: KindType[S[K]['kind']] };

export interface ResolveResult<S extends ConfigSpec> {
  config: ConfigOf<S>;
  /** Keys that no entry of the registry knows: one warning each, as real files carry such keys. */
  unknownKeys: string[];
  /** Keys the registry knows and we do not act on yet. */
  unimplementedKeys: string[];
}

export function key<K extends ConfigKind>(spec: ConfigKey<K>): ConfigKey<K> {
  return spec;
}

export class ConfigRegistry<S extends ConfigSpec> {
  readonly spec: S;
  readonly #byName = new Map<string, string>();

  constructor(spec: S) {
    this.spec = spec;
    for (const [name, k] of Object.entries(spec)) {
      this.#byName.set(name, name);
      for (const alias of k.aliases ?? []) this.#byName.set(alias, name);
    }
  }

  /** The registry name for `name` (itself or what it is an alias of), or undefined. */
  canonical(name: string): string | undefined {
    return this.#byName.get(name);
  }

  /** Layers string sources over the defaults, later sources winning; throws ConfigError on a bad value. */
  resolve(sources: ReadonlyArray<ReadonlyMap<string, string>>): ResolveResult<S> {
    const values: Record<string, unknown> = {};
    for (const [name, k] of Object.entries(this.spec)) values[name] = k.default;
    const unknownKeys = new Set<string>();
    const unimplementedKeys = new Set<string>();
    for (const source of sources) {
      for (const [rawName, raw] of source) {
        const name = this.canonical(rawName);
        if (name === undefined) {
          unknownKeys.add(rawName);
          continue;
        }
        const k = this.spec[name]!;
        values[name] = parseConfigValue(name, k, raw);
        if (k.implemented === false) unimplementedKeys.add(name);
      }
    }
    return { config: Object.freeze(values) as ConfigOf<S>, unknownKeys: [...unknownKeys], unimplementedKeys: [...unimplementedKeys] };
  }

  /** The effective values for printing, secrets redacted. */
  printable(config: ConfigOf<S>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, k] of Object.entries(this.spec)) out[name] = k.secret ? '***' : config[name];
    return out;
  }
}

export function parseConfigValue(name: string, k: ConfigKey, raw: string): string | number | boolean {
  const text = raw.trim();
  switch (k.kind) {
    case 'bool':
      if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      throw new ConfigError(`config ${name}=${raw}: expected true or false`);
    case 'int':
    case 'long': {
      const n = Number(text);
      if (text === '' || !Number.isSafeInteger(n)) throw new ConfigError(`config ${name}=${raw}: expected an integer`);
      if (k.kind === 'int' && (n < -0x80000000 || n > 0x7fffffff)) throw new ConfigError(`config ${name}=${raw}: out of the int range`);
      if (k.min !== undefined && n < k.min) throw new ConfigError(`config ${name}=${raw}: expected at least ${k.min}${k.unit ? ' ' + k.unit : ''}`);
      if (k.max !== undefined && n > k.max) throw new ConfigError(`config ${name}=${raw}: expected at most ${k.max}${k.unit ? ' ' + k.unit : ''}`);
      return n;
    }
    case 'string':
      if (k.values !== undefined && !k.values.includes(text)) {
        throw new ConfigError(`config ${name}=${raw}: expected one of ${k.values.join(', ')}`);
      }
      return text;
  }
}
