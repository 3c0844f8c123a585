/**
 * Dead workers (issue 4): `supervise(worker, ...channels)` closes the channels with the reason
 * 'worker-exited' when the worker exits, whatever killed it, and then
 *   - every blocked put and get, in every thread, settles (gets drain, then `undefined`);
 *   - every value whose put returned true (or that putMany counted) is received exactly once,
 *     in per-producer order, and nothing else is received;
 *   - a position the dead worker reserved but never committed stalls nobody (ring.ts R5, R6).
 * The workers that die are real (./supervise/victim.ts): terminate(), process.exit, an
 * uncaught error, and a death between reserve and commit. Every wait is bounded (`within`),
 * so a hang fails with a message; nothing asserts a duration.
 */
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { chan, sharedChan, supervise, type SharedChan } from '../../src/index.js';
import { FLAG_SEALED, HEADER_WORDS, IDX_PROD_TAIL, POSITION_MASK } from '../../src/shared/layout.js';
import { sleep, track } from '../helpers/async.js';
import { startTsWorker } from '../helpers/ts-worker.js';
import { Peer } from './peer.js';
import type { Death, VictimPlan } from './supervise/victim.js';
import { checkDelivery, consumeTask, useAgents, within, type Agent, type Stream } from './workers/pool.js';
import { decode, encode, type ConsumeResult, type ProduceResult } from './workers/protocol.js';

const BASE_SEED = Number(process.env.SABCHAN_SEED ?? Date.now() % 1_000_000);
const DEADLINE_MS = 10_000;
const BOUND_MS = 15_000;

const agents = useAgents(4, 'supervise agent');

interface Victim {
  worker: Worker;
  /** The worker's exit code (bounded: a victim that never exits fails the test). */
  exited(): Promise<number>;
  /** The first message the victim posted with `at === label` (posted already, or later). */
  message(label: string): Promise<{ at: string; [k: string]: unknown }>;
}

/** Victims of the running test, terminated after it whatever happened (a failed test's may hang). */
const victims: Worker[] = [];
afterEach(async () => {
  await Promise.all(victims.splice(0).map((w) => w.terminate()));
});

function startVictim(plan: VictimPlan): Victim {
  const worker = startTsWorker(new URL('./supervise/victim.ts', import.meta.url), plan);
  victims.push(worker);
  const seen: { at: string }[] = [];
  const waiting: { label: string; resolve: (m: { at: string }) => void }[] = [];
  worker.on('message', (m: { at: string }) => {
    seen.push(m);
    for (const w of waiting.filter((x) => x.label === m.at)) w.resolve(m);
  });
  worker.on('error', () => undefined); // an uncaught error is one of the deaths under test
  const exit = new Promise<number>((resolve) => worker.once('exit', resolve));
  const message = (label: string): Promise<{ at: string }> => {
    const m = seen.find((x) => x.at === label);
    if (m !== undefined) return Promise.resolve(m);
    return within(new Promise((resolve) => waiting.push({ label, resolve })), BOUND_MS, `the victim's '${label}' message`);
  };
  return { worker, exited: () => within(exit, BOUND_MS, 'the victim to exit'), message: message as Victim['message'] };
}

const wordsOf = (ch: SharedChan): Int32Array => new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);

function produce(agent: Agent, ch: SharedChan, id: number, seed: number): Promise<ProduceResult> {
  return agent.run({ kind: 'produce', handle: ch.handle, id, count: 100_000_000, seed, maxBatch: 24, singleShare: 0.5, deadlineMs: DEADLINE_MS });
}

function consume(agent: Agent, ch: SharedChan, seed: number, maxValues = 4_000_000): Promise<ConsumeResult> {
  return agent.run(consumeTask({ handle: ch.handle, seed, maxValues, maxBatch: 24, deadlineMs: DEADLINE_MS }));
}

/** Problems with how the parties ended: a producer or consumer that hit its deadline is stuck. */
function endings(producers: ProduceResult[], consumers: ConsumeResult[]): string[] {
  return [
    ...producers.filter((p) => p.ended === 'deadline').map((p) => `a producer was stuck: ${p.note}`),
    ...consumers.filter((c) => c.ended !== 'closed').map((c) => `a consumer ended '${c.ended}', not on closed-and-drained: ${c.note}`),
  ];
}

describe('closeReason and bad input (no worker dies)', () => {
  it('closeReason is undefined while open and "closed" after close(); workerExitCode stays undefined', () => {
    const ch = sharedChan({ type: 'i32', capacity: 1 });
    expect([ch.closeReason, ch.workerExitCode]).toEqual([undefined, undefined]);
    ch.close();
    ch.close();
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['closed', undefined]);
  });

  it('supervise wants a worker, then at least one shared channel: TypeErrors name what to pass', () => {
    const ch = sharedChan({ type: 'f64', capacity: 1 });
    for (const notAWorker of [undefined, null, 42, {}, ch, { once() {} }]) {
      expect(() => supervise(notAWorker as never, ch)).toThrow(TypeError);
      expect(() => supervise(notAWorker as never, ch)).toThrow(/supervise: expected a Worker from node:worker_threads/);
    }
    const emitter = new EventEmitter(); // anything with the 'exit' event of a Worker will do
    expect(() => (supervise as (w: unknown) => unknown)(emitter)).toThrow(/pass the shared channels to close/);
    expect(() => supervise(emitter, ch, chan(1) as never)).toThrow(/argument 3 must be a shared channel/);
    expect(() => supervise(emitter, ch.handle as never)).toThrow(/argument 2 must be a shared channel/);
    const foreign = { handle: { sabchan: 'shared-channel', buffer: new SharedArrayBuffer(2048) }, close() {} } as const;
    expect(() => supervise(emitter, foreign)).toThrow(/argument 2 must be a shared channel/);
    expect(emitter.listenerCount('exit'), 'a refused call must not listen').toBe(0);
    expect(ch.closed).toBe(false);
  });
});

describe('a supervised worker that dies while others are blocked on its channels', () => {
  it('terminate() of a worker blocked in putSync: a put parked in main resolves false, a getSync blocked in another worker returns undefined, buffered values still arrive; every thread reads the reason', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 2 });
    const other = sharedChan({ type: 'f64', capacity: 4 });
    expect(ch.offer(1) && ch.offer(2)).toBe(true);
    const victim = startVictim({ kind: 'put-blocked', value: 3, handle: ch.handle, death: { how: 'hang' } });
    supervise(victim.worker, ch, other);
    const peer = new Peer();
    try {
      const peerGet = peer.call('getSync', other, { timeout: DEADLINE_MS });
      const mainPut = track(ch.put(4));
      await victim.message('putting');
      await sleep(30); // let it block (if it has not yet, its put fails the same way)
      expect(mainPut.state).toBe('pending');
      expect(ch.closeReason).toBeUndefined();
      await victim.worker.terminate();
      expect(await victim.exited()).toBe(1);
      expect(await within(mainPut.promise, BOUND_MS, 'the main put parked at the death')).toBe(false);
      expect(await within(peerGet, BOUND_MS, 'the getSync blocked in another worker')).toBeUndefined();
      expect([await ch.get(), await ch.get(), await ch.get()]).toEqual([1, 2, undefined]);
      expect([ch.closeReason, ch.workerExitCode, other.closeReason]).toEqual(['worker-exited', 1, 'worker-exited']);
      for (const c of [ch, other]) {
        expect(await peer.call('status', c)).toEqual({ closed: true, closeReason: 'worker-exited', workerExitCode: 1 });
      }
    } finally {
      await peer.terminate();
    }
  }, 30_000);

  it.each([
    { death: { how: 'exit', code: 7 } as Death, code: 7, sent: 5000 },
    { death: { how: 'throw' } as Death, code: 1, sent: 3000 },
  ])('a producer that ends by $death.how: its consumer gets exactly what it sent, then the end; exit code $code', async ({ death, code, sent }) => {
    const ch = sharedChan({ type: 'f64', capacity: 64 });
    const consumer = consume(agents()[0]!, ch, BASE_SEED);
    const victim = startVictim({ kind: 'stream', id: 5, count: 1e9, reportAt: 1, dieAt: sent, death, handle: ch.handle });
    supervise(victim.worker, ch);
    expect(await victim.exited()).toBe(code);
    const c = await within(consumer, BOUND_MS, 'the consumer after the producer died');
    expect(endings([], [c])).toEqual([]);
    expect(checkDelivery(new Map([[5, sent]]), [{ name: 'consumer', values: c.values }])).toEqual([]);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', code]);
  }, 30_000);

  it('terminate() in the middle of a 10^6-value stream: the other producer and both consumers finish with exact counts, in order', async () => {
    const seed = BASE_SEED;
    const ch = sharedChan({ type: 'f64', capacity: 256 });
    const [a0, a1, a2] = agents();
    const consumers = [consume(a0!, ch, seed + 1), consume(a1!, ch, seed + 2)];
    const live = a2!.run({ kind: 'produce', handle: ch.handle, id: 2, count: 1_000_000, seed, maxBatch: 32, singleShare: 0.3, deadlineMs: DEADLINE_MS });
    const victim = startVictim({ kind: 'stream', id: 1, count: 1_000_000, reportAt: 100_000, death: { how: 'hang' }, handle: ch.handle });
    supervise(victim.worker, ch);
    await victim.message('progress');
    await victim.worker.terminate();
    expect(await victim.exited(), 'the victim ended on its own, not by terminate()').toBe(1);
    const [p, ...cs] = await within(Promise.all([live, ...consumers]), BOUND_MS, `(seed ${seed}) the live parties after the death`);
    expect(endings([p], cs)).toEqual([]);
    const streams: Stream[] = cs.map((c, i) => ({ name: `consumer ${i}`, values: c.values }));
    // The dead producer's accepted count died with it; what arrived of it must be exactly
    // seq 0..m-1, each once, in order (its values enter in order; a sealed-off tail is lost
    // with it, never delivered half).
    let m = 0;
    for (const s of streams) for (let i = 0; i < s.values.length; i++) if (decode(s.values[i]!).id === 1) m++;
    expect(m, 'the victim reported 10^5 accepted values before it was killed').toBeGreaterThanOrEqual(100_000);
    expect(checkDelivery(new Map([[1, m], [2, p!.sent]]), streams), `seed ${seed}`).toEqual([]);
    expect(ch.closeReason).toBe('worker-exited');
  }, 60_000);
});

describe('a worker that dies between reserve and commit (ring.ts R5, R6)', () => {
  it.each([
    { death: { how: 'exit', code: 3 } as Death, code: 3, capacity: 16 },
    { death: { how: 'throw' } as Death, code: 1, capacity: 1 },
    { death: { how: 'hang' } as Death, code: 1, capacity: 16 },
    { death: { how: 'exit', code: 6 } as Death, code: 6, capacity: 0 },
  ])('a producer holding a reserved slot ($death.how, capacity $capacity): the ring is sealed at its slot; live producers and consumers settle, exactly once', async ({ death, code, capacity }) => {
    const seed = BASE_SEED + code;
    const ch = sharedChan({ type: 'f64', capacity });
    const [a0, a1, a2, a3] = agents();
    const consumers = [consume(a0!, ch, seed), consume(a1!, ch, seed + 1)];
    const producers = [produce(a2!, ch, 10, seed), produce(a3!, ch, 11, seed + 1)];
    const victim = startVictim({ kind: 'hold-put', id: 1, before: 200, death, handle: ch.handle });
    supervise(victim.worker, ch);
    const held = await victim.message('holding');
    expect(held.pos, 'the victim could not reserve: closed early').toBeGreaterThanOrEqual(0);
    if (death.how === 'hang') {
      await sleep(20); // others pile up behind the hole meanwhile
      expect(ch.closed).toBe(false);
      await victim.worker.terminate();
    }
    expect(await victim.exited()).toBe(code);
    const [[p0, p1], cs] = await within(Promise.all([Promise.all(producers), Promise.all(consumers)]), BOUND_MS, `(seed ${seed}) every party after the death`);
    expect(endings([p0!, p1!], cs)).toEqual([]);
    const streams: Stream[] = cs.map((c, i) => ({ name: `consumer ${i}`, values: c.values }));
    // The held value (seq 200) was written into its slot but never committed: not delivered.
    const accepted = new Map([[1, 200], [10, p0!.sent], [11, p1!.sent]]);
    expect(checkDelivery(accepted, streams), `seed ${seed}`).toEqual([]);
    const tail = Atomics.load(wordsOf(ch), IDX_PROD_TAIL);
    expect([(tail & FLAG_SEALED) !== 0, tail & POSITION_MASK]).toEqual([true, held.pos]);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', code]);
    expect(await ch.put(1)).toBe(false);
    expect(await ch.get()).toBeUndefined();
  }, 30_000);

  it('a consumer that dies holding a reserved value: consumers stuck behind its commit finish, producers settle; the value counts as taken by it', async () => {
    const seed = BASE_SEED + 7;
    const ch = sharedChan({ type: 'f64', capacity: 16 });
    const [a0, a1, a2, a3] = agents();
    const producers = [produce(a2!, ch, 10, seed), produce(a3!, ch, 11, seed + 1)];
    const victim = startVictim({ kind: 'hold-take', death: { how: 'exit', code: 4 }, handle: ch.handle });
    supervise(victim.worker, ch);
    const consumers = [consume(a0!, ch, seed), consume(a1!, ch, seed + 1)];
    const held = await victim.message('holding');
    expect(await victim.exited()).toBe(4);
    const [[p0, p1], cs] = await within(Promise.all([Promise.all(producers), Promise.all(consumers)]), BOUND_MS, `(seed ${seed}) every party after the death`);
    expect(endings([p0!, p1!], cs)).toEqual([]);
    const streams: Stream[] = cs.map((c, i) => ({ name: `consumer ${i}`, values: c.values }));
    streams.push({ name: 'the dead consumer', values: [held.value as number] });
    expect(checkDelivery(new Map([[10, p0!.sent], [11, p1!.sent]]), streams), `seed ${seed}`).toEqual([]);
    expect(ch.closeReason).toBe('worker-exited');
  }, 30_000);

  it('rendezvous: a put whose value a dying consumer reserved resolves true (it was taken), and nothing else arrives', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    const put = track(ch.put(42));
    const victim = startVictim({ kind: 'hold-take', death: { how: 'exit', code: 0 }, handle: ch.handle });
    supervise(victim.worker, ch);
    expect((await victim.message('holding')).value).toBe(42);
    expect(await victim.exited()).toBe(0);
    expect(await within(put.promise, BOUND_MS, 'the rendezvous put')).toBe(true);
    expect(await ch.get()).toBeUndefined();
    expect(ch.closeReason).toBe('worker-exited');
  }, 30_000);
});

describe('a producer that is only slow, not dead, when the ring is sealed', () => {
  // Another supervised worker dies while this producer sits between reserve and commit. The
  // repair seals the tail if it stays still for its grace period (50 ms); the producer commits
  // after `commitAfterMs`. Around 50 ms either may come first: whichever does, its put must
  // succeed exactly when its value arrives (SPEC.md 8.5).
  it.each([0, 30, 55, 80, 150])('commit after %i ms: the put succeeds exactly when its value is delivered', async (commitAfterMs) => {
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    const parked = sharedChan({ type: 'f64', capacity: 1 });
    const slow = startVictim({ kind: 'slow-put', id: 3, before: 3, commitAfterMs, handle: ch.handle, death: { how: 'hang' } });
    const dying = startVictim({ kind: 'get-blocked', handle: parked.handle, death: { how: 'hang' } });
    supervise(dying.worker, ch);
    const held = await slow.message('holding');
    await dying.worker.terminate();
    const committed = await slow.message('committed');
    const got: number[] = [];
    for await (const v of ch) got.push(decode(v).seq);
    const tail = Atomics.load(wordsOf(ch), IDX_PROD_TAIL);
    expect({ ok: committed.ok, got }).toEqual({ ok: committed.ok, got: committed.ok ? [0, 1, 2, 3] : [0, 1, 2] });
    expect((tail & FLAG_SEALED) !== 0, 'sealed exactly when the commit failed').toBe(!committed.ok);
    if (!committed.ok) expect(tail & POSITION_MASK).toBe(held.pos);
    expect(ch.closeReason).toBe('worker-exited');
  }, 30_000);
});

describe('supervision itself', () => {
  it('on a channel already closed: the exit changes nothing (the reason stays "closed")', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    ch.close();
    const victim = startVictim({ kind: 'stream', id: 1, count: 10, reportAt: 1, dieAt: 10, death: { how: 'exit', code: 9 }, handle: ch.handle });
    supervise(victim.worker, ch);
    expect(await victim.exited()).toBe(9);
    await sleep(10);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['closed', undefined]);
    expect(await ch.get()).toBeUndefined();
  }, 30_000);

  it('stop() and [Symbol.dispose]() end the supervision: after the exit those channels stay open and usable; others still close', async () => {
    const a = sharedChan({ type: 'f64', capacity: 4 });
    const b = sharedChan({ type: 'f64', capacity: 4 });
    const c = sharedChan({ type: 'f64', capacity: 64 });
    const victim = startVictim({ kind: 'stream', id: 1, count: 10, reportAt: 1, dieAt: 10, death: { how: 'exit', code: 0 }, handle: c.handle });
    const stopA = supervise(victim.worker, a);
    const stopB = supervise(victim.worker, b);
    supervise(victim.worker, c);
    stopA();
    stopA(); // idempotent
    stopB[Symbol.dispose]!();
    expect(await victim.exited()).toBe(0);
    await sleep(10);
    expect([a.closed, b.closed, c.closeReason, c.workerExitCode]).toEqual([false, false, 'worker-exited', 0]);
    expect(await a.put(1)).toBe(true);
    expect(await a.get()).toBe(1);
    const got: number[] = [];
    for await (const v of c) got.push(decode(v).seq);
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]); // a clean exit: everything it sent arrives
  }, 30_000);

  it('a worker that has already exited: the channels close at once (exit code unknown)', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const victim = startVictim({ kind: 'stream', id: 1, count: 1, reportAt: 1, dieAt: 1, death: { how: 'exit', code: 2 }, handle: ch.handle });
    expect(await victim.exited()).toBe(2);
    supervise(victim.worker, ch);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', undefined]);
    expect([await ch.get(), await ch.get()]).toEqual([encode(1, 0), undefined]);
  }, 30_000);
});
