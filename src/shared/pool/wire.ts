/**
 * What crosses between a parallelPipe's main thread and its pool workers: the worker's start
 * data, the record shapes in the two kinds of ring, and the control words. Plain data only:
 * the worker imports this file too.
 *
 * Rings (numbers, f64, so any JS number and any slot id travel exactly):
 *   tasks    one per worker (SPSC: main -> that worker), records [slot, value].
 *   results  one per pool (MPSC: every worker -> main), records [slot, status, value].
 * A slot is the main thread's id for one value in flight (./slots.ts); it indexes the tables
 * that remember the value's input (for onError) and the worker it went to.
 */
import type { SharedChanHandle } from '../handle.js';

/** Numbers per task record: [slot, value]. */
export const TASK_WORDS = 2;
/** Numbers per result record: [slot, status, value]. */
export const RESULT_WORDS = 3;

/** Result status: `value` is what the stage function returned. */
export const STATUS_OK = 0;
/** Result status: the stage failed for this value; its error comes as an ItemError message. */
export const STATUS_FAILED = 1;

/** Control word of a worker (one Int32 per worker): still running its loop. */
export const WORKER_RUNNING = 0;
/** Posted by a worker once its stage module loaded and the export was found. */
export const STAGE_LOADED = 'sabchan.parallelPipe.loaded';
/** Control word of a worker: it left its loop normally (its task ring closed and drained). */
export const WORKER_FINISHED = 1;

/** `workerData` of a pool worker. */
export interface WorkerConfig {
  /** file: (or other) URL of the user's module, as a string. */
  readonly moduleUrl: string;
  /** The export to run. */
  readonly exportName: string;
  /** This worker's index in the pool, 0-based; also its word in `control`. */
  readonly index: number;
  /** Its task ring. */
  readonly tasks: SharedChanHandle;
  /** The pool's result ring. */
  readonly results: SharedChanHandle;
  /** One word per worker: WORKER_RUNNING or WORKER_FINISHED. */
  readonly control: Int32Array;
  /** Most tasks a worker takes (and results it writes) at once. */
  readonly chunk: number;
  /**
   * Object payloads (a codec): the values travel in these per-worker object channels beside
   * the records, whose value word is then unused (0). Absent: numbers, in the records.
   */
  readonly lanes?: ValueLanesConfig;
}

/**
 * Object payloads: one object channel each way per worker. A value is put into its channel
 * *before* its record is published, so whoever reads a record finds its value already there;
 * and each record follows its value at once (never a chunk of values first), so a byte ring
 * that fills up never waits on records that are not written yet (pipeline.ts M5).
 */
export interface ValueLanesConfig {
  readonly tasks: SharedChanHandle;
  readonly results: SharedChanHandle;
}

/** Posted by a worker (before it writes the STATUS_FAILED record) when a value failed. */
export interface ItemError {
  readonly slot: number;
  readonly error: unknown;
}
