/**
 * The main-thread end of a test worker that answers `{ id, task }` messages one by one
 * (./agent.ts, ./object-agent.ts, ./selector.ts): numbered requests, each reply matched to its
 * request, and a worker that fails or exits rejects every request it leaves unanswered (and
 * every later one), so that a dead worker is a failure with its cause rather than a hang.
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll } from 'vitest';
import { readyOf, startTsWorker } from '../../helpers/ts-worker.js';

/**
 * A worker's answer to request `id`: the task's value, or its error, as a stack (the agents,
 * whose failures are bugs to read) or as name and message (the selector, whose errors tests
 * check by name, e.g. 'TimeoutError').
 */
type Reply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { id: number; ok: false; name: string; message: string };

/** One worker thread running `entry`, handed tasks of type `T`; subclasses type the results. */
export class TaskWorker<T> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  /** The worker thread itself (to supervise or terminate it from a test). */
  readonly thread: Worker;
  /** Resolves once the worker is listening. */
  readonly ready: Promise<void>;

  protected constructor(
    readonly name: string,
    entry: URL,
  ) {
    this.thread = startTsWorker(entry);
    this.ready = readyOf(this.thread);
    this.thread.on('message', (msg: Reply | { ready: true }) => {
      if (!('id' in msg)) return;
      const p = this.pending.get(msg.id);
      if (p === undefined) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.value);
      else if ('error' in msg) p.reject(new Error(`${this.name}: task failed in the worker:\n${msg.error}`));
      else p.reject(Object.assign(new Error(`${this.name}: ${msg.message}`), { name: msg.name }));
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.thread.on('error', (e) => fail(new Error(`${this.name}: worker error: ${e.stack ?? e.message}`)));
    this.thread.on('exit', (code) => fail(new Error(`${this.name}: worker exited (code ${code})`)));
  }

  /** Hands the worker `task`; settles with its value, its error, or the worker's failure. */
  run(task: T): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ id, task });
    });
  }

  async terminate(): Promise<void> {
    await this.thread.terminate();
  }
}

/**
 * Starts workers before the file's tests and terminates them after; the returned function
 * gives the started workers (call it inside tests).
 */
export function useWorkers<W extends { terminate(): Promise<void> }>(start: () => Promise<W[]>): () => W[] {
  let workers: W[] = [];
  beforeAll(async () => {
    workers = await start();
  }, 30_000);
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });
  return () => workers;
}
