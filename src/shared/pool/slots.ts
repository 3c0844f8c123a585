/**
 * Slots: the main thread's ids for the values in flight in one parallelPipe, at most
 * `capacity` at a time. A slot remembers the value's input (onError gets it) and its worker,
 * and, in order mode, holds its result until every earlier value has been emitted.
 *
 *   ordered    the value with sequence number s uses slot s mod capacity. Values leave in
 *              sequence order and at most `capacity` are in flight, so the in-flight sequence
 *              numbers are consecutive and never share a slot.
 *   unordered  values leave in any order, so consecutive numbering would collide; slots come
 *              from a free list instead.
 */

/** A slot's result state. */
export const EMPTY = 0;
export const DONE_OK = 1;
export const DONE_FAILED = 2;

export class Slots {
  /** Input value of each slot in flight (numbers, or any values when a codec carries them). */
  readonly input: Float64Array | unknown[];
  /** Worker each slot in flight went to. */
  readonly worker: Int32Array;
  /** Ordered mode: EMPTY until the slot's result arrived, then DONE_OK or DONE_FAILED. */
  readonly state: Uint8Array;
  /** Ordered mode: the result of a DONE_OK slot. */
  readonly result: Float64Array | unknown[];
  /** Unordered mode: free slots, a stack; `free` of them are at the bottom. */
  private readonly freeList: Int32Array;
  private free: number;

  constructor(
    readonly capacity: number,
    readonly ordered: boolean,
    /** Values are objects (a codec carries them), not numbers: plain arrays hold them. */
    objects = false,
  ) {
    this.input = objects ? new Array<unknown>(capacity) : new Float64Array(capacity);
    this.worker = new Int32Array(capacity);
    this.state = new Uint8Array(ordered ? capacity : 0);
    this.result = objects ? new Array<unknown>(ordered ? capacity : 0) : new Float64Array(ordered ? capacity : 0);
    this.freeList = new Int32Array(ordered ? 0 : capacity);
    for (let i = 0; i < this.freeList.length; i++) this.freeList[i] = capacity - 1 - i;
    this.free = this.freeList.length;
  }

  /** A slot for the value with sequence number `seq`; the caller keeps in-flight <= capacity. */
  acquire(seq: number): number {
    if (this.ordered) return seq % this.capacity;
    return this.freeList[--this.free]!;
  }

  /** The value in `slot` left the pipeline. */
  release(slot: number): void {
    if (!(this.input instanceof Float64Array)) this.input[slot] = undefined; // let it be collected
    if (this.ordered) this.state[slot] = EMPTY;
    else this.freeList[this.free++] = slot;
  }
}
