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
 * Invariants (per thread; protocol.ts P1–P7 hold as for in-thread channels):
 *   H1  FIFO per thread: an operation never overtakes an older parked operation of the same
 *       direction in this thread (every try serves the local queue first), so one producer's
 *       values enter the ring, and therefore arrive, in the order it put them.
 *   H2  a parked put leaves `putq` only by entering the ring or by completing false (closed).
 *       A rendezvous put that entered the ring waits in `handoffs` until a consumer's commit
 *       passes its position (it completes true) or it reclaims its value (withdrawn).
 *   H3  the watchers are armed (waiting on the ring's epoch, holding the process alive)
 *       exactly while their side has parked operations in this thread.
 *   H4  a put that had not entered the ring when the channel closed resolves false; values in
 *       the ring at the close are still delivered (ring-core.ts R3). A rendezvous put still
 *       waiting for its taker at the close withdraws its value and resolves false, unless a
 *       consumer reserved it first (then true): every blocked call settles.
 *   H5  object channels: every put form encodes its value (the check) before it touches the
 *       ring; a put that parks keeps a private copy of the encoding (`snapshots`), so what is
 *       delivered is the value as it was when put, as with postMessage.
 *   H6  object channels: a message whose decode throws is consumed, and the error goes to the
 *       get that took it: thrown by a sync call (getSync, poll), the rejection of a Promise
 *       one (get, select, iteration), never to the producer and never lost in a wake-up.
 *   H7  prefetch (numeric channels, opt-in, `setPrefetch`): `prefetched` (./prefetch.ts F1,
 *       F2) holds values this thread took from the ring in one bulk take (one reservation,
 *       one commit) and has not delivered yet. They are older than anything this thread can
 *       still take from the ring, so every take of this thread (single gets and getMany, in
 *       every form) serves them first, in order: FIFO per thread and per producer holds as
 *       without prefetch. They belong to this thread alone (the ring counts them as taken:
 *       producers see the room at once); only this thread delivers them, also after the
 *       close, so a get sees "closed and drained" only when the ring is drained AND nothing is
 *       held, and `length` counts them. With prefetch off and nothing held, `prefetched` is
 *       null, so the single-value path costs one null test. Never on rendezvous or object
 *       channels. (Timing only, not order: `getSync` waits GATHER_LOADS before a refill that
 *       follows a short one.)
 */
import { describe, PendingLimitError, timeoutOf, undefinedPutError } from '../errors.js';
import { promiseFor } from '../internal/deferred.js';
import { WaitQueue } from '../internal/waitq.js';
import {
  claimed,
  MAX_PENDING,
  NOT_READY,
  type GetWaiter,
  type NotReady,
  type PutWaiter,
} from '../protocol.js';
import { ChanFacade } from '../select/facade.js';
import { handleOf, type ChannelConfig, type Policy, type SharedChanHandle } from './handle.js';
import { checkLaneValue, checkLaneValues, laneView } from './lanes.js';
import type { Codec } from '../codec/codec.js';
import { Encoded, MessageRing } from './message-ring.js';
import { OFF, Prefetch } from './prefetch.js';
import type { DoorbellTable } from './doorbells.js';
import {
  HEADER_WORDS,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_TX_EPOCH,
  IDX_TX_WAITING,
  SZ_HEADER,
  LANES,
  type LaneType,
} from './layout.js';
import { checkDestination, GetManyOp, PutManyOp, type NumericArray } from './bulk-ops.js';
import { closeReasonOf, workerExitCodeOf, type CloseReason } from './repair.js';
import { SpscRing } from './spsc-ring.js';
import { NumericRing } from './ring.js';
import { CLOSED, type RingCore } from './ring-core.js';
import { blockUntil, delay, EpochWatcher, SpinBudget } from './wait.js';

/** The most values `setPrefetch` takes at once. */
export const MAX_PREFETCH = 4096;

/**
 * How long a prefetching thread's `getSync` lets values gather before it visits the ring after
 * a short refill (H7), in local loads: ~0.3 µs here, the time a producer takes to put several
 * values. Measured: a sync consumer that kept up took 1.4 values per visit without it (70 ns
 * per value, slower than no prefetch) and 10-35 with it (40-50 ns, the producer's pace).
 */
const GATHER_LOADS = 256;


export class SharedChan<T = number> extends ChanFacade<T> {
  /** Structured-cloneable: postMessage it or pass it in workerData, then `attach` it. */
  readonly handle: SharedChanHandle;
  /** Element type of a numeric channel's lane, or 'object' for an object channel. */
  readonly type: LaneType | 'object';
  /** Object channels: the codec both ends use (null for numeric channels). */
  readonly codec: Codec<T> | null;
  /** Values the channel holds (0: rendezvous). */
  readonly capacity: number;
  /** What a put does when the channel is full. */
  readonly policy: Policy;
  /** One producer thread and one consumer thread (`sharedChan({ ..., spsc: true })`). */
  readonly spsc: boolean;
  /**
   * A rendezvous: a select put arm's value waits in the ring, where another thread may take
   * it at any moment, so the select commits in two phases (protocol.ts P8).
   */
  readonly twoPhasePut: boolean;
  /** The lock-free ring in the shared buffer. */
  private readonly ring: RingCore;
  /** The same ring when it holds numbers (bulk operations), else null. */
  private readonly numbers: NumericRing | null;
  /** The same ring when it holds messages, else null. */
  private readonly messages: MessageRing<T> | null;
  /** Object channels: the encoding of each parked put, taken when it parked (H5). */
  private readonly snapshots = new Map<PutWaiter<T>, Encoded>();
  /** This thread's parked gets, oldest first. */
  private readonly getq = new WaitQueue<GetWaiter<T>>();
  /** This thread's parked puts that have not entered the ring yet, oldest first (H2). */
  private readonly putq = new WaitQueue<PutWaiter<T>>();
  /** Rendezvous puts whose value is in the ring, with its position, oldest first (H2). */
  private readonly handoffs: { waiter: PutWaiter<T>; pos: number }[] = [];
  /** Wakes this thread's parked gets when producers commit or the channel closes (H3). */
  private readonly rx: EpochWatcher;
  /** Wakes this thread's parked puts and handoffs when consumers commit or it closes (H3). */
  private readonly tx: EpochWatcher;
  /** How long this thread's sync calls on this channel spin before sleeping. */
  private readonly spin = new SpinBudget();
  /** This thread's prefetched values (H7); null when prefetch is off and nothing is held. */
  private prefetched: Prefetch | null = null;
  /**
   * putSync's fast path (a buffered numeric channel, where a put completes once its value
   * entered): the values a lane takes without a closer look, [fastMin, fastMax], and whether
   * they must be integers. An empty range (object and rendezvous channels) turns it off.
   */
  private readonly fastMin: number;
  private readonly fastMax: number;
  private readonly fastIntegers: boolean;

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

  /** Use `sharedChan()` or `attach()`. */
  constructor(
    buffer: SharedArrayBuffer,
    config: ChannelConfig,
    codec: Codec<T> | null = null,
    handle = handleOf(buffer, undefined),
    doorbells: DoorbellTable | null = null,
  ) {
    super();
    const words = new Int32Array(buffer, 0, HEADER_WORDS);
    if (config.type === 'object') {
      if (codec === null) throw new TypeError('SharedChan: an object channel needs its codec');
      this.ring = this.messages = new MessageRing<T>(words, buffer, codec);
      this.numbers = null;
    } else {
      const lane = laneView(config.type, buffer, SZ_HEADER, config.slots);
      this.ring = this.numbers = config.spsc ? new SpscRing(words, lane, config.id) : new NumericRing(words, lane);
      this.messages = null;
    }
    this.ring.doorbells = doorbells;
    this.codec = codec;
    this.handle = handle;
    this.type = config.type;
    this.capacity = config.capacity;
    this.policy = config.policy;
    this.spsc = config.spsc;
    this.twoPhasePut = config.capacity === 0;
    const lane = config.type === 'object' || config.capacity === 0 ? null : LANES[config.type];
    this.fastMin = lane === null ? Infinity : lane.min;
    this.fastMax = lane === null ? -Infinity : lane.max;
    this.fastIntegers = lane !== null && lane.integer;
    this.rx = new EpochWatcher(words, IDX_RX_WAITING, IDX_RX_EPOCH, () => !this.serveGets());
    this.tx = new EpochWatcher(words, IDX_TX_WAITING, IDX_TX_EPOCH, () => !this.servePuts());
  }

  get closed(): boolean {
    return this.ring.closed;
  }

  /**
   * Why the channel closed, as seen from any thread: `undefined` while open, `'closed'` after
   * `close()`, `'worker-exited'` when a supervised worker exited (`supervise`).
   */
  get closeReason(): CloseReason | undefined {
    // Not before `closed` says so (an SPSC channel closes at its seal, just after the flag).
    return this.ring.closed ? closeReasonOf(this.ring.words) : undefined;
  }

  /** The exit code of the supervised worker whose exit closed the channel, else `undefined`. */
  get workerExitCode(): number | undefined {
    return workerExitCodeOf(this.ring.words);
  }

  /**
   * Values in the ring now, plus those this thread prefetched and has not delivered yet
   * (`setPrefetch`). Staleness: other threads may change it at any moment.
   */
  get length(): number {
    return this.ring.length + (this.prefetched?.held ?? 0);
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
  private syncOp: PutManyOp | null = null;
  private syncDst: NumericArray | null = null;
  private readonly attemptPut = (): boolean | NotReady => this.putNowInOrder(this.syncValue!);
  private readonly attemptTaken = (): boolean | NotReady => this.handoffOutcome(this.syncPos);
  private readonly attemptGet = (): T | undefined | NotReady => this.tryGet();
  private readonly attemptPutMany = (): true | NotReady => (this.advanceInOrder(this.syncOp!) ? true : NOT_READY);
  private readonly attemptGetMany = (): number | NotReady => this.attemptGetManyInto(this.syncDst!);

  private attemptGetManyInto(dst: NumericArray): number | NotReady {
    if (this.getq.length > 0 && !this.serveGets()) return NOT_READY;
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

  // ---- port protocol ------------------------------------------------------------------------

  /**
   * Pass 1 of a put: older parked puts of this thread first (H1), then this one. A rendezvous
   * put can complete now only by meeting a get parked in this same thread; a getter parked in
   * another thread is asleep and can only take the value from the ring, later.
   */
  tryPut(value: T): boolean | NotReady {
    if (this.putq.length > 0 && !this.servePuts()) return NOT_READY;
    if (!this.isRendezvous()) {
      const r = this.putNow(value);
      if (r === true && this.getq.length > 0) this.serveGets(); // our own parked gets need not wait for a wake-up
      return r;
    }
    if (this.ring.closed) return false;
    let w = this.getq.first();
    // P8: a parked select get that cannot commit (its select completes elsewhere) is dropped.
    while (w !== null && !(w instanceof GetManyOp) && !claimed(w)) {
      this.getq.shift();
      w = this.getq.first();
    }
    if (w === null || w instanceof GetManyOp) return NOT_READY;
    this.getq.shift();
    w.flag.done = true;
    if (this.messages === null) {
      w.completeGet(value, false);
      return true;
    }
    // An object channel delivers what a get in another thread would: a decoded copy. A decode
    // that throws fails that get (H6); the put did hand its value over.
    let copy: T;
    try {
      copy = this.messages.copyOf(value);
    } catch (err) {
      w.failGet(err);
      return true;
    }
    w.completeGet(copy, false);
    return true;
  }

  /** Pass 1 of a get: older parked gets of this thread first (H1), then this one. */
  tryGet(): T | undefined | NotReady {
    if (this.getq.length > 0 && !this.serveGets()) return NOT_READY;
    if (this.prefetched !== null) {
      const r = this.takePrefetched();
      if (r !== OFF) {
        if (this.putq.length > 0) this.servePuts(); // a refill may have made room
        return r as T | undefined | NotReady;
      }
    }
    if (this.ring.takeOne() === 1) {
      const value = this.ring.value as T;
      // Room freed, or our own rendezvous value taken: this thread's puts need not wait for
      // the wake-up that the commit sent.
      if (this.putq.length > 0 || this.handoffs.length > 0) this.servePuts();
      return value;
    }
    return this.ring.drained() ? undefined : NOT_READY;
  }

  parkGet(waiter: GetWaiter<T>): void {
    if (this.getq.length >= MAX_PENDING) throw new PendingLimitError('get');
    this.getq.push(waiter);
    this.rx.arm(); // re-checks right after counting as a sleeper (wait.ts step 3)
  }

  parkPut(waiter: PutWaiter<T>): void {
    if (this.putq.length + this.handoffs.length >= MAX_PENDING) throw new PendingLimitError('put');
    if (this.messages !== null && !(waiter instanceof PutManyOp)) this.snapshots.set(waiter, this.messages.snapshot(waiter.value, 'put'));
    this.putq.push(waiter);
    this.tx.arm();
  }

  checkPut(value: unknown, where: string): void {
    if (this.messages !== null) {
      if (value === undefined) throw undefinedPutError(where);
      this.messages.encode(value, where);
    } else {
      checkLaneValue(where, this.type as LaneType, value);
    }
  }

  withdrawGet(waiter: GetWaiter<T>): boolean {
    this.getq.remove(waiter);
    if (this.getq.length === 0) this.rx.idle(); // H3: nothing parked, nothing to hold the process for
    return true;
  }

  withdrawPut(waiter: PutWaiter<T>): boolean {
    if (waiter.queued) {
      this.putq.remove(waiter);
      this.snapshots.delete(waiter);
      this.idleIfNoPuts();
      return true;
    }
    let i = 0;
    while (i < this.handoffs.length && this.handoffs[i]!.waiter !== waiter) i++;
    if (i === this.handoffs.length) return true; // not parked here (P6)
    if (!this.ring.reclaim(this.handoffs[i]!.pos)) return false; // already taken: completes true
    this.handoffs.splice(i, 1);
    this.idleIfNoPuts();
    return true;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** H3: once no put of this thread waits, the tx watcher need not hold the process. */
  private idleIfNoPuts(): void {
    if (this.putq.length === 0 && this.handoffs.length === 0) this.tx.idle();
  }

  private isRendezvous(): boolean {
    return this.capacity === 0;
  }

  /** The lane type, for the numeric-only (bulk) methods. */
  private laneType(where: string): LaneType {
    if (this.numbers === null) {
      throw new TypeError(`${where}: bulk transfers are for numeric channels; this channel carries objects (codec '${this.codec!.name}'): use put/get or putSync/getSync`);
    }
    return this.type as LaneType;
  }

  /** Puts one value by the channel's policy: true, false (closed) or NOT_READY (full). */
  private putNow(value: unknown): boolean | NotReady {
    const ring = this.ring;
    for (;;) {
      const r = ring.putOne(value);
      if (r === 1) return true;
      if (r === CLOSED) return false;
      if (this.policy === 'block') return NOT_READY;
      if (this.policy === 'dropping') return true; // full: the new value is dropped
      ring.dropOldest(); // sliding: make room, then retry (another thread may take the room)
    }
  }

  /** `putNow` for a sync put: behind this thread's parked puts (H1); rendezvous enters only. */
  private putNowInOrder(value: T): boolean | NotReady {
    if (this.putq.length > 0 && !this.servePuts()) return NOT_READY;
    return this.putNow(value);
  }

  /** Bulk put progress for `op`, by policy. Sets `op.done` when all entered or it closed. */
  private advance(op: PutManyOp): void {
    const ring = this.numbers!;
    while (op.from < op.values.length) {
      const n = ring.putMany(op.values, op.from, op.values.length - op.from);
      if (n === CLOSED) break;
      op.from += n;
      if (n > 0) continue;
      if (this.policy === 'block') return;
      if (this.policy === 'dropping') {
        op.from = op.values.length; // full: the rest is dropped, as single puts would be
        break;
      }
      ring.dropOldest();
    }
    op.done = true;
  }

  private advanceInOrder(op: PutManyOp): boolean {
    if (this.putq.length > 0 && !this.servePuts()) return false;
    this.advance(op);
    return op.done;
  }

  /**
   * Takes up to `dst.length` values now, prefetched ones first (H7), then from the ring: the
   * count, 0 when closed and drained, or NOT_READY.
   */
  private takeManyNow(dst: NumericArray): number | NotReady {
    let n = 0;
    if (this.prefetched !== null) {
      n = this.prefetched.drainInto(dst, dst.length);
      if (this.prefetched.off) this.prefetched = null;
      if (n === dst.length) return n;
    }
    const k = this.numbers!.takeMany(dst, n, dst.length - n);
    if (n + k > 0) return n + k;
    return this.ring.drained() ? 0 : NOT_READY;
  }

  /** The next prefetched value (H7), or OFF once prefetch is off and nothing is held. */
  private takePrefetched(): number | undefined | NotReady | typeof OFF {
    const r = this.prefetched!.take();
    if (r === OFF) this.prefetched = null;
    return r;
  }

  /**
   * Moves this thread's parked puts into the ring, oldest first, and completes rendezvous
   * handoffs whose value was taken. @returns true when no put of this thread is parked.
   */
  private servePuts(): boolean {
    for (let w = this.putq.first(); w !== null; w = this.putq.first()) {
      if (w instanceof PutManyOp) {
        this.advance(w);
        if (!w.done) break;
        this.putq.shift();
        this.completeOrHandOff(w as unknown as PutWaiter<T>, true);
        continue;
      }
      const value = this.messages === null ? w.value : this.snapshots.get(w)!;
      let r: boolean | NotReady;
      if (this.isRendezvous()) {
        // Entering the ring is not a commit (the put completes when taken), and the only
        // two-phase waiter a rendezvous channel can hold is that select's own exposed arm.
        r = this.enterRendezvous(value);
      } else {
        // P8: a select that needs a two-phase commit claims before its value moves.
        const twoPhase = w.flag.claim !== undefined;
        if (twoPhase && !w.flag.claim!()) {
          this.putq.shift(); // its select completes through another arm
          if (this.messages !== null) this.snapshots.delete(w);
          continue;
        }
        r = this.putNow(value);
        if (r === NOT_READY && twoPhase) w.flag.unclaim!();
      }
      if (r === NOT_READY) break;
      this.putq.shift();
      if (this.messages !== null) this.snapshots.delete(w);
      this.completeOrHandOff(w, r);
    }
    this.serveHandoffs();
    if (this.putq.length > 0 || this.handoffs.length > 0) return false;
    this.tx.idle(); // H3: served from anywhere (not only the watcher): nothing left to hold on for
    return true;
  }

  /** A rendezvous value enters the ring (capacity 1); its put completes once it is taken. */
  private enterRendezvous(value: unknown): boolean | NotReady {
    const r = this.ring.putOne(value);
    return r === 1 ? true : r === CLOSED ? false : NOT_READY;
  }

  private completeOrHandOff(w: PutWaiter<T>, entered: boolean): void {
    if (entered && this.isRendezvous()) {
      // The last reservation made was this value's (bulk puts never park on a rendezvous).
      this.handoffs.push({ waiter: w, pos: this.ring.reservedAt });
      return;
    }
    w.flag.done = true;
    w.completePut(entered, false);
  }

  private serveHandoffs(): void {
    while (this.handoffs.length > 0) {
      const ok = this.handoffOutcome(this.handoffs[0]!.pos);
      if (ok === NOT_READY) return;
      const { waiter } = this.handoffs.shift()!;
      waiter.flag.done = true;
      waiter.completePut(ok, false);
    }
  }

  /**
   * How a rendezvous put whose value sits at `pos` ends: true once a consumer took it; once
   * the channel is closed, false if the value can be withdrawn (a blocked sender at close
   * fails, as in Go, minus the panic), or true if a consumer reserved it first. Otherwise
   * NOT_READY: still waiting for a taker.
   */
  private handoffOutcome(pos: number): boolean | NotReady {
    if (this.ring.taken(pos)) return true;
    if (!this.ring.closed) return NOT_READY;
    if (this.ring.reclaim(pos)) return false;
    // A consumer reserved it: the transfer happened, even if that consumer then died before
    // its commit could pass `pos` (ring.ts R6), so do not wait for the commit.
    return true;
  }

  /**
   * Serves this thread's parked gets from the ring, oldest first; once the channel is closed
   * and drained they all complete with `undefined` (or 0 for getMany).
   * @returns true when no get of this thread is parked.
   */
  private serveGets(): boolean {
    const ring = this.ring;
    for (let w = this.getq.first(); w !== null; w = this.getq.first()) {
      // P8: a select that needs a two-phase commit claims before any value moves.
      const twoPhase = w.flag.claim !== undefined;
      if (twoPhase && !w.flag.claim!()) {
        this.getq.shift(); // its select completes through another arm
        continue;
      }
      let result: unknown;
      if (w instanceof GetManyOp) {
        const n = this.takeManyNow(w.dst);
        if (n === NOT_READY) return false;
        result = n;
      } else if (this.prefetched !== null && (result = this.takePrefetched()) !== OFF) {
        if (result === NOT_READY) return this.notNow(w, twoPhase);
      } else {
        let took: number;
        try {
          took = ring.takeOne();
        } catch (err) {
          // H6: the message was taken but not decodable: this get fails with the error.
          this.getq.shift();
          w.flag.done = true;
          w.failGet(err);
          continue;
        }
        if (took === 1) result = ring.value;
        else if (ring.drained()) result = undefined;
        else return this.notNow(w, twoPhase);
      }
      this.getq.shift();
      w.flag.done = true;
      w.completeGet(result as T | undefined, false);
    }
    this.rx.idle(); // H3: served from anywhere (not only the watcher): nothing left to hold on for
    return true;
  }

  /** Nothing to give `w` now: undo its claim (P8). @returns false (a get is still parked). */
  private notNow(w: GetWaiter<T>, twoPhase: boolean): false {
    if (twoPhase) w.flag.unclaim!();
    return false;
  }
}
