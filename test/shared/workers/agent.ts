/**
 * A test agent: a worker thread that runs one task at a time (./protocol.ts) on a shared
 * channel with the blocking (*Sync) API, and posts back what happened. Tasks arrive as
 * `{ id, task }` messages; replies are `{ id, ok, value | error }`. Started by ./pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { attach, type SharedChan } from '../../../src/index.js';
import { rng } from '../../helpers/async.js';
import {
  encode,
  type ConsumeResult,
  type ConsumeTask,
  type Ended,
  type GetOneTask,
  type OneResult,
  type ProduceResult,
  type ProduceTask,
  type PutOneTask,
  type ReceiveCountTask,
  type SendListTask,
  type Task,
} from './protocol.js';

const port = parentPort!;
const napCell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds. */
function nap(ms: number): void {
  if (ms > 0) Atomics.wait(napCell, 0, 0, ms);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && e.name === 'TimeoutError';
}

function produce(t: ProduceTask): ProduceResult {
  const ch = attach(t.handle) as SharedChan;
  const rand = rng(t.seed);
  const deadline = performance.now() + t.deadlineMs;
  const typed = new Float64Array(t.maxBatch);
  let sent = 0;
  let ended: Ended = 'done';
  let closedIt = false;
  let note = '';
  let callStart = 0;
  while (sent < t.count) {
    const left = deadline - performance.now();
    if (left <= 0) {
      ended = 'deadline';
      note = `producer ${t.id}: deadline reached after ${sent} of ${t.count} values`;
      break;
    }
    if (t.pauseChance !== undefined && rand() < t.pauseChance) nap(Math.floor(rand() * (t.pauseMaxMs ?? 1)));
    if (rand() < t.singleShare) {
      let ok: boolean;
      callStart = performance.now();
      try {
        ok = ch.putSync(encode(t.id, sent), { timeout: left });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        ended = 'deadline';
        note = `producer ${t.id}: putSync of seq ${sent} still blocked at the deadline`;
        break;
      }
      if (!ok) {
        ended = 'closed';
        break;
      }
      sent++;
    } else {
      const k = Math.min(1 + Math.floor(rand() * t.maxBatch), t.count - sent);
      // Typed arrays take the ring's bulk-copy path (k >= 32); plain arrays are checked per element.
      const src: ArrayLike<number> & { [i: number]: number } = rand() < 0.5 ? typed.subarray(0, k) : new Array<number>(k);
      for (let i = 0; i < k; i++) src[i] = encode(t.id, sent + i);
      let n: number;
      callStart = performance.now();
      try {
        n = ch.putManySync(src, { timeout: left });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        ended = 'deadline';
        note = `producer ${t.id}: putManySync of seq ${sent}..${sent + k - 1} still blocked at the deadline`;
        break;
      }
      if (n < 0 || n > k) throw new Error(`putManySync of ${k} values returned ${n}`);
      sent += n;
      // n < k: closed part-way, or the deadline ran out part-way (the next turn reports it).
      if (n === 0 || (n < k && ch.closed)) {
        ended = 'closed';
        break;
      }
    }
    if (t.closeAfter !== undefined && !closedIt && sent >= t.closeAfter) {
      nap(t.pauseBeforeCloseMs ?? 0);
      ch.close();
      closedIt = true;
    }
  }
  if (ended === 'done' && t.closeAfter !== undefined && !closedIt) {
    ch.close();
    closedIt = true;
  }
  return { sent, ended, closedIt, note, finalCallMs: performance.now() - callStart };
}

function consume(t: ConsumeTask): { result: ConsumeResult; transfer: ArrayBuffer[] } {
  const ch = attach(t.handle) as SharedChan;
  if (t.prefetch !== undefined) ch.setPrefetch(t.prefetch);
  const rand = rng(t.seed);
  const deadline = performance.now() + t.deadlineMs;
  let out = new Float64Array(Math.min(t.maxValues, 1 << 16)); // grows up to maxValues
  let n = 0;
  let ended: Ended = 'done';
  let note = '';
  let closedIt = false;
  let callStart = 0;
  for (;;) {
    if (n >= t.maxValues) {
      note = `consumer: receive buffer of ${t.maxValues} values full`;
      break;
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      ended = 'deadline';
      note = `consumer: deadline reached after ${n} values`;
      break;
    }
    if (n + t.maxBatch > out.length && out.length < t.maxValues) {
      const bigger = new Float64Array(Math.min(t.maxValues, out.length * 2));
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
    if (t.pauseChance !== undefined && rand() < t.pauseChance) nap(Math.floor(rand() * (t.pauseMaxMs ?? 1)));
    if (rand() < t.singleShare) {
      let v: number | undefined;
      callStart = performance.now();
      try {
        v = ch.getSync({ timeout: left });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        ended = 'deadline';
        note = `consumer: getSync still blocked at the deadline after ${n} values`;
        break;
      }
      if (v === undefined) {
        ended = 'closed';
        break;
      }
      out[n++] = v;
    } else {
      const size = Math.min(1 + Math.floor(rand() * t.maxBatch), out.length - n);
      let k: number;
      callStart = performance.now();
      try {
        k = ch.getManySync(out.subarray(n, n + size), { timeout: left });
      } catch (e) {
        if (!isTimeout(e)) throw e;
        ended = 'deadline';
        note = `consumer: getManySync still blocked at the deadline after ${n} values`;
        break;
      }
      if (k < 0 || k > size) throw new Error(`getManySync into ${size} slots returned ${k}`);
      if (k === 0) {
        ended = 'closed';
        break;
      }
      n += k;
    }
    if (t.closeAfter !== undefined && !closedIt && n >= t.closeAfter) {
      nap(t.pauseBeforeCloseMs ?? 0);
      ch.close();
      closedIt = true;
    }
  }
  const values = out.subarray(0, n);
  return { result: { values, ended, note, finalCallMs: performance.now() - callStart }, transfer: [out.buffer] };
}

function one(f: () => number | boolean | undefined): OneResult {
  try {
    return { result: f() };
  } catch (e) {
    const err = e as Error;
    return { result: undefined, errorName: err.name, errorMessage: err.message };
  }
}

function putOne(t: PutOneTask): OneResult {
  const ch = attach(t.handle) as SharedChan;
  return one(() => ch.putSync(t.value, t.timeout === undefined ? undefined : { timeout: t.timeout }));
}

function getOne(t: GetOneTask): OneResult {
  const ch = attach(t.handle) as SharedChan;
  return one(() => ch.getSync(t.timeout === undefined ? undefined : { timeout: t.timeout }));
}

function sendList(t: SendListTask): ProduceResult {
  const ch = attach(t.handle) as SharedChan;
  const deadline = performance.now() + t.deadlineMs;
  let sent = 0;
  for (const item of t.items) {
    const left = deadline - performance.now();
    try {
      if (typeof item === 'number') {
        if (!ch.putSync(item, { timeout: Math.max(left, 0) })) return { sent, ended: 'closed', closedIt: false, note: '' };
        sent++;
      } else {
        const n = ch.putManySync(item, { timeout: Math.max(left, 0) });
        sent += n;
        if (n < item.length) return { sent, ended: 'closed', closedIt: false, note: `putManySync put ${n} of ${item.length}` };
      }
    } catch (e) {
      if (!isTimeout(e)) throw e;
      return { sent, ended: 'deadline', closedIt: false, note: `sendList: blocked at the deadline after ${sent} values` };
    }
  }
  return { sent, ended: 'done', closedIt: false, note: '' };
}

function receiveCount(t: ReceiveCountTask): { result: ConsumeResult; transfer: ArrayBuffer[] } {
  const ch = attach(t.handle) as SharedChan;
  const deadline = performance.now() + t.deadlineMs;
  const out = new Float64Array(t.count);
  let n = 0;
  let turn = 0;
  let ended: Ended = 'done';
  let note = '';
  while (n < t.count) {
    const left = Math.max(deadline - performance.now(), 0);
    const b = Math.min(t.batches[turn++ % t.batches.length]!, t.count - n);
    try {
      if (b === 1) {
        const v = ch.getSync({ timeout: left });
        if (v === undefined) {
          ended = 'closed';
          break;
        }
        out[n++] = v;
      } else {
        const k = ch.getManySync(out.subarray(n, n + b), { timeout: left });
        if (k === 0) {
          ended = 'closed';
          break;
        }
        n += k;
      }
    } catch (e) {
      if (!isTimeout(e)) throw e;
      ended = 'deadline';
      note = `receiveCount: blocked at the deadline after ${n} of ${t.count} values`;
      break;
    }
  }
  return { result: { values: out.subarray(0, n), ended, note }, transfer: [out.buffer] };
}

function run(task: Task): { value: unknown; transfer: ArrayBuffer[] } {
  switch (task.kind) {
    case 'close':
      attach(task.handle).close();
      return { value: { result: true }, transfer: [] };
    case 'produce':
      return { value: produce(task), transfer: [] };
    case 'consume': {
      const { result, transfer } = consume(task);
      return { value: result, transfer };
    }
    case 'putOne':
      return { value: putOne(task), transfer: [] };
    case 'getOne':
      return { value: getOne(task), transfer: [] };
    case 'sendList':
      return { value: sendList(task), transfer: [] };
    case 'receiveCount': {
      const { result, transfer } = receiveCount(task);
      return { value: result, transfer };
    }
  }
}

port.on('message', (msg: { id: number; task: Task }) => {
  try {
    const { value, transfer } = run(msg.task);
    port.postMessage({ id: msg.id, ok: true, value }, transfer);
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
port.postMessage({ ready: true });
