/**
 * `sharedChan(options)` and `attach(handle)`: the two ways a thread gets a SharedChan.
 */
import { describe } from '../errors.js';
import { createNumericBuffer, POLICIES, readConfig, type Policy, type SharedChanHandle } from './handle.js';
import { LANES, MAX_SLOTS, type LaneType } from './layout.js';
import { SharedChan } from './shared-chan.js';

export interface SharedChanOptions {
  /** Element type of the numeric lane. */
  type: LaneType;
  /** Values the channel holds; 0 is a rendezvous (a put completes once a get took it). */
  capacity: number;
  /** What a put does when the channel is full (default 'block'). */
  policy?: Policy;
}

/**
 * One SharedChan per channel per thread, so that this thread's operations share one FIFO
 * (shared-chan.ts H1). Keyed by the channel's identity, not the buffer object: a handle that
 * reaches a thread twice arrives as two buffer objects over the same memory. Weak, so an
 * unused channel can still be collected.
 */
const attached = new Map<string, WeakRef<SharedChan>>();
const forget = new FinalizationRegistry<string>((id) => {
  if (attached.get(id)?.deref() === undefined) attached.delete(id);
});

/**
 * Creates a channel of numbers in a SharedArrayBuffer. Pass `ch.handle` to other threads
 * (postMessage or workerData) and `attach` it there.
 * @throws {TypeError} for missing or non-object options, or a non-number capacity.
 * @throws {RangeError} for an unknown type or policy, or a capacity that is not an integer
 *   from 0 to 2^30 (a rendezvous cannot slide or drop).
 * @example
 * const ch = sharedChan({ type: 'f64', capacity: 1024 });
 * new Worker(url, { workerData: ch.handle });
 */
export function sharedChan<T extends number = number>(options: SharedChanOptions): SharedChan<T> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`sharedChan: expected options { type, capacity, policy? }, got ${describe(options)}`);
  }
  const { type, capacity, policy = 'block' } = options as SharedChanOptions & { _startPosition?: number };
  if (!Object.hasOwn(LANES, type as string)) {
    throw new RangeError(`sharedChan: type must be one of ${Object.keys(LANES).join(', ')}, got ${describe(type)}`);
  }
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
  return attach<T>({ sabchan: 'shared-channel', buffer: createNumericBuffer(type, capacity, policy, start) });
}

/**
 * Attaches a channel created in another thread (or this one) from its handle. The same
 * channel attached twice in one thread gives the same object, even when its handle arrived
 * twice (as two buffer objects over one memory).
 * @throws {TypeError} when `handle` is not a channel handle.
 * @throws {AttachError} when the buffer is foreign, zeroed, corrupt or of a newer layout.
 */
export function attach<T extends number = number>(handle: SharedChanHandle): SharedChan<T> {
  const { buffer, config } = readConfig(handle);
  let ch = attached.get(config.id)?.deref();
  if (ch === undefined) {
    ch = new SharedChan(buffer, config);
    attached.set(config.id, new WeakRef(ch));
    forget.register(ch, config.id);
  }
  return ch as SharedChan<T>;
}
