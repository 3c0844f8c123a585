/**
 * A worker that dies on purpose, for the supervise tests. workerData.data is a VictimPlan.
 * It posts { at: 'label', ... } messages as it goes, so the test knows where it is, then dies:
 *   'exit'  process.exit(code);
 *   'throw' an uncaught error (exit code 1);
 *   'hang'  blocks forever in Atomics.wait, for the test to terminate() it.
 *
 * The 'hold-put' and 'hold-take' plans reserve a position the way SPEC.md 5.2 / 5.3 steps 1-3
 * say (a CAS on PROD_HEAD / CONS_HEAD), copy, and die before the commit: a party that dies
 * between reserve and commit, the hard case of issue 4. No hook in src/ is needed for it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { attach, type SharedChanHandle } from '../../../src/index.js';
import {
  FLAG_CLOSED,
  FLAG_SEALED,
  HEADER_WORDS,
  IDX_CAPACITY,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_LANE,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_RX_EPOCH,
  IDX_RX_WAITING,
  IDX_SLOTS,
  LANE_F64,
  LANE_I32,
  POSITION_MASK,
  SZ_HEADER,
} from '../../../src/shared/layout.js';
import { encode } from '../workers/protocol.js';

export type Death = { how: 'exit'; code: number } | { how: 'throw' } | { how: 'hang' };

export type VictimPlan = { handle: SharedChanHandle; death: Death } & (
  | { kind: 'put-blocked'; value: number }
  | { kind: 'get-blocked' }
  /** Puts encode(id, 0..) with putSync / putManySync; says { at: 'progress' } after `reportAt`
   *  accepted values; dies after `dieAt` (never, if absent: then it runs to `count`). */
  | { kind: 'stream'; id: number; count: number; reportAt: number; dieAt?: number }
  /** Puts encode(id, 0..before-1), then reserves one more position and dies holding it. */
  | { kind: 'hold-put'; id: number; before: number }
  /** Reserves one value as a consumer and dies holding it (after posting the value). */
  | { kind: 'hold-take' }
  /** Not a victim: puts encode(id, 0..before-1), reserves one more position, sleeps
   *  `commitAfterMs` (a producer that lost its core), then commits by SPEC.md 5.2 step 5 and
   *  posts whether that succeeded or found the ring sealed. Then it ends normally. */
  | { kind: 'slow-put'; id: number; before: number; commitAfterMs: number }
);

const plan = workerData.data as VictimPlan;
const port = parentPort!;
const ch = attach(plan.handle);
const w = new Int32Array(plan.handle.buffer, 0, HEADER_WORDS);
if (w[IDX_LANE] !== LANE_F64 && w[IDX_LANE] !== LANE_I32) throw new Error('victim: only f64 and i32 channels');
const buffer = plan.handle.buffer;
const data = w[IDX_LANE] === LANE_F64 ? new Float64Array(buffer, SZ_HEADER, w[IDX_SLOTS]!) : new Int32Array(buffer, SZ_HEADER, w[IDX_SLOTS]!);
const napCell = new Int32Array(new SharedArrayBuffer(4));
const nap = (ms: number): void => void Atomics.wait(napCell, 0, 0, ms);
const d = (a: number, b: number): number => (b - a) & POSITION_MASK;

function die(): never {
  const death = plan.death;
  if (death.how === 'exit') process.exit(death.code);
  if (death.how === 'throw') throw new Error('victim: dying of an uncaught error, on purpose');
  for (;;) Atomics.wait(napCell, 0, 0); // until terminate()
}

/** SPEC.md 5.2 steps 1-4 for one value (waiting for space): the position, or -1 if closed. */
function reservePut(value: number): number {
  const cap = Math.max(w[IDX_CAPACITY]!, 1);
  for (;;) {
    const h = Atomics.load(w, IDX_PROD_HEAD);
    if ((h & FLAG_CLOSED) !== 0) return -1;
    if (d(Atomics.load(w, IDX_CONS_TAIL), h) >= cap) {
      nap(1);
      continue;
    }
    if (Atomics.compareExchange(w, IDX_PROD_HEAD, h, (h + 1) & POSITION_MASK) !== h) continue;
    data[h & (data.length - 1)] = value;
    return h;
  }
}

/** SPEC.md 5.3 steps 1-4 for one value (waiting for one): [position, value], or null if drained. */
function reserveTake(): [number, number] | null {
  for (;;) {
    const h = Atomics.load(w, IDX_CONS_HEAD);
    if (d(h, Atomics.load(w, IDX_PROD_TAIL)) === 0) {
      if (ch.closed) return null;
      nap(1);
      continue;
    }
    if (Atomics.compareExchange(w, IDX_CONS_HEAD, h, (h + 1) & POSITION_MASK) !== h) continue;
    return [h, data[h & (data.length - 1)]!];
  }
}

switch (plan.kind) {
  case 'put-blocked':
    port.postMessage({ at: 'putting' });
    port.postMessage({ at: 'returned', result: ch.putSync(plan.value) }); // blocks: the ring is full
    break;
  case 'get-blocked':
    port.postMessage({ at: 'getting' });
    port.postMessage({ at: 'returned', result: ch.getSync() });
    break;
  case 'stream': {
    const batch = new Float64Array(64);
    let sent = 0;
    let turn = 0;
    let reported = false;
    const limit = plan.dieAt ?? plan.count;
    while (sent < limit) {
      let n: number;
      if (turn++ % 3 === 0) {
        n = ch.putSync(encode(plan.id, sent)) ? 1 : 0;
      } else {
        const k = Math.min(1 + (turn % batch.length), limit - sent);
        for (let i = 0; i < k; i++) batch[i] = encode(plan.id, sent + i);
        n = ch.putManySync(batch.subarray(0, k));
      }
      sent += n;
      if (n === 0) break; // closed
      if (!reported && sent >= plan.reportAt) {
        reported = true;
        port.postMessage({ at: 'progress', sent });
      }
    }
    port.postMessage({ at: 'stopped', sent });
    if (plan.dieAt !== undefined) die();
    break;
  }
  case 'hold-put': {
    for (let seq = 0; seq < plan.before; seq++) {
      if (!ch.putSync(encode(plan.id, seq))) throw new Error('victim: the channel closed before the hold');
    }
    const pos = reservePut(encode(plan.id, plan.before));
    port.postMessage({ at: 'holding', pos });
    die();
    break;
  }
  case 'slow-put': {
    for (let seq = 0; seq < plan.before; seq++) {
      if (!ch.putSync(encode(plan.id, seq))) throw new Error('victim: the channel closed before the hold');
    }
    const pos = reservePut(encode(plan.id, plan.before));
    port.postMessage({ at: 'holding', pos });
    nap(plan.commitAfterMs);
    let ok: boolean;
    for (;;) {
      const seen = Atomics.compareExchange(w, IDX_PROD_TAIL, pos, (pos + 1) & POSITION_MASK);
      if (seen === pos) {
        ok = true;
        break;
      }
      if ((seen & FLAG_SEALED) !== 0) {
        ok = false;
        break;
      }
    }
    if (ok && Atomics.load(w, IDX_RX_WAITING) !== 0 && Atomics.exchange(w, IDX_RX_WAITING, 0) !== 0) {
      Atomics.add(w, IDX_RX_EPOCH, 1);
      Atomics.notify(w, IDX_RX_EPOCH);
    }
    port.postMessage({ at: 'committed', ok });
    break;
  }
  case 'hold-take': {
    const got = reserveTake();
    port.postMessage({ at: 'holding', pos: got?.[0], value: got?.[1] });
    die();
    break;
  }
}
