/**
 * `utf8Codec`: strings as their UTF-8 bytes, with no framing (the channel's record length
 * is the string's length in bytes).
 */
import { describe } from '../errors.js';
import type { Codec } from './codec.js';
import { SharedSafeDecoder, isWellFormed } from './text.js';

/** One encoder and decoder for this codec, reused for every message. */
const encoder = new TextEncoder();
const decoder = new SharedSafeDecoder();

/**
 * UTF-8 codec for strings. Every string round-trips exactly, the empty string and a leading
 * U+FEFF (byte order mark) included.
 *
 * @throws {TypeError} from `encode` for a non-string, or a string with a lone surrogate
 *   (UTF-8 cannot represent one; `TextEncoder` would silently turn it into U+FFFD).
 */
export const utf8Codec: Codec<string> = {
  name: 'utf8',
  encode(value: string, target: Uint8Array): number {
    check(value);
    if (value.length > target.length) return -1; // at least one byte per UTF-16 unit
    const { read, written } = encoder.encodeInto(value, target);
    return read < value.length ? -1 : written;
  },
  decode(source: Uint8Array): string {
    return decoder.decode(source);
  },
  /** 3 bytes per UTF-16 unit at most (a surrogate pair: 2 units, 4 bytes). */
  maxEncodedSize(value: string): number {
    check(value);
    return value.length * 3;
  },
};

function check(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`utf8 codec: expected a string, got ${describe(value)}`);
  if (!isWellFormed(value)) {
    throw new TypeError('utf8 codec: the string has a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot represent');
  }
}
