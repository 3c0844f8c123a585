/**
 * A test agent for object-channel stress tests: a worker thread that runs one task at a time
 * on a shared object channel with the blocking API (putSync / getSync, with timeouts up to a
 * deadline), and posts back what happened. Started by ../object-stress.test.ts.
 *
 * Messages are JSON values of varying shapes and sizes (a bare number, a string, an object,
 * an array; from 1 byte to about 2 KB) that carry their producer and sequence number, and a
 * padding whose length and content are a function of both: a consumer checks every message
 * it gets against that function, so a torn or misplaced copy (a payload that wraps the end of
 * the ring, say) shows as corruption, not only as a lost or duplicated id.
 */
import { parentPort } from 'node:worker_threads';
import { attach, type SharedChan, type SharedChanHandle } from '../../../src/index.js';
import { rng } from '../../helpers/async.js';
import { decode as decodeId, encode as encodeId } from './protocol.js';

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

/** Padding length for (id, seq): mostly small, some medium, a few near 2 KB. */
export function padLength(id: number, seq: number): number {
  const h = (Math.imul(seq + 1, 2654435761) ^ Math.imul(id, 40503)) >>> 0;
  const r = h % 100;
  if (r < 45) return h % 17;
  if (r < 90) return (h >>> 8) % 300;
  return 1500 + ((h >>> 8) % 500);
}

function padOf(id: number, seq: number): string {
  const n = padLength(id, seq);
  const c = String.fromCharCode(97 + ((seq + id) % 26));
  // A non-ASCII character now and then: multi-byte UTF-8 in the payload.
  return seq % 7 === 0 && n > 0 ? 'é' + c.repeat(n - 1) : c.repeat(n);
}

/** The message producer `id` sends as number `seq`: one of four shapes, by seq. */
export function messageOf(id: number, seq: number): unknown {
  switch (seq % 4) {
    case 0:
      return encodeId(id, seq); // a bare number (about 10 bytes)
    case 1:
      return `${id}:${seq}:${padOf(id, seq)}`;
    case 2:
      return { id, seq, pad: padOf(id, seq), nested: { ok: true, list: [seq, null] } };
    default:
      return [id, seq, padOf(id, seq)];
  }
}

/** The (id, seq) a message claims, or a description of what is wrong with it. */
export function check(m: unknown): { id: number; seq: number } | string {
  let id: number;
  let seq: number;
  if (typeof m === 'number') {
    ({ id, seq } = decodeId(m));
  } else if (typeof m === 'string') {
    const [a, b] = m.split(':');
    id = Number(a);
    seq = Number(b);
  } else if (Array.isArray(m)) {
    id = m[0] as number;
    seq = m[1] as number;
  } else if (typeof m === 'object' && m !== null) {
    id = (m as { id: number }).id;
    seq = (m as { seq: number }).seq;
  } else {
    return `not a message: ${JSON.stringify(m)}`;
  }
  if (!Number.isInteger(id) || !Number.isInteger(seq) || id < 1 || seq < 0) return `bad id/seq in ${JSON.stringify(m).slice(0, 80)}`;
  const expected = JSON.stringify(messageOf(id, seq));
  const got = JSON.stringify(m);
  if (got !== expected) return `producer ${id} seq ${seq}: got ${got.length} chars ${got.slice(0, 60)}…, expected ${expected.length} chars ${expected.slice(0, 60)}…`;
  return { id, seq };
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
