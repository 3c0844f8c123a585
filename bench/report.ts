/**
 * Markdown output: one table per scenario, its footnotes, failures and target lines.
 */
import type { Outcome, RowResult } from './measure.js';
import { ratioOf, type Row, type Scenario, type TargetResult } from './scenarios.js';

/** The row every ratio is taken against. */
const REFERENCE = 'sabchan';

export function formatScenario(
  index: number,
  scenario: Scenario,
  rows: readonly Row[],
  results: readonly RowResult[],
  targets: readonly TargetResult[],
): string {
  const reference = results.find((r) => r.contender === REFERENCE && r.variant === 'main');
  const footnotes = collectFootnotes(scenario, rows);
  const lines = [
    `## ${index}. ${scenario.title}`,
    '',
    ...formatThroughputTable(results, {
      unit: scenario.unit,
      referenceName: REFERENCE,
      reference,
      markerOf: footnotes.markerOf,
    }),
    '',
    ...footnotes.lines,
    ...results.flatMap(failureLine),
    ...targets.map(formatTarget),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

/** A labelled row with an outcome: what the throughput table needs of a result. */
export interface TableRow {
  readonly label: string;
  readonly outcome: Outcome;
}

/**
 * The throughput table, fastest first, with a ratio column against `reference`
 * (`<referenceName> ÷ impl`). Shared by the in-thread and cross-thread reports.
 */
export function formatThroughputTable<R extends TableRow>(
  results: readonly R[],
  opts: {
    unit: string;
    referenceName: string;
    reference: R | undefined;
    markerOf?: (r: R) => string;
  },
): string[] {
  return [
    `| impl | ${opts.unit} | ns/op | rme | ${opts.referenceName} ÷ impl |`,
    '|---|--:|--:|--:|--:|',
    ...sortByThroughput(results).map((r) => tableRow(r, opts.reference, opts.markerOf?.(r) ?? '')),
  ];
}

export function targetStatus({ ratio, goal, threshold }: TargetResult): 'PASS' | 'MISS' | 'n/a' {
  if (ratio === undefined) return 'n/a';
  const met = goal === '<=' ? ratio.value <= threshold : ratio.value >= threshold;
  return met ? 'PASS' : 'MISS';
}

export function failureLine({ label, outcome }: TableRow): string[] {
  return outcome.kind === 'failed' ? [`- **${label} failed:** ${outcome.error}`] : [];
}

export function formatTarget(t: TargetResult): string {
  const goal = `target ${t.goal === '<=' ? '≤' : '≥'} ${t.threshold}x`;
  // A ratio of two single measurements (latency percentiles) has no margin to print.
  const margin = t.ratio?.rme === undefined ? '' : ` ±${t.ratio.rme.toFixed(1)}%`;
  const value = t.ratio ? `${t.ratio.value.toFixed(2)}x${margin}` : 'not measured';
  return `- ${t.description}: ${value} (${goal}) **${targetStatus(t)}**`;
}

function tableRow(r: TableRow, reference: TableRow | undefined, marker: string): string {
  const label = `${r.label}${marker}`;
  const o = r.outcome;
  switch (o.kind) {
    case 'unsupported':
      return `| ${label} | — | — | — | — |`;
    case 'failed':
      return `| ${label} | failed | | | |`;
    case 'measured': {
      const ratioText = ratioOf(reference, r)?.value.toFixed(2) ?? 'n/a';
      const rme = `±${o.rme.toFixed(1)}%`;
      const cells = [formatRate(o.opsPerSec), o.nsPerOp.toFixed(1), rme, ratioText];
      return `| ${label} | ${cells.join(' | ')} |`;
    }
  }
}

/** Fastest first; failed, then unsupported rows last. */
function sortByThroughput<R extends TableRow>(results: readonly R[]): R[] {
  const rankOf = { measured: 0, failed: -1, unsupported: -2 } as const;
  const rank = (r: R) =>
    r.outcome.kind === 'measured' ? r.outcome.opsPerSec : rankOf[r.outcome.kind];
  return [...results].sort((a, b) => rank(b) - rank(a));
}

export function formatRate(perSec: number): string {
  return perSec >= 1e6 ? `${(perSec / 1e6).toFixed(2)} M` : `${(perSec / 1e3).toFixed(1)} k`;
}

/** Numbers each contender's note for this scenario: `[1]` beside the name, text below. */
function collectFootnotes(scenario: Scenario, rows: readonly Row[]) {
  const markers = new Map<string, string>();
  const lines: string[] = [];
  for (const { contender } of rows) {
    const note = contender.notes?.[scenario.id];
    if (!note || markers.has(contender.name)) continue;
    const marker = ` [${lines.length + 1}]`;
    markers.set(contender.name, marker);
    lines.push(`-${marker} ${note}`);
  }
  return { lines, markerOf: (r: RowResult) => markers.get(r.contender) ?? '' };
}
