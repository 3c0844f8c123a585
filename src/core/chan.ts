/**
 * The in-thread channel: a buffer (or none, for a rendezvous) plus FIFO queues of parked gets
 * and puts, with core.async's close semantics. Ported from the algorithm of core.async's
 * ManyToManyChannel and aiochan's Chan, minus their bugs (reference/semantics.md section 0).
 *
 * Everything here runs on one thread, synchronously: an operation either completes inside the
 * call (the fast path, no allocation beyond the returned promise) or parks a waiter that a later
 * operation completes. Waiters are completed by resolving promises, so no user code runs inside
 * a channel operation (protocol P3).
 *
 * Invariants (checked by `checkInvariants`, which the tests call after every step):
 *   C1  the queues hold only live waiters (waitq Q2), at most MAX_PENDING each.
 *   C2  a get waits only when nothing is available: `getq.length > 0` implies the buffer is
 *       empty (or absent) and `putq` holds no waiter of another operation. The one exception
 *       is a single select parked with a put and a get arm on the same channel (P7).
 *   C3  a put waits only when the buffer is full: `putq.length > 0` implies a fixed buffer
 *       at capacity, or no buffer. Sliding, dropping and promise buffers are never full, so
 *       their `putq` stays empty.
 *   C4  `closed` flips false -> true once. After it, `getq` is empty and stays empty (every
 *       get completes: with a buffered value, a pending put's value, or `undefined`), while
 *       puts parked before the close stay queued until a get takes them (core.async).
 *   C5  every value leaves in the order it entered: buffer FIFO, then parked puts FIFO (a get
 *       on a full fixed buffer takes the head and moves the oldest parked put to the tail).
 */
import { PendingLimitError, undefinedPutError } from '../errors.js';
import {
  claimed,
  MAX_PENDING,
  NOT_READY,
  type Chan,
  type GetWaiter,
  type NotReady,
  type PutWaiter,
} from '../protocol.js';
import { ChanFacade } from '../select/facade.js';
import { makeBuffer, PromiseBuffer, type Buffer, type BufferSpec } from './buffers.js';
import { WaitQueue } from '../internal/waitq.js';


export class Channel<T> extends ChanFacade<T> {
  /** Storage, or null for an unbuffered (rendezvous) channel. */
  private readonly buffer: Buffer<T> | null;
  /** Parked gets, oldest first (C1, C2). */
  private readonly getq = new WaitQueue<GetWaiter<T>>();
  /** Parked puts, oldest first (C1, C3). */
  private readonly putq = new WaitQueue<PutWaiter<T>>();
  /** C4. */
  private isClosed = false;

  constructor(buffer: Buffer<T> | null) {
    super();
    this.buffer = buffer;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  // ---- public API -------------------------------------------------------------------------





  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // C2: parked gets exist only when nothing is buffered, so they all see the close (C4).
    for (let w = this.getq.shift(); w !== null; w = this.getq.shift()) {
      if (!claimed(w)) continue; // P8: its select completes through another arm
      w.flag.done = true;
      w.completeGet(undefined, false);
    }
  }


  // ---- port protocol (protocol.ts) ------------------------------------------------------

  /**
   * Pass 1 of a put. Fast path, with a buffer: when not full, store the value; a parked get
   * can exist only if the buffer was empty (C2), so hand buffered values to parked gets until
   * either runs out (for the promise buffer, every parked get receives the one value).
   * Without a buffer: hand the value to the oldest parked get, if any.
   */
  tryPut(value: T): boolean | NotReady {
    if (this.isClosed) return false;
    const buffer = this.buffer;
    if (buffer !== null) {
      if (buffer.isFull()) return NOT_READY;
      buffer.add(value);
      if (this.getq.length > 0) this.serveParkedGets(buffer);
      return true;
    }
    let w = this.getq.shift();
    while (w !== null && !claimed(w)) w = this.getq.shift(); // P8
    if (w === null) return NOT_READY;
    w.flag.done = true;
    w.completeGet(value, false); // a rendezvous: the putter has nothing to run ahead into
    return true;
  }

  /**
   * Pass 1 of a get. Buffered value first; taking one frees a slot, which the oldest parked
   * put fills (C5). Then, unbuffered, the oldest parked put's value. Then the close.
   */
  tryGet(): T | undefined | NotReady {
    const buffer = this.buffer;
    if (buffer !== null && buffer.count > 0) {
      const value = buffer.remove();
      if (this.putq.length > 0) this.refillFromParkedPuts(buffer);
      return value;
    }
    let w = this.putq.shift();
    while (w !== null && !claimed(w)) w = this.putq.shift(); // P8
    if (w !== null) {
      w.flag.done = true;
      w.completePut(true, false);
      return w.value;
    }
    return this.isClosed ? undefined : NOT_READY;
  }

  parkGet(waiter: GetWaiter<T>): void {
    if (this.getq.length >= MAX_PENDING) throw new PendingLimitError('get');
    this.getq.push(waiter);
  }

  parkPut(waiter: PutWaiter<T>): void {
    if (this.putq.length >= MAX_PENDING) throw new PendingLimitError('put');
    this.putq.push(waiter);
  }

  checkPut(value: unknown, where: string): void {
    if (value === undefined) throw undefinedPutError(where);
  }

  withdrawGet(waiter: GetWaiter<T>): boolean {
    this.getq.remove(waiter);
    return true;
  }

  withdrawPut(waiter: PutWaiter<T>): boolean {
    this.putq.remove(waiter);
    return true;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Hands buffered values to parked gets, oldest first. Re-reads the queue each round (P2). */
  private serveParkedGets(buffer: Buffer<T>): void {
    while (buffer.count > 0) {
      const w = this.getq.shift();
      if (w === null) return;
      if (!claimed(w)) continue; // P8
      w.flag.done = true;
      w.completeGet(buffer.remove(), true);
    }
  }

  /** Moves parked puts into freed buffer space, oldest first; each such put resolves true. */
  private refillFromParkedPuts(buffer: Buffer<T>): void {
    while (!buffer.isFull()) {
      const w = this.putq.shift();
      if (w === null) return;
      if (!claimed(w)) continue; // P8
      w.flag.done = true;
      buffer.add(w.value);
      w.completePut(true, true);
    }
  }

  /**
   * Throws if an invariant above does not hold. Costs O(queue length); for tests and
   * debugging, never called on a hot path.
   */
  checkInvariants(): void {
    const { getq, putq, buffer } = this;
    const fail = (what: string): never => {
      throw new Error(`sabchan: channel invariant broken: ${what}`);
    };
    if (getq.length > MAX_PENDING || putq.length > MAX_PENDING) fail('C1 queue over MAX_PENDING');
    if (getq.length > 0 && buffer !== null && buffer.count > 0) fail('C2 get parked while values are buffered');
    if (putq.length > 0 && buffer !== null && !buffer.isFull()) fail('C3 put parked while the buffer has room');
    if (this.isClosed && getq.length > 0) fail('C4 get parked on a closed channel');
  }
}

/**
 * Creates an in-thread channel.
 *
 * @param buffer `undefined` or `0`: unbuffered (a put completes when a get takes the value);
 *   `n`: a fixed buffer of n values; or `buffers.fixed|sliding|dropping(n)`.
 * @throws {TypeError} for a non-number that is not a `buffers.*` spec.
 * @throws {RangeError} for a negative, fractional or NaN size.
 * @example
 * const c = chan<number>(1); await c.put(1); await c.get() // 1
 */
export function chan<T>(buffer?: number | BufferSpec): Chan<T> {
  return new Channel<T>(makeBuffer<T>(buffer));
}

/**
 * A channel that delivers the first value put to every pending and future get, forever.
 * Later puts resolve `true` and are dropped; puts after close resolve `false`. Closed with no
 * value, gets resolve `undefined`. Falsy values (0, '', false, null) count as delivered.
 */
export function promiseChan<T>(): Chan<T> {
  return new Channel<T>(new PromiseBuffer<T>());
}
