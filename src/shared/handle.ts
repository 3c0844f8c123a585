/**
 * Creating a shared channel's buffer (numeric or object kind), the handle that carries it to
 * other threads, and the checks `attach` runs before it trusts a buffer (magic, version,
 * kind, sizes).
 */
import { AttachError, describe } from '../errors.js';
import {
  bufferBytes,
  CODEC_NAME_WORDS,
  FEATURE_DOORBELLS,
  HEADER_WORDS,
  IDX_CODEC_NAME,
  IDX_MAX_MESSAGE_BYTES,
  IDX_MSG_FREE,
  KIND_OBJECT,
  RECORD_HEADER_BYTES,
  IDX_CAPACITY,
  IDX_CHANNEL_ID,
  IDX_CHANNEL_ID_2,
  FEATURE_SPSC,
  IDX_REQUIRED_FEATURES,
  FEATURE_SEALED_COMMIT,
  KNOWN_REQUIRED_FEATURES,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_DATA_OFFSET,
  IDX_KIND,
  IDX_LANE,
  IDX_MAGIC,
  IDX_POLICY,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_SLOT_BYTES,
  IDX_SLOTS,
  IDX_VERSION,
  KIND_NUMERIC,
  LANES,
  MAGIC,
  MAX_SLOTS,
  POLICY_BLOCK,
  POLICY_DROPPING,
  POLICY_SLIDING,
  POSITION_MASK,
  SZ_HEADER,
  VERSION_MAJOR,
  VERSION_MINOR,
  type LaneType,
} from './layout.js';
import { LANE_TYPES } from './lanes.js';

/**
 * What `ch.handle` is: structured-cloneable (postMessage it, or pass it in workerData) and
 * accepted by `attach` in any thread. The buffer is the whole channel; the other fields only
 * make a handle recognisable when printed.
 */
export interface SharedChanHandle {
  readonly sabchan: 'shared-channel';
  readonly buffer: SharedArrayBuffer;
  /**
   * Object channels whose codec is a `structCodec`: its schema, so that `attach` in another
   * thread can rebuild the same codec without being given it.
   */
  readonly struct?: Readonly<Record<string, string>>;
  /**
   * The doorbell table of the runtime that created the channel (./doorbells.ts): where a
   * thread blocked in `selectSync` over this and other channels sleeps, and rings.
   */
  readonly doorbells?: SharedArrayBuffer;
}

export type Policy = 'block' | 'sliding' | 'dropping';
export const POLICIES: readonly Policy[] = ['block', 'sliding', 'dropping'];
const POLICY_CODES: Record<Policy, number> = { block: POLICY_BLOCK, sliding: POLICY_SLIDING, dropping: POLICY_DROPPING };

/** What a channel's header says about it, read once at attach. */
export interface ChannelConfig {
  /** The element type of a numeric channel, or 'object' for an object channel. */
  readonly type: LaneType | 'object';
  readonly capacity: number;
  readonly policy: Policy;
  /** Slots of the data region: values (numeric) or bytes (object). */
  readonly slots: number;
  /** The channel's random identity (CHANNEL_ID and CHANNEL_ID_2), the same in every thread. */
  readonly id: string;
  /** Object channels: the largest payload of one message, in bytes (0 for numeric). */
  readonly maxMessageBytes: number;
  /** Object channels: the name of the codec the channel was created with ('' for numeric). */
  readonly codecName: string;
  /** One producer thread and one consumer thread (FEATURE_SPSC, SPEC.md 5.8). */
  readonly spsc: boolean;
}

/** Object channel buffer parameters, already validated. */
export interface ObjectBufferSpec {
  readonly capacity: number;
  readonly policy: Policy;
  /** Bytes of the data region: a power of two. */
  readonly bytes: number;
  readonly maxMessageBytes: number;
  readonly codecName: string;
}

/** Allocates and initialises a numeric channel buffer. Arguments are already validated. */
export function createNumericBuffer(type: LaneType, capacity: number, policy: Policy, startPosition = 0, spsc = false): SharedArrayBuffer {
  const slots = nextPowerOfTwo(Math.max(capacity, 1));
  const slotBytes = LANES[type].bytes;
  const buffer = new SharedArrayBuffer(bufferBytes(slots, slotBytes));
  const w = initHeader(buffer, KIND_NUMERIC, slots, slotBytes, capacity, policy, startPosition);
  w[IDX_LANE] = LANES[type].code;
  if (spsc) w[IDX_REQUIRED_FEATURES]! |= FEATURE_SPSC;
  // MAGIC last: a buffer is recognisable only once the rest of the header is in place.
  Atomics.store(w, IDX_MAGIC, MAGIC);
  return buffer;
}

/** Allocates and initialises an object channel buffer. Arguments are already validated. */
export function createObjectBuffer(spec: ObjectBufferSpec, startPosition = 0): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bufferBytes(spec.bytes, 1));
  // Byte positions of records are multiples of 8 (layout.ts RECORD_ALIGN).
  const w = initHeader(buffer, KIND_OBJECT, spec.bytes, 1, spec.capacity, spec.policy, startPosition & ~7);
  w[IDX_MAX_MESSAGE_BYTES] = spec.maxMessageBytes;
  w[IDX_MSG_FREE] = Math.max(spec.capacity, 1);
  const name = new TextEncoder().encode(spec.codecName);
  new Uint8Array(buffer, IDX_CODEC_NAME * 4, CODEC_NAME_WORDS * 4).set(name);
  Atomics.store(w, IDX_MAGIC, MAGIC);
  return buffer;
}

/** The header words every kind shares; the caller adds its own, then stores MAGIC. */
function initHeader(
  buffer: SharedArrayBuffer,
  kind: number,
  slots: number,
  slotBytes: number,
  capacity: number,
  policy: Policy,
  startPosition: number,
): Int32Array {
  const w = new Int32Array(buffer, 0, HEADER_WORDS);
  w[IDX_VERSION] = (VERSION_MAJOR << 16) | VERSION_MINOR;
  w[IDX_KIND] = kind;
  w[IDX_SLOTS] = slots;
  w[IDX_CAPACITY] = capacity;
  w[IDX_POLICY] = POLICY_CODES[policy];
  w[IDX_DATA_OFFSET] = SZ_HEADER;
  w[IDX_SLOT_BYTES] = slotBytes;
  w[IDX_CHANNEL_ID] = (Math.random() * 0x7fffffff) | 1;
  w[IDX_CHANNEL_ID_2] = (Math.random() * 0x100000000) | 0;
  // Our committers ring select doorbells, and our producers commit by CAS (ring-core.ts R5).
  w[IDX_REQUIRED_FEATURES] = FEATURE_DOORBELLS | FEATURE_SEALED_COMMIT;
  const start = startPosition & POSITION_MASK;
  w[IDX_PROD_HEAD] = w[IDX_PROD_TAIL] = w[IDX_CONS_HEAD] = w[IDX_CONS_TAIL] = start;
  return w;
}

/** The longest codec name the header can hold, in UTF-8 bytes (one zero byte ends it). */
export const MAX_CODEC_NAME_BYTES = CODEC_NAME_WORDS * 4 - 1;

export function handleOf(
  buffer: SharedArrayBuffer,
  doorbells: SharedArrayBuffer | undefined,
  struct?: Readonly<Record<string, string>>,
): SharedChanHandle {
  const handle: { -readonly [K in keyof SharedChanHandle]: SharedChanHandle[K] } = { sabchan: 'shared-channel', buffer };
  if (doorbells !== undefined) handle.doorbells = doorbells;
  if (struct !== undefined) handle.struct = struct;
  return Object.freeze(handle);
}

/**
 * Checks a handle and the buffer it carries; returns what the header says.
 * @throws {TypeError} when `handle` is not a handle at all.
 * @throws {AttachError} naming what is wrong with the buffer (foreign, zeroed, newer, corrupt).
 */
export function readConfig(handle: unknown): { buffer: SharedArrayBuffer; config: ChannelConfig } {
  if (typeof handle !== 'object' || handle === null || !('buffer' in handle)) {
    throw new TypeError(`attach: expected a shared channel handle (ch.handle), got ${describe(handle)}`);
  }
  const buffer = (handle as { buffer: unknown }).buffer;
  if (!(buffer instanceof SharedArrayBuffer)) {
    throw new TypeError(`attach: handle.buffer must be a SharedArrayBuffer, got ${describe(buffer)}`);
  }
  if (!LITTLE_ENDIAN) {
    throw new AttachError('attach: this platform is big-endian; the channel layout is little-endian (native-layout/SPEC.md 1.1)');
  }
  if (buffer.byteLength < SZ_HEADER) {
    throw new AttachError(`attach: the buffer is ${buffer.byteLength} bytes, smaller than a channel header (${SZ_HEADER}): not a sabchan channel`);
  }
  const w = new Int32Array(buffer, 0, HEADER_WORDS);
  const magic = Atomics.load(w, IDX_MAGIC);
  if (magic === 0) throw new AttachError('attach: the buffer is zeroed: not an initialised sabchan channel');
  if (magic !== MAGIC) {
    throw new AttachError(`attach: not a sabchan channel buffer (magic 0x${(magic >>> 0).toString(16)}, expected 0x${MAGIC.toString(16)})`);
  }
  const major = w[IDX_VERSION]! >>> 16;
  const minor = w[IDX_VERSION]! & 0xffff;
  if (major > VERSION_MAJOR) {
    throw new AttachError(
      `attach: the channel uses layout version ${major}.${minor}, newer than this sabchan's ${VERSION_MAJOR}.${VERSION_MINOR}: upgrade sabchan in this thread`,
    );
  }
  const corrupt = (what: string): never => {
    throw new AttachError(`attach: corrupt channel header: ${what}`);
  };
  if (major < 1) corrupt(`layout version ${major}.${minor}`);
  const unknown = w[IDX_REQUIRED_FEATURES]! & ~KNOWN_REQUIRED_FEATURES;
  if (unknown !== 0) {
    throw new AttachError(
      `attach: the channel requires protocol features this sabchan lacks (bits 0x${(unknown >>> 0).toString(16)} of layout ${major}.${minor}): upgrade sabchan in this thread`,
    );
  }
  const kind = w[IDX_KIND];
  if (kind !== KIND_NUMERIC && kind !== KIND_OBJECT) {
    // SPEC 9.2 check 6 comes before the checks of SLOTS, DATA_OFFSET and POLICY.
    throw new AttachError(`attach: the channel is of kind ${kind}, unknown to this sabchan (${VERSION_MAJOR}.${VERSION_MINOR}): corrupt, or made by a newer sabchan`);
  }
  const id = `${w[IDX_CHANNEL_ID]!.toString(16)}-${(w[IDX_CHANNEL_ID_2]! >>> 0).toString(16)}`;
  const slots = w[IDX_SLOTS]!;
  const capacity = w[IDX_CAPACITY]!;
  if (!(slots >= 1 && slots <= MAX_SLOTS && (slots & (slots - 1)) === 0)) corrupt(`slot count ${slots}`);
  if (w[IDX_DATA_OFFSET] !== SZ_HEADER) corrupt(`data offset ${w[IDX_DATA_OFFSET]}`);
  const policy = POLICIES.find((p) => POLICY_CODES[p] === w[IDX_POLICY]) ?? corrupt(`unknown policy ${w[IDX_POLICY]}`);
  if (capacity === 0 && policy !== 'block') corrupt(`a rendezvous (capacity 0) with policy ${policy}`);
  if (kind === KIND_NUMERIC) {
    const type = LANE_TYPES[w[IDX_LANE]!] ?? corrupt(`unknown lane type ${w[IDX_LANE]}`);
    if (!(capacity >= 0 && capacity <= slots)) corrupt(`capacity ${capacity} for ${slots} slots`);
    if (w[IDX_SLOT_BYTES] !== LANES[type].bytes) corrupt(`slot size ${w[IDX_SLOT_BYTES]} for ${type}`);
    if (buffer.byteLength !== bufferBytes(slots, LANES[type].bytes)) corrupt(`buffer of ${buffer.byteLength} bytes for ${slots} ${type} slots`);
    const spsc = (w[IDX_REQUIRED_FEATURES]! & FEATURE_SPSC) !== 0;
    if (spsc && (capacity === 0 || policy === 'sliding')) corrupt(`a single-producer single-consumer channel with ${capacity === 0 ? 'capacity 0' : 'policy sliding'}`);
    // Its close seals PROD_TAIL, which only parties that commit by CAS respect.
    if (spsc && (w[IDX_REQUIRED_FEATURES]! & FEATURE_SEALED_COMMIT) === 0) corrupt('a single-producer single-consumer channel without FEATURE_SEALED_COMMIT');
    return { buffer, config: { type, capacity, policy, slots, id, maxMessageBytes: 0, codecName: '', spsc } };
  }
  // KIND_OBJECT (checked above).
  const maxMessageBytes = w[IDX_MAX_MESSAGE_BYTES]!;
  if (slots < 64) corrupt(`a byte ring of ${slots} bytes`);
  if (!(capacity >= 0)) corrupt(`capacity ${capacity}`);
  if (w[IDX_SLOT_BYTES] !== 1) corrupt(`slot size ${w[IDX_SLOT_BYTES]} for an object channel`);
  if (!(maxMessageBytes >= 1 && maxMessageBytes <= slots - RECORD_HEADER_BYTES)) corrupt(`maxMessageBytes ${maxMessageBytes} for a ring of ${slots} bytes`);
  if (buffer.byteLength !== bufferBytes(slots, 1)) corrupt(`buffer of ${buffer.byteLength} bytes for a ring of ${slots} bytes`);
  const nameBytes = new Uint8Array(buffer, IDX_CODEC_NAME * 4, CODEC_NAME_WORDS * 4).slice();
  const end = nameBytes.indexOf(0);
  if (end <= 0) corrupt('no codec name');
  const codecName = new TextDecoder().decode(nameBytes.subarray(0, end));
  if ((w[IDX_REQUIRED_FEATURES]! & FEATURE_SPSC) !== 0) corrupt('a single-producer single-consumer object channel');
  return { buffer, config: { type: 'object', capacity, policy, slots, id, maxMessageBytes, codecName, spsc: false } };
}

/** The layout is little-endian; every engine that runs this today is too, but say so if not. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
