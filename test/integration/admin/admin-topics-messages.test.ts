// `rocketmq-ts admin` against a real NameServer and broker: the README flow (create a topic, send,
// see the lag, consume as a group, see it gone), topic commands, and message lookups. Each command
// runs as its own process, as a user runs it; what it changed is read back from the broker.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeTopicConfigWrapper } from '../../../src/common/topic-config.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { ResponseCode } from '../../../src/remoting/codes/response-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';
import { admin, adminOk, brokerConsumerOffset, invokeOk, tableRows } from './admin-cli.js';

describe('rocketmq-ts admin: topics and messages', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  const cli = (...args: string[]): Promise<string> => adminOk(namesrv.addr, args);

  async function routed(topic: string): Promise<void> {
    await waitFor(async () => (await client.invokeSync(namesrv.addr, RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000)).code === ResponseCode.SUCCESS, {
      timeoutMs: 5000,
      message: `a route for ${topic}`,
    });
  }

  async function brokerTopics(): Promise<Map<string, { readQueueNums: number; writeQueueNums: number; perm: number }>> {
    const response = await invokeOk(client, broker.addr, RequestCode.GET_ALL_TOPIC_CONFIG);
    return decodeTopicConfigWrapper(response.body!.toString('utf8')).topicConfigTable;
  }

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('README flow: updateTopic, sendMessage, the lag in consumerProgress, consumeMessage -g, no lag', async () => {
    const created = await cli('updateTopic', '-c', 'DefaultCluster', '-t', 'FlowTopic', '-r', '2', '-w', '2');
    assert.match(created, new RegExp(`^create topic to ${broker.addr} success\\.$`, 'm'));
    assert.match(created, /TopicConfig \[topicName=FlowTopic, readQueueNums=2, writeQueueNums=2, perm=RW-/);
    const config = (await brokerTopics()).get('FlowTopic');
    assert.equal(config?.readQueueNums, 2);
    await routed('FlowTopic');

    const sent = await Promise.all(['one', 'two', 'three'].map((body) => cli('sendMessage', '-t', 'FlowTopic', '-p', body)));
    for (const out of sent) assert.equal(tableRows(out, '#Broker Name')[0]?.[2], 'SEND_OK');

    const lagging = await cli('consumerProgress', '-g', 'FlowGroup', '-t', 'FlowTopic');
    const rows = tableRows(lagging, '#Topic');
    assert.equal(rows.length, 2, lagging);
    assert.deepEqual(
      rows.map((r) => Number(r[5])).reduce((a, b) => a + b, 0),
      3,
      'every queue shows its messages as lag',
    );
    assert.match(lagging, /^Diff Total: 3$/m);

    const consumed = await cli('consumeMessage', '-t', 'FlowTopic', '-g', 'FlowGroup');
    const bodies = [...consumed.matchAll(/^MSGID: [0-9A-F]{32} .* BODY: (\w+)$/gm)].map((m) => m[1]).sort();
    assert.deepEqual(bodies, ['one', 'three', 'two']);
    assert.match(consumed, /^consumed 3 message\(s\), offsets committed for group FlowGroup$/m);
    const committed = [await brokerConsumerOffset(client, broker.addr, 'FlowGroup', 'FlowTopic', 0), await brokerConsumerOffset(client, broker.addr, 'FlowGroup', 'FlowTopic', 1)];
    assert.equal((committed[0] ?? 0) + (committed[1] ?? 0), 3, 'the broker holds the committed offsets');

    const caughtUp = await cli('consumerProgress', '-g', 'FlowGroup');
    assert.match(caughtUp, /^Diff Total: 0$/m);
    for (const row of tableRows(caughtUp, '#Topic')) assert.equal(row[5], '0');

    // A second run as the same group starts where the first stopped.
    const again = await cli('consumeMessage', '-t', 'FlowTopic', '-g', 'FlowGroup');
    assert.doesNotMatch(again, /^MSGID:/m);
    assert.match(again, /^consumed 0 message\(s\)/m);
  });

  test('topicList, topicRoute (JSON and -l), topicStatus and deleteTopic', async () => {
    await cli('updateTopic', '-b', broker.addr, '-t', 'ListedTopic', '-r', '3', '-w', '3', '-p', '4');
    assert.equal((await brokerTopics()).get('ListedTopic')?.perm, 4);
    await routed('ListedTopic');
    const [list, clusterModel, json, table] = await Promise.all([
      cli('topicList'),
      cli('topicList', '-c'),
      cli('topicRoute', '-t', 'ListedTopic'),
      cli('topicRoute', '-t', 'ListedTopic', '-l'),
    ]);
    assert.ok(list.split('\n').includes('ListedTopic'), list);
    assert.ok(tableRows(clusterModel, '#Cluster Name').some((r) => r[0] === 'DefaultCluster' && r[1] === 'ListedTopic'), clusterModel);
    const route = JSON.parse(json) as { brokerDatas: Array<{ brokerAddrs: Record<string, string> }>; queueDatas: Array<{ perm: number; readQueueNums: number }> };
    assert.equal(route.brokerDatas[0]?.brokerAddrs['0'], broker.addr);
    assert.equal(route.queueDatas[0]?.perm, 4);
    assert.deepEqual(tableRows(table, '#ClusterName')[0], ['DefaultCluster', 'broker-a', `{0=${broker.addr}}`, '3', '3', '4']);
    assert.match(table, /^Total:\s+1\s+3\s+3$/m);

    await cli('updateTopic', '-b', broker.addr, '-t', 'ListedTopic', '-r', '3', '-w', '3');
    await cli('sendMessage', '-t', 'ListedTopic', '-p', 'x', '-b', 'broker-a', '-i', '1');
    const status = tableRows(await cli('topicStatus', '-t', 'ListedTopic'), '#Broker Name');
    assert.deepEqual(
      status.map((r) => [r[1], r[3]]),
      [['0', '0'], ['1', '1'], ['2', '0']],
    );
    assert.match(status[1]![4] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}$/);

    // -o true also stores the order config on the NameServer, as brokerName:writeQueueNums.
    const ordered = await cli('updateTopic', '-b', broker.addr, '-t', 'OrderedTopic', '-w', '2', '-o', 'true');
    assert.match(ordered, /^set broker orderConf\. isOrder=true, orderConf=\[broker-a:2\]$/m);
    assert.match(ordered, /order=true\]$/m);
    const kv = await invokeOk(client, namesrv.addr, RequestCode.GET_KV_CONFIG, { namespace: 'ORDER_TOPIC_CONFIG', key: 'OrderedTopic' });
    assert.equal(kv.ext('value'), 'broker-a:2');

    const deleted = await cli('deleteTopic', '-t', 'ListedTopic', '-c', 'DefaultCluster');
    assert.match(deleted, /^delete topic \[ListedTopic\] from cluster \[DefaultCluster\] success\.$/m);
    assert.match(deleted, /^delete topic \[ListedTopic\] from NameServer success\.$/m);
    assert.equal((await brokerTopics()).has('ListedTopic'), false);
    const gone = await admin(['topicRoute', '-t', 'ListedTopic', '-n', namesrv.addr]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /error: topicRoute failed: No topic route info in name server for the topic: ListedTopic/);
    assert.ok(!(await cli('topicList')).split('\n').includes('ListedTopic'));
  });

  test('messages by key, by offset id, by unique key, by queue offset, and consumeMessage of one queue', async () => {
    await cli('updateTopic', '-b', broker.addr, '-t', 'LookupTopic', '-r', '2', '-w', '2');
    await routed('LookupTopic');
    const sent = tableRows(await cli('sendMessage', '-t', 'LookupTopic', '-p', 'find me', '-k', 'order-7 customer-3', '-c', 'TagA', '-b', 'broker-a', '-i', '1'), '#Broker Name')[0]!;
    const [, , status, msgId, offsetMsgId] = sent;
    assert.equal(status, 'SEND_OK');
    await cli('sendMessage', '-t', 'LookupTopic', '-p', 'other', '-k', 'order-8', '-b', 'broker-a', '-i', '1');

    const [byKey, byId, byUniq, byOffset, oneQueue] = await Promise.all([
      cli('queryMsgByKey', '-t', 'LookupTopic', '-k', 'order-7'),
      cli('queryMsgById', '-i', offsetMsgId!),
      cli('queryMsgByUniqueKey', '-t', 'LookupTopic', '-i', msgId!),
      cli('queryMsgByOffset', '-t', 'LookupTopic', '-b', 'broker-a', '-i', '1', '-o', '1'),
      cli('consumeMessage', '-t', 'LookupTopic', '-b', 'broker-a', '-i', '1', '-o', '1'),
    ]);
    assert.deepEqual(tableRows(byKey, '#Message ID'), [[msgId, 'broker-a', '1', '0']]);
    for (const detail of [byId, byUniq]) {
      assert.match(detail, new RegExp(`^OffsetID:\\s+${offsetMsgId}$`, 'm'));
      assert.match(detail, new RegExp(`^Message ID:\\s+${msgId}$`, 'm'));
      assert.match(detail, /^Tags:\s+\[TagA\]$/m);
      assert.match(detail, /^Keys:\s+\[order-7 customer-3\]$/m);
      assert.match(detail, /^Queue Offset:\s+0$/m);
      assert.match(detail, new RegExp(`^Store Host:\\s+${broker.addr}$`, 'm'));
      assert.match(detail, /^Message Body:\s+find me$/m);
    }
    assert.match(byOffset, /^Keys:\s+\[order-8\]$/m);
    assert.match(byOffset, /^Message Body:\s+other$/m);
    assert.equal([...oneQueue.matchAll(/^MSGID: /gm)].length, 1, oneQueue);
    assert.match(oneQueue, /QUEUE: broker-a\/1 OFFSET: 1 .* BODY: other$/m);

    const missing = await Promise.all([
      admin(['queryMsgByKey', '-t', 'LookupTopic', '-k', 'no-such-key', '-n', namesrv.addr]),
      admin(['queryMsgByOffset', '-t', 'LookupTopic', '-b', 'broker-a', '-i', '0', '-o', '5', '-n', namesrv.addr]),
      admin(['queryMsgByUniqueKey', '-t', 'NoSuchTopic', '-i', msgId!, '-n', namesrv.addr]),
    ]);
    for (const result of missing) assert.notEqual(result.code, 0, result.stdout);
    assert.match(missing[0]!.stderr, /no message: topic LookupTopic, key no-such-key/);
    assert.match(missing[1]!.stderr, /no message at LookupTopic\/broker-a\/0 offset 5/);
    assert.match(missing[2]!.stderr, /NoSuchTopic/);
  });
});
