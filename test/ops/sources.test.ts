/** Channels made from nothing or from iterables: fromIterable, range, tickTock. */
import { afterEach, describe, expect, test } from 'vitest';
import { fromIterable, range, tickTock, type Chan } from '../../src/index.js';
import { isPending } from '../contract/pending.js';
import { closeAll, drain, flavors, settles } from './helpers.js';

afterEach(closeAll);

describe('fromIterable', () => {
  test('sync iterables: arrays, sets, generators', async () => {
    expect(await drain(fromIterable([1, 2, 3]))).toEqual([1, 2, 3]);
    expect(await drain(fromIterable(new Set(['a', 'b'])))).toEqual(['a', 'b']);
    expect(await drain(fromIterable([]))).toEqual([]);
  });

  test('async iterables', async () => {
    async function* gen() {
      yield 1;
      await new Promise((r) => setTimeout(r, 1));
      yield 2;
    }
    expect(await drain(fromIterable(gen()))).toEqual([1, 2]);
  });

  test('is lazy: an endless generator is pulled only as values are taken', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const c = fromIterable(naturals());
    expect(await settles(c.collect(3), 'three values')).toEqual([0, 1, 2]);
    expect(pulled).toBeLessThanOrEqual(4); // the three taken, and at most the one on offer
    c.close();
  });

  test('closing the channel stops the iteration and calls return() on the iterator', async () => {
    let finished = false;
    function* gen() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        finished = true;
      }
    }
    const c = fromIterable(gen());
    expect(await c.get()).toBe(0);
    c.close();
    // In-thread, a put waiting at close stays deliverable (core.async): the value on offer
    // is still taken, and the next put finds the channel closed.
    expect(await c.get()).toBe(1);
    expect(await c.get()).toBe(undefined);
    await settles(
      (async () => {
        while (!finished) await new Promise((r) => setTimeout(r, 1));
      })(),
      'the generator finished',
    );
  });

  test.each(flavors)('writes into an `out` of the $name flavor', async (flavor) => {
    const out = flavor.make();
    expect(fromIterable([1.5, 2.5], { out })).toBe(out);
    expect(await drain(out)).toEqual([1.5, 2.5]);
  });
});

describe('range (aiochan from_range)', () => {
  test('range(end), range(start, end), range(start, end, step)', async () => {
    expect(await drain(range(4))).toEqual([0, 1, 2, 3]);
    expect(await drain(range(2, 5))).toEqual([2, 3, 4]);
    expect(await drain(range(0, 10, 3))).toEqual([0, 3, 6, 9]);
    expect(await drain(range(5, 0, -2))).toEqual([5, 3, 1]);
    expect(await drain(range(3, 3))).toEqual([]);
    expect(await drain(range(0))).toEqual([]);
  });

  test('range() and range(start, undefined, step) count forever', async () => {
    const all = range();
    expect(await settles(all.collect(4), 'range()')).toEqual([0, 1, 2, 3]);
    all.close();
    const odd = range(5, undefined, 2);
    expect(await settles(odd.collect(3), 'range(5, undefined, 2)')).toEqual([5, 7, 9]);
    odd.close();
  });

  test('fractional steps do not drift', async () => {
    const values = await drain(range(0, 1, 0.1));
    expect(values).toHaveLength(10);
    expect(values[9]).toBeCloseTo(0.9, 12);
  });

  test('takes options last', async () => {
    const out = flavors[1]!.make();
    expect(range(3, { out })).toBe(out);
    expect(await drain(out)).toEqual([0, 1, 2]);
  });
});

describe('tickTock', () => {
  test('emits [n, time] from n = 1, times never going backwards, until closed', async () => {
    const ticks = tickTock(2);
    const got = await settles(ticks.collect(3), 'three ticks');
    expect(got.map(([n]) => n)).toEqual([1, 2, 3]);
    for (let i = 1; i < got.length; i++) expect(got[i]![1]).toBeGreaterThanOrEqual(got[i - 1]![1]);
    ticks.close();
    expect(await ticks.get()).toBe(undefined);
  });

  test('a slow consumer still gets consecutive counts', async () => {
    const ticks: Chan<[number, number]> = tickTock(1);
    expect((await settles(ticks.get(), 'tick 1'))![0]).toBe(1);
    await new Promise((r) => setTimeout(r, 30)); // many slots pass while tick 2 waits
    expect((await settles(ticks.get(), 'tick 2'))![0]).toBe(2);
    expect((await settles(ticks.get(), 'tick 3'))![0]).toBe(3);
    ticks.close();
  });

  test('with nobody taking, one tick waits and the missed slots are skipped, not queued', async () => {
    const ticks = tickTock(5);
    await new Promise((r) => setTimeout(r, 40));
    expect(ticks.poll()![0]).toBe(1);
    // Tick 2 falls on the next slot still ahead; a catch-up burst would have it ready now.
    expect(await isPending(ticks.get())).toBe(true);
    ticks.close();
  });
});
