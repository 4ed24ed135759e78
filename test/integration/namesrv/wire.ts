// Owns: what the NameServer integration tests say to a NameServer: broker registrations built
// the way a 4.9.8 broker builds them, typed lookups, and a raw socket for replaying captured bytes.
// Counterpart: the NameServer-facing half of org.apache.rocketmq.broker.out.BrokerOuterAPI (test support).

import net from 'node:net';
import { crc32 } from 'node:zlib';
import type { CleanupScope } from '../../harness/processes.js';
import { decodeClusterInfo, decodeTopicRouteData, type ClusterInfo, type TopicRouteData } from '../../../src/common/route-data.js';
import { createTopicConfig, type DataVersion, encodeRegisterBrokerBody, type TopicConfig } from '../../../src/common/topic-config.js';
import { RemotingClient, type RemotingClientOptions } from '../../../src/remoting/client.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { FrameDecoder } from '../../../src/remoting/frame.js';
import { decodeCommand, RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { GetRouteInfoByTopic, RegisterBroker } from '../../../src/remoting/requests/namesrv.js';

export const RPC_TIMEOUT_MS = 3000;

/** A RemotingClient shut down when the test ends. */
export function newClient(t: CleanupScope, options: RemotingClientOptions = {}): RemotingClient {
  const client = new RemotingClient(options);
  t.after(() => client.shutdown());
  return client;
}

export interface BrokerSpec {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
  haServerAddr: string;
  topics: TopicConfig[];
  dataVersion: DataVersion;
}

export function brokerSpec(fields: Partial<BrokerSpec> = {}): BrokerSpec {
  return {
    clusterName: 'TestCluster',
    brokerName: 'broker-a',
    brokerAddr: '127.0.0.1:30911',
    brokerId: 0,
    haServerAddr: '127.0.0.1:30912',
    topics: [createTopicConfig('RouteTopic', { readQueueNums: 4, writeQueueNums: 4 })],
    dataVersion: { counter: 1, timestamp: 1_700_000_000_000 },
    ...fields,
  };
}

/** REGISTER_BROKER as a 4.9.8 broker sends it: uncompressed RegisterBrokerBody JSON, bodyCrc32 set. */
export function registerBrokerRequest(spec: BrokerSpec): RemotingCommand {
  const body = encodeRegisterBrokerBody(
    {
      topicConfigSerializeWrapper: {
        topicConfigTable: new Map(spec.topics.map((config) => [config.topicName, config])),
        dataVersion: spec.dataVersion,
      },
      filterServerList: [],
    },
    { compressed: false },
  );
  const extFields = RegisterBroker.encode({
    brokerName: spec.brokerName,
    brokerAddr: spec.brokerAddr,
    clusterName: spec.clusterName,
    haServerAddr: spec.haServerAddr,
    brokerId: spec.brokerId,
    compressed: false,
    bodyCrc32: crc32(body) & 0x7fffffff,
  });
  return RemotingCommand.request(RequestCode.REGISTER_BROKER, extFields, body);
}

/** Registers and asserts SUCCESS; resolves with the response (masterAddr, haServerAddr, body). */
export async function registerBroker(client: RemotingClient, namesrvAddr: string, spec: BrokerSpec): Promise<RemotingCommand> {
  const response = await client.invokeSync(namesrvAddr, registerBrokerRequest(spec), RPC_TIMEOUT_MS);
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`REGISTER_BROKER answered ${response.code}: ${response.remark}`);
  return response;
}

export function routeRequest(topic: string, version?: number): RemotingCommand {
  const request = RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoByTopic.encode({ topic }));
  if (version !== undefined) request.version = version;
  return request;
}

/** The raw GET_ROUTEINFO_BY_TOPIC response. */
export function queryRoute(client: RemotingClient, namesrvAddr: string, topic: string, version?: number): Promise<RemotingCommand> {
  return client.invokeSync(namesrvAddr, routeRequest(topic, version), RPC_TIMEOUT_MS);
}

/** The decoded route, or null on TOPIC_NOT_EXIST; any other answer is an error. */
export async function routeOf(client: RemotingClient, namesrvAddr: string, topic: string): Promise<TopicRouteData | null> {
  const response = await queryRoute(client, namesrvAddr, topic);
  if (response.code === ResponseCode.TOPIC_NOT_EXIST) return null;
  if (response.code !== ResponseCode.SUCCESS || response.body === null) {
    throw new Error(`GET_ROUTEINFO_BY_TOPIC ${topic} answered ${response.code}: ${response.remark}`);
  }
  return decodeTopicRouteData(response.body);
}

export async function clusterInfoOf(client: RemotingClient, namesrvAddr: string): Promise<ClusterInfo> {
  const response = await client.invokeSync(namesrvAddr, RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO), RPC_TIMEOUT_MS);
  if (response.code !== ResponseCode.SUCCESS || response.body === null) throw new Error(`GET_BROKER_CLUSTER_INFO answered ${response.code}`);
  return decodeClusterInfo(response.body);
}

// ---------------------------------------------------------------------------------------------
// A plain TCP socket that writes bytes as given and cuts what comes back into frames.

export interface RawFrame {
  /** The whole frame, length field included. */
  bytes: Buffer;
  /** 0 JSON, 1 ROCKETMQ: the top byte of the header word. */
  serializeType: number;
  command: RemotingCommand;
}

export class RawSocket {
  readonly #socket: net.Socket;
  readonly #decoder = new FrameDecoder();
  readonly #frames: RawFrame[] = [];
  #waiter: (() => void) | null = null;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#decoder.push(chunk, (frame) => {
        const bytes = Buffer.alloc(4 + frame.length);
        bytes.writeInt32BE(frame.length, 0);
        frame.copy(bytes, 4);
        this.#frames.push({ bytes, serializeType: frame.readUInt8(0), command: decodeCommand(Buffer.from(frame)) });
      });
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => {
      // The 'close' that follows is what the tests observe.
    });
  }

  static connect(t: CleanupScope, addr: string): Promise<RawSocket> {
    const i = addr.lastIndexOf(':');
    const socket = net.connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
    t.after(() => socket.destroy());
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  write(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** The next frame the server sends; rejects if none arrives within `timeoutMs` or the socket closes. */
  async nextFrame(timeoutMs = RPC_TIMEOUT_MS): Promise<RawFrame> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const frame = this.#frames.shift();
      if (frame !== undefined) return frame;
      if (this.#closed) throw new Error('socket closed while waiting for a frame');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = null;
    }
  }

  /** Writes one request frame and resolves with the answer. */
  async exchange(bytes: Buffer, timeoutMs = RPC_TIMEOUT_MS): Promise<RawFrame> {
    this.write(bytes);
    return this.nextFrame(timeoutMs);
  }

  #wake(): void {
    this.#waiter?.();
  }
}
