/**
 * Markdown for the two cross-thread scenarios that are not throughput tables: latency
 * percentiles (ping-pong) and notify counts. Throughput tables use ../report.ts as is.
 */
import { formatTarget } from '../report.js';
import type { TargetResult } from '../scenarios.js';
import type { AtomicsCounts } from '../workers/count-atomics.js';
import type { NotifyOutcome, NotifyRow } from './notify.js';
import type { LatencyOutcome, LatencyRow } from './pingpong.js';
import type { LatencyStats } from '../workers/latency.js';

export interface LatencyResult {
  readonly key: string;
  readonly label: string;
  readonly outcome: LatencyOutcome;
  /** Each round's stats, in round order (rows take turns: ./pingpong.ts). */
  readonly turns: readonly LatencyStats[];
}

export function formatLatency(
  title: string,
  rows: readonly LatencyRow[],
  results: readonly LatencyResult[],
  targets: readonly TargetResult[],
): string {
  const notes = rows.filter((r) => r.note);
  const marker = (key: string) => {
    const i = notes.findIndex((r) => r.key === key);
    return i < 0 ? '' : ` [${i + 1}]`;
  };
  const us = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  const lines = [
    title,
    '',
    '| impl | p50 µs | p90 µs | p99 µs | max µs | mean µs |',
    '|---|--:|--:|--:|--:|--:|',
    ...results.map(({ key, label, outcome: o }) =>
      o.kind === 'measured'
        ? `| ${label}${marker(key)} | ${us(o.stats.p50)} | ${us(o.stats.p90)} | ${us(o.stats.p99)} | ${us(o.stats.max)} | ${us(o.stats.mean)} |`
        : `| ${label}${marker(key)} | failed | | | | |`,
    ),
    '',
    ...notes.map((r, i) => `- [${i + 1}] ${r.note}`),
    ...results.flatMap(({ label, outcome: o }) => (o.kind === 'failed' ? [`- **${label} failed:** ${o.error}`] : [])),
    ...targets.map(formatTarget),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

export interface NotifyResult {
  readonly row: NotifyRow;
  readonly outcome: NotifyOutcome;
}

export function formatNotify(title: string, footnote: string, results: readonly NotifyResult[]): string {
  const counts = (c: AtomicsCounts) => `${c.notify} | ${c.wait}`;
  const lines = [
    title,
    '',
    '| producer | ms | producer notify | producer wait | main notify | main wait |',
    '|---|--:|--:|--:|--:|--:|',
    ...results.map(({ row, outcome: o }) =>
      o.kind === 'measured'
        ? `| ${row.label} [1] | ${o.ms.toFixed(1)} | ${counts(o.producer)} | ${counts(o.consumer)} |`
        : `| ${row.label} [1] | failed | | | | |`,
    ),
    '',
    `- [1] ${footnote}`,
    ...results.flatMap(({ row, outcome: o }) => (o.kind === 'failed' ? [`- **${row.label} failed:** ${o.error}`] : [])),
    ...results.map(({ row, outcome: o }) => `- ${row.label}: producer Atomics.notify calls ${o.kind === 'measured' ? o.producer.notify : 'not measured'} (target 0) **${notifyStatus(o)}**`),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

/** The parks scenario: counts only, no target. */
export function formatParks(title: string, footnote: string, results: readonly NotifyResult[]): string {
  const lines = [
    title,
    '',
    '| consumer | ms | main sleeps | producer notify | producer sleeps |',
    '|---|--:|--:|--:|--:|',
    ...results.map(({ row, outcome: o }) =>
      o.kind === 'measured'
        ? `| ${row.label} [1] | ${o.ms.toFixed(1)} | ${o.consumer.wait + o.consumer.waitAsync} | ${o.producer.notify} | ${o.producer.wait} |`
        : `| ${row.label} [1] | failed | | | |`,
    ),
    '',
    `- [1] ${footnote}`,
    ...results.flatMap(({ row, outcome: o }) => (o.kind === 'failed' ? [`- **${row.label} failed:** ${o.error}`] : [])),
  ];
  return lines.join('\n').trimEnd() + '\n';
}

export function notifyStatus(o: NotifyOutcome): 'PASS' | 'MISS' | 'n/a' {
  if (o.kind !== 'measured') return 'n/a';
  return o.producer.notify === 0 ? 'PASS' : 'MISS';
}
