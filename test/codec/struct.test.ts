/**
 * structCodec: layout, round trips (floats bit for bit where it matters, every integer
 * type's boundaries, strings by UTF-8 bytes), fixed size and the -1 contract, shared-memory
 * views. Everything runs on both field paths: generated code and the interpreted fallback.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { structCodec, type StructCodecOptions } from '../../src/codec/index.js';
import { roundTrip, sharedView } from './helpers.js';

const PATHS: [string, StructCodecOptions, boolean][] = [
  ['generated', {}, true],
  ['interpreted', { codegen: false }, false],
];

const SCHEMA = { id: 'u32', name: 'string:16', values: 'f64[8]', ok: 'bool', level: 'i16' } as const;

describe.each(PATHS)('structCodec (%s)', (_, options, compiled) => {
  const reading = structCodec(SCHEMA, options);

  it('uses the path asked for', () => {
    expect(reading.compiled).toBe(compiled);
  });

  it('lays fields out in schema order, packed, with a fixed size', () => {
    expect(reading.name).toBe('struct');
    expect(reading.byteLength).toBe(4 + 1 + 16 + 64 + 1 + 2);
    expect(reading.layout).toEqual([
      { name: 'id', type: 'u32', offset: 0, byteLength: 4 },
      { name: 'name', type: 'string:16', offset: 4, byteLength: 17 },
      { name: 'values', type: 'f64[8]', offset: 21, byteLength: 64 },
      { name: 'ok', type: 'bool', offset: 85, byteLength: 1 },
      { name: 'level', type: 'i16', offset: 86, byteLength: 2 },
    ]);
    expect(reading.maxEncodedSize()).toBe(88);
    expect(Object.isFrozen(reading.layout)).toBe(true);
  });

  it('exposes its schema as plain, cloneable data that rebuilds the same codec', () => {
    expect(reading.schema).toEqual(SCHEMA);
    expect(Object.isFrozen(reading.schema)).toBe(true);
    const rebuilt = structCodec(structuredClone(reading.schema), options);
    const value = { id: 7, name: 'x', values: [1, 2, 3, 4, 5, 6, 7, 8], ok: false, level: 1 };
    expect(rebuilt.decode(roundTrip(reading, value).bytes)).toEqual(value);
  });

  it('writes the documented bytes (little-endian, length-prefixed, zero-filled strings)', () => {
    const c = structCodec({ a: 'u16', s: 'string:4', f: 'f32', b: 'bool', n: 'i8[2]' }, options);
    const view = sharedView(c.byteLength, 1);
    expect(c.encode({ a: 0x1234, s: 'hi', f: 1, b: true, n: [-1, 2] }, view)).toBe(14);
    expect([...view]).toEqual([0x34, 0x12, 2, 0x68, 0x69, 0, 0, 0, 0, 0x80, 0x3f, 1, 0xff, 2]);
    const wide = structCodec({ s: 'string:300' }, options); // u16 length prefix
    const w = sharedView(wide.byteLength);
    wide.encode({ s: 'é' }, w);
    expect([...w.subarray(0, 5)]).toEqual([2, 0, 0xc3, 0xa9, 0]);
  });

  it('round-trips the bench message and a full one', () => {
    const value = { id: 12345, name: 'sensor-01', values: [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5], ok: true, level: -3 };
    const { decoded, bytes } = roundTrip(reading, value);
    expect(bytes.length).toBe(88);
    expect(decoded).toEqual(value);
    expect(Object.keys(decoded)).toEqual(['id', 'name', 'values', 'ok', 'level']);
    expect(Array.isArray(decoded.values)).toBe(true);
  });

  it('keeps NaN, -0, ±Infinity and extreme doubles in f64, and rounds f32 like Math.fround', () => {
    const c = structCodec({ d: 'f64[8]', f: 'f32[6]' }, options);
    const d = [NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, -Number.EPSILON];
    const f = [NaN, -0, 0.1, 1e39, -1e-46, 3.4028234663852886e38];
    const out = roundTrip(c, { d, f }).decoded;
    d.forEach((x, i) => expect(Object.is(out.d[i], x), `d[${i}]`).toBe(true));
    f.forEach((x, i) => expect(Object.is(out.f[i], Math.fround(x)), `f[${i}]`).toBe(true));
  });

  const INTS = [
    ['i8', -128, 127], ['u8', 0, 255], ['i16', -32768, 32767], ['u16', 0, 65535],
    ['i32', -(2 ** 31), 2 ** 31 - 1], ['u32', 0, 2 ** 32 - 1],
  ] as const;
  it.each(INTS)('round-trips the boundaries of %s, scalar and array', (type, min, max) => {
    const c = structCodec({ x: type, y: type, z: `${type}[4]` }, options);
    const value = { x: min, y: max, z: [min, max, 0, min + 1] };
    expect(roundTrip(c, value).decoded).toEqual(value);
    expect(Object.is(roundTrip(c, { x: -0, y: 0, z: [-0, 0, 0, 0] }).decoded.x, 0)).toBe(true); // -0 stored as 0
  });

  it('round-trips strings by UTF-8 bytes: empty, exactly N bytes, multi-byte, a leading BOM', () => {
    const c = structCodec({ s: 'string:8' }, options);
    for (const s of ['', 'abcdefgh', 'éééé', '漢字', '🎉🎉', 'a🎉b', '\ufeffabc', '\u0000\u0000']) {
      expect(roundTrip(c, { s }).decoded.s).toBe(s);
    }
  });

  it('round-trips long strings (native encoder path) with u16 and u32 length prefixes', () => {
    const c = structCodec({ a: 'string:300', b: 'string:70000', c: 'u8' }, options);
    expect(c.layout.map((f) => f.byteLength)).toEqual([302, 70004, 1]);
    const value = { a: 'ü'.repeat(150), b: '漢'.repeat(23_333) + 'x', c: 7 };
    expect(roundTrip(c, value).decoded).toEqual(value);
    const ascii = { a: 'x'.repeat(300), b: 'y'.repeat(70_000), c: 0 };
    expect(roundTrip(c, ascii).decoded).toEqual(ascii);
  });

  it('accepts typed arrays for array fields, decodes plain arrays, and ignores extra properties', () => {
    const c = structCodec({ v: 'f64[3]', n: 'i16[2]' }, options);
    const out = roundTrip(c, { v: Float64Array.of(1, 2, 3), n: Int32Array.of(-5, 5), extra: 'dropped' } as never).decoded;
    expect(out).toEqual({ v: [1, 2, 3], n: [-5, 5] });
    expect(Array.isArray(out.v)).toBe(true);
  });

  it('reads fields through getters (class instances work)', () => {
    class Point {
      #x = 3;
      get x(): number { return this.#x; }
      get y(): number { return 4; }
    }
    expect(roundTrip(structCodec({ x: 'i32', y: 'i32' }, options), new Point()).decoded).toEqual({ x: 3, y: 4 });
  });

  it('gives equal bytes for equal values, whatever was encoded before', () => {
    const c = structCodec({ s: 'string:40', t: 'string:8' }, options);
    const a = sharedView(c.byteLength);
    const b = sharedView(c.byteLength);
    c.encode({ s: 'x'.repeat(40), t: '12345678' }, a);
    c.encode({ s: 'ab', t: '1' }, a);
    b.fill(0x5a);
    c.encode({ s: 'ab', t: '1' }, b);
    expect([...a]).toEqual([...b]);
  });

  it('returns -1 for a target smaller than byteLength, then succeeds', () => {
    const value = { id: 1, name: 'n', values: [0, 0, 0, 0, 0, 0, 0, 0], ok: false, level: 0 };
    expect(reading.encode(value, sharedView(87))).toBe(-1);
    expect(reading.encode(value, sharedView(0))).toBe(-1);
    const view = sharedView(200);
    expect(reading.encode(value, view)).toBe(88);
    expect(reading.decode(view.subarray(0, 88))).toEqual(value);
  });

  it('encodes into and decodes from views anywhere in a SharedArrayBuffer, sharing nothing', () => {
    const ring = new Uint8Array(new SharedArrayBuffer(1024));
    const values = [0, 1, 2, 3].map((i) => ({ id: i, name: `s${i}`, values: [i, i, i, i, i, i, i, -i], ok: i % 2 === 0, level: 5 - i }));
    const at = [0, 91, 333, 1024 - 88];
    values.forEach((v, i) => expect(reading.encode(v, ring.subarray(at[i]!, at[i]! + 100))).toBe(88));
    const decoded = at.map((o) => reading.decode(ring.subarray(o, o + 88)));
    ring.fill(0);
    expect(decoded).toEqual(values);
  });

  it('survives re-entry: a getter that encodes and decodes with the same codec', () => {
    const c = structCodec({ a: 'u8', b: 'u8' }, options);
    const inner = sharedView(2);
    let seen: unknown;
    const value = {
      a: 1,
      get b(): number {
        c.encode({ a: 7, b: 8 }, inner);
        seen = c.decode(inner);
        return 2;
      },
    };
    expect(roundTrip(c, value).decoded).toEqual({ a: 1, b: 2 });
    expect(seen).toEqual({ a: 7, b: 8 });
    expect(c.decode(inner)).toEqual({ a: 7, b: 8 });
  });

  it('handles field names that are not identifiers', () => {
    const names = ['a b', '"', "'", '`${x}`', '\\', 'x\u2028y', '0', '10', 'constructor', 'toString', '"]; throw 1; //', '🎉', ''];
    const schema = Object.fromEntries(names.map((n) => [n, 'u8'] as const));
    const c = structCodec(schema, options);
    const value = Object.fromEntries(names.map((n, i) => [n, i]));
    expect(roundTrip(c, value).decoded).toEqual(value);
  });
});

describe('structCodec code generation', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('falls back to the interpreted path where code generation is refused (CSP)', () => {
    vi.stubGlobal('Function', function refuse(): never {
      throw new EvalError('Code generation from strings disallowed for this context');
    });
    const c = structCodec(SCHEMA);
    vi.unstubAllGlobals();
    expect(c.compiled).toBe(false);
    const value = { id: 1, name: 'x', values: [1, 2, 3, 4, 5, 6, 7, 8], ok: true, level: 2 };
    expect(roundTrip(c, value).decoded).toEqual(value);
  });

  it('gives the same bytes on both paths', () => {
    const generated = structCodec(SCHEMA);
    const interpreted = structCodec(SCHEMA, { codegen: false });
    const value = { id: 4e9, name: 'ünï', values: [NaN, -0, 1, 2, 3, 4, 5, 1e-300], ok: true, level: -32768 };
    expect([...roundTrip(generated, value).bytes]).toEqual([...roundTrip(interpreted, value).bytes]);
  });
});
