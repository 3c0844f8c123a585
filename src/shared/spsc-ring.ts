/**
 * The single-producer single-consumer protocol of a numeric ring (FEATURE_SPSC, SPEC.md 5.8).
 * With one thread on each side nobody needs to reserve: the producer writes the free slots it
 * sees and publishes them with one CAS on PROD_TAIL, the consumer reads the published ones and
 * frees them with one store of CONS_TAIL. That is one locked instruction per value on each
 * side where the multi-party ring (./ring.ts) needs two (a reservation CAS on the head and a
 * commit), and no check for parties of the same side waiting their turn: about half the cost
 * of a single put or get on this machine, where every Atomics call is a builtin call.
 *
 * Invariants (31-bit positions as in ./ring-core.ts):
 *   S1  One thread puts and one thread gets. SPSC_PRODUCER and SPSC_CONSUMER hold their
 *       threads' tokens, each set once by CAS from 0 at that side's first operation; a put or
 *       get from any other thread throws before it touches the ring (nothing moves). The heads
 *       are not used: the positions of PROD_HEAD and CONS_HEAD stay where the channel started
 *       (PROD_HEAD still carries FLAG_CLOSED).
 *   S2  consTail <= prodTail <= consTail + capacity. Only the producer writes slots, those in
 *       [prodTail, consTail + capacity), and then publishes them by CAS(PROD_TAIL, t, t + k).
 *       Only the consumer reads slots, those in [consTail, prodTail), and then frees them by
 *       storing CONS_TAIL. Each side keeps its own tail in a local copy (it is the only writer).
 *   S3  Closing sets FLAG_CLOSED in PROD_HEAD, then seals PROD_TAIL (FLAG_SEALED, by CAS, so
 *       it cannot erase a commit) before it wakes anyone. A put's commit CAS therefore either
 *       lands before the seal (its value is delivered and the put returns true) or fails (the
 *       put reports CLOSED; the slot it wrote lies beyond the stream's end and is never read).
 *       The seal is the close's instant: `closed` reads it, not the flag set just before.
 *       The stream ends at the sealed tail: `drained` once CONS_TAIL reaches it. Every call
 *       of close seals, even when another thread set the flag first (RingCore.close), so a
 *       closer that died between its two steps is finished by the next close, e.g. the one
 *       `supervise` makes when that worker exits.
 *   S4  A side's cached copy of the other side's tail lies between the true value and its own
 *       tail (it was loaded from a tail that only moves forward, and S2 bounds the gap by the
 *       capacity), so every distance computed from it is exact: no LAP check is needed. LAP is
 *       still bumped when PROD_TAIL crosses a multiple of 2^LAP_SHIFT, as SPEC 5.3 says.
 *
 * Memory ordering and wake-ups are those of ./ring-core.ts: slots are published by the
 * PROD_TAIL CAS and released by the CONS_TAIL store; after either, the side that just moved
 * wakes the other if its WAITING flag is set. Nobody ever waits for a turn.
 */
import {
  FLAG_CLOSED,
  FLAG_SEALED,
  IDX_CONS_TAIL,
  IDX_LAP,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_SPSC_CONSUMER,
  IDX_SPSC_PRODUCER,
  IDX_SPSC_TOKENS,
  IDX_TX_EPOCH,
  IDX_TX_WAITING,
  LAP_SHIFT,
  POSITION_MASK,
} from './layout.js';
import { SpscOwnerError } from '../errors.js';
import { CLOSED, distance } from './ring-core.js';
import { NumericRing, type Lane } from './ring.js';

/**
 * This thread's token on each SPSC channel it has used, by channel id (S1). Kept per thread,
 * not per channel object, so that a thread whose object was collected and that attaches again
 * is still recognised as the owner. One small entry per SPSC channel the thread ever used.
 */
const tokens = new Map<string, number>();

export class SpscRing extends NumericRing {
  /** This thread's tail on the side it owns (S2); valid once that side is claimed. */
  private prodTail = 0;
  private consTail = 0;
  private producing = false;
  private consuming = false;

  constructor(
    words: Int32Array,
    lane: Lane,
    /** The channel's identity (ChannelConfig.id), to find this thread's token. */
    private readonly channelId: string,
  ) {
    super(words, lane);
  }

  // ---- producer side ------------------------------------------------------------------------

  override putOne(value: number): number {
    if (!this.producing) this.claimProducer();
    const at = this.prodTail;
    if (!this.hasRoom(at, 1)) return this.closed ? CLOSED : 0;
    this.lane[at & this.mask] = value;
    return this.publish(at, 1) ? 1 : CLOSED;
  }

  override putMany(src: ArrayLike<number>, from: number, count: number): number {
    if (!this.producing) this.claimProducer();
    const at = this.prodTail;
    let free = this.capacity - distance(this.consTailSeen, at);
    if (free < count) {
      this.consTailSeen = Atomics.load(this.words, IDX_CONS_TAIL);
      free = this.capacity - distance(this.consTailSeen, at);
      if (free === 0) return this.closed ? CLOSED : 0;
    }
    const k = Math.min(count, free);
    this.copyIn(src, from, at, k);
    return this.publish(at, k) ? k : CLOSED;
  }

  /** True when `k` slots from `at` are free, re-loading CONS_TAIL only when the cache says no. */
  private hasRoom(at: number, k: number): boolean {
    if (this.capacity - distance(this.consTailSeen, at) >= k) return true;
    this.consTailSeen = Atomics.load(this.words, IDX_CONS_TAIL);
    return this.capacity - distance(this.consTailSeen, at) >= k;
  }

  /** Publishes [at, at + k) (S2), then wakes sleeping consumers. @returns false once sealed (S3). */
  private publish(at: number, k: number): boolean {
    const w = this.words;
    const end = (at + k) & POSITION_MASK;
    if (end >>> LAP_SHIFT !== at >>> LAP_SHIFT) {
      // Bump LAP only for a commit that will land: PROD_TAIL moves only by us or a seal.
      if (Atomics.load(w, IDX_PROD_TAIL) !== at) return false;
      Atomics.add(w, IDX_LAP, 1);
    }
    if (Atomics.compareExchange(w, IDX_PROD_TAIL, at, end) !== at) return false;
    this.prodTail = end;
    if (Atomics.load(w, IDX_RX_WAITING) !== 0 && Atomics.exchange(w, IDX_RX_WAITING, 0) !== 0) this.wakeSide(IDX_RX_EPOCH);
    return true;
  }

  // ---- consumer side ------------------------------------------------------------------------

  override takeOne(): number {
    if (!this.consuming) this.claimConsumer();
    const at = this.consTail;
    if (at === this.prodTailSeen) {
      this.prodTailSeen = Atomics.load(this.words, IDX_PROD_TAIL) & POSITION_MASK;
      if (at === this.prodTailSeen) return 0;
    }
    this.value = this.lane[at & this.mask]!;
    this.release(at, 1);
    return 1;
  }

  override takeMany(dst: Lane | number[], from: number, max: number): number {
    if (!this.consuming) this.claimConsumer();
    const at = this.consTail;
    let available = distance(at, this.prodTailSeen);
    if (available < max) {
      this.prodTailSeen = Atomics.load(this.words, IDX_PROD_TAIL) & POSITION_MASK;
      available = distance(at, this.prodTailSeen);
      if (available === 0) return 0;
    }
    const k = Math.min(max, available);
    this.copyOut(dst, from, at, k);
    this.release(at, k);
    return k;
  }

  /** Frees [at, at + k) (S2), then wakes sleeping producers. */
  private release(at: number, k: number): void {
    const w = this.words;
    const end = (at + k) & POSITION_MASK;
    this.consTail = end;
    Atomics.store(w, IDX_CONS_TAIL, end);
    if (Atomics.load(w, IDX_TX_WAITING) !== 0 && Atomics.exchange(w, IDX_TX_WAITING, 0) !== 0) this.wakeSide(IDX_TX_EPOCH);
  }

  /** Never called: an SPSC channel has a capacity, so no put is ever withdrawn from the ring. */
  override reclaim(): boolean {
    return false;
  }

  /** Never called: an SPSC channel cannot be sliding (create.ts refuses it, attach too). */
  override dropOldest(): boolean {
    throw new Error('shared channel: a single-producer single-consumer channel cannot drop its oldest value (no sliding policy)');
  }

  // ---- both sides ---------------------------------------------------------------------------

  /**
   * Closed once sealed (S3): the seal, not the close flag set just before it, is the instant
   * after which no put lands, so that is when the channel reads as closed.
   */
  override get closed(): boolean {
    return (Atomics.load(this.words, IDX_PROD_TAIL) & FLAG_SEALED) !== 0;
  }

  override get length(): number {
    return distance(Atomics.load(this.words, IDX_CONS_TAIL), Atomics.load(this.words, IDX_PROD_TAIL));
  }

  /** Closed, sealed (S3), and every value up to the seal taken. */
  override drained(): boolean {
    const w = this.words;
    if ((Atomics.load(w, IDX_PROD_HEAD) & FLAG_CLOSED) === 0) return false;
    const tail = Atomics.load(w, IDX_PROD_TAIL);
    if ((tail & FLAG_SEALED) === 0) return false; // the closer has yet to seal: a put may still land
    return Atomics.load(w, IDX_CONS_TAIL) === (tail & POSITION_MASK);
  }

  /** S3: seal PROD_TAIL where it is, so that no put commits after the close. */
  protected override afterCloseFlag(): void {
    const w = this.words;
    for (;;) {
      const tail = Atomics.load(w, IDX_PROD_TAIL);
      if ((tail & FLAG_SEALED) !== 0) return; // another closer sealed it
      if (Atomics.compareExchange(w, IDX_PROD_TAIL, tail, tail | FLAG_SEALED) === tail) return;
    }
  }

  // ---- ownership (S1) -----------------------------------------------------------------------

  private claimProducer(): void {
    this.claim(IDX_SPSC_PRODUCER, 'put on', 'producer');
    this.prodTail = Atomics.load(this.words, IDX_PROD_TAIL) & POSITION_MASK;
    this.consTailSeen = Atomics.load(this.words, IDX_CONS_TAIL);
    this.producing = true;
  }

  private claimConsumer(): void {
    this.claim(IDX_SPSC_CONSUMER, 'get from', 'consumer');
    this.consTail = Atomics.load(this.words, IDX_CONS_TAIL);
    this.prodTailSeen = Atomics.load(this.words, IDX_PROD_TAIL) & POSITION_MASK;
    this.consuming = true;
  }

  private claim(ownerIdx: number, verb: string, role: string): void {
    const w = this.words;
    let token = tokens.get(this.channelId);
    if (token === undefined) {
      token = Atomics.add(w, IDX_SPSC_TOKENS, 1) + 1;
      tokens.set(this.channelId, token);
    }
    const owner = Atomics.compareExchange(w, ownerIdx, 0, token);
    if (owner !== 0 && owner !== token) {
      throw new SpscOwnerError(
        `cannot ${verb} this channel here: it is single-producer single-consumer (spsc: true), and its ${role} is another thread. ` +
          `Only the thread that first did so may ${verb.split(' ')[0]}; create the channel without spsc for several ${role}s (nothing was transferred)`,
      );
    }
  }
}
