/**
 * `bytesCodec`: raw bytes, copied as they are.
 */
import { describe } from '../errors.js';
import type { Codec } from './codec.js';

/** `%TypedArray%.prototype[Symbol.toStringTag]`: names a typed array's kind across realms. */
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!
  .get as (this: unknown) => string | undefined;

/**
 * Bytes codec: a `Uint8Array` in (a Node `Buffer` too), a `Uint8Array` out.
 *
 * `decode` returns a fresh copy on its own (non-shared) ArrayBuffer that the caller owns
 * and may keep, modify or transfer: the message bytes in the ring are reused as soon as
 * `decode` returns. That copy is the one allocation per message this codec makes.
 *
 * @throws {TypeError} from `encode` for anything but a Uint8Array (wrap other views:
 *   `new Uint8Array(view.buffer, view.byteOffset, view.byteLength)`).
 */
export const bytesCodec: Codec<Uint8Array> = {
  name: 'bytes',
  encode(value: Uint8Array, target: Uint8Array): number {
    check(value);
    if (value.length > target.length) return -1;
    target.set(value);
    return value.length;
  },
  decode(source: Uint8Array): Uint8Array {
    return new Uint8Array(source); // a copy: `slice()` on a Buffer would be a view
  },
  maxEncodedSize(value: Uint8Array): number {
    check(value);
    return value.length;
  },
};

function check(value: unknown): asserts value is Uint8Array {
  if (typedArrayTag.call(value) !== 'Uint8Array') {
    throw new TypeError(`bytes codec: expected a Uint8Array, got ${typeTag(value)}`);
  }
}

function typeTag(value: unknown): string {
  const tag = typedArrayTag.call(value);
  return tag !== undefined ? `a ${tag}` : describe(value);
}
