/**
 * `parallelPipe` and `parallelPipeUnordered`: a stage that runs a function from a module over
 * every value of a channel, on a pool of worker threads, with shared rings in between.
 *
 * Values travel in batches through SharedArrayBuffer rings (./wire.ts), so a busy worker
 * takes its next values without a round trip to the main thread: the per-value cost is a few
 * ring slots, not a postMessage and a wake-up as in a task pool. Numbers travel in the ring
 * records themselves; with the `codec` option, any values travel in per-worker shared object
 * channels beside the records (./pipeline.ts M5, ./worker.ts K4).
 */
import type { Codec } from '../../codec/codec.js';
import { resolveCodec } from '../../codec/resolve.js';
import { describe } from '../../errors.js';
import { isPort, type Chan } from '../../protocol.js';
import { registerLateStage, type LateStage } from '../../internal/late-ops.js';
import { sharedChan } from '../create.js';
import { MAX_SLOTS, RECORD_HEADER_BYTES } from '../layout.js';
import type { SharedChan } from '../shared-chan.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pipeline, type OnError } from './pipeline.js';

export interface ParallelPipeOptions<T = number, R = number> {
  /** The module export to run (default `'default'`). It may be sync or async. */
  exportName?: string;
  /**
   * Maps a failure (the function threw or rejected, or returned a non-number) to a value to
   * emit in its place; `undefined` drops the value. Runs on the main thread and may be async.
   * Without it, the first failure stops the pipeline (see `parallelPipe`). (`NoInfer`: the
   * result type comes from the caller or defaults to number, never from what this returns.)
   */
  onError?: (err: unknown, value: T) => NoInfer<R> | undefined | PromiseLike<NoInfer<R> | undefined>;
  /**
   * Values in flight per worker at most (default 128). A worker takes up to a quarter of it
   * at once and reports results per such chunk (or each millisecond, for a slow stage), so a
   * larger window spreads the cost of the hand-offs over more values. At most `n * window`
   * values are in the workers; in order mode up to as many again may wait for an earlier
   * value to finish.
   */
  window?: number;
  /** Capacity of the output channel (default 1024). */
  buffer?: number;
  /**
   * Object payloads: values and results of any kind, each encoded by this codec through
   * shared object channels (`'json'`, `utf8Codec`, `bytesCodec` or a `structCodec(...)`:
   * codecs a worker can rebuild by itself; a custom codec object cannot be sent to a thread,
   * so it is a TypeError). Without it, values and results are numbers. The output is then an
   * object channel of this codec.
   */
  codec?: 'json' | Codec<unknown>;
  /**
   * Object payloads: the largest value or result, in bytes once encoded (default 65,528, what
   * a 64 KiB ring holds). It sizes the channels to each worker and back, and the output. A
   * larger input value fails the pipeline with a RangeError; a larger result fails that value
   * (`onError` sees it).
   */
  maxMessageBytes?: number;
}

const DEFAULT_WINDOW = 128;
const DEFAULT_BUFFER = 1024;
/** A worker takes at most this fraction of its window at once, so more is queued behind it. */
const CHUNK_DIVISOR = 4;
const MAX_WORKERS = 1024;
const MAX_WINDOW = 65_536;
/** The most an object channel takes (create.ts: a ring of at most MAX_SLOTS bytes, less a header). */
const MAX_MESSAGE_BYTES = MAX_SLOTS - RECORD_HEADER_BYTES;

/**
 * Runs `module`'s export over every value of `input` on `n` worker threads and returns a new
 * shared channel (`f64`) with the results in input order. The input may be any channel of
 * numbers, in-thread or shared; the output can itself be handed to another thread.
 *
 * - The workers import `module` (a URL, or a path resolved against the current directory)
 *   and call its export once per value; an async export's promise is awaited.
 * - At most `n * window` values are in the workers (`window`, default 128, per worker), plus as
 *   many again waiting for an earlier one in order mode. The workers stop when the input is
 *   closed and drained, after which the output closes and the process may exit.
 * - Closing the output stops the pipeline (values in flight are discarded; the input is not
 *   closed and nothing more is taken from it).
 * - Errors: a value whose call throws or rejects goes to `onError`, which returns a value to
 *   emit instead or `undefined` to drop it. Without `onError`, or when a worker dies, or the
 *   module or export cannot be loaded, the pipeline stops: the error is recorded on the
 *   output, the output closes after the values before the failure, and iterating it throws
 *   the error once drained.
 * @throws {TypeError} `input` is not a channel, `module` is not a string or URL, an option
 *   has the wrong type, or `codec` is a custom codec object (workers cannot receive one).
 * @throws {RangeError} `n` or a numeric option is not a positive integer.
 * @example
 * // square.js: export default (x) => x * x;
 * const out = parallelPipe(input, 2, new URL('./square.js', import.meta.url));
 * for await (const y of out) console.log(y);
 */
export function parallelPipe<T = number, R = number>(
  input: Chan<T>,
  n: number,
  module: string | URL,
  opts: ParallelPipeOptions<T, R> = {},
): SharedChan<R> {
  return start('parallelPipe', true, input, n, module, opts);
}

/**
 * `parallelPipe` that emits each result as soon as it is ready: the output holds the same
 * values (as a multiset), in any order. One slow value does not hold back the others.
 */
export function parallelPipeUnordered<T = number, R = number>(
  input: Chan<T>,
  n: number,
  module: string | URL,
  opts: ParallelPipeOptions<T, R> = {},
): SharedChan<R> {
  return start('parallelPipeUnordered', false, input, n, module, opts);
}

// The chain forms `ch.parallelPipe(...)` (select/facade.ts) find these here (late-ops.ts).
registerLateStage('parallelPipe', parallelPipe as LateStage);
registerLateStage('parallelPipeUnordered', parallelPipeUnordered as LateStage);

function start<R>(
  where: string,
  ordered: boolean,
  input: unknown,
  n: unknown,
  module: unknown,
  opts: unknown,
): SharedChan<R> {
  if (!isPort(input)) throw new TypeError(`${where}: the input must be a channel, got ${describe(input)}`);
  const workers = positiveInteger(where, 'n (the number of workers)', n, MAX_WORKERS);
  const moduleUrl = moduleUrlOf(where, module);
  if (typeof opts !== 'object' || opts === null) throw new TypeError(`${where}: options must be an object, got ${describe(opts)}`);
  const o = opts as ParallelPipeOptions;
  const codec = o.codec === undefined ? null : poolCodec(where, o.codec);
  const exportName = o.exportName ?? 'default';
  if (typeof exportName !== 'string') throw new TypeError(`${where}: exportName must be a string, got ${describe(exportName)}`);
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw new TypeError(`${where}: onError must be a function, got ${describe(o.onError)}`);
  }
  const window = o.window === undefined ? DEFAULT_WINDOW : positiveInteger(where, 'window', o.window, MAX_WINDOW);
  const buffer = o.buffer === undefined ? DEFAULT_BUFFER : positiveInteger(where, 'buffer', o.buffer, 2 ** 30);
  if (o.maxMessageBytes !== undefined && codec === null) {
    throw new TypeError(`${where}: maxMessageBytes is for object payloads; give a codec too (numbers travel in fixed records)`);
  }
  const maxMessageBytes = o.maxMessageBytes === undefined ? undefined : positiveInteger(where, 'maxMessageBytes', o.maxMessageBytes, MAX_MESSAGE_BYTES);
  const sizes = maxMessageBytes === undefined ? {} : { maxMessageBytes };
  const output = (codec === null ? sharedChan({ type: 'f64', capacity: buffer }) : sharedChan({ codec, capacity: buffer, ...sizes })) as SharedChan<R>;
  const pipeline = new Pipeline({
    input: input as Chan<unknown>,
    output: output as SharedChan<unknown>,
    codec,
    ordered,
    onError: o.onError as OnError | undefined,
    workers,
    window,
    chunk: Math.max(1, Math.floor(window / CHUNK_DIVISOR)),
    moduleUrl,
    exportName,
    ...sizes,
  });
  pipeline.start();
  return output;
}

/** The codec option, if the workers can rebuild it from a channel handle (create.ts attach). */
function poolCodec(where: string, option: unknown): 'json' | Codec<unknown> {
  const codec = resolveCodec(option as 'json' | Codec<unknown>);
  const known = ['json', 'utf8', 'bytes'].includes(codec.name) || (codec.name === 'struct' && typeof (codec as { schema?: unknown }).schema === 'object');
  if (!known) {
    throw new TypeError(
      `${where}: the codec '${codec.name}' cannot be sent to the workers (a codec object does not cross threads); ` +
        "use 'json', utf8Codec, bytesCodec or a structCodec(schema), which a worker rebuilds by itself",
    );
  }
  return option === 'json' ? 'json' : codec;
}

function positiveInteger(where: string, what: string, x: unknown, max: number): number {
  if (typeof x !== 'number') throw new TypeError(`${where}: ${what} must be a number, got ${describe(x)}`);
  if (!Number.isInteger(x) || x < 1 || x > max) {
    throw new RangeError(`${where}: ${what} must be an integer from 1 to ${max}, got ${x}`);
  }
  return x;
}

/** A URL as a string: URL objects and strings with a scheme as they are, paths made absolute. */
function moduleUrlOf(where: string, module: unknown): string {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string' || module === '') {
    throw new TypeError(`${where}: the module must be a URL or a path, got ${describe(module)}`);
  }
  // A scheme of two or more letters (file:, data:, https:); one letter is a Windows drive.
  if (/^[a-z][a-z0-9+.-]+:/i.test(module)) return module;
  return pathToFileURL(resolve(module)).href;
}
