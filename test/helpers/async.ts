// Small helpers for the ported conformance tests: observing whether a promise has settled,
// yielding to the event loop, fire-and-forget tasks whose failures are collected, and a
// seeded RNG. Nothing here knows about sabchan internals.

/** Resolves after one timer turn of `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Yields one macrotask turn (the closest analogue of Go's runtime.Gosched()). */
export const gosched = (): Promise<void> => new Promise((r) => setImmediate(r));

export interface Tracked<T> {
  readonly promise: Promise<T>;
  state: 'pending' | 'fulfilled' | 'rejected';
  value: T | undefined;
  error: unknown;
}

/** Starts observing `p` so that a test can ask, later, whether it has settled. */
export function track<T>(p: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { promise: p, state: 'pending', value: undefined, error: undefined };
  p.then(
    (v) => {
      t.state = 'fulfilled';
      t.value = v;
    },
    (e: unknown) => {
      t.state = 'rejected';
      t.error = e;
    },
  );
  return t;
}

/**
 * "Blocks", adapted from Go's test/chan/select3.go: an operation blocks if it is still pending
 * after a few macrotask turns (a 20 ms timer). A rejection is rethrown so it is never mistaken
 * for blocking.
 */
export async function stillPendingAfterTurns(t: Tracked<unknown>, ms = 20): Promise<boolean> {
  await sleep(ms);
  if (t.state === 'rejected') throw t.error;
  return t.state === 'pending';
}

/**
 * Waits for `p`, but turns a hang into a clear failure: polls for up to `turns` 1 ms timer
 * turns (bounded by count, so an implementation that dispatches on timers still has room).
 * This is a liveness check, not a timing assertion: passing implementations settle in a few
 * turns, and the bound is only reached when something is stuck.
 */
export async function settles<T>(p: Promise<T>, what: string, turns = 500): Promise<T> {
  const t = track(p);
  for (let i = 0; i < turns && t.state === 'pending'; i++) await sleep(1);
  if (t.state === 'pending') throw new Error(`${what}: still pending after ${turns} timer turns`);
  if (t.state === 'rejected') throw t.error;
  return t.value as T;
}

/**
 * Go's `go f()`: starts an async task now. Any error it throws is pushed onto `errors`, so a
 * test can assert that no task failed instead of losing the failure as an unhandled rejection.
 * The returned promise never rejects.
 */
export function spawn(errors: unknown[], f: () => Promise<unknown>): Promise<void> {
  return f().then(
    () => undefined,
    (e: unknown) => {
      errors.push(e);
    },
  );
}

/** mulberry32: a tiny seeded PRNG, so a failing interleaving can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
