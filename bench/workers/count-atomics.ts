/**
 * Counts the Atomics.notify, Atomics.wait and Atomics.waitAsync calls a thread makes on one
 * SharedArrayBuffer, by wrapping the three functions until `restore()`. Calls on other buffers (the benchmark's
 * own control words) pass through uncounted. sabchan looks `Atomics.notify` up at each call
 * (src/shared/ring.ts), so wrapping after it loaded still sees every call.
 */
export interface AtomicsCounts {
  notify: number;
  wait: number;
  /** Each one is an async sleep: a Promise operation that parked. */
  waitAsync: number;
}

export interface AtomicsCounter {
  /** Calls since the last reset. */
  snapshot(): AtomicsCounts;
  reset(): void;
  /** Puts the original functions back. */
  restore(): void;
}

export function countAtomics(buffer: SharedArrayBuffer): AtomicsCounter {
  const { notify, wait, waitAsync } = Atomics;
  const counts: AtomicsCounts = { notify: 0, wait: 0, waitAsync: 0 };
  // Cast: the lib types overload both for BigInt64Array; sabchan only uses Int32Array words.
  Atomics.notify = ((ta: Int32Array, index: number, count?: number): number => {
    if (ta.buffer === buffer) counts.notify++;
    return notify(ta, index, count);
  }) as typeof Atomics.notify;
  Atomics.wait = ((ta: Int32Array, index: number, value: number, timeout?: number) => {
    if (ta.buffer === buffer) counts.wait++;
    return wait(ta, index, value, timeout);
  }) as typeof Atomics.wait;
  Atomics.waitAsync = ((ta: Int32Array, index: number, value: number, timeout?: number) => {
    if (ta.buffer === buffer) counts.waitAsync++;
    return waitAsync(ta, index, value, timeout);
  }) as typeof Atomics.waitAsync;
  return {
    snapshot: () => ({ ...counts }),
    reset() {
      counts.notify = 0;
      counts.wait = 0;
      counts.waitAsync = 0;
    },
    restore() {
      Atomics.notify = notify;
      Atomics.wait = wait;
      Atomics.waitAsync = waitAsync;
    },
  };
}
