/**
 * selectSync with a put arm on a shared rendezvous channel while it blocks: its value waits in
 * the ring (exposed) between rounds (select-sync.ts Y4-Y6). What these pin down:
 * - a waiting select sleeps: its own take-back and offer must not ring its own doorbell (Y5),
 *   which made it take the value back and offer it again ~10^6 times a second;
 * - with a get arm on the same channel (the "mirror"), it still sleeps, and completes through
 *   either arm: a taker in another thread takes the value, or a putter's value is taken (Y6);
 * - this thread's own parked puts on the channel go first (H1) and are served by the select
 *   itself, since its blocked event loop cannot serve them.
 * The main thread blocks in selectSync here (Node allows Atomics.wait on it); the peer worker
 * got its call before the main thread blocked.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { selectSync, sharedChan } from '../../src/index.js';
import { unanswered } from './other-thread.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(async () => {
  await peer.terminate();
});

describe('a blocked selectSync with an exposed rendezvous value', () => {
  test('sleeps until its timeout instead of taking the value back and offering it again', () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const { outcome, sleeps, takeBacks } = unanswered(r, [[r, 7]], 1500);
    expect(outcome).toBe('TimeoutError');
    // One sleep per safety timeout (1 s) and one to the deadline; it spun ~10^6 rounds before.
    expect(sleeps).toBeLessThanOrEqual(4);
    expect(takeBacks).toBeLessThanOrEqual(4);
  });

  test('with a get arm on the same channel it also sleeps, in rounds of about 1 ms', () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const { outcome, sleeps, cutShort } = unanswered(r, [[r, 7], r], 300);
    expect(outcome).toBe('TimeoutError');
    // Rounds of at most 1 ms each (Y6): a few hundred here; it spun ~10^6 times a second before.
    expect(sleeps).toBeGreaterThan(0);
    expect(sleeps).toBeLessThanOrEqual(1000);
    expect(cutShort).toBeLessThanOrEqual(2); // its offer rang its own get arm's bit (Y5)
  });

  test('with a get arm on the same channel, a taker in another thread completes the put arm', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const taken = peer.call<number>('getSync', r, { timeout: 5000 });
    const [value, from] = selectSync([[r, 7], r], { timeout: 5000 });
    expect([value, from === r]).toEqual([true, true]);
    expect(await taken).toBe(7);
  });

  test('with a get arm on the same channel, a putter in another thread completes the get arm', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    // The worker runs its calls in order: a 50 ms wait first makes its put come after the
    // select's value is exposed. That value keeps the put out of the ring; it gets in during
    // a round without it (Y6).
    const delay = peer.call('getSync', sharedChan({ type: 'f64', capacity: 1 }), { timeout: 50 }).catch(() => 'waited');
    const put = peer.call<boolean>('putSync', r, { value: 5, timeout: 5000 });
    const [value, from] = selectSync([[r, 7], r], { timeout: 3000 });
    expect(await delay).toBe('waited');
    expect([value, from === r]).toEqual([5, true]);
    expect(await put).toBe(true);
  });

  test("this thread's own parked put on the channel goes first, served by the select itself", async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const first = r.put(1); // parks; its value enters the ring at once
    const got = [peer.call<number>('getSync', r, { timeout: 5000 }), peer.call<number>('getSync', r, { timeout: 5000 })];
    // No event-loop turn before this: the thread blocks with its own put outstanding. Before
    // the fix, nothing served that put, so the select's value was never offered.
    const [value, from] = selectSync([[r, 2]], { timeout: 5000 });
    expect([value, from === r]).toEqual([true, true]);
    expect(await Promise.all([...got, first])).toEqual([1, 2, true]);
  });

  test('control: putSync in the same situation serves the parked put first too', async () => {
    const r = sharedChan({ type: 'f64', capacity: 0 });
    const first = r.put(1);
    const got = [peer.call<number>('getSync', r, { timeout: 5000 }), peer.call<number>('getSync', r, { timeout: 5000 })];
    expect(r.putSync(2, { timeout: 5000 })).toBe(true);
    expect(await Promise.all([...got, first])).toEqual([1, 2, true]);
  });
});
