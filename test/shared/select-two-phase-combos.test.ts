/**
 * Promise selects with put arms on a shared rendezvous channel, in combination: several
 * selects on the same channels, an abort while a value is exposed, a close, the pending
 * limit, prefetch on the get arm's channel. Exactly one arm of each select completes and
 * a value is delivered only by the arm that completed. "Another thread" is a NumericRing
 * view of the same buffer. (Written by a review that found no bug here: coverage.)
 */
import { expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';
import { otherThread, takeFrom } from './other-thread.js';

const turns = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
test('two selects with rendezvous put arms on r; the exposed one wins on a, the other is offered next', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const ra = otherThread(a);
  const rr = otherThread(r);
  const s1 = select([a, [r, 1]], { priority: true });
  const s2 = select([a, [r, 2]], { priority: true });
  await turns(20);
  expect(ra.putOne(42)).toBe(1);
  expect(await s1).toEqual([42, a]);
  expect(await takeFrom(rr, 500)).toBe(2);
  expect(await s2).toEqual([true, r]);
  expect(await takeFrom(rr, 100)).toBe(null);
});

test('abort of the exposed select: the next select is offered, nothing of the aborted one', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const rr = otherThread(r);
  const ac = new AbortController();
  const s1 = select([a, [r, 1]], { priority: true, signal: ac.signal });
  const s2 = select([a, [r, 2]], { priority: true });
  const p3 = r.put(3);
  await turns(20);
  ac.abort(new Error('x'));
  await expect(s1).rejects.toThrow('x');
  expect(await takeFrom(rr, 500)).toBe(2);
  expect(await takeFrom(rr, 500)).toBe(3);
  expect(await s2).toEqual([true, r]);
  expect(await p3).toBe(true);
  expect(await takeFrom(rr, 100)).toBe(null);
});

test('mirrors of two selects on one rendezvous pair with each other exactly once', async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const rr = otherThread(r);
  const s1 = select([r, [r, 1]], { priority: true });
  await turns(10);
  const s2 = select([r, [r, 2]], { priority: true });
  const res = await Promise.race([Promise.all([s1, s2]), turns(1500).then(() => 'hang')]);
  expect(res).not.toBe('hang');
  expect(await takeFrom(rr, 100)).toBe(null);
});

test('close of r while one select is exposed and another queued behind it', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s1 = select([a, [r, 1]], { priority: true });
  const s2 = select([a, [r, 2]], { priority: true });
  await turns(10);
  r.close();
  expect(await s1).toEqual([false, r]);
  expect(await s2).toEqual([false, r]);
});
