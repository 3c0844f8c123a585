/**
 * Regression test (found by review; it failed before the fix): a get of this thread on a rendezvous channel while this thread's own select
 * ([[r, 7], r]) is parked on it. The select's value 7 waits in r's ring; the get should take
 * it (as an in-thread channel pairs the select's put arm with the get). The parked mirror get
 * arm is first in r's getq and serveGets returns false on it (H9 `exposes`), so every later
 * get of this thread is held behind it: NOT_READY forever.
 */
import { expect, test } from 'vitest';
import { chan, select, sharedChan } from '../../src/index.js';

test('control: in-thread rendezvous, a get pairs with the parked select put arm', async () => {
  const r = chan<number>();
  const s = select([[r, 7], r]);
  expect(await r.get()).toBe(7);
  expect(await s).toEqual([true, r]);
});

test("shared rendezvous: getSync takes this thread's parked select's value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], r]);
  let outcome: unknown;
  try {
    outcome = r.getSync({ timeout: 300 });
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect(outcome).toBe(7);
  expect(await s).toEqual([true, r]);
});

test("shared rendezvous: get() takes this thread's parked select's value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], r]);
  const g = r.get();
  const outcome = await Promise.race([g, new Promise((res) => setTimeout(() => res('timeout'), 1500))]);
  expect(outcome).toBe(7);
  expect(await s).toEqual([true, r]);
});
