/**
 * Measures several rows in turns instead of one after the other, so that a change in the
 * machine's state (this shared 2-core VM runs some minutes 2-3x slower than others, ringbuf.js
 * included) falls on every row of a scenario alike and leaves their ratios standing.
 *
 * Every row is set up first (its worker started), then: one untimed warm-up round, then
 * ROUNDS timed rounds. In each round every row runs for its share of the time budget (at
 * least one iteration); the row that goes first moves by one each round. A row that fails is
 * torn down at once and dropped from the later rounds. Then every other row is torn down.
 */
import type { Transfer } from './adapters/adapter.js';
import { failOnStall, messageOf, type IsolatedTask, type MeasureOptions, type Outcome } from './measure.js';

/** Timed rounds per scenario. */
const ROUNDS = 8;
/** Iterations per row in the warm-up round (JIT, spin budgets, worker start-up). */
const WARMUP_ITERATIONS = 3;

export async function measureInterleaved(
  tasks: readonly IsolatedTask[],
  valuesPerIteration: number,
  opts: MeasureOptions,
): Promise<Outcome[]> {
  const prepares: (() => Transfer)[] = [];
  const errors: (string | undefined)[] = tasks.map(() => undefined);
  const samples: number[][] = tasks.map(() => []);
  for (const [i, task] of tasks.entries()) {
    try {
      prepares[i] = await task.setup();
    } catch (err) {
      errors[i] = messageOf(err);
    }
  }
  const shareMs = opts.timeMs / ROUNDS;
  for (let round = -1; round < ROUNDS; round++) {
    for (let k = 0; k < tasks.length; k++) {
      const i = (k + Math.max(round, 0)) % tasks.length;
      if (errors[i] !== undefined) continue;
      try {
        if (round < 0) await runFor(tasks[i]!.name, prepares[i]!, 0, WARMUP_ITERATIONS);
        else samples[i]!.push(...(await runFor(tasks[i]!.name, prepares[i]!, shareMs, 1)));
      } catch (err) {
        errors[i] = messageOf(err);
        // Stop its workers now: a stalled transfer must not run on beside the other rows.
        await tasks[i]!.teardown().catch(() => {});
      }
    }
  }
  const outcomes: Outcome[] = [];
  for (const [i, task] of tasks.entries()) {
    let outcome: Outcome = errors[i] !== undefined ? { kind: 'failed', error: errors[i]! } : outcomeOf(samples[i]!, valuesPerIteration);
    // A teardown error (a worker that failed after the last iteration) still fails the row.
    // A row that failed was torn down when it failed (a setup error: here, once).
    try {
      if (errors[i] === undefined || prepares[i] === undefined) await task.teardown();
    } catch (err) {
      if (outcome.kind !== 'failed') outcome = { kind: 'failed', error: `teardown: ${messageOf(err)}` };
    }
    opts.onTaskDone?.(task.name, outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

/** Runs iterations for `ms` (at least `min` of them); the channels are made untimed. */
async function runFor(name: string, prepare: () => Transfer, ms: number, min: number): Promise<number[]> {
  const times: number[] = [];
  const until = performance.now() + ms;
  while (times.length < min || performance.now() < until) {
    const transfer = prepare();
    const start = performance.now();
    await failOnStall(transfer(), name);
    times.push(performance.now() - start);
  }
  return times;
}

/** Mean and relative margin of error (95%, Student's t), as tinybench reports them. */
function outcomeOf(times: readonly number[], valuesPerIteration: number): Outcome {
  const n = times.length;
  const meanMs = times.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? times.reduce((a, t) => a + (t - meanMs) ** 2, 0) / (n - 1) : 0;
  const rme = ((tCritical(n - 1) * Math.sqrt(variance / n)) / meanMs) * 100;
  return {
    kind: 'measured',
    opsPerSec: (valuesPerIteration * 1000) / meanMs,
    nsPerOp: (meanMs * 1e6) / valuesPerIteration,
    rme,
    samples: n,
  };
}

/** Two-sided 95% critical values of Student's t for 1-30 degrees of freedom, then normal. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

function tCritical(df: number): number {
  return df < 1 ? 0 : (T95[df - 1] ?? 1.96);
}
