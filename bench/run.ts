/**
 * `npm run bench`: every contender on every scenario in one process, markdown tables on
 * stdout (progress on stderr), and a JSON copy in bench/results/.
 *
 * Env: BENCH_TIME_MS (time budget per task, default 1500),
 *      BENCH_FILTER (comma-separated scenario ids: buffered, unbuffered, select).
 * Exit status 1 when any row failed; a missed target is reported, not an error.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Contender } from './adapters/adapter.js';
import { jsCsp } from './adapters/jscsp.js';
import { naiveQueue } from './adapters/naive-queue.js';
import { sabchan } from './adapters/sabchan.js';
import { thingCsp } from './adapters/thing-csp.js';
import { tsChan } from './adapters/ts-chan.js';
import { describeCommit, describeMachine, formatLoad, type Machine } from './machine.js';
import { measureScenario, type Outcome, type RowResult } from './measure.js';
import { formatScenario, targetStatus } from './report.js';
import { SCENARIOS, type Scenario, type TargetResult } from './scenarios.js';

const CONTENDERS: readonly Contender[] = [sabchan, tsChan, thingCsp, jsCsp, naiveQueue];
const DEFAULT_TIME_MS = 1500;

/** A bad environment variable: reported as one line, without a stack trace. */
class UsageError extends Error {}

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
  const timeMs = readTimeMs();
  const scenarios = readFilter();
  const machine = describeMachine();
  console.log(formatHeader(machine, timeMs, scenarios));

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

const BUSY_WARNING = ' (busy machine: expect noisy numbers)';

function formatHeader(m: Machine, timeMs: number, scenarios: readonly Scenario[]): string {
  const busy = m.loadavg[0]! > m.cpus / 2;
  return [
    '# sabchan benchmarks',
    '',
    `- date: ${m.date}`,
    `- node: ${m.node} (${m.platform})`,
    `- cpus: ${m.cpus} × ${m.cpuModel}`,
    `- load average (1/5/15 min): ${formatLoad(m.loadavg)}${busy ? BUSY_WARNING : ''}`,
    `- git: ${describeCommit(m)}`,
    `- time per task: ${timeMs} ms; scenarios: ${scenarios.map((s) => s.id).join(', ')}`,
    '',
  ].join('\n');
}

function readTimeMs(): number {
  const raw = process.env['BENCH_TIME_MS'];
  if (raw === undefined || raw === '') return DEFAULT_TIME_MS;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`BENCH_TIME_MS must be a positive number, got '${raw}'`);
  }
  return ms;
}

/** Exact ids, not substrings: 'buffered' must not also select 'unbuffered'. */
function readFilter(): readonly Scenario[] {
  const raw = process.env['BENCH_FILTER'];
  if (raw === undefined || raw.trim() === '') return SCENARIOS;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const known = SCENARIOS.map((s) => s.id as string);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `BENCH_FILTER: unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => ids.includes(s.id));
}

function notesOf(scenario: Scenario): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const c of CONTENDERS) {
    const note = c.notes?.[scenario.id];
    if (note) notes[c.name] = note;
  }
  return notes;
}

/** Written to a .tmp file first (git-ignored) so an interrupted run leaves no half JSON. */
function writeResults(run: {
  machine: Machine;
  loadavgAfter: number[];
  timeMs: number;
  scenarios: ScenarioReport[];
}): string {
  const { machine } = run;
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = machine.date.replace(/:/g, '').replace(/\.\d+Z$/, 'Z'); // file-name safe
  const node = machine.node.replace(/^v/, '');
  const file = `${stamp}-node${node}-${machine.cpus}cpu-${machine.commit}.json`;
  writeFileSync(`${dir}${file}.tmp`, JSON.stringify(run, null, 2) + '\n');
  renameSync(`${dir}${file}.tmp`, `${dir}${file}`);
  return file;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function reportProgress(label: string, outcome: Outcome): void {
  progress(`  ${label}: ${describeOutcome(outcome)}`);
}

function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'measured':
      return `${(o.opsPerSec / 1e6).toFixed(2)} M/s ±${o.rme.toFixed(1)}%, ${o.samples} samples`;
    case 'failed':
      return `FAILED: ${o.error}`;
    case 'unsupported':
      return 'not supported';
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof UsageError ? err.message : err);
  process.exitCode = 1;
});
