/**
 * The UTF-8 helpers behind the codecs: the JS loop against TextEncoder/TextDecoder, and the
 * shared-memory decoding paths (direct on Node 20; copying where the engine refuses shared
 * views, as Chrome's TextDecoder does).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propParams } from '../helpers/fc-params.js';
import {
  LONE_SURROGATE, SharedSafeDecoder, TOO_LONG, isShared, isWellFormed, isWellFormedFallback, readUtf8, utf8Length, writeUtf8,
} from '../../src/codec/text.js';
import { sharedView } from './helpers.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

describe('writeUtf8 / readUtf8', () => {
  it('agree with TextEncoder/TextDecoder for any well-formed string, short (JS loop) or long', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.nat(5), (s, at) => {
        const expected = encoder.encode(s);
        expect(utf8Length(s)).toBe(expected.length);
        const dst = new Uint8Array(at + expected.length + 3);
        expect(writeUtf8(encoder, s, dst, at, expected.length)).toBe(expected.length);
        expect([...dst.subarray(at, at + expected.length)]).toEqual([...expected]);
        expect(readUtf8(decoder, dst, at, expected.length)).toBe(s);
        if (expected.length > 0) expect(writeUtf8(encoder, s, dst, at, expected.length - 1)).toBe(TOO_LONG);
      }),
      propParams(300),
    );
  });

  it('refuse lone surrogates instead of replacing them', () => {
    for (const s of ['\ud800', 'ab\udc00', '\ud83d', 'x'.repeat(100) + '\ud800']) {
      expect(isWellFormed(s)).toBe(false);
      expect(writeUtf8(encoder, s, new Uint8Array(400), 0, 400)).toBe(LONE_SURROGATE);
    }
    expect(isWellFormed('🎉')).toBe(true);
  });

  it('refuse exactly the strings with a lone surrogate (any UTF-16), and the fallback check agrees', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const wellFormed = s.isWellFormed();
        expect(isWellFormedFallback(s)).toBe(wellFormed);
        const n = writeUtf8(encoder, s, new Uint8Array(300), 0, 300);
        if (wellFormed) expect(n).toBe(utf8Length(s));
        else expect(n).toBe(LONE_SURROGATE);
      }),
      propParams(500),
    );
  });

  it('readUtf8 keeps a leading byte order mark', () => {
    const bytes = encoder.encode('\ufeffé');
    expect(readUtf8(decoder, bytes, 0, bytes.length)).toBe('\ufeffé');
  });
});

describe('SharedSafeDecoder', () => {
  it('on Node 20, TextDecoder decodes views on a SharedArrayBuffer directly', () => {
    const view = sharedView(5);
    view.set(encoder.encode('héllo').subarray(0, 5));
    expect(isShared(view)).toBe(true);
    expect(() => new TextDecoder().decode(view)).not.toThrow();
  });

  it('copies shared views into private scratch once the engine refuses them (Chrome)', () => {
    /** A decoder that behaves like Chrome's: shared views throw. */
    const seen: boolean[] = [];
    const chromeLike = {
      decode(input: Uint8Array): string {
        seen.push(isShared(input));
        if (isShared(input)) throw new TypeError("Failed to execute 'decode' on 'TextDecoder': The provided ArrayBufferView value must not be shared.");
        return decoder.decode(input);
      },
    };
    const d = new SharedSafeDecoder(chromeLike);
    const text = '漢字 and ascii'.repeat(40); // bigger than the initial scratch
    const view = sharedView(encoder.encode(text).length, 3);
    encoder.encodeInto(text, view);
    expect(d.decode(view)).toBe(text);
    expect(d.decode(view.subarray(0, 6))).toBe('漢字');
    expect(d.decode(Uint8Array.from([104, 105]))).toBe('hi'); // non-shared: straight through
    // One refused attempt, then copies only (never a shared view again):
    expect(seen).toEqual([true, false, false, false]);
  });

  it('rethrows errors that are not about shared memory', () => {
    const broken = { decode(): string { throw new RangeError('broken'); } };
    expect(() => new SharedSafeDecoder(broken).decode(new Uint8Array(1))).toThrow('broken');
  });
});
