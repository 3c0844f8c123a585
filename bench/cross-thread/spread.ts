/**
 * BENCH_REPEAT's summary: every target's ratio in each run of one scenario, and their median.
 * The tables above it are the last run's; this shows how far the runs moved, which on a shared
 * 2-core machine can exceed what one run's margins suggest.
 */
import { targetStatus } from '../report.js';
import type { TargetResult } from '../scenarios.js';
import type { ScenarioRun } from './scenarios.js';

export function formatSpread(runs: readonly ScenarioRun[]): string {
  const first = runs[0]!.targets;
  if (first.length === 0) return '';
  const lines = [
    `Spread over ${runs.length} runs in a row (each ratio as measured; the median decides the status here):`,
    '',
    `| target | ${runs.map((_, i) => `run ${i + 1}`).join(' | ')} | median | status |`,
    `|---|${runs.map(() => '--:|').join('')}--:|---|`,
  ];
  for (const [k, target] of first.entries()) {
    const values = runs.map((run) => run.targets[k]?.ratio?.value);
    const measured = values.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    const median = medianOf(measured);
    const goal = `${target.goal === '<=' ? '≤' : '≥'} ${target.threshold}x`;
    const asMedian: TargetResult = { ...target, ratio: median === undefined ? undefined : { value: median } };
    const cells = values.map((v) => (v === undefined ? '—' : `${v.toFixed(2)}x`));
    lines.push(`| ${target.description} (${goal}) | ${cells.join(' | ')} | ${median === undefined ? '—' : `${median.toFixed(2)}x`} | **${targetStatus(asMedian)}** |`);
  }
  return `${lines.join('\n')}\n`;
}

/** The median of sorted values (the mean of the middle two for an even count). */
export function medianOf(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
