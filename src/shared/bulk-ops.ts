/**
 * The waiter objects of bulk operations (`putMany`, `getMany`), which sit in a SharedChan's
 * local queues beside single puts and gets, and the check of a bulk destination.
 */
import { describe } from '../errors.js';
import type { Flag, GetWaiter, PutWaiter } from '../protocol.js';
import type { Lane } from './ring.js';

/** Any typed array `getMany` may fill. */
export type NumericArray = Lane | Float64Array;

/** A parked `putMany`: its values enter the ring in order, as space allows. */
export class PutManyOp implements Flag {
  done = false;
  readonly flag: Flag = this;
  next: PutWaiter | null = null;
  prev: PutWaiter | null = null;
  queued = false;
  /** Index of the next value to put; at the end, how many entered. */
  from = 0;
  /** Unused (bulk puts carry `values`); present to satisfy the waiter shape. */
  readonly value = 0;
  resolve: (count: number) => void = ignoreCount;
  reject: (reason: unknown) => void = ignoreCount;

  constructor(
    /** The checked values; replaced by a private copy once the op waits (`keep`). */
    public values: ArrayLike<number>,
  ) {}

  /**
   * Called before a Promise `putMany` waits: from then on it reads a private copy, so that
   * what enters the ring is what was checked, whatever the caller's code writes into its array
   * meanwhile. Every lane value is exact in a Float64Array.
   */
  keep(): void {
    this.values = Float64Array.from(this.values as ArrayLike<number>);
  }

  completePut(): void {
    this.resolve(this.from);
  }
}

/** A parked `getMany`: completes with the number of values written into `dst`. */
export class GetManyOp implements Flag {
  done = false;
  readonly flag: Flag = this;
  next: GetWaiter | null = null;
  prev: GetWaiter | null = null;
  queued = false;
  resolve: (count: number) => void = ignoreCount;
  reject: (reason: unknown) => void = ignoreCount;

  constructor(readonly dst: NumericArray) {}

  completeGet(count: unknown): void {
    this.resolve(count as number);
  }

  /** Never called: numbers need no decoding. */
  failGet(reason: unknown): void {
    this.reject(reason);
  }
}

/** Placeholder `resolve` of a bulk op that nobody awaits (a sync call's). */
function ignoreCount(): void {}

export function checkDestination(where: string, dst: unknown): void {
  if (!ArrayBuffer.isView(dst) || dst instanceof DataView || dst instanceof BigInt64Array || dst instanceof BigUint64Array) {
    throw new TypeError(`${where}: expected a typed array of numbers to fill (not a DataView or a BigInt array), got ${describe(dst)}`);
  }
  if ((dst as Lane).length === 0) throw new RangeError(`${where}: the destination has length 0: nothing could ever be received into it`);
}
