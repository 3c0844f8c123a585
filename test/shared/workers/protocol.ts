/**
 * What the test agents (./agent.ts, one worker thread each) are asked to do and what they
 * report. Shared by the worker and the main thread; nothing here touches a channel.
 *
 * Every task is bounded: it gives up at `deadlineMs` (each blocking call gets the time left as
 * its timeout) and reports `ended: 'deadline'`, so a hang becomes a failure with a message.
 */
import type { SharedChanHandle } from '../../../src/index.js';

/** A value carries its producer and sequence number: `id * 2^32 + seq` (exact in an f64). */
export const SEQ_SPAN = 2 ** 32;

export function encode(id: number, seq: number): number {
  return id * SEQ_SPAN + seq;
}

export function decode(v: number): { id: number; seq: number } {
  const id = Math.floor(v / SEQ_SPAN);
  return { id, seq: v - id * SEQ_SPAN };
}

/** What a producing and a consuming task share: how they move values, pause and close. */
interface SideTask {
  handle: SharedChanHandle;
  seed: number;
  /** Largest putManySync batch / getManySync destination. */
  maxBatch: number;
  /** Share of single putSync / getSync calls (the rest are batches). */
  singleShare: number;
  /** Chance, per operation, of a pause (0..pauseMaxMs ms) first: lets the other side block. */
  pauseChance?: number;
  pauseMaxMs?: number;
  /** Close the channel after this many values were accepted / received (then keep going). */
  closeAfter?: number;
  /** Pause this long just before that close (the others run on, and may block meanwhile). */
  pauseBeforeCloseMs?: number;
  deadlineMs: number;
}

/** Sends `encode(id, 0..count-1)` in order until done, closed or the deadline. */
export interface ProduceTask extends SideTask {
  kind: 'produce';
  id: number;
  count: number;
}

/** Receives until the channel is closed and drained, `maxValues` or the deadline. */
export interface ConsumeTask extends SideTask {
  kind: 'consume';
  /** Size of the receive buffer: the most values this consumer can report. */
  maxValues: number;
  /** `setPrefetch(prefetch)` on this thread's channel object first (shared-port.ts H7). */
  prefetch?: number;
}

/** One putSync (used to block a worker in a known call). */
export interface PutOneTask {
  kind: 'putOne';
  handle: SharedChanHandle;
  value: number;
  timeout?: number;
}

/** One getSync. */
export interface GetOneTask {
  kind: 'getOne';
  handle: SharedChanHandle;
  timeout?: number;
}

/** A fixed list of values, sent as given: singles by putSync, runs by putManySync. */
export interface SendListTask {
  kind: 'sendList';
  handle: SharedChanHandle;
  /** Each entry: a number (putSync) or an array (putManySync). */
  items: (number | number[])[];
  deadlineMs: number;
}

/** Receives exactly `count` values with getSync / getManySync(batch sizes as given, cycled). */
export interface ReceiveCountTask {
  kind: 'receiveCount';
  handle: SharedChanHandle;
  count: number;
  /** Batch sizes to cycle through; 1 means getSync. */
  batches: number[];
  deadlineMs: number;
}

/** Closes the channel. */
export interface CloseTask {
  kind: 'close';
  handle: SharedChanHandle;
}

export type Task = CloseTask | ProduceTask | ConsumeTask | PutOneTask | GetOneTask | SendListTask | ReceiveCountTask;

/** How a bounded task ended. */
export type Ended = 'done' | 'closed' | 'deadline';

export interface ProduceResult {
  /** Values accepted (the put returned true / the count putManySync returned): seq 0..sent-1. */
  sent: number;
  ended: Ended;
  /** True if this task's close() call was the one that ran (it closed at closeAfter). */
  closedIt: boolean;
  note: string;
  /** How long the call that ended the task (returned false / undefined / 0) took, in ms. */
  finalCallMs?: number;
}

export interface ConsumeResult {
  /** Received values in order; `values.length === received`. */
  values: Float64Array;
  ended: Ended;
  note: string;
  /** How long the call that ended the task (returned undefined / 0) took, in ms. */
  finalCallMs?: number;
}

export interface OneResult {
  /** The call's result, or undefined. */
  result: number | boolean | undefined;
  /** Name of the error thrown, if any. */
  errorName?: string;
  errorMessage?: string;
}
