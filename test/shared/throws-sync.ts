/**
 * The bad-input tests of numeric and object channels check that a refused call throws at
 * once, before anything is enqueued: a rejected promise would mean the call got further.
 */
import { expect } from 'vitest';
import type { AttachError } from '../../src/index.js';

export type ErrorClass = typeof TypeError | typeof RangeError | typeof AttachError;

/** Runs `f`, which must throw synchronously an instance of `cls` whose message matches. */
export function throwsSync(f: () => unknown, cls: ErrorClass, message?: RegExp): Error {
  let threw = false;
  let error: unknown;
  let returned: unknown;
  try {
    returned = f();
  } catch (e) {
    threw = true;
    error = e;
  }
  if (!threw) {
    if (returned instanceof Promise) returned.catch(() => undefined);
    throw new Error(`expected a synchronous ${cls.name}, but the call returned ${returned instanceof Promise ? 'a promise' : String(returned)}`);
  }
  expect(error, `${String(error)}`).toBeInstanceOf(cls);
  if (message !== undefined) expect((error as Error).message).toMatch(message);
  return error as Error;
}
