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
 * reservation would otherwise stall it (and, in a single-producer single-consumer channel,
 * where every close ends it); producers commit by CAS so that a commit either lands before
 * the seal or fails (ring-core.ts R5, spsc-ring.ts S3, SPEC.md 8.5 and 5.8).
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
/** Element type of a numeric lane: one of LANE_*. 0 (unused) in an object channel. */
export const IDX_LANE = 3;
/**
 * Slots in the data region: a power of two, <= MAX_SLOTS (2^28). A numeric channel has one
 * slot per value (>= the logical capacity); an object channel's slots are bytes (SLOT_BYTES
 * 1), holding variable-length records (RECORD_HEADER_BYTES, then the payload, padded to 8).
 */
export const IDX_SLOTS = 4;
/** Logical capacity: values (messages) the ring may hold (0: rendezvous, which holds one). */
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
 * REQUIRED_FEATURES bit: whoever clears RX_WAITING / TX_WAITING (and whoever closes) MUST
 * also ring the doorbell of every thread whose bit is set in that side's select mask
 * (block F), in the doorbell table the channel's handle carries. A party that did not would
 * leave a thread blocked in `selectSync` asleep until its safety timeout.
 */
export const FEATURE_DOORBELLS = 1;
/**
 * REQUIRED_FEATURES bit: producers commit by compare-and-swap on PROD_TAIL and honour
 * FLAG_SEALED (SPEC.md 5.2 step 5, 8.5). A party that commits with a plain store could
 * overwrite a seal, so it must refuse such a channel.
 */
export const FEATURE_SEALED_COMMIT = 2;
/**
 * REQUIRED_FEATURES bit: a single-producer single-consumer channel (SPEC.md 5.8). One thread
 * puts and one thread gets, each recorded in SPSC_PRODUCER / SPSC_CONSUMER; the producer
 * commits by CAS on PROD_TAIL without reserving on PROD_HEAD, the consumer by a store on
 * CONS_TAIL without reserving on CONS_HEAD (both heads keep their start position), and a close
 * seals PROD_TAIL at once. A party that reserved on the heads would break that protocol.
 */
export const FEATURE_SPSC = 4;
/** The REQUIRED_FEATURES bits this version implements. */
export const KNOWN_REQUIRED_FEATURES = FEATURE_DOORBELLS | FEATURE_SEALED_COMMIT | FEATURE_SPSC;
/**
 * Object channels: the largest payload one message may have, in bytes (at most the data
 * region minus RECORD_HEADER_BYTES). 0 in a numeric channel.
 */
export const IDX_MAX_MESSAGE_BYTES = 12;
// words 13-15 reserved (zero).
/**
 * Object channels: the codec's name in UTF-8, zero-padded, in CODEC_NAME_WORDS words (so at
 * most 63 bytes and a terminating zero). `attach` picks a built-in codec by it, or checks
 * that the codec it was given has this name. Zero in a numeric channel.
 */
export const IDX_CODEC_NAME = 16;
/** Words of CODEC_NAME (64 bytes, words 16-31). */
export const CODEC_NAME_WORDS = 16;

// ---- block B (bytes 128-255): producer positions, written by producers.
/** Next position a producer may reserve; bit 31 is FLAG_CLOSED. Reserved by CAS. */
export const IDX_PROD_HEAD = 32;
/**
 * Every position below it holds a published value. Producers advance it in reservation order,
 * by CAS; bit 31 is FLAG_SEALED (set after a supervised worker died, SPEC.md 8.5, or by any
 * close of an SPSC channel, 5.8).
 */
export const IDX_PROD_TAIL = 33;
/**
 * Producers asleep waiting for their turn to commit (an earlier reserver lost its core).
 * A sleeper adds 1, re-checks PROD_TAIL, waits on it, subtracts 1; a committer that finds it
 * non-zero after moving PROD_TAIL notifies PROD_TAIL. Advisory: a party that never notifies
 * only makes sleepers wait out their 1 ms safety timeout.
 */
export const IDX_PROD_TURN_WAITERS = 34;

// ---- block C (bytes 256-383): consumer positions, written by consumers.
/** Next position a consumer may reserve. Reserved by CAS. */
export const IDX_CONS_HEAD = 64;
/** Every position below it has been read and its slot is free. Advanced in reservation order. */
export const IDX_CONS_TAIL = 65;
/** As PROD_TURN_WAITERS, for consumers waiting for their turn to move CONS_TAIL. */
export const IDX_CONS_TURN_WAITERS = 66;

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

// ---- block F (bytes 640-767): select across threads: per-channel waiter bitmasks of
// doorbell slots (128 each), so a thread blocked in a select over several channels sleeps on
// one doorbell word (in the doorbell table, below) instead of one epoch per channel.
/** First of 4 words: bit t set = the thread holding doorbell slot t waits to receive here. */
export const IDX_RX_SELECT_MASK = 160;
/** First of 4 words: bit t set = the thread holding doorbell slot t waits to send here. */
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
/**
 * SPSC channels (FEATURE_SPSC): the token of the thread that puts, 0 until the first put. Set
 * once, by CAS from 0, with a token from SPSC_TOKENS; a put from any other thread is refused.
 */
export const IDX_SPSC_PRODUCER = 196;
/** SPSC channels: the token of the thread that gets, as SPSC_PRODUCER. */
export const IDX_SPSC_CONSUMER = 197;
/** SPSC channels: the last token handed out (atomic add 1 per thread that claims a side). */
export const IDX_SPSC_TOKENS = 198;
// words 199-223 reserved (zero).

// ---- block H (bytes 896-1023): message permits of object channels.
/**
 * Object channels: messages that may still be put, max(CAPACITY, 1) minus the messages
 * reserved or held in the ring. A producer takes a permit (CAS -1, never below 0) before it
 * reserves bytes and gives it back if the bytes are full; a consumer adds 1 before its
 * CONS_TAIL commit, so a producer woken by that commit sees the permit. 0 in a numeric channel.
 */
export const IDX_MSG_FREE = 224;
// words 225-255 reserved (zero).

/** Total Int32 words in the header. */
export const HEADER_WORDS = SZ_HEADER / 4;

// ---- flags and codes
/** Bit 31 of PROD_HEAD: the channel is closed; no new reservation can succeed. */
export const FLAG_CLOSED = 0x80000000 | 0;
/**
 * Bit 31 of PROD_TAIL: the ring is sealed, after a dead-worker close (SPEC.md 8.5) or any
 * close of an SPSC channel (5.8): PROD_TAIL's position is final, the stream ends there, and
 * a commit that has not landed yet fails.
 */
export const FLAG_SEALED = 0x80000000 | 0;
/** Bit 31 of EXIT_CODE: an exit code is recorded (bits 0-30 hold it). */
export const FLAG_EXIT_CODE = 0x80000000 | 0;
/** Positions are 31-bit: mask a PROD_HEAD word with this to get the position. */
export const POSITION_MASK = 0x7fffffff;

/** A ring of numbers in a typed lane. */
export const KIND_NUMERIC = 1;
/** A ring of variable-length byte records, each one message encoded by a codec. */
export const KIND_OBJECT = 2;

/**
 * Every record of an object channel starts at a position that is a multiple of 8 with an
 * Int32 payload length and an Int32 that is 0 (reserved), then the payload; the next record
 * starts at the next multiple of 8. The header never wraps (the ring's size is a power of
 * two >= 8); the payload may wrap around to byte 0 of the data region.
 */
export const RECORD_HEADER_BYTES = 8;
/** Record alignment, in bytes. */
export const RECORD_ALIGN = 8;

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

// ---- the doorbell table: a second, small SharedArrayBuffer that every channel created from
// one thread's runtime shares (a channel's handle carries it). Each slot is a futex word that
// one blocked select sleeps on; committers ring it (add 1, notify) when the slot's bit is set
// in a select mask of the channel they committed on.
/** "SCHD" as a little-endian u32: the first word of a doorbell table. */
export const DOORBELL_MAGIC = 0x44484353;
/** Word 1: a random non-zero id naming the table (a thread adopts one table). */
export const DOORBELL_IDX_TABLE_ID = 1;
/** Words 4-7: allocation bitmap of the slots (bit t set = slot t is held). CAS to take, AND to free. */
export const DOORBELL_IDX_ALLOC = 4;
/** Doorbell slots per table: as many as a select mask has bits. */
export const DOORBELL_SLOTS = 128;
/**
 * Word after a slot's futex word: who holds the slot, as the holder's Node thread id + 1
 * (0: free, or a runtime without thread ids). Lets a supervisor free the slot of a worker
 * that died blocked in a select (its holder never released it).
 */
export const DOORBELL_HOLDER_OFFSET = 1;
/** Words from one slot's futex word to the next (128 bytes: one slot per cache-line pair). */
export const DOORBELL_STRIDE_WORDS = 32;
/** Bytes of a doorbell table: a 128-byte head, then one 128-byte block per slot. */
export const SZ_DOORBELL_TABLE = SZ_BLOCK * (1 + DOORBELL_SLOTS);

/** Index of doorbell slot `t`'s futex word in its table. */
export function doorbellIndex(t: number): number {
  return DOORBELL_STRIDE_WORDS * (1 + t);
}

/** Bytes of a numeric channel buffer with `slots` slots of `slotBytes`. */
export function bufferBytes(slots: number, slotBytes: number): number {
  return SZ_HEADER + slots * slotBytes;
}
