// Owns: small RemotingClient helpers broker tests share: create a topic on a broker and wait
// until a NameServer routes it, send one message, pull one queue.
// Counterpart: none (test support).

import { RequestCode } from '../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../src/remoting/codes/response-code.js';
import type { RemotingClient } from '../../src/remoting/client.js';
import { RemotingCommand } from '../../src/remoting/remoting-command.js';
import { PullMessage, PullSysFlag } from '../../src/remoting/requests/pull.js';
import { SendMessage } from '../../src/remoting/requests/send.js';
import { waitFor } from './wait-for.js';

/** UPDATE_AND_CREATE_TOPIC on the broker, then waits until every NameServer given routes it. */
export async function createTopic(client: RemotingClient, brokerAddr: string, namesrvAddrs: string[], topic: string, queues = 4): Promise<void> {
  const created = await client.invokeSync(
    brokerAddr,
    RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC, {
      topic,
      defaultTopic: 'TBW102',
      readQueueNums: String(queues),
      writeQueueNums: String(queues),
      perm: '6',
      topicFilterType: 'SINGLE_TAG',
    }),
    5000,
  );
  if (created.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic}: code ${created.code} ${created.remark ?? ''}`);
  for (const addr of namesrvAddrs) {
    await waitFor(
      async () => (await client.invokeSync(addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000)).code === ResponseCode.SUCCESS,
      { timeoutMs: 5000, message: `route for ${topic} on ${addr}` },
    );
  }
}

/** One SEND_MESSAGE_V2 to a given queue; resolves with the raw response. */
export function sendOne(client: RemotingClient, brokerAddr: string, topic: string, queueId: number, body: Buffer, properties = ''): Promise<RemotingCommand> {
  const extFields = SendMessage.encode(
    {
      producerGroup: 'PID_test_direct',
      topic,
      defaultTopic: 'TBW102',
      defaultTopicQueueNums: 4,
      queueId,
      sysFlag: 0,
      bornTimestamp: Date.now(),
      flag: 0,
      properties,
    },
    RequestCode.SEND_MESSAGE_V2,
  );
  return client.invokeSync(brokerAddr, RemotingCommand.request(RequestCode.SEND_MESSAGE_V2, extFields, body), 5000);
}

export interface PullOptions {
  group?: string;
  suspend?: boolean;
  suspendTimeoutMillis?: number;
  maxMsgNums?: number;
  timeoutMs?: number;
  /** Tag expression sent in the request; default '*'. */
  subscription?: string;
}

/** One PULL_MESSAGE with its subscription (default '*') in the request. */
export function pullOne(client: RemotingClient, brokerAddr: string, topic: string, queueId: number, queueOffset: number, options: PullOptions = {}): Promise<RemotingCommand> {
  const suspendTimeoutMillis = options.suspendTimeoutMillis ?? 15_000;
  const extFields = PullMessage.encode({
    consumerGroup: options.group ?? 'CID_test_direct',
    topic,
    queueId,
    queueOffset,
    maxMsgNums: options.maxMsgNums ?? 32,
    sysFlag: PullSysFlag.FLAG_SUBSCRIPTION | (options.suspend === true ? PullSysFlag.FLAG_SUSPEND : 0),
    commitOffset: 0,
    suspendTimeoutMillis,
    subscription: options.subscription ?? '*',
    subVersion: 0,
    expressionType: 'TAG',
  });
  return client.invokeSync(brokerAddr, RemotingCommand.request(RequestCode.PULL_MESSAGE, extFields), options.timeoutMs ?? suspendTimeoutMillis + 5000);
}
