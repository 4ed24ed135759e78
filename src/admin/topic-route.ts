// Owns: `rocketmq-ts admin topicRoute`: a topic's route as the NameServer gives it, as JSON or (-l) a table.
// Counterpart: org.apache.rocketmq.tools.command.topic.TopicRouteSubCommand (4.9.8).

import type { TopicRouteData } from '../common/route-data.js';
import { type AdminCommand, flagOption, requiredString } from './command.js';
import { formatTable } from './table.js';

/** The route as Java's toJson(true) shows it: brokerAddrs keyed by brokerId, tab-indented. */
export function routeJson(route: TopicRouteData): string {
  const plain = {
    brokerDatas: route.brokerDatas.map((b) => ({ brokerAddrs: Object.fromEntries(b.brokerAddrs), brokerName: b.brokerName, cluster: b.cluster })),
    filterServerTable: Object.fromEntries(route.filterServerTable),
    ...(route.orderTopicConf !== undefined ? { orderTopicConf: route.orderTopicConf } : {}),
    queueDatas: route.queueDatas,
  };
  return JSON.stringify(plain, null, '\t');
}

export const topicRoute: AdminCommand = {
  name: 'topicRoute',
  description: 'Examine topic route info',
  options: [
    { flags: '-t, --topic <topic>', description: 'topic name', required: true },
    { flags: '-l, --list', description: 'Use list format to print data' },
  ],
  async run(ctx, options) {
    const route = await ctx.admin.topicRoute(requiredString(options, 'topic'));
    if (!flagOption(options, 'list')) {
      ctx.println(routeJson(route));
      return;
    }
    const queues = new Map(route.queueDatas.map((q) => [q.brokerName, q]));
    const rows: Array<Array<string | number>> = [];
    let read = 0;
    let write = 0;
    for (const b of [...route.brokerDatas].sort((x, y) => (x.brokerName < y.brokerName ? -1 : 1))) {
      const q = queues.get(b.brokerName);
      read += q?.readQueueNums ?? 0;
      write += q?.writeQueueNums ?? 0;
      const addrs = `{${[...b.brokerAddrs].map(([id, addr]) => `${id}=${addr}`).join(', ')}}`;
      rows.push([b.cluster, b.brokerName, addrs, q?.readQueueNums ?? 0, q?.writeQueueNums ?? 0, q?.perm ?? '']);
    }
    const lines = formatTable(['#ClusterName', '#BrokerName', '#BrokerAddrs', '#ReadQueue', '#WriteQueue', '#Perm'], [...rows, ['Total:', queues.size, '', read, write, '']]);
    const width = Math.max(...lines.map((l) => l.length));
    lines.splice(lines.length - 1, 0, '-'.repeat(width));
    for (const line of lines) ctx.println(line);
  },
};
