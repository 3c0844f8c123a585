/**
 * `asyncPipe(ch, n, f)` and `asyncPipeUnordered(ch, n, f)`: emit `await f(v)` for every
 * value, with up to `n` calls of `f` running at once (aiochan's async_pipe*, core.async's
 * pipeline-async). The ordered form emits results in input order, the unordered one in the
 * order the calls settle.
 *
 * Invariants:
 *   A1  at most `n` values are in flight: a slot is taken before `f` is called and released
 *       once its result was emitted (or dropped), so at most `n` calls run at once and at
 *       most `n` results wait for a slow consumer; the input is read only when a slot is free.
 *   A2  results are put one at a time, through one chain: in input order (ordered), or in
 *       the order the calls settled (unordered).
 *   A3  a call that throws or rejects goes to `onError` (its result is emitted instead,
 *       `undefined` drops it); without it, or if `onError` throws, the stage fails at once
 *       (stage.ts G1): the output fails and closes even while the stage waits for input,
 *       and results not emitted yet are dropped.
 *   A4  the input closed by a failed stage: the results of the values taken before are
 *       emitted first, then the output fails with the same error (G2).
 */
import type { Chan, FnStageOptions } from '../protocol.js';
import {
  checkChan,
  checkCount,
  checkFn,
  closeOf,
  emittable,
  fail,
  onErrorOf,
  optionsOf,
  outputOf,
  run,
  SKIP,
  type Skip,
} from './stage.js';

type Outcome<U> = { ok: U | Skip } | { err: unknown };

async function settle<T, U>(
  where: string,
  f: (value: T) => U | PromiseLike<U>,
  v: T,
  onError: ((err: unknown, value: T) => U | undefined) | undefined,
): Promise<Outcome<U>> {
  try {
    return { ok: emittable(where, 'f', await f(v)) };
  } catch (err) {
    if (onError === undefined) return { err };
    try {
      const replacement = onError(err, v);
      return { ok: replacement === undefined ? SKIP : replacement };
    } catch (err2) {
      return { err: err2 };
    }
  }
}

function asyncPipeWith<T, U>(
  where: string,
  ordered: boolean,
  ch: Chan<T>,
  n: number,
  f: (value: T) => U | PromiseLike<U>,
  opts: FnStageOptions<T, U> | undefined,
): Chan<U> {
  checkChan(where, 'ch', ch);
  checkCount(where, 'n', n, 1);
  checkFn(where, 'f', f);
  const o = optionsOf(where, opts);
  const onError = onErrorOf<T, U>(where, o);
  const close = closeOf(where, o);
  const out = outputOf<U>(where, o['out'] as FnStageOptions<T, U>['out']);

  /** Values in flight (A1). */
  let inFlight = 0;
  /** The output closed, or the stage failed: emit nothing more, read nothing more. */
  let stopped = false;
  /** The reader, waiting for a slot or for the last calls to finish. */
  let wake: (() => void) | null = null;
  /** A2: the emission chain. */
  let tail: Promise<void> = Promise.resolve();

  const release = (): void => {
    inFlight--;
    const w = wake;
    wake = null;
    w?.();
  };
  /** Emits (or fails with) one outcome, then frees its slot. */
  const handle = async (outcome: Outcome<U>): Promise<void> => {
    if (!stopped) {
      if ('err' in outcome) {
        stopped = true;
        fail(out, outcome.err); // A3: at once, not when the reader next wakes
      } else if (outcome.ok !== SKIP && !(await out.put(outcome.ok))) {
        stopped = true;
      }
    }
    release();
  };
  /** A2: appends to the chain, in input order or in settling order. */
  const schedule = (result: Promise<Outcome<U>>): void => {
    if (ordered) tail = tail.then(() => result).then(handle);
    else void result.then((outcome) => (tail = tail.then(() => handle(outcome))));
  };
  /** Waits until fewer than `limit` values are in flight, or the stage stopped. */
  const drain = async (limit: number): Promise<void> => {
    while (inFlight >= limit && !stopped) await new Promise<void>((r) => (wake = r));
  };

  run(out, close, async () => {
    // A1: wait for a slot *before* reading. A value read first and then held while waiting
    // (a `for await` body that waits) was already gone from the input: lost if the output
    // closed meanwhile, and its put had completed as if a call had taken it.
    const input = ch[Symbol.asyncIterator]();
    try {
      for (;;) {
        await drain(n);
        if (stopped) {
          await input.return?.();
          return;
        }
        const next = await input.next();
        if (next.done === true) break;
        inFlight++;
        schedule(settle(where, f, next.value, onError));
      }
    } catch (err) {
      await drain(1); // A4
      throw err;
    }
    await drain(1);
  });
  return out;
}

/** Emits `await f(v)` in input order, with at most `n` calls of `f` running at once. */
export function asyncPipe<T, U>(
  ch: Chan<T>,
  n: number,
  f: (value: T) => U | PromiseLike<U>,
  opts?: FnStageOptions<T, U>,
): Chan<U> {
  return asyncPipeWith('asyncPipe', true, ch, n, f, opts);
}

/** Emits `await f(v)` as each call settles (completion order), at most `n` calls at once. */
export function asyncPipeUnordered<T, U>(
  ch: Chan<T>,
  n: number,
  f: (value: T) => U | PromiseLike<U>,
  opts?: FnStageOptions<T, U>,
): Chan<U> {
  return asyncPipeWith('asyncPipeUnordered', false, ch, n, f, opts);
}
