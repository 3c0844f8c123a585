/**
 * setPrefetch (shared-port.ts H7): a thread takes runs of values from the ring into a local
 * buffer and serves its gets from it first. The contract suite runs on a prefetching channel
 * (contract.test.ts) and the stress test has prefetching consumers (stress.test.ts); here:
 * bad input, ownership of prefetched values across threads, close, turning it off, getMany,
 * lane types, policies and select.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { chan, select, selectSync, sharedChan } from '../../src/index.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(() => peer.terminate());

/** A channel of `capacity` holding 1..count, put by this thread. */
function filled(capacity: number, count: number, prefetch = 0) {
  const ch = sharedChan({ type: 'f64', capacity }).setPrefetch(prefetch);
  expect(ch.putManySync(Array.from({ length: count }, (_, i) => i + 1))).toBe(count);
  return ch;
}

describe('setPrefetch: bad input', () => {
  test('only integers from 0 to 4096; chainable', () => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    for (const bad of ['5', null, undefined, {}, 5n]) expect(() => ch.setPrefetch(bad as never)).toThrow(TypeError);
    for (const bad of [-1, 1.5, NaN, Infinity, 4097]) expect(() => ch.setPrefetch(bad)).toThrow(RangeError);
    expect(() => ch.setPrefetch(-1)).toThrow(/0 \(off\) to 4096/);
    expect(ch.setPrefetch(0)).toBe(ch);
    expect(ch.setPrefetch(4096)).toBe(ch);
    expect(ch.setPrefetch(64).setSpin(0)).toBe(ch);
  });

  test('refused on rendezvous and object channels (0 is accepted: it is their state)', () => {
    const rendezvous = sharedChan({ type: 'f64', capacity: 0 });
    expect(() => rendezvous.setPrefetch(8)).toThrow(TypeError);
    expect(() => rendezvous.setPrefetch(8)).toThrow(/rendezvous/);
    expect(rendezvous.setPrefetch(0)).toBe(rendezvous);
    const objects = sharedChan<{ a: number }>({ capacity: 4 });
    expect(() => objects.setPrefetch(8)).toThrow(TypeError);
    expect(() => objects.setPrefetch(8)).toThrow(/numeric channels/);
    expect(objects.setPrefetch(0)).toBe(objects);
  });

  test('a refused call changes nothing', async () => {
    const ch = filled(8, 3);
    expect(() => ch.setPrefetch(1.5)).toThrow(RangeError);
    expect(ch.poll()).toBe(1);
    // Prefetch stayed off: the other thread can take the rest.
    expect(await peer.call('poll', ch)).toBe(2);
    expect(ch.poll()).toBe(3);
  });
});

describe('prefetched values belong to the thread that took them', () => {
  test('in order, counted by length, out of reach of other threads, delivered after the close', async () => {
    const ch = filled(8, 6, 4);
    expect(ch.poll()).toBe(1); // took 1..4: 2, 3, 4 wait here, 5 and 6 in the ring
    expect(ch.length).toBe(5);
    expect(await peer.call('getManySync', ch, { max: 8, timeout: 1000 })).toEqual([5, 6]);
    expect(ch.length).toBe(3);
    expect(await peer.call('length', ch)).toBe(0); // the other thread sees an empty ring
    await expect(peer.call('getSync', ch, { timeout: 0 })).rejects.toMatchObject({ name: 'TimeoutError' });
    ch.close();
    expect(await peer.call('getSync', ch, { timeout: 1000 })).toBeUndefined(); // closed and drained there
    expect(ch.closed).toBe(true);
    expect(await ch.get()).toBe(2);
    expect(ch.getSync()).toBe(3);
    expect(ch.poll()).toBe(4);
    expect(ch.length).toBe(0);
    expect(await ch.get()).toBeUndefined();
    expect(ch.getSync()).toBeUndefined();
  });

  test('a worker that prefetched holds its values; they are lost to others when it stops getting', async () => {
    const ch = filled(16, 10);
    await peer.call('setPrefetch', ch, { value: 8 });
    expect(await peer.call('getSync', ch, { timeout: 1000 })).toBe(1); // the worker now holds 2..8
    expect(ch.length).toBe(2);
    expect(ch.poll()).toBe(9);
    expect(ch.poll()).toBe(10);
    expect(ch.poll()).toBeUndefined();
    ch.close();
    expect(await ch.get()).toBeUndefined(); // drained, as this thread sees it
    // The worker still delivers them, in order, then sees the end.
    expect(await peer.call('getManySync', ch, { max: 4, timeout: 1000 })).toEqual([2, 3, 4, 5]);
    expect(await peer.call('length', ch)).toBe(3);
    for (const v of [6, 7, 8]) expect(await peer.call('get', ch)).toBe(v);
    expect(await peer.call('getSync', ch, { timeout: 1000 })).toBeUndefined();
  });

  test('async iteration yields the prefetched values before it ends on the close', async () => {
    const ch = filled(8, 5, 8);
    expect(await ch.get()).toBe(1);
    ch.close();
    const rest: number[] = [];
    for await (const v of ch) rest.push(v);
    expect(rest).toEqual([2, 3, 4, 5]);
  });
});

describe('turning it off, and bulk gets', () => {
  test('setPrefetch(0) keeps serving what was prefetched, then takes one value per get', async () => {
    const ch = filled(8, 6, 3);
    expect(ch.poll()).toBe(1); // 2 and 3 held here
    ch.setPrefetch(0);
    expect(ch.poll()).toBe(2);
    expect(ch.getSync()).toBe(3);
    expect(await ch.get()).toBe(4); // one value: 5 and 6 stay in the ring
    expect(await peer.call('poll', ch)).toBe(5);
    expect(ch.poll()).toBe(6);
  });

  test('a new size applies once the buffer ran empty', async () => {
    const ch = filled(16, 12, 2);
    expect(ch.poll()).toBe(1); // holds 2
    ch.setPrefetch(5);
    expect(ch.poll()).toBe(2);
    expect(ch.poll()).toBe(3); // refilled with 3..7
    expect(await peer.call('poll', ch)).toBe(8);
  });

  test('getMany and getManySync take the prefetched values first, then from the ring', async () => {
    const ch = filled(16, 10, 4);
    expect(ch.poll()).toBe(1); // holds 2, 3, 4
    const dst = new Float64Array(6);
    expect(await ch.getMany(dst)).toBe(6);
    expect(Array.from(dst)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(ch.poll()).toBe(8); // holds 9, 10
    const two = new Int32Array(1);
    expect(ch.getManySync(two)).toBe(1);
    expect(two[0]).toBe(9);
    ch.close();
    expect(ch.getManySync(dst)).toBe(1);
    expect(dst[0]).toBe(10);
    expect(await ch.getMany(dst)).toBe(0);
  });

  test('a parked getMany and parked gets are served from a refill in order', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 16 }).setPrefetch(8);
    const dst = new Float64Array(2);
    const gets = [ch.get(), ch.getMany(dst), ch.get()];
    await peer.call('putManySync', ch, { values: [1, 2, 3, 4, 5] });
    expect(await gets[0]).toBe(1);
    expect(await gets[1]).toBe(2);
    expect(Array.from(dst)).toEqual([2, 3]);
    expect(await gets[2]).toBe(4);
    expect(ch.poll()).toBe(5);
  });
});

describe('lanes and policies', () => {
  test('integer and f32 lanes arrive exactly as without prefetch', () => {
    const values = [0, 4294967295, 1, 2147483648, 7];
    const u32 = sharedChan({ type: 'u32', capacity: 8 }).setPrefetch(8);
    u32.putManySync(values);
    expect(Array.from({ length: 5 }, () => u32.poll())).toEqual(values);
    const f32 = sharedChan({ type: 'f32', capacity: 8 }).setPrefetch(8);
    f32.putManySync([0.1, -0, NaN]);
    expect([f32.poll(), f32.poll(), f32.poll()]).toEqual([Math.fround(0.1), -0, NaN]);
  });

  test('a sliding channel drops the oldest value in the ring, never a prefetched one', () => {
    const ch = sharedChan({ type: 'f64', capacity: 2, policy: 'sliding' }).setPrefetch(2);
    ch.putManySync([1, 2]);
    expect(ch.poll()).toBe(1); // 2 held here: the ring has room for 2 more
    for (const v of [3, 4, 5]) expect(ch.putSync(v)).toBe(true);
    expect([ch.poll(), ch.poll(), ch.poll(), ch.poll()]).toEqual([2, 4, 5, undefined]);
  });
});

describe('select over a prefetching channel', () => {
  test('mixed with an in-thread channel: prefetched values make its arm ready, in order', async () => {
    const p = filled(16, 4, 8);
    const c = chan<number>(4);
    expect(await select([c, p])).toEqual([1, p]); // p holds 2, 3, 4 now
    expect(p.length).toBe(3);
    await c.put(100);
    expect(await select([c, p], { priority: true })).toEqual([100, c]);
    expect(await select([c, p], { default: 'none' })).toEqual([2, p]);
    expect(await select([p, c], { priority: true })).toEqual([3, p]);
    expect(selectSync([p], { default: 'none' })).toEqual([4, p]);
    expect(await select([c, p], { default: 'none' })).toEqual(['none', null]);
    // A parked select is served by the next refill; a value from another thread wakes it.
    const s = select([c, p]);
    await peer.call('putManySync', p, { values: [5, 6] });
    expect(await s).toEqual([5, p]);
    expect(p.poll()).toBe(6);
    expect(await peer.call('poll', p)).toBeUndefined(); // 6 was taken with 5
  });

  test('a select in another thread cannot take what this thread prefetched', async () => {
    const p = filled(16, 3, 8);
    const q = sharedChan({ type: 'f64', capacity: 4 });
    expect(p.poll()).toBe(1);
    const remote = peer.call('select', p, { others: [q] });
    await new Promise((r) => setTimeout(r, 20));
    q.putSync(9);
    expect(await remote).toEqual([9, 1]);
    expect([p.poll(), p.poll()]).toEqual([2, 3]);
  });
});
