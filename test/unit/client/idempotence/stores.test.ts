import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { DedupStore } from '../../../../src/client/idempotence/dedup-store.js';
import { FileDedupStore } from '../../../../src/client/idempotence/file-dedup-store.js';
import { Idempotence } from '../../../../src/client/idempotence/idempotence.js';
import { MemoryDedupStore } from '../../../../src/client/idempotence/memory-dedup-store.js';

interface Clock {
  nowMs: number;
}

const kinds: Array<{ name: string; make(clock: Clock, t: { after(fn: () => unknown): void }): DedupStore }> = [
  { name: 'MemoryDedupStore', make: (clock) => new MemoryDedupStore({ now: () => clock.nowMs }) },
  {
    name: 'FileDedupStore',
    make: (clock, t) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dedup-'));
      const store = new FileDedupStore({ dir, now: () => clock.nowMs, sweepIntervalMs: 0 });
      t.after(async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return store;
    },
  },
];

for (const kind of kinds) {
  describe(`${kind.name} contract`, () => {
    test('one claim per key; the claimant marks it consumed', async (t) => {
      const clock = { nowMs: 1_000 };
      const store = kind.make(clock, t);
      const first = await store.acquire('k', 1000);
      assert.equal(first.acquired, true);
      assert.deepEqual(await store.acquire('k', 1000), { acquired: false, status: 'CONSUMING' });
      if (!first.acquired) return;
      await store.markConsumed('k', first.token, 60_000);
      assert.deepEqual(await store.acquire('k', 1000), { acquired: false, status: 'CONSUMED' });
    });

    test('a released claim can be taken again', async (t) => {
      const store = kind.make({ nowMs: 0 }, t);
      const first = await store.acquire('k', 1000);
      assert.ok(first.acquired);
      await store.release('k', first.token);
      assert.equal((await store.acquire('k', 1000)).acquired, true);
    });

    test('an expired claim is taken over once, and its old holder can no longer change it', async (t) => {
      const clock = { nowMs: 0 };
      const store = kind.make(clock, t);
      const old = await store.acquire('k', 1000);
      assert.ok(old.acquired);
      clock.nowMs = 1001;
      const taker = await store.acquire('k', 1000);
      assert.equal(taker.acquired, true);
      assert.deepEqual(await store.acquire('k', 1000), { acquired: false, status: 'CONSUMING' });
      await store.release('k', old.token);
      await store.markConsumed('k', old.token, 60_000);
      assert.deepEqual(await store.acquire('k', 1000), { acquired: false, status: 'CONSUMING' }, 'the old holder changed nothing');
    });

    test('a consumed key is forgotten after the window', async (t) => {
      const clock = { nowMs: 0 };
      const store = kind.make(clock, t);
      const claim = await store.acquire('k', 1000);
      assert.ok(claim.acquired);
      await store.markConsumed('k', claim.token, 5000);
      clock.nowMs = 4999;
      assert.equal((await store.acquire('k', 1000)).acquired, false);
      clock.nowMs = 5001;
      assert.equal((await store.acquire('k', 1000)).acquired, true);
    });
  });
}

describe('Idempotence', () => {
  test('runs the work once per key and reports duplicates', async () => {
    const idem = new Idempotence({ store: new MemoryDedupStore(), namespace: 'G' });
    let runs = 0;
    assert.equal(await idem.run('order-1', () => runs++), 'CONSUMED');
    assert.equal(await idem.run('order-1', () => runs++), 'DUPLICATE');
    assert.equal(await idem.run('order-2', () => runs++), 'CONSUMED');
    assert.equal(runs, 2);
  });

  test('a failed work is released and rethrown, so the redelivery runs it', async () => {
    const idem = new Idempotence({ store: new MemoryDedupStore() });
    await assert.rejects(idem.run('k', () => Promise.reject(new Error('db down'))), /db down/);
    let ran = false;
    assert.equal(await idem.run('k', () => (ran = true)), 'CONSUMED');
    assert.ok(ran);
  });

  test('work in progress elsewhere asks for redelivery', async () => {
    const store = new MemoryDedupStore();
    const idem = new Idempotence({ store });
    let release!: () => void;
    const slow = idem.run('k', () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setImmediate(r));
    const listener = idem.listener(() => undefined);
    const msg = { msgId: 'k' } as Parameters<typeof listener>[0][number];
    assert.equal(await listener([msg]), 'RECONSUME_LATER');
    release();
    assert.equal(await slow, 'CONSUMED');
    assert.equal(await listener([msg]), 'CONSUME_SUCCESS', 'a duplicate is acknowledged');
  });

  test('the memory store keeps a bounded window', async () => {
    const store = new MemoryDedupStore({ entriesMax: 100 });
    const idem = new Idempotence({ store });
    for (let i = 0; i < 1000; i++) await idem.run(`k${i}`, () => undefined);
    assert.equal(store.size, 100);
  });

  test('the file store sweeps expired records', async (t) => {
    const clock = { nowMs: 0 };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dedup-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const store = new FileDedupStore({ dir, now: () => clock.nowMs, sweepIntervalMs: 0 });
    const idem = new Idempotence({ store, consumedTtlMs: 1000 });
    for (let i = 0; i < 20; i++) await idem.run(`k${i}`, () => undefined);
    clock.nowMs = 500;
    assert.equal(await store.sweep(), 0);
    clock.nowMs = 2000;
    assert.equal(await store.sweep(), 20);
    assert.equal(await idem.run('k0', () => undefined), 'CONSUMED');
  });
});
