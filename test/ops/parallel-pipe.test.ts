/**
 * parallelPipe / parallelPipeUnordered over real worker threads (2 workers, the stage
 * functions in ./fixtures/stages.ts). Exact results, error policy, dead workers, early closes
 * at either end. Process exit after a pipeline: ./parallel-pipe-lifetime.test.ts.
 * Every wait is bounded by the test timeout; no assertion is about time.
 */
import { describe, expect, it } from 'vitest';
import { chan, parallelPipe, parallelPipeUnordered, sharedChan, structCodec, type Chan } from '../../src/index.js';
import { failureOf, recordFailure } from '../../src/internal/failure.js';
import { sleep } from '../helpers/async.js';

const STAGES = new URL('./fixtures/stages.ts', import.meta.url);
const T = 30_000;

/** A channel that yields `values`, then closes (if `close`). */
function source(values: readonly unknown[], close = true): Chan<number> {
  const ch = chan<number>(values.length + 1);
  for (const v of values) ch.offer(v as number);
  if (close) ch.close();
  return ch;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);

/** Everything the output delivers until it closes, and the failure recorded on it. */
async function drain(out: Chan<number>): Promise<{ values: number[]; failure: unknown }> {
  const values: number[] = [];
  for (let v = await out.get(); v !== undefined; v = await out.get()) values.push(v);
  return { values, failure: failureOf(out) };
}

describe('parallelPipe: results', () => {
  it('the chain forms: ch.parallelPipe(n, module) and ch.parallelPipeUnordered(n, module, opts) on any channel of numbers', async () => {
    const xs = range(0, 500);
    const ordered = await drain(source(xs).parallelPipe(2, STAGES));
    expect(ordered).toEqual({ values: xs.map((x) => x * x), failure: undefined });
    const shared = sharedChan({ type: 'f64', capacity: 8 });
    const fed = shared.onto(xs);
    const unordered = await drain(shared.parallelPipeUnordered(2, STAGES, { window: 16 }));
    expect(await fed).toBe(true);
    expect(unordered.failure).toBeUndefined();
    expect(sorted(unordered.values)).toEqual(xs.map((x) => x * x));
    // Numbers only: the chain form is typed for channels of numbers (checked by tsc, not run).
    // @ts-expect-error a channel of strings has no parallelPipe it can use
    const typedForNumbers = (): unknown => chan<string>(1).parallelPipe(2, STAGES);
    expect(typeof typedForNumbers).toBe('function');
  }, T);

  it('ordered, sync default export: every result, in input order', async () => {
    const xs = range(0, 3000);
    const { values, failure } = await drain(parallelPipe(source(xs), 2, STAGES));
    expect(failure).toBeUndefined();
    expect(values).toEqual(xs.map((x) => x * x));
  }, T);

  it('ordered, async export by name, finishing out of order: still in input order', async () => {
    const xs = range(0, 300);
    const out = parallelPipe(source(xs), 2, STAGES, { exportName: 'slowDouble', window: 8 });
    const { values, failure } = await drain(out);
    expect(failure).toBeUndefined();
    expect(values).toEqual(xs.map((x) => 2 * x));
  }, T);

  it('ordered, a sync stage slow enough that workers write results before their chunk ends', async () => {
    const xs = range(0, 400);
    const out = parallelPipe(source(xs), 2, STAGES, { exportName: 'slowTenths', window: 32 });
    const { values, failure } = await drain(out);
    expect(failure).toBeUndefined();
    expect(values).toEqual(xs.map((x) => x * x));
  }, T);

  it('unordered, async: the same multiset', async () => {
    const xs = range(0, 300);
    const { values, failure } = await drain(parallelPipeUnordered(source(xs), 2, STAGES, { exportName: 'slowDouble' }));
    expect(failure).toBeUndefined();
    expect(sorted(values)).toEqual(xs.map((x) => 2 * x));
  }, T);

  it('unordered, sync: the same multiset', async () => {
    const xs = range(-1000, 1000);
    const { values } = await drain(parallelPipeUnordered(source(xs), 2, STAGES));
    expect(sorted(values)).toEqual(sorted(xs.map((x) => x * x)));
  }, T);

  it('both workers take part', async () => {
    const { values } = await drain(parallelPipeUnordered(source(range(0, 500)), 2, STAGES, { exportName: 'whichThread', window: 4 }));
    expect(values).toHaveLength(500);
    expect(new Set(values).size).toBe(2);
  }, T);

  it('reads a shared channel, fed while it runs, and the module given as a path', async () => {
    const input = sharedChan({ type: 'i32', capacity: 64 });
    const out = parallelPipe(input, 2, new URL(STAGES).pathname);
    const feeding = (async () => {
      for (let i = 0; i < 2000; i += 100) await input.putMany(range(i, i + 100));
      input.close();
    })();
    const { values, failure } = await drain(out);
    await feeding;
    expect(failure).toBeUndefined();
    expect(values).toEqual(range(0, 2000).map((x) => x * x));
  }, T);

  it('an input closed early (or empty): the output closes with what there was', async () => {
    expect(await drain(parallelPipe(source([]), 2, STAGES))).toEqual({ values: [], failure: undefined });
    expect(await drain(parallelPipe(source([1, 2, 3]), 2, STAGES))).toEqual({ values: [1, 4, 9], failure: undefined });
  }, T);
});

describe('parallelPipe: objects (codec)', () => {
  const words = (n: number) => Array.from({ length: n }, (_, id) => ({ id, word: 'w'.repeat(id % 50) + String(id) }));

  it('json, ordered: every result in input order, large and small messages, an async stage', async () => {
    const xs = words(600);
    const input = chan<{ id: number; word: string }>(xs.length + 1);
    for (const x of xs) input.offer(x);
    input.close();
    const out = parallelPipe(input, 2, STAGES, { exportName: 'describeWord', codec: 'json', window: 16 });
    expect(out.type).toBe('object');
    const got: unknown[] = [];
    for await (const r of out) got.push(r);
    expect(got).toEqual(xs.map((x) => ({ id: x.id, length: x.word.length, upper: x.word.toUpperCase() })));
  }, T);

  it('struct, unordered: the same multiset; byte rings fill and drain without a deadlock', async () => {
    const codec = structCodec({ id: 'u32', values: 'f64[16]' });
    const xs = Array.from({ length: 2000 }, (_, id) => ({ id, values: Array.from({ length: 16 }, (_, j) => id + j / 4) }));
    const input = sharedChan({ codec, capacity: 32 });
    const fed = input.onto(xs);
    type Reading = { id: number; values: number[] };
    const out = parallelPipeUnordered<Reading, Reading>(input, 2, STAGES, { exportName: 'scaleReading', codec, window: 64 });
    const got = await out.collect();
    expect(await fed).toBe(true);
    expect(got.map((r) => r.id).sort((a, b) => a - b)).toEqual(xs.map((x) => x.id));
    for (const r of got) expect(r.values).toEqual(xs[r.id]!.values.map((v) => v * 2));
  }, T);

  it('errors: onError sees the original object; a result the codec cannot encode is a failure of that value', async () => {
    const xs = Array.from({ length: 20 }, (_, id) => ({ id }));
    const input = chan<{ id: number }>(32);
    for (const x of xs) input.offer(x);
    input.close();
    const seen: [string, unknown][] = [];
    const out = parallelPipe<{ id: number }, { id: number; ok: boolean }>(input, 2, STAGES, {
      exportName: 'objectTrouble',
      codec: 'json',
      onError: (err, value) => {
        seen.push([(err as Error).name, value]);
        return { id: (value as { id: number }).id, ok: false };
      },
    });
    const got = await out.collect();
    expect(got.map((r) => r.id)).toEqual(xs.map((x) => x.id));
    expect(got.filter((r) => !r.ok).map((r) => r.id)).toEqual([0, 4, 7, 8, 12, 16]);
    expect(seen).toContainEqual(['TypeError', { id: 7 }]); // 7n: JSON cannot encode a BigInt
    expect(seen).toContainEqual(['RangeError', { id: 4 }]);
  }, T);

  it('maxMessageBytes sizes the channels: a 100 KB value and its result go through; without it the input fails the pipeline, naming the option', async () => {
    const big = { id: 1, text: 'x'.repeat(100_000) };
    const twoValues = (): Chan<unknown> => {
      const input = chan<unknown>(4);
      input.offer({ id: 0, text: 'small' });
      input.offer(big);
      input.close();
      return input;
    };
    const sized = await drain(parallelPipe(twoValues() as never, 2, STAGES, { exportName: 'identity', codec: 'json', maxMessageBytes: 200_000 }) as never);
    expect(sized.failure).toBeUndefined();
    expect(sized.values).toEqual([{ id: 0, text: 'small' }, big]);
    const unsized = await drain(parallelPipe(twoValues() as never, 2, STAGES, { exportName: 'identity', codec: 'json' }) as never);
    expect(unsized.failure).toBeInstanceOf(RangeError);
    expect((unsized.failure as Error).message).toMatch(/parallelPipe: a value of the input is larger than 65528 bytes once encoded; give parallelPipe a larger maxMessageBytes option/);
    expect(() => parallelPipe(chan(), 2, STAGES, { maxMessageBytes: 1000 })).toThrow(/maxMessageBytes is for object payloads; give a codec too/);
    expect(() => parallelPipe(chan(), 2, STAGES, { codec: 'json', maxMessageBytes: 0 })).toThrow(RangeError);
  }, T);

  it('bad input: a custom codec object cannot be sent to the workers (TypeError); an unencodable input fails the pipeline', async () => {
    const custom = { name: 'mine', encode: () => 0, decode: () => null };
    expect(() => parallelPipe(chan(), 2, STAGES, { codec: custom })).toThrow(/cannot be sent to the workers/);
    const input = chan<unknown>(4);
    input.offer({ id: 1 });
    input.offer({ id: 2, big: 1n });
    input.close();
    const out = parallelPipe(input, 2, STAGES, { exportName: 'objectTrouble', codec: 'json' });
    const { values, failure } = await drain(out as never);
    // The pipeline stops at the bad input; the value before it may or may not have made it out
    // (values in flight are discarded), but nothing after it, and nothing twice.
    expect([[], [{ id: 1, ok: true }]]).toContainEqual(values);
    expect(failure).toBeInstanceOf(TypeError);
    expect(String(failure)).toMatch(/BigInt/);
  }, T);
});

describe('parallelPipe: errors', () => {
  it('onError replaces a failed value (thrown or rejected), in order, with the input value and the error', async () => {
    for (const exportName of ['throwsOnFives', 'rejectsOnFives']) {
      const seen: [string, number][] = [];
      const out = parallelPipe(source(range(1, 101)), 2, STAGES, {
        exportName,
        onError: (err, value) => {
          seen.push([(err as Error).message, value]);
          return -value;
        },
      });
      const { values, failure } = await drain(out);
      expect(failure).toBeUndefined();
      expect(values).toEqual(range(1, 101).map((x) => (x % 5 === 0 ? -x : x + 1000)));
      expect(seen).toEqual(range(1, 101).filter((x) => x % 5 === 0).map((x) => [`no fives: ${x}`, x]));
    }
  }, T);

  it('onError returning undefined drops the value; an async onError works too', async () => {
    const out = parallelPipeUnordered(source(range(1, 101)), 2, STAGES, {
      exportName: 'throwsOnFives',
      onError: async () => undefined,
    });
    const { values, failure } = await drain(out);
    expect(failure).toBeUndefined();
    expect(sorted(values)).toEqual(range(1, 101).filter((x) => x % 5 !== 0).map((x) => x + 1000));
  }, T);

  it('without onError, ordered: the values before the failure, then the output closes with the error', async () => {
    for (const exportName of ['throwsOnFives', 'rejectsOnFives']) {
      const { values, failure } = await drain(parallelPipe(source(range(1, 1001)), 2, STAGES, { exportName }));
      expect(values).toEqual([1001, 1002, 1003, 1004]);
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).name).toBe('RangeError');
      expect((failure as Error).message).toBe('no fives: 5');
    }
  }, T);

  it('without onError, unordered: the output closes with the error', async () => {
    const { values, failure } = await drain(parallelPipeUnordered(source(range(1, 1001)), 2, STAGES, { exportName: 'throwsOnFives' }));
    expect((failure as Error).message).toMatch(/^no fives: \d+$/);
    expect(values.every((v) => v > 1000 && v % 5 !== 0)).toBe(true);
  }, T);

  it('a stage returning a non-number is a failure of that value (onError sees a TypeError)', async () => {
    const errors: unknown[] = [];
    const out = parallelPipe(source([1, 2, 3, 4]), 2, STAGES, { exportName: 'notANumber', onError: (e) => (errors.push(e), 0) });
    expect((await drain(out)).values).toEqual([1, 2, 0, 4]);
    expect((errors[0] as Error).message).toMatch(/returned string "three" for the value 3/);
  }, T);

  it('onError that throws fails the pipeline with its error', async () => {
    const out = parallelPipe(source(range(1, 50)), 2, STAGES, {
      exportName: 'throwsOnFives',
      onError: () => {
        throw new Error('onError gave up');
      },
    });
    const { values, failure } = await drain(out);
    expect(values).toEqual([1001, 1002, 1003, 1004]);
    expect((failure as Error).message).toBe('onError gave up');
  }, T);

  it('a worker that exits (process.exit in the stage) fails the pipeline, naming the exit code', async () => {
    const { values, failure } = await drain(parallelPipe(source(range(0, 1000)), 2, STAGES, { exportName: 'exitsAt13' }));
    expect((failure as Error).message).toMatch(/worker \d of 2 running .*stages\.ts#exitsAt13 exited unexpectedly \(exit code 3\)/);
    expect(values).toEqual(range(0, values.length)); // a prefix, in order
    expect(values.length).toBeLessThan(1000);
  }, T);

  it('a worker that dies of an uncaught error fails the pipeline with that error', async () => {
    const input = chan<number>(1);
    const out = parallelPipe(input, 2, STAGES, { exportName: 'throwsLaterAt13' });
    // Never closed: the failure alone must end the output.
    void (async () => {
      for (let i = 0; await input.put(i); i++);
    })();
    const { failure } = await drain(out);
    expect((failure as Error).message).toMatch(/crashed with an uncaught error: boom from a timer/);
    input.close();
  }, T);

  it('a module that cannot be imported, or a missing export, fails the pipeline with a clear error', async () => {
    const missing = new URL('./fixtures/no-such-module.ts', import.meta.url);
    let r = await drain(parallelPipe(source([1, 2]), 2, missing));
    expect((r.failure as Error).message).toMatch(/parallelPipe: cannot import the stage module .*no-such-module\.ts \(for its export 'default'\) in a worker/);
    // An empty input too: the pipeline waits for its workers to leave before it closes the
    // output, so their import error is not cut off (found by review: it used to close quietly).
    r = await drain(parallelPipe(source([]), 2, missing));
    expect((r.failure as Error).message).toMatch(/parallelPipe: cannot import the stage module .*no-such-module\.ts/);
    r = await drain(parallelPipe(source([1, 2]), 2, STAGES, { exportName: 'nope' }));
    expect((r.failure as Error).message).toMatch(/the module .*stages\.ts has no function export 'nope' \(it is undefined; the module exports: default, .*throwsOnFives/);
    r = await drain(parallelPipe(source([1, 2]), 1, STAGES, { exportName: 'notAFunction' }));
    expect((r.failure as Error).message).toMatch(/no function export 'notAFunction' \(it is number 42/);
  }, T);

  it("an input closed by a failed upstream stage: every value, then the upstream's error", async () => {
    const input = source([1, 2, 3], false);
    const upstream = new Error('upstream stage failed');
    recordFailure(input, upstream);
    input.close();
    const { values, failure } = await drain(parallelPipe(input, 2, STAGES));
    expect(values).toEqual([1, 4, 9]);
    expect(failure).toBe(upstream);
  }, T);

  it('a non-number input value fails the pipeline with a TypeError', async () => {
    const { failure } = await drain(parallelPipe(source([1, 'two', 3]), 2, STAGES));
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as Error).message).toMatch(/the input gave string "two"; without a codec a parallelPipe carries numbers/);
  }, T);
});

describe('parallelPipe: stopping', () => {
  it('the consumer closing the output stops the pipeline: it takes nothing more from the input', async () => {
    const input = source(range(0, 5000), false);
    const out = parallelPipe(input, 2, STAGES, { window: 8, buffer: 4 });
    for (let i = 0; i < 10; i++) expect(await out.get()).toBe(i * i);
    out.close();
    await sleep(300); // long enough to drain the input many times over, had it not stopped
    // Taken from the input at most: 10 we got, 4 in the output, 2 * 2 * 8 in flight (ordered:
    // twice the workers' windows), one more send of 8, and the value it stopped on.
    let left = 0;
    while (input.poll() !== undefined) left++;
    expect(left).toBeGreaterThanOrEqual(5000 - 10 - 4 - 32 - 8 - 1);
    expect(failureOf(out)).toBeUndefined();
  }, T);

  it('a stage stuck in a loop does not keep the pipeline running once the output is closed', async () => {
    const input = source([0, 1, 2], false); // left open: the feeder waits on it, unaware
    const out = parallelPipeUnordered(input, 2, STAGES, { exportName: 'spinsOnZero', window: 1 });
    expect([await out.get(), await out.get()].sort()).toEqual([1, 2]);
    out.close(); // nothing more will come: only the pipeline's watch on the output notices
    // The stuck worker is terminated; were it not, the lifetime test's process would never exit.
    expect(failureOf(out)).toBeUndefined();
  }, T);

  it('bad arguments throw at once: TypeError for a wrong type, RangeError for a bad count', () => {
    const ch = source([]);
    expect(() => parallelPipe(ch, 0, STAGES)).toThrow(RangeError);
    expect(() => parallelPipe(ch, 1.5, STAGES)).toThrow(/n \(the number of workers\) must be an integer from 1/);
    expect(() => parallelPipe(ch, -1, STAGES)).toThrow(RangeError);
    expect(() => parallelPipe(ch, NaN, STAGES)).toThrow(RangeError);
    expect(() => parallelPipe(ch, '2' as never, STAGES)).toThrow(TypeError);
    expect(() => parallelPipe({} as never, 2, STAGES)).toThrow(/the input must be a channel/);
    expect(() => parallelPipe(ch, 2, 42 as never)).toThrow(/the module must be a URL or a path/);
    expect(() => parallelPipe(ch, 2, STAGES, { window: 0 })).toThrow(RangeError);
    expect(() => parallelPipe(ch, 2, STAGES, { buffer: 2.5 })).toThrow(RangeError);
    expect(() => parallelPipe(ch, 2, STAGES, { onError: 1 as never })).toThrow(TypeError);
    expect(() => parallelPipe(ch, 2, STAGES, { exportName: 1 as never })).toThrow(TypeError);
    expect(() => parallelPipe(ch, 2, STAGES, { codec: 'yaml' as never })).toThrow(/unknown codec 'yaml'/);
  });
});
