/**
 * A test agent for object-channel stress tests: a worker thread that runs one task at a time
 * on a shared object channel with the blocking API (putSync / getSync, with timeouts up to a
 * deadline), and posts back what happened. Started by ../object-stress.test.ts.
 *
 * Messages (./object-messages.ts) carry their producer and sequence number and a padding
 * that is a function of both; consumers check every message they get against it.
 */
import { parentPort } from 'node:worker_threads';
import { attach, type SharedChan, type SharedChanHandle } from '../../../src/index.js';
import { rng } from '../../helpers/async.js';
import { encode as encodeId } from './protocol.js';
import { check, messageOf } from './object-messages.js';

export interface ObjectProduceTask {
  kind: 'produce';
  handle: SharedChanHandle;
  id: number;
  count: number;
  seed: number;
  /** Chance, per message, of a pause (up to pauseMaxMs) first: lets the others block. */
  pauseChance: number;
  pauseMaxMs: number;
  /** Share of puts made with offer in a loop (spinning on a full channel) instead of putSync. */
  offerShare: number;
  deadlineMs: number;
}

export interface ObjectConsumeTask {
  kind: 'consume';
  handle: SharedChanHandle;
  seed: number;
  maxValues: number;
  pauseChance: number;
  pauseMaxMs: number;
  /** Share of gets tried with poll first (getSync when it finds nothing). */
  pollShare: number;
  /** Close the channel after receiving this many messages (then drain it). */
  closeAfter?: number;
  deadlineMs: number;
}

export type ObjectTask = ObjectProduceTask | ObjectConsumeTask;

export interface ObjectProduceResult {
  sent: number;
  ended: 'done' | 'closed' | 'deadline';
  note: string;
}

export interface ObjectConsumeResult {
  /** encode(id, seq) of every message received, in order. */
  values: Float64Array;
  ended: 'done' | 'closed' | 'deadline';
  /** Messages that did not match what their producer sends (first few described). */
  corrupt: number;
  notes: string[];
}

const napCell = new Int32Array(new SharedArrayBuffer(4));
function nap(ms: number): void {
  if (ms > 0) Atomics.wait(napCell, 0, 0, ms);
}
const isTimeout = (e: unknown): boolean => e instanceof Error && e.name === 'TimeoutError';

function produce(t: ObjectProduceTask): ObjectProduceResult {
  const ch = attach<unknown>(t.handle);
  const rand = rng(t.seed);
  const deadline = performance.now() + t.deadlineMs;
  let sent = 0;
  while (sent < t.count) {
    const left = deadline - performance.now();
    if (left <= 0) return { sent, ended: 'deadline', note: `producer ${t.id}: deadline after ${sent} of ${t.count}` };
    if (rand() < t.pauseChance) nap(Math.floor(rand() * t.pauseMaxMs));
    const m = messageOf(t.id, sent);
    if (rand() < t.offerShare) {
      // offer until it is accepted (or closed / the deadline): never blocks the thread.
      while (!ch.offer(m)) {
        if (ch.closed) return { sent, ended: 'closed', note: '' };
        if (performance.now() > deadline) return { sent, ended: 'deadline', note: `producer ${t.id}: offer of seq ${sent} refused until the deadline` };
      }
    } else {
      try {
        if (!ch.putSync(m, { timeout: left })) return { sent, ended: 'closed', note: '' };
      } catch (e) {
        if (!isTimeout(e)) throw e;
        return { sent, ended: 'deadline', note: `producer ${t.id}: putSync of seq ${sent} blocked at the deadline` };
      }
    }
    sent++;
  }
  return { sent, ended: 'done', note: '' };
}

function consume(t: ObjectConsumeTask): { result: ObjectConsumeResult; transfer: ArrayBuffer[] } {
  const ch = attach<unknown>(t.handle) as SharedChan<unknown>;
  const rand = rng(t.seed);
  const deadline = performance.now() + t.deadlineMs;
  const out = new Float64Array(t.maxValues);
  const notes: string[] = [];
  let corrupt = 0;
  let n = 0;
  let ended: ObjectConsumeResult['ended'] = 'done';
  while (n < t.maxValues) {
    const left = deadline - performance.now();
    if (left <= 0) {
      ended = 'deadline';
      notes.push(`consumer: deadline after ${n} messages`);
      break;
    }
    if (rand() < t.pauseChance) nap(Math.floor(rand() * t.pauseMaxMs));
    // poll in a loop (spinning while empty) or getSync; once closed, getSync decides
    // "closed and drained" (a poll's undefined cannot tell it from "not yet committed").
    let m: unknown = rand() < t.pollShare && !ch.closed ? ch.poll() : undefined;
    if (m === undefined) {
      try {
        m = ch.getSync({ timeout: left });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        ended = 'deadline';
        notes.push(`consumer: getSync blocked at the deadline after ${n} messages`);
        break;
      }
      if (m === undefined) {
        ended = 'closed';
        break;
      }
    }
    const r = check(m);
    if (typeof r === 'string') {
      corrupt++;
      if (notes.length < 5) notes.push(r);
      continue;
    }
    out[n++] = encodeId(r.id, r.seq);
    if (n === t.closeAfter) ch.close();
  }
  const values = out.subarray(0, n);
  return { result: { values, ended, corrupt, notes }, transfer: [out.buffer] };
}

parentPort!.on('message', (msg: { id: number; task: ObjectTask }) => {
  try {
    if (msg.task.kind === 'produce') {
      parentPort!.postMessage({ id: msg.id, ok: true, value: produce(msg.task) });
    } else {
      const { result, transfer } = consume(msg.task);
      parentPort!.postMessage({ id: msg.id, ok: true, value: result }, transfer);
    }
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
parentPort!.postMessage({ ready: true });
