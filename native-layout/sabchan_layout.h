/*
 * sabchan_layout.h: the byte layout of a sabchan shared channel, layout version 1.1.
 *
 * GENERATED from src/shared/layout.ts by native-layout/generate.ts — DO NOT EDIT.
 * Regenerate with `npm run gen:layout`; test/unit/native-layout.test.ts fails on any drift.
 *
 * The buffer starts with a header of int32_t words; word i is at byte 4 * i. SABCHAN_IDX_*
 * are word indices, SABCHAN_OFF_* byte offsets (4 * IDX). Words are in the host byte order,
 * little-endian on every supported platform. The protocol (who writes which word, with which
 * atomic operation, and in which order) is native-layout/SPEC.md: read it before touching a
 * channel. Control words MUST be accessed with sequentially consistent atomics (SPEC.md 6).
 */
#ifndef SABCHAN_LAYOUT_H
#define SABCHAN_LAYOUT_H

#include <stdint.h>

/* "SCH1" as a little-endian u32: the first word of every channel buffer. */
#define SABCHAN_MAGIC                      0x31484353u

/* Bumped on any incompatible change; `attach` refuses a newer major. */
#define SABCHAN_VERSION_MAJOR              1u

/* Bumped on compatible additions (a reader of an older minor ignores what it does not know). */
#define SABCHAN_VERSION_MINOR              1u

/* Size of the header that starts every channel buffer; the data region follows it. */
#define SABCHAN_SZ_HEADER                  1024u

/* Alignment of the hot-word blocks. */
#define SABCHAN_SZ_BLOCK                   128u

/* ---- block A (bytes 0-127): configuration, written once by the creator before sharing. */
/* MAGIC. */
#define SABCHAN_IDX_MAGIC                  0u
#define SABCHAN_OFF_MAGIC                  0u

/* (VERSION_MAJOR << 16) | VERSION_MINOR. */
#define SABCHAN_IDX_VERSION                1u
#define SABCHAN_OFF_VERSION                4u

/* What the data region holds: one of KIND_*. */
#define SABCHAN_IDX_KIND                   2u
#define SABCHAN_OFF_KIND                   8u

/* Element type of a numeric lane: one of LANE_*. 0 (unused) in an object channel. */
#define SABCHAN_IDX_LANE                   3u
#define SABCHAN_OFF_LANE                   12u

/*
 * Slots in the data region: a power of two, <= MAX_SLOTS (2^28). A numeric channel has one slot
 * per value (>= the logical capacity); an object channel's slots are bytes (SLOT_BYTES 1), holding
 * variable-length records (RECORD_HEADER_BYTES, then the payload, padded to 8).
 */
#define SABCHAN_IDX_SLOTS                  4u
#define SABCHAN_OFF_SLOTS                  16u

/* Logical capacity: values (messages) the ring may hold (0: rendezvous, which holds one). */
#define SABCHAN_IDX_CAPACITY               5u
#define SABCHAN_OFF_CAPACITY               20u

/* What a put does when the ring is full: one of POLICY_*. */
#define SABCHAN_IDX_POLICY                 6u
#define SABCHAN_OFF_POLICY                 24u

/* Byte offset of the data region (SZ_HEADER in version 1). */
#define SABCHAN_IDX_DATA_OFFSET            7u
#define SABCHAN_OFF_DATA_OFFSET            28u

/* Bytes per slot. */
#define SABCHAN_IDX_SLOT_BYTES             8u
#define SABCHAN_OFF_SLOT_BYTES             32u

/* A random non-zero id, fixed at creation: names the channel in errors and lock order. */
#define SABCHAN_IDX_CHANNEL_ID             9u
#define SABCHAN_OFF_CHANNEL_ID             36u

/*
 * 32 more random bits of the channel's identity. A thread that receives the same handle twice gets
 * two SharedArrayBuffer objects over one memory; `attach` recognises the channel by (CHANNEL_ID,
 * CHANNEL_ID_2) and returns the thread's existing object for it.
 */
#define SABCHAN_IDX_CHANNEL_ID_2           10u
#define SABCHAN_OFF_CHANNEL_ID_2           40u

/*
 * Bits of protocol a party MUST implement to use this buffer safely (FEATURE_*). A later minor
 * version that changes what every party must do (for example ringing select doorbells on each
 * commit) sets a bit here, and `attach` of an older sabchan refuses the buffer instead of silently
 * breaking the new protocol. Bits it does not know: refuse.
 */
#define SABCHAN_IDX_REQUIRED_FEATURES      11u
#define SABCHAN_OFF_REQUIRED_FEATURES      44u

/*
 * REQUIRED_FEATURES bit: whoever clears RX_WAITING / TX_WAITING (and whoever closes) MUST also
 * ring the doorbell of every thread whose bit is set in that side's select mask (block F), in the
 * doorbell table the channel's handle carries. A party that did not would leave a thread blocked
 * in `selectSync` asleep until its safety timeout.
 */
#define SABCHAN_FEATURE_DOORBELLS          1u

/*
 * REQUIRED_FEATURES bit: producers commit by compare-and-swap on PROD_TAIL and honour FLAG_SEALED
 * (SPEC.md 5.2 step 5, 8.5). A party that commits with a plain store could overwrite a seal, so it
 * must refuse such a channel.
 */
#define SABCHAN_FEATURE_SEALED_COMMIT      2u

/*
 * REQUIRED_FEATURES bit: a single-producer single-consumer channel (SPEC.md 5.8). One thread puts
 * and one thread gets, each recorded in SPSC_PRODUCER / SPSC_CONSUMER; the producer commits by CAS
 * on PROD_TAIL without reserving on PROD_HEAD, the consumer by a store on CONS_TAIL without
 * reserving on CONS_HEAD (both heads keep their start position), and a close seals PROD_TAIL at
 * once. A party that reserved on the heads would break that protocol.
 */
#define SABCHAN_FEATURE_SPSC               4u

/* The REQUIRED_FEATURES bits this version implements. */
#define SABCHAN_KNOWN_REQUIRED_FEATURES    7u

/*
 * Object channels: the largest payload one message may have, in bytes (at most the data region
 * minus RECORD_HEADER_BYTES). 0 in a numeric channel.
 */
#define SABCHAN_IDX_MAX_MESSAGE_BYTES      12u
#define SABCHAN_OFF_MAX_MESSAGE_BYTES      48u

/* words 13-15 reserved (zero). */

/*
 * Object channels: the codec's name in UTF-8, zero-padded, in CODEC_NAME_WORDS words (so at most
 * 63 bytes and a terminating zero). `attach` picks a built-in codec by it, or checks that the
 * codec it was given has this name. Zero in a numeric channel.
 */
#define SABCHAN_IDX_CODEC_NAME             16u
#define SABCHAN_OFF_CODEC_NAME             64u

/* Words of CODEC_NAME (64 bytes, words 16-31). */
#define SABCHAN_CODEC_NAME_WORDS           16u

/* ---- block B (bytes 128-255): producer positions, written by producers. */
/* Next position a producer may reserve; bit 31 is FLAG_CLOSED. Reserved by CAS. */
#define SABCHAN_IDX_PROD_HEAD              32u
#define SABCHAN_OFF_PROD_HEAD              128u

/*
 * Every position below it holds a published value. Producers advance it in reservation order, by
 * CAS; bit 31 is FLAG_SEALED (set after a supervised worker died, SPEC.md 8.5, or by any close of
 * an SPSC channel, 5.8).
 */
#define SABCHAN_IDX_PROD_TAIL              33u
#define SABCHAN_OFF_PROD_TAIL              132u

/*
 * Producers asleep waiting for their turn to commit (an earlier reserver lost its core). A sleeper
 * adds 1, re-checks PROD_TAIL, waits on it, subtracts 1; a committer that finds it non-zero after
 * moving PROD_TAIL notifies PROD_TAIL. Advisory: a party that never notifies only makes sleepers
 * wait out their 1 ms safety timeout.
 */
#define SABCHAN_IDX_PROD_TURN_WAITERS      34u
#define SABCHAN_OFF_PROD_TURN_WAITERS      136u

/* ---- block C (bytes 256-383): consumer positions, written by consumers. */
/* Next position a consumer may reserve. Reserved by CAS. */
#define SABCHAN_IDX_CONS_HEAD              64u
#define SABCHAN_OFF_CONS_HEAD              256u

/* Every position below it has been read and its slot is free. Advanced in reservation order. */
#define SABCHAN_IDX_CONS_TAIL              65u
#define SABCHAN_OFF_CONS_TAIL              260u

/* As PROD_TURN_WAITERS, for consumers waiting for their turn to move CONS_TAIL. */
#define SABCHAN_IDX_CONS_TURN_WAITERS      66u
#define SABCHAN_OFF_CONS_TURN_WAITERS      264u

/* ---- block D (bytes 384-511): consumers waiting for values. */
/*
 * Non-zero: some consumer is about to sleep or asleep and asked to be woken by the next producer
 * commit. Set (store 1) by such a consumer; cleared (exchange 0) by the committer that then bumps
 * and notifies RX_EPOCH, so one sleep costs one notify, not one per commit.
 */
#define SABCHAN_IDX_RX_WAITING             96u
#define SABCHAN_OFF_RX_WAITING             384u

/* Futex word sleeping consumers wait on. */
#define SABCHAN_IDX_RX_EPOCH               97u
#define SABCHAN_OFF_RX_EPOCH               388u

/* ---- block E (bytes 512-639): producers waiting for space (or a rendezvous put for its taker). */
/* As RX_WAITING, for producers waiting for a consumer commit. */
#define SABCHAN_IDX_TX_WAITING             128u
#define SABCHAN_OFF_TX_WAITING             512u

/* Futex word sleeping producers wait on. */
#define SABCHAN_IDX_TX_EPOCH               129u
#define SABCHAN_OFF_TX_EPOCH               516u

/*
 * ---- block F (bytes 640-767): select across threads: per-channel waiter bitmasks of
 * doorbell slots (128 each), so a thread blocked in a select over several channels sleeps on
 * one doorbell word (in the doorbell table, below) instead of one epoch per channel.
 */
/* First of 4 words: bit t set = the thread holding doorbell slot t waits to receive here. */
#define SABCHAN_IDX_RX_SELECT_MASK         160u
#define SABCHAN_OFF_RX_SELECT_MASK         640u

/* First of 4 words: bit t set = the thread holding doorbell slot t waits to send here. */
#define SABCHAN_IDX_TX_SELECT_MASK         164u
#define SABCHAN_OFF_TX_SELECT_MASK         656u

/* Words in each select mask (128 thread ids). */
#define SABCHAN_SELECT_MASK_WORDS          4u

/* ---- block G (bytes 768-895): lifecycle. */
/* Lifecycle flags (STATE_*): only ever gain bits (Atomics.or). */
#define SABCHAN_IDX_STATE                  192u
#define SABCHAN_OFF_STATE                  768u

/* Why the channel closed: one of CLOSE_REASON_*. Written before FLAG_CLOSED is set. */
#define SABCHAN_IDX_CLOSE_REASON           193u
#define SABCHAN_OFF_CLOSE_REASON           772u

/*
 * Bumped (Atomics.add) by the producer whose commit moves PROD_TAIL across a multiple of
 * 2^LAP_SHIFT, before its PROD_TAIL store. Parties that cache a tail re-load it when LAP changed,
 * which keeps every cached position within 2^30 of the truth (ring.ts checkLap).
 */
#define SABCHAN_IDX_LAP                    194u
#define SABCHAN_OFF_LAP                    776u

/* log2 of the positions between LAP bumps; also bounds the slot count (MAX_SLOTS). */
#define SABCHAN_LAP_SHIFT                  28u

/*
 * Exit code of the dead worker whose exit closed the channel: 0 = none recorded; otherwise
 * FLAG_EXIT_CODE | (code & POSITION_MASK), the code as 31-bit two's complement. Set once (CAS from
 * 0) by a supervisor before it writes CLOSE_REASON_WORKER_EXITED.
 */
#define SABCHAN_IDX_EXIT_CODE              195u
#define SABCHAN_OFF_EXIT_CODE              780u

/*
 * SPSC channels (FEATURE_SPSC): the token of the thread that puts, 0 until the first put. Set
 * once, by CAS from 0, with a token from SPSC_TOKENS; a put from any other thread is refused.
 */
#define SABCHAN_IDX_SPSC_PRODUCER          196u
#define SABCHAN_OFF_SPSC_PRODUCER          784u

/* SPSC channels: the token of the thread that gets, as SPSC_PRODUCER. */
#define SABCHAN_IDX_SPSC_CONSUMER          197u
#define SABCHAN_OFF_SPSC_CONSUMER          788u

/* SPSC channels: the last token handed out (atomic add 1 per thread that claims a side). */
#define SABCHAN_IDX_SPSC_TOKENS            198u
#define SABCHAN_OFF_SPSC_TOKENS            792u

/* words 199-223 reserved (zero). */

/* ---- block H (bytes 896-1023): message permits of object channels. */
/*
 * Object channels: messages that may still be put, max(CAPACITY, 1) minus the messages reserved or
 * held in the ring. A producer takes a permit (CAS -1, never below 0) before it reserves bytes and
 * gives it back if the bytes are full; a consumer adds 1 before its CONS_TAIL commit, so a
 * producer woken by that commit sees the permit. 0 in a numeric channel.
 */
#define SABCHAN_IDX_MSG_FREE               224u
#define SABCHAN_OFF_MSG_FREE               896u

/* words 225-255 reserved (zero). */

/* Total Int32 words in the header. */
#define SABCHAN_HEADER_WORDS               256u

/* ---- flags and codes */
/* Bit 31 of PROD_HEAD: the channel is closed; no new reservation can succeed. */
#define SABCHAN_FLAG_CLOSED                0x80000000u

/*
 * Bit 31 of PROD_TAIL: the ring is sealed, after a dead-worker close (SPEC.md 8.5) or any close of
 * an SPSC channel (5.8): PROD_TAIL's position is final, the stream ends there, and a commit that
 * has not landed yet fails.
 */
#define SABCHAN_FLAG_SEALED                0x80000000u

/* Bit 31 of EXIT_CODE: an exit code is recorded (bits 0-30 hold it). */
#define SABCHAN_FLAG_EXIT_CODE             0x80000000u

/* Positions are 31-bit: mask a PROD_HEAD word with this to get the position. */
#define SABCHAN_POSITION_MASK              0x7fffffffu

/* A ring of numbers in a typed lane. */
#define SABCHAN_KIND_NUMERIC               1u

/* A ring of variable-length byte records, each one message encoded by a codec. */
#define SABCHAN_KIND_OBJECT                2u

/*
 * Every record of an object channel starts at a position that is a multiple of 8 with an Int32
 * payload length and an Int32 that is 0 (reserved), then the payload; the next record starts at
 * the next multiple of 8. The header never wraps (the ring's size is a power of two >= 8); the
 * payload may wrap around to byte 0 of the data region.
 */
#define SABCHAN_RECORD_HEADER_BYTES        8u

/* Record alignment, in bytes. */
#define SABCHAN_RECORD_ALIGN               8u

#define SABCHAN_POLICY_BLOCK               0u
#define SABCHAN_POLICY_SLIDING             1u
#define SABCHAN_POLICY_DROPPING            2u

#define SABCHAN_CLOSE_REASON_NONE          0u

/* close() was called. */
#define SABCHAN_CLOSE_REASON_CLOSED        1u

/* A supervised worker exited while the channel was open (`supervise`). */
#define SABCHAN_CLOSE_REASON_WORKER_EXITED 2u

/* STATE bit: a supervised worker died; parties may skip commits it blocks (SPEC.md 8.5). */
#define SABCHAN_STATE_WORKER_EXITED        1u

/* Lane codes, in the order of the LANES table. */
#define SABCHAN_LANE_F64                   0u
#define SABCHAN_LANE_F32                   1u
#define SABCHAN_LANE_I32                   2u
#define SABCHAN_LANE_U32                   3u
#define SABCHAN_LANE_I16                   4u
#define SABCHAN_LANE_U16                   5u
#define SABCHAN_LANE_I8                    6u
#define SABCHAN_LANE_U8                    7u

/* Largest number of slots (2^28 = 2^LAP_SHIFT), so that cached positions stay exact. */
#define SABCHAN_MAX_SLOTS                  268435456u

/* The element types of numeric lanes: code, bytes per slot, and the integer range if any. */
#define SABCHAN_LANE_F64_BYTES             8u           /* double */
#define SABCHAN_LANE_F32_BYTES             4u           /* float */
#define SABCHAN_LANE_I32_BYTES             4u           /* int32_t */
#define SABCHAN_LANE_U32_BYTES             4u           /* uint32_t */
#define SABCHAN_LANE_I16_BYTES             2u           /* int16_t */
#define SABCHAN_LANE_U16_BYTES             2u           /* uint16_t */
#define SABCHAN_LANE_I8_BYTES              1u           /* int8_t */
#define SABCHAN_LANE_U8_BYTES              1u           /* uint8_t */

/*
 * ---- the doorbell table: a second, small SharedArrayBuffer that every channel created from
 * one thread's runtime shares (a channel's handle carries it). Each slot is a futex word that
 * one blocked select sleeps on; committers ring it (add 1, notify) when the slot's bit is set
 * in a select mask of the channel they committed on.
 */
/* "SCHD" as a little-endian u32: the first word of a doorbell table. */
#define SABCHAN_DOORBELL_MAGIC             0x44484353u

/* Word 1: a random non-zero id naming the table (a thread adopts one table). */
#define SABCHAN_DOORBELL_IDX_TABLE_ID      1u

/*
 * Words 4-7: allocation bitmap of the slots (bit t set = slot t is held). CAS to take, AND to
 * free.
 */
#define SABCHAN_DOORBELL_IDX_ALLOC         4u

/* Doorbell slots per table: as many as a select mask has bits. */
#define SABCHAN_DOORBELL_SLOTS             128u

/*
 * Word after a slot's futex word: who holds the slot, as the holder's Node thread id + 1 (0: free,
 * or a runtime without thread ids). Lets a supervisor free the slot of a worker that died blocked
 * in a select (its holder never released it).
 */
#define SABCHAN_DOORBELL_HOLDER_OFFSET     1u

/* Words from one slot's futex word to the next (128 bytes: one slot per cache-line pair). */
#define SABCHAN_DOORBELL_STRIDE_WORDS      32u

/* Bytes of a doorbell table: a 128-byte head, then one 128-byte block per slot. */
#define SABCHAN_SZ_DOORBELL_TABLE          16512u

/* Index of doorbell slot `t`'s futex word in its table. */
#define SABCHAN_DOORBELL_INDEX(t) ((uint32_t)SABCHAN_DOORBELL_STRIDE_WORDS * (1u + (uint32_t)(t)))

/* Bytes of a numeric channel buffer with `slots` slots of `slotBytes`. */
#define SABCHAN_BUFFER_BYTES(slots, slot_bytes) \
  ((uint64_t)SABCHAN_SZ_HEADER + (uint64_t)(slots) * (uint64_t)(slot_bytes))

/* ---- derived */
/* The VERSION word of this layout: (major << 16) | minor. */
#define SABCHAN_VERSION_WORD               ((SABCHAN_VERSION_MAJOR << 16) | SABCHAN_VERSION_MINOR)

/*
 * The header as a struct: one int32_t per word, reserved runs as arrays that MUST be zero.
 * It is exact (check_layout.c asserts every offsetof). Read and write the words of blocks B to G
 * only with seq_cst atomics, e.g. __atomic_load_n(&h->prod_tail, __ATOMIC_SEQ_CST) or C11
 * atomic_load on an _Atomic int32_t * to the word (SPEC.md 6). The data region starts at
 * byte SABCHAN_SZ_HEADER.
 */
typedef struct sabchan_header {
  /* block A: bytes 0-127 */
  int32_t magic;                     /* word 0, byte 0 */
  int32_t version;                   /* word 1, byte 4 */
  int32_t kind;                      /* word 2, byte 8 */
  int32_t lane;                      /* word 3, byte 12 */
  int32_t slots;                     /* word 4, byte 16 */
  int32_t capacity;                  /* word 5, byte 20 */
  int32_t policy;                    /* word 6, byte 24 */
  int32_t data_offset;               /* word 7, byte 28 */
  int32_t slot_bytes;                /* word 8, byte 32 */
  int32_t channel_id;                /* word 9, byte 36 */
  int32_t channel_id_2;              /* word 10, byte 40 */
  int32_t required_features;         /* word 11, byte 44 */
  int32_t max_message_bytes;         /* word 12, byte 48 */
  int32_t reserved_13_15[3];         /* words 13-15, bytes 52-63 */
  int32_t codec_name[16];            /* words 16-31, bytes 64-127 */
  /* block B: bytes 128-255 */
  int32_t prod_head;                 /* word 32, byte 128 */
  int32_t prod_tail;                 /* word 33, byte 132 */
  int32_t prod_turn_waiters;         /* word 34, byte 136 */
  int32_t reserved_35_63[29];        /* words 35-63, bytes 140-255 */
  /* block C: bytes 256-383 */
  int32_t cons_head;                 /* word 64, byte 256 */
  int32_t cons_tail;                 /* word 65, byte 260 */
  int32_t cons_turn_waiters;         /* word 66, byte 264 */
  int32_t reserved_67_95[29];        /* words 67-95, bytes 268-383 */
  /* block D: bytes 384-511 */
  int32_t rx_waiting;                /* word 96, byte 384 */
  int32_t rx_epoch;                  /* word 97, byte 388 */
  int32_t reserved_98_127[30];       /* words 98-127, bytes 392-511 */
  /* block E: bytes 512-639 */
  int32_t tx_waiting;                /* word 128, byte 512 */
  int32_t tx_epoch;                  /* word 129, byte 516 */
  int32_t reserved_130_159[30];      /* words 130-159, bytes 520-639 */
  /* block F: bytes 640-767 */
  int32_t rx_select_mask[4];         /* words 160-163, bytes 640-655 */
  int32_t tx_select_mask[4];         /* words 164-167, bytes 656-671 */
  int32_t reserved_168_191[24];      /* words 168-191, bytes 672-767 */
  /* block G: bytes 768-895 */
  int32_t state;                     /* word 192, byte 768 */
  int32_t close_reason;              /* word 193, byte 772 */
  int32_t lap;                       /* word 194, byte 776 */
  int32_t exit_code;                 /* word 195, byte 780 */
  int32_t spsc_producer;             /* word 196, byte 784 */
  int32_t spsc_consumer;             /* word 197, byte 788 */
  int32_t spsc_tokens;               /* word 198, byte 792 */
  int32_t reserved_199_223[25];      /* words 199-223, bytes 796-895 */
  /* block H: bytes 896-1023 */
  int32_t msg_free;                  /* word 224, byte 896 */
  int32_t reserved_225_255[31];      /* words 225-255, bytes 900-1023 */
} sabchan_header;

#endif /* SABCHAN_LAYOUT_H */
