/**
 * Buffers for in-thread channels (core.async's buffer trio plus the promise buffer).
 *
 * A buffer is plain storage with a policy; the channel decides when to call it. Only the
 * fixed buffer is ever full: sliding and dropping buffers apply their policy instead, and the
 * promise buffer keeps its first value forever.
 */
import { describe } from '../errors.js';

export interface Buffer<T> {
  /** Values available to `remove()`. */
  readonly count: number;
  /** True when `add` would have to wait (fixed buffers only). */
  isFull(): boolean;
  /** Stores a value, applying the buffer's policy. Callers check `isFull()` first. */
  add(value: T): void;
  /** Removes and returns the oldest value. Callers check `count > 0` first. */
  remove(): T;
}

/** What `buffers.fixed|sliding|dropping(n)` return: a reusable description, not storage. */
export interface BufferSpec {
  readonly kind: 'fixed' | 'sliding' | 'dropping';
  readonly size: number;
}

const SPEC = Symbol('sabchan.bufferSpec');

/** Growable ring of values: starts small so that `chan(1e6)` costs nothing until used. */
export class FixedBuffer<T> implements Buffer<T> {
  /** Slots; length is a power of two, at most the next one above `capacity`. */
  private slots: (T | undefined)[];
  /** `slots.length - 1`, for wrapping indices with `&`. */
  private mask: number;
  /** Index of the oldest value. */
  private head = 0;
  count = 0;

  constructor(readonly capacity: number) {
    const initial = Math.min(nextPowerOfTwo(capacity), 16);
    this.slots = new Array<T | undefined>(initial);
    this.mask = initial - 1;
  }

  isFull(): boolean {
    return this.count >= this.capacity;
  }

  add(value: T): void {
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) & this.mask] = value;
    this.count++;
  }

  remove(): T {
    const value = this.slots[this.head] as T;
    this.slots[this.head] = undefined; // let the value be collected
    this.head = (this.head + 1) & this.mask;
    this.count--;
    return value;
  }

  private grow(): void {
    const old = this.slots;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}

/** When full, drops the oldest value to make room: a put never waits. */
export class SlidingBuffer<T> extends FixedBuffer<T> {
  override isFull(): boolean {
    return false;
  }
  override add(value: T): void {
    if (this.count >= this.capacity) this.remove();
    super.add(value);
  }
}

/** When full, drops the new value: a put never waits. */
export class DroppingBuffer<T> extends FixedBuffer<T> {
  override isFull(): boolean {
    return false;
  }
  override add(value: T): void {
    if (this.count < this.capacity) super.add(value);
  }
}

/**
 * Keeps the first value ever added and hands it out on every `remove()` (core.async's promise
 * buffer). Unlike aiochan's, "no value yet" is tracked apart from the value, so a falsy first
 * value (0, '', false, null) counts as delivered.
 */
export class PromiseBuffer<T> implements Buffer<T> {
  /** 0 until the first value arrives, then 1 forever. */
  count = 0;
  /** The first value; meaningful only when `count === 1`. */
  private value: T | undefined = undefined;

  isFull(): boolean {
    return false;
  }
  add(value: T): void {
    if (this.count === 0) {
      this.value = value;
      this.count = 1;
    }
  }
  remove(): T {
    return this.value as T;
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function checkSize(where: string, n: unknown, min: number): number {
  if (typeof n !== 'number') {
    throw new TypeError(`${where}: size must be a number, got ${describe(n)}`);
  }
  if (!Number.isInteger(n) || n < min) {
    throw new RangeError(`${where}: size must be an integer >= ${min}, got ${n}`);
  }
  return n;
}

function spec(kind: BufferSpec['kind'], n: unknown): BufferSpec {
  const size = checkSize(`buffers.${kind}`, n, 1);
  return Object.freeze({ kind, size, [SPEC]: true });
}

/** Buffer descriptions for `chan(spec)`. Each channel gets its own fresh storage. */
export const buffers = {
  /** FIFO of `n` values; a put waits while it is full. `chan(n)` is the same. */
  fixed: (n: number): BufferSpec => spec('fixed', n),
  /** FIFO of `n` values; when full, a put drops the oldest value and never waits. */
  sliding: (n: number): BufferSpec => spec('sliding', n),
  /** FIFO of `n` values; when full, a put drops its own value and never waits. */
  dropping: (n: number): BufferSpec => spec('dropping', n),
};

/**
 * Turns `chan()`'s argument into storage: `null` means unbuffered (rendezvous).
 * @throws {TypeError} for a non-number that is not a `buffers.*` spec.
 * @throws {RangeError} for a negative, fractional or NaN size.
 */
export function makeBuffer<T>(arg: unknown): Buffer<T> | null {
  if (arg === undefined) return null;
  if (typeof arg === 'number') {
    const n = checkSize('chan', arg, 0);
    return n === 0 ? null : new FixedBuffer<T>(n);
  }
  if (typeof arg === 'object' && arg !== null && (arg as { [SPEC]?: unknown })[SPEC] === true) {
    const { kind, size } = arg as BufferSpec;
    if (kind === 'sliding') return new SlidingBuffer<T>(size);
    if (kind === 'dropping') return new DroppingBuffer<T>(size);
    return new FixedBuffer<T>(size);
  }
  throw new TypeError(
    `chan: buffer must be a size (an integer >= 0) or buffers.fixed|sliding|dropping(n), got ${describe(arg)}`,
  );
}
