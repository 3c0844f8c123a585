/**
 * Shared helpers of the combinator tests: the channel flavors every combinator is run
 * on, and bounded waits (a hang fails the test with a message instead of a timeout).
 */
import { chan, onto, sharedChan, type Chan } from '../../src/index.js';
import { settles } from '../helpers/async.js';

export { settles };

/** A maker of channels of numbers: every combinator test runs once per flavor. */
export interface Flavor {
  readonly name: string;
  /** A new channel; `cap` is a capacity (the shared flavor needs >= 1 to be a select put arm). */
  make(cap?: number): Chan<number>;
  /** False when NaN does not survive the trip (JSON sends it as null). */
  readonly carriesNaN: boolean;
}

/** Every channel made by a test, closed afterwards so no shared-channel waiter holds the process. */
const made: Chan<unknown>[] = [];

export const flavors: readonly Flavor[] = [
  {
    name: 'in-thread',
    make: (cap = 0) => track(chan<number>(cap)),
    carriesNaN: true,
  },
  {
    name: 'shared f64',
    make: (cap = 8) => track(sharedChan<number>({ type: 'f64', capacity: Math.max(cap, 1) })),
    carriesNaN: true,
  },
  {
    name: 'shared json',
    make: (cap = 8) => track(sharedChan<number>({ capacity: Math.max(cap, 1) })),
    carriesNaN: false,
  },
];

function track<C extends Chan<any>>(c: C): C {
  made.push(c);
  return c;
}

/** Closes every channel the flavors made (call from afterEach). */
export function closeAll(): void {
  for (const c of made.splice(0)) c.close();
}

/** A channel of `flavor` that yields `values` and then closes. */
export function source(flavor: Flavor, values: Iterable<number>): Chan<number> {
  const c = flavor.make();
  void onto(c, values);
  return c;
}

/** Collects a channel, failing the test if it does not end within a bounded number of turns. */
export function drain<T>(c: Chan<T>, what = 'the output'): Promise<T[]> {
  return settles(c.collect(), `${what} never closed`);
}

/** Resolves after `ms` (a real timer: for random delays inside stage functions). */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded, in 1 ms timer turns) until `pred()` holds. */
export async function until(pred: () => boolean, what: string, turns = 500): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (pred()) return;
    await delay(1);
  }
  throw new Error(`${what}: still false after ${turns} timer turns`);
}
