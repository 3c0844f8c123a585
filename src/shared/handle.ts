/**
 * Creating a shared channel's buffer, the handle that carries it to other threads, and the
 * checks `attach` runs before it trusts a buffer (magic, version, kind, sizes).
 */
import { AttachError, describe } from '../errors.js';
import {
  bufferBytes,
  HEADER_WORDS,
  IDX_CAPACITY,
  IDX_CHANNEL_ID,
  IDX_CHANNEL_ID_2,
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
}

export type Policy = 'block' | 'sliding' | 'dropping';
export const POLICIES: readonly Policy[] = ['block', 'sliding', 'dropping'];
const POLICY_CODES: Record<Policy, number> = { block: POLICY_BLOCK, sliding: POLICY_SLIDING, dropping: POLICY_DROPPING };

/** What a channel's header says about it, read once at attach. */
export interface ChannelConfig {
  readonly type: LaneType;
  readonly capacity: number;
  readonly policy: Policy;
  readonly slots: number;
  /** The channel's random identity (CHANNEL_ID and CHANNEL_ID_2), the same in every thread. */
  readonly id: string;
}

/** Allocates and initialises a numeric channel buffer. Arguments are already validated. */
export function createNumericBuffer(type: LaneType, capacity: number, policy: Policy, startPosition = 0): SharedArrayBuffer {
  const slots = nextPowerOfTwo(Math.max(capacity, 1));
  const slotBytes = LANES[type].bytes;
  const buffer = new SharedArrayBuffer(bufferBytes(slots, slotBytes));
  const w = new Int32Array(buffer, 0, HEADER_WORDS);
  w[IDX_VERSION] = (VERSION_MAJOR << 16) | VERSION_MINOR;
  w[IDX_KIND] = KIND_NUMERIC;
  w[IDX_LANE] = LANES[type].code;
  w[IDX_SLOTS] = slots;
  w[IDX_CAPACITY] = capacity;
  w[IDX_POLICY] = POLICY_CODES[policy];
  w[IDX_DATA_OFFSET] = SZ_HEADER;
  w[IDX_SLOT_BYTES] = slotBytes;
  w[IDX_CHANNEL_ID] = (Math.random() * 0x7fffffff) | 1;
  w[IDX_CHANNEL_ID_2] = (Math.random() * 0x100000000) | 0;
  w[IDX_REQUIRED_FEATURES] = FEATURE_SEALED_COMMIT; // our producers commit by CAS (ring.ts R5)
  const start = startPosition & POSITION_MASK;
  w[IDX_PROD_HEAD] = w[IDX_PROD_TAIL] = w[IDX_CONS_HEAD] = w[IDX_CONS_TAIL] = start;
  // MAGIC last: a buffer is recognisable only once the rest of the header is in place.
  Atomics.store(w, IDX_MAGIC, MAGIC);
  return buffer;
}

export function handleOf(buffer: SharedArrayBuffer): SharedChanHandle {
  return Object.freeze({ sabchan: 'shared-channel', buffer });
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
  if (w[IDX_KIND] !== KIND_NUMERIC) corrupt(`unknown kind ${w[IDX_KIND]}`);
  const type = LANE_TYPES[w[IDX_LANE]!] ?? corrupt(`unknown lane type ${w[IDX_LANE]}`);
  const slots = w[IDX_SLOTS]!;
  const capacity = w[IDX_CAPACITY]!;
  if (!(slots >= 1 && slots <= MAX_SLOTS && (slots & (slots - 1)) === 0)) corrupt(`slot count ${slots}`);
  if (!(capacity >= 0 && capacity <= slots)) corrupt(`capacity ${capacity} for ${slots} slots`);
  if (w[IDX_SLOT_BYTES] !== LANES[type].bytes) corrupt(`slot size ${w[IDX_SLOT_BYTES]} for ${type}`);
  if (w[IDX_DATA_OFFSET] !== SZ_HEADER) corrupt(`data offset ${w[IDX_DATA_OFFSET]}`);
  if (buffer.byteLength !== bufferBytes(slots, LANES[type].bytes)) corrupt(`buffer of ${buffer.byteLength} bytes for ${slots} ${type} slots`);
  const policy = POLICIES.find((p) => POLICY_CODES[p] === w[IDX_POLICY]) ?? corrupt(`unknown policy ${w[IDX_POLICY]}`);
  if (capacity === 0 && policy !== 'block') corrupt(`a rendezvous (capacity 0) with policy ${policy}`);
  const id = `${w[IDX_CHANNEL_ID]!.toString(16)}-${(w[IDX_CHANNEL_ID_2]! >>> 0).toString(16)}`;
  return { buffer, config: { type, capacity, policy, slots, id } };
}

/** The layout is little-endian; every engine that runs this today is too, but say so if not. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
