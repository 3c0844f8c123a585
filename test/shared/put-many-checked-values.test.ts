/**
 * Regression test (found by review; it failed before the fix). The bug:
 * putMany checks every element (lanes.ts checkLaneValues) but keeps the caller's array
 * (bulk-ops.ts PutManyOp.values) and reads it again when the parked values enter the ring
 * (shared-port.ts advance -> ring.putMany/copyIn). Elements changed after the check enter
 * unchecked: an out-of-range integer wraps, a non-number becomes 0.
 */
import { expect, it } from 'vitest';
import { sharedChan } from '../../src/index.js';

it('the values putMany checked are the values delivered', async () => {
  const ch = sharedChan({ type: 'i8', capacity: 1 });
  expect(ch.offer(1)).toBe(true); // full: the putMany below parks
  const src: unknown[] = [5, 6];
  const done = ch.putMany(src as number[]);
  src[0] = 1000; // would be a RangeError if given to putMany
  src[1] = 'x'; // would be a TypeError
  expect(await ch.get()).toBe(1);
  const a = await ch.get();
  const b = await ch.get();
  expect(await done).toBe(2);
  // Before the fix: -24 and 0 (1000 wrapped by the Int8 lane, 'x' coerced) enter without a check.
  expect([a, b]).toEqual([5, 6]);
});
