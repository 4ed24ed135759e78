import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PendingRequests } from '../../../src/remoting/pending-requests.js';

describe('PendingRequests', () => {
  test('hands back each value once, by opaque', () => {
    const pending = new PendingRequests<string>();
    assert.equal(pending.take(1), undefined);
    for (let opaque = 0; opaque < 100; opaque++) pending.add(opaque, `v${opaque}`);
    assert.equal(pending.size, 100);
    assert.equal(pending.take(42), 'v42');
    assert.equal(pending.take(42), undefined);
    assert.equal(pending.take(1000), undefined);
    assert.equal(pending.size, 99);
  });

  test('keeps requests whose opaques share their low bits, and large and negative opaques', () => {
    const pending = new PendingRequests<number>();
    const opaques = [5, 5 + 1024, 5 + 2048, 0x7fffffff, 0x7fffffff - 1024, -1, -1025];
    for (const opaque of opaques) pending.add(opaque, opaque * 2);
    assert.equal(pending.size, opaques.length);
    for (const opaque of [...opaques].reverse()) assert.equal(pending.take(opaque), opaque * 2, `opaque ${opaque}`);
    assert.equal(pending.size, 0);
    for (const opaque of opaques) assert.equal(pending.take(opaque), undefined);
  });

  test('removes exactly the entries chosen, each seen once', () => {
    const pending = new PendingRequests<number>();
    for (let opaque = 0; opaque < 3000; opaque++) pending.add(opaque, opaque);
    const seen = new Set<number>();
    pending.removeWhere((opaque, value) => {
      assert.equal(value, opaque);
      assert.ok(!seen.has(opaque));
      seen.add(opaque);
      return opaque % 3 === 0;
    });
    assert.equal(seen.size, 3000);
    assert.equal(pending.size, 2000);
    for (let opaque = 0; opaque < 3000; opaque++) assert.equal(pending.take(opaque), opaque % 3 === 0 ? undefined : opaque);
  });
});
