/**
 * A Promise select with a put arm on a shared rendezvous channel commits in two phases
 * (protocol.ts P8): its value waits in the ring, and before any other arm commits, the
 * select's claim takes it back. What these pin down (shared-port.ts H9):
 * - a claim made before the put arm was parked changes nothing: its unclaim used to park the
 *   arm, and the select's own park loop then parked it again, so a second taker got the
 *   value too (delivered twice);
 * - a claim that took the value back keeps the arm first in line: its unclaim used to queue
 *   it behind this thread's later puts (one producer's values out of order);
 * - a get arm of the same select on the same channel (a "mirror") does not claim while the
 *   select's value is in the ring: it used to take the value back and offer it again, a
 *   commit that woke this thread's own watcher, which looked again, forever.
 */
import { afterAll, expect, test } from 'vitest';
import { select, sharedChan } from '../../src/index.js';
import { otherThread, takeFrom } from './other-thread.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(async () => {
  await peer.terminate();
});

const turns = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('the rendezvous value of a select is delivered once', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([a, [r, 7]], { priority: true }); // parks a's arm first, then r's
  expect(await peer.call('getSync', r, { timeout: 2000 })).toBe(7);
  expect(await s).toEqual([true, r]);
  // The select completed through its put arm: nothing more of it may reach a taker.
  await expect(peer.call('getSync', r, { timeout: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
});

test('control: put arm parked first', async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const s = select([[r, 7], a], { priority: true });
  expect(await peer.call('getSync', r, { timeout: 2000 })).toBe(7);
  expect(await s).toEqual([true, r]);
  await expect(peer.call('getSync', r, { timeout: 200 })).rejects.toMatchObject({ name: 'TimeoutError' });
});

test.each([
  ['after a watcher re-check of its other arm (the 1 s safety timeout)', 1200],
  ['with no re-check in between', 20],
])("a select's queued rendezvous put arm keeps its place before this thread's later put, %s", async (_, waitMs) => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const other = otherThread(r);
  expect(other.putOne(1)).toBe(1); // another thread's value occupies the rendezvous ring
  const s = select([[r, 7], a], { priority: true }); // its put arm waits in r's putq
  const p = r.put(8); // this thread's later put: behind it (H1)
  await turns(waitMs);
  const taken: number[] = [];
  for (let i = 0; i < 3; i++) taken.push((await takeFrom(other, 500))!);
  expect(taken).toEqual([1, 7, 8]);
  expect(await s).toEqual([true, r]);
  expect(await p).toBe(true);
});

test("an exposed rendezvous value taken back and offered again keeps its place before this thread's later put", async () => {
  const a = sharedChan({ type: 'f64', capacity: 4 });
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const other = otherThread(r);
  const s = select([[r, 7], a], { priority: true }); // 7 enters the empty ring: exposed
  const p = r.put(8); // this thread's later put waits behind it (H1)
  // What a port does when it claims the select for another arm and then cannot commit it
  // (a value that another consumer took first, a room that another producer filled first):
  // claim (7 taken back), then unclaim (7 offered again). 7 must still come first.
  const flag = (r as unknown as { handoffs: { waiter: { flag: { claim(): boolean; unclaim(): void } } }[] }).handoffs[0]!.waiter.flag;
  expect(flag.claim()).toBe(true);
  flag.unclaim();
  await turns(20);
  const taken: number[] = [];
  for (let i = 0; i < 2; i++) {
    for (let k = 0; k < 100 && other.takeOne() !== 1; k++) await turns(5);
    taken.push(other.value);
    await turns(20);
  }
  expect(taken).toEqual([7, 8]);
  expect(await s).toEqual([true, r]);
  expect(await p).toBe(true);
});

test.each([
  ['put arm first', true],
  ['get arm first', false],
])('a mirror (%s) waits for a taker instead of spinning in the watcher', async (_, putFirst) => {
  const r = sharedChan({ type: 'f64', capacity: 0 });
  const waitAsync = Atomics.waitAsync;
  let notEqual = 0;
  // Counts waits that find the epoch already moved, throughout (a spin can start in a later wake-up).
  (Atomics as { waitAsync: unknown }).waitAsync = ((ta: Int32Array, i: number, v: number, t?: number) => {
    const res = waitAsync(ta, i, v, t);
    if (!res.async && ++notEqual > 10_000) {
      throw new Error(`busy loop: ${notEqual} waitAsync calls found the epoch already moved`);
    }
    return res;
  }) as typeof Atomics.waitAsync;
  try {
    const s = select(putFirst ? [[r, 7], r] : [r, [r, 7]], { priority: true });
    await turns(50);
    expect(await peer.call('getSync', r, { timeout: 2000 })).toBe(7); // it still works
    expect(await s).toEqual([true, r]);
    expect(notEqual).toBeLessThan(10);
  } finally {
    (Atomics as { waitAsync: unknown }).waitAsync = waitAsync;
  }
});
