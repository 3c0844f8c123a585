/**
 * Custom (not built-in) codecs for the object-channel tests, importable from the main thread
 * and from workers alike, so that both ends of a channel can hold "the same" custom codec as
 * separate instances (codec.ts C4, C5), which is how real programs will use them.
 */
import { structCodec, type Codec } from '../../../src/index.js';

/** Marks a message the `tagged` codec refuses to decode (a decode that throws). */
export const POISON = 'poison';

/**
 * Strings as UTF-8 behind a 1-byte tag (0x54). `decode` throws a plain Error for the string
 * POISON: a consumer-side failure after the message has left the ring.
 */
export function taggedCodec(name = 'tagged'): Codec<string> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    name,
    encode(value, target) {
      if (typeof value !== 'string') throw new TypeError(`${name} codec: expected a string, got ${typeof value}`);
      const bytes = encoder.encode(value);
      if (target.length < bytes.length + 1) return -1;
      target[0] = 0x54;
      target.set(bytes, 1);
      return bytes.length + 1;
    },
    decode(source) {
      if (source[0] !== 0x54) throw new TypeError(`${name} codec: bad tag ${source[0]}`);
      const text = decoder.decode(source.slice(1));
      if (text === POISON) throw new Error(`${name} codec: refusing to decode '${POISON}'`);
      return text;
    },
  };
}

/** A small struct schema, for attach checks. */
export const STRUCT_AB = { a: 'u8', b: 'u8' } as const;

/** The codecs a worker can be asked to attach with, by key. */
export const CUSTOM_CODECS: Record<string, () => Codec<any>> = {
  tagged: () => taggedCodec('tagged'),
  otherName: () => taggedCodec('tagged-v2'),
  /** Struct codecs (all named 'struct'): the schema of STRUCT_AB, and another one. */
  structAB: () => structCodec(STRUCT_AB),
  structX: () => structCodec({ x: 'i16' }),
};
