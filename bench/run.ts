/**
 * `npm run bench`: every contender on every scenario in one process, markdown tables on
 * stdout (progress on stderr), and a JSON copy in bench/results/.
 *
 * Env: BENCH_TIME_MS (time budget per task, default 1500),
 *      BENCH_FILTER (comma-separated scenario ids: buffered, unbuffered, select).
 * Exit status 1 when any row failed; a missed target is reported, not an error.
 */
import os from 'node:os';
import type { Contender } from './adapters/adapter.js';
import { jsCsp } from './adapters/jscsp.js';
import { naiveQueue } from './adapters/naive-queue.js';
import { sabchan } from './adapters/sabchan.js';
import { thingCsp } from './adapters/thing-csp.js';
import { tsChan } from './adapters/ts-chan.js';
import {
  formatHeader,
  progress,
  readFilter,
  readTimeMs,
  reportProgress,
  runMain,
  writeResults,
} from './cli.js';
import { describeMachine, formatLoad } from './machine.js';
import { measureScenario, type RowResult } from './measure.js';
import { formatScenario, targetStatus } from './report.js';
import { SCENARIOS, type Scenario, type TargetResult } from './scenarios.js';

const CONTENDERS: readonly Contender[] = [sabchan, tsChan, thingCsp, jsCsp, naiveQueue];
const DEFAULT_TIME_MS = 1500;

interface ScenarioReport {
  readonly id: Scenario['id'];
  readonly title: string;
  readonly unit: Scenario['unit'];
  readonly valuesPerIteration: number;
  readonly results: RowResult[];
  readonly targets: (TargetResult & { status: string })[];
  readonly notes: Record<string, string>;
}

async function main(): Promise<void> {
  const timeMs = readTimeMs(DEFAULT_TIME_MS);
  const scenarios = readFilter(SCENARIOS);
  const machine = describeMachine();
  // The in-thread suite keeps one core busy: more than half the cores in use elsewhere skews it.
  const busy = machine.loadavg[0]! > machine.cpus / 2;
  const scenarioIds = scenarios.map((s) => s.id);
  console.log(formatHeader('sabchan benchmarks', machine, { busy, timeMs, scenarioIds }));

  const reports: ScenarioReport[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    if (!scenarios.includes(scenario)) continue;
    progress(`${scenario.id}:`);
    const rows = scenario.rows(CONTENDERS);
    const results = await measureScenario(scenario, rows, { timeMs, onTaskDone: reportProgress });
    const targets = scenario.targets?.(results) ?? [];
    console.log(formatScenario(i + 1, scenario, rows, results, targets));
    reports.push({
      id: scenario.id,
      title: scenario.title,
      unit: scenario.unit,
      valuesPerIteration: scenario.valuesPerIteration,
      results,
      targets: targets.map((t) => ({ ...t, status: targetStatus(t) })),
      notes: notesOf(scenario),
    });
  }

  const loadavgAfter = os.loadavg();
  console.log(`Load average after the run (1/5/15 min): ${formatLoad(loadavgAfter)}`);
  const file = writeResults({ machine, loadavgAfter, timeMs, scenarios: reports });
  console.log(`Results written to bench/results/${file}`);

  // A failed row (lost values, an error, a stall) is a bug somewhere: make it visible to scripts.
  const failed = reports.flatMap((r) => r.results).filter((r) => r.outcome.kind === 'failed');
  if (failed.length > 0) process.exitCode = 1;
}

function notesOf(scenario: Scenario): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const c of CONTENDERS) {
    const note = c.notes?.[scenario.id];
    if (note) notes[c.name] = note;
  }
  return notes;
}

runMain(main);
