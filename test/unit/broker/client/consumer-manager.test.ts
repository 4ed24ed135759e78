import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type ConsumerGroupEvent, ConsumerManager, type ConsumerRegistration } from '../../../../src/broker/client/consumer-manager.js';
import { SerializeType } from '../../../../src/remoting/remoting-command.js';
import type { SubscriptionData } from '../../../../src/remoting/requests/client.js';
import { waitFor } from '../../../harness/wait-for.js';
import { Loopback, type Peer } from './loopback.js';

const GROUP = 'cg_orders';

function sub(topic: string, subVersion = 1, subString = '*'): SubscriptionData {
  return { topic, subString, classFilterMode: false, tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG' };
}

function registration(subscriptions: SubscriptionData[] = [sub('Orders'), sub(`%RETRY%${GROUP}`)]): ConsumerRegistration {
  return { consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET', subscriptions };
}

function channelOf(peer: Peer, clientId: string): { connection: Peer['channel']; clientId: string; language: string; version: number } {
  return { connection: peer.channel, clientId, language: 'JAVA', version: 409 };
}

describe('ConsumerManager', () => {
  let clock: number;
  let loop: Loopback;
  let manager: ConsumerManager;
  let events: ConsumerGroupEvent[];
  let notifyBroker: boolean;
  const groupFlags = new Map<string, boolean>();

  beforeEach(async () => {
    clock = 1_000_000;
    events = [];
    notifyBroker = true;
    groupFlags.clear();
    manager = new ConsumerManager({
      now: () => clock,
      config: {
        channelExpiredTimeout: 120_000,
        get notifyConsumerIdsChangedEnable() {
          return notifyBroker;
        },
      },
      subscriptionGroups: {
        get: (group) => (groupFlags.has(group) ? { notifyConsumerIdsChangedEnable: groupFlags.get(group)! } : undefined),
      },
      onEvent: (e) => events.push(e),
    });
    loop = await new Loopback((c) => manager.doChannelCloseEvent(c)).start();
  });

  afterEach(async () => {
    await loop.shutdown();
  });

  test('a new channel is registered and the group, itself included, is told', async () => {
    const a = await loop.connect();
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration()), true);
    assert.deepEqual(manager.consumerIdList(GROUP), ['c-a']);
    await waitFor(() => a.notified.length === 1);
    assert.deepEqual(a.notified, [GROUP]);
    const cmd = a.notifications[0]!;
    assert.equal(cmd.isOneway, true, 'NOTIFY_CONSUMER_IDS_CHANGED is one-way');
    assert.equal(cmd.serializeType, SerializeType.JSON);
    assert.deepEqual(cmd.extFields, { consumerGroup: GROUP });
  });

  test('a repeated heartbeat refreshes the channel without telling anyone', async () => {
    const a = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    clock += 30_000;
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration()), false);
    await loop.settle(a);
    assert.deepEqual(a.notified, [GROUP]);
    assert.equal(manager.groupInfo(GROUP)!.connections[0]!.lastUpdateTimestamp, clock);
  });

  test('a second client joining tells both, and ids list in registration order', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    manager.register(GROUP, channelOf(b, 'c-b'), registration());
    assert.deepEqual(manager.consumerIdList(GROUP), ['c-a', 'c-b']);
    await loop.settle(a);
    await loop.settle(b);
    assert.deepEqual(a.notified, [GROUP, GROUP]);
    assert.deepEqual(b.notified, [GROUP]);
  });

  test('a topic added or dropped is a change; a newer subVersion of the same topic is not', async () => {
    const a = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Orders', 1)]));
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Orders', 2, 'TagA')])), false);
    assert.equal(manager.findSubscription(GROUP, 'Orders')!.subString, 'TagA', 'the newer subscription replaces the older');
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Orders', 1, 'TagB')])), false);
    assert.equal(manager.findSubscription(GROUP, 'Orders')!.subString, 'TagA', 'an older subVersion is ignored');
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Orders', 2), sub('Refunds', 2)])), true);
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Refunds', 2)])), true);
    assert.equal(manager.findSubscription(GROUP, 'Orders'), undefined);
    assert.equal(manager.subscriptionCount(GROUP), 1);
    await loop.settle(a);
    assert.equal(a.notified.length, 3);
  });

  test('unregister removes the channel and tells the rest of the group only', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    manager.register(GROUP, channelOf(b, 'c-b'), registration());
    await loop.settle(a);
    await loop.settle(b);
    a.notified.length = 0;
    b.notified.length = 0;
    manager.unregister(GROUP, a.channel);
    assert.deepEqual(manager.consumerIdList(GROUP), ['c-b']);
    await loop.settle(a);
    await loop.settle(b);
    assert.deepEqual(a.notified, []);
    assert.deepEqual(b.notified, [GROUP]);
    manager.unregister(GROUP, a.channel);
    await loop.settle(b);
    assert.deepEqual(b.notified, [GROUP], 'unregistering a channel that is not there changes nothing');
  });

  test('the last channel leaving removes the group', async () => {
    const a = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    manager.unregister(GROUP, a.channel);
    assert.equal(manager.groupInfo(GROUP), undefined);
    assert.deepEqual(manager.groups(), []);
    assert.deepEqual(manager.consumerIdList(GROUP), []);
    assert.deepEqual(
      events.map((e) => e.type),
      ['change', 'register', 'unregister', 'change'],
    );
  });

  test('a closed connection leaves every group and the rest are told', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    manager.register('cg_other', channelOf(a, 'c-a'), registration([sub('Other')]));
    manager.register(GROUP, channelOf(b, 'c-b'), registration());
    await loop.settle(b);
    b.notified.length = 0;
    a.client.shutdown();
    await waitFor(() => manager.consumerIdList(GROUP).length === 1, { message: 'the close to reach the manager' });
    assert.deepEqual(manager.consumerIdList(GROUP), ['c-b']);
    assert.equal(manager.groupInfo('cg_other'), undefined);
    await loop.settle(b);
    assert.deepEqual(b.notified, [GROUP]);
  });

  test('a channel silent for longer than channelExpiredTimeout is dropped, closed, and the rest told', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    manager.register(GROUP, channelOf(b, 'c-b'), registration());
    await loop.settle(b);
    b.notified.length = 0;
    clock += 100_000;
    manager.register(GROUP, channelOf(b, 'c-b'), registration());
    clock += 20_000;
    assert.equal(manager.scanNotActive(), 0, 'exactly channelExpiredTimeout of silence is not yet expiry');
    clock += 1;
    assert.equal(manager.scanNotActive(), 1);
    assert.deepEqual(manager.consumerIdList(GROUP), ['c-b']);
    await waitFor(() => loop.closed.includes(a.channel), { message: 'the expired connection to close' });
    await loop.settle(b);
    assert.deepEqual(b.notified, [GROUP]);
    clock += 120_001;
    assert.equal(manager.scanNotActive(), 1);
    assert.equal(manager.groupInfo(GROUP), undefined);
  });

  test('nothing is sent when the broker or the group turns notifications off', async () => {
    const a = await loop.connect();
    notifyBroker = false;
    manager.register(GROUP, channelOf(a, 'c-a'), registration());
    notifyBroker = true;
    groupFlags.set(GROUP, false);
    manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Elsewhere')]));
    groupFlags.set(GROUP, true);
    manager.register(GROUP, channelOf(a, 'c-a'), registration([sub('Again')]));
    await loop.settle(a);
    assert.deepEqual(a.notified, [GROUP], 'only the change made with both flags on is told');
  });

  test('a heartbeat read from a connection that has closed registers nothing', async () => {
    const a = await loop.connect();
    a.channel.close();
    assert.equal(manager.register(GROUP, channelOf(a, 'c-a'), registration()), false);
    assert.deepEqual(manager.groups(), []);
  });

  test('groupInfo, findChannel and queryTopicConsumeByWho describe the online groups', async () => {
    const a = await loop.connect();
    manager.register(GROUP, { connection: a.channel, clientId: 'c-a', language: 'JAVA', version: 121 }, registration());
    const info = manager.groupInfo(GROUP)!;
    assert.equal(info.consumeType, 'CONSUME_PASSIVELY');
    assert.equal(info.messageModel, 'CLUSTERING');
    assert.equal(info.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET');
    assert.deepEqual(info.connections, [{ clientId: 'c-a', clientAddr: a.channel.remoteAddress, language: 'JAVA', version: 121, lastUpdateTimestamp: clock }]);
    assert.deepEqual(info.subscriptions.map((s) => s.topic), ['Orders', `%RETRY%${GROUP}`]);
    assert.equal(manager.findChannel(GROUP, 'c-a')!.connection, a.channel);
    assert.equal(manager.findChannel(GROUP, 'c-x'), undefined);
    assert.deepEqual(manager.channels(GROUP).map((c) => c.clientId), ['c-a']);
    assert.deepEqual(manager.queryTopicConsumeByWho('Orders'), [GROUP]);
    assert.deepEqual(manager.queryTopicConsumeByWho('Nobody'), []);
  });
});
