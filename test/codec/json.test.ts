/**
 * jsonCodec: JSON semantics, the -1 contract for a small target, bad input (TypeError,
 * nothing written, the codec keeps working) and shared-memory views.
 */
import { describe, expect, it } from 'vitest';
import { jsonCodec } from '../../src/codec/index.js';
import { encodedLength, roundTrip, sharedView, throwsWithoutWriting } from './helpers.js';

const utf8 = new TextEncoder();

describe('jsonCodec round trips', () => {
  const values: [string, unknown][] = [
    ['null', null],
    ['zero', 0],
    ['false', false],
    ['empty string', ''],
    ['empty object', {}],
    ['empty array', []],
    ['a small object', { id: 12345, name: 'sensor-01', values: [1.5, 2.5, -3, 1e300, 5e-324] }],
    ['nested', { a: [{ b: { c: [null, true, 'x'] } }], d: {} }],
    ['unicode', { s: 'héllo wörld — 漢字 — 🎉👩‍👩‍👧 — \u0000\u001f"\\/', k: 'ключ' }],
    ['unicode keys', { '🔑': 1, 'ключ': 2, '': 3 }],
    ['a lone surrogate (JSON escapes it)', '\ud800x\udc00'],
    ['a leading byte order mark', '\ufeffBOM'],
    ['a long string', 'é'.repeat(50_000)],
    ['max safe integer', Number.MAX_SAFE_INTEGER],
  ];
  it.each(values)('%s', (_, value) => {
    expect(roundTrip(jsonCodec, value).decoded).toEqual(value);
  });

  it('writes plain UTF-8 JSON (what JSON.stringify gives), readable by any JSON parser', () => {
    const value = { a: 'ü', b: [1, 2] };
    const { bytes } = roundTrip(jsonCodec, value);
    expect([...bytes]).toEqual([...utf8.encode(JSON.stringify(value))]);
  });

  it('follows JSON semantics for values JSON does not keep', () => {
    const date = new Date(0);
    const value = { nan: NaN, inf: -Infinity, negZero: -0, date, u: undefined, f: () => 1, arr: [undefined, NaN], map: new Map([[1, 2]]) };
    expect(roundTrip(jsonCodec, value).decoded).toEqual({
      nan: null, inf: null, negZero: 0, date: date.toISOString(), arr: [null, null], map: {},
    });
    expect(Object.is((roundTrip(jsonCodec, -0).decoded as number), 0)).toBe(true);
  });
});

describe('jsonCodec with a target that is too small', () => {
  it('returns -1, then succeeds with a big enough target', () => {
    const value = { name: 'sensor-01', values: [1, 2, 3] };
    const n = encodedLength(jsonCodec, value);
    expect(jsonCodec.encode(value, sharedView(n - 1))).toBe(-1);
    expect(jsonCodec.encode(value, sharedView(0))).toBe(-1);
    const view = sharedView(n);
    expect(jsonCodec.encode(value, view)).toBe(n);
    expect(jsonCodec.decode(view)).toEqual(value);
  });

  it('returns -1 when the UTF-16 length fits but the UTF-8 bytes do not', () => {
    const value = 'ééé'; // JSON "ééé": 5 UTF-16 units, 8 bytes
    expect(encodedLength(jsonCodec, value)).toBe(8);
    expect(jsonCodec.encode(value, sharedView(6))).toBe(-1);
    expect(jsonCodec.encode(value, sharedView(7))).toBe(-1);
    expect(jsonCodec.encode(value, sharedView(8))).toBe(8);
  });

  it('has no maxEncodedSize (the size is only known after stringifying)', () => {
    expect(jsonCodec.maxEncodedSize).toBeUndefined();
  });
});

describe('jsonCodec bad input: TypeError, nothing written, the codec keeps working', () => {
  const encode = (value: unknown) => (target: Uint8Array) => jsonCodec.encode(value, target);

  it('undefined, the closed marker', () => {
    throwsWithoutWriting(encode(undefined), TypeError, /^json codec: cannot encode undefined: it is the closed marker/);
  });

  it('a BigInt, top level or nested, with the original reason', () => {
    const e = throwsWithoutWriting(encode(10n), TypeError, /^json codec: cannot encode bigint 10: .*BigInt/);
    expect(e.cause).toBeInstanceOf(TypeError);
    throwsWithoutWriting(encode({ deep: [{ n: 1n }] }), TypeError, /^json codec: cannot encode an object \(Object\): .*BigInt/);
  });

  it('a cyclic object, with the original reason', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = { back: cyclic };
    const e = throwsWithoutWriting(encode(cyclic), TypeError, /^json codec: cannot encode an object \(Object\): .*circular/i);
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it('a function or a symbol at top level (JSON has no representation)', () => {
    throwsWithoutWriting(encode(() => 1), TypeError, /^json codec: cannot encode a function: JSON has no representation/);
    throwsWithoutWriting(encode(Symbol('s')), TypeError, /^json codec: cannot encode a symbol: JSON has no representation/);
    throwsWithoutWriting(encode({ toJSON: () => undefined }), TypeError, /JSON has no representation/);
  });

  it('a toJSON that throws: its error is the cause', () => {
    const boom = new Error('boom');
    const e = throwsWithoutWriting(encode({ toJSON: () => { throw boom; } }), TypeError, /^json codec: cannot encode .*: boom$/);
    expect(e.cause).toBe(boom);
  });

  it('a structure nested too deeply for JSON.stringify (a stack overflow is not a size problem)', () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    throwsWithoutWriting(encode(deep), TypeError, /^json codec: cannot encode an array of length 1: Maximum call stack/);
  });

  it('keeps working after each error', () => {
    expect(() => jsonCodec.encode(10n, sharedView(64))).toThrow(TypeError);
    expect(roundTrip(jsonCodec, { ok: true }).decoded).toEqual({ ok: true });
  });

  it('decode of bytes that are not JSON: TypeError with the parse error as cause', () => {
    const view = sharedView(3);
    view.set(utf8.encode('{x:'));
    let error: unknown;
    try {
      jsonCodec.decode(view);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^json codec: cannot decode 3 bytes: .*another codec/);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    expect(() => jsonCodec.decode(new Uint8Array(0))).toThrow(TypeError);
  });
});

describe('jsonCodec on shared memory', () => {
  it('encodes into and decodes from views at any offset of a SharedArrayBuffer', () => {
    const ring = new Uint8Array(new SharedArrayBuffer(4096));
    const value = { id: 1, text: 'naïve ☃' };
    for (const at of [0, 1, 3, 1000, 4096 - 64]) {
      const view = ring.subarray(at, at + 64);
      const n = jsonCodec.encode(value, view);
      expect(n).toBeGreaterThan(0);
      expect(jsonCodec.decode(ring.subarray(at, at + n))).toEqual(value);
    }
  });

  it('returns an object that shares nothing with the ring', () => {
    const view = sharedView(64);
    const n = jsonCodec.encode({ a: 'x' }, view);
    const decoded = jsonCodec.decode(view.subarray(0, n)) as { a: string };
    view.fill(0);
    expect(decoded).toEqual({ a: 'x' });
  });
});
