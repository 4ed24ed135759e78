import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ProducerManager } from '../../../../src/broker/client/producer-manager.js';
import { waitFor } from '../../../harness/wait-for.js';
import { Loopback, type Peer } from './loopback.js';

const GROUP = 'pg_orders';

function channelOf(peer: Peer, clientId: string): { connection: Peer['channel']; clientId: string; language: string; version: number } {
  return { connection: peer.channel, clientId, language: 'JAVA', version: 409 };
}

describe('ProducerManager', () => {
  let clock: number;
  let loop: Loopback;
  let manager: ProducerManager;

  beforeEach(async () => {
    clock = 5_000_000;
    manager = new ProducerManager({ now: () => clock, config: { channelExpiredTimeout: 120_000 } });
    loop = await new Loopback((c) => manager.doChannelCloseEvent(c)).start();
  });

  afterEach(async () => {
    await loop.shutdown();
  });

  test('registers a channel once per connection and refreshes it on each heartbeat', async () => {
    const a = await loop.connect();
    manager.register(GROUP, channelOf(a, 'p-a'));
    clock += 10_000;
    manager.register(GROUP, channelOf(a, 'p-a'));
    const info = manager.groupInfo(GROUP);
    assert.equal(info.length, 1);
    assert.deepEqual(info[0], { clientId: 'p-a', remoteIP: a.channel.remoteAddress, language: 'JAVA', version: 409, lastUpdateTimestamp: clock });
    assert.deepEqual(manager.connectionsOf(GROUP), [a.channel]);
    assert.equal(manager.findChannel('p-a'), a.channel);
    assert.deepEqual(manager.groups(), [GROUP]);
  });

  test('unregister removes the channel, and the group with its last one', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'p-a'));
    manager.register(GROUP, channelOf(b, 'p-b'));
    manager.unregister(GROUP, a.channel, 'p-a');
    assert.deepEqual(manager.connectionsOf(GROUP), [b.channel]);
    assert.equal(manager.findChannel('p-a'), undefined);
    manager.unregister(GROUP, b.channel, 'p-b');
    assert.deepEqual(manager.groups(), []);
    assert.equal(manager.anyConnectionOf(GROUP), undefined);
  });

  test('a closed connection leaves every producer group', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'p-a'));
    manager.register('CLIENT_INNER_PRODUCER', channelOf(a, 'p-a'));
    manager.register(GROUP, channelOf(b, 'p-b'));
    a.client.shutdown();
    await waitFor(() => manager.connectionsOf(GROUP).length === 1, { message: 'the close to reach the manager' });
    assert.deepEqual(manager.groups(), [GROUP]);
    assert.equal(manager.findChannel('p-a'), undefined);
    assert.equal(manager.findChannel('p-b'), b.channel);
  });

  test('a channel silent for longer than channelExpiredTimeout is dropped and closed', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    manager.register(GROUP, channelOf(a, 'p-a'));
    manager.register(GROUP, channelOf(b, 'p-b'));
    clock += 60_000;
    manager.register(GROUP, channelOf(b, 'p-b'));
    clock += 60_000;
    assert.equal(manager.scanNotActive(), 0);
    clock += 1;
    assert.equal(manager.scanNotActive(), 1);
    assert.deepEqual(manager.connectionsOf(GROUP), [b.channel]);
    await waitFor(() => loop.closed.includes(a.channel), { message: 'the expired connection to close' });
  });

  test('anyConnectionOf takes the group\'s producers in turn and skips closed ones', async () => {
    const a = await loop.connect();
    const b = await loop.connect();
    const c = await loop.connect();
    for (const [peer, id] of [[a, 'p-a'], [b, 'p-b'], [c, 'p-c']] as const) manager.register(GROUP, channelOf(peer, id));
    const picks = new Set([0, 1, 2, 3, 4, 5].map(() => manager.anyConnectionOf(GROUP)));
    assert.equal(picks.size, 3, 'every producer gets picked');
    b.channel.close();
    for (let i = 0; i < 6; i++) assert.notEqual(manager.anyConnectionOf(GROUP), b.channel);
    assert.equal(manager.anyConnectionOf('pg_nobody'), undefined);
  });
});
