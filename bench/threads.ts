/**
 * `npm run bench:threads`: cross-thread channels (sabchan's shared channels beside
 * MessagePort, ringbuf.js and raw Atomics) in one process, markdown tables on stdout,
 * progress on stderr, and a JSON copy in bench/results/.
 *
 * Env: BENCH_TIME_MS (time budget per throughput task, default 1500),
 *      BENCH_FILTER (comma-separated scenario ids: single, batch, objects, select, pingpong,
 *      notify, parks),
 *      BENCH_REPEAT (run each scenario that many times in a row, default 1: the tables are the
 *      last run's, and a spread table gives every target's ratio in each run; on this shared
 *      machine one run can differ from the next by more than its margins say).
 * Exit status 1 when any row failed; a missed target is reported, not an error.
 */
import os from 'node:os';
import {
  formatHeader,
  progress,
  readFilter,
  readRepeat,
  readTimeMs,
  reportProgress,
  runMain,
  writeResults,
} from './cli.js';
import { CROSS_THREAD_SCENARIOS, type ScenarioRun } from './cross-thread/scenarios.js';
import { formatSpread } from './cross-thread/spread.js';
import { describeMachine, formatLoad } from './machine.js';

const DEFAULT_TIME_MS = 1500;
/**
 * Every scenario here keeps two threads busy, which on this 2-core machine is all of it: a
 * 1-minute load above 1 means something else wants a core, and spinning rows suffer most.
 */
const BUSY_LOAD = 1;

async function main(): Promise<void> {
  const timeMs = readTimeMs(DEFAULT_TIME_MS);
  const scenarios = readFilter(CROSS_THREAD_SCENARIOS);
  const machine = describeMachine();
  const load = machine.loadavg[0]!;
  const busy = load > BUSY_LOAD;
  const scenarioIds = scenarios.map((s) => s.id);
  console.log(formatHeader('sabchan cross-thread benchmarks', machine, { busy, timeMs, scenarioIds }));
  if (busy) progress(`warning: 1-minute load average ${load.toFixed(2)} > ${BUSY_LOAD}: numbers will be noisy`);

  const reports: object[] = [];
  let failed = false;
  const repeat = readRepeat();
  for (const [i, scenario] of CROSS_THREAD_SCENARIOS.entries()) {
    if (!scenarios.includes(scenario)) continue;
    const runs: ScenarioRun[] = [];
    for (let r = 1; r <= repeat; r++) {
      progress(repeat === 1 ? `${scenario.id}:` : `${scenario.id} (run ${r} of ${repeat}):`);
      const run = await scenario.run(i + 1, { timeMs, onTaskDone: reportProgress });
      runs.push(run);
      reports.push(run.json);
      failed ||= run.failed;
    }
    console.log(runs.at(-1)!.markdown);
    if (repeat > 1) console.log(formatSpread(runs));
  }

  const loadavgAfter = os.loadavg();
  console.log(`Load average after the run (1/5/15 min): ${formatLoad(loadavgAfter)}`);
  const file = writeResults({ machine, loadavgAfter, timeMs, scenarios: reports }, 'threads');
  console.log(`Results written to bench/results/${file}`);
  // A failed row (lost values, an error, a stall) is a bug somewhere: make it visible to scripts.
  if (failed) process.exitCode = 1;
}

runMain(main);
