/*
 * read_dump.c: a native reader of a sabchan channel buffer, used by the golden test.
 *
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic -o read_dump native-layout/conformance/read_dump.c
 *   ./read_dump FILE        FILE holds the bytes of a channel's SharedArrayBuffer
 *
 * It runs the attach checks of SPEC.md 9.2 in their order, then prints the header and what
 * waits in the ring, one "key value" line each, and exits 0: for a numeric channel the values
 * from CONS_TAIL up to PROD_TAIL; for an object channel (SPEC.md 4.2) the records from
 * CONS_HEAD up to PROD_TAIL, one "record_<i> at <position> length <n> hex <payload>" line each.
 * A buffer that fails a check, or holds a record that contradicts SPEC.md 4.2, prints
 * "refused: <check>: <detail>" and exits 1.
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

/* True for the words of the select masks (block F, SPEC.md 7.6): named, non-zero while a select waits. */
static int is_select_mask(uint32_t i) {
  return (i >= SABCHAN_IDX_RX_SELECT_MASK && i < SABCHAN_IDX_RX_SELECT_MASK + SABCHAN_SELECT_MASK_WORDS) ||
         (i >= SABCHAN_IDX_TX_SELECT_MASK && i < SABCHAN_IDX_TX_SELECT_MASK + SABCHAN_SELECT_MASK_WORDS);
}

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

/* The bytes of the record header word `i` (0: length, 1: reserved) of the record at `pos`. */
static int32_t record_word(const unsigned char *data, uint32_t slots, uint32_t pos, int i) {
  int32_t v;
  memcpy(&v, data + (pos & (slots - 1u)) + 4u * (uint32_t)i, sizeof v); /* never wraps: pos is 8-aligned */
  return v;
}

/* Bytes a record of `payload` bytes takes: header, payload, padding to RECORD_ALIGN (SPEC.md 4.2). */
static uint32_t record_bytes(uint32_t payload) {
  return SABCHAN_RECORD_HEADER_BYTES + ((payload + SABCHAN_RECORD_ALIGN - 1u) & ~(SABCHAN_RECORD_ALIGN - 1u));
}

/*
 * An object channel (KIND_OBJECT, layout 1.1): the rest of the attach checks of SPEC.md 9.2 for
 * this kind, then the header and the records waiting to be taken, [CONS_HEAD, PROD_TAIL).
 */
static int read_object(unsigned char *base, long length, uint32_t major, uint32_t minor) {
  sabchan_header *h = (sabchan_header *)base;
  /* LANE is unused (0) in an object channel; a reader ignores it (SPEC.md 3). */
  uint32_t slots = (uint32_t)h->slots; /* bytes of the ring */
  if (h->slots < 64 || slots > SABCHAN_MAX_SLOTS || (slots & (slots - 1u)) != 0u) return refuse("slots", "ring bytes", h->slots);
  if (h->capacity < 0) return refuse("capacity", "capacity", h->capacity);
  if (h->slot_bytes != 1) return refuse("slot bytes", "slot size", h->slot_bytes);
  if ((uint32_t)h->data_offset != SABCHAN_SZ_HEADER) return refuse("data offset", "data offset", h->data_offset);
  if ((uint64_t)length != SABCHAN_BUFFER_BYTES(slots, 1u)) return refuse("length", "buffer length", length);
  uint32_t policy = (uint32_t)h->policy;
  if (policy > SABCHAN_POLICY_DROPPING) return refuse("policy", "unknown policy", h->policy);
  if (h->capacity == 0 && policy != SABCHAN_POLICY_BLOCK) return refuse("policy", "rendezvous with policy", h->policy);
  /* Check 17 (SPEC.md 9.2): FEATURE_SPSC is for numeric channels only (5.8.1). */
  if (((uint32_t)h->required_features & SABCHAN_FEATURE_SPSC) != 0u) return refuse("spsc", "spsc object channel, kind", h->kind);
  int32_t max_message = h->max_message_bytes;
  if (max_message < 1 || (uint32_t)max_message > slots - SABCHAN_RECORD_HEADER_BYTES) {
    return refuse("max message bytes", "max message bytes", max_message);
  }
  /* CODEC_NAME: UTF-8, at least one byte, ended by a zero within its 64 bytes. */
  char codec[4u * SABCHAN_CODEC_NAME_WORDS];
  memcpy(codec, h->codec_name, sizeof codec);
  const char *end = memchr(codec, 0, sizeof codec);
  if (end == NULL) return refuse("codec name", "codec name without a terminating zero, bytes", (long long)sizeof codec);
  if (end == codec) return refuse("codec name", "empty codec name, bytes", 0);

  uint32_t head_word = (uint32_t)load(&h->prod_head);
  uint32_t prod_head = head_word & SABCHAN_POSITION_MASK;
  uint32_t prod_tail = (uint32_t)load(&h->prod_tail);
  uint32_t cons_head = (uint32_t)load(&h->cons_head);
  uint32_t cons_tail = (uint32_t)load(&h->cons_tail);
  int32_t msg_free = load(&h->msg_free);
  int closed = (head_word & SABCHAN_FLAG_CLOSED) != 0u;
  uint32_t capacity = h->capacity == 0 ? 1u : (uint32_t)h->capacity;

  /* The records waiting to be taken, checked before anything is printed (SPEC.md 4.2). */
  const unsigned char *data = base + SABCHAN_SZ_HEADER;
  if (cons_head % SABCHAN_RECORD_ALIGN != 0u) return refuse("record", "CONS_HEAD not a multiple of 8:", cons_head);
  if (prod_tail % SABCHAN_RECORD_ALIGN != 0u) return refuse("record", "PROD_TAIL not a multiple of 8:", prod_tail);
  uint32_t waiting = distance(cons_head, prod_tail);
  if (waiting > slots) return refuse("record", "more bytes between CONS_HEAD and PROD_TAIL than the ring holds:", waiting);
  uint32_t messages = 0;
  for (uint32_t pos = cons_head; pos != prod_tail; messages++) {
    int32_t n = record_word(data, slots, pos, 0);
    if (n < 0 || n > max_message) return refuse("record", "payload length", n);
    uint32_t size = record_bytes((uint32_t)n);
    if (size > distance(pos, prod_tail)) return refuse("record", "record runs past PROD_TAIL, payload length", n);
    pos = (pos + size) & SABCHAN_POSITION_MASK;
  }

  /* Every word that layout 1.1 does not name for this kind must be zero (SPEC.md 3). */
  int32_t *words = (int32_t *)base;
  int reserved_zero = 1;
  for (uint32_t i = 0; i < SABCHAN_HEADER_WORDS; i++) {
    int is_named = i <= SABCHAN_IDX_MAX_MESSAGE_BYTES ||
                   (i >= SABCHAN_IDX_CODEC_NAME && i < SABCHAN_IDX_CODEC_NAME + SABCHAN_CODEC_NAME_WORDS) ||
                   i == SABCHAN_IDX_PROD_HEAD || i == SABCHAN_IDX_PROD_TAIL || i == SABCHAN_IDX_CONS_HEAD ||
                   i == SABCHAN_IDX_CONS_TAIL || i == SABCHAN_IDX_RX_WAITING || i == SABCHAN_IDX_RX_EPOCH ||
                   i == SABCHAN_IDX_TX_WAITING || i == SABCHAN_IDX_TX_EPOCH || i == SABCHAN_IDX_CLOSE_REASON ||
                   i == SABCHAN_IDX_LAP || i == SABCHAN_IDX_MSG_FREE || i == SABCHAN_IDX_STATE ||
                   i == SABCHAN_IDX_EXIT_CODE || i == SABCHAN_IDX_PROD_TURN_WAITERS ||
                   i == SABCHAN_IDX_CONS_TURN_WAITERS || is_select_mask(i);
    if (!is_named && load(&words[i]) != 0) reserved_zero = 0;
  }

  printf("version %lu.%lu\n", (unsigned long)major, (unsigned long)minor);
  printf("kind %ld\n", (long)h->kind);
  printf("slots %lu\n", (unsigned long)slots);
  printf("capacity %ld\n", (long)h->capacity);
  printf("policy %lu\n", (unsigned long)policy);
  printf("channel_id_nonzero %d\n", h->channel_id != 0);
  printf("max_message_bytes %ld\n", (long)max_message);
  printf("codec %s\n", codec);
  printf("prod_head %lu\n", (unsigned long)prod_head);
  printf("closed %d\n", closed);
  printf("close_reason %ld\n", (long)load(&h->close_reason));
  printf("prod_tail %lu\n", (unsigned long)prod_tail);
  printf("cons_head %lu\n", (unsigned long)cons_head);
  printf("cons_tail %lu\n", (unsigned long)cons_tail);
  printf("msg_free %ld\n", (long)msg_free);
  printf("reserved_zero %d\n", reserved_zero);
  /* Invariant R1 (SPEC.md 5.1) in bytes, and M1 (SPEC.md 5.7): permits never exceed cap. */
  int r1 = distance(cons_tail, cons_head) + distance(cons_head, prod_tail) + distance(prod_tail, prod_head) ==
               distance(cons_tail, prod_head) &&
           distance(cons_tail, prod_head) <= slots;
  printf("invariant_r1 %d\n", r1);
  printf("invariant_m1 %d\n", msg_free >= 0 && (uint32_t)msg_free + messages <= capacity);
  printf("messages %lu\n", (unsigned long)messages);
  uint32_t i = 0;
  for (uint32_t pos = cons_head; pos != prod_tail; i++) {
    uint32_t n = (uint32_t)record_word(data, slots, pos, 0);
    printf("record_%lu at %lu length %lu hex ", (unsigned long)i, (unsigned long)pos, (unsigned long)n);
    /* The payload starts after the header and may wrap to byte 0 of the data region. */
    for (uint32_t k = 0; k < n; k++) printf("%02x", data[(pos + SABCHAN_RECORD_HEADER_BYTES + k) & (slots - 1u)]);
    printf("\n");
    pos = (pos + record_bytes(n)) & SABCHAN_POSITION_MASK;
  }
  printf("drained %d\n", closed && prod_tail == prod_head && cons_head == prod_tail);
  free(base);
  return 0;
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
  /* 5a: protocol this reader does not implement. (A dump only reads, but a party that copies
   * this file to commit on the channel must not skip the check.) */
  uint32_t unknown_features = (uint32_t)h->required_features & ~(uint32_t)SABCHAN_KNOWN_REQUIRED_FEATURES;
  if (unknown_features != 0u) return refuse("required features", "unknown required features", unknown_features);
  if ((uint32_t)h->kind == SABCHAN_KIND_OBJECT) return read_object(base, length, major, minor);
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
  /* Check 17 (SPEC.md 9.2): FEATURE_SPSC needs a capacity and no sliding policy (5.8.1). */
  int spsc = ((uint32_t)h->required_features & SABCHAN_FEATURE_SPSC) != 0u;
  if (spsc && (h->capacity == 0 || policy == SABCHAN_POLICY_SLIDING)) return refuse("spsc", "spsc channel with capacity 0 or a sliding policy, policy", h->policy);

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
      SABCHAN_IDX_STATE,     SABCHAN_IDX_EXIT_CODE,  SABCHAN_IDX_PROD_TURN_WAITERS, SABCHAN_IDX_CONS_TURN_WAITERS,
      SABCHAN_IDX_SPSC_PRODUCER, SABCHAN_IDX_SPSC_CONSUMER, SABCHAN_IDX_SPSC_TOKENS,
  };
  int32_t *words = (int32_t *)base;
  int reserved_zero = 1;
  for (uint32_t i = 0; i < SABCHAN_HEADER_WORDS; i++) {
    int is_named = is_select_mask(i);
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
  /* SPEC.md 5.8: a single-producer single-consumer channel never moves its heads, so R1 and
   * the drained test read the tails only. */
  printf("spsc %d\n", spsc);
  /* Invariant R1 (SPEC.md 5.1), as distances; for spsc, consTail <= prodTail <= consTail + cap (S2). */
  int r1 = spsc ? distance(cons_tail, prod_tail) <= capacity
                : distance(cons_tail, cons_head) + distance(cons_head, prod_tail) + distance(prod_tail, prod_head) ==
                          distance(cons_tail, prod_head) &&
                      distance(cons_tail, prod_head) <= capacity;
  printf("invariant_r1 %d\n", r1);
  printf("values");
  const unsigned char *data = base + SABCHAN_SZ_HEADER;
  for (uint32_t pos = cons_tail; pos != prod_tail; pos = (pos + 1u) & SABCHAN_POSITION_MASK) {
    print_value(data, lane, pos & (slots - 1u));
  }
  printf("\n");
  if (spsc) printf("drained %d\n", closed && sealed && cons_tail == prod_tail); /* 5.8.5 */
  else printf("drained %d\n", closed && (prod_tail == prod_head || sealed) && cons_head == prod_tail);
  free(base);
  return 0;
}
