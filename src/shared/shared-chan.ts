/**
 * SharedChan: a channel in a SharedArrayBuffer, of numbers (a typed lane) or of objects (a
 * byte ring with a codec), usable from every thread that attached it, with the same
 * semantics as an in-thread channel (API.md sections 2 and 4).
 *
 * One SharedChan object per thread and buffer (`attach` returns the same object for the same
 * buffer). Below it sits the lock-free ring (./ring.ts), shared by all threads; in it, this
 * thread's parked operations wait in local FIFO queues, served from the ring when an
 * EpochWatcher (./wait.ts) sees the other side move. The Promise facade never blocks the
 * thread; the *Sync methods block it (Atomics.wait).
 *
 * The queues, the ring and the port protocol, with their invariants H1-H7, are in
 * ./shared-port.ts; this file adds the public API on top: spin and prefetch settings, close,
 * and the blocking and bulk forms.
 */
import { describe, timeoutOf } from '../errors.js';
import { promiseFor } from '../internal/deferred.js';
import { NOT_READY, type GetWaiter, type NotReady, type PutWaiter } from '../protocol.js';
import { handleOf, type ChannelConfig } from './handle.js';
import { checkLaneValues } from './lanes.js';
import type { Codec } from '../codec/codec.js';
import { Prefetch } from './prefetch.js';
import type { DoorbellTable } from './doorbells.js';
import { IDX_RX_EPOCH, IDX_RX_WAITING, IDX_TX_EPOCH, IDX_TX_WAITING, LANES } from './layout.js';
import { checkDestination, GetManyOp, PutManyOp, type NumericArray } from './bulk-ops.js';
import { CLOSED } from './ring-core.js';
import { SharedPort } from './shared-port.js';
import { blockUntil, delay, SpinBudget } from './wait.js';

/** The most values `setPrefetch` takes at once. */
export const MAX_PREFETCH = 4096;

/**
 * How long a prefetching thread's `getSync` lets values gather before it visits the ring after
 * a short refill (H7), in local loads: ~0.3 µs here, the time a producer takes to put several
 * values. Measured: a sync consumer that kept up took 1.4 values per visit without it (70 ns
 * per value, slower than no prefetch) and 10-35 with it (40-50 ns, the producer's pace).
 */
const GATHER_LOADS = 256;

export class SharedChan<T = number> extends SharedPort<T> {
  /** How long this thread's sync calls on this channel spin before sleeping. */
  private readonly spin = new SpinBudget();
  /**
   * putSync's fast path (a buffered numeric channel, where a put completes once its value
   * entered): the values a lane takes without a closer look, [fastMin, fastMax], and whether
   * they must be integers. An empty range (object and rendezvous channels) turns it off.
   */
  private readonly fastMin: number;
  private readonly fastMax: number;
  private readonly fastIntegers: boolean;

  /** Use `sharedChan()` or `attach()`. */
  constructor(
    buffer: SharedArrayBuffer,
    config: ChannelConfig,
    codec: Codec<T> | null = null,
    handle = handleOf(buffer, undefined),
    doorbells: DoorbellTable | null = null,
  ) {
    super(buffer, config, codec, handle, doorbells);
    const lane = config.type === 'object' || config.capacity === 0 ? null : LANES[config.type];
    this.fastMin = lane === null ? Infinity : lane.min;
    this.fastMax = lane === null ? -Infinity : lane.max;
    this.fastIntegers = lane !== null && lane.integer;
  }

  /**
   * How long this thread's sync calls on this channel spin before they sleep, in
   * microseconds: `'adaptive'` (the default: about a wake-up's cost, 10-100 µs, adapted to
   * how often spinning paid off), or a fixed number (0: never spin, sleep at once). Spinning
   * makes a hand-off between two awake threads take well under a microsecond instead of a
   * wake-up (~50 µs here), at the price of a busy core while it lasts.
   */
  setSpin(micros: number | 'adaptive'): this {
    if (micros !== 'adaptive' && !(typeof micros === 'number' && micros >= 0 && micros <= 1_000_000)) {
      throw new RangeError(`setSpin: expected 'adaptive' or microseconds from 0 to 1e6, got ${String(micros)}`);
    }
    this.spin.set(micros);
    return this;
  }

  /**
   * Prefetch (opt-in, numeric channels with a capacity): when this thread finds its local
   * buffer empty, it takes up to `n` values from the ring at once (one synchronisation, as
   * `getMany` does), and serves its gets from that buffer first, in order: `get`, `getSync`,
   * `poll`, select and `selectSync` get arms, iteration, and `getMany`/`getManySync` too. A
   * single get then costs a few nanoseconds instead of a visit to the shared ring (~35 ns).
   * `0` (the default) turns it off; values already prefetched are still served first.
   *
   * Semantics: FIFO per thread and per producer hold as without prefetch. Values this thread
   * prefetched belong to it: other threads cannot get them, and only this thread's later gets
   * deliver them, also after a close (gets see "closed and drained" only once the ring is
   * drained and this buffer is empty). `length` counts them. They have left the ring, so a
   * producer sees room as soon as they are prefetched: up to `n` values more than `capacity`
   * can be in flight, and a sliding or dropping policy no longer applies to them. When a
   * refill took under a quarter of `n` (this thread keeps pace with the producers), the next
   * `getSync` that finds the buffer empty waits ~0.3 µs before it visits the ring, so that it
   * takes a run rather than a value or two (a visit per value is a cache-line transfer that
   * slows the producer too).
   *
   * **Use it only in a dedicated consumer**: values prefetched by a thread that then exits,
   * or just stops getting, are lost to everyone else (they count as delivered). In a select
   * or with several consumer threads it is safe but a prefetching thread may hold up to `n`
   * values that an idle sibling could have taken.
   * @param n values per bulk take: an integer from 0 to 4096 (a few dozen amortise the ring's
   *   cost; more than `capacity` is never taken at once).
   * @throws {TypeError} for a non-number, or `n > 0` on an object or rendezvous (capacity 0)
   *   channel (a rendezvous put completes only once its value is taken: prefetching would
   *   complete it early); `setPrefetch(0)` is accepted on every channel.
   * @throws {RangeError} for a negative, fractional, NaN or too large `n`.
   * @example
   * const ch = attach<number>(handle).setPrefetch(64); // this worker is the only consumer
   * for (let v = ch.getSync(); v !== undefined; v = ch.getSync()) use(v);
   */
  setPrefetch(n: number): this {
    if (typeof n !== 'number') throw new TypeError(`setPrefetch: expected a number of values from 0 to ${MAX_PREFETCH}, got ${describe(n)}`);
    if (!Number.isInteger(n) || n < 0 || n > MAX_PREFETCH) {
      throw new RangeError(`setPrefetch: expected an integer from 0 (off) to ${MAX_PREFETCH}, got ${n}`);
    }
    if (n > 0 && this.numbers === null) {
      throw new TypeError(`setPrefetch: prefetch is for numeric channels; this channel carries objects (codec '${this.codec!.name}')`);
    }
    if (n > 0 && this.isRendezvous()) {
      throw new TypeError('setPrefetch: a rendezvous (capacity 0) channel cannot prefetch: each put completes only when its value is taken; give the channel a capacity');
    }
    const size = Math.min(n, this.capacity);
    // Values still held are served first (H7); the new size applies once they are gone.
    if (this.prefetched === null) {
      if (size > 0) this.prefetched = new Prefetch(this.numbers!, size);
    } else {
      this.prefetched.resize(size);
      if (this.prefetched.off) this.prefetched = null;
    }
    return this;
  }

  // ---- the Chan API (same semantics as in-thread channels) ----------------------------------

  close(): void {
    this.ring.close();
    // Other threads are woken by the ring; this thread's parked operations settle now.
    this.serveGets();
    this.servePuts();
  }

  // ---- blocking and bulk forms --------------------------------------------------------------

  /**
   * Puts a value, blocking this thread until it entered the ring (a rendezvous: until a get
   * took it). Never on a thread that may not block.
   * @returns false if the channel was closed before the value entered.
   * @throws TimeoutError when `timeout` ms passed first; nothing was transferred.
   */
  putSync(value: T, opts?: { timeout?: number }): boolean {
    // The common case in a few tests: a number the lane takes as it is (NaN fails the range
    // test and goes the long way, which accepts it in a float lane), no option, none of this
    // thread's puts parked ahead (H1), room now. Anything else takes the general path below.
    if (
      typeof value === 'number' &&
      value >= this.fastMin &&
      value <= this.fastMax &&
      (!this.fastIntegers || Number.isInteger(value)) &&
      opts === undefined &&
      this.putq.length === 0 &&
      this.numbers!.putOne(value) === 1
    ) {
      return true;
    }
    this.checkPut(value, 'putSync');
    const timeout = timeoutOf('putSync', opts);
    let entered = this.putNowInOrder(value);
    if (entered === NOT_READY) {
      this.syncValue = value;
      entered = blockUntil('putSync', this.ring.words, IDX_TX_WAITING, IDX_TX_EPOCH, this.attemptPut, timeout, this.spin);
    }
    if (!this.isRendezvous() || entered === false) return entered;
    this.syncPos = this.ring.reservedAt;
    this.syncLap = this.ring.lap();
    try {
      return blockUntil('putSync', this.ring.words, IDX_TX_WAITING, IDX_TX_EPOCH, this.attemptTaken, timeout, this.spin);
    } catch (err) {
      if (this.ring.reclaim(this.syncPos)) throw err; // withdrawn: nothing was transferred
      return true; // a consumer reserved it meanwhile: the transfer happened
    }
  }

  /**
   * Takes a value, blocking this thread until one is available or the channel is closed and
   * drained (then `undefined`).
   * @throws TimeoutError when `timeout` ms passed first; nothing was taken.
   */
  getSync(opts?: { timeout?: number }): T | undefined {
    const timeout = timeoutOf('getSync', opts);
    if (this.prefetched !== null && this.prefetched.ranDryShort) {
      // H7: the last refill was short, so this thread keeps pace with the producers and would
      // take a value or two per visit, each visit a cache-line transfer that also slows the
      // producer (lockstep, sab-design.md 2.3). Wait a moment so that the next visit takes a run.
      delay(GATHER_LOADS);
    }
    const r = this.tryGet();
    if (r !== NOT_READY) return r;
    return blockUntil('getSync', this.ring.words, IDX_RX_WAITING, IDX_RX_EPOCH, this.attemptGet, timeout, this.spin);
  }

  /**
   * Puts every value of `src`, in order, waiting for space as needed. Every element is
   * checked first: a bad one throws and none is enqueued.
   * @returns how many entered the ring: `src.length`, or fewer if the channel closed first.
   */
  putMany(src: ArrayLike<number>): Promise<number> {
    const values = checkLaneValues('putMany', this.laneType('putMany'), src);
    if (this.isRendezvous()) return this.putEachAsync(values);
    const op = new PutManyOp(values);
    if (this.putq.length === 0) {
      this.advance(op);
      if (op.done) {
        if (this.getq.length > 0) this.serveGets(); // our own parked gets need not wait for a wake-up
        return Promise.resolve(op.from);
      }
    }
    op.keep(); // the checked values, not what the caller's array holds later
    const promise = promiseFor(op);
    this.parkPut(op as unknown as PutWaiter<T>);
    return promise;
  }

  /**
   * Waits for at least one value, then fills `dst` with as many as are available, up to its
   * length. @returns the number written; 0 once the channel is closed and drained.
   */
  getMany(dst: NumericArray): Promise<number> {
    this.laneType('getMany');
    checkDestination('getMany', dst);
    if (this.getq.length === 0) {
      const n = this.takeManyNow(dst);
      if (n !== NOT_READY) return Promise.resolve(n);
    }
    const op = new GetManyOp(dst);
    const promise = promiseFor(op);
    this.parkGet(op as unknown as GetWaiter<T>);
    return promise;
  }

  /**
   * `putMany` that blocks this thread. With a timeout it returns the count that entered
   * before the time ran out, or throws TimeoutError if none did.
   */
  putManySync(src: ArrayLike<number>, opts?: { timeout?: number }): number {
    const values = checkLaneValues('putManySync', this.laneType('putManySync'), src);
    const timeout = timeoutOf('putManySync', opts);
    if (this.isRendezvous()) return this.putEachSync(values, timeout);
    let done = 0;
    if (this.putq.length === 0 && this.policy === 'block') {
      // Fast path: everything fits now (no op object, no closure).
      done = this.numbers!.putMany(values, 0, values.length);
      if (done === values.length) return done;
      if (done === CLOSED) return 0;
    }
    const op = new PutManyOp(values);
    op.from = done;
    if (this.advanceInOrder(op)) return op.from;
    // No copy (`keep`) here: this thread is blocked until the call returns, so its own code
    // cannot write into `src` meanwhile. (A copy per wait made a producer that keeps a ring
    // full ~15% slower end to end: bench/README.md.)
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    this.syncOp = op;
    try {
      while (!op.done) {
        const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
        blockUntil('putManySync', this.ring.words, IDX_TX_WAITING, IDX_TX_EPOCH, this.attemptPutMany, left, this.spin);
      }
    } catch (err) {
      if (op.from > 0) return op.from; // partly transferred: report how much, do not throw
      throw err;
    } finally {
      this.syncOp = null;
    }
    return op.from;
  }

  /** `getMany` that blocks this thread. @throws TimeoutError when nothing arrived in time. */
  getManySync(dst: NumericArray, opts?: { timeout?: number }): number {
    this.laneType('getManySync');
    checkDestination('getManySync', dst);
    const timeout = timeoutOf('getManySync', opts);
    const n = this.attemptGetManyInto(dst);
    if (n !== NOT_READY) return n;
    this.syncDst = dst;
    try {
      return blockUntil('getManySync', this.ring.words, IDX_RX_WAITING, IDX_RX_EPOCH, this.attemptGetMany, timeout, this.spin);
    } finally {
      this.syncDst = null;
    }
  }

  // The arguments of the sync call in progress and its attempts, made once so that blocking
  // calls allocate no closure (sync calls cannot overlap within a thread: they block it).
  private syncValue: T | undefined = undefined;
  private syncPos = 0;
  private syncLap = 0;
  private syncOp: PutManyOp | null = null;
  private syncDst: NumericArray | null = null;
  // Each attempt first serves this thread's parked operations (H8): the blocked thread's
  // watchers cannot, and this call may be waiting for what they would do.
  private readonly attemptPut = (): boolean | NotReady => {
    this.serveParked();
    return this.putNowInOrder(this.syncValue!);
  };
  private readonly attemptTaken = (): boolean | NotReady => {
    this.serveParked();
    return this.handoffOutcome(this.syncPos, this.syncLap);
  };
  private readonly attemptGet = (): T | undefined | NotReady => {
    this.serveParked();
    return this.tryGet();
  };
  private readonly attemptPutMany = (): true | NotReady => {
    this.serveParked();
    return this.advanceInOrder(this.syncOp!) ? true : NOT_READY;
  };
  private readonly attemptGetMany = (): number | NotReady => {
    this.serveParked();
    return this.attemptGetManyInto(this.syncDst!);
  };

  private attemptGetManyInto(dst: NumericArray): number | NotReady {
    if (!this.olderGetsServed()) return NOT_READY;
    const n = this.takeManyNow(dst);
    if (n !== NOT_READY && n > 0 && (this.putq.length > 0 || this.handoffs.length > 0)) this.servePuts();
    return n;
  }

  // A rendezvous hands values over one at a time: each put completes only when its value was
  // taken, so a bulk put is a loop of single puts (and counts only the values taken).

  private async putEachAsync(values: ArrayLike<number>): Promise<number> {
    for (let i = 0; i < values.length; i++) if (!(await this.put(values[i] as T))) return i;
    return values.length;
  }

  private putEachSync(values: ArrayLike<number>, timeout: number | undefined): number {
    const deadline = timeout === undefined ? undefined : performance.now() + timeout;
    for (let i = 0; i < values.length; i++) {
      const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      try {
        if (!this.putSync(values[i] as T, left === undefined ? undefined : { timeout: left })) return i;
      } catch (err) {
        if (i > 0) return i; // partly transferred: report how much, do not throw
        throw err;
      }
    }
    return values.length;
  }
}
