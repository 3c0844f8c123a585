/**
 * Regression test (found by review of 68e7b0d; it failed before the fix): the fix "a get of this thread waited forever behind its own parked select's
 * mirror get arm" went into tryGet only (onlyMirrorsParked). getManySync gates on serveGets
 * the old way (shared-chan.ts attemptGetManyInto): with only a mirror parked, serveGets
 * returns false and getManySync reports NOT_READY forever, though the value it could take
 * (the select's 7) waits in the ring. getSync and getMany take it.
 */
import { expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';

test("control: getSync takes this thread's parked select's value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], r]);
  expect(r.getSync({ timeout: 300 })).toBe(7);
  expect(await s).toEqual([true, r]);
});

test("control: getMany takes this thread's parked select's value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], r]);
  const dst = new Float64Array(4);
  expect(await r.getMany(dst)).toBe(1);
  expect(dst[0]).toBe(7);
  expect(await s).toEqual([true, r]);
});

test("getManySync takes this thread's parked select's value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], r]);
  const dst = new Float64Array(4);
  let outcome: unknown;
  try {
    outcome = r.getManySync(dst, { timeout: 300 });
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect([outcome, dst[0]]).toEqual([1, 7]);
  expect(await s).toEqual([true, r]);
});
