/**
 * A sync call made while this thread has async operations parked on the same channel
 * (shared-port.ts H8). The thread is blocked, so its watchers cannot serve them, and the call
 * may be waiting for exactly what they would do: each attempt serves them first.
 */
import { expect, test } from 'vitest';
import { selectSync, sharedChan } from '../../src/index.js';
import { otherThread } from './other-thread.js';

test("rendezvous putSync with this thread's own get parked: the get takes the value", async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const got = r.get(); // parks (nothing in the ring)
  // Control: the Promise form meets the parked get at once (tryPut, shared-port.ts).
  // The sync form puts into the ring and waits for a taker that only the blocked event loop
  // could run: nobody else is on the channel.
  let outcome: unknown;
  try {
    outcome = r.putSync(1, { timeout: 300 });
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect(outcome).toBe(true);
  expect(await got).toBe(1);
});

test('control: the Promise put meets the parked get', async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const got = r.get();
  expect(await r.put(1)).toBe(true);
  expect(await got).toBe(1);
});


test("buffered putSync with this thread's own get parked, after another thread filled the ring", async () => {
  const ch = sharedChan({ type: 'f64', capacity: 1 });
  const got = ch.get(); // parks: the ring is empty
  const other = otherThread(ch);
  expect(other.putOne(1)).toBe(1); // "another thread" puts; this thread's watcher would serve it on the next turn
  // No event-loop turn: the parked get would take 1 and make room, but only the watcher serves it.
  let outcome: unknown;
  try {
    outcome = ch.putSync(2, { timeout: 300 });
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect(outcome).toBe(true);
  expect(await got).toBe(1);
});

test("getSync with this thread's own put parked, after another thread emptied the ring", async () => {
  const ch = sharedChan({ type: 'f64', capacity: 1 });
  expect(ch.offer(1)).toBe(true);
  const put = ch.put(2); // parks: the ring is full
  const other = otherThread(ch);
  expect(other.takeOne()).toBe(1); // "another thread" takes 1; room for the parked put
  let outcome: unknown;
  try {
    outcome = ch.getSync({ timeout: 300 });
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect(outcome).toBe(2);
  expect(await put).toBe(true);
});

test("selectSync with this thread's own put parked, after another thread emptied the ring", async () => {
  const ch = sharedChan({ type: 'f64', capacity: 1 });
  expect(ch.offer(1)).toBe(true);
  const put = ch.put(2); // parks: the ring is full
  const other = otherThread(ch);
  expect(other.takeOne()).toBe(1);
  let outcome: unknown;
  try {
    outcome = selectSync([ch], { timeout: 300 })[0];
  } catch (err) {
    outcome = (err as Error).name;
  }
  expect(outcome).toBe(2);
  expect(await put).toBe(true);
});
