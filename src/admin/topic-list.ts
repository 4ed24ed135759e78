// Owns: `rocketmq-ts admin topicList`: every topic the NameServer knows, or with -c each with its
// cluster and the groups consuming it.
// Counterpart: org.apache.rocketmq.tools.command.topic.TopicListSubCommand (4.9.8).

import type { ClusterInfo } from '../common/route-data.js';
import type { AdminClient } from '../client/admin/admin-client.js';
import { type AdminCommand, flagOption } from './command.js';
import { formatTable } from './table.js';

const RETRY_PREFIX = '%RETRY%';
const DLQ_PREFIX = '%DLQ%';

async function clusterOf(admin: AdminClient, topic: string, info: ClusterInfo): Promise<string> {
  const route = await admin.topicRoute(topic);
  const brokerName = route.brokerDatas[0]?.brokerName;
  for (const [cluster, names] of info.clusterAddrTable) if (brokerName !== undefined && names.has(brokerName)) return cluster;
  return '';
}

export const topicList: AdminCommand = {
  name: 'topicList',
  description: 'Fetch all topic list from name server',
  options: [{ flags: '-c, --clusterModel', description: 'also print each topic\'s cluster and consumer groups' }],
  async run(ctx, options) {
    const topics = await ctx.admin.topicList();
    if (!flagOption(options, 'clusterModel')) {
      for (const topic of topics) ctx.println(topic);
      return;
    }
    const info = await ctx.admin.clusterInfo();
    const rows: string[][] = [];
    for (const topic of topics) {
      if (topic.startsWith(RETRY_PREFIX) || topic.startsWith(DLQ_PREFIX)) continue;
      // As mqadmin: a topic whose route or consumers cannot be read is still listed.
      const cluster = await clusterOf(ctx.admin, topic, info).catch(() => '');
      const groups = await ctx.admin.queryTopicConsumeByWho(topic).catch(() => [] as string[]);
      for (const group of groups.length > 0 ? groups : ['']) rows.push([cluster, topic, group]);
    }
    for (const line of formatTable(['#Cluster Name', '#Topic', '#Consumer Group'], rows)) ctx.println(line);
  },
};
