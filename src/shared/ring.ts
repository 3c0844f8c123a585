/**
 * A bounded multi-producer multi-consumer ring of numbers in a SharedArrayBuffer.
 *
 * Algorithm: DPDK's rte_ring (MP/MC mode). Each side has a head and a tail position.
 *   reserve   a party claims k consecutive positions with one compare-and-swap on its head,
 *             after checking the other side's tail (space for producers, values for consumers);
 *   copy      it copies the k values with plain typed-array stores or loads;
 *   commit    it waits until its side's tail reaches the start of its reservation (parties of
 *             one side commit in reservation order), then moves the tail to start + k
 *             (a producer by CAS from start, a consumer by a store: see R5).
 * One reservation and one commit per batch, whatever its size, so a batch of 128 values costs
 * about as much synchronisation as a single value. Layout: ./layout.ts (native-layout/SPEC.md).
 *
 * Invariants (positions are 31-bit and wrap; "a <= b" means (b - a) mod 2^31 < 2^30):
 *   R1  consTail <= consHead <= prodTail <= prodHead(pos) <= consTail + capacity.
 *   R2  slots in [consTail, prodHead) are owned by the ring: producers write only slots they
 *       reserved in [prodTail, prodHead), consumers read only slots they reserved in
 *       [consTail, consHead); nobody else touches them until the matching commit.
 *   R3  FLAG_CLOSED (bit 31 of PROD_HEAD) is set at most once and never cleared; once it is
 *       set PROD_HEAD's position never changes, because every reservation CASes the whole
 *       word and expects the flag clear. So a put either reserved before the close (and its
 *       value is delivered) or fails with CLOSED: none is accepted and then lost.
 *   R4  a tail only moves forward, by the owner of the oldest outstanding reservation.
 *   R5  (dead workers) FLAG_SEALED (bit 31 of PROD_TAIL) is set at most once, by a CAS from
 *       an unsealed value s, only on a closed ring after a supervised worker exited
 *       (./repair.ts), and never cleared. Producers commit by CAS from their start `at`
 *       (unsealed), so once sealed PROD_TAIL never changes: a put's commit either lands
 *       before the seal (its positions are below s: delivered) or fails and the put reports
 *       CLOSED (its positions are >= s, which no consumer ever reserves: not delivered).
 *       Consumers end the stream at s instead of at PROD_HEAD (`drained`). So a dead
 *       producer's reservation cannot stall anyone, and exactly-once still holds when the
 *       "dead" producer was only slow: whichever of its commit and the seal comes first wins.
 *   R6  (dead workers) once the ring is closed and STATE has STATE_WORKER_EXITED, a consumer
 *       still waiting for its turn to commit CONS_TAIL gives up the commit and keeps its
 *       values (it reserved them alone: they are delivered once). After the close no
 *       producer reserves again, so nothing depends on CONS_TAIL moving except a rendezvous
 *       put, which counts its value as taken once a consumer reserved it.
 *
 * Memory ordering: positions, sleepers and epochs only through Atomics (sequentially
 * consistent). Slot values are plain stores/loads, published by the Atomics.store of
 * PROD_TAIL (a consumer reads a slot only after loading a PROD_TAIL beyond it) and released
 * by the store of CONS_TAIL (a producer writes a slot only after loading a CONS_TAIL that
 * frees it).
 *
 * Wake-ups: after a commit, a party bumps and notifies the other side's epoch only if that
 * side's WAITING flag is set, and clears it (an unconditional notify made a 15 ns ring 8x
 * slower; a notify per commit while a sleeper takes 10-50 µs to wake was most of our cost).
 * Sleepers read the epoch, set the flag, re-check, then wait on the epoch (./wait.ts).
 *
 * Blocking: never blocks, except the commit step, which spins (then naps in 1 ms waits where
 * the thread may block) until the parties that reserved earlier on the same side commit. They
 * are copying a few values, so this is normally a handful of iterations. A party that died
 * between reserve and commit would make this wait forever: R5 and R6 end it.
 *
 * Cost of R5 on the hot path: none extra. A producer commit is one CAS where it was a load
 * and a store (a sequentially consistent store is itself a locked exchange on x86).
 */
import {
  CLOSE_REASON_CLOSED,
  FLAG_CLOSED,
  FLAG_SEALED,
  IDX_CAPACITY,
  IDX_CLOSE_REASON,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_LAP,
  LAP_SHIFT,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_SLOTS,
  IDX_STATE,
  IDX_TX_EPOCH,
  IDX_TX_WAITING,
  POSITION_MASK,
  STATE_WORKER_EXITED,
} from './layout.js';
import { canBlock } from './wait.js';

/** A numeric typed array over the data region. */
export type Lane = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** Half the position space: differences below it are "ahead", above it "behind". */
const HALF = 2 ** 30;

/** `b - a` in 31-bit position arithmetic (valid while the two are less than 2^30 apart). */
export function distance(a: number, b: number): number {
  return (b - a) & POSITION_MASK;
}

/** True when position `pos` has reached or passed `target`. */
export function reached(pos: number, target: number): boolean {
  return distance(target, pos) < HALF;
}

/** Result of a reservation attempt that got nothing. */
export const CLOSED = -1;

export class NumericRing {
  /** The header words. */
  readonly words: Int32Array;
  /** The slots, viewed with the channel's element type. */
  readonly lane: Lane;
  /** Values the ring may hold (1 for a rendezvous, which holds its value until taken). */
  readonly capacity: number;
  /** `slots - 1`: slot index = position & mask. */
  private readonly mask: number;
  /** The single value read by the last successful `takeOne`. */
  value = 0;
  /** Start of the last successful reservation (either side). */
  reservedAt = 0;
  /**
   * Last CONS_TAIL / PROD_TAIL this thread loaded. Tails only move forward, so a stale copy
   * only under-estimates free space / available values: it is re-loaded only when it says
   * "full" / "empty". That keeps a producer off the consumers' cache line (and vice versa)
   * while the ring has slack: the Disruptor's gating-sequence cache.
   */
  private consTailSeen = 0;
  private prodTailSeen = 0;
  /**
   * LAP when the two copies above were loaded. A copy more than 2^30 positions old would
   * make the 31-bit distances lie (a stale tail could look fresh again); LAP moves every
   * 2^LAP_SHIFT positions, so an unchanged LAP bounds the staleness (see `checkLap`).
   */
  private lapSeen = 0;

  constructor(words: Int32Array, lane: Lane) {
    this.words = words;
    this.lane = lane;
    this.capacity = Math.max(words[IDX_CAPACITY]!, 1);
    this.mask = words[IDX_SLOTS]! - 1;
    this.lapSeen = Atomics.load(words, IDX_LAP);
    this.consTailSeen = Atomics.load(words, IDX_CONS_TAIL);
    this.prodTailSeen = Atomics.load(words, IDX_PROD_TAIL);
  }

  /**
   * Reloads the cached tails when PROD_TAIL has crossed a 2^LAP_SHIFT boundary since they
   * were loaded. Then, with capacity <= 2^LAP_SHIFT, each cache is less than 3 * 2^LAP_SHIFT
   * = 3 * 2^28 < 2^30 positions behind, and every distance computed from it is exact.
   * (LAP is bumped *before* the PROD_TAIL store that crosses, so no crossing can be seen
   * without its bump.) One load of a word that changes every 2^28 positions: ~1 ns.
   */
  private checkLap(): void {
    const w = this.words;
    const lap = Atomics.load(w, IDX_LAP);
    if (lap !== this.lapSeen) {
      this.lapSeen = lap;
      this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
      this.prodTailSeen = Atomics.load(w, IDX_PROD_TAIL);
    }
  }

  // ---- producer side ------------------------------------------------------------------------

  /**
   * Reserves up to `max` positions for writing.
   * @returns the number reserved (0: full), or CLOSED. On success `reservedAt` is the start.
   */
  private reservePut(max: number): number {
    const w = this.words;
    this.checkLap();
    for (;;) {
      const headWord = Atomics.load(w, IDX_PROD_HEAD);
      if ((headWord & FLAG_CLOSED) !== 0) return CLOSED;
      let used = distance(this.consTailSeen, headWord);
      if (this.capacity - used < max) {
        this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
        used = distance(this.consTailSeen, headWord);
        // More than a ring's worth "used" only means headWord is older than the tail just
        // loaded (others moved both since): read the head again.
        if (used > this.capacity) continue;
        if (used === this.capacity) return 0;
      }
      const k = Math.min(max, this.capacity - used);
      if (Atomics.compareExchange(w, IDX_PROD_HEAD, headWord, (headWord + k) & POSITION_MASK) === headWord) {
        this.reservedAt = headWord;
        return k;
      }
    }
  }

  /**
   * Puts one value.
   * @returns 1 if it entered the ring, 0 if full, CLOSED if the channel is closed (or, after
   *   a dead worker, was sealed before this value's commit: not delivered, R5).
   */
  putOne(value: number): number {
    const k = this.reservePut(1);
    if (k <= 0) return k;
    const at = this.reservedAt;
    this.lane[at & this.mask] = value;
    return this.commitPut(at, 1) ? 1 : CLOSED;
  }

  /**
   * Puts as many of `src[from..from+count)` as fit now, in order.
   * @returns the number put (0: full), or CLOSED (none of them delivered).
   */
  putMany(src: ArrayLike<number>, from: number, count: number): number {
    const k = this.reservePut(count);
    if (k <= 0) return k;
    const at = this.reservedAt;
    this.copyIn(src, from, at, k);
    return this.commitPut(at, k) ? k : CLOSED;
  }

  private copyIn(src: ArrayLike<number>, from: number, at: number, k: number): void {
    const lane = this.lane;
    const start = at & this.mask;
    const first = Math.min(k, this.mask + 1 - start); // slots before the physical end
    if (k >= 32 && ArrayBuffer.isView(src)) {
      // TypedArray.set is ~2.5x faster than a loop for long runs (sab-design.md C.3).
      const view = src as unknown as Lane;
      if (from === 0 && first === view.length) {
        lane.set(view, start); // the whole source, no wrap: skip the subarray allocation
        return;
      }
      lane.set(view.subarray(from, from + first), start);
      if (first < k) lane.set(view.subarray(from + first, from + k), 0);
      return;
    }
    for (let i = 0; i < first; i++) lane[start + i] = src[from + i]!;
    for (let i = first; i < k; i++) lane[i - first] = src[from + i]!;
  }

  // ---- consumer side ------------------------------------------------------------------------

  /** Reserves up to `max` positions for reading. @returns the number reserved (0: none). */
  private reserveTake(max: number): number {
    const w = this.words;
    this.checkLap();
    for (;;) {
      const head = Atomics.load(w, IDX_CONS_HEAD);
      let available = distance(head, this.prodTailSeen);
      // The cached tail may be behind the head (other consumers, a sliding producer or a
      // withdrawn rendezvous moved it): then "available" wraps to more than a ring's worth.
      if (available < max || available > this.capacity) {
        this.prodTailSeen = Atomics.load(w, IDX_PROD_TAIL);
        available = distance(head, this.prodTailSeen);
        if (available > this.capacity) continue; // the head we read is older than that tail
        if (available === 0) return 0;
      }
      const k = Math.min(max, available);
      if (Atomics.compareExchange(w, IDX_CONS_HEAD, head, (head + k) & POSITION_MASK) === head) {
        this.reservedAt = head;
        return k;
      }
    }
  }

  /** Takes one value into `this.value`. @returns 1, or 0 when nothing is available now. */
  takeOne(): number {
    if (this.reserveTake(1) === 0) return 0;
    const at = this.reservedAt;
    this.value = this.lane[at & this.mask]!;
    this.commitTake(at, 1);
    return 1;
  }

  /** Takes up to `max` values into `dst[from..)`. @returns the number taken (0: none now). */
  takeMany(dst: Lane | number[], from: number, max: number): number {
    const k = this.reserveTake(max);
    if (k === 0) return 0;
    const at = this.reservedAt;
    const lane = this.lane;
    const start = at & this.mask;
    const first = Math.min(k, this.mask + 1 - start);
    if (k >= 32 && ArrayBuffer.isView(dst)) {
      (dst as Lane).set(lane.subarray(start, start + first), from);
      if (first < k) (dst as Lane).set(lane.subarray(0, k - first), from + first);
    } else {
      for (let i = 0; i < first; i++) dst[from + i] = lane[start + i]!;
      for (let i = first; i < k; i++) dst[from + i] = lane[i - first]!;
    }
    this.commitTake(at, k);
    return k;
  }

  /**
   * Takes back the value at `pos` if no consumer has reserved it yet (a rendezvous put that
   * is withdrawn). @returns true if withdrawn; false if a consumer got there first.
   */
  reclaim(pos: number): boolean {
    const w = this.words;
    if (Atomics.load(w, IDX_CONS_HEAD) !== pos) return false;
    if (Atomics.compareExchange(w, IDX_CONS_HEAD, pos, (pos + 1) & POSITION_MASK) !== pos) return false;
    this.commitTake(pos, 1);
    return true;
  }

  /** Drops the oldest value to make room (sliding policy). @returns false if none was there. */
  dropOldest(): boolean {
    return this.takeOne() === 1;
  }

  // ---- both sides ---------------------------------------------------------------------------

  /**
   * Commits a producer reservation [at, at + k) (R4), then wakes consumers if any sleeps. The
   * commit is a CAS from `at`, so that it cannot overwrite a seal (R5).
   * @returns false when the ring was sealed before this commit: the values are not delivered.
   */
  private commitPut(at: number, k: number): boolean {
    const w = this.words;
    const end = (at + k) & POSITION_MASK;
    if (end >>> LAP_SHIFT !== at >>> LAP_SHIFT) {
      // Rare (once per 2^28 positions): bump LAP just before the crossing commit, as always.
      if (!awaitTurn(w, IDX_PROD_TAIL, at)) return false;
      Atomics.add(w, IDX_LAP, 1);
    }
    // Fails while earlier reservations are uncommitted, and for good once sealed.
    while (Atomics.compareExchange(w, IDX_PROD_TAIL, at, end) !== at) {
      if (!awaitTurn(w, IDX_PROD_TAIL, at)) return false;
    }
    wakeIfWaiting(w, IDX_RX_WAITING, IDX_RX_EPOCH);
    return true;
  }

  /**
   * Commits a consumer reservation [at, at + k) (R4), then wakes producers if any sleeps.
   * After a dead worker, a commit stuck behind it is skipped (R6): the values are ours anyway.
   */
  private commitTake(at: number, k: number): void {
    const w = this.words;
    if (Atomics.load(w, IDX_CONS_TAIL) !== at && !awaitTurn(w, IDX_CONS_TAIL, at)) return;
    Atomics.store(w, IDX_CONS_TAIL, (at + k) & POSITION_MASK);
    wakeIfWaiting(w, IDX_TX_WAITING, IDX_TX_EPOCH);
  }

  /**
   * Closes the ring (idempotent). @returns true if this call closed it. Wakes everyone, on
   * both sides, after the flag is visible (waking first could let a waiter re-check, see
   * "open and empty", and sleep again).
   */
  close(reason = CLOSE_REASON_CLOSED): boolean {
    const w = this.words;
    if ((Atomics.load(w, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0) return false;
    Atomics.compareExchange(w, IDX_CLOSE_REASON, 0, reason);
    const old = Atomics.or(w, IDX_PROD_HEAD, FLAG_CLOSED);
    wake(w, IDX_RX_EPOCH);
    wake(w, IDX_TX_EPOCH);
    return (old & FLAG_CLOSED) === 0;
  }

  get closed(): boolean {
    return (Atomics.load(this.words, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0;
  }

  /**
   * True once the ring is closed and every value put before the close has been taken (or
   * reserved by another consumer): gets then resolve `undefined`. Reads PROD_HEAD first: once
   * closed its position is final (R3), and the tails only grow towards it. A sealed ring (R5)
   * ends where PROD_TAIL was sealed instead: nothing beyond it will ever be published.
   */
  drained(): boolean {
    const w = this.words;
    const headWord = Atomics.load(w, IDX_PROD_HEAD);
    if ((headWord & FLAG_CLOSED) === 0) return false;
    const tailWord = Atomics.load(w, IDX_PROD_TAIL);
    const prodTail = tailWord & POSITION_MASK;
    if (prodTail !== (headWord & POSITION_MASK) && (tailWord & FLAG_SEALED) === 0) return false;
    return Atomics.load(w, IDX_CONS_HEAD) === prodTail;
  }

  /** True when the value put at `pos` has been read by a consumer (CONS_TAIL passed it). */
  taken(pos: number): boolean {
    return reached(Atomics.load(this.words, IDX_CONS_TAIL), (pos + 1) & POSITION_MASK);
  }

  /** Values in the ring now. Staleness: may be off by in-flight reservations either way. */
  get length(): number {
    return distance(Atomics.load(this.words, IDX_CONS_HEAD), Atomics.load(this.words, IDX_PROD_TAIL));
  }
}

/** Bumps an epoch and wakes every waiter on it. */
export function wake(words: Int32Array, epochIdx: number): void {
  Atomics.add(words, epochIdx, 1);
  Atomics.notify(words, epochIdx);
}

/** After a commit: wake the other side if it asked to be woken (see "Wake-ups" above). */
function wakeIfWaiting(words: Int32Array, waitingIdx: number, epochIdx: number): void {
  // Loading first keeps the common case (nobody waiting) a read of a shared cache line.
  if (Atomics.load(words, waitingIdx) !== 0 && Atomics.exchange(words, waitingIdx, 0) !== 0) wake(words, epochIdx);
}

/**
 * Waits until `words[tailIdx] === at`: the parties that reserved before us have committed.
 * They are mid-copy, so spin first; if one was preempted, nap in short waits (where this
 * thread may block) rather than burn the core it needs.
 * @returns true when it is our turn; false when it never will be: PROD_TAIL was sealed (R5),
 *   or, for CONS_TAIL, the ring is closed after a supervised worker died (R6).
 */
function awaitTurn(words: Int32Array, tailIdx: number, at: number): boolean {
  // FLAG_SEALED is only ever set in PROD_TAIL; testing it on CONS_TAIL is harmless.
  for (let i = 0; i < 1 << 14; i++) {
    const seen = Atomics.load(words, tailIdx);
    if (seen === at) return true;
    if ((seen & FLAG_SEALED) !== 0) return false;
  }
  const nap = canBlock();
  for (;;) {
    const seen = Atomics.load(words, tailIdx);
    if (seen === at) return true;
    if ((seen & FLAG_SEALED) !== 0) return false;
    if (tailIdx === IDX_CONS_TAIL && abandoned(words)) return false;
    if (nap) Atomics.wait(words, tailIdx, seen, 1);
  }
}

/** True once the ring is closed and a supervised worker has died (R6). */
function abandoned(words: Int32Array): boolean {
  return (Atomics.load(words, IDX_STATE) & STATE_WORKER_EXITED) !== 0 && (Atomics.load(words, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0;
}
