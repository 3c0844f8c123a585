/**
 * UTF-8 helpers shared by the codecs (internal).
 *
 * Two facts shape this file:
 *   - Chrome's `TextDecoder` throws for views on a SharedArrayBuffer, although the Encoding
 *     spec allows them (Node 20 decodes them fine; test/codec/text.test.ts checks both
 *     paths). `SharedSafeDecoder` tries the direct decode and, the first time the engine
 *     refuses a shared view, switches to copying shared views into a private, reused,
 *     growable scratch buffer. A per-message `slice()` would cost ~280 ns on Node 20.
 *   - Short strings are cheaper to encode and decode in a JS loop than through
 *     `TextEncoder.encodeInto` / `TextDecoder` (9 ASCII chars here: 16 vs 35 ns to encode,
 *     ~28 vs ~45 ns to decode), and the loop needs no `subarray` (~22 ns) to write at an
 *     offset. Long strings go to the native encoder and decoder.
 */

/** Strings up to this many UTF-16 units (or bytes, decoding) take the JS loop. */
const SHORT = 64;

/** `writeUtf8` result: the string needs more than `max` bytes. */
export const TOO_LONG = -1;
/** `writeUtf8` result: the string has a lone surrogate, which UTF-8 cannot represent. */
export const LONE_SURROGATE = -2;

/** `isWellFormed` for engines without `String.prototype.isWellFormed` (before ES2024). */
export function isWellFormedFallback(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/** Whether `s` has no lone surrogates. */
export const isWellFormed: (s: string) => boolean =
  typeof String.prototype.isWellFormed === 'function' ? (s) => s.isWellFormed() : isWellFormedFallback;

/** Byte length of `s` in UTF-8 (lone surrogates count 3, as the replacement character). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Writes `s` as UTF-8 into `dst[at .. at + max)` and returns the byte count, or TOO_LONG,
 * or LONE_SURROGATE (lone surrogates are refused rather than replaced by U+FFFD, which would
 * silently change the string). Bytes past the written ones are unspecified.
 */
export function writeUtf8(encoder: TextEncoder, s: string, dst: Uint8Array, at: number, max: number): number {
  const n = s.length;
  if (n > max) return TOO_LONG; // every UTF-16 unit needs at least one byte
  if (n > SHORT) {
    if (!isWellFormed(s)) return LONE_SURROGATE;
    const r = encoder.encodeInto(s, at === 0 && dst.length === max ? dst : dst.subarray(at, at + max));
    return r.read < n ? TOO_LONG : r.written;
  }
  const end = at + max;
  let p = at;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (p >= end) return TOO_LONG;
      dst[p++] = c;
    } else if (c < 0x800) {
      if (p + 2 > end) return TOO_LONG;
      dst[p++] = 0xc0 | (c >> 6);
      dst[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      if (p + 3 > end) return TOO_LONG;
      dst[p++] = 0xe0 | (c >> 12);
      dst[p++] = 0x80 | ((c >> 6) & 0x3f);
      dst[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if ((d & 0xfc00) !== 0xdc00) return LONE_SURROGATE;
      i++;
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      if (p + 4 > end) return TOO_LONG;
      dst[p++] = 0xf0 | (c >> 18);
      dst[p++] = 0x80 | ((c >> 12) & 0x3f);
      dst[p++] = 0x80 | ((c >> 6) & 0x3f);
      dst[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - at;
}

/** Char-code arrays by length, reused by `readUtf8` (fromCharCode.apply needs an exact length). */
const codesByLength: number[][] = [];

/**
 * Reads `len` bytes of UTF-8 at `src[at]`. Short ASCII runs are built with
 * `String.fromCharCode`; anything else goes to `decoder` (which must accept `src`).
 */
export function readUtf8(decoder: Utf8Decoder, src: Uint8Array, at: number, len: number): string {
  if (len === 0) return '';
  if (len <= SHORT) {
    const codes = (codesByLength[len] ??= new Array<number>(len).fill(0));
    let ascii = true;
    for (let i = 0; i < len; i++) {
      const b = src[at + i]!;
      if (b >= 0x80) {
        ascii = false;
        break;
      }
      codes[i] = b;
    }
    if (ascii) return String.fromCharCode.apply(null, codes);
  }
  return decoder.decode(src.subarray(at, at + len));
}

/** Whether `view` lies on a SharedArrayBuffer (cross-realm safe). */
export function isShared(view: ArrayBufferView): boolean {
  return Object.prototype.toString.call(view.buffer) === '[object SharedArrayBuffer]';
}

/** The part of `TextDecoder` that `SharedSafeDecoder` uses (a seam for tests). */
export interface Utf8Decoder {
  decode(input: Uint8Array): string;
}

/**
 * A UTF-8 decoder for whole messages that may lie on a SharedArrayBuffer (see the file
 * header). One per codec; not reentrant, and it need not be: decoding runs no user code.
 */
export class SharedSafeDecoder {
  /** The engine refused a shared view once: copy shared views from now on. */
  private copyShared = false;
  /** Private copy target for shared views; grows to the largest message seen. */
  private scratch = new Uint8Array(0);

  constructor(
    /** Decodes UTF-8 with a BOM kept (`ignoreBOM: true`): a leading U+FEFF is content. */
    private readonly decoder: Utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true }),
  ) {}

  decode(view: Uint8Array): string {
    if (!this.copyShared) {
      try {
        return this.decoder.decode(view);
      } catch (error) {
        if (!isShared(view)) throw error;
        this.copyShared = true;
      }
    }
    if (!isShared(view)) return this.decoder.decode(view);
    const n = view.length;
    if (this.scratch.length < n) this.scratch = new Uint8Array(Math.max(256, 2 ** Math.ceil(Math.log2(n))));
    this.scratch.set(view);
    return this.decoder.decode(this.scratch.subarray(0, n));
  }
}
