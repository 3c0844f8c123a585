/**
 * `for await (const v of ch)`: yields values until the channel is closed and drained.
 *
 * Leaving the loop early (`break`, `return`, a throw) calls `return()`, which only marks the
 * iterator finished: the channel stays open, and no value beyond the last one yielded was
 * taken, because a get is started only by `next()`, which the loop calls just before it
 * needs the next value.
 *
 * A channel closed by a failed pipeline stage (./failure.ts) ends the loop by throwing the
 * stage's error instead of finishing quietly, once everything sent before the failure has
 * been yielded.
 */
import { NOT_READY, type Chan, type Port } from '../protocol.js';
import { failureOf } from './failure.js';

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
    try {
      const r = this.chan.tryGet();
      if (r !== NOT_READY) return Promise.resolve(this.result(r));
    } catch (err) {
      // A message that could not be decoded (shared-port.ts H6), or the failure of the stage
      // that closed this channel.
      return Promise.reject(err);
    }
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

  /** Throws the recorded failure (once) when the channel ends because a stage failed. */
  private result(value: T | undefined): IteratorResult<T, undefined> {
    if (value === undefined) {
      this.finished = true;
      const failure = failureOf(this.chan);
      if (failure !== undefined) throw failure;
      return DONE;
    }
    return { done: false, value };
  }
}
