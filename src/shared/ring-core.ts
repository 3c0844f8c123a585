/**
 * What every ring in a shared channel has in common, whatever its slots hold: positions,
 * the ordered commit, close, and the drained / taken tests. The numeric ring (./ring.ts)
 * reserves fixed-size slots; the message ring (./message-ring.ts) reserves variable-length
 * byte records. Both follow DPDK's rte_ring (MP/MC mode):
 *   reserve   a party claims a run of positions with one compare-and-swap on its side's
 *             head, after checking the other side's tail (space for producers, published
 *             values for consumers);
 *   copy      it copies with plain typed-array stores or loads;
 *   commit    it waits until its side's tail reaches the start of its reservation (parties of
 *             one side commit in reservation order), then moves the tail to start + length
 *             (a producer by CAS from start; a consumer by CAS from start, or by a store once
 *             its turn came: see R5).
 *
 * Invariants (positions are 31-bit and wrap; "a <= b" means (b - a) mod 2^31 < 2^30):
 *   R1  consTail <= consHead <= prodTail <= prodHead(pos) <= consTail + size, where size is
 *       the slot count (numeric) or the byte count (messages) of the data region.
 *   R2  positions in [consTail, prodHead) are owned by the ring: producers write only what
 *       they reserved in [prodTail, prodHead), consumers read only what they reserved in
 *       [consTail, consHead); nobody else touches them until the matching commit.
 *   R3  FLAG_CLOSED (bit 31 of PROD_HEAD) is set at most once and never cleared; once it is
 *       set PROD_HEAD's position never changes, because every reservation CASes the whole
 *       word and expects the flag clear. So a put either reserved before the close (and its
 *       value is delivered) or fails with CLOSED: none is accepted and then lost.
 *   R4  a tail only moves forward, by the owner of the oldest outstanding reservation.
 *   R5  (dead workers) FLAG_SEALED (bit 31 of PROD_TAIL) is set at most once, by a CAS from
 *       an unsealed value s, only on a closed ring after a supervised worker exited
 *       (./repair.ts) or, in an SPSC channel, by every close (./spsc-ring.ts S3), and never
 *       cleared. Producers commit by CAS from their start `at`
 *       (unsealed), so once sealed PROD_TAIL never changes: a put's commit either lands
 *       before the seal (its positions are below s: delivered) or fails and the put reports
 *       CLOSED (its positions are >= s, which no consumer ever reserves: not delivered).
 *       Consumers end the stream at s instead of at PROD_HEAD (`drained`). So a dead
 *       producer's reservation cannot stall anyone, and exactly-once still holds when the
 *       "dead" producer was only slow: whichever of its commit and the seal comes first wins.
 *   R6  (dead workers) once the ring is closed and STATE has STATE_WORKER_EXITED, a consumer
 *       still waiting for its turn to commit CONS_TAIL gives up the commit and keeps what it
 *       reserved (it reserved it alone: delivered once). After the close no producer
 *       reserves again, so nothing depends on CONS_TAIL moving except a rendezvous put, which
 *       counts its value as taken once a consumer reserved it.
 *
 * Memory ordering: positions, sleepers and epochs only through Atomics (sequentially
 * consistent). Slot contents are plain stores/loads, published by the Atomics.store of
 * PROD_TAIL (a consumer reads a slot only after loading a PROD_TAIL beyond it) and released
 * by the store of CONS_TAIL (a producer writes a slot only after loading a CONS_TAIL that
 * frees it).
 *
 * Wake-ups: after a commit, a party bumps and notifies the other side's epoch only if that
 * side's WAITING flag is set, and clears it (an unconditional notify made a 15 ns ring 8x
 * slower; a notify per commit while a sleeper takes 10-50 µs to wake was most of our cost).
 * Sleepers read the epoch, set the flag, re-check, then wait on the epoch (./wait.ts). The
 * same clear rings the doorbells of threads blocked in a select on this side (./doorbells.ts
 * D2), and a close rings both sides' doorbells.
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
  IDX_CLOSE_REASON,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_LAP,
  IDX_CONS_TURN_WAITERS,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_PROD_TURN_WAITERS,
  IDX_RX_EPOCH,
  IDX_RX_SELECT_MASK,
  IDX_STATE,
  IDX_TX_EPOCH,
  IDX_TX_SELECT_MASK,
  LAP_SHIFT,
  POSITION_MASK,
  STATE_WORKER_EXITED,
} from './layout.js';
import type { DoorbellTable } from './doorbells.js';
import { canBlock } from './wait.js';

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

export abstract class RingCore {
  /** The header words. */
  readonly words: Int32Array;
  /** Start of the last successful reservation (either side). */
  reservedAt = 0;
  /**
   * Last CONS_TAIL / PROD_TAIL this thread loaded. Tails only move forward, so a stale copy
   * only under-estimates free space / available values: it is re-loaded only when it says
   * "full" / "empty". That keeps a producer off the consumers' cache line (and vice versa)
   * while the ring has slack: the Disruptor's gating-sequence cache.
   */
  protected consTailSeen = 0;
  protected prodTailSeen = 0;
  /**
   * Where this thread expects PROD_HEAD / CONS_HEAD to be: the end of its own last
   * reservation on that side. A reservation CASes from the guess instead of loading the head
   * first (~5 ns per operation here, where an Atomics.load is a call): a wrong guess only
   * fails the CAS, which returns the real word to decide again with. A guess is never ahead
   * of its head, so it can only over-estimate what is free or available (the CAS then fails),
   * never invent "full" or "empty"; only the close flag in PROD_HEAD is not in the guess, so
   * a producer loads the head before it answers "full". Subject to the LAP rule like the
   * tails (SPEC 5.2): a guess other threads' traffic left 2^31 positions behind aliases some
   * other position, PROD_TAIL itself included, and "empty" computed from it would be wrong.
   */
  protected prodHeadGuess = 0;
  protected consHeadGuess = 0;
  /**
   * LAP when the copies above were loaded. A copy more than 2^30 positions old would
   * make the 31-bit distances lie (a stale tail could look fresh again); LAP moves every
   * 2^LAP_SHIFT positions, so an unchanged LAP bounds the staleness (see `checkLap`).
   */
  private lapSeen = 0;
  /** The doorbell table of the channel's runtime (null: a handle without one). */
  doorbells: DoorbellTable | null = null;

  constructor(words: Int32Array) {
    this.words = words;
    this.lapSeen = Atomics.load(words, IDX_LAP);
    this.consTailSeen = Atomics.load(words, IDX_CONS_TAIL);
    this.prodTailSeen = Atomics.load(words, IDX_PROD_TAIL);
    this.prodHeadGuess = Atomics.load(words, IDX_PROD_HEAD);
    this.consHeadGuess = Atomics.load(words, IDX_CONS_HEAD);
  }

  /**
   * Reloads the cached tails and the head guesses when PROD_TAIL has crossed a 2^LAP_SHIFT
   * boundary since they were loaded. Then, with a data region of at most 2^LAP_SHIFT
   * positions, each cache is
   * less than 3 * 2^LAP_SHIFT = 3 * 2^28 < 2^30 positions behind, and every distance computed
   * from it is exact. (LAP is bumped *before* the PROD_TAIL store that crosses, so no crossing
   * can be seen without its bump.) One load of a word that changes every 2^28 positions: ~1 ns.
   */
  protected checkLap(): void {
    const w = this.words;
    const lap = Atomics.load(w, IDX_LAP);
    if (lap !== this.lapSeen) {
      this.lapSeen = lap;
      this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
      this.prodTailSeen = Atomics.load(w, IDX_PROD_TAIL);
      this.prodHeadGuess = Atomics.load(w, IDX_PROD_HEAD);
      this.consHeadGuess = Atomics.load(w, IDX_CONS_HEAD);
    }
  }

  /**
   * Commits a reservation [at, at + k) on the side whose tail is `tailIdx` (R4), then wakes
   * the other side if anyone there sleeps. A producer commits by CAS from `at`, so that it
   * cannot overwrite a seal (R5); a consumer stuck behind a dead consumer skips its commit (R6).
   * @returns false when a producer's commit found the ring sealed: its values are not delivered.
   */
  protected commit(tailIdx: number, at: number, k: number, waitingIdx: number, epochIdx: number): boolean {
    const w = this.words;
    const end = (at + k) & POSITION_MASK;
    if (tailIdx === IDX_PROD_TAIL) {
      if (end >>> LAP_SHIFT !== at >>> LAP_SHIFT) {
        // Rare (once per 2^28 positions): bump LAP just before the crossing commit, as always.
        if (!awaitTurn(w, tailIdx, at)) return false;
        Atomics.add(w, IDX_LAP, 1);
      }
      // Fails while earlier reservations are uncommitted, and for good once sealed.
      while (Atomics.compareExchange(w, tailIdx, at, end) !== at) {
        if (!awaitTurn(w, tailIdx, at)) return false;
      }
    } else {
      // One CAS when it is our turn (the common case) instead of a load and a store.
      if (Atomics.compareExchange(w, tailIdx, at, end) !== at) {
        if (!awaitTurn(w, tailIdx, at)) return true; // R6
        Atomics.store(w, tailIdx, end);
      }
    }
    // Same-side parties asleep for their turn (their word shares the tail's cache line, which
    // this commit just wrote, so the load is nearly free).
    if (Atomics.load(w, tailIdx + TURN_WAITERS_AFTER_TAIL) !== 0) Atomics.notify(w, tailIdx);
    // Loading first keeps the common case (nobody waiting) a read of a shared cache line.
    if (Atomics.load(w, waitingIdx) !== 0 && Atomics.exchange(w, waitingIdx, 0) !== 0) this.wakeSide(epochIdx);
    return true;
  }

  /**
   * Wakes one side (its epoch's sleepers and the doorbells in its select mask). The caller
   * has just cleared that side's WAITING flag, or is closing.
   */
  protected wakeSide(epochIdx: number): void {
    wake(this.words, epochIdx);
    this.doorbells?.ringMask(this.words, epochIdx === IDX_RX_EPOCH ? IDX_RX_SELECT_MASK : IDX_TX_SELECT_MASK);
  }

  /**
   * Closes the ring (idempotent). @returns true if this call closed it. Wakes everyone, on
   * both sides, after the flag is visible (waking first could let a waiter re-check, see
   * "open and empty", and sleep again).
   */
  close(reason = CLOSE_REASON_CLOSED): boolean {
    const w = this.words;
    if ((Atomics.load(w, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0) {
      // Closed by another thread that may not have finished: whatever the close must settle
      // before it returns (an SPSC seal) is settled here too.
      this.afterCloseFlag();
      return false;
    }
    Atomics.compareExchange(w, IDX_CLOSE_REASON, 0, reason);
    const old = Atomics.or(w, IDX_PROD_HEAD, FLAG_CLOSED);
    this.afterCloseFlag();
    this.wakeSide(IDX_RX_EPOCH);
    this.wakeSide(IDX_TX_EPOCH);
    return (old & FLAG_CLOSED) === 0;
  }

  /**
   * What a protocol variant must do once the close flag is set, before anyone is woken and
   * before `close` returns (also when another thread set the flag). Idempotent.
   */
  protected afterCloseFlag(): void {}

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

  /**
   * True when the value a rendezvous put left at `pos` has been read by a consumer (CONS_TAIL
   * passed it). `lapAtPut`: LAP once the value was in the ring. A rendezvous ring cannot run
   * ahead of its one value, so once PROD_TAIL crossed two more multiples of 2^LAP_SHIFT the
   * value was taken, however far CONS_TAIL went on since: the 31-bit comparison alone would
   * flip to "not yet" once CONS_TAIL is 2^30 positions past `pos`.
   */
  taken(pos: number, lapAtPut: number): boolean {
    const w = this.words;
    if (((Atomics.load(w, IDX_LAP) - lapAtPut) | 0) >= 2) return true;
    return reached(Atomics.load(w, IDX_CONS_TAIL), (pos + 1) & POSITION_MASK);
  }

  /** LAP now (for `taken`). */
  lap(): number {
    return Atomics.load(this.words, IDX_LAP);
  }

  /** Values (messages) in the ring now. Staleness: other threads may change it at any moment. */
  abstract readonly length: number;
  /** One value (message) read by the last successful `takeOne`. */
  abstract value: unknown;
  /** Puts one value: 1 if it entered, 0 if full, CLOSED. */
  abstract putOne(value: unknown): number;
  /** Takes one value into `value`: 1, or 0 when nothing is available now. */
  abstract takeOne(): number;
  /** Takes back the value at `pos` if no consumer reserved it yet (a withdrawn rendezvous put). */
  abstract reclaim(pos: number): boolean;
  /** Drops the oldest value to make room (sliding policy). @returns false if none was there. */
  abstract dropOldest(): boolean;
}

/** Bumps an epoch and wakes every waiter on it. */
export function wake(words: Int32Array, epochIdx: number): void {
  Atomics.add(words, epochIdx, 1);
  Atomics.notify(words, epochIdx);
}

/** PROD_TURN_WAITERS and CONS_TURN_WAITERS sit right after their tails (layout.ts). */
const TURN_WAITERS_AFTER_TAIL = IDX_PROD_TURN_WAITERS - IDX_PROD_TAIL;
if (IDX_CONS_TURN_WAITERS - IDX_CONS_TAIL !== TURN_WAITERS_AFTER_TAIL) throw new Error('layout: turn waiters must follow their tails');

/** Spins this many loads (~1-3 µs) before sleeping for a turn. */
const TURN_SPINS = 1 << 10;

/**
 * Waits until `words[tailIdx] === at`: the parties that reserved before us have committed.
 * They are mid-copy, so spin briefly; if one was preempted (more threads than cores), sleep
 * on the tail, counted in its TURN_WAITERS word, so that the commit we wait for wakes us at
 * once (a committer stores the tail, then reads the count; we count ourselves, then re-read
 * the tail: one of us sees the other). Spinning long here burns the core the preempted party
 * needs, and sleeping without being woken made every commit in a convoy of 4 producers on 2
 * cores cost the 1 ms safety timeout.
 * @returns true when it is our turn; false when it never will be: PROD_TAIL was sealed (R5),
 *   or, for CONS_TAIL, the ring is closed after a supervised worker died (R6).
 */
function awaitTurn(words: Int32Array, tailIdx: number, at: number): boolean {
  // FLAG_SEALED is only ever set in PROD_TAIL; testing it on CONS_TAIL is harmless.
  for (let i = 0; i < TURN_SPINS; i++) {
    const seen = Atomics.load(words, tailIdx);
    if (seen === at) return true;
    if ((seen & FLAG_SEALED) !== 0) return false;
  }
  const nap = canBlock();
  const waitersIdx = tailIdx + TURN_WAITERS_AFTER_TAIL;
  if (nap) Atomics.add(words, waitersIdx, 1);
  try {
    for (;;) {
      const seen = Atomics.load(words, tailIdx);
      if (seen === at) return true;
      if ((seen & FLAG_SEALED) !== 0) return false;
      if (tailIdx === IDX_CONS_TAIL && abandoned(words)) return false;
      if (nap) Atomics.wait(words, tailIdx, seen, 1); // 1 ms: the safety net, and R6's check
    }
  } finally {
    if (nap) Atomics.sub(words, waitersIdx, 1);
  }
}

/** True once the ring is closed and a supervised worker has died (R6). */
function abandoned(words: Int32Array): boolean {
  return (Atomics.load(words, IDX_STATE) & STATE_WORKER_EXITED) !== 0 && (Atomics.load(words, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0;
}
