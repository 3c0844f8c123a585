/**
 * Many values, several threads, one channel: every value arrives exactly once (nothing lost,
 * nothing duplicated) and each producer's values arrive in order in every consumer's stream.
 *
 * Producers (worker agents) send `id * 2^32 + seq` with a seeded mix of putSync and
 * putManySync batches (typed and plain arrays, sizes 1..maxBatch: the ring's per-element and
 * bulk-copy paths); consumers use a seeded mix of getSync and getManySync and post back what
 * they got, in order. The main thread closes the channel once both producers are done, so the
 * consumers end on "closed and drained". Every task gives up at a deadline and reports, so a
 * hang fails with a message instead of a test timeout. Seeds are printed on failure; replay
 * with SABCHAN_SEED=<n>. SABCHAN_STATS=1 prints how many values each consumer received.
 */
import { describe, expect, it } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { decode } from './workers/protocol.js';
import { allAccepted, checkDelivery, consumeTask, expectNoProblems, total, useAgents, within, type Stream } from './workers/pool.js';

const BASE_SEED = Number(process.env.SABCHAN_SEED ?? Date.now() % 1_000_000);
const DEADLINE_MS = 10_000;
const BOUND_MS = 13_000;

const agents = useAgents(4, 'stress agent');

interface Run {
  capacity: number;
  /** Values per producer. */
  perProducer: number;
  maxBatch: number;
  /** Consumer agents (the rest of the 4 agents: 2 producers first). */
  workerConsumers: number;
  /** The main thread consumes too, through the Promise facade. */
  mainConsumer?: 'for-await' | 'get' | 'mixed';
  /** `setPrefetch` of each worker consumer, by index (absent or 0: off). */
  consumerPrefetch?: number[];
  /** `setPrefetch` of the main thread's consumer. */
  mainPrefetch?: number;
  seed: number;
}

async function mainConsume(ch: SharedChan, mode: 'for-await' | 'get' | 'mixed', maxValues: number, seed: number): Promise<Stream> {
  const out = new Float64Array(maxValues);
  let n = 0;
  const deadline = performance.now() + DEADLINE_MS;
  if (mode === 'for-await') {
    for await (const v of ch) {
      out[n++] = v;
      if (n >= maxValues || ((n & 1023) === 0 && performance.now() > deadline)) break;
    }
  } else {
    const dst = new Float64Array(48);
    let turn = seed;
    while (n < maxValues && performance.now() < deadline) {
      // 'mixed': every 8th receive is a getMany (bulk), the rest single gets.
      if (mode === 'mixed' && (turn++ & 7) === 0) {
        const k = await ch.getMany(dst.subarray(0, Math.min(dst.length, maxValues - n)));
        if (k === 0) break;
        out.set(dst.subarray(0, k), n);
        n += k;
      } else {
        const v = await ch.get();
        if (v === undefined) break;
        out[n++] = v;
      }
    }
  }
  return { name: `main (${mode})`, values: out.subarray(0, n) };
}

async function stress(run: Run): Promise<void> {
  const { capacity, perProducer, seed } = run;
  const ch = sharedChan({ type: 'f64', capacity });
  if (run.mainPrefetch !== undefined) ch.setPrefetch(run.mainPrefetch);
  const totalValues = 2 * perProducer;
  const prefetching = run.consumerPrefetch === undefined && run.mainPrefetch === undefined ? '' : `, prefetch workers [${run.consumerPrefetch ?? []}] main ${run.mainPrefetch ?? 0}`;
  const context = `seed ${seed} (SABCHAN_SEED=${BASE_SEED}), capacity ${capacity}, ${totalValues} values${prefetching}`;
  const [p0, p1, ...rest] = agents();
  const consumers = rest.slice(0, run.workerConsumers);

  // Room for one more than was sent, so that a consumer that got everything still sees the
  // close. When the main thread consumes too, the worker consumers nap now and then (1 ms)
  // so that the main thread gets a share even of a rendezvous stream.
  const consumed = consumers.map((a, i) =>
    a.run(
      consumeTask({
        handle: ch.handle,
        seed: seed + 10 + i,
        maxValues: totalValues + 1,
        maxBatch: run.maxBatch,
        deadlineMs: DEADLINE_MS,
        ...(run.consumerPrefetch?.[i] ? { prefetch: run.consumerPrefetch[i] } : {}),
        ...(run.mainConsumer === undefined ? {} : { pauseChance: capacity === 0 ? 0.01 : 0.0005, pauseMaxMs: 2 }),
      }),
    ),
  );
  const mainStream = run.mainConsumer === undefined ? undefined : mainConsume(ch, run.mainConsumer, totalValues + 1, seed);
  const produced = [p0!, p1!].map((a, i) =>
    a.run({
      kind: 'produce',
      handle: ch.handle,
      id: i + 1,
      count: perProducer,
      seed: seed + i,
      maxBatch: run.maxBatch,
      singleShare: 0.5,
      deadlineMs: DEADLINE_MS,
    }),
  );
  let producers;
  try {
    producers = await within(Promise.all(produced), BOUND_MS, `producers (${context})`);
  } finally {
    ch.close(); // lets the consumers finish (drained) even when something failed
  }
  const results = await within(Promise.all(consumed), BOUND_MS, `worker consumers (${context})`);
  const streams: Stream[] = results.map((r, i) => ({ name: `consumer ${i}`, values: r.values }));
  if (mainStream !== undefined) streams.push(await within(mainStream, BOUND_MS, `main consumer (${context})`));

  const problems: string[] = [];
  for (const [i, p] of producers.entries()) {
    if (p.ended !== 'done' || p.sent !== perProducer) problems.push(`producer ${i + 1} ended '${p.ended}' after ${p.sent} of ${perProducer} values ${p.note}`);
  }
  for (const [i, r] of results.entries()) {
    if (r.ended !== 'closed') problems.push(`consumer ${i} ended '${r.ended}', not on closed-and-drained ${r.note}`);
  }
  problems.push(...checkDelivery(allAccepted(perProducer), streams));
  if (process.env.SABCHAN_STATS !== undefined) {
    console.log(`${context}: received per consumer ${streams.map((s) => `${s.name} ${s.values.length}`).join(', ')}`);
  }
  expectNoProblems(problems, context);
  expect(total(streams), context).toBe(totalValues);
  // The same check as a sum per producer (independent of the multiset bookkeeping).
  const sums = new Map<number, number>();
  for (const s of streams) for (let i = 0; i < s.values.length; i++) {
    const { id, seq } = decode(s.values[i]!);
    sums.set(id, (sums.get(id) ?? 0) + seq);
  }
  const expected = (perProducer * (perProducer - 1)) / 2;
  expect([sums.get(1), sums.get(2)], `per-producer sum of seq — ${context}`).toEqual([expected, expected]);
}

describe('shared channel stress: 2 producers, 2 consumers, one channel', () => {
  it('f64, capacity 64: 10^6 values, exactly once and in order per producer', async () => {
    await stress({ capacity: 64, perProducer: 500_000, maxBatch: 64, workerConsumers: 2, seed: BASE_SEED });
  }, 60_000);

  it('f64, capacity 5 (8 slots, heavy contention): 200k values', async () => {
    await stress({ capacity: 5, perProducer: 100_000, maxBatch: 12, workerConsumers: 2, seed: BASE_SEED + 100 });
  }, 60_000);

  it('the main thread is one of the consumers (for await over the channel): 10^6 values', async () => {
    await stress({ capacity: 64, perProducer: 500_000, maxBatch: 64, workerConsumers: 1, mainConsumer: 'for-await', seed: BASE_SEED + 200 });
  }, 60_000);

  it('the main thread is one of the consumers (await ch.get() and ch.getMany())', async () => {
    await stress({ capacity: 16, perProducer: 100_000, maxBatch: 40, workerConsumers: 1, mainConsumer: 'mixed', seed: BASE_SEED + 300 });
  }, 60_000);

  // Prefetch (shared-port.ts H7): a prefetching consumer takes runs of values into its own
  // thread and must still deliver each exactly once, in order per producer, also those it
  // holds when the channel closes (it ends on closed-and-drained only once they are out).
  it('one worker consumer prefetches (setPrefetch(32)), the other does not: 10^6 values', async () => {
    await stress({ capacity: 64, perProducer: 500_000, maxBatch: 64, workerConsumers: 2, consumerPrefetch: [32], seed: BASE_SEED + 600 });
  }, 60_000);

  it('both worker consumers prefetch more than the capacity holds (heavy contention): 200k values', async () => {
    await stress({ capacity: 5, perProducer: 100_000, maxBatch: 12, workerConsumers: 2, consumerPrefetch: [64, 3], seed: BASE_SEED + 700 });
  }, 60_000);

  it('the main thread prefetches (setPrefetch(16), await get() and getMany()) beside a prefetching worker', async () => {
    await stress({ capacity: 16, perProducer: 100_000, maxBatch: 40, workerConsumers: 1, mainConsumer: 'mixed', consumerPrefetch: [8], mainPrefetch: 16, seed: BASE_SEED + 800 });
  }, 60_000);

  it('rendezvous (capacity 0): 20k values, exactly once and in order per producer', async () => {
    await stress({ capacity: 0, perProducer: 10_000, maxBatch: 8, workerConsumers: 2, seed: BASE_SEED + 400 });
  }, 60_000);

  it('rendezvous (capacity 0) with the main thread consuming through the Promise facade', async () => {
    await stress({ capacity: 0, perProducer: 5_000, maxBatch: 8, workerConsumers: 1, mainConsumer: 'get', seed: BASE_SEED + 500 });
  }, 60_000);
});

describe('consumers in different threads take turns (deterministic)', () => {
  it('a thread never takes past what was put, after other threads took values it did not see', async () => {
    // The main thread attached (and looked) first; then a worker puts and another worker
    // takes, several times; between rounds the main thread takes too. Every take must get
    // exactly the next value put, and an empty channel must read as empty everywhere.
    const ch = sharedChan({ type: 'f64', capacity: 8 });
    expect(ch.poll()).toBeUndefined();
    let next = 1;
    const expected: number[] = [];
    const got: (number | undefined)[] = [];
    for (let round = 0; round < 6; round++) {
      const n = 1 + (round % 3);
      const items = Array.from({ length: n }, () => next++);
      expected.push(...items);
      const sent = await within(agents()[0]!.run({ kind: 'sendList', handle: ch.handle, items: [items], deadlineMs: 5_000 }), BOUND_MS, 'worker put');
      expect(sent.sent).toBe(n);
      if (round % 2 === 0) {
        const r = await within(agents()[2]!.run({ kind: 'receiveCount', handle: ch.handle, count: n, batches: [1], deadlineMs: 5_000 }), BOUND_MS, 'worker get');
        got.push(...Array.from(r.values));
      } else {
        for (let i = 0; i < n; i++) got.push(ch.poll());
      }
      expect(ch.length, `round ${round}: the channel should be empty`).toBe(0);
      expect(ch.poll(), `round ${round}: the main thread took a value from an empty channel`).toBeUndefined();
      const other = await within(agents()[3]!.run({ kind: 'getOne', handle: ch.handle, timeout: 0 }), BOUND_MS, 'worker poll');
      expect(other, `round ${round}: a worker took a value from an empty channel`).toEqual(
        expect.objectContaining({ result: undefined, errorName: 'TimeoutError' }),
      );
    }
    expect(got).toEqual(expected);
  }, 30_000);
});
