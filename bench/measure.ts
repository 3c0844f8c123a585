/**
 * Runs one scenario's rows under tinybench and turns each task into a RowResult.
 */
import { Bench, type Task } from 'tinybench';
import type { Transfer } from './adapters/adapter.js';
import type { Row, Scenario } from './scenarios.js';

export type Outcome =
  | { kind: 'measured'; opsPerSec: number; nsPerOp: number; rme: number; samples: number }
  | { kind: 'unsupported' }
  | { kind: 'failed'; error: string };

export type Measurement = Extract<Outcome, { kind: 'measured' }>;

export interface RowResult {
  readonly label: string;
  readonly contender: string;
  /** The contender is a baseline written here, not a peer library. */
  readonly baseline: boolean;
  /** The contender ran a stand-in for this scenario (it has a footnote saying which). */
  readonly substitute: boolean;
  readonly variant: Row['variant'];
  readonly outcome: Outcome;
}

/** The row's measurement, or undefined when it failed, was not supported or is absent. */
export function measurementOf(row: { readonly outcome: Outcome } | undefined): Measurement | undefined {
  return row?.outcome.kind === 'measured' ? row.outcome : undefined;
}

export interface MeasureOptions {
  /** tinybench time budget per task. */
  readonly timeMs: number;
  /** Called after each task, for progress output. */
  readonly onTaskDone?: (label: string, outcome: Outcome) => void;
}

/** Whole transfers are long (milliseconds), so a few iterations already give a usable mean. */
const MIN_ITERATIONS = 5;
const WARMUP_ITERATIONS = 3;
/** A transfer that loses a value never finishes; fail the row instead of hanging the run. */
export const STALL_TIMEOUT_MS = 15_000;

export async function measureScenario(
  scenario: Scenario,
  rows: readonly Row[],
  opts: MeasureOptions,
): Promise<RowResult[]> {
  const bench = newBench(opts.timeMs);
  for (const row of rows) if (row.prepare) addTransferTask(bench, row.label, row.prepare);
  // A task ends with 'cycle' when it completed and with 'error' when it failed.
  const taskDone = (task: Task) =>
    opts.onTaskDone?.(task.name, readOutcome(task, scenario.valuesPerIteration));
  bench.addEventListener('cycle', (event) => taskDone(event.task));
  bench.addEventListener('error', (event) => taskDone(event.task));
  await bench.run();
  return rows.map((row) => ({
    label: row.label,
    contender: row.contender.name,
    baseline: row.contender.baseline === true,
    substitute: row.contender.notes?.[scenario.id] !== undefined,
    variant: row.variant,
    outcome: row.prepare
      ? readOutcome(bench.getTask(row.label), scenario.valuesPerIteration)
      : { kind: 'unsupported' },
  }));
}

function newBench(timeMs: number): Bench {
  return new Bench({
    time: timeMs,
    iterations: MIN_ITERATIONS,
    warmupTime: Math.min(500, timeMs / 3),
    warmupIterations: WARMUP_ITERATIONS,
    throws: false, // a broken contender fails its row, not the whole run
  });
}

/**
 * A task with state that lives across its iterations (the cross-thread suite's workers),
 * measured in turns with others by ./interleave.ts. `setup` runs once before warm-up and
 * returns the per-iteration preparer; `teardown` runs once after the task, also when it failed.
 */
export interface IsolatedTask {
  readonly name: string;
  readonly setup: () => Promise<() => Transfer>;
  readonly teardown: () => Promise<void>;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Channels are created in beforeEach, so the timed region holds only the transfer. */
function addTransferTask(bench: Bench, name: string, prepare: () => Transfer): void {
  let prepared: Transfer | undefined;
  bench.add(
    name,
    async () => {
      const transfer = prepared ?? prepare(); // in case tinybench calls fn without beforeEach
      prepared = undefined;
      await failOnStall(transfer(), name);
    },
    {
      async: true, // declared, so tinybench never probes fn (which would consume a transfer)
      beforeEach: () => {
        prepared = prepare();
      },
    },
  );
}

export function failOnStall(transfer: Promise<void>, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Error(
    `${name}: no completion within ${STALL_TIMEOUT_MS / 1000} s (lost values or deadlock)`,
  );
  const stall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(stalled), STALL_TIMEOUT_MS);
  });
  return Promise.race([transfer, stall]).finally(() => clearTimeout(timer));
}

/**
 * The one place that reads tinybench results. tinybench 6 reports `result.state` plus
 * `latency`/`throughput` statistics (v5 had flat fields). Throughput is derived from the
 * mean latency rather than read from `throughput.mean`, which averages per-sample rates.
 */
export function readOutcome(task: Task | undefined, valuesPerIteration: number): Outcome {
  if (!task) return { kind: 'failed', error: 'task was not registered' };
  const result = task.result;
  switch (result.state) {
    case 'completed': {
      const meanMs = result.latency.mean;
      return {
        kind: 'measured',
        opsPerSec: (valuesPerIteration * 1000) / meanMs,
        nsPerOp: (meanMs * 1e6) / valuesPerIteration,
        rme: result.latency.rme,
        samples: result.latency.samplesCount,
      };
    }
    case 'errored':
      return { kind: 'failed', error: result.error.message };
    default:
      return { kind: 'failed', error: `tinybench task state '${result.state}'` };
  }
}
