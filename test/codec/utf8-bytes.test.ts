/**
 * utf8Codec (strings) and bytesCodec (Uint8Array): exact round trips, the -1 contract,
 * bad input, and decode results that the caller owns.
 */
import { describe, expect, it } from 'vitest';
import { bytesCodec, utf8Codec } from '../../src/codec/index.js';
import { encodedLength, roundTrip, sharedView, throwsWithoutWriting } from './helpers.js';

describe('utf8Codec', () => {
  const strings: [string, string][] = [
    ['empty', ''],
    ['ascii', 'sensor-01'],
    ['2-, 3- and 4-byte characters', 'é 漢 🎉 👩‍👩‍👧'],
    ['a leading byte order mark (kept, not stripped)', '\ufeffhello'],
    ['only a byte order mark', '\ufeff'],
    ['NUL and control characters', '\u0000a\u0001\u007f'],
    ['long', 'abc☃'.repeat(20_000)],
  ];
  it.each(strings)('round-trips %s', (_, s) => {
    const { decoded, bytes } = roundTrip(utf8Codec, s);
    expect(decoded).toBe(s);
    expect([...bytes]).toEqual([...new TextEncoder().encode(s)]);
  });

  it('returns -1 for a small target (bytes, not UTF-16 units, decide), then succeeds', () => {
    expect(utf8Codec.encode('é', sharedView(1))).toBe(-1);
    expect(utf8Codec.encode('abc', sharedView(2))).toBe(-1);
    expect(utf8Codec.encode('🎉', sharedView(3))).toBe(-1);
    const view = sharedView(4);
    expect(utf8Codec.encode('🎉', view)).toBe(4);
    expect(utf8Codec.decode(view)).toBe('🎉');
    expect(utf8Codec.encode('', sharedView(0))).toBe(0);
  });

  it('maxEncodedSize is an upper bound', () => {
    for (const s of ['', 'a', 'é', '漢', '🎉', 'a🎉é漢']) {
      expect(utf8Codec.maxEncodedSize!(s)).toBeGreaterThanOrEqual(encodedLength(utf8Codec, s));
    }
  });

  it('refuses a non-string and a lone surrogate with a TypeError, writing nothing', () => {
    const encode = (v: unknown) => (t: Uint8Array) => utf8Codec.encode(v as string, t);
    throwsWithoutWriting(encode(42), TypeError, /^utf8 codec: expected a string, got number 42$/);
    throwsWithoutWriting(encode(null), TypeError, /got null/);
    throwsWithoutWriting(encode(undefined), TypeError, /got undefined/);
    throwsWithoutWriting(encode(new String('boxed')), TypeError, /got an object \(String\)/);
    for (const lone of ['\ud800', 'a\udc00', 'x\ud83d', '\udfff\ud800']) {
      throwsWithoutWriting(encode(lone), TypeError, /^utf8 codec: the string has a lone surrogate/);
    }
    expect(() => utf8Codec.maxEncodedSize!(7 as unknown as string)).toThrow(TypeError);
    expect(roundTrip(utf8Codec, 'still works').decoded).toBe('still works');
  });
});

describe('bytesCodec', () => {
  it('round-trips bytes, empty included, through shared memory', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const value of [new Uint8Array(0), all, new Uint8Array(100_000).fill(7)]) {
      expect(roundTrip(bytesCodec, value).decoded).toEqual(value);
    }
  });

  it('accepts a subarray and a Node Buffer (a Uint8Array)', () => {
    const big = Uint8Array.from([9, 1, 2, 3, 9]);
    expect([...roundTrip(bytesCodec, big.subarray(1, 4)).decoded]).toEqual([1, 2, 3]);
    expect([...roundTrip(bytesCodec, Buffer.from('hi')).decoded]).toEqual([104, 105]);
  });

  it('decode returns a fresh copy on a non-shared buffer, which the caller owns', () => {
    const view = sharedView(3);
    expect(bytesCodec.encode(Uint8Array.from([1, 2, 3]), view)).toBe(3);
    const decoded = bytesCodec.decode(view);
    expect(decoded.constructor).toBe(Uint8Array);
    expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
    expect(decoded.byteOffset).toBe(0);
    view.fill(0);
    expect([...decoded]).toEqual([1, 2, 3]);
    decoded[0] = 99;
    expect(view[0]).toBe(0);
    // A Buffer source too (Buffer#slice would have been a view):
    const fromBuffer = bytesCodec.decode(Buffer.from([5, 6]));
    expect(Buffer.isBuffer(fromBuffer)).toBe(false);
    expect([...fromBuffer]).toEqual([5, 6]);
  });

  it('returns -1 for a small target, then succeeds; maxEncodedSize is exact', () => {
    const value = Uint8Array.from([1, 2, 3, 4]);
    expect(bytesCodec.encode(value, sharedView(3))).toBe(-1);
    expect(bytesCodec.encode(value, sharedView(4))).toBe(4);
    expect(bytesCodec.maxEncodedSize!(value)).toBe(4);
  });

  it('refuses anything but a Uint8Array with a TypeError naming what it got', () => {
    const encode = (v: unknown) => (t: Uint8Array) => bytesCodec.encode(v as Uint8Array, t);
    throwsWithoutWriting(encode(new Uint16Array(2)), TypeError, /^bytes codec: expected a Uint8Array, got a Uint16Array$/);
    throwsWithoutWriting(encode(new Uint8ClampedArray(2)), TypeError, /got a Uint8ClampedArray/);
    throwsWithoutWriting(encode(new ArrayBuffer(2)), TypeError, /got an object \(ArrayBuffer\)/);
    throwsWithoutWriting(encode(new DataView(new ArrayBuffer(2))), TypeError, /got an object \(DataView\)/);
    throwsWithoutWriting(encode([1, 2]), TypeError, /got an array of length 2/);
    throwsWithoutWriting(encode('ab'), TypeError, /got string "ab"/);
    throwsWithoutWriting(encode(undefined), TypeError, /got undefined/);
    expect(() => bytesCodec.maxEncodedSize!([1] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
