import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveClientConfig } from '../../../src/client/client-config.js';
import { ConfigError } from '../../../src/common/mq-error.js';

describe('client config', () => {
  test('the client id is ip@instanceName[@unitName], instanceName defaulting to the pid', () => {
    assert.equal(resolveClientConfig({ namesrvAddr: 'h:9876', clientIP: '10.1.1.1' }).clientId, `10.1.1.1@${process.pid}`);
    assert.equal(resolveClientConfig({ namesrvAddr: 'h:9876', clientIP: '10.1.1.1', instanceName: 'x', unitName: 'u' }).clientId, '10.1.1.1@x@u');
  });

  test('NameServer lists split on ";" and drop blanks', () => {
    assert.deepEqual(resolveClientConfig({ namesrvAddr: ' a:1; b:2 ;' }).namesrvAddrs, ['a:1', 'b:2']);
    assert.deepEqual(resolveClientConfig({ namesrvAddr: ['a:1', ''] }).namesrvAddrs, ['a:1']);
  });

  test('Java defaults apply', () => {
    const c = resolveClientConfig({ namesrvAddr: 'a:1' });
    assert.equal(c.pollNameServerIntervalMs, 30_000);
    assert.equal(c.heartbeatBrokerIntervalMs, 30_000);
    assert.equal(c.persistConsumerOffsetIntervalMs, 5_000);
    assert.equal(c.requestTimeoutMs, 3_000);
  });

  test('bad values are ConfigErrors naming the key', () => {
    assert.throws(() => resolveClientConfig({ namesrvAddr: ' ; ' }), (err: unknown) => err instanceof ConfigError && err.key === 'namesrvAddr');
    assert.throws(() => resolveClientConfig({ namesrvAddr: 'a:1', requestTimeoutMs: 0 }), (err: unknown) => err instanceof ConfigError && err.key === 'requestTimeoutMs');
  });
});
