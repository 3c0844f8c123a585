/**
 * `resolveCodec`: turns an object channel's `codec` option into a checked codec.
 */
import { describe } from '../errors.js';
import type { Codec } from './codec.js';
import { jsonCodec } from './json.js';

/**
 * Returns the codec an object channel should use: `jsonCodec` for `'json'` or an absent
 * option, else the given codec object after checking that it has the `Codec` members.
 * @throws {TypeError} for another string, a non-object, or an object without a non-empty
 *   string `name`, an `encode` and a `decode` function, or with a `maxEncodedSize` that is
 *   not a function.
 */
export function resolveCodec<T>(option: 'json' | Codec<T> | undefined): Codec<T> {
  if (option === undefined || option === 'json') return jsonCodec as Codec<T>;
  const where = 'codec option';
  if (typeof option === 'string') {
    throw new TypeError(`${where}: unknown codec '${option}'; use 'json' or a codec object such as utf8Codec, bytesCodec or structCodec(schema)`);
  }
  if (typeof option !== 'object' || option === null) {
    throw new TypeError(`${where}: expected 'json' or a codec object { name, encode, decode }, got ${describe(option)}`);
  }
  const c = option as Partial<Record<keyof Codec<T>, unknown>>;
  if (typeof c.name !== 'string' || c.name === '') {
    throw new TypeError(`${where}: a codec needs a non-empty string 'name', got ${describe(c.name)}`);
  }
  for (const member of ['encode', 'decode'] as const) {
    if (typeof c[member] !== 'function') {
      throw new TypeError(`${where}: codec '${c.name}' needs a function '${member}', got ${describe(c[member])}`);
    }
  }
  if (c.maxEncodedSize !== undefined && typeof c.maxEncodedSize !== 'function') {
    throw new TypeError(`${where}: codec '${c.name}': 'maxEncodedSize' must be a function when present, got ${describe(c.maxEncodedSize)}`);
  }
  return option;
}
