/**
 * Spinning before sleeping: the budget (wait.ts), setSpin, and the Promise forms' short spin
 * before they park. Whatever the spin, values must still be handed over (asleep if need be),
 * and a spin must give the results pass 1 would: these tests check outcomes, never time.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { NOT_READY } from '../../src/protocol.js';
import { ASYNC_SPIN, spinFor, SpinBudget, SYNC_SPIN } from '../../src/shared/wait.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(() => peer.terminate());

describe('SpinBudget and spinFor', () => {
  test('a spin that succeeds returns the result and doubles the budget, up to its maximum', () => {
    const budget = new SpinBudget(ASYNC_SPIN);
    let calls = 0;
    expect(spinFor(() => (++calls === 3 ? 'got' : NOT_READY), budget)).toBe('got');
    expect(calls).toBe(3);
    expect(budget.micros).toBe(ASYNC_SPIN.initial * 2);
    for (let i = 0; i < 10; i++) spinFor(() => 1, budget);
    expect(budget.micros).toBe(ASYNC_SPIN.max);
  });

  test('a spin that never succeeds gives up with NOT_READY and halves the budget, down to its minimum', () => {
    const budget = new SpinBudget(ASYNC_SPIN);
    let calls = 0;
    expect(spinFor(() => (calls++, NOT_READY), budget)).toBe(NOT_READY);
    expect(calls).toBeGreaterThan(0);
    expect(budget.micros).toBe(ASYNC_SPIN.initial / 2);
    for (let i = 0; i < 10; i++) spinFor(() => NOT_READY, budget);
    expect(budget.micros).toBe(ASYNC_SPIN.min);
  });

  test('a budget of 0 never calls the attempt; a fixed budget never adapts and is capped', () => {
    const budget = new SpinBudget(SYNC_SPIN);
    budget.set(0);
    expect(spinFor(() => 1, budget)).toBe(NOT_READY);
    budget.set(3);
    spinFor(() => 1, budget);
    spinFor(() => NOT_READY, budget);
    expect(budget.micros).toBe(3);
    budget.set(500, ASYNC_SPIN.max);
    expect(budget.micros).toBe(ASYNC_SPIN.max);
    budget.set('adaptive');
    expect(budget.micros).toBe(SYNC_SPIN.initial);
  });

  test('a spin stops at its deadline even with budget left', () => {
    const budget = new SpinBudget(SYNC_SPIN);
    let calls = 0;
    expect(spinFor(() => (calls++, NOT_READY), budget, performance.now() - 1)).toBe(NOT_READY);
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(8); // the clock is read every 8th attempt
  });
});

test('setSpin rejects what is not adaptive or 0 to 1e6 microseconds', () => {
  const ch = sharedChan({ type: 'i32', capacity: 1 });
  for (const bad of [-1, NaN, 2e6, '5', null]) expect(() => ch.setSpin(bad as never)).toThrow(RangeError);
  expect(ch.setSpin(0)).toBe(ch);
  expect(ch.setSpin('adaptive')).toBe(ch);
});

test.each([0, 5, 'adaptive'] as const)('with setSpin(%s) a blocked getSync is woken by a put in another thread', async (spin) => {
  const ch = sharedChan({ type: 'i32', capacity: 1 }).setSpin(spin);
  // The worker blocks in getSync on the empty channel; this thread's put must wake it.
  const got = peer.call('getSync', ch, { timeout: 5000 });
  await new Promise((r) => setTimeout(r, 20));
  expect(await ch.put(7)).toBe(true);
  expect(await got).toBe(7);
  // And the other way: this thread blocks (timeout bounds a lost wake-up) while the worker puts.
  const put = peer.call('putSync', ch, { value: 8 });
  expect(ch.getSync({ timeout: 5000 })).toBe(8);
  expect(await put).toBe(true);
});

describe('the Promise forms spin before they park, with the results of pass 1', () => {
  type Spinning = SharedChan<number> & {
    spinGet(): number | undefined | typeof NOT_READY;
    spinPut(v: number): boolean | typeof NOT_READY;
  };
  const spinning = (ch: SharedChan<number>) => ch as Spinning;

  test('a spin finds a value, the end of a closed and drained channel, room, and a closed channel', () => {
    const ch = spinning(sharedChan({ type: 'f64', capacity: 2 }));
    expect(spinning(ch).spinPut(1)).toBe(true);
    expect(ch.spinGet()).toBe(1);
    expect(ch.spinGet()).toBe(NOT_READY); // empty and open: the spin ran out
    ch.close();
    expect(ch.spinPut(2)).toBe(false);
    expect(ch.spinGet()).toBe(undefined);
  });

  test('a full channel stays full through a put spin, and a rendezvous put never enters the ring by spinning', () => {
    const full = spinning(sharedChan({ type: 'f64', capacity: 1 }));
    expect(full.spinPut(1)).toBe(true);
    expect(full.spinPut(2)).toBe(NOT_READY);
    expect(full.length).toBe(1);
    const rendezvous = spinning(sharedChan({ type: 'f64', capacity: 0 }));
    expect(rendezvous.spinPut(1)).toBe(NOT_READY);
    expect(rendezvous.length).toBe(0);
  });

  test.each([0, 5, 50, 'adaptive'] as const)('with setSpin(%s) get, put, getMany and putMany hand values over to and from another thread', async (spin) => {
    const ch = sharedChan({ type: 'f64', capacity: 2 }).setSpin(spin);
    const got = ch.get();
    expect(await peer.call('putSync', ch, { value: 1 })).toBe(true);
    expect(await got).toBe(1);
    const dst = new Float64Array(4);
    const many = ch.getMany(dst);
    expect(await peer.call('putManySync', ch, { values: [2, 3] })).toBe(2);
    const k = await many;
    expect([...dst.subarray(0, k)]).toEqual([2, 3].slice(0, k));
    if (k === 1) expect(await ch.get()).toBe(3);
    // Fill the ring, then put more than fits: the worker's gets make room.
    expect(await ch.putMany([4, 5])).toBe(2);
    const put = ch.put(6);
    const putMany = ch.putMany([7, 8]);
    const drained = [];
    for (let i = 0; i < 5; i++) drained.push(await peer.call('getSync', ch, { timeout: 5000 }));
    expect(drained).toEqual([4, 5, 6, 7, 8]);
    expect(await put).toBe(true);
    expect(await putMany).toBe(2);
  });
});
