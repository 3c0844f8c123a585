/**
 * Property tests: for random values, decode(encode(v)) deep-equals v through a view on a
 * SharedArrayBuffer, a target of exactly the encoded size works and one byte less gives -1.
 * Struct schemas are random too (field names included, to exercise the generated code),
 * and both struct paths must produce the same bytes.
 *
 * Runs: NUM_RUNS, SEED / FC_PATH to replay (see ../helpers/fc-params.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesCodec, jsonCodec, structCodec, utf8Codec, type Codec, type StructSchema } from '../../src/codec/index.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';
import { roundTrip, sharedView } from './helpers.js';

const RUNS = 300;

/** Round trip, then the exact-size target works and one byte less returns -1. */
function checkCodec<T>(codec: Codec<T>, value: T, expected: unknown = value): Uint8Array {
  const { decoded, bytes } = roundTrip(codec, value);
  expect(decoded).toEqual(expected);
  const exact = sharedView(bytes.length, 3);
  expect(codec.encode(value, exact)).toBe(bytes.length);
  expect([...exact]).toEqual([...bytes]);
  if (bytes.length > 0) expect(codec.encode(value, sharedView(bytes.length - 1))).toBe(-1);
  const bound = codec.maxEncodedSize?.(value);
  if (bound !== undefined) expect(bound).toBeGreaterThanOrEqual(bytes.length);
  return bytes;
}

/** fc.jsonValue() can hold -0, which JSON writes as 0 (not JSON-safe): make it 0. */
function withoutNegativeZero(v: unknown): unknown {
  if (Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(withoutNegativeZero);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]));
  }
  return v;
}
const jsonSafeArb = fc.jsonValue().map(withoutNegativeZero);

describe('codec round trips (properties)', () => {
  it('json: any JSON-safe value', () => {
    fc.assert(fc.property(jsonSafeArb, (v) => void checkCodec(jsonCodec, v)), propParams(RUNS));
  }, testTimeout(RUNS));

  it('utf8: any well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => void checkCodec(utf8Codec, s)), propParams(RUNS));
  }, testTimeout(RUNS));

  it('bytes: any byte array', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void checkCodec(bytesCodec, b)), propParams(RUNS));
  }, testTimeout(RUNS));
});

// ---------------------------------------------------------------------------------------
// Random struct schemas and values.

const NUMERIC = ['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8'] as const;
type Numeric = (typeof NUMERIC)[number];
const INT_RANGE: Record<Exclude<Numeric, 'f64' | 'f32'>, [number, number]> = {
  i32: [-(2 ** 31), 2 ** 31 - 1], u32: [0, 2 ** 32 - 1], i16: [-32768, 32767], u16: [0, 65535], i8: [-128, 127], u8: [0, 255],
};

const typeArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom<string>(...NUMERIC, 'bool'),
  fc.integer({ min: 1, max: 40 }).map((n) => `string:${n}`),
  fc.integer({ min: 256, max: 400 }).map((n) => `string:${n}`), // u16 length prefix, long strings
  fc.tuple(fc.constantFrom(...NUMERIC), fc.integer({ min: 1, max: 6 })).map(([t, n]) => `${t}[${n}]`),
);

const schemaArb: fc.Arbitrary<StructSchema> = fc
  .uniqueArray(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }).filter((n) => n !== '__proto__'), typeArb), {
    minLength: 1,
    maxLength: 8,
    selector: ([name]) => name,
  })
  .map((entries) => Object.fromEntries(entries) as StructSchema);

const encoder = new TextEncoder();
/** Code points of `s` while they fit in `max` bytes of UTF-8. */
function truncateToBytes(s: string, max: number): string {
  let out = '';
  let bytes = 0;
  for (const cp of s) {
    bytes += encoder.encode(cp).length;
    if (bytes > max) break;
    out += cp;
  }
  return out;
}

function numberArb(t: Numeric): fc.Arbitrary<number> {
  if (t === 'f64') return fc.double();
  if (t === 'f32') return fc.float();
  const [min, max] = INT_RANGE[t];
  return fc.integer({ min, max });
}

function fieldArb(type: string): fc.Arbitrary<unknown> {
  if (type === 'bool') return fc.boolean();
  const string = /^string:(\d+)$/.exec(type);
  if (string) {
    const n = Number(string[1]);
    return fc.string({ unit: 'grapheme', maxLength: n }).map((s) => truncateToBytes(s, n));
  }
  const array = /^(\w+)\[(\d+)\]$/.exec(type);
  if (array) {
    const n = Number(array[2]);
    return fc.array(numberArb(array[1] as Numeric), { minLength: n, maxLength: n });
  }
  return numberArb(type as Numeric);
}

function valueArb(schema: StructSchema): fc.Arbitrary<Record<string, unknown>> {
  return fc.tuple(...Object.entries(schema).map(([name, type]) => fieldArb(type).map((v) => [name, v] as const))).map((e) => Object.fromEntries(e));
}

const caseArb = schemaArb.chain((schema) => fc.tuple(fc.constant(schema), valueArb(schema)));

describe('struct codec (properties)', () => {
  it('any schema, any value: round trip on both paths, with identical bytes', () => {
    fc.assert(
      fc.property(caseArb, ([schema, value]) => {
        const generated = structCodec(schema);
        const interpreted = structCodec(schema, { codegen: false });
        expect(generated.compiled).toBe(true);
        const a = checkCodec(generated, value as never);
        const b = checkCodec(interpreted, value as never);
        expect([...a]).toEqual([...b]);
        expect(a.length).toBe(generated.byteLength);
      }),
      propParams(RUNS),
    );
  }, testTimeout(RUNS));

  it('any schema: a missing field is a TypeError naming it, on both paths, and nothing is written', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), ([schema, value], pick) => {
        const names = Object.keys(schema);
        const missing = names[pick % names.length]!;
        const broken = { ...value };
        delete broken[missing];
        for (const codec of [structCodec(schema), structCodec(schema, { codegen: false })]) {
          const target = sharedView(codec.byteLength).fill(0xa5);
          expect(() => codec.encode(broken as never, target)).toThrow(
            new TypeError(`struct codec: field ${JSON.stringify(missing)} is missing (expected ${schema[missing]})`),
          );
          expect(target.every((x) => x === 0xa5)).toBe(true);
        }
      }),
      propParams(RUNS),
    );
  }, testTimeout(RUNS));
});
