/**
 * Errors and the fixed phrases of their messages. Messages say what was wrong and what to do,
 * so that users can search for them.
 */
import { MAX_PENDING } from './protocol.js';

/** Thrown (or rejected) when a channel already has MAX_PENDING waiting puts or gets. */
export class PendingLimitError extends Error {
  override name = 'PendingLimitError';
  constructor(direction: 'put' | 'get') {
    super(
      `sabchan: no more than ${MAX_PENDING} pending ${direction}s are allowed on a single ` +
        `channel; give the channel a buffer (chan(n)) or limit how many ${direction}s wait at once`,
    );
  }
}

/** Describes a value for an error message without dumping large objects. */
export function describe(x: unknown): string {
  if (typeof x === 'string') return `string ${JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x)}`;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `${typeof x} ${String(x)}`;
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(x).slice(8, -1)})`;
}

/** The error every put form throws for `undefined`, the closed marker. */
export function undefinedPutError(where: string): TypeError {
  return new TypeError(
    `${where}: cannot put undefined: undefined is the closed marker; ` +
      `send null or another value instead (nothing was enqueued)`,
  );
}

/** Validates `{ signal }` options and returns the signal, if any. */
export function signalOf(where: string, opts: unknown): AbortSignal | undefined {
  if (opts === undefined || opts === null) return undefined;
  if (typeof opts !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(opts)}`);
  const signal = (opts as { signal?: unknown }).signal;
  if (signal === undefined) return undefined;
  if (
    typeof signal !== 'object' ||
    signal === null ||
    typeof (signal as AbortSignal).aborted !== 'boolean' ||
    typeof (signal as AbortSignal).addEventListener !== 'function'
  ) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal as AbortSignal;
}

/** A sync call's `timeout` expired before it could complete; nothing was transferred. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(where: string, ms: number) {
    super(`${where}: timed out after ${ms} ms; nothing was transferred`);
  }
}

/** `attach` was given something that is not a usable shared channel. */
export class AttachError extends Error {
  override name = 'AttachError';
}

/**
 * A put or get on a single-producer single-consumer channel (`spsc: true`) from a thread that
 * is not its producer or consumer. Nothing was transferred.
 */
export class SpscOwnerError extends Error {
  override name = 'SpscOwnerError';
}

/** Validates a `{ timeout }` option of a sync call: a number >= 0 (ms) or absent. */
export function timeoutOf(where: string, opts: unknown): number | undefined {
  if (opts === undefined || opts === null) return undefined;
  if (typeof opts !== 'object') throw new TypeError(`${where}: options must be an object, got ${describe(opts)}`);
  const t = (opts as { timeout?: unknown }).timeout;
  if (t === undefined) return undefined;
  if (typeof t !== 'number') throw new TypeError(`${where}: options.timeout must be a number of milliseconds, got ${describe(t)}`);
  if (!(t >= 0)) throw new RangeError(`${where}: options.timeout must be >= 0 milliseconds, got ${t}`);
  return t;
}
