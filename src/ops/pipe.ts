/**
 * Copying between channels and iterables: `pipe(from, to)`, `onto(ch, items)` and
 * `fromIterable(items)`. Runs under the stage rules of ./stage.ts (G1-G4): an iterable that
 * throws fails the channel it was feeding, and `onto`'s promise rejects with the error.
 */
import { describe } from '../errors.js';
import type { Chan, CloseOptions, StageOptions } from '../protocol.js';
import { checkChan, closeOf, emittable, fail, optionsOf, outputOf, run } from './stage.js';

/** Copies every value of `from` into `to`; closes `to` when `from` closes (unless `close: false`). */
export function pipe<T, C extends Chan<T>>(from: Chan<T>, to: C, opts?: CloseOptions): C {
  checkChan('pipe', 'from', from);
  checkChan('pipe', 'to', to);
  const close = closeOf('pipe', optionsOf('pipe', opts));
  run(to, close, async () => {
    for await (const v of from) if (!(await to.put(v))) return;
  });
  return to;
}

export type Items<T> = Iterable<T> | AsyncIterable<T>;

function checkItems(where: string, items: unknown): void {
  const ok =
    items !== null &&
    items !== undefined &&
    (typeof (items as Iterable<unknown>)[Symbol.iterator] === 'function' ||
      typeof (items as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function');
  if (!ok) throw new TypeError(`${where}: items must be an iterable or an async iterable, got ${describe(items)}`);
}

/**
 * Puts the items into `ch` in order, one at a time: the next item is pulled only once the
 * previous one was put, so endless iterables work. Leaving early (the channel closed)
 * calls the iterator's `return()`. Note that an in-thread channel closed while a put waits
 * keeps that put deliverable (core.async): the iteration ends once that value is taken, or
 * never, if nobody takes it (the pending put then holds the iterator until the channel is
 * garbage). Resolves `true` once every item was put, `false` if `ch`
 * closed first.
 */
async function feed<T>(where: string, ch: Chan<T>, items: Items<T>): Promise<boolean> {
  if (typeof (items as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') {
    for await (const v of items as AsyncIterable<T>) {
      if (!(await ch.put(emittable(where, 'the iterable', v)))) return false;
    }
  } else {
    for (const v of items as Iterable<T>) {
      if (!(await ch.put(emittable(where, 'the iterable', v)))) return false;
    }
  }
  return true;
}

/**
 * Puts the items of a sync or async iterable into `ch`, then closes it (unless `close: false`).
 * @returns a promise of `true` once every item was put, `false` if `ch` closed first; it
 *   rejects with the iterable's error (having failed `ch`: see `pipelineError`).
 */
export function onto<T>(ch: Chan<T>, items: Items<T>, opts?: CloseOptions): Promise<boolean> {
  checkChan('onto', 'ch', ch);
  checkItems('onto', items);
  const close = closeOf('onto', optionsOf('onto', opts));
  return feed('onto', ch, items).then(
    (all) => {
      if (close) ch.close();
      return all;
    },
    (err: unknown) => {
      fail(ch, err);
      throw err;
    },
  );
}

/**
 * A channel that yields the items of a sync or async iterable, pulled lazily as they are
 * taken (one item ahead, the one being offered), then closes. Endless iterables work.
 */
export function fromIterable<T>(items: Items<T>, opts?: StageOptions<T>): Chan<T> {
  checkItems('fromIterable', items);
  const o = optionsOf('fromIterable', opts);
  const close = closeOf('fromIterable', o);
  const out = outputOf<T>('fromIterable', o['out'] as StageOptions<T>['out']);
  run(out, close, async () => {
    await feed('fromIterable', out, items);
  });
  return out;
}
