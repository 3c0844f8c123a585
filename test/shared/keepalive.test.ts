/**
 * shared-port.ts H3: a thread's watchers hold the Node process alive (one ref'd timer) exactly
 * while it has parked operations on a shared channel. A withdrawn operation (an abort, a select
 * completed through another arm) must release it at once, not at the watcher's next wake-up
 * (up to its 1 s safety timeout later). Counted with process.getActiveResourcesInfo(): no time.
 */
import { expect, test } from 'vitest';
import { chan, select, sharedChan } from '../../src/index.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('an aborted get, an aborted put and a select won elsewhere leave no keep-alive behind', async () => {
  const ch = sharedChan({ type: 'f64', capacity: 1 });
  const before = timers();

  const ac = new AbortController();
  const g = ch.get({ signal: ac.signal });
  expect(timers()).toBe(before + 1); // held while the get waits
  ac.abort();
  await expect(g).rejects.toMatchObject({ name: 'AbortError' });
  expect(timers()).toBe(before);

  ch.offer(1);
  const ac2 = new AbortController();
  const p = ch.put(2, { signal: ac2.signal });
  expect(timers()).toBe(before + 1);
  ac2.abort();
  await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  expect(timers()).toBe(before);
  expect(ch.poll()).toBe(1);

  const other = chan<number>();
  const s = select([ch, other]);
  expect(timers()).toBe(before + 1);
  expect(await other.put(5)).toBe(true);
  expect(await s).toEqual([5, other]);
  expect(timers()).toBe(before);

  // And a parked get served normally still works after all that.
  const later = ch.get();
  ch.offer(9);
  expect(await later).toBe(9);
  expect(timers()).toBe(before);
});
