// Owns: every namesrv.conf key the NameServer reads, with RocketMQ's defaults.
// Counterpart: org.apache.rocketmq.common.namesrv.NamesrvConfig + NettyServerConfig.

import os from 'node:os';
import path from 'node:path';
import { ConfigRegistry, type ConfigOf, key } from '../common/config/config-registry.js';

export const namesrvConfigRegistry = new ConfigRegistry({
  listenPort: key({ kind: 'int', default: 9876, min: 0, max: 65535, description: 'TCP port of the remoting server (0 picks a free one)' }),
  bindAddress: key({ kind: 'string', default: '0.0.0.0', description: 'address the remoting server binds' }),
  rocketmqHome: key({ kind: 'string', default: '', description: 'ROCKETMQ_HOME; informational' }),
  kvConfigPath: key({
    kind: 'string',
    default: path.join(os.homedir(), 'namesrv', 'kvConfig.json'),
    description: 'file the KV config (PUT_KV_CONFIG) is persisted to',
  }),
  configStorePath: key({ kind: 'string', default: path.join(os.homedir(), 'namesrv', 'namesrv.properties'), description: 'where updateNamesrvConfig would persist', implemented: false }),
  orderMessageEnable: key({ kind: 'bool', default: false, description: 'add orderTopicConf from the ORDER_TOPIC_CONFIG namespace to route answers' }),
  scanNotActiveBrokerInterval: key({ kind: 'long', default: 10_000, min: 10, unit: 'ms', description: 'how often brokers are checked for silence' }),
  brokerChannelExpiredTime: key({
    kind: 'long',
    default: 120_000,
    min: 10,
    unit: 'ms',
    description: 'a broker not heard from this long is removed (rocketmq-ts key; Java fixes 120 s, 5.x brokers may send heartbeatTimeoutMillis)',
  }),
  serverChannelMaxIdleTimeSeconds: key({ kind: 'int', default: 120, min: 0, unit: 's', description: 'idle connections are closed after this long (0 never)' }),
  frameMaxLength: key({ kind: 'int', default: 16 * 1024 * 1024, min: 1024, unit: 'bytes', description: 'largest frame accepted (com.rocketmq.remoting.frameMaxLength)' }),
  clusterTest: key({ kind: 'bool', default: false, description: 'Java test-cluster routing', implemented: false }),
  productEnvName: key({ kind: 'string', default: 'center', description: 'Java environment name', implemented: false }),
  serverWorkerThreads: key({ kind: 'int', default: 8, description: 'Java worker threads; Node serves on one event loop', implemented: false }),
  serverCallbackExecutorThreads: key({ kind: 'int', default: 0, description: 'Java thread pool size', implemented: false }),
  serverSelectorThreads: key({ kind: 'int', default: 3, description: 'Java thread pool size', implemented: false }),
  serverOnewaySemaphoreValue: key({ kind: 'int', default: 256, description: 'Java one-way permits', implemented: false }),
  serverAsyncSemaphoreValue: key({ kind: 'int', default: 64, description: 'Java async permits', implemented: false }),
  defaultThreadPoolNums: key({ kind: 'int', default: 16, description: 'Java thread pool size', implemented: false }),
});

export type NamesrvConfig = ConfigOf<typeof namesrvConfigRegistry.spec>;
