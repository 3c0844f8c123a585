/**
 * Scenarios 1-3: worker → main throughput, one value per operation, batches of 128, and
 * objects through object channels (JSON and struct codecs) against structured clone.
 * Rows, targets, and the runner that measures each row under tinybench.
 */
import { measureInterleaved } from '../interleave.js';
import type { MeasureOptions, Outcome } from '../measure.js';
import { failureLine, formatTarget, formatThroughputTable } from '../report.js';
import { ratioOf, type TargetResult } from '../scenarios.js';
import { openObjectChannel, openObjectPort } from './object-stream.js';
import { openPort } from './port-stream.js';
import { openRingbuf } from './ringbuf-stream.js';
import { openSabchan } from './sabchan-stream.js';
import { streamTask, type StreamRow } from './stream.js';

/** Ring capacity of sabchan and ringbuf.js in both scenarios (values, not batches). */
const CAPACITY = 4096;

export interface ThroughputScenario {
  readonly id: 'single' | 'batch' | 'objects';
  readonly title: string;
  /** Values per iteration. */
  readonly n: number;
  /** Values per operation: 1, or the batch length. */
  readonly batch: number;
  readonly rows: readonly StreamRow[];
  targets(results: readonly RowOutcome[]): TargetResult[];
}

export interface RowOutcome {
  readonly key: string;
  readonly label: string;
  readonly outcome: Outcome;
}

const BUSY_POLL = 'each side keeps a core busy: the producer retries `push` while the ring is full, the main thread busy-polls `pop`';

function sabchanRow(key: string, label: string, mode: 'await' | 'sync', prefetch = 0): StreamRow {
  return { key, label, open: openSabchan(CAPACITY, mode, prefetch) };
}

const SPSC_NOTE = 'a single-producer single-consumer channel, `sharedChan({ type, capacity, spsc: true })`: the worker is its only producer and the main thread its only consumer, so the producer publishes with one CAS instead of two and the consumer frees with one store instead of two CASes (README, "One producer thread, one consumer thread").';

function spscRow(key: string, label: string, mode: 'await' | 'sync', note?: string, prefetch = 0): StreamRow {
  return { key, label, open: openSabchan(CAPACITY, mode, prefetch, true), ...(note === undefined ? {} : { note }) };
}

/**
 * The prefetch rows' `setPrefetch(n)`. 64 values per ring visit bring the ring's cost (one
 * reservation and one commit, ~35 ns) under 1 ns per value when the consumer lags and takes
 * full runs (`await get()` here: 62-64 values per visit measured). A consumer that keeps up
 * (`getSync()`) takes what is there whatever n is: from ~1 to ~40 values per visit measured
 * here, depending on how the two threads fall into step. In a sweep of 16, 64, 256 and 1024
 * (noisy machine) neither row got faster beyond 64, and a larger n holds more values that
 * only this thread can deliver.
 */
const PREFETCH = 64;

const single: ThroughputScenario = {
  id: 'single',
  title: `single values: 1,000,000 f64 per iteration, worker → main, one value per operation (capacity ${CAPACITY})`,
  n: 1_000_000,
  batch: 1,
  rows: [
    sabchanRow('sabchan-get', 'sabchan `await get()`', 'await'),
    sabchanRow('sabchan-getSync', 'sabchan `getSync()`', 'sync'),
    {
      ...sabchanRow('prefetch-get', `sabchan prefetch: \`await get()\`, \`setPrefetch(${PREFETCH})\``, 'await', PREFETCH),
      note: `the main thread calls \`ch.setPrefetch(${PREFETCH})\` first: each visit to the ring takes up to ${PREFETCH} values at once (one reservation, one commit) into a thread-local buffer, which serves the single gets until it runs empty. Opt-in: a dedicated consumer only (README, "Across threads").`,
    },
    sabchanRow('prefetch-getSync', `sabchan prefetch: \`getSync()\`, \`setPrefetch(${PREFETCH})\``, 'sync', PREFETCH),
    spscRow('spsc-get', 'sabchan spsc: `await get()`', 'await', SPSC_NOTE),
    spscRow('spsc-getSync', 'sabchan spsc: `getSync()`', 'sync'),
    spscRow('spsc-prefetch-get', `sabchan spsc and prefetch: \`await get()\`, \`setPrefetch(${PREFETCH})\``, 'await', undefined, PREFETCH),
    spscRow('spsc-prefetch-getSync', `sabchan spsc and prefetch: \`getSync()\`, \`setPrefetch(${PREFETCH})\``, 'sync', undefined, PREFETCH),
    {
      key: 'port',
      label: 'MessagePort',
      note: 'one `postMessage` per number, counted in a `message` listener; postMessage has no backpressure (the queue grows without bound).',
      open: openPort(),
    },
    {
      key: 'ringbuf',
      label: 'ringbuf.js',
      note: `push/pop of one element; ${BUSY_POLL}.`,
      open: openRingbuf('ringbuf.js', CAPACITY),
    },
  ],
  // The same targets for every way of receiving: default, prefetch, spsc, spsc with prefetch.
  targets: (r) => [
    target(r, 'sabchan-get', 'port', 10),
    target(r, 'sabchan-get', 'ringbuf', 1),
    target(r, 'sabchan-getSync', 'ringbuf', 2),
    target(r, 'prefetch-get', 'port', 10),
    target(r, 'prefetch-get', 'ringbuf', 1),
    target(r, 'prefetch-getSync', 'ringbuf', 2),
    target(r, 'spsc-get', 'port', 10),
    target(r, 'spsc-get', 'ringbuf', 1),
    target(r, 'spsc-getSync', 'ringbuf', 2),
    target(r, 'spsc-prefetch-get', 'port', 10),
    target(r, 'spsc-prefetch-get', 'ringbuf', 1),
    target(r, 'spsc-prefetch-getSync', 'ringbuf', 2),
  ],
};

const BATCH = 128;

const batch: ThroughputScenario = {
  id: 'batch',
  title: `batches: 10,000,000 f64 per iteration in batches of ${BATCH}, worker → main (capacity ${CAPACITY} values)`,
  n: 10_000_000,
  batch: BATCH,
  rows: [
    sabchanRow('sabchan-getMany', 'sabchan `await getMany()`', 'await'),
    sabchanRow('sabchan-getManySync', 'sabchan `getManySync()`', 'sync'),
    spscRow('spsc-getMany', 'sabchan spsc: `await getMany()`', 'await', SPSC_NOTE),
    spscRow('spsc-getManySync', 'sabchan spsc: `getManySync()`', 'sync'),
    {
      key: 'port',
      label: `MessagePort Float64Array(${BATCH})`,
      note: `one \`postMessage\` per Float64Array(${BATCH}), structured-cloned (copied), not transferred.`,
      open: openPort(),
    },
    {
      key: 'ringbuf',
      label: `ringbuf.js push/pop ${BATCH}`,
      note: `push/pop of up to ${BATCH} elements (a partial push is completed); ${BUSY_POLL}.`,
      open: openRingbuf(`ringbuf.js push/pop ${BATCH}`, CAPACITY),
    },
  ],
  // The brief names two peers and two sabchan forms: each form against each peer.
  targets: (r) => [
    target(r, 'sabchan-getMany', 'port', 5),
    target(r, 'sabchan-getManySync', 'port', 5),
    target(r, 'sabchan-getMany', 'ringbuf', 1.2),
    target(r, 'sabchan-getManySync', 'ringbuf', 1.2),
    target(r, 'spsc-getMany', 'port', 5),
    target(r, 'spsc-getManySync', 'port', 5),
    target(r, 'spsc-getMany', 'ringbuf', 1.2),
    target(r, 'spsc-getManySync', 'ringbuf', 1.2),
  ],
};

/** Messages the object channels hold (the byte ring defaults to 256 bytes per message). */
const OBJECT_CAPACITY = 1024;

const objects: ThroughputScenario = {
  id: 'objects',
  title: `objects: 300,000 \`{ id, name, values: [8 doubles] }\` per iteration, worker → main, one per operation (capacity ${OBJECT_CAPACITY} messages)`,
  n: 300_000,
  batch: 1,
  rows: [
    { key: 'json-get', label: 'sabchan json `await get()`', open: openObjectChannel('json', 'await', OBJECT_CAPACITY) },
    { key: 'json-getSync', label: 'sabchan json `getSync()`', open: openObjectChannel('json', 'sync', OBJECT_CAPACITY) },
    {
      key: 'struct-get',
      label: 'sabchan struct `await get()`',
      note: "`structCodec({ id: 'u32', name: 'string:16', values: 'f64[8]' })`: 85 bytes per message.",
      open: openObjectChannel('struct', 'await', OBJECT_CAPACITY),
    },
    { key: 'struct-getSync', label: 'sabchan struct `getSync()`', open: openObjectChannel('struct', 'sync', OBJECT_CAPACITY) },
    {
      key: 'port',
      label: 'MessagePort (structured clone)',
      note: 'one `postMessage` per object, counted in a `message` listener; no backpressure.',
      open: openObjectPort(),
    },
  ],
  targets: (r) => [
    target(r, 'json-get', 'port', 1.5),
    target(r, 'json-getSync', 'port', 1.5),
    target(r, 'struct-get', 'port', 5),
    target(r, 'struct-getSync', 'port', 5),
  ],
};

export const THROUGHPUT_SCENARIOS: readonly ThroughputScenario[] = [single, batch, objects];

function target(results: readonly RowOutcome[], ours: string, peer: string, threshold: number): TargetResult {
  const a = results.find((r) => r.key === ours);
  const b = results.find((r) => r.key === peer);
  return {
    description: `${a?.label ?? ours} ÷ ${b?.label ?? peer}`,
    ratio: ratioOf(a, b),
    goal: '>=',
    threshold,
  };
}

/**
 * Measures the rows in turns (../interleave.ts): each row's two threads get both cores while
 * it runs, and a slower or faster spell of the machine falls on every row alike.
 */
export async function measureThroughput(
  scenario: ThroughputScenario,
  opts: MeasureOptions,
): Promise<RowOutcome[]> {
  const tasks = scenario.rows.map((row) => streamTask(row, scenario.n, scenario.batch));
  const outcomes = await measureInterleaved(tasks, scenario.n, opts);
  return scenario.rows.map((row, i) => ({ key: row.key, label: row.label, outcome: outcomes[i]! }));
}

export function formatThroughput(
  index: number,
  scenario: ThroughputScenario,
  results: readonly RowOutcome[],
  targets: readonly TargetResult[],
): string {
  // Footnote markers follow row order; the ratio column is against the first (sabchan) row.
  const notes = scenario.rows.filter((r) => r.note);
  const markerOf = (r: RowOutcome) => {
    const i = notes.findIndex((n) => n.key === r.key);
    return i < 0 ? '' : ` [${i + 1}]`;
  };
  const reference = results[0];
  const lines = [
    `## ${index}. ${scenario.title}`,
    '',
    ...formatThroughputTable(results, {
      unit: 'values/s',
      referenceName: reference?.label ?? 'sabchan',
      reference,
      markerOf,
    }),
    '',
    ...notes.map((r, i) => `- [${i + 1}] ${r.note}`),
    ...results.flatMap(failureLine),
    ...targets.map(formatTarget),
  ];
  return lines.join('\n').trimEnd() + '\n';
}
