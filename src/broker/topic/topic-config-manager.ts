// Owns: the broker's topics: their queue counts and permissions, the system topics, auto-creation
// on first send (from the TBW102 template) and for retry topics, and config/topics.json.
// Counterpart: org.apache.rocketmq.broker.topic.TopicConfigManager (4.9.8).

import path from 'node:path';
import type { Logger } from 'pino';
import {
  createTopicConfig,
  type DataVersion,
  decodeTopicConfigWrapper,
  encodeTopicConfigWrapper,
  isInherited,
  nextDataVersion,
  PermName,
  type TopicConfig,
  type TopicConfigSerializeWrapper,
} from '../../common/topic-config.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { JsonConfigFile } from '../json-config-file.js';

export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
export const SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const BENCHMARK_TOPIC = 'BenchmarkTest';
export const OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
const SCHEDULE_QUEUE_NUMS = 18;

/** Topic names RocketMQ accepts: letters, digits, %, -, _, |; at most 127 characters. */
const TOPIC_NAME = /^[%|a-zA-Z0-9_-]+$/;
export const TOPIC_NAME_BYTES_MAX = 127;

/** Why a topic name is refused, or undefined when it is fine (Java TopicValidator). */
export function validateTopicName(topic: string): string | undefined {
  if (topic.length === 0) return 'The specified topic is blank.';
  if (!TOPIC_NAME.test(topic)) return `The specified topic[${topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (topic.length > TOPIC_NAME_BYTES_MAX) return 'The specified topic is longer than topic max length 127.';
  return undefined;
}

export function isSystemTopic(topic: string): boolean {
  return (
    topic === AUTO_CREATE_TOPIC_KEY_TOPIC ||
    topic === SCHEDULE_TOPIC ||
    topic === RMQ_SYS_TRANS_HALF_TOPIC ||
    topic === RMQ_SYS_TRANS_OP_HALF_TOPIC ||
    topic === 'TRANS_CHECK_MAX_TIME_TOPIC' ||
    topic === SELF_TEST_TOPIC ||
    topic === OFFSET_MOVED_EVENT ||
    topic === BENCHMARK_TOPIC ||
    topic.startsWith('rmq_sys_')
  );
}

export class TopicConfigManager {
  readonly #config: BrokerConfig;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #file: JsonConfigFile;
  readonly #table = new Map<string, TopicConfig>();
  #dataVersion: DataVersion;
  /** Called when topics change, so the NameServers learn at once. */
  onChange: () => void = () => undefined;

  readonly #autoCreateTopicEnable: () => boolean;

  constructor(options: { configDir: string; config: BrokerConfig; now: () => number; logger: Logger; autoCreateTopicEnable?: () => boolean }) {
    this.#config = options.config;
    this.#autoCreateTopicEnable = options.autoCreateTopicEnable ?? (() => options.config.autoCreateTopicEnable);
    this.#now = options.now;
    this.#logger = options.logger;
    this.#file = new JsonConfigFile(path.join(options.configDir, 'topics.json'));
    this.#dataVersion = { counter: 0, timestamp: this.#now() };
    this.#createSystemTopics();
  }

  #createSystemTopics(): void {
    const c = this.#config;
    const put = (topic: string, fields: Partial<Omit<TopicConfig, 'topicName'>>): void => {
      this.#table.set(topic, createTopicConfig(topic, fields));
    };
    put(SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 });
    if (c.autoCreateTopicEnable) {
      put(AUTO_CREATE_TOPIC_KEY_TOPIC, {
        readQueueNums: c.defaultTopicQueueNums,
        writeQueueNums: c.defaultTopicQueueNums,
        perm: PermName.PERM_INHERIT | PermName.PERM_READ | PermName.PERM_WRITE,
      });
    }
    put(BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 });
    if (c.clusterTopicEnable) put(c.brokerClusterName, { perm: c.brokerPermission | PermName.PERM_INHERIT });
    if (c.brokerTopicEnable) put(c.brokerName, { readQueueNums: 1, writeQueueNums: 1, perm: c.brokerPermission | PermName.PERM_INHERIT });
    put(OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 });
    put(SCHEDULE_TOPIC, { readQueueNums: SCHEDULE_QUEUE_NUMS, writeQueueNums: SCHEDULE_QUEUE_NUMS });
    put(`${c.brokerClusterName}_REPLY_TOPIC`, { readQueueNums: 1, writeQueueNums: 1 });
  }

  /** Reads topics.json (or its .bak); topics there add to and override the system ones. */
  load(): void {
    const text = this.#file.read();
    if (text === undefined) return;
    const wrapper = decodeTopicConfigWrapper(text);
    for (const [topic, config] of wrapper.topicConfigTable) this.#table.set(topic, config);
    this.#dataVersion = wrapper.dataVersion;
  }

  persist(): void {
    this.#file.write(encodeTopicConfigWrapper(this.serializeWrapper()));
  }

  get dataVersion(): DataVersion {
    return this.#dataVersion;
  }

  get(topic: string): TopicConfig | undefined {
    return this.#table.get(topic);
  }

  all(): ReadonlyMap<string, TopicConfig> {
    return this.#table;
  }

  serializeWrapper(): TopicConfigSerializeWrapper {
    return { topicConfigTable: new Map(this.#table), dataVersion: { ...this.#dataVersion } };
  }

  /** Creates or replaces a topic's config (UPDATE_AND_CREATE_TOPIC). */
  upsert(config: TopicConfig): void {
    const old = this.#table.get(config.topicName);
    this.#table.set(config.topicName, config);
    this.#changed(old === undefined ? 'topic created' : 'topic updated', config);
  }

  delete(topic: string): boolean {
    const old = this.#table.get(topic);
    if (old === undefined) return false;
    this.#table.delete(topic);
    this.#changed('topic deleted', old);
    return true;
  }

  /**
   * The config of `topic`, auto-creating it on first send from `defaultTopic` (normally TBW102)
   * when that template is inheritable: min(client's queue count, template's write queues) queues,
   * the template's permission less INHERIT. Undefined when the topic cannot be created.
   */
  createTopicInSendMessageMethod(topic: string, defaultTopic: string, clientDefaultTopicQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.#table.get(topic);
    if (existing !== undefined) return existing;
    const template = this.#table.get(defaultTopic);
    if (template === undefined || (defaultTopic === AUTO_CREATE_TOPIC_KEY_TOPIC && !this.#autoCreateTopicEnable())) {
      this.#logger.warn({ topic, defaultTopic }, 'no template to auto-create the topic from');
      return undefined;
    }
    if (!isInherited(template.perm)) {
      this.#logger.warn({ topic, defaultTopic, perm: template.perm }, 'the template topic does not allow inheritance');
      return undefined;
    }
    const queueNums = Math.max(0, Math.min(clientDefaultTopicQueueNums, template.writeQueueNums));
    const config = createTopicConfig(topic, {
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm: template.perm & ~PermName.PERM_INHERIT,
      topicSysFlag,
      topicFilterType: template.topicFilterType,
    });
    this.#table.set(topic, config);
    this.#changed('topic auto-created', config);
    return config;
  }

  /** The config of a retry (or other internal) topic, created when missing. */
  createTopicInSendMessageBackMethod(topic: string, queueNums: number, perm: number, topicSysFlag: number): TopicConfig {
    const existing = this.#table.get(topic);
    if (existing !== undefined) return existing;
    const config = createTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
    this.#table.set(topic, config);
    this.#changed('topic created', config);
    return config;
  }

  #changed(what: string, config: TopicConfig): void {
    this.#dataVersion = nextDataVersion(this.#dataVersion, this.#now());
    this.#logger.info({ topic: config.topicName, readQueueNums: config.readQueueNums, writeQueueNums: config.writeQueueNums, perm: config.perm }, what);
    this.persist();
    this.onChange();
  }
}
