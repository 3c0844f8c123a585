/**
 * What every combinator shares: reading its options, making its output, and running its loop
 * in the background under one error policy.
 *
 * A stage is a task that reads its input(s) and writes its output(s) through the public Chan
 * API only, so it works on every channel flavor.
 *
 * Invariants of every stage:
 *   G1  it ends in exactly one of three ways: its input ended (it closes its outputs, unless
 *       `close: false`), its output closed or it had nothing more to do (it stops reading),
 *       or it failed (`fail`: the error is recorded on every output, which is then closed,
 *       even with `close: false`, since a consumer would otherwise wait for values that
 *       will never come).
 *   G2  a failure is never lost: a stage whose input is closed with a recorded failure fails
 *       with that same error (its `for await` over the input throws it), so the error travels
 *       down the pipeline to whoever consumes its end.
 *   G3  the background task never rejects (nothing becomes an unhandled rejection): every
 *       error is turned into a failure of the outputs (G1).
 *   G4  a stage takes an input value only when it is ready to handle it (aiochan and
 *       core.async): it learns that its output closed on its next put, and the value it
 *       was putting is dropped.
 */
import { chan } from '../core/chan.js';
import { describe } from '../errors.js';
import { recordFailure } from '../internal/failure.js';
import { isPort, type Chan, type CloseOptions, type FnStageOptions, type OutSpec } from '../protocol.js';

/** What `attempt` returns when `onError` dropped the value. */
export const SKIP: unique symbol = Symbol('sabchan.skip');
export type Skip = typeof SKIP;

/** `opts` as an object of options (`{}` when absent). */
export function optionsOf(where: string, opts: unknown): Record<string, unknown> {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== 'object' || isPort(opts)) {
    throw new TypeError(`${where}: options must be an object, got ${describe(opts)}`);
  }
  return opts as Record<string, unknown>;
}

/** The output a stage writes into: the given channel, or a new `chan(spec)`. */
export function outputOf<U>(where: string, spec: OutSpec<U> | undefined, name = 'options.out'): Chan<U> {
  if (spec === undefined) return chan<U>();
  if (isPort(spec)) return spec as Chan<U>;
  try {
    return chan<U>(spec as number);
  } catch (err) {
    const E = err instanceof RangeError ? RangeError : TypeError;
    throw new E(
      `${where}: ${name} must be a channel, a buffer size or a buffers.* spec (${(err as Error).message})`,
    );
  }
}

/** The `close` option: `true` unless given `false`. */
export function closeOf(where: string, opts: CloseOptions | Record<string, unknown>): boolean {
  const close = (opts as CloseOptions).close;
  if (close === undefined) return true;
  if (typeof close !== 'boolean') {
    throw new TypeError(`${where}: options.close must be a boolean, got ${describe(close)}`);
  }
  return close;
}

/** The `onError` option, if any. */
export function onErrorOf<T, U>(where: string, opts: Record<string, unknown>): FnStageOptions<T, U>['onError'] {
  const onError = opts['onError'];
  if (onError === undefined) return undefined;
  if (typeof onError !== 'function') {
    throw new TypeError(`${where}: options.onError must be a function (err, value) => replacement, got ${describe(onError)}`);
  }
  return onError as FnStageOptions<T, U>['onError'];
}

export function checkFn(where: string, name: string, f: unknown): void {
  if (typeof f !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${describe(f)}`);
}

/** An integer count >= `min`. */
export function checkCount(where: string, name: string, n: unknown, min: number): number {
  if (typeof n !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${n}`);
  }
  return n;
}

export function checkChan(where: string, name: string, x: unknown): void {
  if (!isPort(x)) throw new TypeError(`${where}: ${name} must be a channel, got ${describe(x)}`);
}

/** An array of channels (merge, zip, combineLatest, distribute). */
export function checkChans(where: string, name: string, xs: unknown): void {
  if (!Array.isArray(xs)) throw new TypeError(`${where}: ${name} must be an array of channels, got ${describe(xs)}`);
  xs.forEach((x, i) => checkChan(where, `${name}[${i}]`, x));
}

/** A value a stage is about to emit: `undefined` is the closed marker and cannot be put. */
export function emittable<U>(where: string, what: string, value: U | undefined): U {
  if (value === undefined) {
    throw new TypeError(
      `${where}: ${what} returned undefined, which is the closed marker and cannot be sent; ` +
        'return null (or filter the value out) instead',
    );
  }
  return value;
}

/**
 * Calls `f(value)`, routing a throw through `onError` (G1): its result replaces f's, and
 * `undefined` from it means SKIP. Without `onError` the error propagates (the stage fails).
 */
export function attempt<T, R>(
  f: (value: T) => R,
  value: T,
  onError: ((err: unknown, value: T) => R | undefined) | undefined,
): R | Skip {
  if (onError === undefined) return f(value);
  try {
    return f(value);
  } catch (err) {
    const replacement = onError(err, value);
    return replacement === undefined ? SKIP : replacement;
  }
}

/** G1: records `err` on every output and closes it. */
export function fail(outs: Chan<any> | readonly Chan<any>[], err: unknown): void {
  for (const out of Array.isArray(outs) ? outs : [outs as Chan<any>]) {
    recordFailure(out, err);
    out.close();
  }
}

/**
 * Runs a stage's loop in the background (G3). When `body` returns, closes `outs` if `close`;
 * when it throws, fails them (G1). `outs` is read when the loop ends, so a stage may pass a
 * function returning its current outputs.
 */
export function run(
  outs: Chan<any> | readonly Chan<any>[] | (() => readonly Chan<any>[]),
  close: boolean,
  body: () => Promise<void>,
): void {
  const current = (): Chan<any> | readonly Chan<any>[] => (typeof outs === 'function' ? outs() : outs);
  body().then(
    () => {
      if (!close) return;
      const o = current();
      for (const out of Array.isArray(o) ? o : [o as Chan<any>]) out.close();
    },
    (err: unknown) => fail(current(), err),
  );
}
