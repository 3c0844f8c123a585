/**
 * A bounded multi-producer multi-consumer ring of numbers in a SharedArrayBuffer: fixed-size
 * slots viewed through one typed array. The reservation / ordered-commit protocol, its
 * invariants R1-R4 and the wake-up rule live in ./ring-core.ts; this file adds what is
 * specific to numbers: one reservation and one commit per batch, whatever its size, so a
 * batch of 128 values costs about as much synchronisation as a single value.
 * Layout: ./layout.ts (native-layout/SPEC.md).
 */
import {
  FLAG_CLOSED,
  IDX_CAPACITY,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_SLOTS,
  IDX_TX_EPOCH,
  IDX_TX_WAITING,
  POSITION_MASK,
} from './layout.js';
import { CLOSED, distance, RingCore } from './ring-core.js';

/** A numeric typed array over the data region. */
export type Lane = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

/** viewOf: cached views start at multiples of this many slots... */
const VIEW_ALIGN = 32;
/** ...and there are at most this many of them (a ring of up to 32,768 slots is covered). */
const VIEW_CACHE = 1024;

export class NumericRing extends RingCore {
  /** The slots, viewed with the channel's element type. */
  readonly lane: Lane;
  /** Values the ring may hold (1 for a rendezvous, which holds its value until taken). */
  readonly capacity: number;
  /** `slots - 1`: slot index = position & mask. */
  protected readonly mask: number;
  /** The single value read by the last successful `takeOne`. */
  value = 0;
  constructor(words: Int32Array, lane: Lane) {
    super(words);
    this.lane = lane;
    this.capacity = Math.max(words[IDX_CAPACITY]!, 1);
    this.mask = words[IDX_SLOTS]! - 1;
  }

  // ---- producer side ------------------------------------------------------------------------

  /**
   * Reserves up to `max` positions for writing.
   * @returns the number reserved (0: full), or CLOSED. On success `reservedAt` is the start.
   */
  private reservePut(max: number): number {
    const w = this.words;
    this.checkLap();
    let headWord = this.prodHeadGuess;
    for (;;) {
      if ((headWord & FLAG_CLOSED) !== 0) return CLOSED;
      let used = distance(this.consTailSeen, headWord);
      if (this.capacity - used < max) {
        // "Full" from the guess is exact (the real head is no further behind the tail), but
        // the guess lacks a close's flag: confirm the head word before answering 0.
        const fresh = Atomics.load(w, IDX_PROD_HEAD);
        if (fresh !== headWord) {
          headWord = fresh;
          continue;
        }
        this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
        used = distance(this.consTailSeen, headWord);
        // More than a ring's worth "used" only means headWord is older than the tail just
        // loaded (others moved both since): read the head again.
        if (used > this.capacity) {
          headWord = Atomics.load(w, IDX_PROD_HEAD);
          continue;
        }
        if (used === this.capacity) return 0;
      }
      const k = Math.min(max, this.capacity - used);
      const end = (headWord + k) & POSITION_MASK;
      const seen = Atomics.compareExchange(w, IDX_PROD_HEAD, headWord, end);
      if (seen === headWord) {
        this.reservedAt = headWord;
        this.prodHeadGuess = end;
        return k;
      }
      headWord = seen; // another producer moved it, or a close set its flag: decide again
    }
  }

  /**
   * Puts one value.
   * @returns 1 if it entered the ring, 0 if full, CLOSED if the channel is closed (or, after
   *   a dead worker, was sealed before this value's commit: not delivered, ring-core.ts R5).
   */
  putOne(value: number): number {
    const k = this.reservePut(1);
    if (k <= 0) return k;
    const at = this.reservedAt;
    this.lane[at & this.mask] = value;
    return this.commit(IDX_PROD_TAIL, at, 1, IDX_RX_WAITING, IDX_RX_EPOCH) ? 1 : CLOSED;
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
    return this.commit(IDX_PROD_TAIL, at, k, IDX_RX_WAITING, IDX_RX_EPOCH) ? k : CLOSED;
  }

  protected copyIn(src: ArrayLike<number>, from: number, at: number, k: number): void {
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
    let head = this.consHeadGuess;
    for (;;) {
      let available = distance(head, this.prodTailSeen);
      // The cached tail may be behind the head (other consumers, a sliding producer or a
      // withdrawn rendezvous moved it): then "available" wraps to more than a ring's worth.
      if (available < max || available > this.capacity) {
        // A guess is never ahead of the real head (heads only move forward), so "empty" from
        // the guess is exact: then the real head has reached the tail too.
        this.prodTailSeen = Atomics.load(w, IDX_PROD_TAIL);
        available = distance(head, this.prodTailSeen);
        if (available > this.capacity) {
          head = Atomics.load(w, IDX_CONS_HEAD); // the head we read is older than that tail
          continue;
        }
        if (available === 0) return 0;
      }
      const k = Math.min(max, available);
      const end = (head + k) & POSITION_MASK;
      const seen = Atomics.compareExchange(w, IDX_CONS_HEAD, head, end);
      if (seen === head) {
        this.reservedAt = head;
        this.consHeadGuess = end;
        return k;
      }
      head = seen;
    }
  }

  /** Takes one value into `this.value`. @returns 1, or 0 when nothing is available now. */
  takeOne(): number {
    if (this.reserveTake(1) === 0) return 0;
    const at = this.reservedAt;
    this.value = this.lane[at & this.mask]!;
    this.commit(IDX_CONS_TAIL, at, 1, IDX_TX_WAITING, IDX_TX_EPOCH);
    return 1;
  }

  /** Takes up to `max` values into `dst[from..)`. @returns the number taken (0: none now). */
  takeMany(dst: Lane | number[], from: number, max: number): number {
    const k = this.reserveTake(max);
    if (k === 0) return 0;
    const at = this.reservedAt;
    this.copyOut(dst, from, at, k);
    this.commit(IDX_CONS_TAIL, at, k, IDX_TX_WAITING, IDX_TX_EPOCH);
    return k;
  }

  /**
   * `lane.subarray(start, start + length)`, remembered by start slot for starts that are a
   * multiple of VIEW_ALIGN in the first VIEW_CACHE * VIEW_ALIGN slots. Making a view costs
   * about what copying 40 doubles does, and a consumer of full batches asks for the same few
   * views over and over. At most VIEW_CACHE views are kept.
   */
  private viewOf(start: number, length: number): Lane {
    const i = start / VIEW_ALIGN;
    if (i >= VIEW_CACHE || (start & (VIEW_ALIGN - 1)) !== 0) return this.lane.subarray(start, start + length);
    let view = this.views[i];
    if (view === undefined || view.length !== length) view = this.views[i] = this.lane.subarray(start, start + length);
    return view;
  }

  private readonly views: (Lane | undefined)[] = [];

  protected copyOut(dst: Lane | number[], from: number, at: number, k: number): void {
    const lane = this.lane;
    const start = at & this.mask;
    const first = Math.min(k, this.mask + 1 - start);
    if (k >= 32 && ArrayBuffer.isView(dst)) {
      (dst as Lane).set(this.viewOf(start, first), from);
      if (first < k) (dst as Lane).set(this.viewOf(0, k - first), from + first);
    } else {
      for (let i = 0; i < first; i++) dst[from + i] = lane[start + i]!;
      for (let i = first; i < k; i++) dst[from + i] = lane[i - first]!;
    }
  }

  /**
   * Takes back the value at `pos` if no consumer has reserved it yet (a rendezvous put that
   * is withdrawn). @returns true if withdrawn; false if a consumer got there first.
   */
  reclaim(pos: number): boolean {
    const w = this.words;
    if (Atomics.load(w, IDX_CONS_HEAD) !== pos) return false;
    if (Atomics.compareExchange(w, IDX_CONS_HEAD, pos, (pos + 1) & POSITION_MASK) !== pos) return false;
    this.commit(IDX_CONS_TAIL, pos, 1, IDX_TX_WAITING, IDX_TX_EPOCH);
    return true;
  }

  /** Drops the oldest value to make room (sliding policy). @returns false if none was there. */
  dropOldest(): boolean {
    return this.takeOne() === 1;
  }

  // ---- both sides ---------------------------------------------------------------------------

  /** Values in the ring now. Staleness: may be off by in-flight reservations either way. */
  get length(): number {
    return distance(Atomics.load(this.words, IDX_CONS_HEAD), Atomics.load(this.words, IDX_PROD_TAIL));
  }
}
