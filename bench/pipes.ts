/**
 * `npm run bench:pipes`: a parallel stage over small CPU tasks. The same kernel (~10 µs a
 * call, pipes/kernel.mjs) over 100,000 values: inline on one thread, through sabchan's
 * parallelPipe on 2 workers, and through piscina 5 on 2 threads, side by side in one process.
 * Markdown on stdout, progress on stderr, a JSON copy in bench/results/.
 *
 * Env: BENCH_ITEMS (values per run, default 100000), BENCH_REPS (timed runs per contender,
 *      default 5; the median is reported), BENCH_WINDOW (parallelPipe's window, default its own).
 * Every run's checksum must equal the inline one, or the row fails (exit status 1).
 */
import os from 'node:os';
import { progress, runMain, UsageError, writeResults } from './cli.js';
import { describeCommit, describeMachine, formatLoad } from './machine.js';
import { inline, piscina, sabchan, staticSplit, type Contender } from './pipes/contenders.js';

const WORKERS = 2;
const TARGET_VS_INLINE = 1.6;
const TARGET_VS_PISCINA = 4;

interface Row {
  readonly id: string;
  readonly label: string;
  readonly workers: number;
  /** Seconds per run, in run order. */
  readonly seconds: number[];
  /** CPU seconds of the whole process (every thread) per run. */
  readonly cpuSeconds: number[];
  readonly error?: string;
}

function readInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got '${raw}'`);
  return n;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * Sets every contender up first (their threads then sit idle), then runs them round-robin,
 * one run each per round: a burst of other load on the shared machine then hits every row
 * alike instead of ruining one.
 */
async function measureAll(contenders: readonly Contender[], items: number, reps: number, expected: number): Promise<Row[]> {
  const rows = contenders.map((c) => ({ id: c.id, label: c.label, workers: c.workers, seconds: [] as number[], cpuSeconds: [] as number[], error: undefined as string | undefined }));
  const live = contenders.map(() => true);
  const failed = (i: number, err: unknown): void => {
    rows[i]!.error = err instanceof Error ? err.message : String(err);
    live[i] = false;
  };
  for (const [i, c] of contenders.entries()) {
    progress(`setting up ${c.label}`);
    await c.setup().catch((err: unknown) => failed(i, err));
  }
  for (let r = 0; r < reps; r++) {
    for (const [i, c] of contenders.entries()) {
      if (!live[i]) continue;
      try {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const sum = await c.run(items);
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        if (sum !== expected) throw new Error(`checksum ${sum}, expected ${expected}`);
        rows[i]!.seconds.push(seconds);
        rows[i]!.cpuSeconds.push((cpu.user + cpu.system) / 1e6);
        progress(`  round ${r + 1}/${reps}: ${c.label}: ${(seconds * 1000).toFixed(0)} ms`);
      } catch (err) {
        failed(i, err);
      }
    }
  }
  for (const c of contenders) await c.close().catch(() => {});
  return rows.map((r) => (r.error === undefined ? { id: r.id, label: r.label, workers: r.workers, seconds: r.seconds, cpuSeconds: r.cpuSeconds } : r));
}

async function main(): Promise<void> {
  const items = readInt('BENCH_ITEMS', 100_000);
  const reps = readInt('BENCH_REPS', 5);
  const window = process.env['BENCH_WINDOW'] ? readInt('BENCH_WINDOW', 128) : undefined;
  const machine = describeMachine();
  console.log(
    [
      '# sabchan parallel pipes',
      '',
      `- date: ${machine.date}`,
      `- node: ${machine.node} (${machine.platform}); cpus: ${machine.cpus} × ${machine.cpuModel}`,
      `- load average at start (1/5/15 min): ${formatLoad(machine.loadavg)}${machine.loadavg[0]! > 1 ? ' (busy machine: expect noisy numbers)' : ''}`,
      `- git: ${describeCommit(machine)}`,
      `- ${items.toLocaleString('en-US')} values per run, ${reps} timed runs per row (median shown), after a warm-up run of 2,000; rows take turns, one run each per round`,
      '',
    ].join('\n'),
  );

  const contenders = [inline(), staticSplit(WORKERS), sabchan(true, WORKERS, window), sabchan(false, WORKERS, window), piscina(WORKERS)];
  // The reference checksum, from one untimed inline pass.
  const expected = await inline().run(items);
  const rows = await measureAll(contenders, items, reps, expected);

  const ok = (r: Row | undefined): r is Row & { error: undefined } => r !== undefined && r.error === undefined && r.seconds.length > 0;
  const rate = (r: Row): number => items / median(r.seconds);
  const base = rows.find((r) => r.id === 'inline');
  const pisc = rows.find((r) => r.id === 'piscina');
  const kernelUs = ok(base) ? (median(base.seconds) / items) * 1e6 : NaN;
  const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const lines = [
    `## ${items.toLocaleString('en-US')} calls of a ~10 µs kernel (measured inline: ${fmt(kernelUs)} µs a call), ${WORKERS} workers`,
    '',
    '| impl | values/s | µs per value (wall) | overhead µs per value [1] | CPU µs per value [2] | min–max ms per run | ÷ inline | ÷ piscina |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const r of rows) {
    if (!ok(r)) {
      lines.push(`| ${r.label} | failed | | | | | | |`);
      continue;
    }
    const wallUs = (median(r.seconds) / items) * 1e6;
    const overhead = wallUs * r.workers - kernelUs;
    const cpuUs = (median(r.cpuSeconds) / items) * 1e6;
    const range = `${fmt(Math.min(...r.seconds) * 1000, 0)}–${fmt(Math.max(...r.seconds) * 1000, 0)}`;
    lines.push(
      `| ${r.label} | ${Math.round(rate(r)).toLocaleString('en-US')} | ${fmt(wallUs)} | ${r.id === 'inline' ? '0 (reference)' : fmt(overhead)} | ${fmt(cpuUs)} | ${range} | ` +
        `${ok(base) ? fmt(rate(r) / rate(base)) + 'x' : '—'} | ${ok(pisc) ? fmt(rate(r) / rate(pisc)) + 'x' : '—'} |`,
    );
  }
  lines.push(
    '',
    `- [1] thread time per value beyond the kernel itself: wall time per value × threads doing kernel work − the inline time per call. It counts the transport, the waiting and the main thread's share of the cores (${machine.cpus} here, shared by the main thread and the ${WORKERS} workers).`,
    '- [2] CPU time of the whole process (every thread: main, workers, and for piscina its own threads) per value, from `process.cpuUsage()`; less sensitive to other load than wall time. Above the inline row: what the parallelism costs in CPU.',
    '- static split: each worker gets one contiguous half of the values up front and posts back its sum; no per-value transport, no balancing: the ceiling for this kernel on these cores.',
    '- sabchan rows: values enter a shared f64 input channel by `putMany` of 256 and leave the output by `getMany`; the pipeline is started once and kept open across runs.',
    '- piscina: `pool.run(value)` per value, at most 1,024 outstanding, default options (one task per worker at a time).',
    ...rows.filter((r) => r.error).map((r) => `- **${r.label} failed:** ${r.error}`),
  );
  // Targets on the medians, and again on each row's fastest run: on a shared 2-core machine
  // the fastest run is the one least disturbed by other processes (both are printed; the
  // medians are the headline).
  const best = (r: Row): number => items / Math.min(...r.seconds);
  for (const [how, speed] of [['medians', rate], ['fastest runs', best]] as const) {
    for (const id of ['ordered', 'unordered']) {
      const r = rows.find((x) => x.id === id);
      if (!ok(r)) continue;
      if (ok(base)) {
        const x = speed(r) / speed(base);
        lines.push(`- ${how}: ${r.label} ÷ inline: ${fmt(x)}x (target ≥ ${TARGET_VS_INLINE}x) **${x >= TARGET_VS_INLINE ? 'PASS' : 'MISS'}**`);
      }
      if (ok(pisc)) {
        const x = speed(r) / speed(pisc);
        lines.push(`- ${how}: ${r.label} ÷ piscina: ${fmt(x)}x (target ≥ ${TARGET_VS_PISCINA}x) **${x >= TARGET_VS_PISCINA ? 'PASS' : 'MISS'}**`);
      }
    }
    const split = rows.find((x) => x.id === 'split');
    if (ok(split) && ok(base)) lines.push(`- ${how}: static split (ceiling) ÷ inline: ${fmt(speed(split) / speed(base))}x`);
  }
  console.log(lines.join('\n') + '\n');
  const loadavgAfter = os.loadavg();
  console.log(`Load average after the run (1/5/15 min): ${formatLoad(loadavgAfter)}`);
  const file = writeResults({ machine, loadavgAfter, items, reps, kernelUs, rows }, 'pipes');
  console.log(`Results written to bench/results/${file}`);
  if (rows.some((r) => !ok(r))) process.exitCode = 1;
}

runMain(main);
