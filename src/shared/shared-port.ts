/**
 * SharedPort: a shared channel as this thread sees it below its public API (./shared-chan.ts):
 * the ring in the shared buffer, this thread's parked operations in local FIFO queues, the
 * watchers that serve them from the ring when the other side moves, and the port protocol
 * that `select` and the Promise facade drive (protocol.ts).
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
 *       delivered is the value as it was when put, as with postMessage. A rendezvous put keeps
 *       it while its value waits in the ring too (H9 may take it back and offer it again).
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
 *   H8  a sync call (and each round of selectSync) serves this thread's parked operations of
 *       both directions before each attempt (`serveParked`): the thread is blocked, so the
 *       watchers that would serve them cannot run, and the call may be waiting for exactly
 *       what they would do (a parked get that would make room, a parked put that would fill
 *       the ring, a parked get that would take this call's rendezvous value).
 *   H9  a select's two-phase put arm (protocol.ts P8) keeps its place in line: its claim takes
 *       an exposed value back (`recallPut`) and queues the arm first again, where it was; its
 *       unclaim offers it again (`reofferPuts`). A get arm of that same select here (a
 *       "mirror", P7) does not claim while the select's value is in the ring: the ring holds
 *       one value, so there is nothing else for it, and claiming would only take the value
 *       back and offer it again, a commit that wakes this thread's own watcher, forever. It
 *       does not hold up this thread's later gets either (they may take that value: they are
 *       other operations). No two-phase get claims while the ring has nothing for it.
 */
import { PendingLimitError, undefinedPutError } from '../errors.js';
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
import type { ChannelConfig, Policy, SharedChanHandle } from './handle.js';
import { checkLaneValue, laneView } from './lanes.js';
import type { Codec } from '../codec/codec.js';
import { Encoded, MessageRing } from './message-ring.js';
import { OFF, type Prefetch } from './prefetch.js';
import type { DoorbellTable } from './doorbells.js';
import { HEADER_WORDS, IDX_RX_EPOCH, IDX_RX_WAITING, IDX_TX_EPOCH, IDX_TX_WAITING, SZ_HEADER, type LaneType } from './layout.js';
import { GetManyOp, PutManyOp, type NumericArray } from './bulk-ops.js';
import { closeReasonOf, workerExitCodeOf, type CloseReason } from './repair.js';
import { SpscRing } from './spsc-ring.js';
import { NumericRing } from './ring.js';
import { CLOSED, type RingCore } from './ring-core.js';
import { EpochWatcher } from './wait.js';

export abstract class SharedPort<T> extends ChanFacade<T> {
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
  protected readonly ring: RingCore;
  /** The same ring when it holds numbers (bulk operations), else null. */
  protected readonly numbers: NumericRing | null;
  /** The same ring when it holds messages, else null. */
  private readonly messages: MessageRing<T> | null;
  /** Object channels: the encoding of each parked put, taken when it parked (H5). */
  private readonly snapshots = new Map<PutWaiter<T>, Encoded>();
  /** This thread's parked gets, oldest first. */
  protected readonly getq = new WaitQueue<GetWaiter<T>>();
  /** This thread's parked puts that have not entered the ring yet, oldest first (H2). */
  protected readonly putq = new WaitQueue<PutWaiter<T>>();
  /** Rendezvous puts whose value is in the ring, with its position, oldest first (H2). */
  protected readonly handoffs: { waiter: PutWaiter<T>; pos: number; lap: number }[] = [];
  /** Wakes this thread's parked gets when producers commit or the channel closes (H3). */
  private readonly rx: EpochWatcher;
  /** Wakes this thread's parked puts and handoffs when consumers commit or it closes (H3). */
  private readonly tx: EpochWatcher;
  /** This thread's prefetched values (H7); null when prefetch is off and nothing is held. */
  protected prefetched: Prefetch | null = null;

  constructor(
    buffer: SharedArrayBuffer,
    config: ChannelConfig,
    codec: Codec<T> | null,
    handle: SharedChanHandle,
    doorbells: DoorbellTable | null,
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
    if (!this.olderGetsServed()) return NOT_READY;
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

  recallPut(waiter: PutWaiter<T>): 'taken' | 'recalled' | 'idle' {
    const i = this.handoffs.findIndex((h) => h.waiter === waiter);
    if (i < 0) return 'idle';
    if (!this.ring.reclaim(this.handoffs[i]!.pos)) return 'taken';
    this.handoffs.splice(i, 1);
    this.putq.unshift(waiter); // H9: its value was in the ring, so it is older than every queued put
    return 'recalled';
  }

  reofferPuts(): void {
    this.servePuts();
  }

  /** H8: serves this thread's parked operations, which its blocked event loop cannot. */
  serveParked(): void {
    if (this.getq.length > 0) this.serveGets();
    if (this.putq.length > 0 || this.handoffs.length > 0) this.servePuts();
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
    this.snapshots.delete(waiter);
    this.idleIfNoPuts();
    return true;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** H3: once no put of this thread waits, the tx watcher need not hold the process. */
  private idleIfNoPuts(): void {
    if (this.putq.length === 0 && this.handoffs.length === 0) this.tx.idle();
  }

  protected isRendezvous(): boolean {
    return this.capacity === 0;
  }

  /** The lane type, for the numeric-only (bulk) methods. */
  protected laneType(where: string): LaneType {
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
  protected putNowInOrder(value: T): boolean | NotReady {
    if (this.putq.length > 0 && !this.servePuts()) return NOT_READY;
    return this.putNow(value);
  }

  /** Bulk put progress for `op`, by policy. Sets `op.done` when all entered or it closed. */
  protected advance(op: PutManyOp): void {
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

  protected advanceInOrder(op: PutManyOp): boolean {
    if (this.putq.length > 0 && !this.servePuts()) return false;
    this.advance(op);
    return op.done;
  }

  /**
   * Takes up to `dst.length` values now, prefetched ones first (H7), then from the ring: the
   * count, 0 when closed and drained, or NOT_READY.
   */
  protected takeManyNow(dst: NumericArray): number | NotReady {
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
  protected servePuts(): boolean {
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
      // H9: a rendezvous value in the ring may be recalled and offered again: its encoding
      // stays until its handoff ends.
      if (this.messages !== null && !(r === true && this.isRendezvous())) this.snapshots.delete(w);
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
      this.handoffs.push({ waiter: w, pos: this.ring.reservedAt, lap: this.ring.lap() });
      return;
    }
    w.flag.done = true;
    w.completePut(entered, false);
  }

  private serveHandoffs(): void {
    while (this.handoffs.length > 0) {
      const ok = this.handoffOutcome(this.handoffs[0]!.pos, this.handoffs[0]!.lap);
      if (ok === NOT_READY) return;
      const { waiter } = this.handoffs.shift()!;
      this.snapshots.delete(waiter);
      waiter.flag.done = true;
      waiter.completePut(ok, false);
    }
  }

  /**
   * How a rendezvous put whose value sits at `pos` ends: true once a consumer took it; once
   * the channel is closed, false if the value can be withdrawn (a blocked sender at close
   * fails, as in Go, minus the panic), or true if a consumer reserved it first. Otherwise
   * NOT_READY: still waiting for a taker. `lap`: LAP once the value was in the ring
   * (RingCore.taken).
   */
  protected handoffOutcome(pos: number, lap: number): boolean | NotReady {
    if (this.ring.taken(pos, lap)) return true;
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
  protected serveGets(): boolean {
    const ring = this.ring;
    let w = this.getq.first();
    while (w !== null) {
      // P8: a select that needs a two-phase commit claims before any value moves.
      const twoPhase = w.flag.claim !== undefined;
      if (twoPhase && this.exposes(w.flag)) {
        // H9: a mirror. Nothing here is for it (only its own select's value); a later get
        // of this thread is another operation and may take that value.
        w = w.next;
        continue;
      }
      // Claim only when a value may be there: a claim takes the select's exposed value back
      // and the unclaim offers it again, two commits that wake the other side, and this
      // thread's own selectSync if it waits on that side (select-sync.ts Y5).
      if (twoPhase && ring.length === 0 && (this.prefetched?.held ?? 0) === 0 && !ring.drained()) return false;
      if (twoPhase && !w.flag.claim!()) {
        const next = w.next;
        this.getq.remove(w); // its select completes through another arm
        w = next;
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
          this.getq.remove(w);
          w.flag.done = true;
          w.failGet(err);
          w = this.getq.first();
          continue;
        }
        if (took === 1) result = ring.value;
        else if (ring.drained()) result = undefined;
        else return this.notNow(w, twoPhase);
      }
      this.getq.remove(w);
      w.flag.done = true;
      w.completeGet(result as T | undefined, false);
      w = this.getq.first(); // completing may have withdrawn others (a select's other arms)
    }
    if (this.getq.length > 0) return false; // only mirrors left (H9)
    this.rx.idle(); // H3: served from anywhere (not only the watcher): nothing left to hold on for
    return true;
  }

  /**
   * H1 for a new get: true once this thread's parked gets are served, all but mirrors (H9),
   * which never take anything and so do not hold a later get back.
   */
  protected olderGetsServed(): boolean {
    return this.getq.length === 0 || this.serveGets() || this.onlyMirrorsParked();
  }

  /** True when every parked get of this thread is a mirror (H9): none of them can be served. */
  private onlyMirrorsParked(): boolean {
    for (let w = this.getq.first(); w !== null; w = w.next) {
      if (w.flag.claim === undefined || !this.exposes(w.flag)) return false;
    }
    return true;
  }

  /** True while a value of the select `flag` waits in this ring for its taker (H9). */
  private exposes(flag: GetWaiter<T>['flag']): boolean {
    for (const h of this.handoffs) if (h.waiter.flag === flag) return true;
    return false;
  }

  /** Nothing to give `w` now: undo its claim (P8). @returns false (a get is still parked). */
  private notNow(w: GetWaiter<T>, twoPhase: boolean): false {
    if (twoPhase) w.flag.unclaim!();
    return false;
  }
}
