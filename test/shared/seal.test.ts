/**
 * The dead-worker repair step by step, in one thread (SPEC.md 8.5, ring.ts R5): a party that
 * reserved by the SPEC's own CAS and never committed, a supervisor (an EventEmitter standing
 * in for a Worker: supervise only needs its 'exit' event), and the race between a late commit
 * and the seal, each order forced. The real-worker versions are in supervise.test.ts.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sharedChan, supervise, type SharedChan } from '../../src/index.js';
import {
  FLAG_SEALED,
  HEADER_WORDS,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_STATE,
  POSITION_MASK,
  STATE_WORKER_EXITED,
  SZ_HEADER,
} from '../../src/shared/layout.js';
import { sleep } from '../helpers/async.js';

const wordsOf = (ch: SharedChan): Int32Array => new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);

/** SPEC.md 5.2 steps 1-4 for one f64 value: the reserved position (the ring has room). */
function reserve(ch: SharedChan, value: number): number {
  const w = wordsOf(ch);
  const h = Atomics.load(w, IDX_PROD_HEAD);
  expect(Atomics.compareExchange(w, IDX_PROD_HEAD, h, (h + 1) & POSITION_MASK)).toBe(h);
  new Float64Array(ch.handle.buffer, SZ_HEADER, 8)[h & 7] = value;
  return h;
}

/** SPEC.md 5.2 step 5 for that position, once it is its turn: true if committed, false if sealed. */
function commit(ch: SharedChan, at: number): boolean {
  const seen = Atomics.compareExchange(wordsOf(ch), IDX_PROD_TAIL, at, (at + 1) & POSITION_MASK);
  if (seen === at) return true;
  expect(seen & FLAG_SEALED, 'a commit whose turn had come can only fail on a seal').toBe(FLAG_SEALED);
  return false;
}

/** Waits (bounded) until PROD_TAIL is sealed. */
async function sealed(ch: SharedChan): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const tail = Atomics.load(wordsOf(ch), IDX_PROD_TAIL);
    if ((tail & FLAG_SEALED) !== 0) return tail & POSITION_MASK;
    await sleep(10);
  }
  throw new Error('the ring was not sealed within 2 s');
}

async function drain(ch: SharedChan): Promise<number[]> {
  const got: number[] = [];
  for await (const v of ch) got.push(v);
  return got;
}

describe('the seal, one step at a time', () => {
  it('a reservation never committed: the supervisor seals at it; gets drain what was published, then end; the late commit fails', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    expect(await ch.put(1)).toBe(true);
    expect(await ch.put(2)).toBe(true);
    const at = reserve(ch, 3);
    const worker = new EventEmitter();
    supervise(worker, ch);
    const gets = drain(ch); // parks after 1, 2: the channel is not drained until sealed
    worker.emit('exit', 5);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', 5]);
    expect(Atomics.load(wordsOf(ch), IDX_STATE) & STATE_WORKER_EXITED).toBe(STATE_WORKER_EXITED);
    expect(await sealed(ch)).toBe(at);
    expect(await gets).toEqual([1, 2]);
    expect(commit(ch, at), 'a commit after the seal must fail (its value is never delivered)').toBe(false);
    expect([await ch.get(), await ch.put(4), ch.length]).toEqual([undefined, false, 0]);
  });

  it('a late commit that comes before the grace period ends wins: no seal, its value is delivered', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    expect(await ch.put(1)).toBe(true);
    const at = reserve(ch, 2);
    const worker = new EventEmitter();
    supervise(worker, ch);
    worker.emit('exit', 0);
    expect(commit(ch, at)).toBe(true); // before the repair's first look at a stalled tail
    expect(await drain(ch)).toEqual([1, 2]);
    await sleep(120); // past the grace period: nothing left to seal
    expect(Atomics.load(wordsOf(ch), IDX_PROD_TAIL) & FLAG_SEALED).toBe(0);
  });

  it('the seal waits for a tail that still moves: a commit after one grace period but before a still one lands', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    const first = reserve(ch, 1);
    const second = reserve(ch, 2);
    const worker = new EventEmitter();
    supervise(worker, ch);
    worker.emit('exit', 1);
    await sleep(30);
    expect(commit(ch, first)).toBe(true); // the tail moved within the first grace period
    expect(await sealed(ch)).toBe(second); // then stood still at the second: sealed there
    expect(commit(ch, second)).toBe(false);
    expect(await drain(ch)).toEqual([1]);
  });

  it('exit codes keep their sign; a supervised channel closed by the exit of a worker already gone records no code', async () => {
    for (const code of [-5, 0, 300, 2 ** 30 - 1, -(2 ** 30)]) {
      const ch = sharedChan({ type: 'i32', capacity: 1 });
      const worker = new EventEmitter();
      supervise(worker, ch);
      worker.emit('exit', code);
      expect(ch.workerExitCode, `exit code ${code}`).toBe(code);
    }
    const gone = Object.assign(new EventEmitter(), { threadId: -1 });
    const ch = sharedChan({ type: 'i32', capacity: 1 });
    supervise(gone, ch);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', undefined]);
  });

  it('two supervisors of one channel: the first exit gives the reason and the code; the second changes nothing', () => {
    const ch = sharedChan({ type: 'f64', capacity: 2 });
    const [a, b] = [new EventEmitter(), new EventEmitter()];
    supervise(a, ch);
    supervise(b, ch);
    b.emit('exit', 2);
    a.emit('exit', 3);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', 2]);
    expect(a.listenerCount('exit') + b.listenerCount('exit')).toBe(0); // once: nothing left behind
  });
});
