// Owns: the NameServer's view of the cluster: which brokers exist, which topics they serve with
// how many queues, and when each broker was last heard from.
// Counterpart: org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager (4.9.8 semantics).
//
// A broker is identified by its address. Queue data comes only from masters (brokerId 0); a
// broker disappears when it unregisters, when its registering connection closes, or when it has
// been silent longer than its expiry. Its topics' queue data goes when no address of its
// brokerName is left.

import type { BrokerData, ClusterInfo, QueueData, TopicRouteData } from '../common/route-data.js';
import { type DataVersion, dataVersionEquals, PermName, type TopicConfigSerializeWrapper } from '../common/topic-config.js';

export const MASTER_ID = 0;

/** Whatever identifies the connection a broker registered on; compared by identity. */
export type ConnectionRef = object;

interface BrokerLiveInfo {
  lastUpdateTimestamp: number;
  expiryMs: number;
  dataVersion: DataVersion;
  connection: ConnectionRef | null;
  haServerAddr: string;
}

export interface RegisterBrokerInput {
  clusterName: string;
  brokerAddr: string;
  brokerName: string;
  brokerId: number;
  haServerAddr: string;
  topicConfigWrapper: TopicConfigSerializeWrapper | null;
  filterServerList: string[];
  connection: ConnectionRef | null;
  /** Overrides the table's default expiry for this broker (5.x heartbeatTimeoutMillis). */
  expiryMs?: number;
}

export interface RegisterBrokerResult {
  /** For a slave: its master's address and HA address, when the master is known. */
  masterAddr?: string;
  haServerAddr?: string;
}

export interface RemovedBroker {
  brokerAddr: string;
  connection: ConnectionRef | null;
}

export class RouteTable {
  /** topic → brokerName → queue data. */
  readonly #topicQueueTable = new Map<string, Map<string, QueueData>>();
  readonly #brokerAddrTable = new Map<string, BrokerData>();
  readonly #clusterAddrTable = new Map<string, Set<string>>();
  /** brokerAddr → liveness. */
  readonly #brokerLiveTable = new Map<string, BrokerLiveInfo>();
  readonly #filterServerTable = new Map<string, string[]>();
  readonly #now: () => number;
  readonly #expiryMs: number;

  constructor(options: { now: () => number; brokerExpiryMs: number }) {
    this.#now = options.now;
    this.#expiryMs = options.brokerExpiryMs;
  }

  registerBroker(input: RegisterBrokerInput): RegisterBrokerResult {
    const { clusterName, brokerAddr, brokerName, brokerId } = input;
    let names = this.#clusterAddrTable.get(clusterName);
    if (names === undefined) {
      names = new Set();
      this.#clusterAddrTable.set(clusterName, names);
    }
    names.add(brokerName);

    let brokerData = this.#brokerAddrTable.get(brokerName);
    if (brokerData === undefined) {
      brokerData = { cluster: clusterName, brokerName, brokerAddrs: new Map() };
      this.#brokerAddrTable.set(brokerName, brokerData);
    }
    // A slave promoted to master re-registers under id 0 with the same address: drop the old id.
    for (const [id, addr] of brokerData.brokerAddrs) {
      if (addr === brokerAddr && id !== brokerId) brokerData.brokerAddrs.delete(id);
    }
    const registerFirst = brokerData.brokerAddrs.get(brokerId) === undefined;
    brokerData.brokerAddrs.set(brokerId, brokerAddr);

    const wrapper = input.topicConfigWrapper;
    if (wrapper !== null && brokerId === MASTER_ID) {
      if (registerFirst || this.isBrokerTopicConfigChanged(brokerAddr, wrapper.dataVersion)) {
        for (const topicConfig of wrapper.topicConfigTable.values()) {
          this.#putQueueData(topicConfig.topicName, {
            brokerName,
            perm: topicConfig.perm,
            readQueueNums: topicConfig.readQueueNums,
            topicSysFlag: topicConfig.topicSysFlag,
            writeQueueNums: topicConfig.writeQueueNums,
          });
        }
      }
    }

    this.#brokerLiveTable.set(brokerAddr, {
      lastUpdateTimestamp: this.#now(),
      expiryMs: input.expiryMs ?? this.#expiryMs,
      dataVersion: wrapper?.dataVersion ?? { counter: 0, timestamp: 0 },
      connection: input.connection,
      haServerAddr: input.haServerAddr,
    });

    if (input.filterServerList.length === 0) this.#filterServerTable.delete(brokerAddr);
    else this.#filterServerTable.set(brokerAddr, [...input.filterServerList]);

    const result: RegisterBrokerResult = {};
    if (brokerId !== MASTER_ID) {
      const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
      if (masterAddr !== undefined) {
        const master = this.#brokerLiveTable.get(masterAddr);
        if (master !== undefined) {
          result.masterAddr = masterAddr;
          result.haServerAddr = master.haServerAddr;
        }
      }
    }
    return result;
  }

  #putQueueData(topic: string, queueData: QueueData): void {
    let byBroker = this.#topicQueueTable.get(topic);
    if (byBroker === undefined) {
      byBroker = new Map();
      this.#topicQueueTable.set(topic, byBroker);
    }
    byBroker.set(queueData.brokerName, queueData);
  }

  /** True when the broker is unknown or its topic-config version differs from `dataVersion`. */
  isBrokerTopicConfigChanged(brokerAddr: string, dataVersion: DataVersion): boolean {
    const live = this.#brokerLiveTable.get(brokerAddr);
    return live === undefined || !dataVersionEquals(live.dataVersion, dataVersion);
  }

  /** The topic-config version last registered by `brokerAddr`. */
  brokerDataVersion(brokerAddr: string): DataVersion | undefined {
    return this.#brokerLiveTable.get(brokerAddr)?.dataVersion;
  }

  /** Marks a broker as heard from (QUERY_DATA_VERSION, BROKER_HEARTBEAT). */
  touchBroker(brokerAddr: string, expiryMs?: number): boolean {
    const live = this.#brokerLiveTable.get(brokerAddr);
    if (live === undefined) return false;
    live.lastUpdateTimestamp = this.#now();
    if (expiryMs !== undefined) live.expiryMs = expiryMs;
    return true;
  }

  unregisterBroker(clusterName: string, brokerAddr: string, brokerName: string, brokerId: number): void {
    this.#brokerLiveTable.delete(brokerAddr);
    this.#filterServerTable.delete(brokerAddr);
    const brokerData = this.#brokerAddrTable.get(brokerName);
    if (brokerData === undefined) return;
    if (brokerData.brokerAddrs.get(brokerId) === brokerAddr) brokerData.brokerAddrs.delete(brokerId);
    if (brokerData.brokerAddrs.size > 0) return;
    this.#brokerAddrTable.delete(brokerName);
    const names = this.#clusterAddrTable.get(clusterName);
    if (names !== undefined) {
      names.delete(brokerName);
      if (names.size === 0) this.#clusterAddrTable.delete(clusterName);
    }
    this.#removeTopicsOfBroker(brokerName);
  }

  /** Forgets every broker that registered on `connection` (it closed). */
  onConnectionClose(connection: ConnectionRef): string[] {
    const removed: string[] = [];
    for (const [brokerAddr, live] of this.#brokerLiveTable) {
      if (live.connection === connection) {
        this.#removeBrokerAddr(brokerAddr);
        removed.push(brokerAddr);
      }
    }
    return removed;
  }

  /** Removes brokers silent longer than their expiry; returns them so their connections can be closed. */
  scanNotActiveBroker(): RemovedBroker[] {
    const now = this.#now();
    const removed: RemovedBroker[] = [];
    for (const [brokerAddr, live] of this.#brokerLiveTable) {
      if (live.lastUpdateTimestamp + live.expiryMs < now) {
        this.#removeBrokerAddr(brokerAddr);
        removed.push({ brokerAddr, connection: live.connection });
      }
    }
    return removed;
  }

  #removeBrokerAddr(brokerAddr: string): void {
    this.#brokerLiveTable.delete(brokerAddr);
    this.#filterServerTable.delete(brokerAddr);
    for (const [brokerName, brokerData] of this.#brokerAddrTable) {
      for (const [id, addr] of brokerData.brokerAddrs) {
        if (addr === brokerAddr) brokerData.brokerAddrs.delete(id);
      }
      if (brokerData.brokerAddrs.size > 0) continue;
      this.#brokerAddrTable.delete(brokerName);
      for (const [cluster, names] of this.#clusterAddrTable) {
        if (names.delete(brokerName) && names.size === 0) this.#clusterAddrTable.delete(cluster);
      }
      this.#removeTopicsOfBroker(brokerName);
    }
  }

  #removeTopicsOfBroker(brokerName: string): void {
    for (const [topic, byBroker] of this.#topicQueueTable) {
      if (byBroker.delete(brokerName) && byBroker.size === 0) this.#topicQueueTable.delete(topic);
    }
  }

  /** The route of `topic`, or null when no live broker serves it. */
  pickupTopicRouteData(topic: string): TopicRouteData | null {
    const byBroker = this.#topicQueueTable.get(topic);
    if (byBroker === undefined || byBroker.size === 0) return null;
    const brokerDatas: BrokerData[] = [];
    const filterServerTable = new Map<string, string[]>();
    for (const brokerName of byBroker.keys()) {
      const brokerData = this.#brokerAddrTable.get(brokerName);
      if (brokerData === undefined) continue;
      brokerDatas.push({ cluster: brokerData.cluster, brokerName, brokerAddrs: new Map(brokerData.brokerAddrs) });
      for (const addr of brokerData.brokerAddrs.values()) {
        const filters = this.#filterServerTable.get(addr);
        if (filters !== undefined) filterServerTable.set(addr, [...filters]);
      }
    }
    if (brokerDatas.length === 0) return null;
    return { brokerDatas, filterServerTable, queueDatas: [...byBroker.values()].map((q) => ({ ...q })) };
  }

  clusterInfo(): ClusterInfo {
    const brokerAddrTable = new Map<string, BrokerData>();
    for (const [name, data] of this.#brokerAddrTable) {
      brokerAddrTable.set(name, { cluster: data.cluster, brokerName: name, brokerAddrs: new Map(data.brokerAddrs) });
    }
    const clusterAddrTable = new Map<string, Set<string>>();
    for (const [cluster, names] of this.#clusterAddrTable) clusterAddrTable.set(cluster, new Set(names));
    return { brokerAddrTable, clusterAddrTable };
  }

  allTopics(): Set<string> {
    return new Set(this.#topicQueueTable.keys());
  }

  topicsByCluster(cluster: string): Set<string> {
    const names = this.#clusterAddrTable.get(cluster);
    const topics = new Set<string>();
    if (names === undefined) return topics;
    for (const [topic, byBroker] of this.#topicQueueTable) {
      for (const brokerName of byBroker.keys()) {
        if (names.has(brokerName)) {
          topics.add(topic);
          break;
        }
      }
    }
    return topics;
  }

  /** Removes a topic everywhere, or only from the brokers of `clusterName` when given. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (clusterName === undefined) {
      this.#topicQueueTable.delete(topic);
      return;
    }
    const byBroker = this.#topicQueueTable.get(topic);
    const names = this.#clusterAddrTable.get(clusterName);
    if (byBroker === undefined || names === undefined) return;
    for (const brokerName of names) byBroker.delete(brokerName);
    if (byBroker.size === 0) this.#topicQueueTable.delete(topic);
  }

  /** Takes write permission away from every queue of `brokerName`; returns how many topics changed. */
  wipeWritePermOfBroker(brokerName: string): number {
    return this.#updatePerm(brokerName, (perm) => perm & ~PermName.PERM_WRITE);
  }

  /** Gives read and write permission back to every queue of `brokerName`. */
  addWritePermOfBroker(brokerName: string): number {
    return this.#updatePerm(brokerName, () => PermName.PERM_READ | PermName.PERM_WRITE);
  }

  #updatePerm(brokerName: string, update: (perm: number) => number): number {
    let count = 0;
    for (const byBroker of this.#topicQueueTable.values()) {
      const queueData = byBroker.get(brokerName);
      if (queueData === undefined) continue;
      queueData.perm = update(queueData.perm);
      count++;
    }
    return count;
  }
}
