/**
 * Scenario 3: round-trip latency with both ends blocking. The main thread may not block for
 * long (its event loop runs the report), so both ends are workers: "ping" times round trips
 * and sends back its samples, "pong" echoes. Each turn of a row starts its two workers, waits
 * until both are ready, then says GO, so no start-up lands in a sample.
 *
 * Rows take turns, as the throughput rows do (../interleave.ts): TURNS rounds, each row
 * sampling SAMPLES / TURNS round trips per round, the row that goes first moving by one each
 * round. A slow spell of this shared machine then falls on every row alike. A row's
 * percentiles are those of all its turns' samples pooled. The targets compare two rows round
 * by round (their p50s of the same round) and take the median of those ratios: a blocking
 * round trip here is bimodal (~10 or ~60 µs, as the cores happen to idle or not), and the
 * pooled p50 of either row can land in either mode. A row that fails is dropped from the
 * later rounds.
 */
import { MessageChannel, type Worker } from 'node:worker_threads';
import { sharedChan } from '../../src/index.js';
import { startTsWorker } from '../../test/helpers/ts-worker.js';
import { READY } from '../workers/control.js';
import { GO, statsOf, type LatencyReport, type LatencyStats } from '../workers/latency.js';
import { withTimeout } from './host.js';

export const SAMPLES = 20_000;
/** Rounds of turns; each turn of a row keeps SAMPLES / TURNS round trips. */
export const TURNS = 4;
/** Channel capacity of the sabchan rows: one value in flight each way. */
const CAPACITY = 1;
/** Spin time of the raw spin-then-wait row: about one wake-up here (src/shared/wait.ts). */
const SPIN_MICROS = 10;
/** A turn's 7,000 round trips take ~0.4 s at 50 µs each; allow for a very busy machine. */
const RUN_TIMEOUT_MS = 60_000;
const EXIT_GRACE_MS = 2_000;

export type LatencyOutcome =
  | { kind: 'measured'; stats: LatencyStats }
  | { kind: 'failed'; error: string };

export interface LatencyRow {
  readonly key: string;
  readonly label: string;
  readonly note?: string;
  /** Worker module and the data of each role (plus what must be transferred to each). */
  readonly setup: (samples: number) => { entry: URL; ping: Spawn; pong: Spawn };
}

interface Spawn {
  readonly data: object;
  readonly transfer?: Transferable[];
}

const worker = (name: string) => new URL(`../workers/${name}`, import.meta.url);

export const LATENCY_ROWS: readonly LatencyRow[] = [
  sabchanRow('sabchan-block', 'sabchan `putSync`/`getSync`, `setSpin(0)`', 0),
  sabchanRow('sabchan', 'sabchan `putSync`/`getSync`, adaptive spin', 'adaptive'),
  atomicsRow('atomics', 'raw `Atomics.wait`/`notify`', 0),
  atomicsRow('atomics-spin', `raw Atomics, spin ${SPIN_MICROS} µs then wait`, SPIN_MICROS),
  {
    key: 'port',
    label: 'MessagePort',
    note: 'a MessageChannel between the two workers; both sides event-driven.',
    setup(samples) {
      const { port1, port2 } = new MessageChannel();
      const spawn = (role: string, port: typeof port1): Spawn => ({
        data: { role, samples, port },
        transfer: [port],
      });
      return { entry: worker('pingpong-port.ts'), ping: spawn('ping', port1), pong: spawn('pong', port2) };
    },
  },
];

function sabchanRow(key: string, label: string, spin: number | 'adaptive'): LatencyRow {
  return {
    key,
    label,
    note:
      spin === 0
        ? `two channels of capacity ${CAPACITY}; \`setSpin(0)\`: each sync call sleeps at once when it must wait (the blocking mode).`
        : `two channels of capacity ${CAPACITY}; the default: sync calls spin about a wake-up's cost (10-100 µs, adaptive) before they sleep.`,
    setup(samples) {
      const ping = sharedChan({ type: 'f64', capacity: CAPACITY }).handle;
      const pong = sharedChan({ type: 'f64', capacity: CAPACITY }).handle;
      const data = (role: string) => ({ data: { role, samples, ping, pong, spin } });
      return { entry: worker('pingpong-sabchan.ts'), ping: data('ping'), pong: data('pong') };
    },
  };
}

function atomicsRow(key: string, label: string, spinMicros: number): LatencyRow {
  return {
    key,
    label,
    note:
      spinMicros === 0
        ? 'two Int32 words in a SharedArrayBuffer; each side stores, notifies, and sleeps in `Atomics.wait` until the other answers.'
        : `as the raw row, but re-checking the word for ${spinMicros} µs before sleeping: the floor for a spinning channel.`,
    setup(samples) {
      const words = new Int32Array(new SharedArrayBuffer(8));
      const data = (role: string) => ({ data: { role, samples, words, spinMicros } });
      return { entry: worker('pingpong-atomics.ts'), ping: data('ping'), pong: data('pong') };
    },
  };
}

/**
 * Measures every row in turns (see the top of this file). `onTurn` hears of each turn: the
 * row, the round, and the turn's samples (or its error).
 */
export async function measureLatencyInTurns(
  rows: readonly LatencyRow[],
  onTurn: (row: LatencyRow, round: number, outcome: LatencyOutcome) => void,
): Promise<LatencyInTurns[]> {
  const perTurn = SAMPLES / TURNS;
  const pooled: Float64Array[][] = rows.map(() => []);
  const turns: LatencyStats[][] = rows.map(() => []);
  const errors: (string | undefined)[] = rows.map(() => undefined);
  for (let round = 0; round < TURNS; round++) {
    for (let k = 0; k < rows.length; k++) {
      const i = (k + round) % rows.length;
      if (errors[i] !== undefined) continue;
      try {
        const samplesMs = await measureTurn(rows[i]!, perTurn);
        pooled[i]!.push(samplesMs);
        turns[i]!.push(statsOf(samplesMs.slice()));
        onTurn(rows[i]!, round, { kind: 'measured', stats: turns[i]![round]! });
      } catch (err) {
        errors[i] = err instanceof Error ? err.message : String(err);
        onTurn(rows[i]!, round, { kind: 'failed', error: errors[i]! });
      }
    }
  }
  return rows.map((_, i) =>
    errors[i] !== undefined
      ? { outcome: { kind: 'failed', error: errors[i]! }, turns: [] }
      : { outcome: { kind: 'measured', stats: statsOf(concat(pooled[i]!)) }, turns: turns[i]! },
  );
}

/** A row measured in turns: its pooled outcome, and each round's own stats (none if it failed). */
export interface LatencyInTurns {
  readonly outcome: LatencyOutcome;
  readonly turns: readonly LatencyStats[];
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** One turn of a row: both workers up, GO, the ping worker's samples (ms), both workers gone. */
async function measureTurn(row: LatencyRow, samples: number): Promise<Float64Array> {
  const workers: Worker[] = [];
  try {
    const { entry, ping, pong } = row.setup(samples);
    for (const role of [pong, ping]) {
      workers.push(startTsWorker(entry, role.data, { transferList: role.transfer ?? [] }));
    }
    const pingWorker = workers[1];
    // Listen from the start: a worker may fail, or finish and exit, before we get to wait.
    const exits = Promise.all(workers.map(exitOf));
    const failure = Promise.race(workers.map(failureOf));
    failure.catch(() => {}); // raced below; terminating the workers later rejects it unobserved
    const ready = Promise.all(workers.map((w) => nextMessage(w, (m) => m === READY)));
    const report = nextMessage(pingWorker, isReport);
    await withTimeout(Promise.race([ready, failure]), 15_000, `${row.label}: worker start`);
    pingWorker.postMessage(GO);
    const { samplesMs } = await withTimeout(Promise.race([report, failure]), RUN_TIMEOUT_MS, row.label);
    await withTimeout(Promise.race([exits, failure]), EXIT_GRACE_MS, `${row.label}: worker exit`);
    return samplesMs;
  } finally {
    await Promise.all(workers.map((w) => w.terminate())); // a no-op for workers that exited
  }
}

function isReport(m: unknown): m is LatencyReport {
  return typeof m === 'object' && m !== null && 'samplesMs' in m;
}

function nextMessage<T>(w: Worker, accept: (m: unknown) => m is T): Promise<T>;
function nextMessage(w: Worker, accept: (m: unknown) => boolean): Promise<unknown>;
function nextMessage(w: Worker, accept: (m: unknown) => boolean): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      if (!accept(m)) return;
      w.off('message', onMessage);
      resolve(m);
    };
    w.on('message', onMessage);
  });
}

/** Rejects on the worker's uncaught error or on an exit with a non-zero code. */
function failureOf(w: Worker): Promise<never> {
  return new Promise((_, reject) => {
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`));
    });
  });
}

function exitOf(w: Worker): Promise<void> {
  return new Promise((resolve) => w.once('exit', () => resolve()));
}
