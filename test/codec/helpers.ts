/**
 * Helpers for the codec tests: views on a SharedArrayBuffer at odd offsets (how the byte
 * ring hands them to codecs), round trips through them, and error assertions.
 */
import { expect } from 'vitest';
import type { Codec } from '../../src/codec/index.js';

/** A Uint8Array of `length` bytes on a SharedArrayBuffer, at an unaligned offset. */
export function sharedView(length: number, offset = 7): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(offset + length + 9), offset, length);
}

/** Encodes `value` into a shared view (growing it on -1), checks the length, and decodes. */
export function roundTrip<T>(codec: Codec<T>, value: T, start = 64): { decoded: T; bytes: Uint8Array } {
  for (let size = start; ; size *= 2) {
    const view = sharedView(size);
    const n = codec.encode(value, view);
    if (n === -1) continue;
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThanOrEqual(size);
    const bytes = view.subarray(0, n);
    return { decoded: codec.decode(bytes), bytes };
  }
}

/** The exact encoded length of `value` (encoding into a big enough plain buffer). */
export function encodedLength<T>(codec: Codec<T>, value: T, max = 1 << 20): number {
  const n = codec.encode(value, new Uint8Array(max));
  expect(n).toBeGreaterThanOrEqual(0);
  return n;
}

type ErrorClass = typeof TypeError | typeof RangeError;

/**
 * `f` throws an instance of `cls` whose message matches, and leaves `target` (if given)
 * byte for byte as it was: nothing is written for a value that cannot be encoded.
 */
export function throwsWithoutWriting(f: (target: Uint8Array) => unknown, cls: ErrorClass, message: RegExp, size = 4096): Error {
  const target = sharedView(size);
  target.fill(0xa5);
  let error: unknown;
  try {
    f(target);
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a throw').toBeInstanceOf(cls);
  expect((error as Error).message).toMatch(message);
  expect(target.every((b) => b === 0xa5), 'nothing was written into the target').toBe(true);
  return error as Error;
}
