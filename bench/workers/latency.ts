/**
 * Round-trip sampling for the ping-pong scenario, run inside the "ping" worker: each round is
 * timed with performance.now(); the first WARMUP_ROUNDS are discarded (JIT, the other worker
 * still starting, spin budgets settling), and the kept samples go back to the main thread,
 * which pools the samples of a row's turns (../cross-thread/pingpong.ts) before `statsOf`.
 */
import { parentPort } from 'node:worker_threads';

export const WARMUP_ROUNDS = 2_000;

/** Microseconds per round trip. */
export interface LatencyStats {
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** What the ping worker posts when done: every kept round trip, in ms. */
export interface LatencyReport {
  readonly samplesMs: Float64Array;
}

/** The message the main thread sends the ping worker once both workers are ready. */
export const GO = 'go';

/** Resolves when the main thread says GO (both workers are up: no start-up in a sample). */
export function awaitGo(): Promise<void> {
  return new Promise((resolve) => {
    parentPort!.on('message', function onGo(msg: unknown) {
      if (msg !== GO) return;
      parentPort!.off('message', onGo);
      resolve();
    });
  });
}

/** Collects round-trip times; `rounds` = WARMUP_ROUNDS + the samples kept. */
export class Recorder {
  readonly rounds: number;
  private readonly samples: Float64Array;
  private started = 0;

  constructor(samples: number) {
    this.samples = new Float64Array(samples);
    this.rounds = WARMUP_ROUNDS + samples;
  }

  /** Call just before sending round `i` (0-based). */
  start(): void {
    this.started = performance.now();
  }

  /** Call as soon as round `i`'s reply arrived. */
  stop(i: number): void {
    const elapsed = performance.now() - this.started;
    if (i >= WARMUP_ROUNDS) this.samples[i - WARMUP_ROUNDS] = elapsed;
  }

  /** Posts the kept samples to the main thread. */
  report(): void {
    const report: LatencyReport = { samplesMs: this.samples };
    parentPort!.postMessage(report, [this.samples.buffer as ArrayBuffer]);
  }
}

/** Percentiles (nearest rank) and mean, in µs, of round trips given in ms. Sorts `samplesMs`. */
export function statsOf(samplesMs: Float64Array): LatencyStats {
  const s = samplesMs.sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]! * 1000;
  const mean = (s.reduce((a, b) => a + b, 0) / s.length) * 1000;
  return { samples: s.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1]! * 1000, mean };
}

/** A blocking ping loop: `roundTrip(i)` sends i and returns the echo. */
export function runBlockingRounds(rec: Recorder, roundTrip: (i: number) => number): Recorder {
  for (let i = 0; i < rec.rounds; i++) {
    rec.start();
    const echo = roundTrip(i);
    rec.stop(i);
    if (echo !== i) throw new Error(`ping-pong: sent ${i}, got ${echo} back`);
  }
  return rec;
}
