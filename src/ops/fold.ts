/**
 * Folds: `reduce` (one result), `scan` (every accumulator) and `collect` (an array, as a
 * promise). `reduce`/`scan` run under the stage rules of ./stage.ts (G1-G4). With `onError`,
 * a throwing `f` makes the replacement the new accumulator (and `scan` emits it);
 * `undefined` drops the value: the accumulator stays, and `scan` emits nothing for it.
 */
import type { Chan, FnStageOptions } from '../protocol.js';
import {
  checkChan,
  checkCount,
  checkFn,
  closeOf,
  emittable,
  onErrorOf,
  optionsOf,
  outputOf,
  run,
  SKIP,
  type Skip,
} from './stage.js';

type Folder<T, A> = (acc: A, value: T) => A;

function setup<T, A>(where: string, ch: Chan<T>, f: Folder<T, A>, opts: unknown) {
  checkChan(where, 'ch', ch);
  checkFn(where, 'f', f);
  const o = optionsOf(where, opts);
  const onError = onErrorOf<T, A>(where, o);
  const close = closeOf(where, o);
  const out = outputOf<A>(where, o['out'] as FnStageOptions<T, A>['out']);
  /** The next accumulator, or SKIP when onError dropped the value. */
  const step = (acc: A, v: T): A | Skip => {
    try {
      return emittable(where, 'f', f(acc, v));
    } catch (err) {
      if (onError === undefined) throw err;
      const replacement = onError(err, v);
      return replacement === undefined ? SKIP : replacement;
    }
  };
  return { step, close, out };
}

/**
 * A channel that yields the fold of every input value once the input closes. Without `init`
 * (`undefined`), the first value seeds the fold and an empty input yields nothing.
 */
export function reduce<T, A>(ch: Chan<T>, f: Folder<T, A>, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
export function reduce<T>(ch: Chan<T>, f: Folder<T, T>, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
export function reduce<T, A>(ch: Chan<T>, f: Folder<T, A>, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
  const { step, close, out } = setup<T, A>('reduce', ch, f, opts);
  run(out, close, async () => {
    let seeded = init !== undefined;
    let acc = init as A;
    for await (const v of ch) {
      if (!seeded) {
        acc = v as unknown as A;
        seeded = true;
        continue;
      }
      const next = step(acc, v);
      if (next !== SKIP) acc = next;
    }
    if (seeded) await out.put(acc);
  });
  return out;
}

/** Emits the seed (`init`, or the first value), then every accumulator. */
export function scan<T, A>(ch: Chan<T>, f: Folder<T, A>, init: A, opts?: FnStageOptions<T, A>): Chan<A>;
export function scan<T>(ch: Chan<T>, f: Folder<T, T>, init?: undefined, opts?: FnStageOptions<T, T>): Chan<T>;
export function scan<T, A>(ch: Chan<T>, f: Folder<T, A>, init?: A, opts?: FnStageOptions<T, A>): Chan<A> {
  const { step, close, out } = setup<T, A>('scan', ch, f, opts);
  run(out, close, async () => {
    let seeded = init !== undefined;
    let acc = init as A;
    if (seeded && !(await out.put(acc))) return;
    for await (const v of ch) {
      if (!seeded) {
        acc = v as unknown as A;
        seeded = true;
      } else {
        const next = step(acc, v);
        if (next === SKIP) continue; // dropped: nothing new to emit
        acc = next;
      }
      if (!(await out.put(acc))) return;
    }
  });
  return out;
}

/**
 * Takes values until `ch` is closed and drained, or `n` were taken (never more).
 * @returns the values; rejects with the failure recorded on `ch` if the stage writing into
 *   it failed (see `pipelineError`).
 */
export function collect<T>(ch: Chan<T>, n?: number): Promise<T[]> {
  // Validation throws synchronously, before anything is taken (as every Promise form does).
  checkChan('collect', 'ch', ch);
  const limit = n === undefined ? Infinity : checkCount('collect', 'n', n, 0);
  return collectInto(ch, limit);
}

async function collectInto<T>(ch: Chan<T>, limit: number): Promise<T[]> {
  const values: T[] = [];
  if (limit === 0) return values;
  for await (const v of ch) {
    values.push(v);
    if (values.length >= limit) break;
  }
  return values;
}
