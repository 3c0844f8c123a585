/**
 * resolveCodec: the `codec` option of object channels ('json' by default, or a codec
 * object checked for the Codec members).
 */
import { describe, expect, it } from 'vitest';
import { bytesCodec, jsonCodec, resolveCodec, structCodec, utf8Codec, type Codec } from '../../src/codec/index.js';

describe('resolveCodec', () => {
  it("gives jsonCodec for 'json' and for an absent option", () => {
    expect(resolveCodec(undefined)).toBe(jsonCodec);
    expect(resolveCodec('json')).toBe(jsonCodec);
  });

  it('returns a codec object as it is: the built-ins, and a user codec', () => {
    const point = structCodec({ x: 'f64', y: 'f64' });
    for (const c of [utf8Codec, bytesCodec, point] as Codec<unknown>[]) expect(resolveCodec(c)).toBe(c);
    const mine: Codec<number> = { name: 'mine', encode: () => 0, decode: () => 1 };
    expect(resolveCodec(mine)).toBe(mine);
    const withSize: Codec<number> = { ...mine, maxEncodedSize: () => 8 };
    expect(resolveCodec(withSize)).toBe(withSize);
  });

  const bad: [string, unknown, RegExp][] = [
    ['another name', 'xml', /^codec option: unknown codec 'xml'; use 'json' or a codec object/],
    ['null', null, /^codec option: expected 'json' or a codec object \{ name, encode, decode \}, got null$/],
    ['a number', 5, /got number 5$/],
    ['a function', () => 0, /got a function$/],
    ['no name', { encode() {}, decode() {} }, /^codec option: a codec needs a non-empty string 'name', got undefined$/],
    ['an empty name', { name: '', encode() {}, decode() {} }, /non-empty string 'name', got string ""$/],
    ['no encode', { name: 'c', decode() {} }, /^codec option: codec 'c' needs a function 'encode', got undefined$/],
    ['a decode that is not a function', { name: 'c', encode() {}, decode: 'x' }, /codec 'c' needs a function 'decode', got string "x"$/],
    ['a bad maxEncodedSize', { name: 'c', encode() {}, decode() {}, maxEncodedSize: 8 }, /codec 'c': 'maxEncodedSize' must be a function when present, got number 8$/],
  ];
  it.each(bad)('TypeError for %s', (_, option, message) => {
    let error: unknown;
    try {
      resolveCodec(option as Codec<unknown>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(message);
  });
});
