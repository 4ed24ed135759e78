// Drives the unmodified ali-ons 3.12 client (a RocketMQ 4.x Node client) from tests.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any -- ali-ons ships no types */
export const ons = require('ali-ons') as { Producer: any; Consumer: any; Message: any };

/** ali-ons insists on an httpclient even when nameSrv is given; it is not called then. */
export const httpclient = { request: async () => ({ status: 200, data: '' }) };

let instance = 0;

/** Every ali-ons client gets its own instance name: its client singletons are keyed by it. */
export function instanceName(prefix: string): string {
  return `${prefix}-${process.pid}-${++instance}`;
}

export interface ReceivedMessage {
  msgId: string;
  topic: string;
  tags: string;
  /** On received messages ali-ons gives KEYS as the raw, space-separated string. */
  keys: string;
  body: Buffer;
  properties: Record<string, string>;
  queueId: number;
  queueOffset: number;
}

/** `nameSrv`: one address, or several (ali-ons takes an array and tries them in turn). */
export function producer(nameSrv: string | string[], group: string): any {
  return new ons.Producer({ httpclient, nameSrv, producerGroup: group, instanceName: instanceName('p') });
}

export function consumer(nameSrv: string | string[], group: string, options: Record<string, unknown> = {}): any {
  return new ons.Consumer({
    httpclient,
    nameSrv,
    consumerGroup: group,
    instanceName: instanceName('c'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    rebalanceInterval: 1000,
    persistConsumerOffsetInterval: 1000,
    pullTimeDelayMillsWhenException: 200,
    pullBatchSize: 32,
    parallelConsumeLimit: 32,
    ...options,
  });
}
