/**
 * `map(ch, f, { flatten })`: emits `f(v)` for every value, or with `flatten` the items of the
 * iterable `f(v)` returns, one by one (aiochan's `map(..., flatten=True)`, core.async's mapcat).
 * Runs under the stage rules of ./stage.ts (G1-G4).
 */
import { describe } from '../errors.js';
import type { Chan, MapOptions } from '../protocol.js';
import {
  attempt,
  checkChan,
  checkFn,
  closeOf,
  emittable,
  onErrorOf,
  optionsOf,
  outputOf,
  run,
  SKIP,
} from './stage.js';

export function map<T, U>(ch: Chan<T>, f: (value: T) => U, opts?: MapOptions<T, U> & { flatten?: false }): Chan<U>;
export function map<T, U>(ch: Chan<T>, f: (value: T) => Iterable<U>, opts: MapOptions<T, U> & { flatten: true }): Chan<U>;
export function map<T, U>(ch: Chan<T>, f: (value: T) => unknown, opts?: MapOptions<T, U>): Chan<U> {
  checkChan('map', 'ch', ch);
  checkFn('map', 'f', f);
  const o = optionsOf('map', opts);
  const flatten = o['flatten'] ?? false;
  if (typeof flatten !== 'boolean') {
    throw new TypeError(`map: options.flatten must be a boolean, got ${describe(flatten)}`);
  }
  const recover = onErrorOf<T, U>('map', o);
  const close = closeOf('map', o);
  const out = outputOf<U>('map', o['out'] as MapOptions<T, U>['out']);
  // `f` returning undefined counts as a failure of `f`, so that onError sees it too.
  const call = (v: T): unknown => {
    const r = f(v);
    if (flatten) {
      if (r === null || typeof (r as Iterable<U>)?.[Symbol.iterator] !== 'function') {
        throw new TypeError('map: with flatten: true, f must return an iterable (an array, a generator...)');
      }
      return r;
    }
    return emittable('map', 'f', r);
  };
  run(out, close, async () => {
    for await (const v of ch) {
      if (!flatten) {
        const r = attempt(call, v, recover);
        if (r !== SKIP && !(await out.put(r as U))) return;
        continue;
      }
      // Flattened, lazily (f may return an endless generator). A throw from f or from its
      // iterable is a failure of f for this value: items already emitted stay emitted, and
      // onError's replacement, if any, follows them.
      let failure: { err: unknown } | null = null;
      let it: Iterator<U> | null = null;
      try {
        it = (call(v) as Iterable<U>)[Symbol.iterator]();
      } catch (err) {
        failure = { err };
      }
      while (it !== null) {
        let step: IteratorResult<U>;
        try {
          step = it.next();
          if (step.done) break;
          emittable('map', 'the iterable returned by f', step.value);
        } catch (err) {
          failure = { err };
          break;
        }
        if (!(await out.put(step.value))) {
          it.return?.();
          return;
        }
      }
      if (failure !== null) {
        if (recover === undefined) throw failure.err;
        const replacement = recover(failure.err, v);
        if (replacement !== undefined && !(await out.put(replacement))) return;
      }
    }
  });
  return out;
}
