/**
 * Where Atomics.waitAsync is missing (Firefox, older engines) the Promise facade falls back to
 * polling the epoch on timers: slower to notice, never wrong. Simulated here by hiding it.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';
import { Peer } from './peer.js';

const original = Atomics.waitAsync;
beforeEach(() => {
  (Atomics as { waitAsync?: unknown }).waitAsync = undefined;
});
afterEach(() => {
  (Atomics as { waitAsync?: unknown }).waitAsync = original;
});

test('a parked get, a parked put and a parked select still complete through another thread', async () => {
  const peer = new Peer();
  try {
    const ch = sharedChan({ type: 'f64', capacity: 1 });
    const got = ch.get();
    expect(await peer.call('putSync', ch, { value: 1, timeout: 5000 })).toBe(true);
    expect(await got).toBe(1);

    ch.offer(2);
    const put = ch.put(3); // full: parks until the worker takes 2
    expect(await peer.call('getSync', ch, { timeout: 5000 })).toBe(2);
    expect(await put).toBe(true);
    expect(await peer.call('getSync', ch, { timeout: 5000 })).toBe(3);

    const other = sharedChan({ type: 'f64', capacity: 1 });
    const s = select([ch, other]);
    expect(await peer.call('putSync', other, { value: 4, timeout: 5000 })).toBe(true);
    expect(await s).toEqual([4, other]);

    const closing = ch.get();
    await peer.call('close', ch);
    expect(await closing).toBeUndefined();
  } finally {
    await peer.terminate();
  }
});
