/*
 * check_layout.c: compile-time conformance of sabchan_layout.h with native-layout/SPEC.md.
 *
 * Every check is a _Static_assert, so compiling is the test:
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only native-layout/conformance/check_layout.c
 * (test/unit/native-layout.test.ts runs exactly this). Linking and running it prints OK.
 *
 * This file is written by hand, on purpose: it restates what SPEC.md promises and checks the
 * generated header against it. When layout.ts gains a word, add its checks here (the test
 * fails until every SABCHAN_OFF_* of the header appears in this file).
 */
#include <limits.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../sabchan_layout.h"

#define CHECK(cond) _Static_assert(cond, #cond)

/* ---- SPEC 1: conventions */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "SPEC 1.1: sabchan buffers are little-endian; this host is not"
#endif
#if ATOMIC_INT_LOCK_FREE != 2
#error "SPEC 6: control words need lock-free 32-bit atomics"
#endif
CHECK(CHAR_BIT == 8);
CHECK(sizeof(int) == 4); /* ATOMIC_INT_LOCK_FREE above speaks of int */
CHECK(sizeof(_Atomic int32_t) == sizeof(int32_t));
CHECK(_Alignof(_Atomic int32_t) == _Alignof(int32_t));

/* "SCH1": the bytes S, C, H, 1 in memory order of a little-endian word. */
CHECK(SABCHAN_MAGIC == ((uint32_t)'S' | (uint32_t)'C' << 8 | (uint32_t)'H' << 16 | (uint32_t)'1' << 24));
CHECK(SABCHAN_VERSION_MAJOR == 1u && SABCHAN_VERSION_MINOR == 1u); /* this file checks layout 1.1 */
CHECK(SABCHAN_VERSION_MAJOR <= 0xffffu && SABCHAN_VERSION_MINOR <= 0xffffu);
CHECK(SABCHAN_VERSION_WORD == 0x00010001u);

/* Positions: 31 bits; bit 31 of PROD_HEAD is the closed flag. */
CHECK(SABCHAN_FLAG_CLOSED == 1u << 31);
CHECK(SABCHAN_POSITION_MASK == SABCHAN_FLAG_CLOSED - 1u);
CHECK((SABCHAN_POSITION_MASK & SABCHAN_FLAG_CLOSED) == 0u);
CHECK((SABCHAN_POSITION_MASK | SABCHAN_FLAG_CLOSED) == UINT32_MAX);
/* At most half the position space, so distances between live positions never wrap ambiguously. */
CHECK(SABCHAN_MAX_SLOTS == 1u << SABCHAN_LAP_SHIFT);
CHECK(3u * SABCHAN_MAX_SLOTS < (SABCHAN_POSITION_MASK + 1u) / 2u); /* cached tails stay exact */

/* ---- SPEC 2: buffer map */

CHECK(SABCHAN_SZ_BLOCK == 128u);
CHECK(SABCHAN_SZ_HEADER == 1024u);
CHECK(SABCHAN_HEADER_WORDS * 4u == SABCHAN_SZ_HEADER);
CHECK(SABCHAN_SZ_HEADER % SABCHAN_SZ_BLOCK == 0u);
CHECK(SABCHAN_SZ_HEADER / SABCHAN_SZ_BLOCK == 8u); /* blocks A to H */
/* The data region starts 8-aligned (Float64Array) and on its own block (no false sharing). */
CHECK(SABCHAN_SZ_HEADER % 8u == 0u);
CHECK(SABCHAN_SZ_HEADER % SABCHAN_SZ_BLOCK == 0u);
CHECK(SABCHAN_BUFFER_BYTES(8u, SABCHAN_LANE_F64_BYTES) == 1088u);
CHECK(SABCHAN_BUFFER_BYTES(1u, SABCHAN_LANE_I32_BYTES) == 1028u);
CHECK(SABCHAN_BUFFER_BYTES(SABCHAN_MAX_SLOTS, SABCHAN_LANE_F64_BYTES) == 1024u + 2147483648u); /* no overflow */
/* An object channel's slots are bytes (SLOT_BYTES 1). */
CHECK(SABCHAN_BUFFER_BYTES(65536u, 1u) == 1024u + 65536u);

/* ---- SPEC 3: header words: OFF = 4 * IDX, in bounds, in the struct at that offset */

#define FIELD(field, NAME)                                                     \
  CHECK(SABCHAN_OFF_##NAME == 4u * SABCHAN_IDX_##NAME);                         \
  CHECK(SABCHAN_OFF_##NAME % 4u == 0u);                                         \
  CHECK(SABCHAN_IDX_##NAME < SABCHAN_HEADER_WORDS);                             \
  CHECK(offsetof(sabchan_header, field) == SABCHAN_OFF_##NAME)

FIELD(magic, MAGIC);
FIELD(version, VERSION);
FIELD(kind, KIND);
FIELD(lane, LANE);
FIELD(slots, SLOTS);
FIELD(capacity, CAPACITY);
FIELD(policy, POLICY);
FIELD(data_offset, DATA_OFFSET);
FIELD(slot_bytes, SLOT_BYTES);
FIELD(channel_id, CHANNEL_ID);
FIELD(channel_id_2, CHANNEL_ID_2);
FIELD(required_features, REQUIRED_FEATURES);
FIELD(prod_head, PROD_HEAD);
FIELD(prod_tail, PROD_TAIL);
FIELD(cons_head, CONS_HEAD);
FIELD(cons_tail, CONS_TAIL);
FIELD(rx_waiting, RX_WAITING);
FIELD(rx_epoch, RX_EPOCH);
FIELD(tx_waiting, TX_WAITING);
FIELD(tx_epoch, TX_EPOCH);
FIELD(rx_select_mask, RX_SELECT_MASK);
FIELD(tx_select_mask, TX_SELECT_MASK);
FIELD(state, STATE);
FIELD(close_reason, CLOSE_REASON);
FIELD(lap, LAP);
FIELD(max_message_bytes, MAX_MESSAGE_BYTES);
FIELD(codec_name, CODEC_NAME);
FIELD(msg_free, MSG_FREE);
FIELD(exit_code, EXIT_CODE);
FIELD(spsc_producer, SPSC_PRODUCER);
FIELD(spsc_consumer, SPSC_CONSUMER);
FIELD(spsc_tokens, SPSC_TOKENS);
FIELD(prod_turn_waiters, PROD_TURN_WAITERS);
FIELD(cons_turn_waiters, CONS_TURN_WAITERS);

CHECK(sizeof(sabchan_header) == SABCHAN_SZ_HEADER);
CHECK(_Alignof(sabchan_header) == 4u);
CHECK(sizeof(((sabchan_header *)0)->rx_select_mask) == 4u * SABCHAN_SELECT_MASK_WORDS);
CHECK(sizeof(((sabchan_header *)0)->tx_select_mask) == 4u * SABCHAN_SELECT_MASK_WORDS);
CHECK(sizeof(((sabchan_header *)0)->codec_name) == 4u * SABCHAN_CODEC_NAME_WORDS);

/* ---- SPEC 1.3: each group of words written by a different set of parties has its own block */

#define BLOCK(NAME) (SABCHAN_OFF_##NAME / SABCHAN_SZ_BLOCK)
#define LAST_BLOCK(NAME, WORDS) ((SABCHAN_OFF_##NAME + 4u * (WORDS) - 1u) / SABCHAN_SZ_BLOCK)

/* A: configuration (creator) */
CHECK(BLOCK(MAGIC) == 0u && BLOCK(VERSION) == 0u && BLOCK(KIND) == 0u && BLOCK(LANE) == 0u);
CHECK(BLOCK(SLOTS) == 0u && BLOCK(CAPACITY) == 0u && BLOCK(POLICY) == 0u);
CHECK(BLOCK(DATA_OFFSET) == 0u && BLOCK(SLOT_BYTES) == 0u && BLOCK(CHANNEL_ID) == 0u);
CHECK(SABCHAN_OFF_MAGIC == 0u); /* the first word of the buffer */
/* B: producer positions */
CHECK(BLOCK(PROD_HEAD) == 1u && BLOCK(PROD_TAIL) == 1u);
/* C: consumer positions */
CHECK(BLOCK(CONS_HEAD) == 2u && BLOCK(CONS_TAIL) == 2u);
/* D: receive-side wait words; E: send-side wait words */
CHECK(BLOCK(RX_WAITING) == 3u && BLOCK(RX_EPOCH) == 3u);
CHECK(BLOCK(TX_WAITING) == 4u && BLOCK(TX_EPOCH) == 4u);
/* F: select masks (1.1, SPEC 7.6), each inside the block, not overlapping */
CHECK(BLOCK(RX_SELECT_MASK) == 5u && LAST_BLOCK(RX_SELECT_MASK, SABCHAN_SELECT_MASK_WORDS) == 5u);
CHECK(BLOCK(TX_SELECT_MASK) == 5u && LAST_BLOCK(TX_SELECT_MASK, SABCHAN_SELECT_MASK_WORDS) == 5u);
CHECK(SABCHAN_IDX_RX_SELECT_MASK + SABCHAN_SELECT_MASK_WORDS <= SABCHAN_IDX_TX_SELECT_MASK);
CHECK(SABCHAN_SELECT_MASK_WORDS * 32u == 128u); /* 128 thread ids */
/* A, too: the object channel's configuration (1.1), after REQUIRED_FEATURES, the codec name whole */
CHECK(BLOCK(MAX_MESSAGE_BYTES) == 0u && BLOCK(REQUIRED_FEATURES) == 0u && BLOCK(CHANNEL_ID_2) == 0u);
CHECK(BLOCK(CODEC_NAME) == 0u && LAST_BLOCK(CODEC_NAME, SABCHAN_CODEC_NAME_WORDS) == 0u);
CHECK(SABCHAN_IDX_REQUIRED_FEATURES < SABCHAN_IDX_MAX_MESSAGE_BYTES);
CHECK(SABCHAN_IDX_MAX_MESSAGE_BYTES < SABCHAN_IDX_CODEC_NAME);
CHECK(SABCHAN_IDX_CODEC_NAME + SABCHAN_CODEC_NAME_WORDS == SABCHAN_IDX_PROD_HEAD); /* fills block A */
CHECK(SABCHAN_CODEC_NAME_WORDS == 16u); /* 63 bytes of UTF-8 and a terminating zero */
/* G: lifecycle */
CHECK(BLOCK(STATE) == 6u && BLOCK(CLOSE_REASON) == 6u && BLOCK(LAP) == 6u && BLOCK(EXIT_CODE) == 6u);
CHECK(BLOCK(SPSC_PRODUCER) == 6u && BLOCK(SPSC_CONSUMER) == 6u && BLOCK(SPSC_TOKENS) == 6u);
/* 1.1: the seal bit of PROD_TAIL and the exit-code mark are bit 31, outside every position */
CHECK(SABCHAN_FLAG_SEALED == 0x80000000u && (SABCHAN_FLAG_SEALED & SABCHAN_POSITION_MASK) == 0u);
CHECK(SABCHAN_FLAG_EXIT_CODE == 0x80000000u);
/* H: message permits of object channels (1.1), written by both sides, so in neither's block */
CHECK(BLOCK(MSG_FREE) == 7u);
CHECK(BLOCK(MSG_FREE) != BLOCK(PROD_HEAD) && BLOCK(MSG_FREE) != BLOCK(CONS_HEAD));
CHECK(BLOCK(MSG_FREE) != BLOCK(TX_EPOCH) && BLOCK(MSG_FREE) != BLOCK(RX_EPOCH));
CHECK(SABCHAN_OFF_CLOSE_REASON < 7u * SABCHAN_SZ_BLOCK);

/* The head and tail of one side share a block (one writer set); the two sides never do. */
CHECK(BLOCK(PROD_HEAD) != BLOCK(CONS_HEAD));
CHECK(BLOCK(RX_EPOCH) != BLOCK(TX_EPOCH));
CHECK(BLOCK(RX_EPOCH) != BLOCK(PROD_TAIL) && BLOCK(RX_EPOCH) != BLOCK(CONS_TAIL));
/* The futex words are 4-byte aligned Int32 words (Atomics.wait needs an Int32Array index). */
CHECK(SABCHAN_OFF_RX_EPOCH % 4u == 0u && SABCHAN_OFF_TX_EPOCH % 4u == 0u);

/* ---- SPEC 4: data region and codes */

CHECK(SABCHAN_LANE_F64_BYTES == sizeof(double) && SABCHAN_LANE_F32_BYTES == sizeof(float));
CHECK(SABCHAN_LANE_I32_BYTES == sizeof(int32_t) && SABCHAN_LANE_U32_BYTES == sizeof(uint32_t));
CHECK(SABCHAN_LANE_I16_BYTES == sizeof(int16_t) && SABCHAN_LANE_U16_BYTES == sizeof(uint16_t));
CHECK(SABCHAN_LANE_I8_BYTES == sizeof(int8_t) && SABCHAN_LANE_U8_BYTES == sizeof(uint8_t));
/* Every slot size divides the data offset, so every slot is naturally aligned. */
CHECK(SABCHAN_SZ_HEADER % SABCHAN_LANE_F64_BYTES == 0u);
/* Lane codes are 0..7 in table order. */
CHECK(SABCHAN_LANE_F64 == 0u && SABCHAN_LANE_F32 == 1u && SABCHAN_LANE_I32 == 2u && SABCHAN_LANE_U32 == 3u);
CHECK(SABCHAN_LANE_I16 == 4u && SABCHAN_LANE_U16 == 5u && SABCHAN_LANE_I8 == 6u && SABCHAN_LANE_U8 == 7u);
/* Kind 0 is never valid: a zeroed header is not a channel. */
CHECK(SABCHAN_KIND_NUMERIC != 0u);
CHECK(SABCHAN_KIND_NUMERIC == 1u && SABCHAN_KIND_OBJECT == 2u);

/* ---- SPEC 4.2: records of an object channel */

/* A record header is two int32 words: the payload length, then a reserved 0. */
CHECK(SABCHAN_RECORD_HEADER_BYTES == 2u * sizeof(int32_t));
CHECK(SABCHAN_RECORD_ALIGN == 8u);
CHECK((SABCHAN_RECORD_ALIGN & (SABCHAN_RECORD_ALIGN - 1u)) == 0u);
/* Records start 8-aligned in the data region, so a header never straddles the end of a ring of
 * at least 8 bytes (a power of two), and its words are int32-aligned in memory. */
CHECK(SABCHAN_RECORD_HEADER_BYTES % SABCHAN_RECORD_ALIGN == 0u);
CHECK(SABCHAN_RECORD_HEADER_BYTES <= SABCHAN_RECORD_ALIGN);
CHECK(SABCHAN_SZ_HEADER % SABCHAN_RECORD_ALIGN == 0u);
/* Positions wrap at 2^31, a multiple of every ring size and of RECORD_ALIGN: the byte offset
 * (position & (SLOTS - 1)) and the alignment of a position survive the wrap. */
CHECK((SABCHAN_POSITION_MASK + 1u) % SABCHAN_RECORD_ALIGN == 0u);
CHECK((SABCHAN_POSITION_MASK + 1u) % SABCHAN_MAX_SLOTS == 0u);
CHECK(SABCHAN_MAX_SLOTS % SABCHAN_RECORD_ALIGN == 0u);
/* The record of the largest message of the largest ring still fits the ring. */
CHECK(SABCHAN_RECORD_HEADER_BYTES + ((SABCHAN_MAX_SLOTS - SABCHAN_RECORD_HEADER_BYTES + 7u) & ~7u) == SABCHAN_MAX_SLOTS);
CHECK(SABCHAN_POLICY_BLOCK == 0u && SABCHAN_POLICY_SLIDING == 1u && SABCHAN_POLICY_DROPPING == 2u);
CHECK(SABCHAN_CLOSE_REASON_NONE == 0u && SABCHAN_CLOSE_REASON_CLOSED != 0u);

/* ---- SPEC 9.2 check 5a: required features */

CHECK(SABCHAN_FEATURE_DOORBELLS == 1u && SABCHAN_FEATURE_SEALED_COMMIT == 2u && SABCHAN_FEATURE_SPSC == 4u);
CHECK((SABCHAN_FEATURE_DOORBELLS & SABCHAN_FEATURE_SEALED_COMMIT) == 0u); /* distinct bits */
CHECK(SABCHAN_KNOWN_REQUIRED_FEATURES == (SABCHAN_FEATURE_DOORBELLS | SABCHAN_FEATURE_SEALED_COMMIT | SABCHAN_FEATURE_SPSC));

/* ---- SPEC 7.6.1: the doorbell table (a buffer of its own, carried in the channel's handle) */

/* "SCHD": the bytes S, C, H, D in memory order; never mistaken for a channel's "SCH1". */
CHECK(SABCHAN_DOORBELL_MAGIC == ((uint32_t)'S' | (uint32_t)'C' << 8 | (uint32_t)'H' << 16 | (uint32_t)'D' << 24));
CHECK(SABCHAN_DOORBELL_MAGIC == 0x44484353u && SABCHAN_DOORBELL_MAGIC != SABCHAN_MAGIC);
/* The head block: word 0 the magic, word 1 the table id, words 4-7 the allocation bitmap. */
CHECK(SABCHAN_DOORBELL_IDX_TABLE_ID == 1u);
CHECK(SABCHAN_DOORBELL_IDX_ALLOC == 4u);
CHECK(SABCHAN_DOORBELL_IDX_TABLE_ID < SABCHAN_DOORBELL_IDX_ALLOC);
CHECK(SABCHAN_DOORBELL_IDX_ALLOC + SABCHAN_SELECT_MASK_WORDS <= SABCHAN_DOORBELL_INDEX(0)); /* before slot 0 */
/* One slot per mask bit: slot t is bit t % 32 of word t / 32, of ALLOC and of each select mask. */
CHECK(SABCHAN_DOORBELL_SLOTS == 32u * SABCHAN_SELECT_MASK_WORDS);
CHECK(SABCHAN_DOORBELL_SLOTS == 128u);
CHECK((SABCHAN_DOORBELL_SLOTS - 1u) / 32u < SABCHAN_SELECT_MASK_WORDS);
/* Each slot's futex word starts a 128-byte block of its own (no false sharing between sleepers). */
CHECK(SABCHAN_DOORBELL_STRIDE_WORDS == 32u);
CHECK(4u * SABCHAN_DOORBELL_STRIDE_WORDS == SABCHAN_SZ_BLOCK);
CHECK(SABCHAN_SZ_DOORBELL_TABLE == SABCHAN_SZ_BLOCK * (1u + SABCHAN_DOORBELL_SLOTS));
CHECK(SABCHAN_SZ_DOORBELL_TABLE == 16512u);
CHECK(SABCHAN_SZ_DOORBELL_TABLE % 8u == 0u);
/* SABCHAN_DOORBELL_INDEX(t): the word index of slot t's futex word, 32 * (1 + t). */
CHECK(SABCHAN_DOORBELL_INDEX(0) == 32u);
CHECK(SABCHAN_DOORBELL_INDEX(1) == 64u);
CHECK(SABCHAN_DOORBELL_INDEX(127) == 4096u);
CHECK(SABCHAN_DOORBELL_INDEX(1) - SABCHAN_DOORBELL_INDEX(0) == SABCHAN_DOORBELL_STRIDE_WORDS);
CHECK((4u * SABCHAN_DOORBELL_INDEX(0)) % SABCHAN_SZ_BLOCK == 0u);
CHECK((4u * SABCHAN_DOORBELL_INDEX(77)) % SABCHAN_SZ_BLOCK == 0u);
/* The last slot's block ends the table exactly. */
CHECK(4u * SABCHAN_DOORBELL_INDEX(SABCHAN_DOORBELL_SLOTS - 1u) + SABCHAN_SZ_BLOCK == SABCHAN_SZ_DOORBELL_TABLE);
CHECK(4u * SABCHAN_DOORBELL_INDEX(SABCHAN_DOORBELL_SLOTS) == SABCHAN_SZ_DOORBELL_TABLE);

int main(void) {
  puts("sabchan layout OK");
  return 0;
}
