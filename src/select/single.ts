/**
 * `get()` and `put()` when they must wait: one-arm selects, specialised so that a parked
 * operation costs one object and one promise.
 *
 * Invariants (with protocol.ts P1–P7):
 *   S1  an op is its own flag: `op.flag === op`, and `done` flips false -> true once, by the
 *       port that commits it (then `complete*` runs) or by its abort (then the op withdraws
 *       itself before rejecting). Whichever comes first wins; the other sees `done` and stops.
 *   S2  the abort listener is added only while the op is parked and removed when it completes,
 *       so a long-lived signal does not accumulate listeners.
 */
import type { Flag, GetWaiter, Port, PutWaiter } from '../protocol.js';
import { promiseFor } from '../internal/deferred.js';
import { fulfil } from './settle.js';

/** A parked plain `get()`. Also the AbortSignal listener (`handleEvent`), to avoid a closure. */
class GetOp<T> implements GetWaiter<T>, Flag {
  done = false;
  /** S1: a one-arm op is its own flag. */
  readonly flag: Flag = this;
  next: GetWaiter<T> | null = null;
  prev: GetWaiter<T> | null = null;
  queued = false;
  /** Settles the caller's promise; set by the Promise executor. */
  resolve!: (value: T | undefined) => void;
  reject!: (reason: unknown) => void;

  constructor(
    /** The channel this op is parked on. */
    private readonly port: Port<T>,
    /** The caller's signal, if any. */
    private readonly signal: AbortSignal | undefined,
  ) {}

  completeGet(value: T | undefined, late: boolean): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    fulfil(this.resolve, value, late);
  }

  failGet(reason: unknown): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    this.reject(reason);
  }

  /** The signal aborted: withdraw and reject, unless a port committed us first (S1). */
  handleEvent(): void {
    if (this.done) return;
    this.port.withdrawGet(this);
    this.done = true;
    this.reject(this.signal!.reason);
  }
}

/** A parked plain `put()`. Mirrors GetOp. */
class PutOp<T> implements PutWaiter<T>, Flag {
  done = false;
  readonly flag: Flag = this;
  next: PutWaiter<T> | null = null;
  prev: PutWaiter<T> | null = null;
  queued = false;
  resolve!: (ok: boolean) => void;
  reject!: (reason: unknown) => void;

  constructor(
    private readonly port: Port<T>,
    /** The value being put; never undefined. */
    readonly value: T,
    private readonly signal: AbortSignal | undefined,
  ) {}

  completePut(ok: boolean, late: boolean): void {
    if (this.signal !== undefined) this.signal.removeEventListener('abort', this);
    fulfil(this.resolve, ok, late);
  }

  handleEvent(): void {
    if (this.done) return;
    if (!this.port.withdrawPut(this)) return; // too late: the value was taken; P6
    this.done = true;
    this.reject(this.signal!.reason);
  }
}

/** Parks a get on `port` (after its pass 1 found nothing) and returns the caller's promise. */
export function parkGet<T>(port: Port<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  const op = new GetOp<T>(port, signal);
  const promise = promiseFor(op);
  try {
    port.parkGet(op);
  } catch (err) {
    op.done = true;
    return Promise.reject(err);
  }
  if (signal !== undefined && !op.done) signal.addEventListener('abort', op); // S2
  return promise;
}

/** Parks a put on `port` (after its pass 1 found no room) and returns the caller's promise. */
export function parkPut<T>(port: Port<T>, value: T, signal: AbortSignal | undefined): Promise<boolean> {
  const op = new PutOp<T>(port, value, signal);
  const promise = promiseFor(op);
  try {
    port.parkPut(op);
  } catch (err) {
    op.done = true;
    return Promise.reject(err);
  }
  if (signal !== undefined && !op.done) signal.addEventListener('abort', op); // S2
  return promise;
}
