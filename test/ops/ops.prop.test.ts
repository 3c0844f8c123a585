/**
 * Property tests: a random chain of one-input stages over a random input gives what the same
 * chain gives over an Array (the model), on both channel flavors, with random output buffers.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import type { Chan } from '../../src/index.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';
import { closeAll, drain, flavors, source } from './helpers.js';

afterEach(closeAll);

type Step =
  | { op: 'map'; k: number; c: number }
  | { op: 'filter'; m: number }
  | { op: 'take'; n: number }
  | { op: 'drop'; n: number }
  | { op: 'takeWhile'; t: number }
  | { op: 'dropWhile'; t: number }
  | { op: 'distinct' }
  | { op: 'scan' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), k: fc.integer({ min: -3, max: 3 }), c: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ op: fc.constant('filter' as const), m: fc.integer({ min: 2, max: 4 }) }),
  fc.record({ op: fc.constant('take' as const), n: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ op: fc.constant('drop' as const), n: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ op: fc.constant('takeWhile' as const), t: fc.integer({ min: -5, max: 20 }) }),
  fc.record({ op: fc.constant('dropWhile' as const), t: fc.integer({ min: -5, max: 20 }) }),
  fc.constant({ op: 'distinct' as const }),
  fc.constant({ op: 'scan' as const }),
);

/** The model: the same step over an array. */
function model(xs: number[], s: Step): number[] {
  switch (s.op) {
    case 'map':
      return xs.map((x) => x * s.k + s.c);
    case 'filter':
      return xs.filter((x) => x % s.m !== 0);
    case 'take':
      return xs.slice(0, s.n);
    case 'drop':
      return xs.slice(s.n);
    case 'takeWhile': {
      const i = xs.findIndex((x) => !(x < s.t));
      return i < 0 ? xs : xs.slice(0, i);
    }
    case 'dropWhile': {
      const i = xs.findIndex((x) => !(x < s.t));
      return i < 0 ? [] : xs.slice(i);
    }
    case 'distinct':
      return xs.filter((x, i) => i === 0 || x !== xs[i - 1]);
    case 'scan': {
      let acc = 0;
      return [0, ...xs.map((x) => (acc += x))];
    }
  }
}

/** The real thing: the step as a chain method, into a random buffer. */
function real(ch: Chan<number>, s: Step, out: number): Chan<number> {
  const o = { out };
  switch (s.op) {
    case 'map':
      return ch.map((x) => x * s.k + s.c, o);
    case 'filter':
      return ch.filter((x) => x % s.m !== 0, o);
    case 'take':
      return ch.take(s.n, o);
    case 'drop':
      return ch.drop(s.n, o);
    case 'takeWhile':
      return ch.takeWhile((x) => x < s.t, o);
    case 'dropWhile':
      return ch.dropWhile((x) => x < s.t, o);
    case 'distinct':
      return ch.distinct(o);
    case 'scan':
      return ch.scan((a, b) => a + b, 0, o);
  }
}

const inputArb = fc.array(fc.integer({ min: -10, max: 10 }), { maxLength: 25 });
const chainArb = fc.array(fc.tuple(stepArb, fc.integer({ min: 0, max: 3 })), { maxLength: 5 });
const RUNS = 60;

describe.each(flavors)('$name input', (flavor) => {
  test(
    'a chain of stages equals the same chain over an Array',
    async () => {
      await fc.assert(
        fc.asyncProperty(inputArb, chainArb, async (input, chain) => {
          let expected = input;
          let ch = source(flavor, input);
          for (const [step, out] of chain) {
            expected = model(expected, step);
            ch = real(ch, step, out);
          }
          expect(await drain(ch)).toEqual(expected);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );

  test(
    'distinct equals dropping consecutive duplicates (inputs with many repeats)',
    async () => {
      const repeats = fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 30 });
      await fc.assert(
        fc.asyncProperty(repeats, async (input) => {
          expect(await drain(source(flavor, input).distinct())).toEqual(model(input, { op: 'distinct' }));
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );

  test(
    'group(n) equals chunking the Array; reduce(+) equals its sum',
    async () => {
      await fc.assert(
        fc.asyncProperty(inputArb, fc.integer({ min: 1, max: 6 }), async (input, n) => {
          const chunks: number[][] = [];
          for (let i = 0; i < input.length; i += n) chunks.push(input.slice(i, i + n));
          expect(await drain(source(flavor, input).group(n))).toEqual(chunks);
          const sum = await drain(source(flavor, input).reduce((a, b) => a + b, 0));
          expect(sum).toEqual([input.reduce((a, b) => a + b, 0)]);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});
