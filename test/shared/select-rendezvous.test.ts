/**
 * A select put arm on a cross-thread rendezvous channel (capacity 0): its value waits in the
 * ring, where a consumer in another thread may take it at any moment, so the select commits in
 * two phases (protocol.ts P8, select.ts L4): any other way of completing it first takes the
 * value back, and gives up if a consumer already has it. Exactly one arm completes; a value
 * is delivered only by the arm that completed.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { chan, select, selectSync, sharedChan, type SharedChan } from '../../src/index.js';
import { get, put, untilRegistered, useSelectors } from './workers/selector-client.js';
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

  for (const kind of ['f64', 'json'] as const) {
    test(`exactly once under a race (${kind}): a worker takes from the rendezvous while other arms fire`, async () => {
      const r = kind === 'f64' ? sharedChan({ type: 'f64', capacity: 0 }) : (sharedChan<number>({ capacity: 0 }) as unknown as SharedChan);
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
  }

  test('bad input: two rendezvous put arms in one select or selectSync are TypeErrors', () => {
    const r1 = sharedChan({ type: 'f64', capacity: 0 });
    const r2 = sharedChan({ type: 'f64', capacity: 0 });
    expect(() => select([[r1, 1], [r2, 2]])).toThrow(/second put arm on a cross-thread rendezvous/);
    expect(() => selectSync([[r1, 1], [r2, 2]])).toThrow(/second put arm on a rendezvous/);
  });
});

describe('selectSync in a worker with a put arm on a shared rendezvous channel', () => {
  const selectors = useSelectors(1, 'rendezvous');

  test('completes through the put arm when this thread takes the value', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = sharedChan<unknown>({ capacity: 2 });
    const s = selectors()[0]!.run({ kind: 'select', arms: [put(r, 5), get(b)] });
    await untilRegistered([b], 'rx', 'the select');
    expect(await settles(r.get(), 'the get')).toBe(5);
    expect(await s).toMatchObject({ value: true, index: 0 });
    expect(b.offer('still here')).toBe(true); // the select's get arm is gone
    expect(b.poll()).toBe('still here');
  });

  test('another arm wins: the value is taken back and never delivered', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = sharedChan<unknown>({ capacity: 2 });
    const s = selectors()[0]!.run({ kind: 'select', arms: [put(r, 5), get(b)] });
    await untilRegistered([b], 'rx', 'the select');
    expect(b.offer({ hello: 1 })).toBe(true);
    expect(await s).toMatchObject({ value: { hello: 1 }, index: 1 });
    expect(r.poll()).toBeUndefined();
    expect(r.length).toBe(0);
  });

  test('a timeout takes the value back; a close completes the put arm with false', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = sharedChan({ type: 'f64', capacity: 1 });
    await expect(selectors()[0]!.run({ kind: 'select', arms: [put(r, 5), get(b)], opts: { timeout: 30 } })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(r.length).toBe(0);
    const s = selectors()[0]!.run({ kind: 'select', arms: [put(r, 6), get(b)] });
    await untilRegistered([b], 'rx', 'the select');
    r.close();
    expect(await s).toMatchObject({ value: false, index: 0 });
  });

  test('exactly once under a race: this thread takes from the rendezvous while the other arm fires', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const b = sharedChan({ type: 'f64', capacity: 4096 });
    // The worker selects 1,500 times over [put(r, i), get(b)]; meanwhile this thread both
    // takes from r and feeds b. Each select completes once: through r (this thread got i) or
    // through b (it got a value of b), never both, and nothing is lost.
    const n = 1500;
    const s = selectors()[0]!.run({ kind: 'putRounds', arms: [put(r, 0), get(b)], rounds: n } as never);
    const fromR: number[] = [];
    let fed = 0;
    const rand = rng(7);
    let finished = false;
    s.then(
      () => (finished = true),
      () => (finished = true),
    );
    const deadline = performance.now() + 20_000;
    while (!finished && performance.now() < deadline) {
      // Mostly take from r, sometimes feed b (b has room for every round): both arms win often.
      if (rand() < 0.8) {
        const v = r.poll();
        if (v !== undefined) fromR.push(v);
      } else if (b.offer(100_000 + fed)) {
        fed++;
      }
      if (rand() < 0.05) await new Promise((res) => setImmediate(res));
    }
    const { viaR, viaB } = (await s) as unknown as { viaR: number[]; viaB: number[] };
    for (let v = r.poll(); v !== undefined; v = r.poll()) fromR.push(v);
    expect(fromR).toEqual(viaR);
    const left: number[] = [];
    for (let v = b.poll(); v !== undefined; v = b.poll()) left.push(v);
    expect([...viaB, ...left].sort((x, y) => x - y)).toEqual(Array.from({ length: fed }, (_, k) => 100_000 + k));
    expect(viaR.length + viaB.length).toBe(n);
    expect(viaR.length).toBeGreaterThan(0);
    expect(viaB.length).toBeGreaterThan(0);
  }, 30_000);
});
