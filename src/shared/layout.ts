/**
 * THE byte layout of a shared channel's SharedArrayBuffer (layout version 1.1). This is the
 * only file in src/ that knows an offset. native-layout/SPEC.md describes the same layout in
 * prose and native-layout/sabchan_layout.h is generated from this file
 * (`npm run gen:layout`); a test regenerates the header and fails on any difference.
 *
 * Conventions: little-endian (the platform's; every engine that runs this is), 32-bit words.
 * `IDX_*` is an Int32Array index (byte offset / 4), `OFF_*` a byte offset, `SZ_*` a size in
 * bytes, `FLAG_*` a bit. Each group of words written by a different party sits in its own
 * 128-byte block so that writers do not share a cache line (128 covers adjacent-line prefetch
 * on x86 and the 128-byte lines of Apple and large ARM cores).
 *
 * Positions are free-running 31-bit counters (they wrap from 2^31 - 1 to 0): bit 31 of
 * PROD_HEAD is the CLOSED flag, so a producer's reserving compare-and-swap fails once the
 * channel is closed (a put either entered the ring before the close or resolves false).
 * Bit 31 of PROD_TAIL is the SEALED flag, which ends the stream where a dead worker's
 * reservation would otherwise stall it; producers commit by CAS so that a commit either lands
 * before the seal or fails (ring.ts R5, SPEC.md 8.5).
 */

/** "SCH1" as a little-endian u32: the first word of every channel buffer. */
export const MAGIC = 0x31484353;
/** Bumped on any incompatible change; `attach` refuses a newer major. */
export const VERSION_MAJOR = 1;
/** Bumped on compatible additions (a reader of an older minor ignores what it does not know). */
export const VERSION_MINOR = 1;

/** Size of the header that starts every channel buffer; the data region follows it. */
export const SZ_HEADER = 1024;
/** Alignment of the hot-word blocks. */
export const SZ_BLOCK = 128;

// ---- block A (bytes 0-127): configuration, written once by the creator before sharing.
/** MAGIC. */
export const IDX_MAGIC = 0;
/** (VERSION_MAJOR << 16) | VERSION_MINOR. */
export const IDX_VERSION = 1;
/** What the data region holds: one of KIND_*. */
export const IDX_KIND = 2;
/** Element type of a numeric lane: one of LANE_*. */
export const IDX_LANE = 3;
/** Slots in the data region: a power of two, >= the logical capacity, <= MAX_SLOTS (2^28). */
export const IDX_SLOTS = 4;
/** Logical capacity: values the ring may hold (0: rendezvous, which uses one slot). */
export const IDX_CAPACITY = 5;
/** What a put does when the ring is full: one of POLICY_*. */
export const IDX_POLICY = 6;
/** Byte offset of the data region (SZ_HEADER in version 1). */
export const IDX_DATA_OFFSET = 7;
/** Bytes per slot. */
export const IDX_SLOT_BYTES = 8;
/** A random non-zero id, fixed at creation: names the channel in errors and lock order. */
export const IDX_CHANNEL_ID = 9;
/**
 * 32 more random bits of the channel's identity. A thread that receives the same handle
 * twice gets two SharedArrayBuffer objects over one memory; `attach` recognises the channel
 * by (CHANNEL_ID, CHANNEL_ID_2) and returns the thread's existing object for it.
 */
export const IDX_CHANNEL_ID_2 = 10;
/**
 * Bits of protocol a party MUST implement to use this buffer safely (FEATURE_*). A later
 * minor version that changes what every party must do (for example ringing select doorbells
 * on each commit) sets a bit here, and `attach` of an older sabchan refuses the buffer
 * instead of silently breaking the new protocol. Bits it does not know: refuse.
 */
export const IDX_REQUIRED_FEATURES = 11;
/**
 * REQUIRED_FEATURES bit (layout 1.1): producers commit by compare-and-swap on PROD_TAIL and
 * honour FLAG_SEALED (SPEC.md 5.2 step 5, 8.5). A 1.0 party commits with a plain store,
 * which could overwrite a seal, so it must refuse such a channel.
 */
export const FEATURE_SEALED_COMMIT = 1;
/** The REQUIRED_FEATURES bits this version implements. */
export const KNOWN_REQUIRED_FEATURES = FEATURE_SEALED_COMMIT;
// words 12-31 reserved (zero).

// ---- block B (bytes 128-255): producer positions, written by producers.
/** Next position a producer may reserve; bit 31 is FLAG_CLOSED. Reserved by CAS. */
export const IDX_PROD_HEAD = 32;
/**
 * Every position below it holds a published value. Producers advance it in reservation order,
 * by CAS; bit 31 is FLAG_SEALED (set only after a supervised worker died, SPEC.md 8.5).
 */
export const IDX_PROD_TAIL = 33;

// ---- block C (bytes 256-383): consumer positions, written by consumers.
/** Next position a consumer may reserve. Reserved by CAS. */
export const IDX_CONS_HEAD = 64;
/** Every position below it has been read and its slot is free. Advanced in reservation order. */
export const IDX_CONS_TAIL = 65;

// ---- block D (bytes 384-511): consumers waiting for values.
/**
 * Non-zero: some consumer is about to sleep or asleep and asked to be woken by the next
 * producer commit. Set (store 1) by such a consumer; cleared (exchange 0) by the committer
 * that then bumps and notifies RX_EPOCH, so one sleep costs one notify, not one per commit.
 */
export const IDX_RX_WAITING = 96;
/** Futex word sleeping consumers wait on. */
export const IDX_RX_EPOCH = 97;

// ---- block E (bytes 512-639): producers waiting for space (or a rendezvous put for its taker).
/** As RX_WAITING, for producers waiting for a consumer commit. */
export const IDX_TX_WAITING = 128;
/** Futex word sleeping producers wait on. */
export const IDX_TX_EPOCH = 129;

// ---- block F (bytes 640-767): reserved for select across threads (layout 1.x, next issue):
// per-channel waiter bitmasks of thread ids (128 ids each), so a parked select rings one
// doorbell per thread instead of waiting on each channel's epoch.
/** First of 4 words: bit t set = thread t has a select waiting to receive here. */
export const IDX_RX_SELECT_MASK = 160;
/** First of 4 words: bit t set = thread t has a select waiting to send here. */
export const IDX_TX_SELECT_MASK = 164;
/** Words in each select mask (128 thread ids). */
export const SELECT_MASK_WORDS = 4;

// ---- block G (bytes 768-895): lifecycle.
/** Lifecycle flags (STATE_*): only ever gain bits (Atomics.or). */
export const IDX_STATE = 192;
/** Why the channel closed: one of CLOSE_REASON_*. Written before FLAG_CLOSED is set. */
export const IDX_CLOSE_REASON = 193;
/**
 * Bumped (Atomics.add) by the producer whose commit moves PROD_TAIL across a multiple of
 * 2^LAP_SHIFT, before its PROD_TAIL store. Parties that cache a tail re-load it when LAP
 * changed, which keeps every cached position within 2^30 of the truth (ring.ts checkLap).
 */
export const IDX_LAP = 194;
/** log2 of the positions between LAP bumps; also bounds the slot count (MAX_SLOTS). */
export const LAP_SHIFT = 28;
/**
 * Exit code of the dead worker whose exit closed the channel: 0 = none recorded; otherwise
 * FLAG_EXIT_CODE | (code & POSITION_MASK), the code as 31-bit two's complement. Set once
 * (CAS from 0) by a supervisor before it writes CLOSE_REASON_WORKER_EXITED.
 */
export const IDX_EXIT_CODE = 195;
// words 196-223 reserved (zero); block H (bytes 896-1023) reserved for statistics.

/** Total Int32 words in the header. */
export const HEADER_WORDS = SZ_HEADER / 4;

// ---- flags and codes
/** Bit 31 of PROD_HEAD: the channel is closed; no new reservation can succeed. */
export const FLAG_CLOSED = 0x80000000 | 0;
/**
 * Bit 31 of PROD_TAIL: the ring is sealed, after a dead-worker close: PROD_TAIL's position is
 * final, the stream ends there, and a commit still waiting for its turn fails (SPEC.md 8.5).
 */
export const FLAG_SEALED = 0x80000000 | 0;
/** Bit 31 of EXIT_CODE: an exit code is recorded (bits 0-30 hold it). */
export const FLAG_EXIT_CODE = 0x80000000 | 0;
/** Positions are 31-bit: mask a PROD_HEAD word with this to get the position. */
export const POSITION_MASK = 0x7fffffff;

export const KIND_NUMERIC = 1;

export const POLICY_BLOCK = 0;
export const POLICY_SLIDING = 1;
export const POLICY_DROPPING = 2;

export const CLOSE_REASON_NONE = 0;
/** close() was called. */
export const CLOSE_REASON_CLOSED = 1;
/** A supervised worker exited while the channel was open (`supervise`). */
export const CLOSE_REASON_WORKER_EXITED = 2;

/** STATE bit: a supervised worker died; parties may skip commits it blocks (SPEC.md 8.5). */
export const STATE_WORKER_EXITED = 1;

/** Lane codes, in the order of the LANES table. */
export const LANE_F64 = 0;
export const LANE_F32 = 1;
export const LANE_I32 = 2;
export const LANE_U32 = 3;
export const LANE_I16 = 4;
export const LANE_U16 = 5;
export const LANE_I8 = 6;
export const LANE_U8 = 7;

/** Largest number of slots (2^28 = 2^LAP_SHIFT), so that cached positions stay exact. */
export const MAX_SLOTS = 2 ** LAP_SHIFT;

/** The element types of numeric lanes: code, bytes per slot, and the integer range if any. */
export const LANES = {
  f64: { code: LANE_F64, bytes: 8, min: -Infinity, max: Infinity, integer: false },
  f32: { code: LANE_F32, bytes: 4, min: -Infinity, max: Infinity, integer: false },
  i32: { code: LANE_I32, bytes: 4, min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  u32: { code: LANE_U32, bytes: 4, min: 0, max: 2 ** 32 - 1, integer: true },
  i16: { code: LANE_I16, bytes: 2, min: -(2 ** 15), max: 2 ** 15 - 1, integer: true },
  u16: { code: LANE_U16, bytes: 2, min: 0, max: 2 ** 16 - 1, integer: true },
  i8: { code: LANE_I8, bytes: 1, min: -(2 ** 7), max: 2 ** 7 - 1, integer: true },
  u8: { code: LANE_U8, bytes: 1, min: 0, max: 2 ** 8 - 1, integer: true },
} as const;

export type LaneType = keyof typeof LANES;

/** Bytes of a numeric channel buffer with `slots` slots of `slotBytes`. */
export function bufferBytes(slots: number, slotBytes: number): number {
  return SZ_HEADER + slots * slotBytes;
}
