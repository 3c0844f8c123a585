/**
 * Running a model-based history on a shared channel beside its model (./shared-chan-model.ts):
 * each put or get on the real channel is started with a signal of its own under the id the
 * model is given too, and how it settles is recorded in the model's terms, so that the two can
 * be compared after every step. The commands both histories have (get, poll, close, abort)
 * mean the same on every shared channel, so they run here.
 */
import { expect } from 'vitest';
import type { SharedChanModel, Settled } from './shared-chan-model.js';

/** What a history needs of the real channel beyond put and offer, whose values differ by test. */
type RealChan = {
  get(options: { signal: AbortSignal }): Promise<unknown>;
  poll(): unknown;
  close(): void;
  readonly closed: boolean;
};

/** The commands every shared-channel history has. */
export type CommonCmd = { t: 'get' } | { t: 'poll' } | { t: 'close' } | { t: 'abort'; k: number };

/** Lets the channel's promise reactions (and one setImmediate hop) run. */
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The abortable operations started on the real channel, and what each has settled with. */
export class RealOps {
  /** What each operation settled with; absent while it is pending. */
  readonly settled = new Map<number, Settled>();
  private readonly aborters: AbortController[] = [];

  /** Starts `op` with a signal of its own and records how it settles; returns its id. */
  start(op: (signal: AbortSignal) => Promise<unknown>): number {
    const id = this.aborters.length;
    this.aborters.push(new AbortController());
    op(this.aborters[id]!.signal).then(
      (value) => this.settled.set(id, { ok: true, value }),
      () => this.settled.set(id, { ok: false }),
    );
    return id;
  }

  /** Aborts the (k mod count)-th operation started so far; its id, or undefined when none has started. */
  abort(k: number): number | undefined {
    if (this.aborters.length === 0) return undefined;
    const id = k % this.aborters.length;
    this.aborters[id]!.abort();
    return id;
  }
}

/** Runs a get, poll, close or abort on the real channel and on the model alike. */
export function runCommon(
  cmd: CommonCmd,
  ch: RealChan,
  model: SharedChanModel<unknown>,
  real: RealOps,
  where: string,
): void {
  switch (cmd.t) {
    case 'get':
      model.get(real.start((signal) => ch.get({ signal })));
      break;
    case 'poll':
      expect(ch.poll(), where).toEqual(model.poll());
      break;
    case 'close':
      ch.close();
      model.close();
      break;
    case 'abort': {
      const id = real.abort(cmd.k);
      if (id !== undefined) model.abort(id);
      break;
    }
  }
}

/** The same operations have settled, with the same outcomes, on the real channel and in the model. */
export function expectSameSettled(real: RealOps, model: SharedChanModel<unknown>, where?: string): void {
  expect(Object.fromEntries(real.settled), where).toEqual(Object.fromEntries(model.settled));
}

/** Lets a step settle, then the real channel and the model agree on what has settled and on `closed`. */
export async function settleAndCompare(
  ch: RealChan,
  model: SharedChanModel<unknown>,
  real: RealOps,
  where: string,
): Promise<void> {
  await flush();
  expectSameSettled(real, model, where);
  expect(ch.closed, where).toBe(model.closed);
}

/** Closes the real channel and the model, lets the close settle, and polls the channel empty: what it still held, in order. */
export async function closeAndDrain(ch: RealChan, model: SharedChanModel<unknown>): Promise<unknown[]> {
  ch.close();
  model.close();
  await flush();
  const rest: unknown[] = [];
  for (let v = ch.poll(); v !== undefined; v = ch.poll()) rest.push(v);
  return rest;
}
