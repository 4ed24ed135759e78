// Owns: the queue allocation strategies of a clustering consumer group: which of a topic's queues
// this client takes, given every live client id of the group. Every client of the group computes
// the same answer from the same sorted inputs, so no coordination is needed.
// Counterpart: org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely,
// AllocateMessageQueueAveragelyByCircle, AllocateMessageQueueConsistentHash,
// AllocateMessageQueueByConfig (4.9.8).

import { createHash } from 'node:crypto';
import type { MessageQueue } from '../message.js';

export interface AllocateStrategy {
  readonly name: string;
  /** `mqAll` and `cidAll` sorted; returns the queues `currentCid` owns. */
  allocate(group: string, currentCid: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];
}

/** Contiguous blocks: the first `mq % cid` clients get one queue more. */
export const allocateAveragely: AllocateStrategy = {
  name: 'AVG',
  allocate(_group, currentCid, mqAll, cidAll) {
    const index = cidAll.indexOf(currentCid);
    if (index < 0 || mqAll.length === 0) return [];
    const mod = mqAll.length % cidAll.length;
    const averageSize = mqAll.length <= cidAll.length ? 1 : mod > 0 && index < mod ? Math.floor(mqAll.length / cidAll.length) + 1 : Math.floor(mqAll.length / cidAll.length);
    const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, mqAll.length - startIndex);
    const out: MessageQueue[] = [];
    for (let i = 0; i < range; i++) out.push(mqAll[(startIndex + i) % mqAll.length]!);
    return out;
  },
};

/** Round robin: queue i goes to client i % n. */
export const allocateAveragelyByCircle: AllocateStrategy = {
  name: 'AVG_BY_CIRCLE',
  allocate(_group, currentCid, mqAll, cidAll) {
    const index = cidAll.indexOf(currentCid);
    if (index < 0) return [];
    return mqAll.filter((_mq, i) => i % cidAll.length === index);
  },
};

/** A fixed list of queues, whatever the group looks like. */
export function allocateByConfig(queues: readonly MessageQueue[]): AllocateStrategy {
  return { name: 'CONFIG', allocate: () => [...queues] };
}

/** Java's ConsistentHashRouter default hash: the first 4 bytes of the key's MD5, big-endian, unsigned. */
function md5Hash(key: string): number {
  return createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);
}

/** Compat: the ring keys are Java's MessageQueue.toString() and `clientId-index`, so a group mixing our and Java clients agrees. */
function javaQueueText(mq: MessageQueue): string {
  return `MessageQueue [topic=${mq.topic}, brokerName=${mq.brokerName}, queueId=${mq.queueId}]`;
}

/**
 * A hash ring with `virtualNodeCnt` points per client (10 by default); each queue goes to the first
 * point at or after its hash, wrapping around. Few queues move when a client joins or leaves.
 */
export function allocateConsistentHash(virtualNodeCnt = 10): AllocateStrategy {
  return {
    name: 'CONSISTENT_HASH',
    allocate(_group, currentCid, mqAll, cidAll) {
      if (!cidAll.includes(currentCid)) return [];
      const ring: Array<{ hash: number; cid: string }> = [];
      for (const cid of cidAll) for (let i = 0; i < virtualNodeCnt; i++) ring.push({ hash: md5Hash(`${cid}-${i}`), cid });
      ring.sort((a, b) => a.hash - b.hash);
      return mqAll.filter((mq) => {
        const h = md5Hash(javaQueueText(mq));
        const node = ring.find((n) => n.hash >= h) ?? ring[0];
        return node?.cid === currentCid;
      });
    },
  };
}
