/**
 * The cross-thread scenarios behind one interface, so that threads.ts can filter, run and
 * report them alike: throughput (single, batch, objects), select, latency (pingpong), and
 * counts of wake-ups (notify) and of parks (parks).
 */
import { progress } from '../cli.js';
import { targetStatus } from '../report.js';
import type { TargetResult } from '../scenarios.js';
import type { MeasureOptions } from '../measure.js';
import { measureNotify, NOTIFY_ROWS, NOTIFY_VALUES, PARK_ROWS, PARK_VALUES, type NotifyRow } from './notify.js';
import { LATENCY_ROWS, measureLatencyInTurns, SAMPLES, TURNS } from './pingpong.js';
import { formatLatency, formatNotify, formatParks, notifyStatus, type LatencyResult, type NotifyResult } from './report.js';
import { medianOf } from './spread.js';
import { formatSelect, measureSelect, selectTargets } from './select-stream.js';
import { formatThroughput, measureThroughput, THROUGHPUT_SCENARIOS } from './throughput.js';

export interface ScenarioRun {
  readonly markdown: string;
  /** Stored in the JSON results. */
  readonly json: object;
  /** Some row failed (lost values, an error, a stall). */
  readonly failed: boolean;
  /** The scenario's targets with this run's ratios (none for the notify counts). */
  readonly targets: readonly TargetResult[];
}

export interface CrossThreadScenario {
  readonly id: string;
  run(index: number, opts: MeasureOptions): Promise<ScenarioRun>;
}

const withStatus = (targets: readonly TargetResult[]) => targets.map((t) => ({ ...t, status: targetStatus(t) }));

const throughput: CrossThreadScenario[] = THROUGHPUT_SCENARIOS.map((scenario) => ({
  id: scenario.id,
  async run(index, opts) {
    const results = await measureThroughput(scenario, opts);
    const targets = scenario.targets(results);
    return {
      markdown: formatThroughput(index, scenario, results, targets),
      json: { id: scenario.id, title: scenario.title, valuesPerIteration: scenario.n, results, targets: withStatus(targets) },
      failed: results.some((r) => r.outcome.kind === 'failed'),
      targets,
    };
  },
}));

const pingpong: CrossThreadScenario = {
  id: 'pingpong',
  async run(index) {
    const measured = await measureLatencyInTurns(LATENCY_ROWS, (row, round, o) => {
      progress(`  turn ${round + 1}/${TURNS} ${row.label}: ${o.kind === 'failed' ? `FAILED: ${o.error}` : `p50 ${o.stats.p50.toFixed(2)} µs, p99 ${o.stats.p99.toFixed(2)} µs`}`);
    });
    const results: LatencyResult[] = LATENCY_ROWS.map((row, i) => ({ key: row.key, label: row.label, ...measured[i]! }));
    const targets = latencyTargets(results);
    const title = `## ${index}. ping-pong round trip between two workers, both ends blocking: ${SAMPLES.toLocaleString('en')} samples per row, in ${TURNS} turns of ${(SAMPLES / TURNS).toLocaleString('en')} (rows take turns)`;
    return {
      markdown: formatLatency(title, LATENCY_ROWS, results, targets),
      json: { id: 'pingpong', title, results, targets: withStatus(targets) },
      failed: results.some((r) => r.outcome.kind === 'failed'),
      targets,
    };
  },
};

/**
 * Each target compares two rows round by round: the median, over the rounds both completed,
 * of row a's p50 ÷ row b's p50 in that round (./pingpong.ts says why not the pooled p50s).
 */
function latencyTargets(results: readonly LatencyResult[]): TargetResult[] {
  const turnsOf = (key: string) => {
    const r = results.find((x) => x.key === key);
    return r?.outcome.kind === 'measured' ? r.turns : undefined;
  };
  const ratio = (a: string, b: string) => {
    const ta = turnsOf(a);
    const tb = turnsOf(b);
    if (ta === undefined || tb === undefined) return undefined;
    const perRound = ta.slice(0, tb.length).map((s, round) => s.p50 / tb[round]!.p50);
    const value = medianOf(perRound.sort((x, y) => x - y));
    return value === undefined ? undefined : { value };
  };
  return [
    {
      description: 'sabchan blocking (`setSpin(0)`) p50 ÷ raw `Atomics.wait`/`notify` p50 (median of the rounds)',
      ratio: ratio('sabchan-block', 'atomics'),
      goal: '<=',
      threshold: 1.2,
    },
    {
      description: 'sabchan with spinning p50 ÷ MessagePort p50 (1/20 = 0.05; median of the rounds)',
      ratio: ratio('sabchan', 'port'),
      goal: '<=',
      threshold: 0.05,
    },
  ];
}

const NOTIFY_FOOTNOTE =
  'steady state: neither side ever has to wait. The ring (2^20 slots) holds a whole iteration, ' +
  'so the producer never finds it full; the main thread busy-polls `length` and calls ' +
  '`getManySync` only when it is non-zero, so it never sleeps. Counts are calls on the ' +
  'channel\'s buffer only (the benchmark\'s own control words excluded), over the second of ' +
  'two iterations (the first warms up). "wait" counts `Atomics.wait`, which includes the 1 ms ' +
  'naps of a producer waiting for an earlier producer to commit (none here: one producer).';

async function measureCounts(rows: readonly NotifyRow[]): Promise<NotifyResult[]> {
  const results: NotifyResult[] = [];
  for (const row of rows) {
    const outcome = await measureNotify(row);
    const o = outcome;
    progress(`  ${row.label}: ${o.kind === 'failed' ? `FAILED: ${o.error}` : `producer notify ${o.producer.notify}, wait ${o.producer.wait}; main waitAsync ${o.consumer.waitAsync}`}`);
    results.push({ row, outcome });
  }
  return results;
}

const notify: CrossThreadScenario = {
  id: 'notify',
  async run(index) {
    const results = await measureCounts(NOTIFY_ROWS);
    const title = `## ${index}. Atomics.notify calls by a producer in steady state: ${NOTIFY_VALUES.toLocaleString('en')} values, worker → main`;
    return {
      markdown: formatNotify(title, NOTIFY_FOOTNOTE, results),
      json: {
        id: 'notify',
        title,
        footnote: NOTIFY_FOOTNOTE,
        results: results.map(({ row, outcome }) => ({ ...row, outcome, status: notifyStatus(outcome) })),
      },
      failed: results.some((r) => r.outcome.kind === 'failed'),
      targets: [],
    };
  },
};

const selectScenario: CrossThreadScenario = {
  id: 'select',
  async run(index, opts) {
    const results = await measureSelect(opts);
    const targets = selectTargets(results);
    return {
      markdown: formatSelect(index, results, targets),
      json: { id: 'select', results, targets: withStatus(targets) },
      failed: results.some((r) => r.outcome.kind === 'failed'),
      targets,
    };
  },
};

const PARKS_FOOTNOTE =
  'the batch scenario\'s stream: a ring of 4096 f64 fed by a worker\'s `putManySync` of 128, the main ' +
  'thread taking batches of 128. A main-thread sleep is an `Atomics.waitAsync` (`await getMany()`) ' +
  'or an `Atomics.wait` (`getManySync()`, after its spin); waking it costs the producer a notify. ' +
  'The producer sleeps (`Atomics.wait`, after its spin) when the ring is full. Counts are of calls ' +
  'on the channel\'s buffer, over the second of two iterations. A row either has a handful of ' +
  'sleeps or falls into a mode where each side\'s sleep makes the other sleep too: hundreds to ' +
  'thousands, and 2-4x the time. Run it several times (`BENCH_REPEAT`; the JSON keeps every run).';

const parks: CrossThreadScenario = {
  id: 'parks',
  async run(index) {
    const results = await measureCounts(PARK_ROWS);
    const title = `## ${index}. sleeps in the batch stream: ${PARK_VALUES.toLocaleString('en')} values in batches of 128, worker → main`;
    return {
      markdown: formatParks(title, PARKS_FOOTNOTE, results),
      json: { id: 'parks', title, footnote: PARKS_FOOTNOTE, results },
      failed: results.some((r) => r.outcome.kind === 'failed'),
      targets: [],
    };
  },
};

export const CROSS_THREAD_SCENARIOS: readonly CrossThreadScenario[] = [...throughput, selectScenario, pingpong, notify, parks];
