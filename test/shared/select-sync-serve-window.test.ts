/**
 * Regression test (found by review of 68e7b0d; it failed before the fix): selectSync now serves this thread's parked operations before it reads
 * its doorbell, and Exposure.offer no longer serves parked puts itself. An event that makes a
 * parked put servable between that serveParked and the doorbell read is then lost: offer()
 * returns null (putq not empty), nothing after the epoch read serves the parked put, and the
 * select sleeps on a doorbell nobody rings until the 1 s safety timeout.
 */
import { expect, test } from 'vitest';
import { selectSync, sharedChan } from '../../src/index.js';
import { otherThread } from './other-thread.js';
// Before the fix (c83f10f): TimeoutError
// after 600 ms, the worker then takes 6 (served in the next round) and its get of 9 times out.
import { usePeers } from './peer.js';

const { blockedPeer } = usePeers();

test('selectSync rendezvous put arm: a take between serveParked and the doorbell read is not lost', async () => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  await blockedPeer.call('length', r); // the worker is up
  const other = otherThread(r);
  other.doorbells = r['ring'].doorbells; // another thread of this runtime rings the same doorbells
  expect(other.putOne(5)).toBe(1); // another thread's value waits in r
  const p = r.put(6); // this thread's put parks behind it (putq)
  let taker: Promise<unknown[]> | null = null;
  const real = r.serveParked.bind(r);
  let rounds = 0;
  (r as unknown as { serveParked: () => void }).serveParked = () => {
    real();
    if (rounds++ === 0) {
      // In the window: another consumer takes 5 (room for 6), and a taker arrives for 6 and 9.
      expect(other.takeOne()).toBe(1);
      taker = Promise.all([blockedPeer.call('getSync', r, { timeout: 3000 }), blockedPeer.call('getSync', r, { timeout: 3000 })]);
    }
  };
  const t0 = performance.now();
  let outcome: unknown;
  try {
    const [v, c] = selectSync([[r, 9]], { timeout: 600 });
    outcome = [v, c === r];
  } catch (err) {
    outcome = (err as Error).name;
  }
  const ms = performance.now() - t0;
  expect(await p).toBe(true);
  const got = await taker!.catch((e: Error) => e.name);
  expect({ outcome, got, slow: ms > 300 }).toEqual({ outcome: [true, true], got: [6, 9], slow: false });
});
