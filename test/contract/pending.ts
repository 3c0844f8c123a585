/**
 * Helpers to observe promises without timing: a promise "is pending" if it has not settled
 * once every queued microtask has run (setImmediate runs after the microtask queue drains).
 */

/** Runs every queued microtask (and their follow-ups) before returning. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Wraps a promise so its state can be read synchronously after `flush()`. */
export function track<T>(p: Promise<T>): { readonly settled: boolean; readonly value?: T; readonly error?: unknown; readonly promise: Promise<T> } {
  const t: { settled: boolean; value?: T; error?: unknown; promise: Promise<T> } = { settled: false, promise: p };
  p.then(
    (v) => {
      t.settled = true;
      t.value = v;
    },
    (e) => {
      t.settled = true;
      t.error = e;
    },
  );
  return t;
}

/** True if `p` is still pending after all queued microtasks ran. */
export async function isPending(p: Promise<unknown>): Promise<boolean> {
  const t = track(p);
  await flush();
  return !t.settled;
}
