// `rocketmq-ts admin` against a real NameServer and broker: cluster and broker commands, broker
// config, subscription groups, client connections, offset reset (with a live client and without),
// help, and the failures a user meets (missing flag, unknown topic, no NameServer).
// The live clients are our own RemotingClient sending heartbeats, so the test sees exactly what
// the broker sends them (RESET_CONSUMER_CLIENT_OFFSET).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseFastJson } from '../../../src/common/fastjson.js';
import { RequestCode } from '../../../src/remoting/codes/request-code.js';
import { RemotingClient } from '../../../src/remoting/client.js';
import { RemotingCommand } from '../../../src/remoting/remoting-command.js';
import { encodeHeartbeatData } from '../../../src/remoting/requests/client.js';
import { buildSubscriptionData } from '../../../src/client/consumer/subscription.js';
import { decodeResetOffsetBody } from '../../../src/client/connection/client-instance.js';
import { createTopic } from '../../harness/broker-admin.js';
import { type BrokerProcess, type NamesrvProcess, startBroker, startNamesrv } from '../../harness/processes.js';
import { waitFor } from '../../harness/wait-for.js';
import { admin, adminOk, brokerConsumerOffset, invokeOk, tableRows } from './admin-cli.js';

const TOPIC = 'GroupTopic';

describe('rocketmq-ts admin: cluster, broker config, groups, connections, errors', () => {
  let namesrv: NamesrvProcess;
  let broker: BrokerProcess;
  const scope = { cleanups: [] as Array<() => unknown>, after(fn: () => unknown) { this.cleanups.push(fn); } };
  const client = new RemotingClient();
  const cli = (...args: string[]): Promise<string> => adminOk(namesrv.addr, args);

  before(async () => {
    namesrv = await startNamesrv(scope);
    broker = await startBroker(scope, { namesrvAddr: namesrv.addr });
    await createTopic(client, broker.addr, [namesrv.addr], TOPIC, 2);
  });

  after(async () => {
    client.shutdown();
    for (const fn of scope.cleanups.reverse()) await fn();
  });

  test('clusterList, brokerStatus (-b and -c), getBrokerConfig and updateBrokerConfig', async () => {
    const [clusters, more, statusB, statusC] = await Promise.all([cli('clusterList'), cli('clusterList', '-m'), cli('brokerStatus', '-b', broker.addr), cli('brokerStatus', '-c', 'DefaultCluster')]);
    const row = tableRows(clusters, '#Cluster Name')[0]!;
    assert.deepEqual(row.slice(0, 5), ['DefaultCluster', 'broker-a', '0', broker.addr, 'V4_9_8']);
    assert.deepEqual(tableRows(more, '#Cluster Name')[0]?.slice(0, 2), ['DefaultCluster', 'broker-a']);
    assert.match(statusB, /^brokerVersionDesc\s+: V4_9_8$/m);
    assert.match(statusC, new RegExp(`^${broker.addr.replace(/\./g, '\\.')}\\s+brokerVersionDesc\\s+: V4_9_8$`, 'm'));

    const config = await cli('getBrokerConfig', '-b', broker.addr);
    assert.match(config, new RegExp(`^============${broker.addr}============$`, 'm'));
    assert.match(config, /^brokerName\s+=  broker-a$/m);
    assert.match(config, /^autoCreateTopicEnable\s+=  true$/m);
    const updated = await cli('updateBrokerConfig', '-c', 'DefaultCluster', '-k', 'autoCreateTopicEnable', '-v', 'false');
    assert.match(updated, new RegExp(`^update broker config success, ${broker.addr}$`, 'm'));
    assert.match(await cli('getBrokerConfig', '-c', 'DefaultCluster'), /^autoCreateTopicEnable\s+=  false$/m);
    await cli('updateBrokerConfig', '-b', broker.addr, '-k', 'autoCreateTopicEnable', '-v', 'true');

    const refused = await admin(['updateBrokerConfig', '-b', broker.addr, '-k', 'brokerName', '-v', 'other', '-n', namesrv.addr]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /error: updateBrokerConfig failed: .*brokerName/);
    const unknownCluster = await admin(['brokerStatus', '-c', 'NoSuchCluster', '-n', namesrv.addr]);
    assert.notEqual(unknownCluster.code, 0);
    assert.match(unknownCluster.stderr, /cluster NoSuchCluster not found/);
  });

  test('updateSubGroup and deleteSubGroup change the broker\'s subscription groups', async () => {
    const groups = async (): Promise<Record<string, { retryMaxTimes: number; consumeBroadcastEnable: boolean }>> => {
      const response = await invokeOk(client, broker.addr, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
      return (parseFastJson(response.body!.toString('utf8')) as { subscriptionGroupTable: Record<string, { retryMaxTimes: number; consumeBroadcastEnable: boolean }> })
        .subscriptionGroupTable;
    };
    const out = await cli('updateSubGroup', '-b', broker.addr, '-g', 'AdminGroup', '-r', '3', '-d', 'true');
    assert.match(out, new RegExp(`^create subscription group to ${broker.addr} success\\.$`, 'm'));
    assert.match(out, /SubscriptionGroupConfig \[groupName=AdminGroup, consumeEnable=true, consumeFromMinEnable=false, consumeBroadcastEnable=true, retryQueueNums=1, retryMaxTimes=3,/);
    assert.equal((await groups())['AdminGroup']?.retryMaxTimes, 3);
    assert.equal((await groups())['AdminGroup']?.consumeBroadcastEnable, true);

    const deleted = await cli('deleteSubGroup', '-c', 'DefaultCluster', '-g', 'AdminGroup', '-r', 'true');
    assert.match(deleted, /^delete subscription group \[AdminGroup\] from broker \[.*\] in cluster \[DefaultCluster\] success\.$/m);
    assert.match(deleted, /^delete topic \[%RETRY%AdminGroup\] from cluster \[DefaultCluster\] success\.$/m);
    assert.equal((await groups())['AdminGroup'], undefined);
  });

  test('consumerConnection, producerConnection, and resetOffsetByTime telling a live consumer', async (t) => {
    // A consumer and a producer as the broker sees them: one connection sending a heartbeat.
    const live = new RemotingClient();
    t.after(() => live.shutdown());
    const resets: RemotingCommand[] = [];
    live.registerHandler(RequestCode.RESET_CONSUMER_CLIENT_OFFSET, (request) => {
      resets.push(request);
      return null;
    });
    const heartbeat = encodeHeartbeatData({
      clientID: '127.0.0.1@live-test',
      producerDataSet: [{ groupName: 'LiveProducers' }],
      consumerDataSet: [
        {
          groupName: 'LiveGroup',
          consumeType: 'CONSUME_PASSIVELY',
          messageModel: 'CLUSTERING',
          consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
          unitMode: false,
          subscriptionDataSet: [buildSubscriptionData(TOPIC, 'TagA || TagB')],
        },
      ],
    });
    await invokeOk(live, broker.addr, RequestCode.HEART_BEAT, null, heartbeat);
    await cli('sendMessage', '-t', TOPIC, '-p', 'm1', '-b', 'broker-a', '-i', '0');
    // The group has an offset on every queue, as a running consumer would.
    await cli('consumeMessage', '-t', TOPIC, '-g', 'LiveGroup');
    assert.equal(await brokerConsumerOffset(client, broker.addr, 'LiveGroup', TOPIC, 0), 1);

    const [consumers, producers, progress] = await Promise.all([
      cli('consumerConnection', '-g', 'LiveGroup'),
      cli('producerConnection', '-g', 'LiveProducers', '-t', TOPIC),
      cli('consumerProgress'),
    ]);
    assert.equal(tableRows(consumers, '#ClientId')[0]?.[0], '127.0.0.1@live-test');
    assert.equal(tableRows(consumers, '#ClientId')[0]?.[3], 'V4_9_8');
    assert.deepEqual(tableRows(consumers, '#Topic'), [[TOPIC, 'TagA || TagB']]);
    assert.match(consumers, /^ConsumeType: CONSUME_PASSIVELY$/m);
    assert.match(consumers, /^MessageModel: CLUSTERING$/m);
    assert.deepEqual(tableRows(producers, '#')[0]?.slice(0, 2), ['0001', '127.0.0.1@live-test']);
    const summary = tableRows(progress, '#Group').find((r) => r[0] === 'LiveGroup');
    assert.deepEqual(summary, ['LiveGroup', '1', 'V4_9_8', 'PUSH', 'CLUSTERING', '0', '0']);

    const reset = await cli('resetOffsetByTime', '-g', 'LiveGroup', '-t', TOPIC, '-s', '0');
    assert.match(reset, /^rollback consumer offset by specified group\[LiveGroup\], topic\[GroupTopic\], force\[true\], timestamp\(string\)\[0\], timestamp\(long\)\[0\]$/m);
    assert.deepEqual(tableRows(reset, '#brokerName'), [['broker-a', '0', '0'], ['broker-a', '1', '0']]);
    await waitFor(() => resets.length > 0, { message: 'RESET_CONSUMER_CLIENT_OFFSET at the live consumer' });
    assert.equal(resets[0]!.ext('group'), 'LiveGroup');
    assert.deepEqual(
      decodeResetOffsetBody(resets[0]!.body!).map(([mq, offset]) => [mq.queueId, offset]),
      [[0, 0], [1, 0]],
    );
  });

  test('resetOffsetByTime of an offline group commits the offsets itself', async () => {
    await cli('sendMessage', '-t', TOPIC, '-p', 'm2', '-b', 'broker-a', '-i', '1');
    await cli('consumeMessage', '-t', TOPIC, '-g', 'OfflineGroup');
    const before = await cli('consumerProgress', '-g', 'OfflineGroup');
    assert.match(before, /^Diff Total: 0$/m);
    const reset = await cli('resetOffsetByTime', '-g', 'OfflineGroup', '-t', TOPIC, '-s', '0');
    assert.match(reset, /the group has no live consumer: its offsets were committed directly/);
    const rows = tableRows(reset, '#brokerName');
    assert.equal(rows.length, 2);
    for (const row of rows) assert.equal(row[5], '0', reset);
    assert.equal(await brokerConsumerOffset(client, broker.addr, 'OfflineGroup', TOPIC, 0), 0);
    assert.doesNotMatch(await cli('consumerProgress', '-g', 'OfflineGroup'), /^Diff Total: 0$/m);
    const now = await cli('resetOffsetByTime', '-g', 'OfflineGroup', '-t', TOPIC, '-s', 'now');
    assert.match(now, /timestamp\(long\)\[-1\]/);
    assert.match(await cli('consumerProgress', '-g', 'OfflineGroup'), /^Diff Total: 0$/m);
  });

  test('help lists the commands and each command\'s flags', async () => {
    const [all, one] = await Promise.all([admin(['--help']), admin(['updateTopic', '--help'])]);
    assert.equal(all.code, 0);
    for (const name of ['updateTopic', 'topicList', 'consumerProgress', 'queryMsgByUniqueKey', 'resetOffsetByTime', 'sendMessage', 'consumeMessage']) {
      assert.match(all.stdout, new RegExp(`^  ${name} \\[options\\]`, 'm'));
    }
    assert.equal(one.code, 0);
    for (const flag of ['-n, --namesrvAddr', '-b, --brokerAddr', '-c, --clusterName', '-t, --topic', '-r, --readQueueNums', '-w, --writeQueueNums', '-p, --perm', '-o, --order']) {
      assert.ok(one.stdout.includes(flag), `${flag} in\n${one.stdout}`);
    }
  });

  test('failures exit non-zero with a clear message', async () => {
    const [missingFlag, neither, unknownTopic, unreachable, noNamesrv, fromEnv, badNumber] = await Promise.all([
      admin(['topicStatus', '-n', namesrv.addr]),
      admin(['updateTopic', '-t', 'X', '-n', namesrv.addr]),
      admin(['topicStatus', '-t', 'NoSuchTopic', '-n', namesrv.addr]),
      admin(['topicList', '-n', '127.0.0.1:1']),
      admin(['topicList']),
      admin(['topicList'], { NAMESRV_ADDR: namesrv.addr }),
      admin(['updateTopic', '-b', broker.addr, '-t', 'X', '-r', 'many', '-n', namesrv.addr]),
    ]);
    assert.notEqual(missingFlag.code, 0);
    assert.match(missingFlag.stderr, /required option '-t, --topic <topic>' not specified/);
    assert.notEqual(neither.code, 0);
    assert.match(neither.stderr, /one of -b <brokerAddr> or -c <clusterName> is required/);
    assert.notEqual(unknownTopic.code, 0);
    assert.match(unknownTopic.stderr, /^error: topicStatus failed: No topic route info in name server for the topic: NoSuchTopic/m);
    assert.notEqual(unreachable.code, 0);
    assert.match(unreachable.stderr, /^error: topicList failed: connect to 127\.0\.0\.1:1 failed/m);
    assert.notEqual(noNamesrv.code, 0);
    assert.match(noNamesrv.stderr, /no NameServer address; give -n host:port\[;host:port\] or set NAMESRV_ADDR/);
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.ok(fromEnv.stdout.split('\n').includes(TOPIC));
    assert.notEqual(badNumber.code, 0);
    assert.match(badNumber.stderr, /--readQueueNums=many: expected an integer/);
  });
});

