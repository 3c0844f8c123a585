/**
 * Stages over runs of values: `group(n)` (chunks), `groupBy(f)` (runs of equal keys) and
 * `distinct()` (runs of equal values, collapsed). Equality is SameValueZero (`===`, except
 * that NaN equals NaN). Runs under the stage rules of ./stage.ts (G1-G4); on a failure the
 * partial chunk or run in hand is not emitted.
 */
import type { Chan, StageOptions } from '../protocol.js';
import { checkChan, checkCount, checkFn, closeOf, optionsOf, outputOf, run } from './stage.js';

function same(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

function setup<U>(where: string, ch: unknown, opts: unknown): { close: boolean; out: Chan<U> } {
  checkChan(where, 'ch', ch);
  const o = optionsOf(where, opts);
  return { close: closeOf(where, o), out: outputOf<U>(where, o['out'] as StageOptions<U>['out']) };
}

/** Emits arrays of `n` consecutive values; the last one may be shorter (never empty). */
export function group<T>(ch: Chan<T>, n: number, opts?: StageOptions<T[]>): Chan<T[]> {
  checkCount('group', 'n', n, 1);
  const { close, out } = setup<T[]>('group', ch, opts);
  run(out, close, async () => {
    let chunk: T[] = [];
    for await (const v of ch) {
      chunk.push(v);
      if (chunk.length < n) continue;
      const full = chunk;
      chunk = [];
      if (!(await out.put(full))) return;
    }
    if (chunk.length > 0) await out.put(chunk);
  });
  return out;
}

/** Emits `[key, run]` for each run of consecutive values with the same key `f(value)`. */
export function groupBy<T, K>(ch: Chan<T>, f: (value: T) => K, opts?: StageOptions<[K, T[]]>): Chan<[K, T[]]> {
  checkFn('groupBy', 'f', f);
  const { close, out } = setup<[K, T[]]>('groupBy', ch, opts);
  run(out, close, async () => {
    let key: K | undefined;
    let group: T[] = [];
    for await (const v of ch) {
      const k = f(v);
      if (group.length > 0 && !same(k, key)) {
        const done: [K, T[]] = [key as K, group];
        group = [];
        if (!(await out.put(done))) return;
      }
      key = k;
      group.push(v);
    }
    if (group.length > 0) await out.put([key as K, group]);
  });
  return out;
}

/** Drops consecutive duplicates: 1,1,2,1,1 gives 1,2,1. */
export function distinct<T>(ch: Chan<T>, opts?: StageOptions<T>): Chan<T> {
  const { close, out } = setup<T>('distinct', ch, opts);
  run(out, close, async () => {
    let first = true;
    let last: T | undefined;
    for await (const v of ch) {
      if (!first && same(v, last)) continue;
      first = false;
      last = v;
      if (!(await out.put(v))) return;
    }
  });
  return out;
}
