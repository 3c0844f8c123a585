/** Several inputs or several outputs: merge, zip, combineLatest, split, distribute. */
import { afterEach, describe, expect, test } from 'vitest';
import { chan, combineLatest, merge, zip, type Chan } from '../../src/index.js';
import { isPending } from '../contract/pending.js';
import { closeAll, drain, flavors, settles, source } from './helpers.js';

afterEach(closeAll);

describe.each(flavors)('$name channels', (flavor) => {
  const src = (values: Iterable<number>): Chan<number> => source(flavor, values);

  test('merge delivers every value once, each input in order, and closes after all inputs', async () => {
    const got = await drain(merge([src([1, 2, 3]), src([10, 20]), src([])]));
    expect([...got].sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20]);
    expect(got.filter((x) => x < 10)).toEqual([1, 2, 3]);
    expect(got.filter((x) => x >= 10)).toEqual([10, 20]);
  });

  test('merge of no inputs closes at once', async () => {
    expect(await drain(merge<number>([]))).toEqual([]);
  });

  test('merge with close: false leaves the output open', async () => {
    const out = flavor.make(8);
    merge([src([1]), src([2])], { out, close: false });
    expect((await settles(out.collect(2), 'two values')).sort()).toEqual([1, 2]);
    expect(await isPending(out.get())).toBe(true);
  });

  test('zip yields undefined for closed inputs and stops when all are closed (aiochan)', async () => {
    const out = zip([src([1, 2, 3, 4]), src([10, 20, 30]), src([100, 200, 300, 400])]);
    expect(await drain(out)).toEqual([
      [1, 10, 100],
      [2, 20, 200],
      [3, 30, 300],
      [4, undefined, 400],
    ]);
  });

  test('zip with close: false leaves the output open (aiochan closed it anyway)', async () => {
    const out = chan<(number | undefined)[]>(8); // rows are arrays: an in-thread channel
    zip([src([1]), src([2])], { out, close: false });
    expect(await settles(out.get(), 'a row')).toEqual([1, 2]);
    expect(await isPending(out.get())).toBe(true);
    expect(out.closed).toBe(false);
  });

  test('zip of inputs that are all closed already emits nothing', async () => {
    expect(await drain(zip([src([]), src([])]))).toEqual([]);
    expect(await drain(zip([]))).toEqual([]);
  });

  test('combineLatest emits the latest of every input, undefined until heard from', async () => {
    const a = flavor.make(8);
    const b = flavor.make(8);
    const out = combineLatest([a, b]);
    await a.put(1);
    expect(await settles(out.get(), 'row 1')).toEqual([1, undefined]);
    await b.put(10);
    expect(await settles(out.get(), 'row 2')).toEqual([1, 10]);
    await a.put(2);
    expect(await settles(out.get(), 'row 3')).toEqual([2, 10]);
    a.close();
    await b.put(20);
    expect(await settles(out.get(), 'row 4')).toEqual([2, 20]); // a closed: its last value stays
    expect(await isPending(out.get())).toBe(true); // b is still open
    b.close();
    expect(await drain(out)).toEqual([]);
  });

  test('combineLatest with close: false leaves the output open (aiochan closed it anyway)', async () => {
    const out = chan<(number | undefined)[]>(8); // rows are arrays: an in-thread channel
    combineLatest([src([1])], { out, close: false });
    expect(await settles(out.get(), 'a row')).toEqual([1]);
    expect(await isPending(out.get())).toBe(true);
  });

  test('split routes by predicate and closes both outputs', async () => {
    const [even, odd] = src([1, 2, 3, 4, 5]).split((x) => x % 2 === 0, { out: [flavor.make(8), flavor.make(8)] });
    const [e, o] = await Promise.all([drain(even), drain(odd)]);
    expect(e).toEqual([2, 4]);
    expect(o).toEqual([1, 3, 5]);
  });

  test('split stops when the output a value goes to is closed (core.async)', async () => {
    const input = flavor.make(8);
    for (const v of [1, 2, 3]) await input.put(v);
    const [t, f] = input.split(() => true, { out: [flavor.make(1), 1] });
    t.close();
    expect(await settles(f.get(), 'the false output closed')).toBe(undefined);
    expect(await isPending(f.get())).toBe(false);
  });

  test('distribute hands each value to one output, and closes them when the input closes', async () => {
    const outs = [flavor.make(8), flavor.make(8), flavor.make(8)];
    const input = src([1, 2, 3, 4, 5, 6]);
    expect(input.distribute(outs)).toBe(input);
    const got = await Promise.all(outs.map((o) => drain(o)));
    expect(got.flat().sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('distribute retries a value on another output when one turns out closed', async () => {
    const closed = flavor.make(8);
    closed.close();
    const open = flavor.make(8);
    src([1, 2, 3]).distribute([closed, open]);
    expect(await drain(open)).toEqual([1, 2, 3]);
  });

  test('distribute with close: false leaves the outputs open', async () => {
    const out = flavor.make(8);
    src([1]).distribute([out], { close: false });
    expect(await settles(out.get(), 'the value')).toBe(1);
    expect(await isPending(out.get())).toBe(true);
  });
});
