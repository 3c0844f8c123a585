/**
 * Numeric lanes: the element types a shared numeric channel carries, and the checks a value
 * must pass before it may enter one (API.md section 4, "Bad input").
 */
import { describe, undefinedPutError } from '../errors.js';
import { LANES, type LaneType } from './layout.js';
import type { Lane } from './ring.js';

const CONSTRUCTORS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
} as const;

/** Lane type names by code (layout's LANE_* order). */
export const LANE_TYPES = Object.keys(LANES) as LaneType[];

/** A typed array of `type` over `bytes` of `buffer` starting at `offset`. */
export function laneView(type: LaneType, buffer: SharedArrayBuffer, offset: number, length: number): Lane {
  const Ctor = CONSTRUCTORS[type] as unknown as new (b: ArrayBufferLike, offset: number, length: number) => Lane;
  return new Ctor(buffer, offset, length);
}

/**
 * Throws unless `value` may enter a lane of `type`: a number (TypeError otherwise), and for
 * integer lanes an integer within range (RangeError otherwise). `undefined` is the closed
 * marker (TypeError).
 */
export function checkLaneValue(where: string, type: LaneType, value: unknown): asserts value is number {
  if (typeof value !== 'number') {
    if (value === undefined) throw undefinedPutError(where);
    throw new TypeError(`${where}: a ${type} channel carries numbers, got ${describe(value)} (nothing was enqueued)`);
  }
  const lane = LANES[type];
  if (lane.integer && !(Number.isInteger(value) && value >= lane.min && value <= lane.max)) {
    throw new RangeError(
      `${where}: a ${type} channel carries integers from ${lane.min} to ${lane.max}, got ${value} (nothing was enqueued)`,
    );
  }
}

/** Checks every element of `src` first, so that a bad one enqueues none (API.md putMany). */
export function checkLaneValues(where: string, type: LaneType, src: unknown): ArrayLike<number> {
  if (typeof src !== 'object' || src === null || typeof (src as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${where}: expected an array or typed array of numbers, got ${describe(src)}`);
  }
  const values = src as ArrayLike<unknown>;
  // A typed array of the same kind (or any float array for a float lane) needs no per-element check.
  if (src instanceof CONSTRUCTORS[type] || (!LANES[type].integer && (src instanceof Float64Array || src instanceof Float32Array))) {
    return values as ArrayLike<number>;
  }
  for (let i = 0; i < values.length; i++) checkLaneValue(`${where}: element ${i}`, type, values[i]);
  return values as ArrayLike<number>;
}
