/**
 * Main-thread side of the test agents (./agent.ts): start a few, hand them tasks, and check
 * what consumers received against what producers say was accepted.
 */
import { expect } from 'vitest';
import { decode, type ConsumeResult, type ConsumeTask, type OneResult, type ProduceResult, type Task } from './protocol.js';
import { TaskWorker, useWorkers } from './task-worker.js';
import type { SharedChan } from '../../../src/index.js';

const AGENT = new URL('./agent.ts', import.meta.url);

/**
 * Starts `n` agents before the file's tests and terminates them after; the returned function
 * gives the started agents (call it inside tests).
 */
export function useAgents(n: number, label: string): () => Agent[] {
  return useWorkers(() => Agent.start(n, label));
}

/** One worker running ./agent.ts, one task at a time. */
export class Agent extends TaskWorker<Task> {
  private constructor(name: string) {
    super(name, AGENT);
  }

  /** Starts `n` agents and waits until each is listening. */
  static async start(n: number, prefix = 'agent'): Promise<Agent[]> {
    const agents = Array.from({ length: n }, (_, i) => new Agent(`${prefix} ${i}`));
    await within(Promise.all(agents.map((a) => a.ready)), 20_000, 'starting the test agents');
    return agents;
  }

  override run(task: Extract<Task, { kind: 'produce' | 'sendList' }>): Promise<ProduceResult>;
  override run(task: Extract<Task, { kind: 'consume' | 'receiveCount' }>): Promise<ConsumeResult>;
  override run(task: Extract<Task, { kind: 'putOne' | 'getOne' | 'close' }>): Promise<OneResult>;
  override run(task: Task): Promise<unknown> {
    return super.run(task);
  }
}

/** Waits for `p` at most `ms` milliseconds; a hang becomes an error naming `what`. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms (hung?)`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

/**
 * Receives `total` values in this thread, alternating `get()` and `getMany(dst)` (up to what
 * is still due), each bounded by `boundMs`, until all arrived or the channel ended.
 * @returns what arrived, in order.
 */
export async function receiveAlternating(
  ch: SharedChan,
  total: number,
  dst: Float64Array | Uint32Array,
  boundMs: number,
  where: string,
): Promise<number[]> {
  const got: number[] = [];
  while (got.length < total) {
    if (got.length % 2 === 0) {
      const v = await within(ch.get(), boundMs, `get (${where})`);
      if (v === undefined) break;
      got.push(v);
    } else {
      const k = await within(ch.getMany(dst.subarray(0, Math.min(dst.length, total - got.length))), boundMs, `getMany (${where})`);
      if (k === 0) break;
      got.push(...Array.from(dst.subarray(0, k)));
    }
  }
  return got;
}

/** One consumer's received values, in the order it received them. */
export interface Stream {
  name: string;
  values: ArrayLike<number>;
}

/**
 * Checks exactly-once delivery and per-producer order.
 * @param accepted producer id -> number of values it says were accepted (seq 0..n-1).
 * @returns a list of problems (empty: all good), at most a few of each kind.
 */
export function checkDelivery(accepted: Map<number, number>, streams: Stream[]): string[] {
  const problems: string[] = [];
  const report = (msg: string): void => {
    if (problems.length < 20) problems.push(msg);
  };
  const seen = new Map<number, Uint8Array>();
  for (const [id, n] of accepted) seen.set(id, new Uint8Array(n));
  const extra = new Map<number, number>();
  for (const s of streams) {
    const last = new Map<number, number>();
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      const { id, seq } = decode(v);
      const marks = seen.get(id);
      if (marks === undefined || !Number.isInteger(seq) || seq < 0) {
        report(`${s.name}[${i}] = ${v}: not a value any producer sent (id ${id}, seq ${seq})`);
        continue;
      }
      if (seq >= marks.length) {
        extra.set(id, (extra.get(id) ?? 0) + 1);
        report(`${s.name}[${i}]: producer ${id} seq ${seq} received, but the producer says only ${marks.length} were accepted`);
        continue;
      }
      if (marks[seq]! >= 1) report(`${s.name}[${i}]: producer ${id} seq ${seq} received twice (duplicate)`);
      marks[seq] = Math.min(marks[seq]! + 1, 2);
      const prev = last.get(id);
      if (prev !== undefined && seq <= prev) report(`${s.name}[${i}]: producer ${id} seq ${seq} after seq ${prev} (out of order)`);
      last.set(id, seq);
    }
  }
  for (const [id, marks] of seen) {
    let missing = 0;
    let first = -1;
    for (let seq = 0; seq < marks.length; seq++) {
      if (marks[seq] === 0) {
        if (first < 0) first = seq;
        missing++;
      }
    }
    if (missing > 0) report(`producer ${id}: ${missing} of ${marks.length} accepted values never received (first missing seq ${first})`);
  }
  return problems;
}

/** The accepted counts when producers 1..`producers` each had all `perProducer` values accepted, for checkDelivery. */
export function allAccepted(perProducer: number, producers = 2): Map<number, number> {
  return new Map(Array.from({ length: producers }, (_, i) => [i + 1, perProducer]));
}

/** Expects a list of problems (from checkDelivery and the like) to be empty; a failure lists them under `context`. */
export function expectNoProblems(problems: string[], context: string): void {
  expect(problems, `problems — ${context}:\n${problems.join('\n')}`).toEqual([]);
}

/** Counts what every stream holds, for messages. */
export function total(streams: Stream[]): number {
  return streams.reduce((a, s) => a + s.values.length, 0);
}

/** A consume task with the usual defaults. */
export function consumeTask(over: Partial<ConsumeTask> & Pick<ConsumeTask, 'handle' | 'seed' | 'maxValues'>): ConsumeTask {
  return { kind: 'consume', maxBatch: 64, singleShare: 0.5, deadlineMs: 15_000, ...over };
}
