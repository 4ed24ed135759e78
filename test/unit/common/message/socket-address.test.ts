import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeSocketAddress,
  formatSocketAddress,
  isIPv6SocketAddress,
  parseIp,
} from '../../../../src/common/message/socket-address.js';

test('parses IPv4 and every IPv6 spelling, and refuses the rest', () => {
  assert.deepEqual(parseIp('127.0.0.1'), Buffer.from([127, 0, 0, 1]));
  assert.equal(parseIp('::1')?.toString('hex'), '00000000000000000000000000000001');
  assert.equal(parseIp('2001:db8::')?.toString('hex'), '20010db8000000000000000000000000');
  assert.equal(parseIp('::')?.toString('hex'), '0'.repeat(32));
  assert.equal(parseIp('1:2:3:4:5:6:7:8')?.toString('hex'), '00010002000300040005000600070008');
  assert.equal(parseIp('::ffff:10.1.2.3')?.toString('hex'), '00000000000000000000ffff0a010203');
  for (const bad of ['', '1.2.3', '1.2.3.256', 'a.b.c.d', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', '::1.2.3']) {
    assert.equal(parseIp(bad), undefined, bad);
  }
});

test('encodes "ip:port" as Java lays out a socket address, and prints it back as Java does', () => {
  assert.equal(encodeSocketAddress('127.0.0.1:40911').toString('hex'), '7f00000100009fcf');
  const v6 = encodeSocketAddress('[fe80::1]:80');
  assert.equal(v6.length, 20);
  assert.equal(formatSocketAddress(v6, 0, 20), 'fe80:0:0:0:0:0:0:1:80');
  assert.equal(formatSocketAddress(encodeSocketAddress('fe80:0:0:0:0:0:0:1:80'), 0, 20), 'fe80:0:0:0:0:0:0:1:80');
  // Compat: an IPv4-mapped address prints as IPv4, as Java's InetAddress.getByAddress makes it.
  const mapped = encodeSocketAddress('10.0.0.1:9', true);
  assert.equal(mapped.toString('hex'), '00000000000000000000ffff0a00000100000009');
  assert.equal(formatSocketAddress(mapped, 0, 20), '10.0.0.1:9');
  assert.equal(encodeSocketAddress('::ffff:10.0.0.1:9').length, 8);
  assert.ok(isIPv6SocketAddress('[::1]:1'));
  assert.ok(!isIPv6SocketAddress('::ffff:1.2.3.4:1'));
  assert.ok(!isIPv6SocketAddress('1.2.3.4:1'));
  for (const bad of ['127.0.0.1', '127.0.0.1:', '127.0.0.1:65536', 'host:80', ':80']) {
    assert.throws(() => encodeSocketAddress(bad), TypeError, bad);
  }
});
