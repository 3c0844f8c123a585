/**
 * native-layout/: the C view of the shared channel layout (SPEC.md section 11).
 *   - the generated header and SPEC tables match src/shared/layout.ts byte for byte;
 *   - the header passes the compile-time conformance checks of a C11 compiler;
 *   - a channel made by the library has every word and value where SPEC.md says;
 *   - a party that follows SPEC.md by the letter (here in JS, on plain typed arrays) and a
 *     C reader interoperate with the library on the same buffer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { HEADER_PATH, renderHeader, renderSpec, SPEC_PATH } from '../../native-layout/generate.js';
import { attach, AttachError, sharedChan, type SharedChanOptions } from '../../src/index.js';
import * as L from '../../src/shared/layout.js';

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
function chanAt(options: SharedChanOptions, start: number) {
  return sharedChan({ ...options, _startPosition: start } as SharedChanOptions);
}

const wordsOf = (buffer: SharedArrayBuffer): Int32Array => new Int32Array(buffer, 0, L.HEADER_WORDS);

/** Indices of the words layout 1.1 names (the select masks count as reserved: they stay 0). */
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
    expect(word(L.IDX_REQUIRED_FEATURES)).toBe(L.FEATURE_SEALED_COMMIT);
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

// ---- a party that follows SPEC.md by the letter -----------------------------------------------

/** SPEC.md 7.3: after a commit, wake the other side if its WAITING flag was set. */
function wakeIfWaiting(w: Int32Array, waitingIdx: number, epochIdx: number): boolean {
  if (Atomics.load(w, waitingIdx) === 0 || Atomics.exchange(w, waitingIdx, 0) === 0) return false;
  Atomics.add(w, epochIdx, 1);
  Atomics.notify(w, epochIdx); // all waiters
  return true;
}

const d = (a: number, b: number): number => (b - a) & L.POSITION_MASK;

/** SPEC.md 5.2 with n = 1, on an f64 channel. */
function specPut(buffer: SharedArrayBuffer, value: number): 'ok' | 'full' | 'closed' {
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
    wakeIfWaiting(w, L.IDX_RX_WAITING, L.IDX_RX_EPOCH);
    return 'ok';
  }
}

/** SPEC.md 5.3 with n = 1, and 8.3 when nothing is there. */
function specTake(buffer: SharedArrayBuffer): number | 'empty' | 'drained' {
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
    wakeIfWaiting(w, L.IDX_TX_WAITING, L.IDX_TX_EPOCH);
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

/** SPEC.md 8.1. */
function specClose(buffer: SharedArrayBuffer): boolean {
  const w = wordsOf(buffer);
  if ((Atomics.load(w, L.IDX_PROD_HEAD) & L.FLAG_CLOSED) !== 0) return false;
  Atomics.compareExchange(w, L.IDX_CLOSE_REASON, L.CLOSE_REASON_NONE, L.CLOSE_REASON_CLOSED);
  const old = Atomics.or(w, L.IDX_PROD_HEAD, L.FLAG_CLOSED);
  for (const epoch of [L.IDX_RX_EPOCH, L.IDX_TX_EPOCH]) {
    Atomics.add(w, epoch, 1);
    Atomics.notify(w, epoch);
  }
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
    { what: 'unknown kind', check: 'kind', edit: (w) => (w[L.IDX_KIND] = 2) },
    { what: 'unknown lane', check: 'lane', edit: (w) => (w[L.IDX_LANE] = 8) },
    { what: 'slots not a power of two', check: 'slots', edit: (w) => (w[L.IDX_SLOTS] = 6) },
    { what: 'capacity above slots', check: 'capacity', edit: (w) => (w[L.IDX_CAPACITY] = 9) },
    { what: 'slot bytes of another lane', check: 'slot bytes', edit: (w) => (w[L.IDX_SLOT_BYTES] = 4) },
    { what: 'another data offset', check: 'data offset', edit: (w) => (w[L.IDX_DATA_OFFSET] = 512) },
    { what: 'buffer longer than the layout', check: 'length', edit: () => undefined, grow: 8 },
    { what: 'unknown policy', check: 'policy', edit: (w) => (w[L.IDX_POLICY] = 3) },
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
});
