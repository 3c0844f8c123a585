/**
 * structCodec bad input: a wrong shape is a TypeError naming the field, nothing is written
 * and the codec keeps working (both field paths); a bad schema is refused at construction
 * (TypeError, or RangeError for N); a message of the wrong size or a corrupt string prefix
 * is refused by decode.
 */
import { describe, expect, it } from 'vitest';
import { structCodec, type StructCodecOptions } from '../../src/codec/index.js';
import { roundTrip, sharedView, throwsWithoutWriting } from './helpers.js';

const PATHS: [string, StructCodecOptions][] = [['generated', {}], ['interpreted', { codegen: false }]];

const SCHEMA = { id: 'u32', name: 'string:16', values: 'f64[8]', ok: 'bool', level: 'i16' } as const;
const GOOD = { id: 1, name: 'sensor-01', values: [1, 2, 3, 4, 5, 6, 7, 8], ok: true, level: 0 };

describe.each(PATHS)('structCodec wrong shapes (%s)', (_, options) => {
  const c = structCodec(SCHEMA, options);
  const encodeWith = (patch: Record<string, unknown>) => (t: Uint8Array) => c.encode({ ...GOOD, ...patch } as never, t);

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['a missing field', { id: undefined }, /^struct codec: field "id" is missing \(expected u32\)$/],
    ['a number as a string', { id: '1' }, /^struct codec: field "id": expected a number \(u32\), got string "1"$/],
    ['null for a number', { level: null }, /field "level": expected a number \(i16\), got null$/],
    ['a bigint for a number', { id: 1n }, /field "id": expected a number \(u32\), got bigint 1$/],
    ['a non-integer', { id: 1.5 }, /^struct codec: field "id": 1.5 is not an integer \(u32\)$/],
    ['NaN in an integer field', { level: NaN }, /field "level": NaN is not an integer \(i16\)$/],
    ['Infinity in an integer field', { id: Infinity }, /field "id": Infinity is not an integer/],
    ['below the range', { id: -1 }, /^struct codec: field "id": -1 is out of range for u32 \(0 to 4294967295\)$/],
    ['above the range', { level: 32768 }, /field "level": 32768 is out of range for i16 \(-32768 to 32767\)$/],
    ['a string too long in bytes', { name: 'x'.repeat(23) }, /^struct codec: field "name": string of 23 bytes exceeds string:16$/],
    ['a string too long once encoded', { name: 'é'.repeat(9) }, /field "name": string of 18 bytes exceeds string:16$/],
    ['a lone surrogate', { name: 'a\ud800' }, /field "name": the string has a lone surrogate/],
    ['a number for a string', { name: 5 }, /field "name": expected a string \(string:16\), got number 5$/],
    ['1 for a boolean', { ok: 1 }, /^struct codec: field "ok": expected a boolean \(bool\), got number 1$/],
    ['an array too short', { values: [1, 2, 3, 4, 5, 6, 7] }, /^struct codec: field "values": expected an array of 8 numbers \(f64\[8\]\), got an array of length 7$/],
    ['a typed array too long', { values: new Float64Array(9) }, /field "values": expected an array of 8 numbers \(f64\[8\]\), got a Float64Array of length 9$/],
    ['a non-array', { values: 'abcdefgh' }, /field "values": expected an array of 8 numbers .*got string/],
    ['a bad element', { values: [1, 2, 3, 'x', 5, 6, 7, 8] }, /^struct codec: field "values\[3\]": expected a number \(f64\), got string "x"$/],
    ['a hole', { values: [1, 2, , 4, 5, 6, 7, 8] }, /field "values\[2\]" is missing \(expected f64\)$/],
    ['bigints', { values: new BigInt64Array(8) }, /field "values\[0\]": expected a number \(f64\), got bigint 0$/],
  ];
  it.each(cases)('%s', (_, patch, message) => {
    throwsWithoutWriting(encodeWith(patch), TypeError, message);
    expect(roundTrip(c, GOOD).decoded).toEqual(GOOD); // still works
  });

  it('an element out of range in an integer array', () => {
    const ints = structCodec({ v: 'u8[3]' }, options);
    throwsWithoutWriting((t) => ints.encode({ v: [1, 256, 3] }, t), TypeError, /^struct codec: field "v\[1\]": 256 is out of range for u8 \(0 to 255\)$/);
    throwsWithoutWriting((t) => ints.encode({ v: [1, 2, 2.5] }, t), TypeError, /field "v\[2\]": 2.5 is not an integer \(u8\)$/);
  });

  it('a value that is not an object', () => {
    for (const v of [null, undefined, 5, 'x']) {
      throwsWithoutWriting((t) => c.encode(v as never, t), TypeError, /^struct codec: expected an object with fields id, name, values, ok, level, got /);
    }
  });

  it('the error comes first even when the target is also too small', () => {
    expect(() => c.encode({ ...GOOD, id: -1 }, sharedView(1))).toThrow(TypeError);
  });
});

describe('structCodec bad schemas', () => {
  const bad = (schema: unknown) => () => structCodec(schema as never);

  it('TypeError for a schema that is not an object of fields', () => {
    for (const schema of [null, undefined, 'u8', 5, ['u8']]) {
      expect(bad(schema)).toThrow(/^structCodec: the schema must be an object mapping field names to types/);
    }
    expect(bad({})).toThrow(new TypeError('structCodec: the schema has no fields'));
  });

  it('TypeError for an unknown type, a non-string type, or an array of bool or string', () => {
    expect(bad({ a: 'f65' })).toThrow(new TypeError(`structCodec: field "a": unknown type 'f65'; use one of f64, f32, i32, u32, i16, u16, i8, u8, bool, string:N, T[N]`));
    expect(bad({ a: 'string' })).toThrow(/unknown type 'string'/);
    expect(bad({ a: 'F64' })).toThrow(TypeError);
    expect(bad({ a: 5 })).toThrow(/^structCodec: field "a": the type must be a string .*got number$/);
    expect(bad({ a: 'bool[2]' })).toThrow(/^structCodec: field "a": arrays hold numeric types only .*got 'bool\[2\]'$/);
    expect(bad({ a: 'string:4[2]' })).toThrow(TypeError);
  });

  it('RangeError for an N that is not an integer from 1 to 2^24', () => {
    for (const type of ['string:0', 'string:-1', 'string:1.5', 'string:', 'string:1e3', 'f64[0]', 'u8[-2]', 'i16[]', `u8[${2 ** 24 + 1}]`]) {
      expect(bad({ a: type }), type).toThrow(RangeError);
    }
    expect(bad({ a: 'string:0' })).toThrow(new RangeError(`structCodec: field "a": N in 'string:0' must be an integer from 1 to ${2 ** 24}`));
    expect(structCodec({ a: `u8[${2 ** 24}]` }).byteLength).toBe(2 ** 24);
  });

  it('TypeError for a field named __proto__ (it would set the prototype of decoded objects)', () => {
    expect(bad(JSON.parse('{"__proto__": "u8"}'))).toThrow(/field "__proto__": this name cannot be a field/);
  });
});

describe.each(PATHS)('structCodec decode of foreign bytes (%s)', (_, options) => {
  const c = structCodec({ n: 'u8', s: 'string:4' }, options);

  it('refuses a message of the wrong size', () => {
    expect(() => c.decode(sharedView(5))).toThrow(new TypeError('struct codec: expected a message of 6 bytes, got 5 (was it written with another schema?)'));
  });

  it('refuses a string length prefix larger than N', () => {
    const view = sharedView(6);
    view.set([1, 5, 0x61, 0x62, 0x63, 0x64]);
    expect(() => c.decode(view)).toThrow(/^struct codec: field "s": corrupt message \(a string of 5 bytes in string:4\)$/);
  });
});
