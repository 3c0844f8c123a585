/**
 * The error policy: a stage function that throws or rejects never hangs the pipeline and
 * never vanishes. With `onError`, its result replaces the failed value (`undefined` drops
 * it); without, the stage records the error on its output (`pipelineError`) and closes it,
 * iteration and `collect` throw it once the values sent before it are drained, and every
 * stage downstream passes the same error on.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  asyncPipe,
  asyncPipeUnordered,
  chan,
  combineLatest,
  fromIterable,
  map,
  merge,
  onto,
  pipelineError,
  range,
  zip,
  type Chan,
} from '../../src/index.js';
import { recordFailure } from '../../src/internal/failure.js';
import { closeAll, delay, drain, flavors, settles, source } from './helpers.js';

afterEach(closeAll);

const boom = new Error('boom');
const throwsAt =
  (bad: number) =>
  (x: number): number => {
    if (x === bad) throw boom;
    return x;
  };

/** Iterates `c` to its end: the values seen, and the error the loop threw (if any). */
async function iterate<T>(c: Chan<T>): Promise<{ values: T[]; error: unknown }> {
  const values: T[] = [];
  try {
    for await (const v of c) values.push(v);
    return { values, error: undefined };
  } catch (error) {
    return { values, error };
  }
}
const iterated = <T>(c: Chan<T>) => settles(iterate(c), 'the loop over the output');

describe.each(flavors)('$name channels', (flavor) => {
  const src = (values: Iterable<number>): Chan<number> => source(flavor, values);

  test('a throwing map: values before it arrive, then the loop throws the error', async () => {
    const out = src([1, 2, 3, 4]).map(throwsAt(3));
    expect(await iterated(out)).toEqual({ values: [1, 2], error: boom });
    expect(pipelineError(out)).toBe(boom);
    expect(await out.get()).toBe(undefined); // channel semantics unchanged
  });

  test('collect rejects with the failure', async () => {
    const out = src([1, 2, 3]).map(throwsAt(2));
    await expect(settles(out.collect(), 'collect')).rejects.toBe(boom);
  });

  test('a failure travels down the pipeline: every later stage fails with the same error', async () => {
    const first = src([1, 2, 3, 4, 5]).map(throwsAt(4));
    const last = first.filter((x) => x > 0).map((x) => x * 2).take(10).group(2);
    expect(await iterated(last)).toEqual({ values: [[2, 4]], error: boom });
    expect(pipelineError(first)).toBe(boom);
    expect(pipelineError(last)).toBe(boom);
  });

  test('onError replaces the failed value; returning undefined drops it', async () => {
    const replaced = src([1, 2, 3]).map(throwsAt(2), { onError: (_err, v) => -v });
    expect(await drain(replaced)).toEqual([1, -2, 3]);
    const dropped = src([1, 2, 3]).map(throwsAt(2), { onError: () => undefined });
    expect(await drain(dropped)).toEqual([1, 3]);
    expect(pipelineError(dropped)).toBe(undefined);
  });

  test('onError receives the error and the value', async () => {
    const seen: unknown[] = [];
    const out = src([5]).map(throwsAt(5), {
      onError: (err, v) => {
        seen.push(err, v);
        return 0;
      },
    });
    expect(await drain(out)).toEqual([0]);
    expect(seen).toEqual([boom, 5]);
  });

  test('an onError that throws fails the stage with its own error', async () => {
    const second = new Error('second');
    const out = src([1, 2]).map(throwsAt(1), {
      onError: () => {
        throw second;
      },
    });
    expect(await iterated(out)).toEqual({ values: [], error: second });
  });

  test('a failure closes the output even with close: false', async () => {
    const out = flavor.make();
    map(src([1, 2]), throwsAt(1), { out, close: false });
    expect(await iterated(out)).toEqual({ values: [], error: boom });
    expect(out.closed).toBe(true);
  });

  test('predicates: filter, takeWhile, dropWhile; with and without onError', async () => {
    const p = (x: number) => throwsAt(2)(x) > 0;
    expect(await iterated(src([1, 2, 3]).filter(p))).toEqual({ values: [1], error: boom });
    expect(await iterated(src([1, 2, 3]).takeWhile(p))).toEqual({ values: [1], error: boom });
    expect(await iterated(src([1, 2, 3]).dropWhile((x) => x < 2 || p(x)))).toEqual({ values: [], error: boom });
    expect(await drain(src([1, 2, 3]).filter(p, { onError: () => 20 }))).toEqual([1, 20, 3]);
    expect(await drain(src([1, 2, 3]).takeWhile(p, { onError: () => undefined }))).toEqual([1, 3]);
  });

  test('reduce and scan: onError gives the new accumulator, undefined keeps the old one', async () => {
    const add = (a: number, b: number): number => {
      if (b === 2) throw boom;
      return a + b;
    };
    expect(await iterated(src([1, 2, 3]).reduce(add, 0))).toEqual({ values: [], error: boom });
    expect(await drain(src([1, 2, 3]).reduce(add, 0, { onError: () => 100 }))).toEqual([103]);
    expect(await drain(src([1, 2, 3]).scan(add, 0, { onError: () => undefined }))).toEqual([0, 1, 4]); // 2 dropped: nothing emitted for it
    // A failed input: reduce yields nothing and its consumer sees the error.
    expect(await iterated(src([1, 2, 3]).map(throwsAt(3)).reduce((a, b) => a + b))).toEqual({
      values: [],
      error: boom,
    });
  });

  test('a map returning undefined is a TypeError failure, and onError sees it', async () => {
    const out = src([1]).map(() => undefined as unknown as number);
    const { error } = await iterated(out);
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/map: f returned undefined/);
    expect(await drain(src([1]).map(() => undefined as unknown as number, { onError: () => 7 }))).toEqual([7]);
  });

  test('asyncPipe: a rejecting call fails the output, even while the input stays open', async () => {
    const input = flavor.make(8);
    await input.put(1);
    await input.put(2);
    const out = asyncPipe(input, 2, async (x) => {
      await delay(1);
      if (x === 2) throw boom;
      return x;
    });
    expect(await iterated(out)).toEqual({ values: [1], error: boom });
    expect(input.closed).toBe(false);
  });

  test('asyncPipeUnordered: a synchronous throw, with and without onError', async () => {
    const f = (x: number) => {
      if (x === 2) throw boom;
      return Promise.resolve(x);
    };
    const failed = await iterated(asyncPipeUnordered(src([1, 2, 3]), 2, f));
    expect(failed.error).toBe(boom);
    const recovered = await drain(asyncPipeUnordered(src([1, 2, 3]), 2, f, { onError: () => 0 }));
    expect(recovered.sort()).toEqual([0, 1, 3]);
  });

  test('asyncPipe with onError keeps the order', async () => {
    const out = src([1, 2, 3, 4]).asyncPipe(3, async (x) => {
      await delay(4 - x);
      if (x % 2 === 0) throw boom;
      return x;
    }, { onError: (_e, v) => -v });
    expect(await drain(out)).toEqual([1, -2, 3, -4]);
  });

  test('a failed input makes asyncPipe emit the results in hand, then fail', async () => {
    const out = src([1, 2, 3]).map(throwsAt(3)).asyncPipe(2, async (x) => x * 10);
    expect(await iterated(out)).toEqual({ values: [10, 20], error: boom });
  });

  test('merge, zip and combineLatest fail when an input fails', async () => {
    for (const combine of [
      (chs: Chan<number>[]) => merge(chs),
      (chs: Chan<number>[]) => zip(chs),
      (chs: Chan<number>[]) => combineLatest(chs),
    ]) {
      const healthy = src([10, 20, 30]);
      const failing = src([1, 2]).map(throwsAt(2));
      const { error } = await iterated(combine([healthy, failing]) as Chan<unknown>);
      expect(error).toBe(boom);
    }
  });

  test('zip fails at once when a pending get finds the failure, even while another input is silent', async () => {
    const silent = flavor.make(8);
    const failing = src([0]).map(throwsAt(0)); // fails on its first value
    const { error } = await iterated(zip([silent, failing]));
    expect(error).toBe(boom);
    expect(await silent.offer(5)).toBe(true); // the withdrawn get took nothing
    expect(await silent.get()).toBe(5);
  });

  test('mult: every tap fails, close: false ones too', async () => {
    const m = src([1, 2, 3]).map(throwsAt(3)).mult();
    const a = m.tap();
    const b = m.tap(flavor.make(8), { close: false });
    const [ra, rb] = await Promise.all([iterated(a), iterated(b)]);
    expect(ra).toEqual({ values: [1, 2], error: boom });
    expect(rb).toEqual({ values: [1, 2], error: boom });
  });

  test('pub: a throwing topic function fails every subscriber', async () => {
    const input = flavor.make(8);
    const p = input.pub((x) => {
      if (x === 3) throw boom;
      return x % 2;
    });
    const odd = p.sub(1, chan<number>(8));
    const even = p.sub(0, chan<number>(8));
    await onto(input, [1, 2, 3, 4]);
    expect(await iterated(odd)).toEqual({ values: [1], error: boom });
    expect(await iterated(even)).toEqual({ values: [2], error: boom });
  });

  test('split and distribute fail every output', async () => {
    const [t, f] = src([1, 2, 3]).map(throwsAt(3)).split((x) => x % 2 === 1);
    expect(await Promise.all([iterated(t), iterated(f)])).toEqual([
      { values: [1], error: boom },
      { values: [2], error: boom },
    ]);
    const outs = [flavor.make(8), flavor.make(8)];
    src([1, 2, 3]).map(throwsAt(3)).distribute(outs);
    const results = await Promise.all(outs.map(iterated));
    expect(results.flatMap((r) => r.values).sort()).toEqual([1, 2]);
    expect(results.map((r) => r.error)).toEqual([boom, boom]);
  });
});

describe('iterables that throw', () => {
  test('onto rejects and fails the channel', async () => {
    function* gen() {
      yield 1;
      throw boom;
    }
    const c = chan<number>(8);
    await expect(settles(onto(c, gen()), 'onto')).rejects.toBe(boom);
    expect(await iterated(c)).toEqual({ values: [1], error: boom });
  });

  test('onto from a failed channel (a channel is an async iterable) rejects with its error', async () => {
    const failed = range(3).map(throwsAt(1));
    const c = chan<number>(8);
    await expect(settles(onto(c, failed), 'onto')).rejects.toBe(boom);
    expect(await iterated(c)).toEqual({ values: [0], error: boom });
  });

  test('fromIterable over a rejecting async iterable fails its output', async () => {
    async function* gen() {
      yield 1;
      await delay(1);
      throw boom;
    }
    expect(await iterated(fromIterable(gen()))).toEqual({ values: [1], error: boom });
  });

  test('map with flatten: f returning a non-iterable, or an iterable that throws midway', async () => {
    const notIterable = await iterated(range(1).map(() => 5 as never, { flatten: true }));
    expect(notIterable.error).toBeInstanceOf(TypeError);
    expect(String(notIterable.error)).toMatch(/f must return an iterable/);
    function* twoThenThrow() {
      yield 1;
      yield 2;
      throw boom;
    }
    expect(await iterated(range(1).map(twoThenThrow, { flatten: true }))).toEqual({ values: [1, 2], error: boom });
    // With onError, the items already emitted stay, and the replacement follows them.
    expect(await drain(range(1).map(twoThenThrow, { flatten: true, onError: () => 9 }))).toEqual([1, 2, 9]);
  });

  test('a value the output cannot carry (a string into an f64 channel) fails the stage', async () => {
    const out = flavors[1]!.make();
    const { error } = await iterated(range(2).map((x) => (x === 1 ? ('one' as never) : x), { out }));
    expect(error).toBeInstanceOf(TypeError);
  });

  test('an iterable yielding undefined is a TypeError failure', async () => {
    const { values, error } = await iterated(fromIterable([1, undefined as unknown as number, 3]));
    expect(values).toEqual([1]);
    expect(error).toBeInstanceOf(TypeError);
  });
});

describe('failure records', () => {
  test('the first error recorded on a channel wins', () => {
    const c = chan<number>();
    const first = new Error('first');
    recordFailure(c, first);
    recordFailure(c, new Error('second'));
    expect(pipelineError(c)).toBe(first);
  });

  test('`throw undefined` is still reported, as an Error', async () => {
    const out = range(2).map(() => {
      throw undefined;
    });
    const { error } = await iterated(out);
    expect(error).toBeInstanceOf(Error);
    expect(pipelineError(out)).toBe(error);
  });

  test('a channel nobody failed has no pipelineError, and iterates to its end quietly', async () => {
    const out = range(3).map((x) => x);
    expect(await iterated(out)).toEqual({ values: [0, 1, 2], error: undefined });
    expect(pipelineError(out)).toBe(undefined);
  });
});
