/**
 * `structCodec(schema)`: a fixed-shape codec for hot paths (layout in ./struct-schema.ts).
 *
 * Why a private scratch buffer: every message is built in a private, non-shared buffer with
 * one DataView made at construction, then copied into the target with one `set` (85 bytes into
 * a SAB: ~12 ns when the target is 8-byte aligned, ~31 ns otherwise, as V8 then copies
 * shared memory byte by byte). Writing through a DataView over the caller's view instead needs
 * `target.buffer` and `target.byteOffset` (~15 ns each on Node 20) or a new DataView per
 * message (~65 ns); caching a DataView per target would keep the target alive (contract C1).
 * Decoding copies the same way, so DataViews and `TextDecoder` only ever see private memory.
 * The scratch also gives "nothing written" for free: a bad field throws before the copy.
 *
 * The per-field work is generated code (./struct-compile.ts) where the runtime allows it,
 * else an interpreted loop (./struct-interpret.ts); both give the same bytes and errors.
 */
import { describe } from '../errors.js';
import type { Codec } from './codec.js';
import { compileFields } from './struct-compile.js';
import type { FieldOps } from './struct-fields.js';
import { interpretFields } from './struct-interpret.js';
import { compileSchema, type StructFieldLayout, type StructFieldType, type StructSchema, type StructValue } from './struct-schema.js';

export type { StructFieldLayout, StructFieldType, StructSchema, StructValue } from './struct-schema.js';

/** A struct codec: every message has the same size, `byteLength`. */
export interface StructCodec<T> extends Codec<T> {
  /** Size of every message in bytes. */
  readonly byteLength: number;
  /** Offsets and sizes of the fields, in schema (and message) order. */
  readonly layout: readonly StructFieldLayout[];
  /**
   * The schema, as a frozen copy: plain data, so it can travel to another thread (in a
   * channel handle, say), where `structCodec(schema)` rebuilds the same codec.
   */
  readonly schema: Readonly<Record<string, StructFieldType>>;
  /** Whether the fast generated path is in use (false: the interpreted fallback). */
  readonly compiled: boolean;
  /** Always `byteLength` (whatever the value). */
  maxEncodedSize(): number;
}

export interface StructCodecOptions {
  /**
   * Generate specialised code for this schema with `new Function` (default true). Set
   * false under a Content-Security-Policy without 'unsafe-eval' to skip the attempt (and
   * its CSP violation report); where generation is refused the codec falls back by itself.
   */
  codegen?: boolean;
}

/**
 * Compiles a fixed-shape codec from a schema, for plain objects of numbers, booleans, short
 * strings and fixed-length number arrays.
 *
 * Encoding accepts any object with those fields (extra properties are ignored); array
 * fields accept an array or a typed array of exactly N numbers. Decoding returns a new plain
 * object with the fields in schema order, array fields as plain `number[]` (so a decoded
 * value deep-equals the object that was sent, as with JSON). Floats keep the values that
 * matter: NaN, -0 and ±Infinity survive f64; f32 rounds as `Math.fround` does. Integer
 * fields store -0 as 0.
 *
 * @throws {TypeError} at construction for a bad schema (not an object, no fields, an unknown
 *   type, an array of bool or string, a field named `__proto__`).
 * @throws {RangeError} at construction for an N that is not an integer from 1 to 2^24.
 * @throws {TypeError} from `encode` for a wrong shape, naming the field: a missing field, a
 *   wrong type, a string over N bytes of UTF-8 or with a lone surrogate, an integer field
 *   given a non-integer or an out-of-range number, an array of the wrong length.
 * @example
 * const reading = structCodec({ id: 'u32', name: 'string:16', values: 'f64[8]', ok: 'bool' });
 * reading.byteLength; // 4 + (1 + 16) + 64 + 1 = 86
 * const bytes = new Uint8Array(reading.byteLength);
 * reading.encode({ id: 1, name: 'probe', values: [0, 1, 2, 3, 4, 5, 6, 7], ok: true }, bytes); // 86
 */
export function structCodec<const S extends StructSchema>(schema: S, options: StructCodecOptions = {}): StructCodec<StructValue<S>> {
  type T = StructValue<S>;
  const fields = compileSchema(schema);
  const last = fields[fields.length - 1]!;
  const size = last.offset + last.byteLength;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true }); // a leading U+FEFF is content
  const generated = options.codegen === false ? undefined : compileFields(fields, encoder, decoder);
  const ops: FieldOps = generated ?? interpretFields(fields, encoder, decoder);
  const scratch = new Uint8Array(size);
  const view = new DataView(scratch.buffer);
  /** The scratch is in use: a getter on the value re-entered `encode`. */
  let busy = false;
  const fieldNames = fields.map((f) => f.name).join(', ');

  function encode(value: T, target: Uint8Array): number {
    if (typeof value !== 'object' || value === null) {
      throw new TypeError(`struct codec: expected an object with fields ${fieldNames}, got ${describe(value)}`);
    }
    if (busy) {
      // A getter on the value (user code) encodes with this codec again: the nested call
      // gets a buffer of its own instead of overwriting ours halfway through.
      const bytes = new Uint8Array(size);
      ops.write(value, bytes, new DataView(bytes.buffer));
      if (target.length < size) return -1;
      target.set(bytes);
      return size;
    }
    busy = true;
    try {
      ops.write(value, scratch, view);
    } finally {
      busy = false;
    }
    if (target.length < size) return -1;
    target.set(scratch);
    return size;
  }

  function decode(source: Uint8Array): T {
    if (source.length !== size) {
      throw new TypeError(`struct codec: expected a message of ${size} bytes, got ${source.length} (was it written with another schema?)`);
    }
    if (busy) {
      // Called from a getter during `encode` (see there): leave the scratch alone.
      const bytes = new Uint8Array(source);
      return ops.read(bytes, new DataView(bytes.buffer)) as T;
    }
    scratch.set(source);
    return ops.read(scratch, view) as T;
  }

  const layout = Object.freeze(fields.map(({ name, type, offset, byteLength }) => Object.freeze({ name, type, offset, byteLength })));
  const copy = Object.freeze(Object.fromEntries(fields.map((f) => [f.name, f.type])));
  return { name: 'struct', byteLength: size, layout, schema: copy, compiled: generated !== undefined, encode, decode, maxEncodedSize: () => size };
}
