/**
 * A select put arm on a cross-thread rendezvous channel (capacity 0): its value waits in the
 * ring, where a consumer in another thread may take it at any moment, so the select commits in
 * two phases (protocol.ts P8, select.ts L4): any other way of completing it first takes the
 * value back, and gives up if a consumer already has it. Exactly one arm completes; a value
 * is delivered only by the arm that completed.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { chan, select, selectSync, sharedChan } from '../../src/index.js';
import { rng, settles } from '../helpers/async.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(async () => {
  await peer.terminate();
});

const turns = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('select with a put arm on a shared rendezvous channel', () => {
  test('a worker that takes the value completes the select through that arm', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = chan<number>();
    const s = select([[r, 7], b]);
    await turns();
    expect(await peer.call('getSync', r, { timeout: 5000 })).toBe(7);
    expect(await settles(s, 'the select')).toEqual([true, r]);
    expect(b.offer(1)).toBe(false); // nothing of the select is left on b
  });

  test('another arm that becomes ready first takes the value back: the worker gets nothing', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = chan<number>();
    const s = select([[r, 7], b]);
    await turns();
    expect(b.offer(5)).toBe(true); // the select's get arm takes it
    expect(await settles(s, 'the select')).toEqual([5, b]);
    await expect(peer.call('getSync', r, { timeout: 50 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('an abort takes the value back (the promise rejects, nothing delivered)', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const controller = new AbortController();
    const s = select([[r, 3], chan()], { signal: controller.signal });
    await turns();
    controller.abort();
    await expect(s).rejects.toMatchObject({ name: 'AbortError' });
    await expect(peer.call('getSync', r, { timeout: 50 })).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  test('a close of the rendezvous channel completes its arm with false', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const s = select([[r, 3], chan()]);
    await turns();
    await peer.call('close', r);
    expect(await settles(s, 'the select')).toEqual([false, r]);
  });

  test('exactly once under a race: a worker takes from the rendezvous while other arms fire', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const taker = new Peer();
    try {
      // The taker spins in getSync (awake, so it takes an exposed value within a microsecond
      // or so), while this thread offers to b a few microseconds after each select parked:
      // the two ways to complete the select race each other on the value.
      const taken = taker.call<number[]>('drain', r, { value: 1_000_000 });
      const rand = rng(42);
      const b = chan<number>(64);
      const viaR: number[] = [];
      const viaB: number[] = [];
      let fed = 0;
      for (let i = 0; i < 2000; i++) {
        const s = select([[r, i], b]);
        const until = performance.now() + rand() * 0.004; // 0-4 µs
        while (performance.now() < until);
        b.offer(1000 + fed++);
        const [value, from] = await settles(s, `select ${i}`);
        if (from === r) {
          expect(value).toBe(true);
          viaR.push(i);
        } else {
          viaB.push(value as number);
        }
      }
      await turns(10);
      r.close();
      const got = await settles(taken, 'the taker');
      // Every value the worker got is one whose select completed through r, and vice versa.
      expect(got).toEqual(viaR);
      // Every value put into b was taken by exactly one select or is still in b.
      const left: number[] = [];
      for (let v = b.poll(); v !== undefined; v = b.poll()) left.push(v);
      expect([...viaB, ...left].sort((x, y) => x - y)).toEqual(Array.from({ length: fed }, (_, k) => 1000 + k));
      expect(viaR.length + viaB.length).toBe(2000);
      expect(viaR.length).toBeGreaterThan(0);
      expect(viaB.length).toBeGreaterThan(0);
    } finally {
      await taker.terminate();
    }
  }, 30_000);

  test('bad input: two rendezvous put arms in one select, or one in selectSync, are TypeErrors', () => {
    const r1 = sharedChan({ type: 'f64', capacity: 0 });
    const r2 = sharedChan({ type: 'f64', capacity: 0 });
    expect(() => select([[r1, 1], [r2, 2]])).toThrow(/second put arm on a cross-thread rendezvous/);
    expect(() => selectSync([[r1, 1]])).toThrow(TypeError);
  });
});
