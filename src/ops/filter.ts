/**
 * Predicate stages: `filter`, `takeWhile`, `dropWhile` (aiochan's, itertools' semantics).
 * Runs under the stage rules of ./stage.ts (G1-G4). With `onError`, a predicate that throws
 * for `v` emits the replacement in v's place (`undefined`: nothing).
 */
import type { Chan, FnStageOptions } from '../protocol.js';
import { checkChan, checkFn, closeOf, onErrorOf, optionsOf, outputOf, run, SKIP } from './stage.js';

/** A predicate's verdict: keep (true), drop (false), or emit onError's replacement. */
type Verdict<T> = boolean | { replacement: T } | typeof SKIP;

function setup<T>(where: string, ch: Chan<T>, p: unknown, opts: unknown) {
  checkChan(where, 'ch', ch);
  checkFn(where, 'p', p);
  const o = optionsOf(where, opts);
  const onError = onErrorOf<T, T>(where, o);
  const test = (v: T): Verdict<T> => {
    try {
      return Boolean((p as (value: T) => unknown)(v));
    } catch (err) {
      if (onError === undefined) throw err;
      const replacement = onError(err, v);
      return replacement === undefined ? SKIP : { replacement };
    }
  };
  return { test, close: closeOf(where, o), out: outputOf<T>(where, o['out'] as FnStageOptions<T, T>['out']) };
}

/** Emits the values for which `p` returns a truthy result. */
export function filter<T>(ch: Chan<T>, p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
  const { test, close, out } = setup('filter', ch, p, opts);
  run(out, close, async () => {
    for await (const v of ch) {
      const verdict = test(v);
      if (verdict === SKIP || verdict === false) continue;
      if (!(await out.put(verdict === true ? v : verdict.replacement))) return;
    }
  });
  return out;
}

/**
 * Emits values while `p` holds, then closes the output. The first value failing `p` is
 * taken from the input and discarded (aiochan's take_while). A replacement from `onError`
 * is emitted and the stage goes on.
 */
export function takeWhile<T>(ch: Chan<T>, p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
  const { test, close, out } = setup('takeWhile', ch, p, opts);
  run(out, close, async () => {
    for await (const v of ch) {
      const verdict = test(v);
      if (verdict === SKIP) continue;
      if (verdict === false) return;
      if (!(await out.put(verdict === true ? v : verdict.replacement))) return;
    }
  });
  return out;
}

/** Skips values while `p` holds; from the first value failing it on, emits everything. */
export function dropWhile<T>(ch: Chan<T>, p: (value: T) => unknown, opts?: FnStageOptions<T, T>): Chan<T> {
  const { test, close, out } = setup('dropWhile', ch, p, opts);
  run(out, close, async () => {
    let dropping = true;
    for await (const v of ch) {
      let value = v;
      if (dropping) {
        const verdict = test(v);
        if (verdict === SKIP || verdict === true) continue;
        if (verdict !== false) value = verdict.replacement;
        else dropping = false;
      }
      if (!(await out.put(value))) return;
    }
  });
  return out;
}
