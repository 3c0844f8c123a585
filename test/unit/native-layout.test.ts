/**
 * native-layout/: the C view of the shared channel layout (SPEC.md section 11).
 *   - the generated header and SPEC tables match src/shared/layout.ts byte for byte;
 *   - the header passes the compile-time conformance checks of a C11 compiler;
 *   - a channel made by the library has every word and value where SPEC.md says;
 *   - a party that follows SPEC.md by the letter (here in JS, on plain typed arrays) and a
 *     C reader interoperate with the library on the same buffer;
 *   - all of the above for object channels too (layout 1.1: records in a byte ring, permits);
 *   - single-producer single-consumer channels (SPEC.md 5.8): a SPEC party owns a side,
 *     publishes and frees by the tails, closes by sealing; the C reader reads them by the tails;
 *   - select across threads (layout 1.1, SPEC.md 7.6): a SPEC party rings a library select
 *     blocked in a worker, and the library rings a SPEC party's slot in its doorbell table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { HEADER_PATH, renderHeader, renderSpec, SPEC_PATH } from '../../native-layout/generate.js';
import { attach, AttachError, sharedChan, SpscOwnerError, structCodec, utf8Codec, type NumericChanOptions, type ObjectChanOptions } from '../../src/index.js';
import * as L from '../../src/shared/layout.js';
import { SAFETY_TIMEOUT_MS } from '../../src/shared/wait.js';
import { startTsWorker } from '../helpers/ts-worker.js';

const conformance = fileURLToPath(new URL('../../native-layout/conformance/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sabchan-native-layout-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CFLAGS = ['-std=c11', '-Wall', '-Wextra', '-Werror', '-pedantic'];

/** Runs the C compiler; a missing compiler fails loudly (gcc is on every machine here). */
function cc(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('cc', args, { encoding: 'utf8' });
  if (r.error !== undefined) {
    throw new Error(`cannot run \`cc\` (${r.error.message}): native-layout's conformance checks need a C11 compiler on PATH`);
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A channel whose positions start at `start` (the test-only option wrap tests use). */
function chanAt(options: NumericChanOptions, start: number) {
  return sharedChan({ ...options, _startPosition: start } as NumericChanOptions);
}

/** An object channel whose byte positions start at `start` (a multiple of 8: SPEC.md 4.2). */
function objectChanAt<T>(options: ObjectChanOptions<T>, start: number) {
  return sharedChan<T>({ ...options, _startPosition: start } as ObjectChanOptions<T>);
}

const wordsOf = (buffer: SharedArrayBuffer): Int32Array => new Int32Array(buffer, 0, L.HEADER_WORDS);

/** Indices of the words layout 1.1 names (the select masks count as reserved: they stay 0 while no select waits). */
const NAMED = new Set(
  Object.entries(L)
    .filter(([name]) => name.startsWith('IDX_') && !name.endsWith('_SELECT_MASK'))
    .map(([, index]) => index as number),
);

// ---- generated files --------------------------------------------------------------------------

describe('generated files', () => {
  test('native-layout/sabchan_layout.h is what generate.ts renders from layout.ts', () => {
    const committed = readFileSync(HEADER_PATH, 'utf8');
    expect(committed === renderHeader(), 'native-layout/sabchan_layout.h is stale: run `npm run gen:layout`').toBe(true);
  });

  test("SPEC.md's generated tables are what generate.ts renders from layout.ts", () => {
    const spec = readFileSync(SPEC_PATH, 'utf8');
    expect(spec === renderSpec(spec), "native-layout/SPEC.md's generated tables are stale: run `npm run gen:layout`").toBe(true);
  });

  test('the header passes check_layout.c, which checks every offset the header defines', () => {
    const r = cc([...CFLAGS, '-fsyntax-only', join(conformance, 'check_layout.c')]);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
    const header = readFileSync(HEADER_PATH, 'utf8');
    const check = readFileSync(join(conformance, 'check_layout.c'), 'utf8');
    const offsets = [...header.matchAll(/#define SABCHAN_OFF_(\w+)/g)].map((m) => m[1]!);
    expect(offsets.length).toBeGreaterThan(20);
    const unchecked = offsets.filter((name) => !check.includes(`FIELD(${name.toLowerCase()}, ${name})`));
    expect(unchecked, 'add a FIELD(...) line for these words to native-layout/conformance/check_layout.c').toEqual([]);
  });
});

// ---- the library's buffers, read at SPEC.md's offsets -----------------------------------------

describe('a library channel, read at the offsets of SPEC.md', () => {
  test('f64, capacity 8: configuration, positions, slots, close', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    const buffer = ch.handle.buffer;
    const dv = new DataView(buffer); // explicit little-endian reads: SPEC.md 1.1
    const word = (idx: number): number => dv.getInt32(idx * 4, true);

    expect(buffer.byteLength).toBe(L.bufferBytes(8, 8));
    expect(buffer.byteLength).toBe(1024 + 8 * 8);
    expect(String.fromCharCode(...new Uint8Array(buffer, 0, 4))).toBe('SCH1');
    expect(dv.getUint32(4 * L.IDX_MAGIC, true)).toBe(0x31484353);
    expect(word(L.IDX_VERSION)).toBe(0x00010001);
    expect(word(L.IDX_REQUIRED_FEATURES)).toBe(L.FEATURE_DOORBELLS | L.FEATURE_SEALED_COMMIT);
    expect(word(L.IDX_KIND)).toBe(L.KIND_NUMERIC);
    expect(word(L.IDX_LANE)).toBe(L.LANE_F64);
    expect(word(L.IDX_SLOTS)).toBe(8);
    expect(word(L.IDX_CAPACITY)).toBe(8);
    expect(word(L.IDX_POLICY)).toBe(L.POLICY_BLOCK);
    expect(word(L.IDX_DATA_OFFSET)).toBe(1024);
    expect(word(L.IDX_SLOT_BYTES)).toBe(8);
    expect(word(L.IDX_CHANNEL_ID)).not.toBe(0);

    for (const v of [1.5, -2.25, Math.PI]) expect(await ch.put(v)).toBe(true);
    expect([L.IDX_PROD_HEAD, L.IDX_PROD_TAIL, L.IDX_CONS_HEAD, L.IDX_CONS_TAIL].map(word)).toEqual([3, 3, 0, 0]);
    // Slot of position p: p & (SLOTS - 1), at byte 1024 + slot * 8.
    expect([0, 1, 2].map((slot) => dv.getFloat64(1024 + slot * 8, true))).toEqual([1.5, -2.25, Math.PI]);
    expect(new Float64Array(buffer, L.SZ_HEADER, 8).subarray(0, 3)).toEqual(new Float64Array([1.5, -2.25, Math.PI]));

    expect(await ch.get()).toBe(1.5);
    expect([L.IDX_PROD_HEAD, L.IDX_PROD_TAIL, L.IDX_CONS_HEAD, L.IDX_CONS_TAIL].map(word)).toEqual([3, 3, 1, 1]);

    const rxEpoch = word(L.IDX_RX_EPOCH);
    const txEpoch = word(L.IDX_TX_EPOCH);
    ch.close();
    // Bit 31 of PROD_HEAD; the position part does not change. The reason first; both epochs bumped.
    expect(dv.getUint32(4 * L.IDX_PROD_HEAD, true)).toBe(0x80000003);
    expect(word(L.IDX_PROD_HEAD) & L.FLAG_CLOSED).toBe(L.FLAG_CLOSED);
    expect(word(L.IDX_PROD_HEAD) & L.POSITION_MASK).toBe(3);
    expect(word(L.IDX_CLOSE_REASON)).toBe(L.CLOSE_REASON_CLOSED);
    expect(word(L.IDX_RX_EPOCH)).toBe(rxEpoch + 1);
    expect(word(L.IDX_TX_EPOCH)).toBe(txEpoch + 1);

    // Closed, not drained; then drained once the two values are taken.
    expect(await ch.get()).toBe(-2.25);
    expect(await ch.get()).toBe(Math.PI);
    expect(await ch.get()).toBeUndefined();
    expect([L.IDX_PROD_TAIL, L.IDX_CONS_HEAD, L.IDX_CONS_TAIL].map(word)).toEqual([3, 3, 3]);

    const words = wordsOf(buffer);
    const nonZeroReserved = [...words.keys()].filter((i) => !NAMED.has(i) && words[i] !== 0);
    expect(nonZeroReserved, 'reserved words must stay 0').toEqual([]);
  });

  test('positions wrap at 2^31 and slots follow position & (SLOTS - 1)', async () => {
    const start = 2 ** 31 - 3;
    const ch = chanAt({ type: 'f64', capacity: 8 }, start);
    const w = wordsOf(ch.handle.buffer);
    expect([w[L.IDX_PROD_HEAD], w[L.IDX_PROD_TAIL], w[L.IDX_CONS_HEAD], w[L.IDX_CONS_TAIL]]).toEqual([start, start, start, start]);
    for (const v of [10, 11, 12, 13, 14]) await ch.put(v);
    expect(w[L.IDX_PROD_HEAD]).toBe(2); // 2^31 - 3 + 5, modulo 2^31
    expect(w[L.IDX_PROD_TAIL]).toBe(2);
    const data = new Float64Array(ch.handle.buffer, L.SZ_HEADER, 8);
    const positions = [start, start + 1, start + 2, 0, 1];
    expect(positions.map((p) => data[p & 7])).toEqual([10, 11, 12, 13, 14]);
    expect(positions.map((p) => p & 7)).toEqual([5, 6, 7, 0, 1]);
    ch.close();
    expect(w[L.IDX_PROD_HEAD]! >>> 0).toBe((0x80000000 | 2) >>> 0);
  });

  test('sizes: a rendezvous uses one slot; slots are the next power of two; slot bytes follow the lane', () => {
    const rendezvous = sharedChan({ type: 'i32', capacity: 0 });
    let w = wordsOf(rendezvous.handle.buffer);
    expect([w[L.IDX_LANE], w[L.IDX_SLOTS], w[L.IDX_CAPACITY], w[L.IDX_SLOT_BYTES]]).toEqual([L.LANE_I32, 1, 0, 4]);
    expect(rendezvous.handle.buffer.byteLength).toBe(1028);

    const bytes = sharedChan({ type: 'u8', capacity: 5, policy: 'sliding' });
    w = wordsOf(bytes.handle.buffer);
    expect([w[L.IDX_LANE], w[L.IDX_SLOTS], w[L.IDX_CAPACITY], w[L.IDX_SLOT_BYTES], w[L.IDX_POLICY]]).toEqual([L.LANE_U8, 8, 5, 1, L.POLICY_SLIDING]);
    expect(bytes.handle.buffer.byteLength).toBe(1032);
  });
});

// ---- object channels (layout 1.1), read at SPEC.md's offsets ----------------------------------

const utf8 = new TextEncoder();
const json = (value: unknown): Uint8Array => utf8.encode(JSON.stringify(value));
const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Bytes a record of `payload` bytes takes (SPEC.md 4.2): the header, the payload padded to 8. */
const recordBytes = (payload: number): number => L.RECORD_HEADER_BYTES + Math.ceil(payload / L.RECORD_ALIGN) * L.RECORD_ALIGN;

/** The record at byte position `pos` (SPEC.md 4.2): its two header words and its payload, unwrapped. */
function recordAt(buffer: SharedArrayBuffer, pos: number): { length: number; reserved: number; payload: Uint8Array } {
  const size = wordsOf(buffer)[L.IDX_SLOTS]!;
  const offset = pos & (size - 1);
  const dv = new DataView(buffer, L.SZ_HEADER, size);
  const length = dv.getInt32(offset, true);
  const data = new Uint8Array(buffer, L.SZ_HEADER, size);
  const payload = Uint8Array.from({ length }, (_, i) => data[(offset + L.RECORD_HEADER_BYTES + i) & (size - 1)]!);
  return { length, reserved: dv.getInt32(offset + 4, true), payload };
}

/** The CODEC_NAME words as a string (SPEC.md 3: UTF-8, zero-padded). */
function codecNameOf(buffer: SharedArrayBuffer): string {
  const bytes = new Uint8Array(buffer, L.IDX_CODEC_NAME * 4, L.CODEC_NAME_WORDS * 4).slice();
  return new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
}

/** Words of an object channel that layout 1.1 does not name (the codec name spans 16 words). */
function nonZeroReservedOfObject(buffer: SharedArrayBuffer): number[] {
  const words = wordsOf(buffer);
  const codecName = (i: number): boolean => i >= L.IDX_CODEC_NAME && i < L.IDX_CODEC_NAME + L.CODEC_NAME_WORDS;
  return [...words.keys()].filter((i) => !NAMED.has(i) && !codecName(i) && words[i] !== 0);
}

const positionsOf = (w: Int32Array): number[] => [L.IDX_PROD_HEAD, L.IDX_PROD_TAIL, L.IDX_CONS_HEAD, L.IDX_CONS_TAIL].map((i) => w[i]!);

describe('an object channel, read at the offsets of SPEC.md', () => {
  test('json, capacity 4: configuration, codec name, records at byte positions, permits, close', async () => {
    const ch = sharedChan({ capacity: 4 });
    const buffer = ch.handle.buffer;
    const dv = new DataView(buffer);
    const word = (idx: number): number => dv.getInt32(idx * 4, true);

    // Default ring: 64 KiB of bytes (SLOTS counts bytes; SLOT_BYTES 1).
    expect(buffer.byteLength).toBe(1024 + 65536);
    expect(buffer.byteLength).toBe(L.bufferBytes(65536, 1));
    expect(String.fromCharCode(...new Uint8Array(buffer, 0, 4))).toBe('SCH1');
    expect(word(L.IDX_VERSION)).toBe(0x00010001);
    expect(word(L.IDX_KIND)).toBe(L.KIND_OBJECT);
    expect(word(L.IDX_LANE)).toBe(0);
    expect(word(L.IDX_SLOTS)).toBe(65536);
    expect(word(L.IDX_CAPACITY)).toBe(4);
    expect(word(L.IDX_POLICY)).toBe(L.POLICY_BLOCK);
    expect(word(L.IDX_DATA_OFFSET)).toBe(1024);
    expect(word(L.IDX_SLOT_BYTES)).toBe(1);
    expect(word(L.IDX_MAX_MESSAGE_BYTES)).toBe(65536 - L.RECORD_HEADER_BYTES);
    expect(word(L.IDX_MSG_FREE)).toBe(4);
    // CODEC_NAME: "json" in UTF-8 at byte 64, then zeros to byte 127.
    expect([...new Uint8Array(buffer, 64, 64)]).toEqual([...utf8.encode('json'), ...new Array(60).fill(0)]);
    expect(codecNameOf(buffer)).toBe('json');

    const values = [{ a: 1 }, 'hé', [1, 2, 3]];
    for (const v of values) expect(await ch.put(v)).toBe(true);
    // Records at 0, 16, 32: [i32 length][i32 0][payload padded to 8]; positions count bytes.
    const sizes = values.map((v) => recordBytes(json(v).length));
    expect(sizes).toEqual([16, 16, 16]);
    expect(positionsOf(wordsOf(buffer))).toEqual([48, 48, 0, 0]);
    for (const [i, v] of values.entries()) {
      const record = recordAt(buffer, 16 * i);
      expect(record.length).toBe(json(v).length);
      expect(record.reserved).toBe(0);
      expect(record.payload).toEqual(json(v));
    }
    expect(dv.getInt32(1024 + 16, true)).toBe(5); // "hé" in quotes: 5 bytes of UTF-8
    expect(word(L.IDX_MSG_FREE)).toBe(1); // 4 - 3 messages held

    expect(await ch.get()).toEqual({ a: 1 });
    expect(positionsOf(wordsOf(buffer))).toEqual([48, 48, 16, 16]);
    expect(word(L.IDX_MSG_FREE)).toBe(2);

    ch.close(); // as for numbers (SPEC.md 8): bit 31 of PROD_HEAD, the reason
    expect(dv.getUint32(4 * L.IDX_PROD_HEAD, true)).toBe((0x80000000 | 48) >>> 0);
    expect(word(L.IDX_CLOSE_REASON)).toBe(L.CLOSE_REASON_CLOSED);
    expect([await ch.get(), await ch.get(), await ch.get()]).toEqual(['hé', [1, 2, 3], undefined]);
    expect(positionsOf(wordsOf(buffer)).slice(1)).toEqual([48, 48, 48]);
    expect(word(L.IDX_MSG_FREE)).toBe(4);
    expect(nonZeroReservedOfObject(buffer), 'reserved words must stay 0').toEqual([]);
  });

  test('a payload that wraps to byte 0; positions wrap at 2^31 and LAP counts the crossing', async () => {
    // 64 bytes of ring; the first record starts at byte 40, 24 bytes before the wrap.
    const start = 2 ** 31 - 24;
    const ch = objectChanAt({ capacity: 4, bytes: 64 }, start);
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    expect(w[L.IDX_SLOTS]).toBe(64);
    expect(w[L.IDX_MAX_MESSAGE_BYTES]).toBe(56);
    expect(positionsOf(w)).toEqual([start, start, start, start]);
    expect(start & 63).toBe(40);

    const long = 'x'.repeat(28); // 30 bytes of JSON: the header at 40-47, the payload at 48-63 and 0-13
    expect(await ch.put(long)).toBe(true);
    expect(await ch.put(7)).toBe(true);
    const first = recordAt(buffer, start);
    expect([first.length, first.reserved]).toEqual([30, 0]);
    expect(first.payload).toEqual(json(long));
    const data = new Uint8Array(buffer, L.SZ_HEADER, 64);
    expect(data.subarray(48, 64)).toEqual(json(long).subarray(0, 16));
    expect(data.subarray(0, 14)).toEqual(json(long).subarray(16));
    // Next record at start + 8 + 32 = 2^31 + 16, modulo 2^31: position 16, byte 16.
    expect(recordAt(buffer, 16).payload).toEqual(json(7));
    expect(positionsOf(w)).toEqual([32, 32, start, start]);
    expect(w[L.IDX_LAP]).toBe(1); // PROD_TAIL crossed 2^31, a multiple of 2^28
    expect(w[L.IDX_MSG_FREE]).toBe(2);

    expect([await ch.get(), await ch.get()]).toEqual([long, 7]);
    expect(positionsOf(w)).toEqual([32, 32, 32, 32]);
  });

  test('structCodec: fixed-size records in the codec\'s byte layout; the handle carries the schema', async () => {
    const codec = structCodec({ id: 'u32', x: 'f64', name: 'string:5' });
    expect(codec.byteLength).toBe(18);
    const ch = sharedChan({ codec, capacity: 2, bytes: 256 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    expect([w[L.IDX_KIND], w[L.IDX_SLOTS], w[L.IDX_CAPACITY], w[L.IDX_MAX_MESSAGE_BYTES], w[L.IDX_MSG_FREE]]).toEqual([L.KIND_OBJECT, 256, 2, 248, 2]);
    expect(codecNameOf(buffer)).toBe('struct');
    expect(ch.handle.struct).toEqual({ id: 'u32', x: 'f64', name: 'string:5' });

    await ch.put({ id: 7, x: -1.5, name: 'abc' });
    await ch.put({ id: 0xffffffff, x: Math.PI, name: 'hello' });
    expect(positionsOf(w)).toEqual([64, 64, 0, 0]); // 8 + 18 padded to 24: 32 bytes a record
    expect(w[L.IDX_MSG_FREE]).toBe(0);
    const { length, payload } = recordAt(buffer, 32);
    expect(length).toBe(18);
    const fields = new DataView(payload.buffer);
    expect(fields.getUint32(0, true)).toBe(0xffffffff);
    expect(fields.getFloat64(4, true)).toBe(Math.PI);
    expect(fields.getUint8(12)).toBe(5); // the string's byte count, then its bytes
    expect(new TextDecoder().decode(payload.subarray(13, 18))).toBe('hello');
    expect(recordAt(buffer, 0).payload).toEqual(Uint8Array.from([7, 0, 0, 0, ...new Uint8Array(new Float64Array([-1.5]).buffer), 3, 97, 98, 99, 0, 0]));

    // Full by permits (2 messages) long before the 256 bytes are.
    expect(ch.offer({ id: 1, x: 0, name: '' })).toBe(false);
    expect(await ch.get()).toEqual({ id: 7, x: -1.5, name: 'abc' });
    expect(w[L.IDX_MSG_FREE]).toBe(1);
  });

  test('sizes: a rendezvous holds one message (one permit); sliding drops the oldest record as a consumer', async () => {
    const rendezvous = sharedChan({ capacity: 0, bytes: 64 });
    let w = wordsOf(rendezvous.handle.buffer);
    expect([w[L.IDX_SLOTS], w[L.IDX_CAPACITY], w[L.IDX_SLOT_BYTES], w[L.IDX_MSG_FREE], w[L.IDX_POLICY]]).toEqual([64, 0, 1, 1, L.POLICY_BLOCK]);

    const sliding = sharedChan({ capacity: 2, bytes: 64, policy: 'sliding' });
    w = wordsOf(sliding.handle.buffer);
    for (const v of [1, 2, 3]) expect(await sliding.put(v)).toBe(true);
    // The put of 3 found no permit, dropped the record at 0 (CONS_HEAD, CONS_TAIL += 16), then entered.
    expect(positionsOf(w)).toEqual([48, 48, 16, 16]);
    expect(w[L.IDX_MSG_FREE]).toBe(0);
    expect([recordAt(sliding.handle.buffer, 16).payload, recordAt(sliding.handle.buffer, 32).payload]).toEqual([json(2), json(3)]);
    expect([await sliding.get(), await sliding.get()]).toEqual([2, 3]);

    const dropping = sharedChan({ capacity: 1, bytes: 64, policy: 'dropping' });
    w = wordsOf(dropping.handle.buffer);
    expect([await dropping.put('a'), await dropping.put('b')]).toEqual([true, true]);
    expect(positionsOf(w)).toEqual([16, 16, 0, 0]); // 'b' wrote nothing
    expect(await dropping.get()).toBe('a');
  });
});

// ---- a party that follows SPEC.md by the letter -----------------------------------------------

/**
 * SPEC.md 7.3: after a commit, wake the other side if its WAITING flag was set, and ring that
 * side's select mask (7.6.5) in `doorbells`, the table of the channel's handle, if given.
 */
function wakeIfWaiting(w: Int32Array, waitingIdx: number, epochIdx: number, doorbells?: SharedArrayBuffer): boolean {
  if (Atomics.load(w, waitingIdx) === 0 || Atomics.exchange(w, waitingIdx, 0) === 0) return false;
  Atomics.add(w, epochIdx, 1);
  Atomics.notify(w, epochIdx); // all waiters
  if (doorbells !== undefined) specRing(w, waitingIdx === L.IDX_RX_WAITING ? L.IDX_RX_SELECT_MASK : L.IDX_TX_SELECT_MASK, doorbells);
  return true;
}

/** SPEC.md 7.6.5: rings every doorbell whose bit is set in the mask at `maskIdx`. @returns the slots rung. */
function specRing(w: Int32Array, maskIdx: number, doorbells: SharedArrayBuffer): number[] {
  const table = new Int32Array(doorbells);
  const rung: number[] = [];
  for (let k = 0; k < L.SELECT_MASK_WORDS; k++) {
    const bits = Atomics.load(w, maskIdx + k);
    for (let i = 0; i < 32; i++) {
      if ((bits & (1 << i)) === 0) continue;
      const t = 32 * k + i;
      Atomics.add(table, L.doorbellIndex(t), 1);
      Atomics.notify(table, L.doorbellIndex(t), 1); // only the slot's holder sleeps there
      rung.push(t);
    }
  }
  return rung;
}

const d = (a: number, b: number): number => (b - a) & L.POSITION_MASK;

/** SPEC.md 5.2 with n = 1, on an f64 channel; rings in `doorbells` (7.6.5) if given. */
function specPut(buffer: SharedArrayBuffer, value: number, doorbells?: SharedArrayBuffer): 'ok' | 'full' | 'closed' {
  const w = wordsOf(buffer);
  const capacity = Math.max(w[L.IDX_CAPACITY]!, 1);
  for (;;) {
    const h = Atomics.load(w, L.IDX_PROD_HEAD);
    if ((h & L.FLAG_CLOSED) !== 0) return 'closed';
    const used = d(Atomics.load(w, L.IDX_CONS_TAIL), h);
    if (used > capacity) continue; // h was stale
    if (used === capacity) return 'full';
    if (Atomics.compareExchange(w, L.IDX_PROD_HEAD, h, (h + 1) & L.POSITION_MASK) !== h) continue;
    new Float64Array(buffer, L.SZ_HEADER, w[L.IDX_SLOTS]!)[h & (w[L.IDX_SLOTS]! - 1)] = value;
    // Earlier reservations commit first; a sealed tail (8.5) fails the put.
    while (Atomics.compareExchange(w, L.IDX_PROD_TAIL, h, (h + 1) & L.POSITION_MASK) !== h) {
      if ((Atomics.load(w, L.IDX_PROD_TAIL) & L.FLAG_SEALED) !== 0) return 'closed';
    }
    wakeIfWaiting(w, L.IDX_RX_WAITING, L.IDX_RX_EPOCH, doorbells);
    return 'ok';
  }
}

/** SPEC.md 5.3 with n = 1, and 8.3 when nothing is there; rings in `doorbells` (7.6.5) if given. */
function specTake(buffer: SharedArrayBuffer, doorbells?: SharedArrayBuffer): number | 'empty' | 'drained' {
  const w = wordsOf(buffer);
  const capacity = Math.max(w[L.IDX_CAPACITY]!, 1);
  for (;;) {
    const h = Atomics.load(w, L.IDX_CONS_HEAD);
    const available = d(h, Atomics.load(w, L.IDX_PROD_TAIL));
    if (available > capacity) continue; // h was stale
    if (available === 0) return specDrained(w) ? 'drained' : 'empty';
    if (Atomics.compareExchange(w, L.IDX_CONS_HEAD, h, (h + 1) & L.POSITION_MASK) !== h) continue;
    const value = new Float64Array(buffer, L.SZ_HEADER, w[L.IDX_SLOTS]!)[h & (w[L.IDX_SLOTS]! - 1)]!;
    while (Atomics.load(w, L.IDX_CONS_TAIL) !== h);
    Atomics.store(w, L.IDX_CONS_TAIL, (h + 1) & L.POSITION_MASK);
    wakeIfWaiting(w, L.IDX_TX_WAITING, L.IDX_TX_EPOCH, doorbells);
    return value;
  }
}

/** SPEC.md 8.3. */
function specDrained(w: Int32Array): boolean {
  const head = Atomics.load(w, L.IDX_PROD_HEAD);
  if ((head & L.FLAG_CLOSED) === 0) return false;
  const tailWord = Atomics.load(w, L.IDX_PROD_TAIL);
  const tail = tailWord & L.POSITION_MASK;
  const end = (tailWord & L.FLAG_SEALED) !== 0 || tail === (head & L.POSITION_MASK);
  return end && Atomics.load(w, L.IDX_CONS_HEAD) === tail;
}

/** SPEC.md 8.1, ringing both select masks in `doorbells` (7.6.5) if given. */
function specClose(buffer: SharedArrayBuffer, doorbells?: SharedArrayBuffer): boolean {
  const w = wordsOf(buffer);
  if ((Atomics.load(w, L.IDX_PROD_HEAD) & L.FLAG_CLOSED) !== 0) return false;
  Atomics.compareExchange(w, L.IDX_CLOSE_REASON, L.CLOSE_REASON_NONE, L.CLOSE_REASON_CLOSED);
  const old = Atomics.or(w, L.IDX_PROD_HEAD, L.FLAG_CLOSED);
  for (const epoch of [L.IDX_RX_EPOCH, L.IDX_TX_EPOCH]) {
    Atomics.add(w, epoch, 1);
    Atomics.notify(w, epoch);
  }
  if (doorbells !== undefined) for (const mask of [L.IDX_RX_SELECT_MASK, L.IDX_TX_SELECT_MASK]) specRing(w, mask, doorbells);
  return (old & L.FLAG_CLOSED) === 0;
}

describe('a party following SPEC.md interoperates with the library', () => {
  test('library puts, SPEC party takes; SPEC party puts, library gets', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const buffer = ch.handle.buffer;
    await ch.put(1);
    await ch.put(2);
    expect([specTake(buffer), specTake(buffer), specTake(buffer)]).toEqual([1, 2, 'empty']);
    expect(['a', 'b', 'c', 'd', 'e'].map((_, i) => specPut(buffer, 10 + i))).toEqual(['ok', 'ok', 'ok', 'ok', 'full']);
    expect(ch.offer(99)).toBe(false); // full for the library too
    expect([await ch.get(), await ch.get(), await ch.get(), await ch.get()]).toEqual([10, 11, 12, 13]);
    expect(ch.poll()).toBeUndefined();
  });

  test('after another party emptied the ring, the library finds it empty (no read past PROD_TAIL)', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    await ch.put(1);
    expect(specTake(buffer)).toBe(1);
    expect(ch.poll(), 'the library took a value from an empty ring').toBeUndefined();
    expect(d(Atomics.load(w, L.IDX_CONS_HEAD), Atomics.load(w, L.IDX_PROD_TAIL)), 'CONS_HEAD passed PROD_TAIL').toBe(0);
  });

  test('wait protocol: a parked library get sets RX_WAITING; a SPEC commit clears it, bumps RX_EPOCH and wakes it', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const w = wordsOf(ch.handle.buffer);
    const epoch = Atomics.load(w, L.IDX_RX_EPOCH);
    const got = ch.get();
    expect(Atomics.load(w, L.IDX_RX_WAITING)).toBe(1);
    expect(specPut(ch.handle.buffer, 42)).toBe('ok');
    expect(Atomics.load(w, L.IDX_RX_EPOCH)).toBe(epoch + 1);
    expect(await got).toBe(42);
  });

  test('close by the SPEC party: values still delivered, then end of stream; puts fail', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const buffer = ch.handle.buffer;
    expect(specPut(buffer, 7)).toBe('ok');
    expect(specClose(buffer)).toBe(true);
    expect(specClose(buffer)).toBe(false);
    expect(ch.closed).toBe(true);
    expect(await ch.put(8)).toBe(false);
    expect(await ch.get()).toBe(7);
    expect(await ch.get()).toBeUndefined();
    expect(specTake(buffer)).toBe('drained');
  });

  test('close by the library: the SPEC party sees it', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    await ch.put(5);
    ch.close();
    expect(specPut(ch.handle.buffer, 6)).toBe('closed');
    expect(specTake(ch.handle.buffer)).toBe(5);
    expect(specTake(ch.handle.buffer)).toBe('drained');
  });
});

// ---- a party that follows SPEC.md 5.8 for spsc channels ---------------------------------------

/**
 * One side of an spsc f64 channel, owned by this party (SPEC.md 5.8.2): its token, its local
 * copy of its own tail and its remembered copy of the other side's.
 */
class SpecSpscSide {
  private readonly w: Int32Array;
  private readonly lane: Float64Array;
  private readonly cap: number;
  private readonly token: number;
  private own = 0;
  private other = 0;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly side: 'producer' | 'consumer',
  ) {
    this.w = wordsOf(buffer);
    this.lane = new Float64Array(buffer, L.SZ_HEADER, this.w[L.IDX_SLOTS]!);
    this.cap = this.w[L.IDX_CAPACITY]!;
    this.token = Atomics.add(this.w, L.IDX_SPSC_TOKENS, 1) + 1; // 5.8.2 step 1
  }

  /** 5.8.2 steps 2 and 5. @returns false when another party owns the side. */
  claim(): boolean {
    const w = this.w;
    const ownerIdx = this.side === 'producer' ? L.IDX_SPSC_PRODUCER : L.IDX_SPSC_CONSUMER;
    const o = Atomics.compareExchange(w, ownerIdx, 0, this.token);
    if (o !== 0 && o !== this.token) return false;
    if (this.side === 'producer') {
      this.own = Atomics.load(w, L.IDX_PROD_TAIL) & L.POSITION_MASK;
      this.other = Atomics.load(w, L.IDX_CONS_TAIL);
    } else {
      this.own = Atomics.load(w, L.IDX_CONS_TAIL);
      this.other = Atomics.load(w, L.IDX_PROD_TAIL) & L.POSITION_MASK;
    }
    return true;
  }

  /** 5.8.3, put of one value. */
  put(value: number): 'ok' | 'full' | 'closed' {
    const w = this.w;
    const t = this.own;
    if (this.cap - d(this.other, t) < 1) {
      this.other = Atomics.load(w, L.IDX_CONS_TAIL);
      if (this.cap - d(this.other, t) < 1) return (Atomics.load(w, L.IDX_PROD_HEAD) & L.FLAG_CLOSED) !== 0 ? 'closed' : 'full';
    }
    this.lane[t & (this.lane.length - 1)] = value;
    const end = (t + 1) & L.POSITION_MASK;
    if (end >>> L.LAP_SHIFT !== t >>> L.LAP_SHIFT) {
      if (Atomics.load(w, L.IDX_PROD_TAIL) !== t) return 'closed';
      Atomics.add(w, L.IDX_LAP, 1);
    }
    if (Atomics.compareExchange(w, L.IDX_PROD_TAIL, t, end) !== t) return 'closed'; // sealed
    this.own = end;
    wakeIfWaiting(w, L.IDX_RX_WAITING, L.IDX_RX_EPOCH);
    return 'ok';
  }

  /** 5.8.3, take of one value, and 5.8.5 when nothing is there. */
  take(): number | 'empty' | 'drained' {
    const w = this.w;
    const c = this.own;
    if (d(c, this.other) < 1) {
      this.other = Atomics.load(w, L.IDX_PROD_TAIL) & L.POSITION_MASK;
      if (d(c, this.other) < 1) return specSpscDrained(w) ? 'drained' : 'empty';
    }
    const value = this.lane[c & (this.lane.length - 1)]!;
    this.own = (c + 1) & L.POSITION_MASK;
    Atomics.store(w, L.IDX_CONS_TAIL, this.own);
    wakeIfWaiting(w, L.IDX_TX_WAITING, L.IDX_TX_EPOCH);
    return value;
  }
}

/** SPEC.md 5.8.5: closed, sealed, and CONS_TAIL at the seal. */
function specSpscDrained(w: Int32Array): boolean {
  if ((Atomics.load(w, L.IDX_PROD_HEAD) & L.FLAG_CLOSED) === 0) return false;
  const t = Atomics.load(w, L.IDX_PROD_TAIL);
  return (t & L.FLAG_SEALED) !== 0 && Atomics.load(w, L.IDX_CONS_TAIL) === (t & L.POSITION_MASK);
}

/** SPEC.md 5.8.5: 8.1 steps 1 to 3, the seal, then the wake-ups. */
function specSpscClose(buffer: SharedArrayBuffer): void {
  const w = wordsOf(buffer);
  Atomics.compareExchange(w, L.IDX_CLOSE_REASON, L.CLOSE_REASON_NONE, L.CLOSE_REASON_CLOSED);
  Atomics.or(w, L.IDX_PROD_HEAD, L.FLAG_CLOSED);
  for (;;) {
    const t = Atomics.load(w, L.IDX_PROD_TAIL);
    if ((t & L.FLAG_SEALED) !== 0 || Atomics.compareExchange(w, L.IDX_PROD_TAIL, t, t | L.FLAG_SEALED) === t) break;
  }
  for (const epoch of [L.IDX_RX_EPOCH, L.IDX_TX_EPOCH]) {
    Atomics.add(w, epoch, 1);
    Atomics.notify(w, epoch);
  }
}

describe('a party following SPEC.md 5.8 interoperates with the library on spsc channels', () => {
  const spscAt = (start: number) => chanAt({ type: 'f64', capacity: 4, spsc: true }, start);

  test('the SPEC party produces, the library consumes; the library may not produce (SpscOwnerError), nor may a second SPEC producer', async () => {
    const ch = spscAt(2 ** 31 - 2); // across the wrap
    const producer = new SpecSpscSide(ch.handle.buffer, 'producer');
    expect(producer.claim()).toBe(true);
    expect([1, 2, 3, 4, 5].map((v) => producer.put(v))).toEqual(['ok', 'ok', 'ok', 'ok', 'full']);
    expect(() => ch.offer(99)).toThrow(SpscOwnerError);
    expect(new SpecSpscSide(ch.handle.buffer, 'producer').claim()).toBe(false);
    expect([await ch.get(), await ch.get()]).toEqual([1, 2]);
    expect(producer.put(6)).toBe('ok');
    expect([ch.poll(), ch.poll(), ch.poll(), ch.poll()]).toEqual([3, 4, 6, undefined]);
  });

  test('the library produces, the SPEC party consumes; a parked library put is woken by the SPEC take', async () => {
    const ch = spscAt(0);
    const consumer = new SpecSpscSide(ch.handle.buffer, 'consumer');
    expect(consumer.claim()).toBe(true);
    for (let v = 1; v <= 4; v++) expect(ch.offer(v)).toBe(true);
    const parked = ch.put(5); // full: parks, with TX_WAITING set
    expect(Atomics.load(wordsOf(ch.handle.buffer), L.IDX_TX_WAITING)).toBe(1);
    expect(consumer.take()).toBe(1);
    expect(await parked).toBe(true);
    expect([consumer.take(), consumer.take(), consumer.take(), consumer.take(), consumer.take()]).toEqual([2, 3, 4, 5, 'empty']);
    expect(() => ch.poll()).toThrow(SpscOwnerError);
  });

  test('a parked library get is woken by a SPEC put (RX_WAITING, RX_EPOCH)', async () => {
    const ch = spscAt(0);
    const w = wordsOf(ch.handle.buffer);
    const producer = new SpecSpscSide(ch.handle.buffer, 'producer');
    expect(producer.claim()).toBe(true);
    const epoch = Atomics.load(w, L.IDX_RX_EPOCH);
    const got = ch.get();
    expect(Atomics.load(w, L.IDX_RX_WAITING)).toBe(1);
    expect(producer.put(42)).toBe('ok');
    expect(Atomics.load(w, L.IDX_RX_EPOCH)).toBe(epoch + 1);
    expect(await got).toBe(42);
  });

  test('close by the SPEC party seals: values before it arrive, then the end; later puts fail on both sides', async () => {
    const ch = spscAt(2 ** 31 - 1);
    const producer = new SpecSpscSide(ch.handle.buffer, 'producer');
    expect(producer.claim()).toBe(true);
    expect(producer.put(7)).toBe('ok');
    specSpscClose(ch.handle.buffer);
    expect(ch.closed).toBe(true);
    expect(producer.put(8)).toBe('closed');
    expect(await ch.get()).toBe(7);
    expect(await ch.get()).toBeUndefined();
  });

  test('close by the library: the SPEC producer fails and the SPEC consumer sees the end after the values', () => {
    const ch = spscAt(0);
    const producer = new SpecSpscSide(ch.handle.buffer, 'producer');
    const consumer = new SpecSpscSide(ch.handle.buffer, 'consumer');
    expect([producer.claim(), consumer.claim()]).toEqual([true, true]);
    expect(producer.put(5)).toBe('ok');
    ch.close();
    expect(producer.put(6)).toBe('closed');
    expect([consumer.take(), consumer.take()]).toEqual([5, 'drained']);
  });
});

// ---- a party that follows SPEC.md 5.7 for object channels -------------------------------------

/** SPEC.md 5.7.1: a producer gives back a permit it did not use, and wakes nobody (it is not a commit). */
function specGivePermitBack(w: Int32Array): void {
  Atomics.add(w, L.IDX_MSG_FREE, 1);
}

/** SPEC.md 5.7.2: puts one record holding `payload`. */
function specPutRecord(buffer: SharedArrayBuffer, payload: Uint8Array): 'ok' | 'full' | 'closed' {
  const w = wordsOf(buffer);
  const size = w[L.IDX_SLOTS]!;
  if (payload.length > w[L.IDX_MAX_MESSAGE_BYTES]!) throw new RangeError('larger than MAX_MESSAGE_BYTES: never put');
  const need = recordBytes(payload.length);
  const h0 = Atomics.load(w, L.IDX_PROD_HEAD);
  if ((h0 & L.FLAG_CLOSED) !== 0) return 'closed';
  const used0 = d(Atomics.load(w, L.IDX_CONS_TAIL), h0); // bytes before the permit (5.7.2 step 2)
  if (used0 <= size && size - used0 < need) return 'full';
  for (;;) {
    const free = Atomics.load(w, L.IDX_MSG_FREE); // a permit, never taking MSG_FREE below 0
    if (free <= 0) return 'full';
    if (Atomics.compareExchange(w, L.IDX_MSG_FREE, free, free - 1) === free) break;
  }
  let h: number;
  for (;;) {
    h = Atomics.load(w, L.IDX_PROD_HEAD);
    if ((h & L.FLAG_CLOSED) !== 0) {
      specGivePermitBack(w);
      return 'closed';
    }
    const used = d(Atomics.load(w, L.IDX_CONS_TAIL), h);
    if (used > size) continue; // h was stale
    if (size - used < need) {
      specGivePermitBack(w);
      return 'full';
    }
    if (Atomics.compareExchange(w, L.IDX_PROD_HEAD, h, (h + need) & L.POSITION_MASK) === h) break;
  }
  const offset = h & (size - 1);
  const header = new DataView(buffer, L.SZ_HEADER + offset, L.RECORD_HEADER_BYTES); // never wraps
  header.setInt32(0, payload.length, true);
  header.setInt32(4, 0, true);
  const data = new Uint8Array(buffer, L.SZ_HEADER, size);
  for (let i = 0; i < payload.length; i++) data[(offset + L.RECORD_HEADER_BYTES + i) & (size - 1)] = payload[i]!;
  const end = (h + need) & L.POSITION_MASK;
  // Commit by CAS (5.2 step 5): earlier reservations first, the LAP bump before a crossing, and a seal fails the put.
  for (;;) {
    const seen = Atomics.load(w, L.IDX_PROD_TAIL);
    if ((seen & L.FLAG_SEALED) !== 0) return 'closed';
    if (seen !== h) continue;
    if (h >>> L.LAP_SHIFT !== end >>> L.LAP_SHIFT) Atomics.add(w, L.IDX_LAP, 1);
    if (Atomics.compareExchange(w, L.IDX_PROD_TAIL, h, end) === h) break;
  }
  wakeIfWaiting(w, L.IDX_RX_WAITING, L.IDX_RX_EPOCH);
  return 'ok';
}

/** SPEC.md 5.7.3: takes one record's payload; 8.3 when nothing is there. */
function specTakeRecord(buffer: SharedArrayBuffer): Uint8Array | 'empty' | 'drained' {
  const w = wordsOf(buffer);
  const size = w[L.IDX_SLOTS]!;
  const max = w[L.IDX_MAX_MESSAGE_BYTES]!;
  const data = new Uint8Array(buffer, L.SZ_HEADER, size);
  const heads = new DataView(buffer, L.SZ_HEADER, size);
  for (;;) {
    const h = Atomics.load(w, L.IDX_CONS_HEAD);
    const available = d(h, Atomics.load(w, L.IDX_PROD_TAIL));
    if (available > size) continue; // h was stale
    if (available === 0) return specDrained(w) ? 'drained' : 'empty';
    const length = heads.getInt32(h & (size - 1), true); // trusted only if the CAS below succeeds
    if (length < 0 || length > max || recordBytes(length) > available) {
      if (Atomics.load(w, L.IDX_CONS_HEAD) === h) throw new Error(`corrupt record at ${h}: length ${length}`);
      continue; // h was stale: another consumer took the record
    }
    const need = recordBytes(length);
    if (Atomics.compareExchange(w, L.IDX_CONS_HEAD, h, (h + need) & L.POSITION_MASK) !== h) continue;
    const payload = Uint8Array.from({ length }, (_, i) => data[((h & (size - 1)) + L.RECORD_HEADER_BYTES + i) & (size - 1)]!);
    Atomics.add(w, L.IDX_MSG_FREE, 1); // the permit, before the commit that wakes producers
    while (Atomics.load(w, L.IDX_CONS_TAIL) !== h);
    Atomics.store(w, L.IDX_CONS_TAIL, (h + need) & L.POSITION_MASK);
    wakeIfWaiting(w, L.IDX_TX_WAITING, L.IDX_TX_EPOCH);
    return payload;
  }
}

const text = (bytes: Uint8Array | string): unknown => (typeof bytes === 'string' ? bytes : JSON.parse(new TextDecoder().decode(bytes)));

describe('a party following SPEC.md interoperates with the library on object channels', () => {
  test('library puts, SPEC party takes (one payload wraps); SPEC party puts, library gets', async () => {
    const ch = objectChanAt({ capacity: 4, bytes: 64 }, 2 ** 31 - 24);
    const buffer = ch.handle.buffer;
    const long = 'y'.repeat(28); // wraps: see the test of the library's records
    await ch.put({ a: [1, 2] });
    await ch.put(long);
    expect([specTakeRecord(buffer), specTakeRecord(buffer), specTakeRecord(buffer)].map(text)).toEqual([{ a: [1, 2] }, long, 'empty']);
    // Four records of 16 bytes fill the 64 bytes and the 4 permits at once.
    expect([1, 2, 3, 4, 5].map((n) => specPutRecord(buffer, json({ n })))).toEqual(['ok', 'ok', 'ok', 'ok', 'full']);
    expect(wordsOf(buffer)[L.IDX_MSG_FREE]).toBe(0);
    expect(ch.offer({ n: 99 })).toBe(false); // full for the library too
    expect([await ch.get(), await ch.get(), await ch.get(), await ch.get()]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    expect(ch.poll()).toBeUndefined();
    expect(wordsOf(buffer)[L.IDX_MSG_FREE]).toBe(4);
    // The SPEC party's record whose payload wraps, read by the library.
    expect(specPutRecord(buffer, json({ s: 'z'.repeat(40) }))).toBe('ok');
    expect(await ch.get()).toEqual({ s: 'z'.repeat(40) });
  });

  test('empty payloads: a record of 8 bytes, header only, also at the end of the ring', async () => {
    const ch = objectChanAt<string>({ codec: utf8Codec, capacity: 8, bytes: 64 }, 2 ** 31 - 8);
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    expect(codecNameOf(buffer)).toBe('utf8');
    expect(await ch.put('')).toBe(true); // the last 8 bytes of the ring, before the wrap
    expect(specPutRecord(buffer, new Uint8Array(0))).toBe('ok');
    expect(positionsOf(w)).toEqual([8, 8, 2 ** 31 - 8, 2 ** 31 - 8]);
    expect(recordAt(buffer, 2 ** 31 - 8)).toEqual({ length: 0, reserved: 0, payload: new Uint8Array(0) });
    expect(specTakeRecord(buffer)).toEqual(new Uint8Array(0));
    expect(await ch.get()).toBe('');
    expect(positionsOf(w)).toEqual([8, 8, 8, 8]);
  });

  test('a put that finds the bytes full gives its permit back; the library agrees', () => {
    const ch = sharedChan({ capacity: 8, bytes: 64 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    expect(specPutRecord(buffer, new Uint8Array(40).fill(0x31))).toBe('ok'); // "111...": 48 bytes of record
    expect(w[L.IDX_MSG_FREE]).toBe(7);
    expect(specPutRecord(buffer, new Uint8Array(9).fill(0x32))).toBe('full'); // 24 > 16 bytes free
    expect(w[L.IDX_MSG_FREE]).toBe(7);
    expect(ch.offer(123456789)).toBe(false); // 9 bytes of JSON: no room either
    expect(w[L.IDX_MSG_FREE]).toBe(7);
    expect(ch.offer(1234567)).toBe(true); // 7 bytes: a record of 16 fits
    expect(positionsOf(w)).toEqual([64, 64, 0, 0]);
    expect([ch.poll(), ch.poll()]).toEqual([1111111111111111111111111111111111111111, 1234567]);
  });

  test('a library put that finds the bytes full leaves MSG_FREE as it was and wakes nobody (5.7.1): only a consumer commit wakes the send side', () => {
    const ch = sharedChan({ capacity: 8, bytes: 64 });
    const w = wordsOf(ch.handle.buffer);
    expect(specPutRecord(ch.handle.buffer, new Uint8Array(40))).toBe('ok'); // 48 of the 64 bytes
    Atomics.store(w, L.IDX_TX_WAITING, 1); // a producer asleep for a permit, as far as the words tell
    const txEpoch = w[L.IDX_TX_EPOCH];
    expect(ch.offer('x'.repeat(20))).toBe(false); // 22 bytes of JSON: a 32-byte record, 16 free
    expect(specPutRecord(ch.handle.buffer, new Uint8Array(20))).toBe('full');
    expect([w[L.IDX_MSG_FREE], w[L.IDX_TX_WAITING], w[L.IDX_TX_EPOCH]]).toEqual([7, 1, txEpoch]);
    // A consumer commit is what wakes the send side (7.3).
    expect(specTakeRecord(ch.handle.buffer)).toEqual(new Uint8Array(40));
    expect([w[L.IDX_MSG_FREE], w[L.IDX_TX_WAITING], w[L.IDX_TX_EPOCH]]).toEqual([8, 0, txEpoch! + 1]);
  });

  /** Record lengths that SPEC.md 4.2 calls corrupt, on records at 0 and 16 (16 bytes each). */
  const corruptLengths: { what: string; at: number; length: number; takenFirst: number }[] = [
    { what: 'a payload longer than MAX_MESSAGE_BYTES', at: 0, length: 57, takenFirst: 0 },
    { what: 'a negative payload length', at: 0, length: -1, takenFirst: 0 },
    { what: 'a record that runs past PROD_TAIL', at: 16, length: 9, takenFirst: 1 },
  ];
  test.each(corruptLengths)('a corrupt record ($what): the library\'s get throws, and so does the SPEC party; nothing is reserved', async ({ at, length, takenFirst }) => {
    const ch = sharedChan({ capacity: 4, bytes: 64 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    await ch.put(1);
    await ch.put(2);
    new DataView(buffer, L.SZ_HEADER).setInt32(at, length, true);
    for (let i = 0; i < takenFirst; i++) expect(ch.poll()).toBe(1);
    const before = [...positionsOf(w), w[L.IDX_MSG_FREE]];
    expect(() => ch.poll()).toThrow(new RegExp(`corrupt record at byte position ${at}: length ${length}`));
    await expect(Promise.resolve().then(() => ch.get())).rejects.toThrow(/corrupt record/);
    expect(() => specTakeRecord(buffer)).toThrow(/corrupt record/);
    expect([...positionsOf(w), w[L.IDX_MSG_FREE]]).toEqual(before); // CONS_HEAD stays: every later get throws again
    expect(() => ch.poll()).toThrow(/corrupt record/);
  });

  test('a library put waiting for a permit is woken by a SPEC take, which gave the permit back before its commit', async () => {
    const ch = sharedChan({ capacity: 1 });
    const w = wordsOf(ch.handle.buffer);
    expect(await ch.put('first')).toBe(true);
    const epoch = Atomics.load(w, L.IDX_TX_EPOCH);
    const put = ch.put('second');
    expect(Atomics.load(w, L.IDX_TX_WAITING)).toBe(1);
    expect(text(specTakeRecord(ch.handle.buffer) as Uint8Array)).toBe('first');
    expect(Atomics.load(w, L.IDX_TX_EPOCH)).toBe(epoch + 1);
    expect(await put).toBe(true);
    expect(text(specTakeRecord(ch.handle.buffer) as Uint8Array)).toBe('second');
  });

  test('rendezvous: a SPEC take completes the library put; a withdrawn put reclaims its record and permit', async () => {
    const ch = sharedChan<string>({ capacity: 0, bytes: 64 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    const put = ch.put('hand-off');
    expect(w[L.IDX_MSG_FREE]).toBe(0); // the one permit: the record entered, the put waits for its taker
    expect(positionsOf(w)).toEqual([24, 24, 0, 0]);
    expect(specPutRecord(buffer, json('other'))).toBe('full');
    expect(text(specTakeRecord(buffer) as Uint8Array)).toBe('hand-off');
    expect(await put).toBe(true);

    const abort = new AbortController();
    const withdrawn = ch.put('never', { signal: abort.signal });
    expect(positionsOf(w)).toEqual([40, 40, 24, 24]);
    abort.abort(new Error('withdrawn'));
    await expect(withdrawn).rejects.toThrow('withdrawn');
    // The producer took its own record back as a consumer would: CONS_HEAD, then the permit, then CONS_TAIL.
    expect(positionsOf(w)).toEqual([40, 40, 40, 40]);
    expect(w[L.IDX_MSG_FREE]).toBe(1);
    expect(specTakeRecord(buffer)).toBe('empty');
  });

  test('close by the SPEC party: records still delivered, then end of stream; puts fail without a permit', async () => {
    const ch = sharedChan({ capacity: 4, bytes: 64 });
    const buffer = ch.handle.buffer;
    const w = wordsOf(buffer);
    expect(specPutRecord(buffer, json({ last: true }))).toBe('ok');
    expect(specClose(buffer)).toBe(true);
    expect(await ch.put('late')).toBe(false);
    expect(specPutRecord(buffer, json('late'))).toBe('closed');
    expect(w[L.IDX_MSG_FREE]).toBe(3); // no permit kept by a failed put
    expect(await ch.get()).toEqual({ last: true });
    expect(await ch.get()).toBeUndefined();
    expect(specTakeRecord(buffer)).toBe('drained');
    expect(w[L.IDX_MSG_FREE]).toBe(4);
  });
});

// ---- select across threads (SPEC.md 7.6): doorbells --------------------------------------------

/** One arm of a SPEC party's select: the side of one channel it waits on. */
interface SpecArm {
  readonly w: Int32Array;
  readonly mask: number;
  readonly waiting: number;
}

const rxArm = (buffer: SharedArrayBuffer): SpecArm => ({ w: wordsOf(buffer), mask: L.IDX_RX_SELECT_MASK, waiting: L.IDX_RX_WAITING });
const txArm = (buffer: SharedArrayBuffer): SpecArm => ({ w: wordsOf(buffer), mask: L.IDX_TX_SELECT_MASK, waiting: L.IDX_TX_WAITING });
const maskBit = (w: Int32Array, maskIdx: number, t: number): boolean => (Atomics.load(w, maskIdx + (t >> 5)) & (1 << (t & 31))) !== 0;
const maskWords = (w: Int32Array, maskIdx: number): number[] => [...w.subarray(maskIdx, maskIdx + L.SELECT_MASK_WORDS)];

/** SPEC.md 7.6.3: takes the lowest free slot by CAS on the allocation bitmap. @returns the slot, or -1. */
function specTakeSlot(table: Int32Array): number {
  for (let k = 0; k < L.SELECT_MASK_WORDS; k++) {
    for (;;) {
      const held = Atomics.load(table, L.DOORBELL_IDX_ALLOC + k);
      if (held === -1) break; // all 32 held
      const bit = ~held & (held + 1);
      if (Atomics.compareExchange(table, L.DOORBELL_IDX_ALLOC + k, held, held | bit) === held) return 32 * k + (31 - Math.clz32(bit));
    }
  }
  return -1;
}

/** SPEC.md 7.6.3: frees a slot with an atomic AND. */
function specReleaseSlot(table: Int32Array, t: number): void {
  Atomics.and(table, L.DOORBELL_IDX_ALLOC + (t >> 5), ~(1 << (t & 31)));
}

/** SPEC.md 7.6.4 steps 2 and 3: reads the doorbell, then sets the mask bit and WAITING of every arm. @returns e. */
function specRegister(table: Int32Array, t: number, arms: readonly SpecArm[]): number {
  const e = Atomics.load(table, L.doorbellIndex(t));
  for (const arm of arms) {
    Atomics.or(arm.w, arm.mask + (t >> 5), 1 << (t & 31));
    Atomics.store(arm.w, arm.waiting, 1);
  }
  return e;
}

/** SPEC.md 7.6.4 step 6: clears the bit from every mask, then releases the slot. */
function specEndSelect(table: Int32Array, t: number, arms: readonly SpecArm[]): void {
  for (const arm of arms) Atomics.and(arm.w, arm.mask + (t >> 5), ~(1 << (t & 31)));
  specReleaseSlot(table, t);
}

/** Resolves once `cond` holds, polling; fails after 10 s. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** A worker that attaches the handles it is given and blocks in one selectSync over them (get arms). */
const SELECT_WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
const { attach, selectSync } = await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});
const arms = workerData.data.map((handle) => attach(handle));
const [value, ch] = selectSync(arms, { timeout: 10000 });
parentPort.postMessage({ value, index: arms.indexOf(ch) });
`;

/** Starts SELECT_WORKER over `handles`; `result` settles with what its selectSync returned. */
function startSelectWorker(handles: unknown[]): { worker: ReturnType<typeof startTsWorker>; result: Promise<{ value: unknown; index: number }> } {
  const worker = startTsWorker(new URL(`data:text/javascript,${encodeURIComponent(SELECT_WORKER)}`), handles);
  const result = new Promise<{ value: unknown; index: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, result };
}

/** True once a select registered on the receive side of the channel whose header is `w` (7.6.4 step 3). */
const rxRegistered = (w: Int32Array): boolean => maskWords(w, L.IDX_RX_SELECT_MASK).some((m) => m !== 0) && Atomics.load(w, L.IDX_RX_WAITING) === 1;

describe('select across threads (SPEC.md 7.6): doorbells', () => {
  test('a new channel requires FEATURE_DOORBELLS | FEATURE_SEALED_COMMIT; its handle carries the thread\'s doorbell table', () => {
    const numeric = sharedChan({ type: 'i32', capacity: 4 });
    const object = sharedChan({ capacity: 4, bytes: 64 });
    for (const ch of [numeric, object]) {
      const w = wordsOf(ch.handle.buffer);
      expect(w[L.IDX_REQUIRED_FEATURES]).toBe(L.FEATURE_DOORBELLS | L.FEATURE_SEALED_COMMIT);
      expect([...maskWords(w, L.IDX_RX_SELECT_MASK), ...maskWords(w, L.IDX_TX_SELECT_MASK)]).toEqual(new Array(8).fill(0));
    }
    // 7.6.1: the table is a buffer of its own, in the handle (7.6.2), shared by the thread's channels.
    const doorbells = numeric.handle.doorbells!;
    expect(doorbells).toBeInstanceOf(SharedArrayBuffer);
    expect(object.handle.doorbells).toBe(doorbells);
    expect(doorbells).not.toBe(numeric.handle.buffer);
    expect(doorbells.byteLength).toBe(L.SZ_DOORBELL_TABLE);
    expect(doorbells.byteLength).toBe(128 + 128 * 128);
    expect(String.fromCharCode(...new Uint8Array(doorbells, 0, 4))).toBe('SCHD');
    const table = new Int32Array(doorbells);
    expect(Atomics.load(table, 0)).toBe(L.DOORBELL_MAGIC);
    expect(table[L.DOORBELL_IDX_TABLE_ID]).not.toBe(0);
    expect([L.doorbellIndex(0), L.doorbellIndex(1), L.doorbellIndex(127)]).toEqual([32, 64, 4096]);
    // Reserved words of the head and of every slot's stride are 0.
    const reserved = [...table.keys()].filter(
      (i) => i !== 0 && i !== L.DOORBELL_IDX_TABLE_ID && !(i >= L.DOORBELL_IDX_ALLOC && i < L.DOORBELL_IDX_ALLOC + L.SELECT_MASK_WORDS) && i % L.DOORBELL_STRIDE_WORDS !== 0,
    );
    expect(reserved.filter((i) => table[i] !== 0)).toEqual([]);
  });

  test('an spsc channel requires FEATURE_DOORBELLS | FEATURE_SEALED_COMMIT | FEATURE_SPSC; a plain one lacks FEATURE_SPSC', () => {
    // SPEC.md 5.8: a party that reserved on the heads would break the SPSC protocol, so the bit
    // must keep an older reader (which refuses unknown required bits) off such a buffer.
    for (const policy of ['block', 'dropping'] as const) {
      const ch = sharedChan({ type: 'f64', capacity: 4, policy, spsc: true });
      expect(wordsOf(ch.handle.buffer)[L.IDX_REQUIRED_FEATURES]).toBe(L.FEATURE_DOORBELLS | L.FEATURE_SEALED_COMMIT | L.FEATURE_SPSC);
    }
    expect(L.FEATURE_SPSC).toBe(4);
    expect(L.KNOWN_REQUIRED_FEATURES & L.FEATURE_SPSC).toBe(L.FEATURE_SPSC);
    for (const plain of [sharedChan({ type: 'f64', capacity: 4 }), sharedChan({ type: 'i32', capacity: 0 }), sharedChan({ type: 'f64', capacity: 4, spsc: false }), sharedChan({ capacity: 4, bytes: 64 })]) {
      expect(wordsOf(plain.handle.buffer)[L.IDX_REQUIRED_FEATURES]! & L.FEATURE_SPSC).toBe(0);
    }
  });

  test('a SPEC select waiter in the library\'s table: library commits ring it (RX on a put, TX on a get), a close rings both masks', async () => {
    const rx = sharedChan({ type: 'f64', capacity: 2 });
    const tx = sharedChan({ type: 'f64', capacity: 1 });
    expect(await tx.put(1)).toBe(true); // full: a put arm on it waits for a take
    const doorbells = rx.handle.doorbells!;
    const table = new Int32Array(doorbells);
    const arms = [rxArm(rx.handle.buffer), txArm(tx.handle.buffer)];
    const [rxW, txW] = [arms[0]!.w, arms[1]!.w];

    // Select 1: a take from rx or a put to tx. Nothing is ready; the library's put to rx rings.
    let t = specTakeSlot(table);
    expect(t).toBeGreaterThanOrEqual(0);
    expect(Atomics.load(table, L.DOORBELL_IDX_ALLOC + (t >> 5)) & (1 << (t & 31))).not.toBe(0);
    const bell = L.doorbellIndex(t);
    let e = specRegister(table, t, arms);
    expect([maskBit(rxW, L.IDX_RX_SELECT_MASK, t), maskBit(txW, L.IDX_TX_SELECT_MASK, t), rxW[L.IDX_RX_WAITING], txW[L.IDX_TX_WAITING]]).toEqual([true, true, 1, 1]);
    expect([specTake(rx.handle.buffer, doorbells), specPut(tx.handle.buffer, 2, doorbells)]).toEqual(['empty', 'full']);
    expect(await rx.put(7)).toBe(true);
    expect(Atomics.load(table, bell)).toBe(e + 1); // rung: a sleep on e returns at once
    expect(Atomics.wait(table, bell, e, 0)).toBe('not-equal');
    expect(rxW[L.IDX_RX_WAITING]).toBe(0); // cleared by the committer that rang
    expect(txW[L.IDX_TX_WAITING]).toBe(1); // the other side was not woken
    expect(maskBit(rxW, L.IDX_RX_SELECT_MASK, t)).toBe(true); // the masks are the waiter's to clear
    // A commit that finds the flag clear rings nothing: one registration, one ring.
    expect(await rx.put(8)).toBe(true);
    expect(Atomics.load(table, bell)).toBe(e + 1);
    // The waiter retries: the take arm completes; it unregisters, then releases the slot.
    e = specRegister(table, t, arms);
    expect(specTake(rx.handle.buffer, doorbells)).toBe(7);
    specEndSelect(table, t, arms);
    expect([...maskWords(rxW, L.IDX_RX_SELECT_MASK), ...maskWords(txW, L.IDX_TX_SELECT_MASK)]).toEqual(new Array(8).fill(0));
    expect(Atomics.load(table, L.DOORBELL_IDX_ALLOC + (t >> 5)) & (1 << (t & 31))).toBe(0);
    expect(await rx.get()).toBe(8);

    // Select 2, same arms: the library's take from tx (a consumer commit) rings the TX mask.
    t = specTakeSlot(table);
    e = specRegister(table, t, arms);
    expect([specTake(rx.handle.buffer, doorbells), specPut(tx.handle.buffer, 2, doorbells)]).toEqual(['empty', 'full']);
    expect(await tx.get()).toBe(1);
    expect(Atomics.load(table, L.doorbellIndex(t))).toBe(e + 1);
    expect([rxW[L.IDX_RX_WAITING], txW[L.IDX_TX_WAITING]]).toEqual([1, 0]);
    e = specRegister(table, t, arms);
    expect(specPut(tx.handle.buffer, 2, doorbells)).toBe('ok'); // the put arm completes
    specEndSelect(table, t, arms);

    // Select 3, a take from rx only: the library's close rings both masks (the bit is in one).
    t = specTakeSlot(table);
    e = specRegister(table, t, [arms[0]!]);
    expect(specTake(rx.handle.buffer, doorbells)).toBe('empty');
    rx.close();
    expect(Atomics.load(table, L.doorbellIndex(t))).toBe(e + 1);
    e = specRegister(table, t, [arms[0]!]);
    expect(specTake(rx.handle.buffer, doorbells)).toBe('drained');
    specEndSelect(table, t, [arms[0]!]);
    expect(maskWords(rxW, L.IDX_RX_SELECT_MASK)).toEqual([0, 0, 0, 0]);
    expect(await tx.get()).toBe(2);
  });

  test('a SPEC committer rings a library selectSync blocked in a worker; the select clears its bits and frees its slot', async () => {
    const a = sharedChan({ type: 'f64', capacity: 4 });
    const b = sharedChan({ type: 'f64', capacity: 4 });
    const [aW, bW] = [wordsOf(a.handle.buffer), wordsOf(b.handle.buffer)];
    const doorbells = b.handle.doorbells!;
    const table = new Int32Array(doorbells);
    const { worker, result } = startSelectWorker([a.handle, b.handle]);
    try {
      // The worker took a slot t in the main thread's table (it adopted it at attach) and registered on both channels.
      await until(() => rxRegistered(aW) && rxRegistered(bW), 'the worker\'s select registered on both channels');
      const t = [...Array(L.DOORBELL_SLOTS).keys()].find((slot) => maskBit(bW, L.IDX_RX_SELECT_MASK, slot))!;
      expect(maskBit(aW, L.IDX_RX_SELECT_MASK, t)).toBe(true);
      expect(Atomics.load(table, L.DOORBELL_IDX_ALLOC + (t >> 5)) & (1 << (t & 31))).not.toBe(0);
      const e = Atomics.load(table, L.doorbellIndex(t));

      // The SPEC party puts to b, clears RX_WAITING and rings the RX mask (7.3, 7.6.5). (Not
      // checked here: the woken select may set RX_WAITING again before it finds the value.)
      const rungAt = performance.now();
      expect(specPut(b.handle.buffer, 42, doorbells)).toBe('ok');
      expect(Atomics.load(table, L.doorbellIndex(t))).toBe(e + 1);
      expect(await result).toEqual({ value: 42, index: 1 });
      // Woken by the ring, not by its safety timeout.
      expect(performance.now() - rungAt).toBeLessThan(SAFETY_TIMEOUT_MS / 2);
      // 7.6.4 step 6 (Y3): the bits are cleared from both masks, then the slot is free.
      expect([...maskWords(aW, L.IDX_RX_SELECT_MASK), ...maskWords(bW, L.IDX_RX_SELECT_MASK)]).toEqual(new Array(8).fill(0));
      expect(Atomics.load(table, L.DOORBELL_IDX_ALLOC + (t >> 5)) & (1 << (t & 31))).toBe(0);
    } finally {
      await worker.terminate();
    }
  }, 20_000);

  test('a SPEC close rings both masks: a library selectSync blocked in a worker returns the end of the stream', async () => {
    const open = sharedChan({ type: 'f64', capacity: 4 });
    const closing = sharedChan({ type: 'f64', capacity: 4 });
    const w = wordsOf(closing.handle.buffer);
    const table = new Int32Array(closing.handle.doorbells!);
    const { worker, result } = startSelectWorker([open.handle, closing.handle]);
    try {
      await until(() => rxRegistered(wordsOf(open.handle.buffer)) && rxRegistered(w), 'the worker\'s select registered on both channels');
      const t = [...Array(L.DOORBELL_SLOTS).keys()].find((slot) => maskBit(w, L.IDX_RX_SELECT_MASK, slot))!;
      const e = Atomics.load(table, L.doorbellIndex(t));
      const rungAt = performance.now();
      expect(specClose(closing.handle.buffer, closing.handle.doorbells)).toBe(true); // 8.1 step 4 (7.6.5)
      expect(Atomics.load(table, L.doorbellIndex(t))).toBe(e + 1); // its bit is in the RX mask only
      expect(await result).toEqual({ value: undefined, index: 1 }); // closed and drained
      expect(performance.now() - rungAt).toBeLessThan(SAFETY_TIMEOUT_MS / 2);
      expect(maskWords(w, L.IDX_RX_SELECT_MASK)).toEqual([0, 0, 0, 0]);
    } finally {
      await worker.terminate();
    }
  }, 20_000);

  test('a handle without a table still gives a working channel, whose commits ring nothing (7.6.2)', async () => {
    const original = sharedChan({ type: 'f64', capacity: 4 });
    const buffer = new SharedArrayBuffer(original.handle.buffer.byteLength);
    new Uint8Array(buffer).set(new Uint8Array(original.handle.buffer));
    const w = wordsOf(buffer);
    w[L.IDX_CHANNEL_ID] ^= 0x40000000; // another channel (attach recognises channels by id)
    const bare = attach({ sabchan: 'shared-channel', buffer });
    expect(bare.handle.doorbells).toBeUndefined();
    const table = new Int32Array(original.handle.doorbells!);
    const t = specTakeSlot(table);
    const arm = rxArm(buffer);
    const e = specRegister(table, t, [arm]);
    const epoch = w[L.IDX_RX_EPOCH]!;
    expect(await bare.put(3)).toBe(true);
    expect([w[L.IDX_RX_WAITING], w[L.IDX_RX_EPOCH]]).toEqual([0, epoch + 1]); // its epoch's sleepers were woken
    expect(Atomics.load(table, L.doorbellIndex(t))).toBe(e); // but no doorbell: a select there sleeps until its timeout
    specEndSelect(table, t, [arm]);
    expect(await bare.get()).toBe(3);
  });
});

// ---- a C reader of the library's buffers ------------------------------------------------------

describe('native-layout/conformance/read_dump.c reads what the library wrote', () => {
  const reader = join(scratch, 'read_dump');
  let built = false;
  const run = (buffer: SharedArrayBuffer, name: string): { status: number | null; lines: Map<string, string> } => {
    if (!built) {
      const r = cc([...CFLAGS, '-o', reader, join(conformance, 'read_dump.c')]);
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
      built = true;
    }
    const file = join(scratch, `${name}.bin`);
    writeFileSync(file, new Uint8Array(buffer));
    const r = spawnSync(reader, [file], { encoding: 'utf8' });
    const lines = new Map(r.stdout.trim().split('\n').map((line) => [line.split(' ')[0]!, line.slice(line.indexOf(' ') + 1)] as const));
    return { status: r.status, lines };
  };

  test('an f64 channel across the wrap, closed with values left', async () => {
    const ch = chanAt({ type: 'f64', capacity: 8 }, 2 ** 31 - 3);
    const values = [1.5, -2.25, Math.PI, 1e300, -0, 5e-324];
    for (const v of values) await ch.put(v);
    expect([await ch.get(), await ch.get()]).toEqual([1.5, -2.25]);
    ch.close();
    const { status, lines } = run(ch.handle.buffer, 'f64');
    expect(status).toBe(0);
    expect(Object.fromEntries([...lines].filter(([k]) => k !== 'values'))).toEqual({
      version: '1.1',
      kind: '1',
      lane: 'f64',
      slots: '8',
      capacity: '8',
      policy: '0',
      channel_id_nonzero: '1',
      prod_head: '3',
      closed: '1',
      spsc: '0',
      close_reason: '1',
      prod_tail: '3',
      cons_head: '2147483647',
      cons_tail: '2147483647',
      reserved_zero: '1',
      invariant_r1: '1',
      drained: '0',
    });
    expect(lines.get('values')!.trim().split(' ').map(Number)).toEqual(values.slice(2));
  });

  test('an f64 spsc channel across the wrap (SPEC.md 5.8): heads unmoved, tails tell the values, drained once the seal is reached', async () => {
    const ch = chanAt({ type: 'f64', capacity: 8, spsc: true }, 2 ** 31 - 3);
    const values = [1.5, -2.25, Math.PI, 1e300, -0, 5e-324];
    for (const v of values) await ch.put(v);
    expect([await ch.get(), await ch.get()]).toEqual([1.5, -2.25]);
    ch.close();
    const before = run(ch.handle.buffer, 'spsc');
    expect(before.status).toBe(0);
    expect(Object.fromEntries([...before.lines].filter(([k]) => k !== 'values'))).toMatchObject({
      spsc: '1',
      prod_head: '2147483645', // where the channel started: the heads never move
      cons_head: '2147483645',
      prod_tail: '3',
      cons_tail: '2147483647',
      closed: '1',
      reserved_zero: '1', // the SPSC words are named, not stray
      invariant_r1: '1',
      drained: '0',
    });
    expect(before.lines.get('values')!.trim().split(' ').map(Number)).toEqual(values.slice(2));
    while ((await ch.get()) !== undefined);
    const after = run(ch.handle.buffer, 'spsc-drained');
    expect(after.lines.get('drained')).toBe('1');
    expect(after.lines.get('values')).toBe('values'); // the line holds its name only: no value left
    // A plain channel's dump says so too.
    expect(run(sharedChan({ type: 'f64', capacity: 2 }).handle.buffer, 'plain').lines.get('spsc')).toBe('0');
  });

  test('an i16 sliding channel (capacity 5 in 8 slots), open', async () => {
    const ch = sharedChan({ type: 'i16', capacity: 5, policy: 'sliding' });
    for (const v of [-32768, -1, 0, 1, 32767, 12345, -42]) await ch.put(v); // the first two slide out
    const { status, lines } = run(ch.handle.buffer, 'i16');
    expect(status).toBe(0);
    expect(lines.get('lane')).toBe('i16');
    expect(lines.get('slots')).toBe('8');
    expect(lines.get('capacity')).toBe('5');
    expect(lines.get('policy')).toBe(String(L.POLICY_SLIDING));
    expect([lines.get('prod_head'), lines.get('cons_tail'), lines.get('closed')]).toEqual(['7', '2', '0']);
    expect(lines.get('values')).toBe('0 1 32767 12345 -42');
    expect(lines.get('invariant_r1')).toBe('1');
  });

  /** Each corruption is refused by the C reader's attach checks and by the library's attach. */
  const corruptions: { what: string; check: string; edit: (w: Int32Array) => void; grow?: number }[] = [
    { what: 'zeroed magic', check: 'magic', edit: (w) => (w[L.IDX_MAGIC] = 0) },
    { what: 'foreign magic', check: 'magic', edit: (w) => (w[L.IDX_MAGIC] = 0x46464952) },
    { what: 'newer major', check: 'version', edit: (w) => (w[L.IDX_VERSION] = 2 << 16) },
    { what: 'major 0', check: 'version', edit: (w) => (w[L.IDX_VERSION] = 7) },
    { what: 'a required feature unknown to the reader', check: 'required features', edit: (w) => (w[L.IDX_REQUIRED_FEATURES] |= 1 << 30) },
    { what: 'unknown kind', check: 'kind', edit: (w) => (w[L.IDX_KIND] = 3) },
    { what: 'unknown lane', check: 'lane', edit: (w) => (w[L.IDX_LANE] = 8) },
    { what: 'slots not a power of two', check: 'slots', edit: (w) => (w[L.IDX_SLOTS] = 6) },
    { what: 'capacity above slots', check: 'capacity', edit: (w) => (w[L.IDX_CAPACITY] = 9) },
    { what: 'slot bytes of another lane', check: 'slot bytes', edit: (w) => (w[L.IDX_SLOT_BYTES] = 4) },
    { what: 'another data offset', check: 'data offset', edit: (w) => (w[L.IDX_DATA_OFFSET] = 512) },
    { what: 'buffer longer than the layout', check: 'length', edit: () => undefined, grow: 8 },
    { what: 'unknown policy', check: 'policy', edit: (w) => (w[L.IDX_POLICY] = 3) },
    {
      what: 'spsc with a sliding policy (check 17)',
      check: 'spsc',
      edit: (w) => {
        w[L.IDX_REQUIRED_FEATURES] |= L.FEATURE_SPSC;
        w[L.IDX_POLICY] = L.POLICY_SLIDING;
      },
    },
  ];
  test.each(corruptions)('refused alike by C and by attach: $what', ({ what, check, edit, grow = 0 }) => {
    const original = sharedChan({ type: 'f64', capacity: 8 }).handle.buffer;
    const buffer = new SharedArrayBuffer(original.byteLength + grow);
    new Uint8Array(buffer).set(new Uint8Array(original));
    edit(wordsOf(buffer));
    const { status, lines } = run(buffer, what.replace(/\W+/g, '-'));
    expect(status).toBe(1);
    expect(lines.get('refused:')).toMatch(new RegExp(`^${check}:`));
    expect(() => attach({ sabchan: 'shared-channel', buffer })).toThrow(AttachError);
  });
  test('a json object channel across the wrap, with a payload that wraps, closed with records left', async () => {
    const start = 2 ** 31 - 40; // byte 24 of a 64-byte ring
    const ch = objectChanAt({ capacity: 4, bytes: 64 }, start);
    const long = 'x'.repeat(28); // at 2^31 - 24: header at bytes 40-47, payload at 48-63 and 0-13
    for (const v of [{ a: 1 }, long]) expect(await ch.put(v)).toBe(true);
    expect(await ch.get()).toEqual({ a: 1 });
    expect(ch.offer('é')).toBe(true); // 16 more bytes: fits only once { a: 1 } was taken
    ch.close();
    const { status, lines } = run(ch.handle.buffer, 'json');
    expect(status).toBe(0);
    expect(Object.fromEntries(lines)).toEqual({
      version: '1.1',
      kind: String(L.KIND_OBJECT),
      slots: '64',
      capacity: '4',
      policy: '0',
      channel_id_nonzero: '1',
      max_message_bytes: '56',
      codec: 'json',
      prod_head: '32',
      closed: '1',
      close_reason: '1',
      prod_tail: '32',
      cons_head: String(2 ** 31 - 24),
      cons_tail: String(2 ** 31 - 24),
      msg_free: '2',
      reserved_zero: '1',
      invariant_r1: '1',
      invariant_m1: '1',
      messages: '2',
      record_0: `at ${2 ** 31 - 24} length 30 hex ${hex(json(long))}`,
      record_1: `at 16 length 4 hex ${hex(json('é'))}`,
      drained: '0',
    });
    expect(json('é')).toEqual(Uint8Array.from([0x22, 0xc3, 0xa9, 0x22]));
  });

  test('a struct channel: records hold exactly what the codec encodes', async () => {
    const codec = structCodec({ id: 'u16', ok: 'bool', v: 'f32[2]' });
    const ch = sharedChan({ codec, capacity: 8, bytes: 128, maxMessageBytes: 16 });
    const values = [
      { id: 1, ok: true, v: [0.5, -1] },
      { id: 65535, ok: false, v: [3, 4] },
    ];
    for (const v of values) await ch.put(v);
    const { status, lines } = run(ch.handle.buffer, 'struct');
    expect(status).toBe(0);
    expect([lines.get('codec'), lines.get('max_message_bytes'), lines.get('messages'), lines.get('msg_free')]).toEqual(['struct', '16', '2', '6']);
    const encoded = values.map((v) => {
      const bytes = new Uint8Array(codec.byteLength);
      expect(codec.encode(v, bytes)).toBe(11);
      return hex(bytes);
    });
    expect([lines.get('record_0'), lines.get('record_1')]).toEqual([`at 0 length 11 hex ${encoded[0]}`, `at 24 length 11 hex ${encoded[1]}`]);
    expect(lines.get('reserved_zero')).toBe('1');
    await ch.get();
    await ch.get();
    ch.close();
    const drained = run(ch.handle.buffer, 'struct-drained');
    expect([drained.lines.get('messages'), drained.lines.get('msg_free'), drained.lines.get('drained')]).toEqual(['0', '8', '1']);
  });

  /** Each corruption of an object channel's header is refused by C and by the library's attach. */
  const objectCorruptions: { what: string; check: string; edit: (w: Int32Array, bytes: Uint8Array) => void; grow?: number }[] = [
    { what: 'a ring smaller than 64 bytes', check: 'slots', edit: (w) => (w[L.IDX_SLOTS] = 32) },
    { what: 'ring bytes not a power of two', check: 'slots', edit: (w) => (w[L.IDX_SLOTS] = 96) },
    { what: 'a negative capacity', check: 'capacity', edit: (w) => (w[L.IDX_CAPACITY] = -1) },
    { what: 'slot bytes not 1', check: 'slot bytes', edit: (w) => (w[L.IDX_SLOT_BYTES] = 8) },
    { what: 'a buffer longer than the ring', check: 'length', edit: () => undefined, grow: 64 },
    { what: 'a rendezvous that slides', check: 'policy', edit: (w) => ((w[L.IDX_CAPACITY] = 0), (w[L.IDX_POLICY] = L.POLICY_SLIDING)) },
    { what: 'maxMessageBytes 0', check: 'max message bytes', edit: (w) => (w[L.IDX_MAX_MESSAGE_BYTES] = 0) },
    { what: 'maxMessageBytes negative', check: 'max message bytes', edit: (w) => (w[L.IDX_MAX_MESSAGE_BYTES] = -8) },
    { what: 'maxMessageBytes above the ring minus a record header', check: 'max message bytes', edit: (w) => (w[L.IDX_MAX_MESSAGE_BYTES] = 57) },
    { what: 'no codec name', check: 'codec name', edit: (w) => w.fill(0, L.IDX_CODEC_NAME, L.IDX_CODEC_NAME + L.CODEC_NAME_WORDS) },
    { what: 'a codec name without its terminating zero', check: 'codec name', edit: (_, bytes) => bytes.fill(0x61, 4 * L.IDX_CODEC_NAME, 4 * (L.IDX_CODEC_NAME + L.CODEC_NAME_WORDS)) },
  ];
  test.each(objectCorruptions)('object channel refused alike by C and by attach: $what', ({ what, check, edit, grow = 0 }) => {
    const original = sharedChan({ capacity: 4, bytes: 64 }).handle.buffer;
    const buffer = new SharedArrayBuffer(original.byteLength + grow);
    new Uint8Array(buffer).set(new Uint8Array(original));
    edit(wordsOf(buffer), new Uint8Array(buffer));
    const { status, lines } = run(buffer, `object-${what.replace(/\W+/g, '-')}`);
    expect(status).toBe(1);
    expect(lines.get('refused:')).toMatch(new RegExp(`^${check}:`));
    expect(() => attach({ sabchan: 'shared-channel', buffer })).toThrow(AttachError);
  });

  /** Records that contradict SPEC.md 4.2: C refuses the buffer (attach reads no records). */
  const badRecords: { what: string; edit: (w: Int32Array, data: DataView) => void }[] = [
    { what: 'a payload longer than MAX_MESSAGE_BYTES', edit: (_, data) => data.setInt32(0, 57, true) },
    { what: 'a negative payload length', edit: (_, data) => data.setInt32(0, -1, true) },
    { what: 'a record that runs past PROD_TAIL', edit: (_, data) => data.setInt32(16, 9, true) },
    { what: 'CONS_HEAD not a multiple of 8', edit: (w) => (w[L.IDX_CONS_HEAD] = 4) },
    { what: 'more bytes ready than the ring holds', edit: (w) => ((w[L.IDX_PROD_HEAD] = w[L.IDX_PROD_TAIL] = 128)) },
  ];
  test.each(badRecords)('C refuses a buffer with $what', async ({ what, edit }) => {
    const ch = sharedChan({ capacity: 4, bytes: 64 });
    await ch.put(1); // records at 0 and 16, 16 bytes each
    await ch.put(2);
    const buffer = new SharedArrayBuffer(ch.handle.buffer.byteLength);
    new Uint8Array(buffer).set(new Uint8Array(ch.handle.buffer));
    expect(run(buffer, 'records-intact').status).toBe(0);
    edit(wordsOf(buffer), new DataView(buffer, L.SZ_HEADER));
    const { status, lines } = run(buffer, `records-${what.replace(/\W+/g, '-')}`);
    expect(status).toBe(1);
    expect(lines.get('refused:')).toMatch(/^record:/);
  });
});
