// Owns: `rocketmq-ts admin clusterList`: every broker of every cluster with its version, load and
// disk use (or -m: messages in and out yesterday and today), once or every -i seconds.
// Counterpart: org.apache.rocketmq.tools.command.cluster.ClusterListSubCommand (4.9.8).

import type { AdminClient } from '../client/admin/admin-client.js';
import { type AdminCommand, type AdminCommandContext, flagOption, intOption } from './command.js';
import { formatTable } from './table.js';

interface BrokerLine {
  clusterName: string;
  brokerName: string;
  brokerId: number;
  addr: string;
}

async function allBrokers(admin: AdminClient): Promise<BrokerLine[]> {
  const info = await admin.clusterInfo();
  const out: BrokerLine[] = [];
  for (const clusterName of [...info.clusterAddrTable.keys()].sort()) {
    for (const brokerName of [...(info.clusterAddrTable.get(clusterName) ?? [])].sort()) {
      const data = info.brokerAddrTable.get(brokerName);
      if (data === undefined) continue;
      for (const [brokerId, addr] of [...data.brokerAddrs].sort((a, b) => a[0] - b[0])) out.push({ clusterName, brokerName, brokerId, addr });
    }
  }
  return out;
}

/** The first number of a "1.0 2.0 3.0" TPS triple. */
function firstTps(value: string | undefined): number {
  const n = Number((value ?? '').split(' ')[0]);
  return Number.isFinite(n) ? n : 0;
}

function long(table: ReadonlyMap<string, string>, key: string): number {
  const n = Number(table.get(key));
  return Number.isFinite(n) ? n : 0;
}

async function baseInfo(ctx: AdminCommandContext): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  for (const b of await allBrokers(ctx.admin)) {
    // As mqadmin: a broker that does not answer still gets its line, with empty figures.
    const t = await ctx.admin.brokerRuntimeInfo(b.addr).catch(() => new Map<string, string>());
    const earliest = Number(t.get('earliestMessageTimeStamp'));
    const hours = Number.isFinite(earliest) && earliest > 0 ? (ctx.now() - earliest) / 3_600_000 : 0;
    const space = Number(t.get('commitLogDiskRatio'));
    rows.push([
      b.clusterName,
      b.brokerName,
      b.brokerId,
      b.addr,
      t.get('brokerVersionDesc') ?? '',
      `${firstTps(t.get('putTps')).toFixed(2)}(${t.get('sendThreadPoolQueueSize') ?? ''},${t.get('sendThreadPoolQueueHeadWaitTimeMills') ?? ''}ms)`,
      `${firstTps(t.get('getTransferedTps')).toFixed(2)}(${t.get('pullThreadPoolQueueSize') ?? ''},${t.get('pullThreadPoolQueueHeadWaitTimeMills') ?? ''}ms)`,
      t.get('pageCacheLockTimeMills') ?? '',
      hours.toFixed(2),
      (Number.isFinite(space) ? space : 0).toFixed(4),
    ]);
  }
  const header = ['#Cluster Name', '#Broker Name', '#BID', '#Addr', '#Version', '#InTPS(LOAD)', '#OutTPS(LOAD)', '#PCWait(ms)', '#Hour', '#SPACE'];
  for (const line of formatTable(header, rows)) ctx.println(line);
}

async function moreStats(ctx: AdminCommandContext): Promise<void> {
  const rows: Array<Array<string | number>> = [];
  for (const b of await allBrokers(ctx.admin)) {
    const t = await ctx.admin.brokerRuntimeInfo(b.addr).catch(() => new Map<string, string>());
    rows.push([
      b.clusterName,
      b.brokerName,
      long(t, 'msgPutTotalTodayMorning') - long(t, 'msgPutTotalYesterdayMorning'),
      long(t, 'msgGetTotalTodayMorning') - long(t, 'msgGetTotalYesterdayMorning'),
      long(t, 'msgPutTotalTodayNow') - long(t, 'msgPutTotalTodayMorning'),
      long(t, 'msgGetTotalTodayNow') - long(t, 'msgGetTotalTodayMorning'),
    ]);
  }
  for (const line of formatTable(['#Cluster Name', '#Broker Name', '#InTotalYest', '#OutTotalYest', '#InTotalToday', '#OutTotalToday'], rows)) ctx.println(line);
}

export const clusterList: AdminCommand = {
  name: 'clusterList',
  description: 'List all of clusters',
  options: [
    { flags: '-m, --moreStats', description: 'Print more stats' },
    { flags: '-i, --interval <seconds>', description: 'print again every this many seconds, until interrupted' },
  ],
  async run(ctx, options) {
    const intervalSeconds = intOption(options, 'interval');
    const print = flagOption(options, 'moreStats') ? moreStats : baseInfo;
    await print(ctx);
    if (intervalSeconds === undefined) return;
    for (;;) {
      await ctx.sleep(Math.max(1, intervalSeconds) * 1000);
      await print(ctx);
    }
  },
};
