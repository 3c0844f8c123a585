/**
 * `sharedChan(options)` and `attach(handle)`: the two ways a thread gets a SharedChan.
 */
import type { Codec } from '../codec/codec.js';
import { bytesCodec } from '../codec/bytes.js';
import { jsonCodec } from '../codec/json.js';
import { resolveCodec } from '../codec/resolve.js';
import { structCodec } from '../codec/struct.js';
import { utf8Codec } from '../codec/utf8.js';
import { AttachError, describe } from '../errors.js';
import {
  createNumericBuffer,
  createObjectBuffer,
  handleOf,
  MAX_CODEC_NAME_BYTES,
  POLICIES,
  readConfig,
  type Policy,
  type SharedChanHandle,
} from './handle.js';
import { LANES, MAX_SLOTS, RECORD_HEADER_BYTES, type LaneType } from './layout.js';
import { ownTable, tableOf } from './doorbells.js';
import { SharedChan } from './shared-chan.js';

/** A channel of numbers in a typed lane. */
export interface NumericChanOptions {
  /** Element type of the numeric lane. */
  type: LaneType;
  /** Values the channel holds; 0 is a rendezvous (a put completes once a get took it). */
  capacity: number;
  /** What a put does when the channel is full (default 'block'). */
  policy?: Policy;
  /**
   * One producer thread and one consumer thread (default false). The thread that puts first
   * becomes the only one that may put, the thread that gets first the only one that may get;
   * another thread's put or get throws. In exchange each value costs one atomic
   * read-modify-write instead of four (SPEC.md 5.8). Needs a capacity, and policy 'block' or
   * 'dropping' (a sliding put would take values, as a second consumer).
   */
  spsc?: boolean;
}

/** A channel of objects, each message encoded by a codec into a byte ring. */
export interface ObjectChanOptions<T = unknown> {
  /** How values become bytes: 'json' (the default) or a Codec, e.g. structCodec(schema). */
  codec?: 'json' | Codec<T>;
  /** Messages the channel holds; 0 is a rendezvous (a put completes once a get took it). */
  capacity: number;
  /**
   * Bytes of the ring, rounded up to a power of two (default: 256 per message of capacity,
   * at least 64 KiB and enough for maxMessageBytes). A put waits while either the message
   * count or the bytes are full.
   */
  bytes?: number;
  /** The largest encoded message, in bytes (default: what the ring can hold, bytes - 8). */
  maxMessageBytes?: number;
  /** What a put does when the channel is full (default 'block'). */
  policy?: Policy;
}

export type SharedChanOptions = NumericChanOptions | ObjectChanOptions<any>;

/** What `attach` accepts besides the handle. */
export interface AttachOptions<T = unknown> {
  /**
   * Object channels: the codec to decode and encode with. Needed only for a custom codec
   * (json, utf8, bytes and struct codecs are found from the channel itself); its name must
   * be the one the channel was created with.
   */
  codec?: 'json' | Codec<T>;
}

/**
 * One SharedChan per channel per thread, so that this thread's operations share one FIFO
 * (shared-port.ts H1). Keyed by the channel's identity, not the buffer object: a handle that
 * reaches a thread twice arrives as two buffer objects over the same memory. Weak, so an
 * unused channel can still be collected.
 */
const attached = new Map<string, WeakRef<SharedChan<any>>>();
const forget = new FinalizationRegistry<string>((id) => {
  if (attached.get(id)?.deref() === undefined) attached.delete(id);
});

/** Codecs `attach` finds by the name in the channel's header. */
const BUILT_IN: Record<string, Codec<any>> = { json: jsonCodec, utf8: utf8Codec, bytes: bytesCodec };

/**
 * Creates a channel in a SharedArrayBuffer: of numbers (`{ type, capacity }`) or of objects
 * (`{ codec?, capacity, bytes?, maxMessageBytes? }`, JSON by default). Pass `ch.handle` to
 * other threads (postMessage or workerData) and `attach` it there.
 * @throws {TypeError} for missing or non-object options, both `type` and `codec`, a bad
 *   codec, or a non-number capacity, bytes or maxMessageBytes.
 * @throws {RangeError} for an unknown type or policy, a capacity that is not an integer from
 *   0 to 2^28 (a rendezvous cannot slide or drop), or bytes / maxMessageBytes out of range.
 * @example
 * const numbers = sharedChan({ type: 'f64', capacity: 1024 });
 * const events = sharedChan<{ id: number; name: string }>({ capacity: 64 }); // JSON
 * new Worker(url, { workerData: { numbers: numbers.handle, events: events.handle } });
 */
export function sharedChan<T extends number = number>(options: NumericChanOptions): SharedChan<T>;
export function sharedChan<T = unknown>(options: ObjectChanOptions<T>): SharedChan<T>;
export function sharedChan(options: SharedChanOptions): SharedChan<any> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`sharedChan: expected options { type, capacity } (numbers) or { codec?, capacity } (objects), got ${describe(options)}`);
  }
  const { capacity, policy = 'block' } = options;
  if (typeof capacity !== 'number') {
    throw new TypeError(`sharedChan: capacity must be a number, got ${describe(capacity)}`);
  }
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_SLOTS) {
    throw new RangeError(`sharedChan: capacity must be an integer from 0 to ${MAX_SLOTS}, got ${capacity}`);
  }
  if (!POLICIES.includes(policy)) {
    throw new RangeError(`sharedChan: policy must be one of ${POLICIES.join(', ')}, got ${describe(policy)}`);
  }
  if (capacity === 0 && policy !== 'block') {
    throw new RangeError(`sharedChan: a rendezvous channel (capacity 0) cannot use policy '${policy}'; give it a capacity`);
  }
  // Test-only: start the positions near the 31-bit wrap point (see test/shared/wrap.test.ts).
  const start = (options as { _startPosition?: number })._startPosition ?? 0;
  // A `type` key, even undefined, asks for numbers (and is checked as such).
  if ('type' in options) {
    if ('codec' in options) {
      throw new TypeError("sharedChan: give either 'type' (a channel of numbers) or 'codec' (a channel of objects), not both");
    }
    const type = options.type;
    if (!Object.hasOwn(LANES, type as string)) {
      throw new RangeError(`sharedChan: type must be one of ${Object.keys(LANES).join(', ')}, got ${describe(type)}`);
    }
    const given = (options as NumericChanOptions).spsc;
    const spsc = given === undefined ? false : given;
    if (typeof spsc !== 'boolean') throw new TypeError(`sharedChan: spsc must be true or false, got ${describe(spsc)}`);
    if (spsc && capacity === 0) {
      throw new RangeError('sharedChan: a single-producer single-consumer channel (spsc) needs a capacity: a rendezvous hands each value over with a reservation the producer can take back');
    }
    if (spsc && policy === 'sliding') {
      throw new RangeError("sharedChan: a single-producer single-consumer channel (spsc) cannot use policy 'sliding': a sliding put takes the oldest value, as a second consumer would; use 'dropping' or 'block'");
    }
    return attach(handleOf(createNumericBuffer(type, capacity, policy, start, spsc), ownTable().buffer));
  }
  const o = options as ObjectChanOptions<unknown>;
  if ('spsc' in o && (o as { spsc?: unknown }).spsc !== undefined && (o as { spsc?: unknown }).spsc !== false) {
    throw new TypeError('sharedChan: spsc is for channels of numbers (give a type); an object channel is always multi-producer multi-consumer');
  }
  const codec = resolveCodec(o.codec);
  const nameBytes = new TextEncoder().encode(codec.name).length;
  if (nameBytes > MAX_CODEC_NAME_BYTES || codec.name.includes('\0')) {
    throw new RangeError(`sharedChan: a codec name must be at most ${MAX_CODEC_NAME_BYTES} bytes of UTF-8 without NUL, got '${codec.name}'`);
  }
  const maxMessage = optionalSize('maxMessageBytes', o.maxMessageBytes, 1, MAX_SLOTS - RECORD_HEADER_BYTES);
  const defaultBytes = Math.max(65536, nextPowerOfTwo(Math.max(capacity, 1) * 256), nextPowerOfTwo((maxMessage ?? 0) + RECORD_HEADER_BYTES));
  const bytes = nextPowerOfTwo(optionalSize('bytes', o.bytes, 64, MAX_SLOTS) ?? Math.min(defaultBytes, MAX_SLOTS));
  const maxMessageBytes = maxMessage ?? bytes - RECORD_HEADER_BYTES;
  if (maxMessageBytes > bytes - RECORD_HEADER_BYTES) {
    throw new RangeError(
      `sharedChan: maxMessageBytes ${maxMessageBytes} does not fit a ring of ${bytes} bytes (each message also takes a ${RECORD_HEADER_BYTES}-byte header); raise bytes`,
    );
  }
  const buffer = createObjectBuffer({ capacity, policy, bytes, maxMessageBytes, codecName: codec.name }, start);
  const handle = handleOf(buffer, ownTable().buffer, structSchemaOf(codec));
  return attach(handle, { codec });
}

/**
 * Attaches a channel created in another thread (or this one) from its handle. The same
 * channel attached twice in one thread gives the same object, even when its handle arrived
 * twice (as two buffer objects over one memory).
 * @throws {TypeError} when `handle` is not a channel handle, or a codec is given for numbers.
 * @throws {AttachError} when the buffer is foreign, zeroed, corrupt or of a newer layout, or
 *   an object channel's codec cannot be found or has another name than the channel's.
 */
export function attach<T = number>(handle: SharedChanHandle, options?: AttachOptions<T>): SharedChan<T> {
  const { buffer, config } = readConfig(handle);
  const given = options?.codec;
  if (config.type !== 'object' && given !== undefined) {
    throw new TypeError(`attach: this channel carries numbers (${config.type}); a codec is only for object channels`);
  }
  const existing = attached.get(config.id)?.deref() as SharedChan<T> | undefined;
  if (existing !== undefined) {
    // Already attached in this thread: a codec given now must still be the channel's.
    if (given !== undefined) checkSameCodec(resolveCodec(given), config.codecName, existing.handle.struct ?? handle.struct);
    return existing;
  }
  const codec = config.type === 'object' ? codecFor<T>(config.codecName, handle, given) : null;
  const doorbells = tableOf(handle.doorbells);
  const ch = new SharedChan<T>(buffer, config, codec, handleOf(buffer, doorbells?.buffer, handle.struct), doorbells);
  attached.set(config.id, new WeakRef(ch));
  forget.register(ch, config.id);
  return ch;
}

/** The codec an object channel named `name` in its header, from the options or the handle. */
function codecFor<T>(name: string, handle: SharedChanHandle, given: 'json' | Codec<T> | undefined): Codec<T> {
  if (given !== undefined) {
    const codec = resolveCodec(given);
    checkSameCodec(codec, name, handle.struct);
    return codec;
  }
  if (name === 'struct' && typeof handle.struct === 'object' && handle.struct !== null) {
    return structCodec(handle.struct as never) as unknown as Codec<T>;
  }
  const builtIn = BUILT_IN[name];
  if (builtIn === undefined) {
    throw new AttachError(`attach: the channel uses codec '${name}', which is not built in: pass it, attach(handle, { codec })`);
  }
  return builtIn as Codec<T>;
}

/**
 * Throws unless `codec` is the channel's: the same name, and for a struct codec the same
 * schema (field names, types and order) as the one the handle carries.
 */
function checkSameCodec(codec: Codec<unknown>, name: string, struct: Readonly<Record<string, string>> | undefined): void {
  if (codec.name !== name) {
    throw new AttachError(`attach: the channel was created with codec '${name}', but attach was given codec '${codec.name}'; both ends must use the same codec`);
  }
  const schema = structSchemaOf(codec);
  if (schema !== undefined && struct !== undefined && JSON.stringify(Object.entries(schema)) !== JSON.stringify(Object.entries(struct))) {
    throw new AttachError(
      `attach: the channel's struct codec has the schema ${JSON.stringify(struct)}, but attach was given one with ${JSON.stringify(schema)}; both ends must use the same schema`,
    );
  }
}

/** A struct codec's schema (so the handle can rebuild it elsewhere), else undefined. */
function structSchemaOf(codec: Codec<unknown>): Readonly<Record<string, string>> | undefined {
  const schema = (codec as { schema?: unknown }).schema;
  return codec.name === 'struct' && typeof schema === 'object' && schema !== null ? (schema as Record<string, string>) : undefined;
}

/** Checks an optional size option: undefined, or an integer in [min, max]. */
function optionalSize(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`sharedChan: ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`sharedChan: ${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
