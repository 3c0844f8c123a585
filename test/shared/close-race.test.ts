/**
 * Closing a shared channel while producers and consumers are blocked on it, in workers (sync
 * calls) and on the main thread (the Promise facade):
 *   - nothing is lost: every value whose put returned true (or that putMany counted) is
 *     received exactly once;
 *   - nothing is duplicated, and nothing is received that a put reported as not accepted;
 *   - every blocked call settles: puts resolve / return false, gets resolve `undefined`.
 * The rounds vary capacity (rendezvous included), who closes (the main thread, a consumer
 * worker, a producer worker) and the timing (seeded pauses so that either side blocks).
 * Run with SABCHAN_SEED=<n> to replay; the seed is in every failure message. SABCHAN_STATS=1
 * prints per round what each party sent / received and how long its last (closing) call took.
 */
import { describe, expect, it } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { rng, sleep, track } from '../helpers/async.js';
import { encode } from './workers/protocol.js';
import { Agent, useAgents, checkDelivery, consumeTask, within, type Stream } from './workers/pool.js';
import type { ConsumeResult, ProduceResult } from './workers/protocol.js';

const BASE_SEED = Number(process.env.SABCHAN_SEED ?? Date.now() % 1_000_000);
const ROUNDS = 60;
const TASK_DEADLINE_MS = 8_000;
const BOUND_MS = 12_000;
const MAIN_ID = 9;

const agents = useAgents(3, 'close-race agent');

type Closer = 'main' | 'consumer worker' | 'producer worker';

/** The main thread's producer: put / putMany in order until closed, `count` or the deadline. */
async function mainProduce(ch: SharedChan, count: number, rand: () => number, pauseChance: number): Promise<{ sent: number; ended: string }> {
  const deadline = performance.now() + TASK_DEADLINE_MS;
  let sent = 0;
  while (sent < count) {
    if (performance.now() > deadline) return { sent, ended: 'deadline' };
    if (rand() < pauseChance) await sleep(Math.floor(rand() * 4));
    const r = rand();
    if (r < 0.7) {
      if (!(await ch.put(encode(MAIN_ID, sent)))) return { sent, ended: 'closed' };
      sent++;
    } else {
      const k = Math.min(1 + Math.floor(rand() * 40), count - sent);
      const batch = Array.from({ length: k }, (_, i) => encode(MAIN_ID, sent + i));
      const n = await ch.putMany(batch);
      if (n < 0 || n > k) throw new Error(`putMany of ${k} resolved ${n}`);
      sent += n;
      if (n < k) return { sent, ended: 'closed' };
    }
  }
  return { sent, ended: 'done' };
}

/** The main thread's consumer: get / for-await / getMany until closed and drained. */
async function mainConsume(ch: SharedChan, rand: () => number, maxValues: number, pauseChance: number): Promise<Stream & { ended: string }> {
  const deadline = performance.now() + TASK_DEADLINE_MS;
  const out: number[] = [];
  const dst = new Float64Array(16);
  for (;;) {
    if (out.length >= maxValues) return { name: 'main consumer', values: out, ended: 'full' };
    if (performance.now() > deadline) return { name: 'main consumer', values: out, ended: 'deadline' };
    if (rand() < pauseChance) await sleep(Math.floor(rand() * 4));
    const r = rand();
    if (r < 0.6) {
      const v = await ch.get();
      if (v === undefined) break;
      out.push(v);
    } else if (r < 0.8) {
      const k = await ch.getMany(dst);
      if (k === 0) break;
      for (let i = 0; i < k; i++) out.push(dst[i]!);
    } else {
      // A short for-await run (leaving it early must not lose a value).
      let left = 1 + Math.floor(rand() * 20);
      let ended = true;
      for await (const v of ch) {
        out.push(v);
        if (--left === 0) {
          ended = false;
          break;
        }
      }
      if (ended) break;
    }
  }
  return { name: 'main consumer', values: out, ended: 'closed' };
}

async function round(r: number): Promise<void> {
  const seed = BASE_SEED * 1000 + r;
  const rand = rng(seed);
  const capacity = [0, 1, 2, 4, 16][Math.floor(rand() * 5)]!;
  const closer: Closer = (['main', 'consumer worker', 'producer worker'] as const)[r % 3]!;
  const context = `round ${r}, seed ${seed} (SABCHAN_SEED=${BASE_SEED}), capacity ${capacity}, closed by the ${closer}`;
  const ch = sharedChan({ type: 'f64', capacity });

  // agent 0 produces, agent 1 consumes, agent 2 either; the main thread may do both.
  const thirdProduces = rand() < 0.5;
  const mainProduces = rand() < 0.7;
  const mainConsumes = rand() < 0.7;
  // Pauses on one side make the other block (full ring: producers; empty ring: consumers);
  // in a third of the rounds nobody pauses (the close races with a full-speed flow).
  const slowSide = (['consumers', 'producers', 'none'] as const)[Math.floor(rand() * 3)]!;
  const pause = (side: 'consumers' | 'producers'): { pauseChance: number; pauseMaxMs: number } =>
    side === slowSide ? { pauseChance: 0.2 + rand() * 0.4, pauseMaxMs: 4 } : { pauseChance: 0, pauseMaxMs: 0 };
  const closeAt = 1 + Math.floor(rand() * (slowSide === 'none' ? 3000 : 300));
  const pauseBeforeCloseMs = Math.floor(rand() * 4);
  // Worker producers only stop on the close (their count is out of reach), so that the close
  // always comes while they are still at it.
  const producerCount = 100_000_000;

  const maxValues = 100_000_000;
  const producerTasks: Promise<ProduceResult>[] = [];
  const consumerTasks: Promise<ConsumeResult>[] = [];
  const producerIds: number[] = [];
  const produce = (agent: Agent, id: number, closeAfter?: number): void => {
    producerIds.push(id);
    producerTasks.push(
      agent.run({
        kind: 'produce',
        handle: ch.handle,
        id,
        count: producerCount,
        seed: seed * 7 + id,
        maxBatch: 1 + Math.floor(rand() * 24),
        singleShare: rand(),
        ...pause('producers'),
        ...(closeAfter === undefined ? {} : { closeAfter, pauseBeforeCloseMs }),
        deadlineMs: TASK_DEADLINE_MS,
      }),
    );
  };
  const consume = (agent: Agent, i: number, closeAfter?: number): void => {
    consumerTasks.push(
      agent.run(
        consumeTask({
          handle: ch.handle,
          seed: seed * 13 + i,
          maxValues,
          maxBatch: 1 + Math.floor(rand() * 24),
          singleShare: rand(),
          ...pause('consumers'),
          ...(closeAfter === undefined ? {} : { closeAfter, pauseBeforeCloseMs }),
          deadlineMs: TASK_DEADLINE_MS,
        }),
      ),
    );
  };
  consume(agents()[1]!, 1, closer === 'consumer worker' ? closeAt : undefined);
  if (!thirdProduces) consume(agents()[2]!, 2);
  produce(agents()[0]!, 1, closer === 'producer worker' ? closeAt : undefined);
  if (thirdProduces) produce(agents()[2]!, 2);

  const mainPause = (side: 'consumers' | 'producers'): number => (side === slowSide ? 0.3 : 0.02);
  const mainP = mainProduces
    ? mainProduce(ch, closer === 'main' ? 1_000_000 : 1 + Math.floor(rand() * 3000), rng(seed + 1), mainPause('producers'))
    : undefined;
  const mainC = mainConsumes ? mainConsume(ch, rng(seed + 2), maxValues, mainPause('consumers')) : undefined;
  let mainCloseTimer: ReturnType<typeof setTimeout> | undefined;
  if (closer === 'main') mainCloseTimer = setTimeout(() => ch.close(), Math.floor(rand() * 25));

  try {
    // Name the parties that are still running if the bound is reached.
    const parties = [
      ...producerTasks.map((p, i) => [`worker producer ${producerIds[i]}`, track(p)] as const),
      ...consumerTasks.map((c, i) => [`worker consumer ${i}`, track(c)] as const),
      ...(mainP === undefined ? [] : [['main producer', track(mainP)] as const]),
      ...(mainC === undefined ? [] : [['main consumer', track(mainC)] as const]),
    ];
    const all = Promise.all([Promise.all(producerTasks), Promise.all(consumerTasks), mainP, mainC]);
    const [producers, consumers, mp, mc] = await within(all, BOUND_MS, `every party of ${context} to finish`).catch((e: Error) => {
      const pending = parties.filter(([, t]) => t.state === 'pending').map(([name]) => name);
      throw new Error(`${e.message}; still running: ${pending.join(', ')}; channel closed: ${ch.closed}, length ${ch.length}`);
    });
    const problems: string[] = [];
    if (!ch.closed) problems.push('the channel is not closed');
    for (const [i, p] of producers.entries()) {
      // 'done' (every value sent before the close) is fine too; only a stuck producer is not.
      if (p.ended === 'deadline') problems.push(`producer ${producerIds[i]} hit its deadline: ${p.note}`);
    }
    for (const [i, c] of consumers.entries()) {
      if (c.ended !== 'closed') problems.push(`worker consumer ${i} ended '${c.ended}', not on closed-and-drained ${c.note}`);
    }
    if (mp !== undefined && mp.ended === 'deadline') problems.push('the main producer hit its deadline');
    if (mc !== undefined && mc.ended !== 'closed') problems.push(`the main consumer ended '${mc.ended}'`);

    const accepted = new Map<number, number>();
    producers.forEach((p, i) => accepted.set(producerIds[i]!, p.sent));
    if (mp !== undefined) accepted.set(MAIN_ID, mp.sent);
    const streams: Stream[] = consumers.map((c, i) => ({ name: `worker consumer ${i}`, values: c.values }));
    if (mc !== undefined) streams.push(mc);
    problems.push(...checkDelivery(accepted, streams));
    expect(problems, `${context}:\n${problems.join('\n')}`).toEqual([]);
    if (process.env.SABCHAN_STATS !== undefined) {
      const ms = (x: { finalCallMs?: number }): string => (x.finalCallMs ?? 0).toFixed(1);
      console.log(
        `${context}, slow ${slowSide}: producers ${producers.map((p) => `${p.sent}/${ms(p)}ms`).join(' ')} consumers ${consumers.map((c) => `${c.values.length}/${ms(c)}ms`).join(' ')}` +
          ` main ${mp === undefined ? '-' : mp.sent} ${mc === undefined ? '-' : mc.values.length}`,
      );
    }
    // After the close: gets resolve undefined, puts false, from any thread.
    expect(await ch.get(), context).toBeUndefined();
    expect(await ch.put(1), context).toBe(false);
  } finally {
    clearTimeout(mainCloseTimer);
    ch.close(); // a failed round must not leave workers blocked for the next one
  }
}

describe('close while producers and consumers are blocked (random timing, seeded)', () => {
  it(`${ROUNDS} rounds: nothing lost, nothing duplicated, every blocked call settles`, async () => {
    for (let r = 0; r < ROUNDS; r++) await round(r);
  }, 120_000);
});

describe('close settles every blocked call (deterministic)', () => {
  it('close on the main thread: a worker blocked in putSync on a full channel returns false, a parked main put resolves false, buffered values are still delivered', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 2 });
    expect(ch.offer(1) && ch.offer(2)).toBe(true);
    const blockedPut = agents()[0]!.run({ kind: 'putOne', handle: ch.handle, value: 3, timeout: TASK_DEADLINE_MS });
    const mainPut = track(ch.put(4));
    await sleep(30); // let the worker block (if it has not yet, its put still returns false below)
    expect(mainPut.state).toBe('pending');
    ch.close();
    expect(await within(blockedPut, BOUND_MS, 'the worker putSync blocked at close')).toEqual({ result: false });
    expect(await within(mainPut.promise, BOUND_MS, 'the main put parked at close')).toBe(false);
    expect([await ch.get(), await ch.get(), await ch.get()]).toEqual([1, 2, undefined]);
  });

  it('close from a worker: a worker blocked in getSync and parked main gets (get, getMany, for await) all end', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 4 });
    const blockedGet = agents()[1]!.run({ kind: 'getOne', handle: ch.handle, timeout: TASK_DEADLINE_MS });
    const g1 = ch.get();
    const g2 = ch.getMany(new Float64Array(4));
    const iterated = (async () => {
      const seen: number[] = [];
      for await (const v of ch) {
        seen.push(v);
        if (seen.length > 10) break; // nothing is ever put: any value is a failure below
      }
      return seen;
    })();
    await sleep(30);
    await within(agents()[0]!.run({ kind: 'close', handle: ch.handle }), BOUND_MS, 'close in a worker');
    const settled = await within(Promise.all([blockedGet, g1, g2, iterated]), BOUND_MS, 'the gets blocked at close');
    expect(settled).toEqual([{ result: undefined }, undefined, 0, []]);
  });

  it('close from a worker while main parked puts (put, putMany) wait on a full channel: they resolve false / the count that entered', async () => {
    const ch = sharedChan({ type: 'u8', capacity: 3 });
    const p1 = ch.put(1);
    const p2 = ch.putMany([2, 3, 4, 5, 6]); // 2, 3 enter; 4.. wait
    const p3 = ch.put(7);
    await sleep(30);
    await within(agents()[2]!.run({ kind: 'close', handle: ch.handle }), BOUND_MS, 'close in a worker');
    const [a, b, c] = await within(Promise.all([p1, p2, p3]), BOUND_MS, 'the puts parked at close');
    expect([a, b, c]).toEqual([true, 2, false]);
    const rest: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) rest.push(await ch.get());
    expect(rest).toEqual([1, 2, 3, undefined]);
  });

  it('rendezvous: a worker putSync blocked at close (its value waiting for a taker, no get ever) settles, and its value is delivered exactly when it returned true', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    const workerPut = track(agents()[0]!.run({ kind: 'putOne', handle: ch.handle, value: 42, timeout: TASK_DEADLINE_MS }));
    for (let i = 0; i < 500 && ch.length === 0; i++) await sleep(2); // its value is in the ring
    await sleep(10);
    expect(workerPut.state, 'a rendezvous putSync completed without a taker').toBe('pending');
    ch.close();
    // No get runs before it settles: the close alone must settle it.
    const w = await within(workerPut.promise, 3_000, 'a rendezvous putSync blocked at close, with no get after the close, to return');
    expect(w.errorName, `putSync threw: ${w.errorMessage}`).toBeUndefined();
    const after = [await ch.get(), await ch.get()];
    expect(after, `putSync returned ${String(w.result)}; gets after the close`).toEqual(w.result === true ? [42, undefined] : [undefined, undefined]);
  });

  it('rendezvous: a main-thread put parked at close (its value waiting for a taker, no get ever) settles, and its value is delivered exactly when it resolved true', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    const mainPut = track(ch.put(43));
    for (let i = 0; i < 500 && ch.length === 0; i++) await sleep(2);
    expect(mainPut.state, 'a rendezvous put completed without a taker').toBe('pending');
    ch.close();
    const ok = await within(mainPut.promise, 3_000, 'a rendezvous put parked at close, with no get after the close, to resolve');
    const got = await within(agents()[1]!.run({ kind: 'getOne', handle: ch.handle, timeout: TASK_DEADLINE_MS }), BOUND_MS, 'a get after the close');
    expect(got.result, `put resolved ${String(ok)}; a worker get after the close`).toBe(ok ? 43 : undefined);
    expect(await ch.get()).toBeUndefined();
  });

  it('rendezvous: of two puts blocked at close (one in the ring, one queued behind it), the queued one resolves false', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    const first = track(ch.put(1));
    for (let i = 0; i < 500 && ch.length === 0; i++) await sleep(2);
    const queued = agents()[2]!.run({ kind: 'putOne', handle: ch.handle, value: 2, timeout: TASK_DEADLINE_MS });
    await sleep(20);
    ch.close();
    expect(await within(queued, BOUND_MS, 'the queued rendezvous putSync')).toEqual({ result: false });
    // Drain, so that the first put can settle whatever the close did to it.
    const got = await ch.get();
    const ok = await within(first.promise, BOUND_MS, 'the rendezvous put in the ring at close, after a drain');
    expect(got, `first put resolved ${String(ok)}`).toBe(ok ? 1 : undefined);
    expect(await ch.get()).toBeUndefined();
  });

  it('rendezvous: a put blocked at close whose value a consumer then drains reports true, and the value arrives once', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    const mainPut = track(ch.put(7));
    for (let i = 0; i < 500 && ch.length === 0; i++) await sleep(2);
    ch.close();
    const got = await within(agents()[1]!.run({ kind: 'getOne', handle: ch.handle, timeout: TASK_DEADLINE_MS }), BOUND_MS, 'a get after the close');
    const ok = await within(mainPut.promise, BOUND_MS, 'the rendezvous put blocked at close');
    // Either the value was withdrawn at the close (false, and the get saw undefined) or it was
    // delivered (true, and the get took it); never one without the other.
    expect({ put: ok, got: got.result }).toEqual(ok ? { put: true, got: 7 } : { put: false, got: undefined });
    expect(await ch.get()).toBeUndefined();
  });
});
