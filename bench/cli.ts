/**
 * What both entry points (`run.ts`, in-thread; `threads.ts`, cross-thread) share around the
 * measurements: env handling, progress lines on stderr, the header and the JSON results file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { Bench } from 'tinybench';
import { describeCommit, describeMachine, formatLoad, type Machine } from './machine.js';
import type { Outcome } from './measure.js';

/** A bad environment variable: reported as one line, without a stack trace. */
export class UsageError extends Error {}

/** BENCH_TIME_MS: the tinybench time budget per task. */
export function readTimeMs(defaultMs: number): number {
  const raw = process.env['BENCH_TIME_MS'];
  if (raw === undefined || raw === '') return defaultMs;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`BENCH_TIME_MS must be a positive number, got '${raw}'`);
  }
  return ms;
}

/** BENCH_REPEAT: how many times to run each scenario in a row (default 1). */
export function readRepeat(): number {
  const raw = process.env['BENCH_REPEAT'];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 20) throw new UsageError(`BENCH_REPEAT must be an integer from 1 to 20, got '${raw}'`);
  return n;
}

/**
 * BENCH_FILTER: comma-separated scenario ids, matched exactly, not as substrings ('buffered'
 * must not also select 'unbuffered'). Returns the selected items in their own order.
 */
export function readFilter<T extends { readonly id: string }>(all: readonly T[]): readonly T[] {
  const raw = process.env['BENCH_FILTER'];
  if (raw === undefined || raw.trim() === '') return all;
  const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const known = all.map((s) => s.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `BENCH_FILTER: unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
  return all.filter((s) => ids.includes(s.id));
}

const BUSY_WARNING = ' (busy machine: expect noisy numbers)';

/** The markdown header: where and on what the numbers were taken. */
export function formatHeader(
  title: string,
  m: Machine,
  opts: { busy: boolean; timeMs: number; scenarioIds: readonly string[] },
): string {
  return [
    `# ${title}`,
    '',
    `- date: ${m.date}`,
    `- node: ${m.node} (${m.platform})`,
    `- cpus: ${m.cpus} × ${m.cpuModel}`,
    `- load average (1/5/15 min): ${formatLoad(m.loadavg)}${opts.busy ? BUSY_WARNING : ''}`,
    `- git: ${describeCommit(m)}`,
    `- time per task: ${opts.timeMs} ms; scenarios: ${opts.scenarioIds.join(', ')}`,
    '',
  ].join('\n');
}

/**
 * Writes `bench/results/<date>[-<suite>]-node<version>-<cpus>cpu-<commit>.json` and returns
 * the file name. Written to a .tmp file first (git-ignored) so an interrupted run leaves no
 * half JSON.
 */
export function writeResults<R extends { machine: Machine }>(run: R, suite?: string): string {
  const { machine } = run;
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const stamp = machine.date.replace(/:/g, '').replace(/\.\d+Z$/, 'Z'); // file-name safe
  const node = machine.node.replace(/^v/, '');
  const tag = suite === undefined ? '' : `-${suite}`;
  const file = `${stamp}${tag}-node${node}-${machine.cpus}cpu-${machine.commit}.json`;
  writeFileSync(`${dir}${file}.tmp`, JSON.stringify(run, null, 2) + '\n');
  renameSync(`${dir}${file}.tmp`, `${dir}${file}`);
  return file;
}

export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function reportProgress(label: string, outcome: Outcome): void {
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

/** Runs an entry point: a UsageError prints as one line, anything else with its stack. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof UsageError ? err.message : err);
    process.exitCode = 1;
  });
}

/** A timed row of a one-thread microbenchmark (codecs.ts, ring-ops.ts). */
export interface TimedRow {
  readonly label: string;
  /** One timed call: `perCall` units of work (awaited when it returns a promise). */
  readonly fn: () => void | Promise<void>;
}

/**
 * Prints the header of a one-thread microbenchmark, times every row under tinybench (progress
 * on stderr), and returns ns per unit of work and the relative margin, by label.
 */
export async function timeRows(
  title: string,
  id: string,
  rows: readonly TimedRow[],
  perCall: number,
  defaultTimeMs: number,
): Promise<Map<string, { ns: number; rme: number }>> {
  const timeMs = readTimeMs(defaultTimeMs);
  const machine = describeMachine();
  const busy = machine.loadavg[0]! > os.availableParallelism() / 2;
  console.log(formatHeader(title, machine, { busy, timeMs, scenarioIds: [id] }));
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(300, timeMs / 3), iterations: 20 });
  for (const row of rows) bench.add(row.label, row.fn);
  bench.addEventListener('cycle', (e) => process.stderr.write(`  done: ${e.task.name}\n`));
  await bench.run();
  const ns = new Map<string, { ns: number; rme: number }>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`${task.name}: tinybench state '${r.state}'`);
    ns.set(task.name, { ns: (r.latency.mean * 1e6) / perCall, rme: r.latency.rme });
  }
  return ns;
}
