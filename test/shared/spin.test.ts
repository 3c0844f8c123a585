/** setSpin: how long sync calls spin before they sleep; 0 must still hand values over (asleep). */
import { afterAll, describe, expect, test } from 'vitest';
import { sharedChan } from '../../src/index.js';
import { SpinBudget } from '../../src/shared/wait.js';
import { Peer } from './peer.js';

describe('SpinBudget adapts to what the wait turned out to be', () => {
  const { MIN_MICROS: MIN, MAX_MICROS: MAX } = SpinBudget;

  test('a spin that succeeded doubles the budget, up to the maximum', () => {
    const budget = new SpinBudget();
    budget.succeeded();
    expect(budget.micros).toBe(40);
    for (let i = 0; i < 5; i++) budget.succeeded();
    expect(budget.micros).toBe(MAX);
  });

  test('after a short sleep the next spin covers the whole wait, and half again', () => {
    const budget = new SpinBudget();
    budget.slept(30);
    expect(budget.micros).toBe(45);
    budget.slept(MAX - 1);
    expect(budget.micros).toBe(MAX); // capped
    budget.slept(1);
    expect(budget.micros).toBe(MIN); // floored
  });

  test('after a long sleep, or a timeout, the budget halves, down to the minimum', () => {
    const budget = new SpinBudget();
    budget.slept(MAX + 1);
    expect(budget.micros).toBe(10);
    budget.set('adaptive');
    budget.failed();
    expect(budget.micros).toBe(Math.max(10, MIN));
    for (let i = 0; i < 5; i++) budget.slept(10_000);
    expect(budget.micros).toBe(MIN);
  });

  test('a budget fixed by setSpin never adapts', () => {
    const budget = new SpinBudget();
    budget.set(5);
    budget.succeeded();
    budget.slept(30);
    budget.slept(10_000);
    budget.failed();
    expect(budget.micros).toBe(5);
  });
});

const peer = new Peer();
afterAll(() => peer.terminate());

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
