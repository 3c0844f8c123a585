/**
 * The worker side of a parallelPipe as the main thread sees it: n workers, a task ring per
 * worker, one result ring, and the watch over the workers' lives. The pipeline (./pipeline.ts)
 * decides what goes where; this file owns the threads and the rings.
 *
 * Lifetime: the workers are unref'd (after their 'message' listener, which would ref them
 * again). A busy pipeline is kept alive by the main thread's wait on the result ring (a parked
 * shared-channel get holds the process, shared-port.ts H3). An idle one holds nothing of its
 * own; its feeder's get on the input holds the process only if the input is a shared channel
 * (as any parked get on one does), so a process whose pipelines are done, or idle on an
 * in-thread input, can exit.
 */
import { Worker } from 'node:worker_threads';
import { sharedChan } from '../create.js';
import type { SharedChan } from '../shared-chan.js';
import type { Codec } from '../../codec/codec.js';
import {
  RESULT_WORDS,
  STAGE_LOADED,
  TASK_WORDS,
  WORKER_RUNNING,
  type ItemError,
  type ValueLanesConfig,
  type WorkerConfig,
} from './wire.js';

/**
 * The worker's entry file. From the TypeScript source (tests, benchmarks) a worker needs a
 * loader for .ts files first (./boot-ts.mjs); the built package runs worker.js as it is.
 */
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './boot-ts.mjs' : './worker.js', import.meta.url);

export interface PoolEvents {
  /** A worker posted the error of one value (wire.ts K2). */
  itemError(msg: ItemError): void;
  /** A worker died: an uncaught error (the stage module failed to load, too) or an exit. */
  crashed(err: Error): void;
}

/** Object payloads: the per-worker object channels of values (wire.ts ValueLanesConfig). */
export interface ValueLanes {
  readonly tasks: SharedChan<unknown>[];
  readonly results: SharedChan<unknown>[];
}

export class WorkerPool {
  /** Task ring of worker i; room for `window` records, so the main thread never waits on it. */
  readonly tasks: SharedChan[] = [];
  /** With a codec: the values, beside the records; null for numbers. */
  readonly lanes: ValueLanes | null;
  /** Every worker's results; room for every value in flight (wire.ts, worker.ts K3). */
  readonly results: SharedChan;
  /** The threads, by index. */
  private readonly workers: Worker[] = [];
  /** One word per worker: WORKER_RUNNING until it leaves its loop normally. */
  private readonly control: Int32Array;
  /** Set by `stop`: exits from then on are expected. */
  private stopped = false;
  /** Settle as each worker reports its stage loaded, or exits (having failed to load it). */
  private readonly loadedAll: Promise<void>[] = [];

  constructor(
    readonly size: number,
    /** Values in flight per worker at most. */
    readonly window: number,
    moduleUrl: string,
    exportName: string,
    chunk: number,
    events: PoolEvents,
    /** Object payloads: the codec of the value channels (null: numbers in the records). */
    codec: 'json' | Codec<unknown> | null = null,
    /** Object payloads: the largest encoded value or result (undefined: the channel default). */
    maxMessageBytes?: number,
  ) {
    this.results = sharedChan({ type: 'f64', capacity: RESULT_WORDS * size * window });
    this.control = new Int32Array(new SharedArrayBuffer(4 * size));
    this.lanes = codec === null ? null : { tasks: [], results: [] };
    for (let index = 0; index < size; index++) {
      const tasks = sharedChan({ type: 'f64', capacity: TASK_WORDS * window });
      this.tasks.push(tasks);
      let lanes: ValueLanesConfig | undefined;
      if (this.lanes !== null) {
        const sizes = maxMessageBytes === undefined ? {} : { maxMessageBytes };
        const values = sharedChan<unknown>({ codec: codec!, capacity: window, ...sizes });
        const results = sharedChan<unknown>({ codec: codec!, capacity: window, ...sizes });
        this.lanes.tasks.push(values);
        this.lanes.results.push(results);
        lanes = { tasks: values.handle, results: results.handle };
      }
      const config: WorkerConfig = {
        moduleUrl,
        exportName,
        index,
        tasks: tasks.handle,
        results: this.results.handle,
        control: this.control,
        chunk,
        ...(lanes === undefined ? {} : { lanes }),
      };
      const worker = new Worker(WORKER_ENTRY, { workerData: config, name: `sabchan parallelPipe ${index + 1}/${size}` });
      let markLoaded!: () => void;
      this.loadedAll.push(new Promise((resolve) => (markLoaded = resolve)));
      worker.on('message', (msg: ItemError | typeof STAGE_LOADED) => (msg === STAGE_LOADED ? markLoaded() : events.itemError(msg)));
      worker.once('exit', () => markLoaded()); // it never loaded: its 'error' came first
      worker.on('error', (err: unknown) => {
        if (this.stopped) return;
        events.crashed(crashError(index, size, moduleUrl, exportName, err));
      });
      worker.on('exit', (code: number) => {
        if (this.stopped || Atomics.load(this.control, index) !== WORKER_RUNNING) return;
        events.crashed(
          new Error(
            `parallelPipe: worker ${index + 1} of ${size} running ${moduleUrl}#${exportName} exited ` +
              `unexpectedly (exit code ${code}); the pipeline stopped`,
          ),
        );
      });
      // After the 'message' listener: adding one refs the worker's port again (Node 20), and
      // an idle pipeline must not hold the process.
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Settles once every worker loaded the stage module, or died trying: one that could not
   * load it has reported that (`crashed`) by then. Not its exit: a stage module may hold a
   * timer that keeps its worker alive until `stop` terminates it.
   */
  loaded(): Promise<void> {
    return Promise.all(this.loadedAll).then(() => undefined);
  }

  /**
   * No more tasks: each worker finishes what its ring holds, then leaves its loop and exits.
   */
  endInput(): void {
    for (const t of this.tasks) t.close();
    for (const t of this.lanes?.tasks ?? []) t.close();
  }

  /**
   * Stops at once: closes every ring (a worker's next put or get fails and it leaves its
   * loop) and terminates the threads, which may be deep in a long stage call. Idempotent.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endInput();
    this.results.close();
    for (const r of this.lanes?.results ?? []) r.close();
    for (const w of this.workers) void w.terminate();
  }
}

function crashError(index: number, size: number, moduleUrl: string, exportName: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  // Errors of our own making (the module could not be loaded) already say what happened.
  if (message.startsWith('parallelPipe:')) return err instanceof Error ? err : new Error(message);
  return new Error(
    `parallelPipe: worker ${index + 1} of ${size} running ${moduleUrl}#${exportName} crashed ` +
      `with an uncaught error: ${message}; the pipeline stopped`,
    { cause: err },
  );
}
