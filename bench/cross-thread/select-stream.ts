/**
 * Scenario: select over 4 shared channels, each fed by its own producer worker, against one
 * shared channel fed by the same 4 workers and read with a plain get: what choosing among
 * channels costs per value (issue target: at most 1.5x the single-channel get). Every row
 * receives 0..n-1 exactly once (count and sum checked).
 */
import type { Tally } from '../adapters/adapter.js';
import { verifyTally } from '../adapters/adapter.js';
import { measureInterleaved } from '../interleave.js';
import type { IsolatedTask, MeasureOptions } from '../measure.js';
import { failureLine, formatTarget, formatThroughputTable } from '../report.js';
import { ratioOf, type TargetResult } from '../scenarios.js';
import { select, selectSync, sharedChan, type SharedChan } from '../../src/index.js';
import type { RangeStreamData } from '../workers/stream-range.js';
import { ProducerHost } from './host.js';
import type { RowOutcome } from './throughput.js';

const WORKER = new URL('../workers/stream-range.ts', import.meta.url);
const PRODUCERS = 4;
const CAPACITY = 1024;
export const SELECT_VALUES = 400_000;

type Receive = (chans: readonly SharedChan[], n: number) => Tally | Promise<Tally>;

interface SelectRow {
  readonly key: string;
  readonly label: string;
  /** Channels: 4 (one per producer) or 1 (shared by all). */
  readonly channels: number;
  readonly receive: Receive;
}

const ROWS: readonly SelectRow[] = [
  { key: 'select', label: 'sabchan `await select()` over 4 channels', channels: PRODUCERS, receive: selectAwait },
  { key: 'selectSync', label: 'sabchan `selectSync()` over 4 channels', channels: PRODUCERS, receive: selectBlocking },
  { key: 'get', label: 'sabchan `await get()`, 1 channel', channels: 1, receive: getAwait },
  { key: 'getSync', label: 'sabchan `getSync()`, 1 channel', channels: 1, receive: getBlocking },
];

async function selectAwait(chans: readonly SharedChan[], n: number): Promise<Tally> {
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const [v] = await select(chans);
    if (v === undefined) break;
    tally.count++;
    tally.sum += v as number;
  }
  return tally;
}

function selectBlocking(chans: readonly SharedChan[], n: number): Tally {
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const [v] = selectSync(chans);
    if (v === undefined) break;
    tally.count++;
    tally.sum += v as number;
  }
  return tally;
}

async function getAwait(chans: readonly SharedChan[], n: number): Promise<Tally> {
  const ch = chans[0]!;
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const v = await ch.get();
    if (v === undefined) break;
    tally.count++;
    tally.sum += v;
  }
  return tally;
}

function getBlocking(chans: readonly SharedChan[], n: number): Tally {
  const ch = chans[0]!;
  const tally = { count: 0, sum: 0 };
  while (tally.count < n) {
    const v = ch.getSync();
    if (v === undefined) break;
    tally.count++;
    tally.sum += v;
  }
  return tally;
}

function selectTask(row: SelectRow, n: number): IsolatedTask {
  const hosts = Array.from({ length: PRODUCERS }, () => new ProducerHost());
  const chans = Array.from({ length: row.channels }, () => sharedChan({ type: 'f64', capacity: CAPACITY }));
  const share = n / PRODUCERS;
  return {
    name: row.label,
    async setup() {
      await Promise.all(
        hosts.map((host, k) => {
          const data: RangeStreamData = { ctl: host.ctl, n: share, batch: 1, handle: chans[k % chans.length]!.handle, offset: k * share };
          return host.start(WORKER, data);
        }),
      );
      return () => async () => {
        for (const host of hosts) host.go();
        const tally = await Promise.race([row.receive(chans, n), ...hosts.map((h) => h.failed)]);
        for (const host of hosts) host.ack();
        verifyTally(row.label, tally, n);
      };
    },
    async teardown() {
      for (const host of hosts) host.requestStop();
      for (const ch of chans) ch.close();
      await Promise.all(hosts.map((h) => h.exited()));
    },
  };
}

/** Measures the rows in turns (../interleave.ts), as the throughput scenarios do. */
export async function measureSelect(opts: MeasureOptions): Promise<RowOutcome[]> {
  const outcomes = await measureInterleaved(ROWS.map((row) => selectTask(row, SELECT_VALUES)), SELECT_VALUES, opts);
  return ROWS.map((row, i) => ({ key: row.key, label: row.label, outcome: outcomes[i]! }));
}

/** Cost per value of select ÷ get = get's throughput ÷ select's. */
export function selectTargets(results: readonly RowOutcome[]): TargetResult[] {
  const row = (key: string) => results.find((r) => r.key === key);
  const target = (sel: string, get: string): TargetResult => ({
    description: `cost per value: ${row(sel)?.label ?? sel} ÷ ${row(get)?.label ?? get}`,
    ratio: ratioOf(row(get), row(sel)),
    goal: '<=',
    threshold: 1.5,
  });
  return [target('select', 'get'), target('selectSync', 'getSync')];
}

export function formatSelect(index: number, results: readonly RowOutcome[], targets: readonly TargetResult[]): string {
  const reference = results[0];
  const lines = [
    `## ${index}. select over ${PRODUCERS} shared channels, each fed by its own worker, vs 1 channel fed by the same ${PRODUCERS} workers: ${SELECT_VALUES.toLocaleString('en')} f64 per iteration (capacity ${CAPACITY} each)`,
    '',
    ...formatThroughputTable(results, { unit: 'values/s', referenceName: reference?.label ?? 'sabchan', reference, markerOf: () => '' }),
    '',
    ...results.flatMap(failureLine),
    ...targets.map(formatTarget),
  ];
  return lines.join('\n').trimEnd() + '\n';
}
