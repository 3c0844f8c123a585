/**
 * `for await (const v of ch)`: yields values until the channel is closed and drained.
 *
 * Leaving the loop early (`break`, `return`, a throw) calls `return()`, which only marks the
 * iterator finished: the channel stays open, and no value beyond the last one yielded was
 * taken, because a get is started only by `next()`, which the loop calls just before it
 * needs the next value.
 */
import { NOT_READY, type Chan, type Port } from '../protocol.js';

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

export class ChanIterator<T> implements AsyncIterableIterator<T> {
  /** Set by `return()` or once the channel is drained; later `next()` calls take nothing. */
  private finished = false;

  constructor(
    /** The channel being iterated. */
    private readonly chan: Chan<T> & Port<T>,
  ) {}

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.finished) return Promise.resolve(DONE);
    // Fast path: a value is ready, skip the extra promise of `get().then(...)`.
    let r: T | undefined | typeof NOT_READY;
    try {
      r = this.chan.tryGet();
    } catch (err) {
      return Promise.reject(err); // a message that could not be decoded (shared-chan.ts H6)
    }
    if (r !== NOT_READY) return Promise.resolve(this.result(r));
    return this.chan.get().then(this.toResult);
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.finished = true;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  /** `result`, bound once: `next()` on a parked get allocates no closure. */
  private readonly toResult = (value: T | undefined): IteratorResult<T, undefined> => this.result(value);

  private result(value: T | undefined): IteratorResult<T, undefined> {
    if (value === undefined) {
      this.finished = true;
      return DONE;
    }
    return { done: false, value };
  }
}
