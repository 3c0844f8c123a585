/**
 * Schemas of `structCodec`: their types, and their compilation into a fixed byte layout.
 *
 * Layout (little-endian, fields in schema order, no padding or alignment):
 *   f64 8, f32 4, i32 4, u32 4, i16 2, u16 2, i8 1, u8 1 bytes;
 *   bool        1 byte, 0 or 1;
 *   string:N    a length prefix (u8 when N <= 255, u16 when N <= 65535, else u32) holding
 *               the UTF-8 byte count, then N bytes: the string, zero-filled after it;
 *   T[N]        N elements of the numeric type T.
 * Every message of one schema therefore has the same size (`byteLength`).
 */

/** The numeric field types, with their sizes in bytes. */
export const NUMERIC = { f64: 8, f32: 4, i32: 4, u32: 4, i16: 2, u16: 2, i8: 1, u8: 1 } as const;
export type NumericType = keyof typeof NUMERIC;

/** A field type: a number, a boolean, a UTF-8 string of at most N bytes, or N numbers. */
export type StructFieldType = NumericType | 'bool' | `string:${number}` | `${NumericType}[${number}]`;

/** Field names mapped to field types, e.g. `{ id: 'u32', name: 'string:16', values: 'f64[8]' }`. */
export type StructSchema = { readonly [field: string]: StructFieldType };

/** The values a schema describes: numbers, booleans, strings, and plain arrays of numbers. */
export type StructValue<S extends StructSchema> = {
  -readonly [K in keyof S]: S[K] extends 'bool'
    ? boolean
    : S[K] extends `string:${number}`
      ? string
      : S[K] extends `${NumericType}[${number}]`
        ? number[]
        : number;
};

/** Where one field lives in a message (for readers in other languages, and for tests). */
export interface StructFieldLayout {
  readonly name: string;
  readonly type: StructFieldType;
  /** Byte offset of the field in the message. */
  readonly offset: number;
  /** Bytes the field occupies, a string's length prefix included. */
  readonly byteLength: number;
}

/** The largest N accepted in `string:N` and `T[N]`: a bigger payload belongs in a bytes channel. */
export const MAX_N = 1 << 24;

/** Field kinds, small integers for the encoder's and decoder's switches (numeric kinds first). */
export const F64 = 0, F32 = 1, I32 = 2, U32 = 3, I16 = 4, U16 = 5, I8 = 6, U8 = 7, BOOL = 8, STRING = 9;
export type Kind = number;

const NUMERIC_KIND: Record<NumericType, Kind> = { f64: F64, f32: F32, i32: I32, u32: U32, i16: I16, u16: U16, i8: I8, u8: U8 };

/** Numeric kind -> DataView accessor suffix (`getFloat64` ...), for the generated code. */
export const DATAVIEW_TYPE = ['Float64', 'Float32', 'Int32', 'Uint32', 'Int16', 'Uint16', 'Int8', 'Uint8'] as const;

/** Inclusive ranges of the integer kinds (floats take any number). */
export const INT_RANGE: Readonly<Record<Kind, readonly [number, number]>> = {
  [I32]: [-(2 ** 31), 2 ** 31 - 1], [U32]: [0, 2 ** 32 - 1], [I16]: [-32768, 32767],
  [U16]: [0, 65535], [I8]: [-128, 127], [U8]: [0, 255],
};

/** A compiled field. Every instance has the same shape, so the codec's loops stay monomorphic. */
export class Field implements StructFieldLayout {
  constructor(
    readonly name: string,
    readonly type: StructFieldType,
    readonly kind: Kind,
    readonly offset: number,
    readonly byteLength: number,
    /** Element count of an array field; -1 for a scalar. */
    readonly count: number,
    /** Element size of a numeric field (scalar or array); the N of a string field. */
    readonly unit: number,
    /** Bytes of a string's length prefix (1, 2 or 4); 0 for other kinds. */
    readonly prefix: number,
  ) {}
}

/**
 * Compiles a schema into fields with offsets.
 * @throws {TypeError} for a schema that is not an object, has no fields, names a field
 *   `__proto__`, or uses an unknown type (arrays of bool or string included).
 * @throws {RangeError} for an N that is not an integer from 1 to MAX_N.
 */
export function compileSchema(schema: unknown): Field[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new TypeError(`structCodec: the schema must be an object mapping field names to types, such as { id: 'u32', name: 'string:16' }`);
  }
  const fields: Field[] = [];
  let offset = 0;
  for (const name of Object.keys(schema)) {
    const field = compileField(name, (schema as Record<string, unknown>)[name], offset);
    fields.push(field);
    offset += field.byteLength;
  }
  if (fields.length === 0) throw new TypeError('structCodec: the schema has no fields');
  return fields;
}

function compileField(name: string, type: unknown, offset: number): Field {
  const where = `structCodec: field ${JSON.stringify(name)}`;
  // Decoded objects are built by assignment or as a literal: `__proto__` would set the prototype.
  if (name === '__proto__') throw new TypeError(`${where}: this name cannot be a field`);
  if (typeof type !== 'string') {
    throw new TypeError(`${where}: the type must be a string such as 'f64', 'string:16' or 'u8[4]', got ${typeof type}`);
  }
  if (Object.hasOwn(NUMERIC, type)) {
    const unit = NUMERIC[type as NumericType];
    return new Field(name, type as StructFieldType, NUMERIC_KIND[type as NumericType], offset, unit, -1, unit, 0);
  }
  if (type === 'bool') return new Field(name, type, BOOL, offset, 1, -1, 1, 0);
  const array = /^(.+)\[(.*)\]$/.exec(type);
  if (array) {
    if (!Object.hasOwn(NUMERIC, array[1]!)) {
      throw new TypeError(`${where}: arrays hold numeric types only (${Object.keys(NUMERIC).join(', ')}), got '${type}'`);
    }
    const n = parseN(where, type, array[2]!);
    const unit = NUMERIC[array[1] as NumericType];
    return new Field(name, type as StructFieldType, NUMERIC_KIND[array[1] as NumericType], offset, unit * n, n, unit, 0);
  }
  const string = /^string:(.*)$/.exec(type);
  if (string) {
    const n = parseN(where, type, string[1]!);
    const prefix = n <= 0xff ? 1 : n <= 0xffff ? 2 : 4;
    return new Field(name, type as StructFieldType, STRING, offset, prefix + n, -1, n, prefix);
  }
  throw new TypeError(`${where}: unknown type '${type}'; use one of ${Object.keys(NUMERIC).join(', ')}, bool, string:N, T[N]`);
}

function parseN(where: string, type: string, text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_N)) throw new RangeError(`${where}: N in '${type}' must be an integer from 1 to ${MAX_N}`);
  return n;
}
