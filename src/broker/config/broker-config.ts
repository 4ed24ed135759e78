// Owns: every broker.conf key the broker reads (BrokerConfig + NettyServerConfig), merged with the
// store's keys, with RocketMQ 4.9.8's defaults. An existing broker.conf works unchanged; keys we
// do not know are one warning each.
// Counterpart: org.apache.rocketmq.common.BrokerConfig, NettyServerConfig, MessageStoreConfig.

import os from 'node:os';
import { ConfigRegistry, type ConfigOf, key } from '../../common/config/config-registry.js';
import { storeConfigRegistry } from '../../store/store-config.js';
import { ROLL_WINDOW_SLOTS_MIN } from '../timer/timer-placement.js';

function localIp(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export const brokerOnlyKeys = {
  brokerClusterName: key({ kind: 'string', default: 'DefaultCluster', description: 'cluster this broker belongs to' }),
  brokerName: key({ kind: 'string', default: os.hostname(), defaultLabel: '(host name)', description: 'broker name (master and slaves share it)' }),
  brokerId: key({ kind: 'long', default: 0, min: 0, description: '0 for the master, >0 for slaves' }),
  brokerIP1: key({ kind: 'string', default: localIp(), defaultLabel: '(first non-internal IPv4 address)', description: 'address advertised to clients and written as store host' }),
  brokerIP2: key({ kind: 'string', default: '', description: 'HA address advertised to slaves (default brokerIP1)' }),
  listenPort: key({ kind: 'int', default: 10911, min: 3, max: 65535, description: 'remoting port, advertised to clients (so never 0); listenPort-2 is the fast channel, listenPort+1 HA' }),
  bindAddress: key({ kind: 'string', default: '0.0.0.0', description: 'address the remoting servers bind' }),
  namesrvAddr: key({ kind: 'string', default: '', description: 'NameServers, "host:port;host:port"' }),
  autoCreateTopicEnable: key({ kind: 'bool', default: true, description: 'create topics on first send from the TBW102 template', live: true }),
  autoCreateSubscriptionGroup: key({ kind: 'bool', default: true, description: 'create subscription groups on first use', live: true }),
  defaultTopicQueueNums: key({ kind: 'int', default: 8, min: 1, description: 'queues of an auto-created topic (capped by the client\'s request)' }),
  brokerPermission: key({ kind: 'int', default: 6, description: 'perm of this broker (6 = read and write)', live: true }),
  clusterTopicEnable: key({ kind: 'bool', default: true, description: 'create a topic named after the cluster' }),
  brokerTopicEnable: key({ kind: 'bool', default: true, description: 'create a topic named after the broker' }),
  registerNameServerPeriod: key({ kind: 'int', default: 30_000, min: 10, unit: 'ms', description: 'how often the broker registers with every NameServer' }),
  registerBrokerTimeoutMills: key({ kind: 'int', default: 6000, min: 1, unit: 'ms', description: 'timeout of one registration' }),
  longPollingEnable: key({ kind: 'bool', default: true, description: 'hold pulls that find nothing until a message arrives or they time out' }),
  shortPollingTimeMills: key({ kind: 'int', default: 1000, min: 0, unit: 'ms', description: 'with long polling off, how long an empty pull is held' }),
  notifyConsumerIdsChangedEnable: key({ kind: 'bool', default: true, description: 'tell a group\'s consumers when its membership changes' }),
  channelExpiredTimeout: key({ kind: 'int', default: 120_000, min: 10, unit: 'ms', description: 'clients silent this long are dropped' }),
  flushConsumerOffsetInterval: key({ kind: 'int', default: 5000, min: 10, unit: 'ms', description: 'how often consumer offsets are persisted' }),
  maxErrorRateOfBloomFilter: key({ kind: 'int', default: 20, description: 'SQL92 filter', implemented: false }),
  enablePropertyFilter: key({ kind: 'bool', default: false, description: 'SQL92 filtering', implemented: false }),
  sendMessageThreadPoolNums: key({ kind: 'int', default: 1, description: 'Java thread pool size', implemented: false }),
  pullMessageThreadPoolNums: key({ kind: 'int', default: 16, description: 'Java thread pool size', implemented: false }),
  sendThreadPoolQueueCapacity: key({ kind: 'int', default: 10_000, min: 1, description: 'sends accepted and not yet answered, at most (then SYSTEM_BUSY)' }),
  pullThreadPoolQueueCapacity: key({ kind: 'int', default: 100_000, min: 1, description: 'pulls accepted and not yet answered, at most' }),
  traceTopicEnable: key({ kind: 'bool', default: false, description: 'message trace topic', implemented: false }),
  aclEnable: key({ kind: 'bool', default: false, description: 'ACL', implemented: false }),
  serverChannelMaxIdleTimeSeconds: key({ kind: 'int', default: 120, min: 0, unit: 's', description: 'idle client connections are closed after this long' }),
  frameMaxLength: key({ kind: 'int', default: 16 * 1024 * 1024, min: 1024, unit: 'bytes', description: 'largest frame accepted' }),
  transactionTimeOut: key({ kind: 'long', default: 6000, min: 0, unit: 'ms', description: 'a half message younger than this is not checked yet (CHECK_IMMUNITY_TIME_IN_SECONDS overrides it per message)', live: true }),
  transactionCheckMax: key({ kind: 'int', default: 15, min: 1, description: 'CHECK_TRANSACTION_STATE sent per half message before it is discarded to TRANS_CHECK_MAX_TIME_TOPIC', live: true }),
  transactionCheckInterval: key({ kind: 'long', default: 60_000, min: 1, unit: 'ms', description: 'how often unresolved half messages are checked back with their producer group', live: true }),
  rejectTransactionMessage: key({ kind: 'bool', default: false, description: 'refuse transactional (TRAN_MSG) sends with NO_PERMISSION', live: true }),
  endTransactionPoolQueueCapacity: key({ kind: 'int', default: 100_000, min: 1, description: 'END_TRANSACTION requests accepted and not yet done, at most (then SYSTEM_BUSY)' }),
  haListenPort: key({ kind: 'int', default: 10912, description: 'HA port (listenPort+1 by default)', implemented: false }),
  flushDelayOffsetInterval: key({ kind: 'long', default: 10_000, min: 1, unit: 'ms', description: 'how often delay-level progress is written to config/delayOffset.json' }),
  // RocketMQ 5's timer messages (MessageStoreConfig's timer keys; see src/broker/timer/).
  timerWheelEnable: key({ kind: 'bool', default: true, description: 'deliver messages at the time TIMER_DELIVER_MS, TIMER_DELAY_SEC, TIMER_DELAY_MS or __STARTDELIVERTIME asks for; off: such sends are refused' }),
  timerPrecisionMs: key({ kind: 'int', default: 1000, min: 100, max: 1000, unit: 'ms', description: 'length of a timer wheel slot: a timer message is delivered less than this after its time' }),
  timerMaxDelaySec: key({ kind: 'int', default: 0, min: 0, unit: 's', description: 'timer messages due further ahead are refused; 0: no limit (rocketmq-ts; RocketMQ 5 defaults to 259200, 3 days)' }),
  timerRollWindowSlot: key({ kind: 'int', default: 2 * 24 * 3600, min: ROLL_WINDOW_SLOTS_MIN, max: 7 * 24 * 3600, description: 'slots ahead a message is linked into the wheel at most; one due later is parked again when that slot comes (a roll)' }),
  timerFlushIntervalMs: key({ kind: 'int', default: 1000, min: 10, unit: 'ms', description: 'how often the timer log, the wheel and the timer checkpoint are synced' }),
  mappedFileSizeTimerLog: key({ kind: 'int', default: 100 * 1024 * 1024, min: 64 * 1024, unit: 'bytes', description: 'size of one timer log file (a multiple of 64)' }),
  timerStopEnqueue: key({ kind: 'bool', default: false, live: true, description: 'pause moving parked timer messages into the wheel' }),
  timerStopDequeue: key({ kind: 'bool', default: false, live: true, description: 'pause delivering due timer messages' }),
  clockOffsetMs: key({
    kind: 'long',
    default: 0,
    unit: 'ms',
    live: true,
    description: 'rocketmq-ts, for tests that compress time: added to the broker clock (store times, delay levels, retries); a live change moves the clock at once',
  }),
};

export const brokerConfigRegistry = new ConfigRegistry({ ...storeConfigRegistry.spec, ...brokerOnlyKeys });

export type BrokerConfig = ConfigOf<typeof brokerConfigRegistry.spec>;

/** A full broker config from defaults and overrides (tests, embedding). */
export function brokerConfig(overrides: Partial<Record<keyof BrokerConfig, string | number | boolean>> = {}): BrokerConfig {
  const source = new Map(Object.entries(overrides).map(([k, v]) => [k, String(v)]));
  return brokerConfigRegistry.resolve([source]).config;
}
