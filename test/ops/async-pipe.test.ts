/**
 * asyncPipe (ordered) and asyncPipeUnordered: order under random delays, the same multiset,
 * at most n calls at once, and stopping when the output closes.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { asyncPipe, asyncPipeUnordered, fromIterable, type Chan } from '../../src/index.js';
import { propParams } from '../helpers/fc-params.js';
import { closeAll, delay, drain, flavors, settles, source } from './helpers.js';

afterEach(closeAll);

/** f that waits `delays[v]` ms and records how many calls run at once. */
function tracked(delays: readonly number[]) {
  const stats = { running: 0, peak: 0, calls: 0 };
  const f = async (v: number): Promise<number> => {
    stats.calls++;
    stats.peak = Math.max(stats.peak, ++stats.running);
    await delay(delays[v % delays.length]!);
    stats.running--;
    return v * 2;
  };
  return { f, stats };
}

const delaysArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 30 });

describe.each(flavors)('$name channels', (flavor) => {
  const src = (values: Iterable<number>): Chan<number> => source(flavor, values);

  test('asyncPipe keeps input order under random delays, with at most n calls at once', async () => {
    await fc.assert(
      fc.asyncProperty(delaysArb, fc.integer({ min: 1, max: 5 }), async (delays, n) => {
        const { f, stats } = tracked(delays);
        const input = delays.map((_, i) => i);
        const out = await drain(src(input).asyncPipe(n, f));
        expect(out).toEqual(input.map((v) => v * 2));
        expect(stats.peak).toBeLessThanOrEqual(n);
      }),
      propParams(15),
    );
  });

  test('asyncPipeUnordered returns the same multiset, with at most n calls at once', async () => {
    await fc.assert(
      fc.asyncProperty(delaysArb, fc.integer({ min: 1, max: 5 }), async (delays, n) => {
        const { f, stats } = tracked(delays);
        const input = delays.map((_, i) => i);
        const out = await drain(asyncPipeUnordered(src(input), n, f));
        expect([...out].sort((a, b) => a - b)).toEqual(input.map((v) => v * 2));
        expect(stats.peak).toBeLessThanOrEqual(n);
      }),
      propParams(15),
    );
  });

  test('asyncPipe writes into an `out` of the flavor; close: false leaves it open', async () => {
    const out = flavor.make(8);
    asyncPipe(src([1, 2]), 2, async (x) => x + 0.5, { out, close: false });
    expect(await settles(out.collect(2), 'two values')).toEqual([1.5, 2.5]);
    expect(out.closed).toBe(false);
  });
});

test('asyncPipeUnordered emits in completion order', async () => {
  const delays = [30, 0, 10];
  const out = asyncPipeUnordered(fromIterable([0, 1, 2]), 3, async (i: number) => {
    await delay(delays[i]!);
    return i;
  });
  expect(await drain(out)).toEqual([1, 2, 0]);
});

test('n = 1 runs the calls one at a time, in order', async () => {
  const { f, stats } = tracked([2, 0, 1]);
  expect(await drain(asyncPipe(fromIterable([0, 1, 2, 3, 4]), 1, f))).toEqual([0, 2, 4, 6, 8]);
  expect(stats.peak).toBe(1);
});

test('results waiting for a slow consumer count against n: the input is not read ahead', async () => {
  const { f, stats } = tracked([0]);
  const input = fromIterable([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const out = asyncPipe(input, 3, f);
  await delay(20); // nobody takes: three results wait, no fourth call starts
  expect(stats.calls).toBe(3);
  expect(await drain(out)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
});

test('closing the output stops the stage', async () => {
  const { f, stats } = tracked([0]);
  const input = fromIterable(Array.from({ length: 100 }, (_, i) => i));
  const out = asyncPipe(input, 2, f);
  expect(await settles(out.get(), 'first')).toBe(0);
  out.close();
  await delay(20);
  expect(stats.calls).toBeLessThan(10);
});
