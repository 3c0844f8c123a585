/**
 * A parallelPipe pool worker: imports the user's module, then runs its stage function over
 * the values in its task ring and writes the results to the pool's result ring, a chunk at a
 * time, until the task ring is closed and drained.
 *
 * Invariants (main-thread side in ./pipeline.ts):
 *   K1  every task record taken yields exactly one result record with the same slot, unless
 *       the result ring is closed (the pipeline stopped and discards results).
 *   K2  a STATUS_FAILED record is written only after its ItemError message was posted, so the
 *       main thread may wait for that message when it meets the record.
 *   K3  results are written with one putManySync per chunk (or per part of a chunk, when a
 *       slow stage has kept finished results waiting FLUSH_MS); the result ring has room for
 *       every value in flight, so that put never waits and never splits the records between
 *       other workers' (ring.ts reserves a whole batch at once when it fits).
 *
 *   K4  object payloads (config.lanes): a task's value is taken from this worker's value
 *       channel when its record is read (the main thread put it there first), and a result's
 *       value is put into the result value channel right before its record, which is then
 *       written alone, at once (not with its chunk): the main thread reads values only as it
 *       reads records, so a value ring full of bytes must never wait on an unwritten record.
 *       A result the codec cannot encode is a failure of that value.
 *
 * The worker waits for tasks with the Promise form (getMany), not getManySync: a ready chunk
 * costs one microtask, and an idle worker's event loop keeps running (a stage's timers and
 * I/O callbacks fire, an uncaught error in one kills the worker as it should) instead of
 * being frozen in Atomics.wait. A busy pool still costs no wake-up per value.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describe } from '../../errors.js';
// The public index, as any user's worker would.
import { attach } from '../../index.js';
import {
  RESULT_WORDS,
  STATUS_FAILED,
  STAGE_LOADED,
  STATUS_OK,
  TASK_WORDS,
  WORKER_FINISHED,
  type ItemError,
  type WorkerConfig,
} from './wire.js';

type Stage = (value: unknown) => unknown;

/** Finished results wait at most about this long for the rest of their chunk (ms). */
const FLUSH_MS = 1;

const config = workerData as WorkerConfig;
const stage = await loadStage(config.moduleUrl, config.exportName);
parentPort!.postMessage(STAGE_LOADED);
const tasks = attach(config.tasks);
const results = attach(config.results);
// K4: built-in and struct codecs are found from the handles (parallel-pipe.ts admits no others).
const taskValues = config.lanes === undefined ? null : attach<unknown>(config.lanes.tasks);
const resultValues = config.lanes === undefined ? null : attach<unknown>(config.lanes.results);
const input = new Float64Array(TASK_WORDS * config.chunk);
const output = new Float64Array(RESULT_WORDS * config.chunk);

run: for (;;) {
  const got = await tasks.getMany(input);
  if (got === 0) break; // closed and drained: the pipeline has no more values for us
  const count = got / TASK_WORDS;
  let pending: Promise<void>[] | undefined;
  let written = 0; // results of this chunk already in the result ring
  let since = performance.now();
  for (let i = 0; i < count; i++) {
    const slot = input[i * TASK_WORDS]!;
    // K4: the value was put before its record; getSync finds it at once.
    const value: unknown = taskValues === null ? input[i * TASK_WORDS + 1]! : taskValues.getSync();
    output[i * RESULT_WORDS] = slot;
    let r: unknown;
    let threw = false;
    try {
      r = stage(value);
    } catch (err) {
      failed(i, slot, err);
      threw = true;
    }
    if (threw) {
      // recorded by failed()
    } else if (isThenable(r)) {
      (pending ??= []).push(
        Promise.resolve(r).then(
          (v) => settled(i, slot, value, v),
          (err: unknown) => failed(i, slot, err),
        ),
      );
    } else {
      settled(i, slot, value, r);
    }
    if (resultValues !== null) {
      if (results.closed) break run; // K4 writes each record at once: a closed ring means stopped
      continue;
    }
    // A slow stage must not hold finished results back until the chunk ends (sync results
    // only: async ones are written once the whole chunk settled).
    if (pending === undefined && performance.now() - since >= FLUSH_MS) {
      if (!write(written, i + 1)) break run;
      written = i + 1;
      since = performance.now();
    }
  }
  // An async stage's values of one chunk run concurrently; the chunk is written when all settled.
  if (pending !== undefined) await Promise.all(pending);
  if (resultValues !== null) {
    if (results.closed) break;
    continue; // K4: every record of the chunk is written already
  }
  if (!write(written, count)) break;
}
Atomics.store(config.control, config.index, WORKER_FINISHED);

/** Writes results [from, to) of the chunk. @returns false if the ring is closed (stopped). */
function write(from: number, to: number): boolean {
  if (from === to) return true;
  return results.putManySync(output.subarray(from * RESULT_WORDS, to * RESULT_WORDS)) > 0; // K3: all or nothing
}

function settled(i: number, slot: number, value: unknown, result: unknown): void {
  if (resultValues !== null) {
    // K4: the value first, then its record alone.
    try {
      if (result === undefined) throw new TypeError(`parallelPipe: ${name()} returned undefined for a value; a stage must return a value (undefined is the closed marker)`);
      if (!resultValues.putSync(result)) return; // closed: the pipeline stopped
    } catch (err) {
      failed(i, slot, err); // the codec could not encode it
      return;
    }
    output[i * RESULT_WORDS + 1] = STATUS_OK;
    output[i * RESULT_WORDS + 2] = 0;
    write(i, i + 1);
    return;
  }
  if (typeof result !== 'number') {
    failed(i, slot, new TypeError(
      `parallelPipe: ${name()} returned ${describe(result)} for the value ${value}; ` +
        'a stage must return a number (without a codec a parallelPipe carries numbers; give it a codec for other values)',
    ));
    return;
  }
  output[i * RESULT_WORDS + 1] = STATUS_OK;
  output[i * RESULT_WORDS + 2] = result;
}

function failed(i: number, slot: number, error: unknown): void {
  post({ slot, error }); // K2: before the record
  output[i * RESULT_WORDS + 1] = STATUS_FAILED;
  output[i * RESULT_WORDS + 2] = 0;
  if (resultValues !== null) write(i, i + 1); // K4: at once
}

/** Posts an ItemError; a thrown value that cannot be cloned travels as a description. */
function post(msg: ItemError): void {
  try {
    parentPort!.postMessage(msg);
  } catch {
    const text = msg.error instanceof Error ? `${msg.error.name}: ${msg.error.message}` : describe(msg.error);
    parentPort!.postMessage({ slot: msg.slot, error: new Error(`${name()} threw a value that cannot be sent between threads: ${text}`) });
  }
}

function name(): string {
  return `${config.moduleUrl}#${config.exportName}`;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as PromiseLike<unknown>).then === 'function';
}

/**
 * Imports the module and finds the export. Throws (an uncaught error: the main thread sees it
 * as the worker's 'error' event and fails the pipeline with this message).
 */
async function loadStage(url: string, exportName: string): Promise<Stage> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const why = err instanceof Error ? err.message : describe(err);
    throw new Error(`parallelPipe: cannot import the stage module ${url} (for its export '${exportName}') in a worker: ${why}`);
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).join(', ') || 'none';
    throw new TypeError(
      `parallelPipe: the module ${url} has no function export '${exportName}' ` +
        `(it is ${describe(fn)}; the module exports: ${names})`,
    );
  }
  return fn as Stage;
}
