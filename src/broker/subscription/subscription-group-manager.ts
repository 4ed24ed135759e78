// Owns: the broker's subscription groups (consumer-group settings: may it consume, its retry
// queues and retry count, whether its consumers hear about membership changes), the system
// groups every broker has, auto-creation on first use, and config/subscriptionGroup.json.
// Counterpart: org.apache.rocketmq.broker.subscription.SubscriptionGroupManager and
// org.apache.rocketmq.common.subscription.SubscriptionGroupConfig (4.9.8).
//
// File format, as Java writes it (fastjson; bean keys alphabetical, the table in map order):
//   {"dataVersion":{"counter":1,"timestamp":1795237861003},
//    "subscriptionGroupTable":{"TOOLS_CONSUMER":{"brokerId":0,"consumeBroadcastEnable":true,
//      "consumeEnable":true,"consumeFromMinEnable":true,"groupName":"TOOLS_CONSUMER",
//      "notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,"retryQueueNums":1,
//      "whichBrokerWhenConsumeSlowly":1}, ...}}
// Java writes it pretty-printed; readers take either, so we write it compact.

import path from 'node:path';
import pino, { type Logger } from 'pino';
import {
  expectBoolean,
  expectInteger,
  expectObject,
  expectString,
  type JsonObject,
  parseFastJson,
  toFastJson,
} from '../../common/fastjson.js';
import { type DataVersion, nextDataVersion, readDataVersion } from '../../common/topic-config.js';
import { JsonConfigFile } from '../json-config-file.js';
import { type SubscriptionGroupConfig as CommonSubscriptionGroupConfig, SUBSCRIPTION_GROUP_DEFAULTS, subscriptionGroupConfigFields } from '../../common/subscription-group-config.js';

export const SUBSCRIPTION_GROUP_FILE = 'subscriptionGroup.json';

// Group names from Java's MixAll.
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
export const FILTERSRV_CONSUMER_GROUP = 'FILTERSRV_CONSUMER';
export const SELF_TEST_CONSUMER_GROUP = 'SELF_TEST_C_GROUP';
export const ONS_HTTP_PROXY_GROUP = 'CID_ONS-HTTP-PROXY';
export const CID_ONSAPI_PULL_GROUP = 'CID_ONSAPI_PULL';
export const CID_ONSAPI_PERMISSION_GROUP = 'CID_ONSAPI_PERMISSION';
export const CID_ONSAPI_OWNER_GROUP = 'CID_ONSAPI_OWNER';
/** Groups named with this prefix are the broker's own and are created even without auto-create. */
export const CID_RMQ_SYS_PREFIX = 'CID_RMQ_SYS_';

export function isSysConsumerGroup(group: string): boolean {
  return group.startsWith(CID_RMQ_SYS_PREFIX);
}

/** The 4.9.8 fields, plus what a 5.x file carries that we keep as read. */
export interface SubscriptionGroupConfig extends CommonSubscriptionGroupConfig {
  /**
   * Properties only 5.x has (consumeMessageOrderly, groupRetryPolicy, groupSysFlag,
   * consumeTimeoutMinute, attributes...), kept as read and written back unchanged.
   */
  extras?: Record<string, unknown>;
}

export function createSubscriptionGroupConfig(
  groupName: string,
  fields: Partial<Omit<SubscriptionGroupConfig, 'groupName'>> = {},
): SubscriptionGroupConfig {
  return { groupName, ...SUBSCRIPTION_GROUP_DEFAULTS, ...fields };
}

const KNOWN_KEYS: ReadonlySet<string> = new Set(['groupName', ...Object.keys(SUBSCRIPTION_GROUP_DEFAULTS)]);

/**
 * Reads a SubscriptionGroupConfig bean (the file's table values, and the body of
 * UPDATE_AND_CREATE_SUBSCRIPTIONGROUP). As fastjson filling a Java bean, an absent property keeps
 * its default; a present one must have the right type. Unknown properties go to `extras`.
 */
export function readSubscriptionGroupConfig(value: unknown, field: string): SubscriptionGroupConfig {
  const o = expectObject(value, field);
  const has = (key: string): boolean => o[key] !== undefined && o[key] !== null;
  const config = createSubscriptionGroupConfig(expectString(o['groupName'], `${field}.groupName`));
  const bool = (key: 'consumeEnable' | 'consumeFromMinEnable' | 'consumeBroadcastEnable' | 'notifyConsumerIdsChangedEnable'): void => {
    if (has(key)) config[key] = expectBoolean(o[key], `${field}.${key}`);
  };
  const int = (key: 'retryQueueNums' | 'retryMaxTimes' | 'brokerId' | 'whichBrokerWhenConsumeSlowly'): void => {
    if (has(key)) config[key] = expectInteger(o[key], `${field}.${key}`);
  };
  bool('consumeEnable');
  bool('consumeFromMinEnable');
  bool('consumeBroadcastEnable');
  bool('notifyConsumerIdsChangedEnable');
  int('retryQueueNums');
  int('retryMaxTimes');
  int('brokerId');
  int('whichBrokerWhenConsumeSlowly');
  const extras: Record<string, unknown> = {};
  let hasExtras = false;
  for (const [key, item] of Object.entries(o)) {
    if (KNOWN_KEYS.has(key) || item === null || item === undefined) continue;
    extras[key] = item;
    hasExtras = true;
  }
  if (hasExtras) config.extras = extras;
  return config;
}

/** The bean fastjson writes for a config: every property, keys in alphabetical order. */
export function subscriptionGroupConfigBean(config: SubscriptionGroupConfig): JsonObject {
  const bean: JsonObject = { ...config.extras, ...subscriptionGroupConfigFields(config) };
  const sorted: JsonObject = {};
  for (const key of Object.keys(bean).sort()) sorted[key] = bean[key];
  return sorted;
}

export interface SubscriptionGroupWrapper {
  subscriptionGroupTable: Map<string, SubscriptionGroupConfig>;
  dataVersion: DataVersion;
}

/** Writes the file body, which is also the GET_ALL_SUBSCRIPTIONGROUP_CONFIG response body. */
export function encodeSubscriptionGroupWrapper(wrapper: SubscriptionGroupWrapper): string {
  const table = new Map<string, JsonObject>();
  for (const [group, config] of wrapper.subscriptionGroupTable) table.set(group, subscriptionGroupConfigBean(config));
  const dataVersion = { counter: wrapper.dataVersion.counter, stateVersion: wrapper.dataVersion.stateVersion, timestamp: wrapper.dataVersion.timestamp };
  return toFastJson({ dataVersion, subscriptionGroupTable: table });
}

export function decodeSubscriptionGroupWrapper(text: string): SubscriptionGroupWrapper {
  const o = expectObject(parseFastJson(text), 'SubscriptionGroupWrapper');
  const subscriptionGroupTable = new Map<string, SubscriptionGroupConfig>();
  if (o['subscriptionGroupTable'] !== undefined && o['subscriptionGroupTable'] !== null) {
    for (const [group, value] of Object.entries(expectObject(o['subscriptionGroupTable'], 'subscriptionGroupTable'))) {
      subscriptionGroupTable.set(group, readSubscriptionGroupConfig(value, `subscriptionGroupTable.${group}`));
    }
  }
  const dataVersion =
    o['dataVersion'] === undefined || o['dataVersion'] === null ? { counter: 0, timestamp: 0 } : readDataVersion(o['dataVersion'], 'dataVersion');
  return { subscriptionGroupTable, dataVersion };
}

export interface SubscriptionGroupManagerOptions {
  /** Directory of the broker's JSON config files (`<storePathRootDir>/config`). */
  configDir: string;
  /** broker.conf autoCreateSubscriptionGroup, read at each lookup (it may change live). */
  autoCreate: () => boolean;
  now?: () => number;
  logger?: Logger;
}

export class SubscriptionGroupManager {
  readonly #file: JsonConfigFile;
  readonly #autoCreate: () => boolean;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #table = new Map<string, SubscriptionGroupConfig>();
  #dataVersion: DataVersion;

  constructor(options: SubscriptionGroupManagerOptions) {
    this.#file = new JsonConfigFile(path.join(options.configDir, SUBSCRIPTION_GROUP_FILE));
    this.#autoCreate = options.autoCreate;
    this.#now = options.now ?? Date.now;
    this.#logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'broker.subscription' });
    this.#dataVersion = { counter: 0, timestamp: this.#now() };
    this.#createSystemGroups();
  }

  /** The groups Java's SubscriptionGroupManager.init() creates; in memory until something persists. */
  #createSystemGroups(): void {
    for (const group of [TOOLS_CONSUMER_GROUP, FILTERSRV_CONSUMER_GROUP, SELF_TEST_CONSUMER_GROUP]) {
      this.#table.set(group, createSubscriptionGroupConfig(group));
    }
    // Java sets consumeBroadcastEnable on these explicitly, to the value it has anyway.
    for (const group of [ONS_HTTP_PROXY_GROUP, CID_ONSAPI_PULL_GROUP, CID_ONSAPI_PERMISSION_GROUP, CID_ONSAPI_OWNER_GROUP]) {
      this.#table.set(group, createSubscriptionGroupConfig(group, { consumeBroadcastEnable: true }));
    }
  }

  /**
   * Reads subscriptionGroup.json; groups there add to and replace the system ones. As Java's
   * ConfigManager, a file that is missing, empty or unreadable gives way to its .bak; when both
   * fail to parse, loading fails (Java's broker then refuses to start).
   */
  load(): void {
    let wrapper: SubscriptionGroupWrapper | undefined;
    const text = this.#file.read();
    if (text === undefined) return;
    try {
      wrapper = decodeSubscriptionGroupWrapper(text);
    } catch (err) {
      this.#logger.warn({ err, file: this.#file.filePath }, 'subscription group file unreadable, trying its backup');
      const backup = new JsonConfigFile(`${this.#file.filePath}.bak`).read();
      if (backup === undefined) throw new Error(`cannot read ${this.#file.filePath} and it has no backup`, { cause: err });
      wrapper = decodeSubscriptionGroupWrapper(backup);
    }
    for (const [group, config] of wrapper.subscriptionGroupTable) this.#table.set(group, config);
    this.#dataVersion = wrapper.dataVersion;
  }

  persist(): void {
    this.#file.write(this.encodeAll());
  }

  get dataVersion(): DataVersion {
    return this.#dataVersion;
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.#table.get(group);
  }

  all(): ReadonlyMap<string, SubscriptionGroupConfig> {
    return this.#table;
  }

  /**
   * The group's config, created with the defaults when it is missing and auto-creation is on
   * (or the group is one of the broker's own, CID_RMQ_SYS_*); undefined otherwise.
   */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.#table.get(group);
    if (existing !== undefined) return existing;
    if (!this.#autoCreate() && !isSysConsumerGroup(group)) return undefined;
    const config = createSubscriptionGroupConfig(group);
    this.#table.set(group, config);
    this.#changed('subscription group auto-created', group);
    return config;
  }

  /** Creates or replaces a group's config (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP). */
  upsert(config: SubscriptionGroupConfig): void {
    const old = this.#table.get(config.groupName);
    this.#table.set(config.groupName, config);
    this.#changed(old === undefined ? 'subscription group created' : 'subscription group updated', config.groupName);
  }

  /** Removes a group's config; false when there was none. */
  delete(group: string): boolean {
    if (!this.#table.delete(group)) {
      this.#logger.warn({ group }, 'no such subscription group to delete');
      return false;
    }
    this.#changed('subscription group deleted', group);
    return true;
  }

  /** {"dataVersion":...,"subscriptionGroupTable":...}: the file, and GET_ALL_SUBSCRIPTIONGROUP_CONFIG's body. */
  encodeAll(): string {
    return encodeSubscriptionGroupWrapper({ subscriptionGroupTable: this.#table, dataVersion: this.#dataVersion });
  }

  #changed(what: string, group: string): void {
    this.#dataVersion = nextDataVersion(this.#dataVersion, this.#now());
    this.#logger.info({ group }, what);
    this.persist();
  }
}
