/**
 * The pieces of `structCodec` that both field paths share (internal): the generated one
 * (./struct-compile.ts) and the interpreted one (./struct-interpret.ts). Keeping the checks,
 * the string handling and every error message here is what makes the two paths agree; the
 * tests run both.
 */
import { describe } from '../errors.js';
import { BOOL, F32, F64, I16, I32, I8, INT_RANGE, STRING, U16, U32, U8, type Field, type Kind } from './struct-schema.js';
import { LONE_SURROGATE, TOO_LONG, type Utf8Decoder, readUtf8, utf8Length, writeUtf8 } from './text.js';

/** Writes a value's fields into a message buffer, or throws (TypeError) for a wrong shape. */
export type WriteFields = (value: object, bytes: Uint8Array, dv: DataView) => void;
/** Reads the fields of a message buffer into a new plain object. */
export type ReadFields = (bytes: Uint8Array, dv: DataView) => Record<string, unknown>;

export interface FieldOps {
  readonly write: WriteFields;
  readonly read: ReadFields;
}

/** Whether number `v` can be stored in a field of `kind` (integer and in range; floats: any). */
export function fits(kind: Kind, v: number): boolean {
  switch (kind) {
    case I32: return (v | 0) === v;
    case U32: return v >>> 0 === v;
    case I16: return (v << 16) >> 16 === v;
    case U16: return (v & 0xffff) === v;
    case I8: return (v << 24) >> 24 === v;
    case U8: return (v & 0xff) === v;
    default: return true;
  }
}

/** The same tests as `fits`, as JS source over a variable `x`, for the generated code. */
export const FITS_SOURCE: Readonly<Record<Kind, string>> = {
  [F64]: 'true', [F32]: 'true', [I32]: '(x | 0) === x', [U32]: 'x >>> 0 === x',
  [I16]: '(x << 16) >> 16 === x', [U16]: '(x & 0xffff) === x', [I8]: '(x << 24) >> 24 === x', [U8]: '(x & 0xff) === x',
};

/** An array or a typed array (a BigInt64Array's elements then fail the number check). */
export function isNumberList(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/**
 * Writes string field `f` at its offset: the length prefix, the UTF-8 bytes, then zeros to
 * the end of the field (equal values give equal bytes, and no stale bytes leave). Returns
 * the byte count, or TOO_LONG / LONE_SURROGATE with nothing meaningful written.
 */
export function putString(encoder: TextEncoder, v: string, bytes: Uint8Array, dv: DataView, f: Field): number {
  const start = f.offset + f.prefix;
  const n = writeUtf8(encoder, v, bytes, start, f.unit);
  if (n < 0) return n;
  if (f.prefix === 1) bytes[f.offset] = n;
  else if (f.prefix === 2) dv.setUint16(f.offset, n, true);
  else dv.setUint32(f.offset, n, true);
  const end = start + f.unit;
  if (end - start - n > 32) bytes.fill(0, start + n, end);
  else for (let p = start + n; p < end; p++) bytes[p] = 0;
  return n;
}

/** Reads string field `f`. @throws {TypeError} when the length prefix exceeds N (corrupt). */
export function getString(decoder: Utf8Decoder, bytes: Uint8Array, dv: DataView, f: Field): string {
  const n = f.prefix === 1 ? bytes[f.offset]! : f.prefix === 2 ? dv.getUint16(f.offset, true) : dv.getUint32(f.offset, true);
  if (n > f.unit) {
    throw new TypeError(`struct codec: field ${JSON.stringify(f.name)}: corrupt message (a string of ${n} bytes in ${f.type})`);
  }
  return readUtf8(decoder, bytes, f.offset + f.prefix, n);
}

/**
 * The TypeError for a value that field `f` refuses. `element` is the array index of a bad
 * element, else -1. `code` is putString's result for a string that did not fit.
 */
export function fieldError(f: Field, v: unknown, element: number, code = 0): TypeError {
  const name = element < 0 ? f.name : `${f.name}[${element}]`;
  const where = `struct codec: field ${JSON.stringify(name)}`;
  if (code === TOO_LONG) return new TypeError(`${where}: string of ${utf8Length(v as string)} bytes exceeds ${f.type}`);
  if (code === LONE_SURROGATE) return new TypeError(`${where}: the string has a lone surrogate, which UTF-8 cannot represent`);
  const type = element < 0 ? f.type : f.type.slice(0, f.type.indexOf('['));
  if (v === undefined) return new TypeError(`${where} is missing (expected ${type})`);
  const expected =
    f.kind === STRING ? 'a string' : f.kind === BOOL ? 'a boolean' : f.count >= 0 && element < 0 ? `an array of ${f.count} numbers` : 'a number';
  if (expected !== 'a number' || typeof v !== 'number') return new TypeError(`${where}: expected ${expected} (${type}), got ${what(v)}`);
  if (!Number.isInteger(v)) return new TypeError(`${where}: ${v} is not an integer (${type})`);
  const [min, max] = INT_RANGE[f.kind]!;
  return new TypeError(`${where}: ${v} is out of range for ${type} (${min} to ${max})`);
}

function what(v: unknown): string {
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}`;
  return typeof v === 'symbol' ? 'a symbol' : describe(v);
}

export function writeNumber(dv: DataView, kind: Kind, o: number, v: number): void {
  switch (kind) {
    case F64: dv.setFloat64(o, v, true); break;
    case F32: dv.setFloat32(o, v, true); break;
    case I32: dv.setInt32(o, v, true); break;
    case U32: dv.setUint32(o, v, true); break;
    case I16: dv.setInt16(o, v, true); break;
    case U16: dv.setUint16(o, v, true); break;
    case I8: dv.setInt8(o, v); break;
    default: dv.setUint8(o, v);
  }
}

export function readNumber(dv: DataView, kind: Kind, o: number): number {
  switch (kind) {
    case F64: return dv.getFloat64(o, true);
    case F32: return dv.getFloat32(o, true);
    case I32: return dv.getInt32(o, true);
    case U32: return dv.getUint32(o, true);
    case I16: return dv.getInt16(o, true);
    case U16: return dv.getUint16(o, true);
    case I8: return dv.getInt8(o);
    default: return dv.getUint8(o);
  }
}
