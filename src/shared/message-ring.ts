/**
 * A bounded multi-producer multi-consumer ring of messages in a SharedArrayBuffer: each
 * message is one variable-length record of bytes, encoded and decoded by a codec
 * (src/codec). The reservation / ordered-commit protocol and invariants R1-R4 are those of
 * ./ring-core.ts, with byte positions. Record format (layout.ts RECORD_HEADER_BYTES):
 * [i32 payload length][i32 0][payload, padded to a multiple of 8]; the header never wraps,
 * the payload may continue at byte 0.
 *
 * Two resources bound a put: bytes and messages (`capacity` counts messages, as for every
 * channel). Messages are counted by a semaphore of permits, MSG_FREE:
 *   M1  a producer takes a permit (CAS, never below 0) before it reserves bytes, and gives it
 *       back if the bytes are full or the ring closed; so messages reserved or held in the
 *       ring never exceed max(capacity, 1).
 *   M2  a consumer (or a reclaiming rendezvous put, or a sliding drop) adds the permit back
 *       *before* its CONS_TAIL commit, whose wake-up therefore finds it. A producer that gives
 *       a permit back (its bytes did not fit) wakes nobody: it would clear the WAITING flag it
 *       may have set itself and spin on its own wake-ups. A producer that meanwhile found no
 *       permit sleeps until the next consumer commit (the ring holds records, so one comes
 *       while anyone consumes) or, if none comes, until its safety timeout (wait.ts): a
 *       delay, never a lost message. To keep such transient holds rare, a producer checks the
 *       bytes before it takes a permit.
 *   M3  a consumer reads a record's length only at a position below the PROD_TAIL it loaded,
 *       so the producer's header and payload stores are visible (published by that store),
 *       and uses what it read only if its CAS on CONS_HEAD from that position succeeds. A
 *       length that cannot be right (negative, over maxMessageBytes, past PROD_TAIL) while
 *       CONS_HEAD has not moved was read from a committed record: the ring is corrupt, and
 *       the get throws instead of looping.
 *
 * Thread-local memory (never part of the ring, so nothing of a message is lost or shared by
 * mistake): an encode scratch, which a put fills (checking the value as it goes) before it
 * reserves anything, so a value that cannot be encoded or is too large enqueues nothing; and
 * a decode scratch, into which a get copies the payload and commits *before* decoding, so a
 * slow or failing decode never holds up other consumers' commits (R4).
 */
import type { Codec } from '../codec/codec.js';
import {
  FLAG_CLOSED,
  IDX_CAPACITY,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_MAX_MESSAGE_BYTES,
  IDX_MSG_FREE,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_SLOTS,
  IDX_TX_EPOCH,
  IDX_TX_WAITING,
  POSITION_MASK,
  RECORD_HEADER_BYTES,
  SZ_HEADER,
} from './layout.js';
import { CLOSED, distance, RingCore } from './ring-core.js';

/** A message already encoded: what a parked put keeps, so later changes to its value do not leak in. */
export class Encoded {
  constructor(readonly bytes: Uint8Array) {}
}

/** Bytes a record of `payload` bytes takes: header, payload, padding to 8. */
function recordBytes(payload: number): number {
  return RECORD_HEADER_BYTES + ((payload + 7) & ~7);
}

/** Nothing encoded in the scratch (a value that is never a message: `undefined` cannot be put). */
const NOTHING = undefined;

export class MessageRing<T> extends RingCore {
  /** Messages the ring may hold (1 for a rendezvous, which holds its message until taken). */
  readonly capacity: number;
  /** The largest payload of one message, in bytes. */
  readonly maxMessageBytes: number;
  /** The codec both ends use. */
  readonly codec: Codec<T>;
  /** The message read by the last successful `takeOne`. */
  value: T | undefined = undefined;
  /** The data region, as bytes and as Int32 words (record headers are 8-aligned). */
  private readonly data: Uint8Array;
  private readonly heads: Int32Array;
  /** Bytes of the data region - 1: offset = position & mask. */
  private readonly mask: number;
  /** Encode scratch (thread-local); `outValue` is what it holds, `outLength` its size. */
  private out: Uint8Array;
  private outValue: unknown = NOTHING;
  private outLength = 0;
  /** Decode scratch (thread-local, not shared: every TextDecoder accepts it). */
  private in: Uint8Array;

  constructor(words: Int32Array, buffer: SharedArrayBuffer, codec: Codec<T>) {
    super(words);
    const bytes = words[IDX_SLOTS]!;
    this.capacity = Math.max(words[IDX_CAPACITY]!, 1);
    this.maxMessageBytes = words[IDX_MAX_MESSAGE_BYTES]!;
    this.codec = codec;
    this.data = new Uint8Array(buffer, SZ_HEADER, bytes);
    this.heads = new Int32Array(buffer, SZ_HEADER, bytes >> 2);
    this.mask = bytes - 1;
    this.out = new Uint8Array(Math.min(this.maxMessageBytes, 1024));
    this.in = new Uint8Array(Math.min(this.maxMessageBytes, 1024));
  }

  // ---- encoding (thread-local) --------------------------------------------------------------

  /**
   * Encodes `value` into the encode scratch: this is the check every put form runs before it
   * touches the ring.
   * @throws {TypeError} when the codec cannot encode it (the codec's message, with `where`).
   * @throws {RangeError} when it needs more than maxMessageBytes.
   */
  encode(value: unknown, where: string): void {
    this.outValue = NOTHING; // the scratch is overwritten below, whatever happens
    const max = this.maxMessageBytes;
    let bound: number | undefined;
    try {
      bound = this.codec.maxEncodedSize?.(value as T);
    } catch (err) {
      throw named(err, where);
    }
    if (bound !== undefined && bound > this.out.length) this.out = new Uint8Array(Math.min(max, grow(this.out.length, bound)));
    for (;;) {
      // The codec may run user code (a toJSON) that puts on this same channel, which encodes
      // into the scratch too and may replace it with a larger one: our bytes are in `target`.
      const target = this.out;
      let n: number;
      try {
        n = this.codec.encode(value as T, target);
      } catch (err) {
        throw named(err, where);
      }
      if (n >= 0) {
        if (!Number.isInteger(n) || n > target.length) {
          throw new TypeError(`${where}: codec '${this.codec.name}' returned ${n} from encode, not a byte count within its target of ${target.length} (a codec bug)`);
        }
        this.out = target;
        this.outValue = value;
        this.outLength = n;
        return;
      }
      if (this.out.length >= max) {
        throw new RangeError(
          `${where}: the message is larger than this channel's maxMessageBytes (${max}); create the channel with a larger maxMessageBytes or bytes (nothing was enqueued)`,
        );
      }
      this.out = new Uint8Array(Math.min(max, grow(this.out.length, this.out.length * 2)));
    }
  }

  /** A private copy of `value`'s encoding, for a put that has to wait. */
  snapshot(value: unknown, where: string): Encoded {
    if (this.outValue !== value) this.encode(value, where);
    return new Encoded(this.out.slice(0, this.outLength));
  }

  /** What a get would receive for `value`: decode(encode(value)) (same-thread hand-offs). */
  copyOf(value: unknown): T {
    if (this.outValue !== value) this.encode(value, 'put');
    return this.codec.decode(this.out.subarray(0, this.outLength));
  }

  // ---- producer side ------------------------------------------------------------------------

  /**
   * Puts one message: an `Encoded`, or a value (encoded now, unless the encode scratch holds
   * it already: `encode` ran as the put's check).
   * @returns 1 if it entered the ring, 0 if full (messages or bytes), CLOSED if closed.
   */
  putOne(value: unknown): number {
    if (value instanceof Encoded) return this.putBytes(value.bytes, value.bytes.length);
    if (this.outValue !== value) this.encode(value, 'put');
    return this.putBytes(this.out, this.outLength);
  }

  private putBytes(src: Uint8Array, length: number): number {
    const w = this.words;
    // Closed first: a put on a closed channel fails even when the ring is full (R3).
    const headNow = Atomics.load(w, IDX_PROD_HEAD);
    if ((headNow & FLAG_CLOSED) !== 0) return CLOSED;
    const size = this.mask + 1;
    const need = recordBytes(length);
    this.checkLap();
    // M2: bytes first (cheap, no shared write), so a permit is rarely taken only to be returned.
    if (size - distance(this.consTailSeen, headNow) < need) {
      this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
      const used = distance(this.consTailSeen, headNow);
      if (used <= size && size - used < need) return 0;
    }
    if (!this.takePermit()) return 0; // M1
    // The reservation CASes from the head word loaded above: if another producer (or a close)
    // changed it meanwhile, the CAS fails and returns the word to decide again with.
    let headWord = headNow;
    for (;;) {
      if ((headWord & FLAG_CLOSED) !== 0) {
        this.givePermitBack();
        return CLOSED;
      }
      let used = distance(this.consTailSeen, headWord);
      if (size - used < need) {
        this.consTailSeen = Atomics.load(w, IDX_CONS_TAIL);
        used = distance(this.consTailSeen, headWord);
        if (used > size) {
          headWord = Atomics.load(w, IDX_PROD_HEAD); // older than the tail just loaded: re-read it
          continue;
        }
        if (size - used < need) {
          // "Full" from an old head word is still right: heads only move forward.
          this.givePermitBack();
          return 0;
        }
      }
      const seen = Atomics.compareExchange(w, IDX_PROD_HEAD, headWord, (headWord + need) & POSITION_MASK);
      if (seen === headWord) break;
      headWord = seen;
    }
    const at = headWord;
    this.reservedAt = at;
    const offset = at & this.mask;
    this.heads[offset >> 2] = length;
    this.heads[(offset >> 2) + 1] = 0;
    const start = (offset + RECORD_HEADER_BYTES) & this.mask;
    const first = Math.min(length, size - start);
    const data = this.data;
    if (length <= 64) {
      for (let i = 0; i < first; i++) data[start + i] = src[i]!;
      for (let i = first; i < length; i++) data[i - first] = src[i]!;
    } else {
      data.set(first === src.length ? src : src.subarray(0, first), start);
      if (first < length) data.set(src.subarray(first, length), 0);
    }
    // False: sealed after a dead worker before this commit; the message is not delivered.
    return this.commit(IDX_PROD_TAIL, at, need, IDX_RX_WAITING, IDX_RX_EPOCH) ? 1 : CLOSED;
  }

  private takePermit(): boolean {
    const w = this.words;
    for (;;) {
      const free = Atomics.load(w, IDX_MSG_FREE);
      if (free <= 0) return false;
      if (Atomics.compareExchange(w, IDX_MSG_FREE, free, free - 1) === free) return true;
    }
  }

  /** M2: the permit goes back (waking nobody). */
  private givePermitBack(): void {
    Atomics.add(this.words, IDX_MSG_FREE, 1);
  }

  // ---- consumer side ------------------------------------------------------------------------

  /**
   * Takes one message, decoded, into `value`.
   * @returns 1, or 0 when nothing is available now.
   * @throws whatever the codec's decode throws; the message is consumed all the same.
   */
  takeOne(): number {
    const length = this.takeRecord(true);
    if (length < 0) return 0;
    this.value = this.codec.decode(this.in.subarray(0, length));
    return 1;
  }

  /** Drops the oldest message without decoding it (sliding policy). */
  dropOldest(): boolean {
    return this.takeRecord(false) >= 0;
  }

  /**
   * Reserves the oldest record, copies its payload into the decode scratch if `copy`, and
   * commits. @returns the payload length, or -1 when no message is available now.
   */
  private takeRecord(copy: boolean): number {
    const w = this.words;
    const size = this.mask + 1;
    this.checkLap();
    // From this thread's guess (RingCore): a wrong one fails the CAS below or reads an
    // implausible length (M3), and either gives the real head to go on with.
    let head = this.consHeadGuess;
    let length: number;
    let need: number;
    for (;;) {
      let available = distance(head, this.prodTailSeen);
      if (available === 0 || available > size) {
        this.prodTailSeen = Atomics.load(w, IDX_PROD_TAIL);
        available = distance(head, this.prodTailSeen);
        if (available > size) {
          head = Atomics.load(w, IDX_CONS_HEAD); // the head we had is older than that tail
          continue;
        }
        if (available === 0) return -1;
      }
      length = this.heads[(head & this.mask) >> 2]!;
      need = recordBytes(length);
      // M3: a length read after others took this record (or at a stale guess) may be
      // anything; the CAS below fails then. Only a plausible one is worth trying.
      if (length < 0 || length > this.maxMessageBytes || need > available) {
        const real = Atomics.load(w, IDX_CONS_HEAD);
        if (real === head) {
          throw new Error(`shared channel: corrupt record at byte position ${head}: length ${length} (at most ${this.maxMessageBytes}, ${available} bytes published); the buffer was written by something that does not follow native-layout/SPEC.md`);
        }
        head = real;
        continue;
      }
      const seen = Atomics.compareExchange(w, IDX_CONS_HEAD, head, (head + need) & POSITION_MASK);
      if (seen === head) break;
      head = seen;
    }
    const at = head;
    this.consHeadGuess = (at + need) & POSITION_MASK;
    if (copy) this.copyOut(at, length);
    Atomics.add(w, IDX_MSG_FREE, 1); // M2: before the commit that wakes producers
    this.commit(IDX_CONS_TAIL, at, need, IDX_TX_WAITING, IDX_TX_EPOCH);
    return length;
  }

  private copyOut(at: number, length: number): void {
    if (this.in.length < length) this.in = new Uint8Array(grow(this.in.length, length));
    const dst = this.in;
    const data = this.data;
    const start = (at + RECORD_HEADER_BYTES) & this.mask;
    const first = Math.min(length, this.mask + 1 - start);
    if (length <= 64) {
      for (let i = 0; i < first; i++) dst[i] = data[start + i]!;
      for (let i = first; i < length; i++) dst[i] = data[i - first]!;
    } else {
      dst.set(data.subarray(start, start + first), 0);
      if (first < length) dst.set(data.subarray(0, length - first), first);
    }
  }

  /**
   * Takes back the message at `pos` if no consumer has reserved it yet (a rendezvous put that
   * is withdrawn). @returns true if withdrawn; false if a consumer got there first.
   */
  reclaim(pos: number): boolean {
    const w = this.words;
    if (Atomics.load(w, IDX_CONS_HEAD) !== pos) return false;
    // Our own record, still in the ring (nobody reserved it): its header is ours to read.
    const need = recordBytes(this.heads[(pos & this.mask) >> 2]!);
    if (Atomics.compareExchange(w, IDX_CONS_HEAD, pos, (pos + need) & POSITION_MASK) !== pos) return false;
    Atomics.add(w, IDX_MSG_FREE, 1);
    this.commit(IDX_CONS_TAIL, pos, need, IDX_TX_WAITING, IDX_TX_EPOCH);
    return true;
  }

  /** Messages in the ring now (reserved ones included). Staleness: may change at any moment. */
  get length(): number {
    return Math.max(0, this.capacity - Atomics.load(this.words, IDX_MSG_FREE));
  }
}

/** A codec's TypeError, naming the put form (the codec's own words kept); others unchanged. */
function named(err: unknown, where: string): unknown {
  return err instanceof TypeError ? new TypeError(`${where}: ${err.message} (nothing was enqueued)`, { cause: err }) : err;
}

/** A scratch size of at least `need`, growing geometrically from `current`. */
function grow(current: number, need: number): number {
  let n = Math.max(current, 64);
  while (n < need) n *= 2;
  return n;
}
