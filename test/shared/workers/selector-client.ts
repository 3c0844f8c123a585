/**
 * Main-thread side of ./selector.ts: start selector workers, hand them tasks (one at a time
 * per worker runs; later ones queue in the worker), and get the results or the errors back.
 */
import type { SharedChan } from '../../../src/index.js';
import {
  DOORBELL_IDX_ALLOC,
  HEADER_WORDS,
  IDX_RX_SELECT_MASK,
  IDX_RX_WAITING,
  IDX_TX_SELECT_MASK,
  IDX_TX_WAITING,
  SELECT_MASK_WORDS,
} from '../../../src/shared/layout.js';
import { within } from './pool.js';
import type { ArmSpec, ProduceResult, SelectorTask, SelectResult, SelfSelectResult, StreamsResult } from './selector.js';
import { TaskWorker, useWorkers } from './task-worker.js';

export type { ArmSpec, ProduceResult, SelectorTask, SelectResult, SelfSelectResult, StreamsResult };

const ENTRY = new URL('./selector.ts', import.meta.url);

/** One worker running ./selector.ts; tasks run one at a time, later ones queue in the worker. */
export class Selector extends TaskWorker<SelectorTask> {
  private constructor(name: string) {
    super(name, ENTRY);
  }

  static async start(n: number, prefix: string): Promise<Selector[]> {
    const out = Array.from({ length: n }, (_, i) => new Selector(`${prefix} ${i}`));
    await within(Promise.all(out.map((s) => s.ready)), 20_000, `starting ${prefix} workers`);
    return out;
  }

  override run(task: Extract<SelectorTask, { kind: 'select' }>): Promise<SelectResult>;
  override run(task: Extract<SelectorTask, { kind: 'consume' }>): Promise<StreamsResult>;
  override run(task: Extract<SelectorTask, { kind: 'produce' }>): Promise<ProduceResult>;
  override run(task: Extract<SelectorTask, { kind: 'selfSelect' }>): Promise<SelfSelectResult>;
  override run(task: Extract<SelectorTask, { kind: 'count' }>): Promise<number[]>;
  override run(task: Extract<SelectorTask, { kind: 'quiet' }>): Promise<{ doorbell: number; channel: number }>;
  override run(task: SelectorTask): Promise<unknown>;
  override run(task: SelectorTask): Promise<unknown> {
    return super.run(task);
  }
}

/** Starts `n` selector workers before the file's tests, terminates them after. */
export function useSelectors(n: number, label: string): () => Selector[] {
  return useWorkers(() => Selector.start(n, label));
}

/** A get arm on `ch`. */
export const get = (ch: SharedChan<any>): ArmSpec => ({ handle: ch.handle });
/** A put arm of `value` on `ch`. */
export const put = (ch: SharedChan<any>, value: unknown): ArmSpec => ({ handle: ch.handle, put: value });

// ---- what a channel's header and its doorbell table say (read with layout.ts constants) ----

const header = (ch: SharedChan<any>): Int32Array => new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);
const words = (w: Int32Array, at: number): number[] => Array.from({ length: SELECT_MASK_WORDS }, (_, k) => Atomics.load(w, at + k));

/** The channel's select masks (block F) and WAITING flags, as plain numbers. */
export function selectState(ch: SharedChan<any>): { rxMask: number[]; txMask: number[]; rxWaiting: number; txWaiting: number } {
  const w = header(ch);
  return {
    rxMask: words(w, IDX_RX_SELECT_MASK),
    txMask: words(w, IDX_TX_SELECT_MASK),
    rxWaiting: Atomics.load(w, IDX_RX_WAITING),
    txWaiting: Atomics.load(w, IDX_TX_WAITING),
  };
}

/** The allocation bitmap of the doorbell table the channel's handle carries (bit t: slot t held). */
export function heldSlots(ch: SharedChan<any>): number[] {
  return words(new Int32Array(ch.handle.doorbells!), DOORBELL_IDX_ALLOC);
}

/** Marks doorbell slots as held (as if other threads were blocked in selects); returns the undo. */
export function holdSlots(ch: SharedChan<any>, slots: number[]): () => void {
  const table = new Int32Array(ch.handle.doorbells!);
  for (const t of slots) Atomics.or(table, DOORBELL_IDX_ALLOC + (t >> 5), 1 << (t & 31));
  return () => {
    for (const t of slots) Atomics.and(table, DOORBELL_IDX_ALLOC + (t >> 5), ~(1 << (t & 31)));
  };
}

/** The slots whose bits are set in a mask, e.g. [33]. */
export function bitsOf(mask: number[]): number[] {
  const out: number[] = [];
  mask.forEach((word, k) => {
    for (let b = 0; b < 32; b++) if ((word >>> b) & 1) out.push(k * 32 + b);
  });
  return out;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 1));

/**
 * Waits (bounded: ~2000 1 ms turns) until a select in another thread is registered on every
 * one of `chans` for `side`: its slot bit is set in the side's mask and the side's WAITING flag
 * is set. Registration comes right before the selector's last re-check and sleep; then this
 * waits a few more milliseconds, so that the selector (microseconds from its sleep) is asleep
 * and what is done to a channel afterwards reaches it through its doorbell, not through that
 * re-check (without the pause, a test that expects a ring could see the re-check win the
 * race now and then). @returns the slots seen.
 */
export async function untilRegistered(chans: SharedChan<any>[], side: 'rx' | 'tx', what: string): Promise<number[]> {
  for (let i = 0; i < 2000; i++) {
    const states = chans.map(selectState);
    if (states.every((s) => (side === 'rx' ? s.rxWaiting : s.txWaiting) !== 0 && bitsOf(side === 'rx' ? s.rxMask : s.txMask).length > 0)) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return bitsOf(side === 'rx' ? states[0]!.rxMask : states[0]!.txMask);
    }
    await tick();
  }
  throw new Error(`${what}: the select never registered on all ${chans.length} channels (${side})`);
}
