/**
 * The `Codec<T>` contract: how an object channel turns values into bytes and back.
 *
 * A shared object channel stores each message as a variable-length record in a byte ring
 * (a SharedArrayBuffer). The channel owns the memory; a codec only fills and reads views of
 * it. The built-in codecs are `jsonCodec` (the default, `codec: 'json'`), `utf8Codec`,
 * `bytesCodec` and `structCodec(schema)`; any object satisfying this interface works too.
 *
 * Contracts (MUST / MAY in the RFC 2119 sense):
 *   C1  `encode` and `decode` MUST be synchronous and MUST NOT keep a reference to the view
 *       they were given (or to its buffer) after returning: the caller reuses that memory
 *       for other messages the moment the call returns, possibly from another thread.
 *   C2  `encode` MUST throw `TypeError` for a value it cannot represent, with a message that
 *       names the codec and what was wrong; the channel then enqueues nothing. `encode` MUST
 *       NOT throw for a merely small target: it returns -1 instead.
 *   C3  `decode(bytes)` MUST return a value equal (in the codec's own sense: JSON's, say) to
 *       the one that produced `bytes`, for exactly the bytes `encode` reported writing.
 *   C4  A codec object MAY be shared by many channels, and the two ends of one channel MAY
 *       live in different threads with separate codec instances: all state a codec keeps
 *       between calls (scratch buffers) is private to its thread and never part of a message.
 *   C5  Both ends of one channel MUST use codecs that produce and read the same bytes.
 *
 * Memory: views passed to a codec are usually `Uint8Array`s on a SharedArrayBuffer. A codec
 * that reads them with `TextDecoder` must cope with engines whose `TextDecoder` refuses shared
 * views (Chrome): the built-in codecs copy into a private, reused scratch buffer there.
 */

/**
 * Turns values of type `T` into bytes and back, for shared (cross-thread) object channels.
 *
 * @example
 * // A codec for points, 16 bytes each (the built-in `structCodec({ x: 'f64', y: 'f64' })`
 * // does the same with validation):
 * const point: Codec<{ x: number; y: number }> = {
 *   name: 'point',
 *   encode(p, target) {
 *     if (target.length < 16) return -1;
 *     const dv = new DataView(target.buffer, target.byteOffset, 16);
 *     dv.setFloat64(0, p.x, true);
 *     dv.setFloat64(8, p.y, true);
 *     return 16;
 *   },
 *   decode(source) {
 *     const dv = new DataView(source.buffer, source.byteOffset, source.byteLength);
 *     return { x: dv.getFloat64(0, true), y: dv.getFloat64(8, true) };
 *   },
 *   maxEncodedSize: () => 16,
 * };
 */
export interface Codec<T> {
  /** Short name for error messages, e.g. `'json'`. */
  readonly name: string;
  /**
   * Encodes `value` into `target` starting at byte 0 and returns the number of bytes
   * written, or -1 when `target` is too small (nothing else may be assumed about target's
   * contents then; the caller retries with a larger target, up to its maximum message size).
   *
   * `target` is often a view on a SharedArrayBuffer, and its `byteOffset` is arbitrary
   * (not aligned), so write multi-byte numbers through a `DataView` or byte by byte.
   *
   * @returns the encoded length in bytes (0 is allowed), or -1 when `target` is too small.
   * @throws {TypeError} for a value this codec cannot encode; the message names the codec
   *   and what was wrong. The caller enqueues nothing.
   * Must not keep a reference to `target` after returning.
   */
  encode(value: T, target: Uint8Array): number;
  /**
   * Decodes one message from exactly the bytes `encode` produced (`source.length` is the
   * count `encode` returned). The result must not share memory with `source`, which the
   * caller reuses as soon as this returns. Must not keep `source`.
   */
  decode(source: Uint8Array): T;
  /**
   * Optional: an upper bound of the encoded size of `value`, when cheap to know (lets
   * callers pick a big enough target at once and skip a retry). Codecs whose size is only
   * known after the work of encoding (JSON) leave it out. A bound is not the size: a value
   * whose bound exceeds the caller's maximum may still fit, so only `encode` returning -1
   * for a target of the maximum size proves a message too large. May throw TypeError for a
   * value `encode` would refuse.
   */
  maxEncodedSize?(value: T): number;
}

/** What the `codec` option of an object channel accepts: `'json'` (the default) or a codec. */
export type CodecOption<T> = 'json' | Codec<T>;
