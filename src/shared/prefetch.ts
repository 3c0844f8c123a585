/**
 * A thread's prefetched values of one numeric shared channel (`setPrefetch`, shared-port.ts
 * H7): taken from the ring in one bulk take (one reservation, one commit) and delivered from
 * here, in order, by this thread's later gets.
 *
 * Invariants:
 *   F1  `buf[pos..end)` holds values this thread took from the ring and has not delivered;
 *       they are older than anything it can still take from the ring, so every take serves
 *       them first.
 *   F2  the buffer is refilled only when empty, and only while `size > 0`; a new size takes
 *       effect when it runs empty, and at size 0 an empty buffer is `off` (the owner then
 *       drops this object, so its single-value path costs one null test).
 */
import { NOT_READY, type NotReady } from '../protocol.js';
import type { NumericRing } from './ring.js';

/** `take`: prefetch is off and the buffer ran empty: take from the ring instead. */
export const OFF: unique symbol = Symbol('sabchan.prefetchOff');

export class Prefetch {
  private buf: Float64Array;
  private pos = 0;
  private end = 0;

  constructor(
    private readonly ring: NumericRing,
    /** Values per bulk take; 0: off (F2). */
    private size: number,
  ) {
    this.buf = new Float64Array(size);
  }

  /** Values held, not yet delivered. */
  get held(): number {
    return this.end - this.pos;
  }

  /** True when empty and off: the owner may drop this object (F2). */
  get off(): boolean {
    return this.size === 0 && this.pos === this.end;
  }

  /** True when empty after a refill that took under a quarter of `size` (see getSync). */
  get ranDryShort(): boolean {
    return this.pos === this.end && this.end < this.size >> 2;
  }

  /** A new size (0: off); an empty buffer takes it now, a non-empty one when it runs empty. */
  resize(size: number): void {
    this.size = size;
    if (this.pos === this.end) this.reset();
  }

  /**
   * The next value, refilling the empty buffer with one bulk take: the value, `undefined`
   * when the ring is closed and drained, NOT_READY when it is empty, or OFF (empty and off).
   */
  take(): number | undefined | NotReady | typeof OFF {
    if (this.pos === this.end && !this.refill()) {
      if (this.size === 0) return OFF;
      return this.ring.drained() ? undefined : NOT_READY;
    }
    return this.buf[this.pos++]!;
  }

  /** Moves up to `max` held values into `dst` from index 0 (no refill). @returns the count. */
  drainInto(dst: { [i: number]: number }, max: number): number {
    const n = Math.min(this.end - this.pos, max);
    for (let i = 0; i < n; i++) dst[i] = this.buf[this.pos + i]!;
    this.pos += n;
    return n;
  }

  /** Refills the empty buffer from the ring (F2). @returns true when it holds values now. */
  private refill(): boolean {
    if (this.buf.length !== this.size) this.reset();
    if (this.size === 0) return false;
    this.end = this.ring.takeMany(this.buf, 0, this.size);
    this.pos = 0;
    return this.end > 0;
  }

  private reset(): void {
    if (this.buf.length !== this.size) this.buf = new Float64Array(this.size);
    this.pos = this.end = 0;
  }
}
