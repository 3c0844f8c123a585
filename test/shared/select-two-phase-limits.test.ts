/**
 * A Promise select with an exposed rendezvous value that hits the pending limit on another
 * arm, and one whose get arm's channel prefetches: nothing of a failed or losing select is
 * delivered, and the values arrive in order. (Written by a review that found no bug: coverage.)
 */
import { expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';
import { otherThread, takeFrom } from './other-thread.js';

const turns = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
test('pending-limit error on a get arm after the rendezvous put arm was exposed', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const rr = otherThread(r);
  const gets = Array.from({ length: 1024 }, () => a.get());
  const s = select([[r, 7], a], { priority: true });
  await expect(s).rejects.toMatchObject({ name: 'PendingLimitError' });
  const p = r.put(8);
  expect(await takeFrom(rr, 500)).toBe(8);
  expect(await p).toBe(true);
  expect(await takeFrom(rr, 100)).toBe(null);
  a.close();
  await Promise.all(gets);
});

test('prefetch channel as the get arm of a two-phase select', async () => {
  const a = sharedChan({ type: 'f64', capacity: 8 }).setPrefetch(4);
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const ra = otherThread(a);
  const rr = otherThread(r);
  const s1 = select([a, [r, 1]], { priority: true });
  const s2 = select([a, [r, 2]], { priority: true });
  await turns(10);
  for (const v of [10, 11, 12]) expect(ra.putOne(v)).toBe(1);
  expect(await s1).toEqual([10, a]);
  expect(await s2).toEqual([11, a]);
  expect(await a.get()).toBe(12);
  expect(await takeFrom(rr, 100)).toBe(null);
});
