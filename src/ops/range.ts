/**
 * `range()`, `range(end)`, `range(start, end)`, `range(start, end, step)`: aiochan's
 * `from_range`, as a lazy channel of numbers (see `fromIterable`). `range()` counts from 0
 * forever, and so does an `end` of `undefined` or `Infinity` (`range(5, undefined, 2)`:
 * 5, 7, 9, ...). Options (`out`, `close`) may follow as a last object argument.
 */
import { describe } from '../errors.js';
import type { Chan, StageOptions } from '../protocol.js';
import { fromIterable } from './pipe.js';

function* count(start: number, end: number, step: number): Generator<number> {
  // start + i * step rather than repeated addition, so fractional steps do not drift.
  for (let i = 0; ; i++) {
    const v = start + i * step;
    if (step > 0 ? v >= end : v <= end) return;
    yield v;
  }
}

function num(name: string, x: unknown, allowInfinite: boolean): number {
  if (typeof x !== 'number') throw new TypeError(`range: ${name} must be a number, got ${describe(x)}`);
  if (Number.isNaN(x) || (!allowInfinite && !Number.isFinite(x))) {
    throw new RangeError(`range: ${name} must be a finite number, got ${x}`);
  }
  return x;
}

export function range(opts?: StageOptions<number>): Chan<number>;
export function range(end: number | undefined, opts?: StageOptions<number>): Chan<number>;
export function range(start: number, end: number | undefined, opts?: StageOptions<number>): Chan<number>;
export function range(start: number, end: number | undefined, step: number, opts?: StageOptions<number>): Chan<number>;
export function range(...args: unknown[]): Chan<number> {
  const last = args[args.length - 1];
  const opts = typeof last === 'object' && last !== null ? (args.pop() as StageOptions<number>) : undefined;
  if (args.length > 3) throw new TypeError(`range: expected at most 3 numbers (start, end, step), got ${args.length} arguments`);
  let start = 0;
  let end: unknown = undefined;
  let step = 1;
  if (args.length === 1) end = args[0];
  else if (args.length >= 2) {
    start = num('start', args[0], false);
    end = args[1];
    if (args.length === 3) step = num('step', args[2], false);
  }
  const stop = end === undefined ? (step > 0 ? Infinity : -Infinity) : num('end', end, true);
  if (step === 0) throw new RangeError('range: step must not be 0 (the range would never advance)');
  return fromIterable(count(start, stop, step), opts);
}
