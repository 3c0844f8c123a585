/**
 * One-input stages (map, filter, take, drop, takeWhile, dropWhile, group, groupBy, distinct,
 * reduce, scan, collect, pipe, onto) on both channel flavors: as chain methods and as free
 * functions, with `out`, `close: false`, and stopping when the output closes.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  buffers,
  chan,
  collect,
  distinct,
  drop,
  group,
  groupBy,
  map,
  onto,
  pipe,
  range,
  reduce,
  scan,
  take,
  type Chan,
} from '../../src/index.js';
import { isPending } from '../contract/pending.js';
import { closeAll, drain, flavors, settles, source, until } from './helpers.js';

afterEach(closeAll);

describe.each(flavors)('$name channels', (flavor) => {
  const src = (values: Iterable<number>): Chan<number> => source(flavor, values);

  test('map, then filter, chained', async () => {
    expect(await drain(src([1, 2, 3, 4, 5]).map((x) => x * 10).filter((x) => x !== 30))).toEqual([10, 20, 40, 50]);
  });

  test('map with flatten emits the items of each iterable', async () => {
    const out = src([1, 2, 3]).map((x) => Array.from({ length: x }, () => x), { flatten: true });
    expect(await drain(out)).toEqual([1, 2, 2, 3, 3, 3]);
  });

  test('map with flatten pulls an endless iterable lazily', async () => {
    function* forever(x: number) {
      for (;;) yield x;
    }
    const out = src([7]).map(forever, { flatten: true });
    expect(await settles(out.take(3).collect(), 'take(3)')).toEqual([7, 7, 7]);
    out.close();
  });

  test('map writes into an `out` channel of the same flavor', async () => {
    const out = flavor.make();
    expect(src([1, 2]).map((x) => x + 1, { out })).toBe(out);
    expect(await drain(out)).toEqual([2, 3]);
  });

  test('take(n) emits n values, closes, and takes no more', async () => {
    const input = flavor.make(8);
    for (const v of [1, 2, 3, 4, 5]) await input.put(v);
    expect(await drain(input.take(2))).toEqual([1, 2]);
    expect(await input.get()).toBe(3); // nothing beyond the second value was taken
  });

  test('take(0) closes at once and takes nothing (aiochan passed everything)', async () => {
    const input = flavor.make(8);
    await input.put(1);
    expect(await drain(take(input, 0))).toEqual([]);
    expect(await input.get()).toBe(1);
  });

  test('take(n) of a shorter input closes when the input does', async () => {
    expect(await drain(src([1, 2]).take(5))).toEqual([1, 2]);
  });

  test('drop', async () => {
    expect(await drain(drop(src([1, 2, 3, 4]), 2))).toEqual([3, 4]);
    expect(await drain(src([1, 2]).drop(5))).toEqual([]);
    expect(await drain(src([1, 2]).drop(0))).toEqual([1, 2]);
  });

  test('takeWhile consumes and discards the first failing value', async () => {
    const input = flavor.make(8);
    for (const v of [1, 2, 5, 3, 9]) await input.put(v);
    expect(await drain(input.takeWhile((x) => x < 4))).toEqual([1, 2]);
    expect(await input.get()).toBe(3);
  });

  test('dropWhile', async () => {
    expect(await drain(src([1, 2, 5, 3, 9]).dropWhile((x) => x < 4))).toEqual([5, 3, 9]);
  });

  test('group chunks, with a shorter last chunk', async () => {
    expect(await drain(group(src([1, 2, 3, 4, 5]), 2))).toEqual([[1, 2], [3, 4], [5]]);
    expect(await drain(src([1, 2, 3, 4]).group(2))).toEqual([[1, 2], [3, 4]]);
    expect(await drain(src([]).group(3))).toEqual([]);
  });

  test('groupBy emits [key, run] for runs of equal keys', async () => {
    const out = groupBy(src([1, 3, 2, 4, 5, 6, 8]), (x) => x % 2);
    expect(await drain(out)).toEqual([
      [1, [1, 3]],
      [0, [2, 4]],
      [1, [5]],
      [0, [6, 8]],
    ]);
  });

  test('distinct drops consecutive duplicates only (NaN equals NaN)', async () => {
    expect(await drain(distinct(src([1, 1, 2, 1, 1, 3, 3, 3])))).toEqual([1, 2, 1, 3]);
    if (flavor.carriesNaN) expect(await drain(distinct(src([1, NaN, NaN, 3])))).toEqual([1, NaN, 3]);
  });

  test('reduce yields one result; without init the first value seeds it', async () => {
    expect(await drain(src([1, 2, 3, 4]).reduce((a, b) => a + b, 10))).toEqual([20]);
    expect(await drain(reduce(src([1, 2, 3, 4]), (a, b) => a * b))).toEqual([24]);
    expect(await drain(src([]).reduce((a, b) => a + b, 0))).toEqual([0]);
    expect(await drain(src([]).reduce((a, b) => a + b))).toEqual([]);
  });

  test('scan emits the seed first, then every accumulator (aiochan)', async () => {
    expect(await drain(scan(src([1, 2, 3]), (a, b) => a + b, 0))).toEqual([0, 1, 3, 6]);
    expect(await drain(src([1, 2, 3]).scan((a, b) => a + b))).toEqual([1, 3, 6]);
    expect(await drain(src([]).scan((a, b) => a + b))).toEqual([]);
  });

  test('collect(n) takes at most n values', async () => {
    const input = flavor.make(8);
    for (const v of [1, 2, 3]) await input.put(v);
    expect(await input.collect(2)).toEqual([1, 2]);
    expect(await collect(input, 0)).toEqual([]);
    expect(await input.get()).toBe(3);
  });

  test('pipe returns `to` and closes it when `from` closes', async () => {
    const to = flavor.make();
    expect(src([1, 2, 3]).pipe(to)).toBe(to);
    expect(await drain(to)).toEqual([1, 2, 3]);
  });

  test('pipe with close: false leaves `to` open', async () => {
    const to = flavor.make(8);
    pipe(src([1, 2]), to, { close: false });
    expect(await settles(to.collect(2), 'two values')).toEqual([1, 2]);
    expect(await isPending(to.get())).toBe(true);
    expect(to.closed).toBe(false);
  });

  test('onto resolves true when done and closes; close: false leaves it open', async () => {
    const c = flavor.make(8);
    expect(await settles(onto(c, [1, 2, 3], { close: false }), 'onto')).toBe(true);
    expect(c.closed).toBe(false);
    expect(await settles(c.onto([4]), 'onto')).toBe(true);
    expect(await drain(c)).toEqual([1, 2, 3, 4]);
  });

  test('onto resolves false when the channel closes first', async () => {
    const c = flavor.make(1);
    const done = onto(c, [1, 2, 3, 4]);
    expect(await c.get()).toBe(1);
    c.close();
    expect(await settles(done, 'onto')).toBe(false);
  });

  test('close: false leaves the output open when the input ends', async () => {
    const out = flavor.make(8);
    map(src([1, 2]), (x) => x, { out, close: false });
    expect(await settles(out.collect(2), 'two values')).toEqual([1, 2]);
    expect(await isPending(out.get())).toBe(true);
  });

  test('a stage stops when its output is closed (and takes at most one value more)', async () => {
    const input = flavor.make(8);
    for (let i = 1; i <= 6; i++) await input.put(i);
    const out = input.map((x) => x);
    expect(await out.get()).toBe(1);
    out.close();
    await settles(new Promise((r) => setTimeout(r, 5)), 'a pause');
    // The stage was putting value 2 when the output closed; 3.. stay in the input.
    expect(await settles(input.collect(4), 'the rest of the input')).toEqual([3, 4, 5, 6]);
  });
});

test('chain methods type-check and run across flavors (in-thread into shared)', async () => {
  const shared = flavors[1]!.make();
  const out = range(6).map((x) => x * 2, { out: shared }).filter((x) => x > 4).group(2);
  expect(await drain(out)).toEqual([[6, 8], [10]]);
});

test('`out` may be a buffer size or a buffers.* spec', async () => {
  // Buffered, the stage finishes (and closes its output) with nobody taking.
  const fixed = range(3).map((x) => x, { out: 3 });
  await until(() => fixed.closed, 'the buffered output closed');
  expect(await drain(fixed)).toEqual([0, 1, 2]);
  const sliding = range(5).filter(() => true, { out: buffers.sliding(2) });
  await until(() => sliding.closed, 'the sliding output closed');
  expect(await drain(sliding)).toEqual([3, 4]);
  // Unbuffered (the default), it waits for a taker.
  const plain = range(3).map((x) => x);
  await settles(new Promise((r) => setTimeout(r, 5)), 'a pause');
  expect(plain.closed).toBe(false);
  expect(await drain(plain)).toEqual([0, 1, 2]);
});

test('map with flatten on an in-thread channel of arrays of strings', async () => {
  const words = chan<string>();
  void words.onto(['a b', 'c']);
  expect(await drain(words.map((s) => s.split(' '), { flatten: true }))).toEqual(['a', 'b', 'c']);
});

test('chain methods are typed on every flavor (this test is mostly for tsc)', async () => {
  const shared = flavors[1]!.make();
  const strings: Chan<string> = shared.map((x) => `#${x}`).filter((s) => s.length > 1);
  const pairs: Chan<[boolean, number[]]> = chan<number>().groupBy((x) => x > 0);
  const sums: Chan<string> = chan<number>().reduce((acc, x) => acc + x, '');
  const [t, f]: [Chan<number>, Chan<number>] = flavors[1]!.make().split((x) => x > 0);
  void onto(shared, [1, 2]);
  expect(await drain(strings)).toEqual(['#1', '#2']);
  for (const c of [pairs, sums, t, f]) c.close();
});
