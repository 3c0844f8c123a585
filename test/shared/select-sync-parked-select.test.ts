/**
 * Regression test (found by review; it failed before the fix): selectSync while this thread has an async select parked whose put arm is exposed on
 * the same rendezvous channel as the selectSync's put arm, and whose get arm is on a channel
 * the selectSync also gets from. Each round of selectSync serves the parked select (H8,
 * tryArms): its claim takes its value back (a take commit on r, ringing TX masks, where the
 * selectSync registered) and its unclaim offers it again, after the selectSync read its
 * doorbell: every sleep is cut short, a busy loop until someone else acts.
 */
import { expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';
import { unanswered } from './other-thread.js';

test("selectSync with this thread's own two-phase select parked on the same channels sleeps", async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([a, [r, 7]], { priority: true }); // parked: get arm on a, 7 exposed in r
  const { outcome, cutShort, takeBacks } = unanswered(r, [a, [r, 9]], 300);
  expect(outcome).toBe('TimeoutError');
  expect(cutShort).toBeLessThanOrEqual(2);
  expect(takeBacks).toBeLessThanOrEqual(10);
  a.offer(1);
  expect(await s).toEqual([1, a]);
});
