/*
 * read_dump.c: a native reader of a sabchan channel buffer, used by the golden test.
 *
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -o read_dump native-layout/conformance/read_dump.c
 *   ./read_dump FILE        FILE holds the bytes of a channel's SharedArrayBuffer
 *
 * It runs the attach checks of SPEC.md 9.2 in their order, then prints the header and the
 * values waiting in the ring (from CONS_TAIL up to PROD_TAIL), one "key value" line each, and
 * exits 0. A buffer that fails a check prints "refused: <check>: <detail>" and exits 1.
 * It reads every control word with a seq_cst atomic load (SPEC.md 6), as a live reader must;
 * on a file nobody else writes that is not needed, but it is the pattern to copy.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sabchan_layout.h"

static const char *const LANE_NAMES[] = {"f64", "f32", "i32", "u32", "i16", "u16", "i8", "u8"};
static const uint32_t LANE_BYTES[] = {
    SABCHAN_LANE_F64_BYTES, SABCHAN_LANE_F32_BYTES, SABCHAN_LANE_I32_BYTES, SABCHAN_LANE_U32_BYTES,
    SABCHAN_LANE_I16_BYTES, SABCHAN_LANE_U16_BYTES, SABCHAN_LANE_I8_BYTES,  SABCHAN_LANE_U8_BYTES,
};

/* A seq_cst load of one header word. */
static int32_t load(int32_t *word) { return atomic_load((_Atomic int32_t *)word); }

/* d(a, b) = (b - a) mod 2^31: how far position b is ahead of position a (SPEC.md 1.2). */
static uint32_t distance(uint32_t a, uint32_t b) { return (b - a) & SABCHAN_POSITION_MASK; }

static int refuse(const char *check, const char *detail, long long value) {
  printf("refused: %s: %s %lld\n", check, detail, value);
  return 1;
}

/* Prints the value in `slot` of a `lane` data region. */
static void print_value(const unsigned char *data, uint32_t lane, uint32_t slot) {
  const unsigned char *at = data + (size_t)slot * LANE_BYTES[lane];
  switch (lane) {
    case SABCHAN_LANE_F64: { double v; memcpy(&v, at, sizeof v); printf(" %.17g", v); break; }
    case SABCHAN_LANE_F32: { float v; memcpy(&v, at, sizeof v); printf(" %.9g", (double)v); break; }
    case SABCHAN_LANE_I32: { int32_t v; memcpy(&v, at, sizeof v); printf(" %ld", (long)v); break; }
    case SABCHAN_LANE_U32: { uint32_t v; memcpy(&v, at, sizeof v); printf(" %lu", (unsigned long)v); break; }
    case SABCHAN_LANE_I16: { int16_t v; memcpy(&v, at, sizeof v); printf(" %d", v); break; }
    case SABCHAN_LANE_U16: { uint16_t v; memcpy(&v, at, sizeof v); printf(" %u", v); break; }
    case SABCHAN_LANE_I8: { int8_t v; memcpy(&v, at, sizeof v); printf(" %d", v); break; }
    default: { uint8_t v; memcpy(&v, at, sizeof v); printf(" %u", v); break; }
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (f == NULL || fseek(f, 0, SEEK_END) != 0) {
    perror(argv[1]);
    return 2;
  }
  long length = ftell(f);
  rewind(f);
  /* The buffer base MUST be 8-aligned (SPEC.md 1.4); take 16 like the engines do. */
  unsigned char *base = aligned_alloc(16, ((size_t)length + 15u) / 16u * 16u + 16u);
  if (base == NULL || fread(base, 1, (size_t)length, f) != (size_t)length) {
    perror(argv[1]);
    return 2;
  }
  fclose(f);

  /* SPEC.md 9.2, in order. */
  if ((unsigned long)length < SABCHAN_SZ_HEADER) return refuse("length", "buffer smaller than a header:", length);
  sabchan_header *h = (sabchan_header *)base;
  uint32_t magic = (uint32_t)load(&h->magic); /* first, and atomically: it publishes the rest */
  if (magic == 0u) return refuse("magic", "zeroed header, magic", 0);
  if (magic != SABCHAN_MAGIC) return refuse("magic", "foreign buffer, magic", magic);
  uint32_t version = (uint32_t)h->version; /* configuration words never change after MAGIC */
  uint32_t major = version >> 16, minor = version & 0xffffu;
  if (major > SABCHAN_VERSION_MAJOR) return refuse("version", "newer major", major);
  if (major < 1u) return refuse("version", "major", major);
  if ((uint32_t)h->kind != SABCHAN_KIND_NUMERIC) return refuse("kind", "unknown kind", h->kind);
  uint32_t lane = (uint32_t)h->lane;
  if (lane > SABCHAN_LANE_U8) return refuse("lane", "unknown lane", h->lane);
  uint32_t slots = (uint32_t)h->slots;
  if (h->slots < 1 || slots > SABCHAN_MAX_SLOTS || (slots & (slots - 1u)) != 0u) return refuse("slots", "slot count", h->slots);
  if (h->capacity < 0 || (uint32_t)h->capacity > slots) return refuse("capacity", "capacity", h->capacity);
  if ((uint32_t)h->slot_bytes != LANE_BYTES[lane]) return refuse("slot bytes", "slot size", h->slot_bytes);
  if ((uint32_t)h->data_offset != SABCHAN_SZ_HEADER) return refuse("data offset", "data offset", h->data_offset);
  if ((uint64_t)length != SABCHAN_BUFFER_BYTES(slots, LANE_BYTES[lane])) return refuse("length", "buffer length", length);
  uint32_t policy = (uint32_t)h->policy;
  if (policy > SABCHAN_POLICY_DROPPING) return refuse("policy", "unknown policy", h->policy);
  /* SHOULD (SPEC.md 9.2): a rendezvous channel only blocks. sabchan 1.0 itself does not check. */
  if (h->capacity == 0 && policy != SABCHAN_POLICY_BLOCK) return refuse("policy", "rendezvous with policy", h->policy);

  uint32_t head_word = (uint32_t)load(&h->prod_head);
  uint32_t prod_head = head_word & SABCHAN_POSITION_MASK;
  uint32_t tail_word = (uint32_t)load(&h->prod_tail);
  uint32_t prod_tail = tail_word & SABCHAN_POSITION_MASK; /* bit 31: FLAG_SEALED (SPEC.md 8.5) */
  int sealed = (tail_word & SABCHAN_FLAG_SEALED) != 0u;
  uint32_t cons_head = (uint32_t)load(&h->cons_head);
  uint32_t cons_tail = (uint32_t)load(&h->cons_tail);
  int closed = (head_word & SABCHAN_FLAG_CLOSED) != 0u;
  uint32_t capacity = h->capacity == 0 ? 1u : (uint32_t)h->capacity;

  /* Every word that layout 1.1 does not name must be zero (SPEC.md 3). */
  static const uint32_t named[] = {
      SABCHAN_IDX_MAGIC,     SABCHAN_IDX_VERSION,    SABCHAN_IDX_KIND,       SABCHAN_IDX_LANE,
      SABCHAN_IDX_SLOTS,     SABCHAN_IDX_CAPACITY,   SABCHAN_IDX_POLICY,     SABCHAN_IDX_DATA_OFFSET,
      SABCHAN_IDX_SLOT_BYTES, SABCHAN_IDX_CHANNEL_ID, SABCHAN_IDX_CHANNEL_ID_2, SABCHAN_IDX_REQUIRED_FEATURES, SABCHAN_IDX_PROD_HEAD,  SABCHAN_IDX_PROD_TAIL,
      SABCHAN_IDX_CONS_HEAD, SABCHAN_IDX_CONS_TAIL,  SABCHAN_IDX_RX_WAITING, SABCHAN_IDX_RX_EPOCH,
      SABCHAN_IDX_TX_WAITING, SABCHAN_IDX_TX_EPOCH,  SABCHAN_IDX_CLOSE_REASON, SABCHAN_IDX_LAP,
      SABCHAN_IDX_STATE,     SABCHAN_IDX_EXIT_CODE,
  };
  int32_t *words = (int32_t *)base;
  int reserved_zero = 1;
  for (uint32_t i = 0; i < SABCHAN_HEADER_WORDS; i++) {
    int is_named = 0;
    for (size_t j = 0; j < sizeof named / sizeof named[0]; j++) is_named |= named[j] == i;
    if (!is_named && load(&words[i]) != 0) reserved_zero = 0;
  }

  printf("version %lu.%lu\n", (unsigned long)major, (unsigned long)minor);
  printf("kind %ld\n", (long)h->kind);
  printf("lane %s\n", LANE_NAMES[lane]);
  printf("slots %lu\n", (unsigned long)slots);
  printf("capacity %ld\n", (long)h->capacity);
  printf("policy %lu\n", (unsigned long)policy);
  printf("channel_id_nonzero %d\n", h->channel_id != 0);
  printf("prod_head %lu\n", (unsigned long)prod_head);
  printf("closed %d\n", closed);
  printf("close_reason %ld\n", (long)load(&h->close_reason));
  printf("prod_tail %lu\n", (unsigned long)prod_tail);
  printf("cons_head %lu\n", (unsigned long)cons_head);
  printf("cons_tail %lu\n", (unsigned long)cons_tail);
  printf("reserved_zero %d\n", reserved_zero);
  /* Invariant R1 (SPEC.md 5.1), as distances. */
  int r1 = distance(cons_tail, cons_head) + distance(cons_head, prod_tail) + distance(prod_tail, prod_head) ==
               distance(cons_tail, prod_head) &&
           distance(cons_tail, prod_head) <= capacity;
  printf("invariant_r1 %d\n", r1);
  printf("values");
  const unsigned char *data = base + SABCHAN_SZ_HEADER;
  for (uint32_t pos = cons_tail; pos != prod_tail; pos = (pos + 1u) & SABCHAN_POSITION_MASK) {
    print_value(data, lane, pos & (slots - 1u));
  }
  printf("\n");
  printf("drained %d\n", closed && (prod_tail == prod_head || sealed) && cons_head == prod_tail);
  free(base);
  return 0;
}
