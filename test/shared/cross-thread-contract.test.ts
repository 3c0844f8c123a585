/**
 * The channel contract with the other party in a real worker thread (capacities 0, 1, 4):
 * waiting, FIFO, close from either side, cancellation, select and the rendezvous, where every
 * counterpart operation runs in another thread (./workers/peer.ts) and so can only reach this
 * thread through the shared ring and its wake-ups.
 */
import { describe, expect, test } from 'vitest';
import { chan, select, sharedChan, type SharedChan } from '../../src/index.js';
import { flush, track } from '../contract/pending.js';
import { turns, usePeers } from './peer.js';

const { peer, blockedPeer } = usePeers();

for (const capacity of [0, 1, 4]) {
  describe(`shared f64 across threads, capacity ${capacity}`, () => {
    const make = (): SharedChan => sharedChan({ type: 'f64', capacity });

    test('a get in this thread waits until the worker puts', async () => {
      const c = make();
      const got = track(c.get());
      await turns();
      expect(got.settled).toBe(false);
      const put = peer.call('putSync', c, { value: 7 });
      expect(await got.promise).toBe(7);
      expect(await put).toBe(true);
    });

    test("the worker's putSync blocks while the channel is full, until this thread gets", async () => {
      const c = make();
      for (let i = 0; i < capacity; i++) expect(c.offer(100 + i)).toBe(true);
      const put = track(blockedPeer.call('putSync', c, { value: 1 }));
      await turns();
      expect(put.settled).toBe(false);
      for (let i = 0; i < capacity; i++) expect(await c.get()).toBe(100 + i);
      expect(await c.get()).toBe(1);
      expect(await put.promise).toBe(true);
    });

    test("one producer's values arrive in order, then the close", async () => {
      const c = make();
      const values = Array.from({ length: 200 }, (_, i) => i);
      const produced = (async () => {
        await blockedPeer.call('putManySync', c, { values: values.slice(0, 100) });
        for (const value of values.slice(100)) await blockedPeer.call('putSync', c, { value });
        await blockedPeer.call('close', c);
      })();
      const got: number[] = [];
      for await (const v of c) got.push(v);
      await produced;
      expect(got).toEqual(values);
    });

    test('a close in the worker wakes a get waiting here (undefined)', async () => {
      const c = make();
      const got = c.get();
      await turns(5);
      await peer.call('close', c);
      expect(await got).toBeUndefined();
      expect(c.closed).toBe(true);
    });

    test("a close here wakes the worker's blocked getSync (undefined) and putSync (false)", async () => {
      const empty = make();
      const get = blockedPeer.call('getSync', empty);
      await turns();
      empty.close();
      expect(await get).toBeUndefined();

      const full = make();
      for (let i = 0; i < capacity; i++) full.offer(i);
      if (capacity === 0) {
        // A rendezvous put that entered the ring is delivered after the close; one that
        // waits behind it has not entered and resolves false.
        void full.put(1);
        await flush();
      }
      const put = blockedPeer.call('putSync', full, { value: 2 });
      await turns();
      full.close();
      expect(await put).toBe(false);
    });

    if (capacity > 0) {
      test('values in the channel at the close are still delivered, to the other thread', async () => {
        const c = make();
        const puts = Array.from({ length: capacity }, (_, i) => c.put(10 + i));
        c.close();
        const got = await peer.call<number[]>('getManySync', c, { max: 16 });
        expect(got).toEqual(Array.from({ length: capacity }, (_, i) => 10 + i));
        expect(await peer.call('getSync', c)).toBeUndefined();
        expect(await Promise.all(puts)).toEqual(puts.map(() => true));
      });
    } else {
      test('a rendezvous put still waiting for its taker at the close resolves false; its value is withdrawn', async () => {
        const c = make();
        const put = c.put(10);
        await flush();
        c.close();
        expect(await put).toBe(false);
        expect(await peer.call('getSync', c)).toBeUndefined();
      });
    }

    test('an aborted get here consumes nothing: the value goes to the next get', async () => {
      const c = make();
      const ac = new AbortController();
      const aborted = c.get({ signal: ac.signal });
      ac.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      const put = blockedPeer.call('putSync', c, { value: 3 });
      expect(await c.get()).toBe(3);
      expect(await put).toBe(true);
    });

    test('a select parked in the worker (Promise facade there) completes from this thread', async () => {
      const a = make();
      const b = make();
      const s = peer.call<[number, number]>('select', a, { others: [b] });
      await turns();
      expect(await b.put(5)).toBe(true);
      expect(await s).toEqual([5, 1]);
      if (capacity > 0) {
        // The losing arm on `a` was withdrawn in the worker: a value put now stays here.
        expect(a.offer(1)).toBe(true);
        await turns();
        expect(a.poll()).toBe(1);
      }
    });

    test('select mixes an in-thread channel and this shared channel fed by the worker', async () => {
      const local = chan<number>();
      const c = make();
      const s = select([local, c]);
      const put = blockedPeer.call('putSync', c, { value: 42 });
      expect(await s).toEqual([42, c]);
      expect(await put).toBe(true);
      expect(local.offer(1)).toBe(false); // the losing in-thread arm was withdrawn
    });

    if (capacity > 0) {
      test('a select put arm on a full buffered shared channel completes when the worker takes', async () => {
        const c = make();
        for (let i = 0; i < capacity; i++) c.offer(i);
        const s = select([chan<number>(), [c, 99]]);
        const got = await peer.call<number[]>('getManySync', c, { max: capacity });
        expect(got).toEqual(Array.from({ length: capacity }, (_, i) => i));
        expect(await s).toEqual([true, c]);
        expect(await peer.call('getSync', c)).toBe(99);
      });
    } else {
      test('a put here completes only after the worker took the value (rendezvous)', async () => {
        const c = make();
        const put = track(c.put(5));
        await turns();
        expect(put.settled).toBe(false);
        expect(await peer.call('getSync', c)).toBe(5);
        expect(await put.promise).toBe(true);
      });

      test('a select put arm on a rendezvous channel completes when the worker takes its value', async () => {
        const c = make();
        const s = track(select([[c, 9], chan<number>()]));
        await turns();
        expect(s.settled).toBe(false);
        expect(await peer.call('getSync', c)).toBe(9);
        expect(await s.promise).toEqual([true, c]);
      });
    }

    test('a sync call with a timeout throws TimeoutError in the worker and moves nothing', async () => {
      const c = make();
      await expect(peer.call('getSync', c, { timeout: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
      for (let i = 0; i < capacity; i++) c.offer(i);
      await expect(peer.call('putSync', c, { value: 1, timeout: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
      for (let i = 0; i < capacity; i++) expect(c.poll()).toBe(i);
      expect(c.poll()).toBeUndefined(); // the timed-out put left nothing behind
    });
  });
}
