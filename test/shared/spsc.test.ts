/**
 * Single-producer single-consumer channels (`sharedChan({ type, capacity, spsc: true })`,
 * src/shared/spsc-ring.ts S1-S4) across real worker threads:
 *   a. exactly once and in order: 10^6 values from a producer worker (putSync one at a time, or
 *      putManySync batches) to a consumer in the main thread (getSync, getManySync, for await,
 *      await get / getMany) or in another worker; count, sum and strict order are checked;
 *   b. ownership (S1): once a worker is the producer (consumer), every put (get) form from
 *      another thread throws or rejects SpscOwnerError, transfers nothing, and the owners go on;
 *   c. close races (S3): a close from a non-owner thread settles a producer blocked in putSync /
 *      putManySync on a full ring and a consumer blocked in getSync on an empty one; seeded
 *      random rounds check that every value whose put returned true arrives exactly once;
 *   d. the 31-bit position wrap (test-only `_startPosition`): singles and batches (32+ values:
 *      the TypedArray.set paths) that straddle it, both directions across threads;
 *   e. supervise: a producer worker that dies mid-stream closes the channel 'worker-exited',
 *      and its consumer gets every committed value, then the end;
 *   f. the dropping policy across threads: a full ring drops new values, puts report true;
 *   g. bad options: RangeError / TypeError before anything is allocated (corrupt spsc headers
 *      at attach: ./bad-input.test.ts);
 *   h. the close's instant is the seal (S3): `closed` and `closeReason` read it, so a close
 *      stopped between its flag and its seal leaves the channel open, and the next close seals.
 * Why: the SPSC ring drops the reservation step of the multi-party ring, so its safety rests
 * on ownership and on the seal at close; in-thread contract tests cannot see either race.
 * Every wait is bounded (`within`, sync timeouts, task deadlines): a hang fails with a message.
 * Nothing asserts a duration. Seeds are in failure messages; replay with SABCHAN_SEED=<n>.
 * SABCHAN_STATS=1 prints, per seeded close round, how many values were sent and received.
 */
import type { Worker } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  attach,
  select,
  selectSync,
  sharedChan,
  SpscOwnerError,
  supervise,
  type NumericChanOptions,
  type SharedChan,
} from '../../src/index.js';
import {
  FLAG_CLOSED,
  FLAG_SEALED,
  HEADER_WORDS,
  IDX_LAP,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_SPSC_CONSUMER,
  IDX_SPSC_PRODUCER,
  POSITION_MASK,
} from '../../src/shared/layout.js';
import { rng, sleep, track } from '../helpers/async.js';
import { startTsWorker } from '../helpers/ts-worker.js';
import { Peer } from './peer.js';
import type { VictimPlan } from './supervise/victim.js';
import { checkDelivery, consumeTask, receiveAlternating, useAgents, within } from './workers/pool.js';
import { decode, encode, type ConsumeResult, type ProduceResult } from './workers/protocol.js';

const BASE_SEED = Number(process.env.SABCHAN_SEED ?? Date.now() % 1_000_000);
const DEADLINE_MS = 10_000;
const BOUND_MS = 14_000;
const TEST_MS = 40_000;
const WRAP = 2 ** 31;
const MILLION = 1_000_000;

const agents = useAgents(3, 'spsc agent');
/** Another thread for single operations (a second producer or consumer, or a drain). */
const peer = new Peer();
afterAll(async () => {
  await peer.terminate();
});

function spsc(capacity: number, more: Partial<NumericChanOptions> & { _startPosition?: number } = {}): SharedChan {
  return sharedChan({ type: 'f64', capacity, spsc: true, ...more } as NumericChanOptions);
}

const wordsOf = (ch: SharedChan): Int32Array => new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);

/** Runs `f` (sync, or returning a promise) and checks that it threw or rejected SpscOwnerError. */
async function ownerError(what: string, f: () => unknown): Promise<void> {
  let error: unknown;
  try {
    const r = f();
    if (r instanceof Promise) await within(r, BOUND_MS, what);
  } catch (e) {
    error = e;
  }
  expect(error, `${what}: expected an SpscOwnerError`).toBeInstanceOf(SpscOwnerError);
  expect((error as Error).name, what).toBe('SpscOwnerError');
  expect((error as Error).message, what).toMatch(/single-producer single-consumer/);
}

/** The same, for an operation run in another thread (the error arrives as name + message). */
async function remoteOwnerError(what: string, p: Promise<unknown>): Promise<void> {
  const error = await within(
    p.then(
      (v) => new Error(`resolved ${JSON.stringify(v)}`),
      (e: Error) => e,
    ),
    BOUND_MS,
    what,
  );
  expect({ name: error.name, message: error.message }, what).toEqual({ name: 'SpscOwnerError', message: expect.stringMatching(/single-producer single-consumer/) });
}

/**
 * Problems with one producer's stream as received: `values` must be exactly encode(id, 0..n-1)
 * in that order (which implies the count, no loss, no duplicate); the sum of seq is checked too.
 */
function strictStream(values: ArrayLike<number>, id: number, n: number): string[] {
  const problems: string[] = [];
  if (values.length !== n) problems.push(`received ${values.length} values, expected ${n}`);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    sum += decode(v).seq;
    if (v !== encode(id, i) && problems.length < 10) problems.push(`value #${i} is ${JSON.stringify(decode(v))}, expected seq ${i} of producer ${id}`);
  }
  if (sum !== (n * (n - 1)) / 2) problems.push(`sum of seq ${sum}, expected ${(n * (n - 1)) / 2}`);
  return problems;
}

// ---- a. exactly once, in order ------------------------------------------------------------

describe('a. one producer worker, one consumer: 10^6 values exactly once and in order', () => {
  /** A producer worker sends encode(1, 0..n-1) (singles only, or batches only), then closes. */
  function produce(ch: SharedChan, n: number, how: 'putSync' | 'putManySync', seed: number): Promise<ProduceResult> {
    return agents()[0]!.run({
      kind: 'produce',
      handle: ch.handle,
      id: 1,
      count: n,
      seed,
      maxBatch: 100, // 1..100, typed and plain arrays: the bulk-copy path and the per-element one
      singleShare: how === 'putSync' ? 1 : 0,
      closeAfter: n,
      deadlineMs: DEADLINE_MS,
    });
  }

  async function run(
    how: 'putSync' | 'putManySync',
    capacity: number,
    consume: (ch: SharedChan, n: number) => Promise<ArrayLike<number>> | ArrayLike<number>,
    n = MILLION,
  ): Promise<void> {
    const seed = BASE_SEED;
    const ch = spsc(capacity);
    const context = `seed ${seed}, capacity ${capacity}, ${how}`;
    const producing = produce(ch, n, how, seed);
    let values: ArrayLike<number>;
    try {
      values = await within(Promise.resolve().then(() => consume(ch, n)), BOUND_MS, `consumer (${context})`);
    } finally {
      ch.close(); // a failed consumer must not leave the producer blocked
    }
    const p = await within(producing, BOUND_MS, `producer (${context})`);
    expect({ sent: p.sent, ended: p.ended, closedIt: p.closedIt }, `${context}: ${p.note}`).toEqual({ sent: n, ended: 'done', closedIt: true });
    const problems = strictStream(values, 1, n);
    expect(problems, `${context}:\n${problems.join('\n')}`).toEqual([]);
  }

  /** getSync in the main thread (which blocks it: the producer is in another thread). */
  function byGetSync(ch: SharedChan, n: number): Float64Array {
    const out = new Float64Array(n + 1);
    const deadline = performance.now() + DEADLINE_MS;
    let k = 0;
    for (;;) {
      const v = ch.getSync({ timeout: Math.max(0, deadline - performance.now()) });
      if (v === undefined || k > n) break;
      out[k++] = v;
    }
    return out.subarray(0, k);
  }

  /** getManySync into destinations of 1..97 values (k >= 32: TypedArray.set out of the ring). */
  function byGetManySync(ch: SharedChan, n: number): Float64Array {
    const out = new Float64Array(n + 97);
    const deadline = performance.now() + DEADLINE_MS;
    let k = 0;
    for (let turn = 0; k <= n; turn++) {
      const size = 1 + ((turn * 37) % 97);
      const got = ch.getManySync(out.subarray(k, k + size), { timeout: Math.max(0, deadline - performance.now()) });
      if (got === 0) break;
      k += got;
    }
    return out.subarray(0, k);
  }

  async function byForAwait(ch: SharedChan, n: number): Promise<Float64Array> {
    const out = new Float64Array(n + 1);
    let k = 0;
    for await (const v of ch) {
      out[k++] = v;
      if (k > n) break; // more than was sent: fails below
    }
    return out.subarray(0, k);
  }

  /** await get(), and every 5th receive an await getMany() (of up to 20 into a side buffer, or 64 in place). */
  async function byGetAndGetMany(ch: SharedChan, n: number): Promise<Float64Array> {
    const out = new Float64Array(n + 64);
    const side = new Float64Array(20);
    let k = 0;
    for (let turn = 0; k <= n; turn++) {
      if (turn % 5 === 0) {
        const dst = turn % 10 === 0 ? side : out.subarray(k, k + 64);
        const got = await ch.getMany(dst);
        if (got === 0) break;
        if (dst === side) out.set(side.subarray(0, got), k);
        k += got;
      } else {
        const v = await ch.get();
        if (v === undefined) break;
        out[k++] = v;
      }
    }
    return out.subarray(0, k);
  }

  it('putSync one at a time -> main getSync (capacity 1024)', async () => {
    await run('putSync', 1024, byGetSync);
  }, TEST_MS);

  it('putManySync batches -> main getManySync (capacity 256)', async () => {
    await run('putManySync', 256, byGetManySync);
  }, TEST_MS);

  it('putSync one at a time -> main for await (capacity 64)', async () => {
    await run('putSync', 64, byForAwait);
  }, TEST_MS);

  it('putManySync batches -> main await get() / getMany() (capacity 100: not a power of two)', async () => {
    await run('putManySync', 100, byGetAndGetMany);
  }, TEST_MS);

  it('worker to worker: putSync and putManySync mixed -> getSync and getManySync mixed (capacity 7)', async () => {
    const seed = BASE_SEED + 1;
    const ch = spsc(7);
    const context = `seed ${seed}, capacity 7, worker to worker`;
    const consuming = agents()[1]!.run(consumeTask({ handle: ch.handle, seed: seed + 1, maxValues: MILLION + 1, maxBatch: 40, deadlineMs: DEADLINE_MS }));
    const producing = agents()[0]!.run({
      kind: 'produce',
      handle: ch.handle,
      id: 2,
      count: MILLION,
      seed,
      maxBatch: 40,
      singleShare: 0.5,
      closeAfter: MILLION,
      deadlineMs: DEADLINE_MS,
    });
    let p: ProduceResult;
    let c: ConsumeResult;
    try {
      [p, c] = await within(Promise.all([producing, consuming]), BOUND_MS, context);
    } finally {
      ch.close();
    }
    expect([p.sent, p.ended], `${context}: ${p.note}`).toEqual([MILLION, 'done']);
    expect(c.ended, `${context}: ${c.note}`).toBe('closed');
    const problems = strictStream(c.values, 2, MILLION);
    expect(problems, `${context}:\n${problems.join('\n')}`).toEqual([]);
  }, TEST_MS);
});

// ---- b. ownership ---------------------------------------------------------------------------

describe('b. ownership (S1): only the first thread to put puts, only the first to get gets', () => {
  it('once a worker is the producer, every put form of the main thread and of another worker throws / rejects SpscOwnerError; nothing enters; the owners keep working', async () => {
    const ch = spsc(8);
    const w = wordsOf(ch);
    const [producer, consumer] = [agents()[0]!, agents()[1]!];
    const first = [encode(1, 0), encode(1, 1), encode(1, 2)];
    expect(await within(producer.run({ kind: 'sendList', handle: ch.handle, items: first, deadlineMs: DEADLINE_MS }), BOUND_MS, 'first puts')).toMatchObject({
      sent: 3,
      ended: 'done',
    });
    expect(Atomics.load(w, IDX_SPSC_PRODUCER), 'the worker claimed the producer side').not.toBe(0);
    expect(Atomics.load(w, IDX_SPSC_CONSUMER), 'nobody got yet').toBe(0);

    const x = encode(9, 0);
    const attempts: [string, () => unknown][] = [
      ['put', () => ch.put(x)],
      ['putSync', () => ch.putSync(x)],
      ['putSync with a timeout', () => ch.putSync(x, { timeout: 50 })],
      ['offer', () => ch.offer(x)],
      ['putMany', () => ch.putMany([x, x])],
      ['putMany (typed, 40 values)', () => ch.putMany(new Float64Array(40).fill(x))],
      ['putManySync', () => ch.putManySync([x])],
      ['putManySync (typed, 40 values)', () => ch.putManySync(new Float64Array(40).fill(x), { timeout: 50 })],
      ['select put arm', () => select([[ch, x]])],
      ['select put arm beside a channel that never gets ready', () => select([[ch, x], sharedChan({ type: 'f64', capacity: 1 })])],
      ['selectSync put arm', () => selectSync([[ch, x]], { timeout: 50 })],
    ];
    for (const [what, f] of attempts) {
      await ownerError(`main thread ${what}`, f);
      expect(ch.length, `after main thread ${what}`).toBe(3);
    }
    // Another worker (not the producer) fares no better.
    for (const op of ['putSync', 'put', 'offer'] as const) {
      await remoteOwnerError(`worker ${op}`, peer.call(op, ch, { value: x, timeout: 50 }));
    }
    await remoteOwnerError('worker putManySync', peer.call('putManySync', ch, { values: [x, x, x], timeout: 50 }));
    expect(ch.length).toBe(3);
    expect(ch.closed).toBe(false);

    // The producer keeps going; the consumer gets exactly the producer's values.
    const more = Array.from({ length: 20 }, (_, i) => encode(1, 3 + i));
    const received = consumer.run({ kind: 'receiveCount', handle: ch.handle, count: 23, batches: [1, 5, 2], deadlineMs: DEADLINE_MS });
    expect(await within(producer.run({ kind: 'sendList', handle: ch.handle, items: [more.slice(0, 10), ...more.slice(10)], deadlineMs: DEADLINE_MS }), BOUND_MS, 'more puts')).toMatchObject({
      sent: 20,
      ended: 'done',
    });
    const r = await within(received, BOUND_MS, 'the consumer');
    expect(strictStream(r.values, 1, 23)).toEqual([]);
    expect(ch.length).toBe(0);
  }, TEST_MS);

  it('once a worker is the consumer, every get form of the main thread and of another worker throws / rejects SpscOwnerError; nothing is taken; the owners keep working', async () => {
    const ch = spsc(8);
    const w = wordsOf(ch);
    const [producer, consumer] = [agents()[0]!, agents()[1]!];
    // The consumer claims its side first (it blocks on the empty ring until the first put).
    const firstGet = consumer.run({ kind: 'receiveCount', handle: ch.handle, count: 1, batches: [1], deadlineMs: DEADLINE_MS });
    for (let i = 0; i < 2000 && Atomics.load(w, IDX_SPSC_CONSUMER) === 0; i++) await sleep(2);
    expect(Atomics.load(w, IDX_SPSC_CONSUMER), 'the worker claimed the consumer side').not.toBe(0);
    const values = Array.from({ length: 6 }, (_, i) => encode(1, i));
    expect(await within(producer.run({ kind: 'sendList', handle: ch.handle, items: [values], deadlineMs: DEADLINE_MS }), BOUND_MS, 'puts')).toMatchObject({ sent: 6 });
    expect(Array.from((await within(firstGet, BOUND_MS, 'first get')).values)).toEqual([values[0]]);
    expect(ch.length).toBe(5);

    const attempts: [string, () => unknown][] = [
      ['get', () => ch.get()],
      ['getSync', () => ch.getSync()],
      ['getSync with a timeout', () => ch.getSync({ timeout: 50 })],
      ['poll', () => ch.poll()],
      ['getMany', () => ch.getMany(new Float64Array(4))],
      ['getMany (40 values)', () => ch.getMany(new Float64Array(40))],
      ['getManySync', () => ch.getManySync(new Float64Array(40), { timeout: 50 })],
      [
        'for await',
        async () => {
          for await (const v of ch) throw new Error(`for await received ${v}`);
        },
      ],
      ['select get arm', () => select([ch])],
      ['select get arm beside a channel that never gets ready', () => select([ch, sharedChan({ type: 'f64', capacity: 1 })])],
      ['selectSync get arm', () => selectSync([ch], { timeout: 50 })],
    ];
    for (const [what, f] of attempts) {
      await ownerError(`main thread ${what}`, f);
      expect(ch.length, `after main thread ${what}`).toBe(5);
    }
    for (const op of ['getSync', 'get', 'poll', 'select'] as const) {
      await remoteOwnerError(`worker ${op}`, peer.call(op, ch, { timeout: 50, others: [] }));
    }
    await remoteOwnerError('worker getManySync', peer.call('getManySync', ch, { max: 4, timeout: 50 }));
    expect(ch.length).toBe(5);

    // The owners go on: the consumer gets the rest, in order, and more that the producer sends.
    const rest = consumer.run({ kind: 'receiveCount', handle: ch.handle, count: 5 + 40, batches: [2, 33, 1], deadlineMs: DEADLINE_MS });
    const more = Array.from({ length: 40 }, (_, i) => encode(1, 6 + i));
    expect(await within(producer.run({ kind: 'sendList', handle: ch.handle, items: [...more.slice(0, 5), more.slice(5)], deadlineMs: DEADLINE_MS }), BOUND_MS, 'more puts')).toMatchObject({
      sent: 40,
    });
    const r = await within(rest, BOUND_MS, 'the consumer');
    expect(strictStream([values[0]!, ...r.values], 1, 46)).toEqual([]);
  }, TEST_MS);

  it('one thread may be both producer and consumer (main); then a worker can do neither, but may close', async () => {
    const ch = spsc(4);
    expect(ch.offer(1) && (await ch.put(2))).toBe(true);
    expect(ch.poll()).toBe(1);
    await remoteOwnerError('worker putSync', peer.call('putSync', ch, { value: 3, timeout: 50 }));
    await remoteOwnerError('worker getSync', peer.call('getSync', ch, { timeout: 50 }));
    expect(ch.length).toBe(1);
    await within(peer.call('close', ch), BOUND_MS, 'close in a worker');
    expect(ch.closed).toBe(true);
    const after = within(Promise.all([ch.get(), ch.get(), ch.put(4)]), BOUND_MS, 'get, get, put after the close');
    expect([...(await after), ch.offer(5)]).toEqual([2, undefined, false, false]);
    // Still not an owner after the close.
    await remoteOwnerError('worker putSync after the close', peer.call('putSync', ch, { value: 3 }));
    await remoteOwnerError('worker getSync after the close', peer.call('getSync', ch));
  }, TEST_MS);
});

// ---- c. close races -------------------------------------------------------------------------

describe('c. close while the producer or the consumer is blocked (S3)', () => {
  it('a producer worker blocked in putSync on a full ring: a close from the main thread (not an owner) returns it false; the consumer gets the values in the ring, then undefined', async () => {
    const ch = spsc(4);
    const producer = agents()[0]!;
    expect(await within(producer.run({ kind: 'sendList', handle: ch.handle, items: [[1, 2, 3, 4]], deadlineMs: DEADLINE_MS }), BOUND_MS, 'fill')).toMatchObject({ sent: 4 });
    const blocked = track(producer.run({ kind: 'putOne', handle: ch.handle, value: 5, timeout: DEADLINE_MS }));
    await sleep(30); // let it block (if it has not yet, its put returns false all the same)
    expect(blocked.state).toBe('pending');
    ch.close();
    expect(await within(blocked.promise, BOUND_MS, 'the putSync blocked at the close')).toEqual({ result: false });
    expect(await within(peer.call('drain', ch), BOUND_MS, 'the consumer drains')).toEqual([1, 2, 3, 4]);
    expect(await within(producer.run({ kind: 'putOne', handle: ch.handle, value: 6, timeout: 0 }), BOUND_MS, 'a put after the close')).toEqual({ result: false });
    expect(await within(peer.call('getSync', ch, { timeout: 100 }), BOUND_MS, 'a get after the drain')).toBeUndefined();
  }, TEST_MS);

  it('a producer worker blocked in putManySync part-way: a close from a third worker returns the count that entered; exactly those arrive', async () => {
    const ch = spsc(4);
    const [producer, consumer, closer] = agents();
    const batch = Array.from({ length: 10 }, (_, i) => encode(1, i));
    const blocked = track(producer!.run({ kind: 'sendList', handle: ch.handle, items: [batch], deadlineMs: DEADLINE_MS }));
    for (let i = 0; i < 2000 && ch.length < 4; i++) await sleep(2);
    await sleep(20);
    expect(blocked.state).toBe('pending');
    await within(closer!.run({ kind: 'close', handle: ch.handle }), BOUND_MS, 'close in a third worker');
    const p = await within(blocked.promise, BOUND_MS, 'the putManySync blocked at the close');
    expect({ sent: p.sent, ended: p.ended }).toEqual({ sent: 4, ended: 'closed' });
    const r = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 10, batches: [3], deadlineMs: DEADLINE_MS }), BOUND_MS, 'the consumer');
    expect(r.ended).toBe('closed');
    expect(strictStream(r.values, 1, 4)).toEqual([]);
  }, TEST_MS);

  it('a consumer worker blocked in getSync on an empty ring: a close from a third worker returns it undefined; a later put reports false', async () => {
    const ch = spsc(4);
    const [producer, consumer, closer] = agents();
    expect(await within(producer!.run({ kind: 'sendList', handle: ch.handle, items: [7, 8], deadlineMs: DEADLINE_MS }), BOUND_MS, 'puts')).toMatchObject({ sent: 2 });
    const r = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 2, batches: [1], deadlineMs: DEADLINE_MS }), BOUND_MS, 'gets');
    expect(Array.from(r.values)).toEqual([7, 8]);
    const blocked = track(consumer!.run({ kind: 'getOne', handle: ch.handle, timeout: DEADLINE_MS }));
    await sleep(30);
    expect(blocked.state).toBe('pending');
    await within(closer!.run({ kind: 'close', handle: ch.handle }), BOUND_MS, 'close in a third worker');
    expect(await within(blocked.promise, BOUND_MS, 'the getSync blocked at the close')).toEqual({ result: undefined });
    expect(await within(producer!.run({ kind: 'putOne', handle: ch.handle, value: 9, timeout: 0 }), BOUND_MS, 'a put after the close')).toEqual({ result: false });
    expect(await within(consumer!.run({ kind: 'getOne', handle: ch.handle, timeout: 100 }), BOUND_MS, 'a get after the close')).toEqual({ result: undefined });
    expect(ch.length).toBe(0);
  }, TEST_MS);

  it('a main-thread consumer parked in get() and getMany(), the producer in a worker: a close from a third worker settles both', async () => {
    const ch = spsc(2);
    const [producer, , closer] = agents();
    expect(await within(producer!.run({ kind: 'sendList', handle: ch.handle, items: [1], deadlineMs: DEADLINE_MS }), BOUND_MS, 'put')).toMatchObject({ sent: 1 });
    expect(await ch.get()).toBe(1);
    const g1 = track(ch.get());
    const g2 = track(ch.getMany(new Float64Array(3)));
    await sleep(20);
    expect([g1.state, g2.state]).toEqual(['pending', 'pending']);
    await within(closer!.run({ kind: 'close', handle: ch.handle }), BOUND_MS, 'close in a third worker');
    expect(await within(Promise.all([g1.promise, g2.promise]), BOUND_MS, 'the parked gets')).toEqual([undefined, 0]);
  }, TEST_MS);

  type Closer = 'main' | 'third worker' | 'producer' | 'consumer';
  const ROUNDS = 48;

  it(`${ROUNDS} seeded rounds: the close lands anywhere in a full-speed or stalled stream; every value whose put returned true arrives once, in order; every call settles`, async () => {
    const [producer, consumer, third] = agents();
    for (let r = 0; r < ROUNDS; r++) {
      const seed = BASE_SEED * 1000 + r;
      const rand = rng(seed);
      const capacity = [1, 2, 4, 16, 64][Math.floor(rand() * 5)]!;
      const closer: Closer = (['main', 'third worker', 'producer', 'consumer'] as const)[r % 4]!;
      const slow = (['consumer', 'producer', 'none'] as const)[Math.floor(rand() * 3)]!;
      const context = `round ${r}, seed ${seed} (SABCHAN_SEED=${BASE_SEED}), capacity ${capacity}, closed by the ${closer}, slow ${slow}`;
      const ch = spsc(capacity);
      const pause = (side: 'consumer' | 'producer'): { pauseChance: number; pauseMaxMs: number } =>
        side === slow ? { pauseChance: 0.2 + rand() * 0.4, pauseMaxMs: 3 } : { pauseChance: 0, pauseMaxMs: 0 };
      const closeAt = { closeAfter: 1 + Math.floor(rand() * (slow === 'none' ? 3000 : 200)), pauseBeforeCloseMs: Math.floor(rand() * 3) };
      const consuming = consumer!.run(
        consumeTask({
          handle: ch.handle,
          seed: seed + 1,
          maxValues: 100_000_000,
          maxBatch: 1 + Math.floor(rand() * 40),
          singleShare: rand(),
          ...pause('consumer'),
          ...(closer === 'consumer' ? closeAt : {}),
          deadlineMs: DEADLINE_MS,
        }),
      );
      const producing = producer!.run({
        kind: 'produce',
        handle: ch.handle,
        id: 1,
        count: 100_000_000, // only the close stops it
        seed: seed + 2,
        maxBatch: 1 + Math.floor(rand() * 40),
        singleShare: rand(),
        ...pause('producer'),
        ...(closer === 'producer' ? closeAt : {}),
        deadlineMs: DEADLINE_MS,
      });
      const delay = Math.floor(rand() * 20);
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (closer === 'main') timer = setTimeout(() => ch.close(), delay);
      const closing = closer === 'third worker' ? sleep(delay).then(() => third!.run({ kind: 'close', handle: ch.handle })) : undefined;
      try {
        const [p, c] = await within(Promise.all([producing, consuming, closing]), BOUND_MS, `both parties (${context})`);
        const problems: string[] = [];
        if (!ch.closed) problems.push('the channel is not closed');
        if (p.ended === 'deadline') problems.push(`the producer hit its deadline: ${p.note}`);
        if (c.ended !== 'closed') problems.push(`the consumer ended '${c.ended}', not on closed-and-drained: ${c.note}`);
        problems.push(...checkDelivery(new Map([[1, p.sent]]), [{ name: 'consumer', values: c.values }]));
        expect(problems, `${context}:\n${problems.join('\n')}`).toEqual([]);
        const tail = Atomics.load(wordsOf(ch), IDX_PROD_TAIL);
        expect((tail & FLAG_SEALED) !== 0, `${context}: PROD_TAIL sealed by the close`).toBe(true);
        if (process.env.SABCHAN_STATS !== undefined) console.log(`${context}: sent ${p.sent} (${p.ended}), received ${c.values.length}`);
      } finally {
        clearTimeout(timer);
        ch.close();
      }
    }
  }, 90_000);
});

// ---- d. the 31-bit wrap ---------------------------------------------------------------------

describe('d. across the 31-bit position wrap (_startPosition), across threads', () => {
  /** A bijective u32 sequence: any reorder, loss or duplicate shows. */
  const val = (i: number): number => (Math.imul(i, 2654435761) + 12345) >>> 0;
  const vals = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => val(from + i));
  const slotsOf = (capacity: number): number => 2 ** Math.ceil(Math.log2(capacity));
  const wrapped = (ch: SharedChan, where: string): void => {
    // Precondition: the positions crossed 2^31 (PROD_TAIL is small now, not just below 2^31).
    expect(Atomics.load(wordsOf(ch), IDX_PROD_TAIL) & POSITION_MASK, `${where}: the traffic did not cross the wrap`).toBeLessThan(2 ** 30);
  };

  for (const capacity of [1, 3, 64]) {
    it(`capacity ${capacity}: a producer worker (putSync singles + putManySync runs) -> main get / getMany, every start offset near the wrap`, async () => {
      for (const d of [1, 2, 3, capacity, slotsOf(capacity) + 1]) {
        const ch = spsc(capacity, { type: 'u32', _startPosition: WRAP - d });
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        const total = Math.max(40, 4 * capacity + 5);
        const items: (number | number[])[] = [];
        for (let i = 0, turn = 0; i < total; turn++) {
          const run = Math.min(turn % 3 === 0 ? 1 : 2 + (turn % (2 * capacity + 1)), total - i);
          items.push(run === 1 ? val(i) : vals(i, run));
          i += run;
        }
        const sending = agents()[0]!.run({ kind: 'sendList', handle: ch.handle, items, deadlineMs: DEADLINE_MS });
        // getMany of 32+: TypedArray.set out of the ring.
        const got = await receiveAlternating(ch, total, new Float64Array(Math.max(40, capacity)), BOUND_MS, where);
        expect(await within(sending, BOUND_MS, `producer (${where})`), where).toMatchObject({ sent: total, ended: 'done' });
        expect(got, where).toEqual(vals(0, total));
        wrapped(ch, where);
      }
    }, TEST_MS);
  }

  it('capacity 64: typed batches of 33..70 straddling the wrap (TypedArray.set into the ring) from a worker -> main getManySync of 32+', async () => {
    for (const d of [1, 5, 31, 33, 63]) {
      const ch = spsc(64, { _startPosition: WRAP - d });
      const where = `capacity 64, start 2^31 - ${d}`;
      const sizes = [40, 33, 70, 64, 45, 1, 38];
      const total = sizes.reduce((a, b) => a + b, 0);
      // One putManySync per batch, in order (the peer runs them one after another); the first,
      // into an empty ring, straddles the wrap in one TypedArray.set pair.
      const sent: Promise<unknown>[] = [];
      for (let i = 0, b = 0; b < sizes.length; i += sizes[b]!, b++) sent.push(peer.call('putManySync', ch, { values: vals(i, sizes[b]!), timeout: DEADLINE_MS }));
      const out = new Float64Array(total);
      let k = 0;
      const deadline = performance.now() + DEADLINE_MS;
      for (let turn = 0; k < total; turn++) {
        const size = Math.min([40, 64, 33][turn % 3]!, total - k);
        const n = ch.getManySync(out.subarray(k, k + size), { timeout: Math.max(0, deadline - performance.now()) });
        if (n === 0) break;
        k += n;
      }
      expect(await within(Promise.all(sent), BOUND_MS, `producer (${where})`)).toEqual(sizes);
      expect(Array.from(out.subarray(0, k)), where).toEqual(vals(0, total));
      wrapped(ch, where);
    }
  }, TEST_MS);

  it('capacity 64: the main thread puts typed batches and singles straddling the wrap -> a worker consumer (getSync + getManySync of 32+)', async () => {
    for (const d of [1, 7, 40, 65]) {
      const ch = spsc(64, { _startPosition: WRAP - d });
      const where = `capacity 64, start 2^31 - ${d}`;
      const total = 300;
      const receiving = agents()[1]!.run({ kind: 'receiveCount', handle: ch.handle, count: total, batches: [1, 33, 2, 64, 40], deadlineMs: DEADLINE_MS });
      for (let i = 0, turn = 0; i < total; turn++) {
        const run = Math.min(turn % 2 === 0 ? 1 : [48, 33, 64, 2][turn % 4]!, total - i);
        if (run === 1) expect(await within(ch.put(val(i)), BOUND_MS, `put (${where})`), where).toBe(true);
        else if (turn % 3 === 0) expect(ch.putManySync(Float64Array.from(vals(i, run)), { timeout: DEADLINE_MS }), where).toBe(run);
        else expect(await within(ch.putMany(Float64Array.from(vals(i, run))), BOUND_MS, `putMany (${where})`), where).toBe(run);
        i += run;
      }
      const got = await within(receiving, BOUND_MS, `worker consumer (${where})`);
      expect(got.ended, `${where}: ${got.note}`).toBe('done');
      expect(Array.from(got.values), where).toEqual(vals(0, total));
      wrapped(ch, where);
    }
  }, TEST_MS);

  it('close at the wrap from the main thread: the worker consumer gets what was put, then undefined', async () => {
    for (const d of [1, 2, 3]) {
      const ch = spsc(3, { _startPosition: WRAP - d });
      const where = `capacity 3, start 2^31 - ${d}`;
      expect(await within(agents()[0]!.run({ kind: 'sendList', handle: ch.handle, items: [[11, 12, 13]], deadlineMs: DEADLINE_MS }), BOUND_MS, where)).toMatchObject({ sent: 3 });
      ch.close();
      expect(await within(agents()[0]!.run({ kind: 'putOne', handle: ch.handle, value: 14, timeout: 0 }), BOUND_MS, where)).toEqual({ result: false });
      const r = await within(agents()[1]!.run({ kind: 'receiveCount', handle: ch.handle, count: 4, batches: [2, 1], deadlineMs: DEADLINE_MS }), BOUND_MS, where);
      expect({ values: Array.from(r.values), ended: r.ended }, where).toEqual({ values: [11, 12, 13], ended: 'closed' });
      wrapped(ch, where);
    }
  }, TEST_MS);
});

// ---- e. supervise ---------------------------------------------------------------------------

describe('e. supervise: the producer worker dies mid-stream', () => {
  const victims: Worker[] = [];
  afterEach(async () => {
    await Promise.all(victims.splice(0).map((w) => w.terminate()));
  });

  /** Starts ./supervise/victim.ts with `plan`: its exit code and its first message labelled `label`, bounded. */
  function startVictim(plan: VictimPlan): { worker: Worker; exited: Promise<number>; message: (label: string) => Promise<unknown> } {
    const worker = startTsWorker(new URL('./supervise/victim.ts', import.meta.url), plan);
    victims.push(worker);
    worker.on('error', () => undefined); // an uncaught error is one of the deaths under test
    const seen: { at: string }[] = [];
    worker.on('message', (m: { at: string }) => seen.push(m));
    const exited = within(new Promise<number>((resolve) => worker.once('exit', resolve)), BOUND_MS, 'the victim to exit');
    exited.catch(() => undefined);
    const message = (label: string): Promise<unknown> =>
      within(
        new Promise((resolve) => {
          const poll = (): void => {
            const m = seen.find((x) => x.at === label);
            if (m !== undefined) resolve(m);
            else setTimeout(poll, 2);
          };
          poll();
        }),
        BOUND_MS,
        `the victim's '${label}' message`,
      );
    return { worker, exited, message };
  }

  it.each([
    { how: 'exit' as const, code: 7, sent: 5000 },
    { how: 'throw' as const, code: 1, sent: 3001 },
  ])('it ends by $how after $sent values: the consumer worker gets exactly those, then undefined; closeReason worker-exited, exit code $code', async ({ how, code, sent }) => {
    const ch = spsc(64);
    const consuming = agents()[1]!.run(consumeTask({ handle: ch.handle, seed: BASE_SEED, maxValues: 100_000, maxBatch: 24, deadlineMs: DEADLINE_MS }));
    const death = how === 'exit' ? { how, code } : { how };
    const victim = startVictim({ kind: 'stream', id: 5, count: 1e9, reportAt: 1, dieAt: sent, death, handle: ch.handle });
    supervise(victim.worker, ch);
    expect(await victim.exited).toBe(code);
    const c = await within(consuming, BOUND_MS, 'the consumer after the producer died');
    expect(c.ended, c.note).toBe('closed');
    expect(strictStream(c.values, 5, sent)).toEqual([]);
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', code]);
    expect(await within(peer.call('status', ch), BOUND_MS, 'status in another thread')).toEqual({ closed: true, closeReason: 'worker-exited', workerExitCode: code });
  }, TEST_MS);

  it('terminate() in the middle of a 10^6-value stream: the consumer gets a gap-free prefix seq 0..m-1, then undefined', async () => {
    const ch = spsc(256);
    const consuming = agents()[1]!.run(consumeTask({ handle: ch.handle, seed: BASE_SEED + 3, maxValues: MILLION + 1, maxBatch: 64, deadlineMs: DEADLINE_MS }));
    const victim = startVictim({ kind: 'stream', id: 3, count: MILLION, reportAt: 100_000, handle: ch.handle, death: { how: 'hang' } });
    supervise(victim.worker, ch);
    await victim.message('progress');
    await victim.worker.terminate();
    expect(await victim.exited, 'the victim ended on its own, not by terminate()').toBe(1);
    const c = await within(consuming, BOUND_MS, 'the consumer after the death');
    expect(c.ended, c.note).toBe('closed');
    const m = c.values.length;
    expect(m, 'the victim reported 10^5 accepted values before it was killed').toBeGreaterThanOrEqual(100_000);
    // The values it put before the close are all delivered, in order; one it wrote but had
    // not published when it died is not (the close sealed PROD_TAIL before it).
    expect(strictStream(c.values, 3, m)).toEqual([]);
    expect(ch.closeReason).toBe('worker-exited');
    expect((Atomics.load(wordsOf(ch), IDX_PROD_TAIL) & FLAG_SEALED) !== 0, 'sealed').toBe(true);
  }, TEST_MS);

  it('a supervised worker dies while the producer worker is blocked in putSync on the full ring: the put returns false; the consumer drains what entered, then undefined', async () => {
    const ch = spsc(2);
    const parked = sharedChan({ type: 'f64', capacity: 1 });
    // The victim blocks on another channel; only its death matters here (supervise(victim, ch)).
    const victim = startVictim({ kind: 'get-blocked', handle: parked.handle, death: { how: 'hang' } });
    supervise(victim.worker, ch);
    await victim.message('getting'); // running (a worker terminated before it starts exits 0)
    const [producer, consumer] = agents();
    const first = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 1, batches: [1], deadlineMs: 0 }), BOUND_MS, 'claim');
    expect(first.ended, 'a get on the empty ring times out: the consumer side is claimed').toBe('deadline');
    const blocked = track(producer!.run({ kind: 'sendList', handle: ch.handle, items: [1, 2, 3], deadlineMs: DEADLINE_MS }));
    for (let i = 0; i < 2000 && ch.length < 2; i++) await sleep(2);
    await sleep(20);
    expect(blocked.state).toBe('pending');
    await victim.worker.terminate();
    expect(await victim.exited).toBe(1);
    expect(await within(blocked.promise, BOUND_MS, 'the putSync blocked at the death')).toMatchObject({ sent: 2, ended: 'closed' });
    const r = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 5, batches: [1], deadlineMs: DEADLINE_MS }), BOUND_MS, 'the consumer');
    expect({ values: Array.from(r.values), ended: r.ended }).toEqual({ values: [1, 2], ended: 'closed' });
    expect([ch.closeReason, ch.workerExitCode]).toEqual(['worker-exited', 1]);
  }, TEST_MS);
});

// ---- f. dropping ----------------------------------------------------------------------------

describe("f. policy 'dropping' across threads", () => {
  it('a full ring drops the new values (putSync and putManySync report them accepted); the consumer receives the first `capacity`', async () => {
    const ch = spsc(4, { policy: 'dropping' });
    const [producer, consumer] = agents();
    const ones = Array.from({ length: 10 }, (_, i) => encode(1, i));
    const batch = Array.from({ length: 10 }, (_, i) => encode(1, 10 + i));
    expect(await within(producer!.run({ kind: 'sendList', handle: ch.handle, items: [...ones, batch], deadlineMs: DEADLINE_MS }), BOUND_MS, 'puts')).toEqual({
      sent: 20,
      ended: 'done',
      closedIt: false,
      note: '',
    });
    expect(await within(producer!.run({ kind: 'putOne', handle: ch.handle, value: 99, timeout: 0 }), BOUND_MS, 'putSync on the full ring')).toEqual({ result: true });
    expect(ch.length).toBe(4);
    const r = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 4, batches: [1, 2], deadlineMs: DEADLINE_MS }), BOUND_MS, 'the consumer');
    expect(strictStream(r.values, 1, 4)).toEqual([]);
    expect(ch.length).toBe(0);

    // Drained: the next puts enter again (a batch of 40 into capacity 4: 4 enter, 36 dropped).
    const batch2 = Array.from({ length: 40 }, (_, i) => encode(2, i));
    expect(await within(peer.call('putManySync', ch, { values: batch2 }).catch((e: Error) => e.name), BOUND_MS, 'another thread')).toBe('SpscOwnerError');
    expect(await within(producer!.run({ kind: 'sendList', handle: ch.handle, items: [batch2], deadlineMs: DEADLINE_MS }), BOUND_MS, 'more puts')).toMatchObject({ sent: 40 });
    ch.close();
    const rest = await within(consumer!.run({ kind: 'receiveCount', handle: ch.handle, count: 10, batches: [8], deadlineMs: DEADLINE_MS }), BOUND_MS, 'the consumer');
    expect({ ended: rest.ended, problems: strictStream(rest.values, 2, 4) }).toEqual({ ended: 'closed', problems: [] });
  }, TEST_MS);

  it('capacity 48: a typed putManySync of 100 from a worker reports 100; the main thread receives the first 48 (TypedArray.set path), and the producer never blocks', async () => {
    const ch = spsc(48, { policy: 'dropping', _startPosition: WRAP - 20 });
    const values = Array.from({ length: 100 }, (_, i) => encode(3, i));
    // The peer's putManySync has no timeout: on a dropping channel it must not block at all.
    expect(await within(peer.call('putManySync', ch, { values }), BOUND_MS, 'putManySync into a dropping channel')).toBe(100);
    const out = new Float64Array(64);
    expect(ch.getManySync(out, { timeout: 1000 })).toBe(48);
    expect(strictStream(out.subarray(0, 48), 3, 48)).toEqual([]);
    expect(ch.poll()).toBeUndefined();
  }, TEST_MS);
});

// ---- g. bad options -------------------------------------------------------------------------

describe('g. bad options: refused before anything is allocated', () => {
  /** Counts `new SharedArrayBuffer` calls while `f` runs. */
  function allocations(f: () => void): number {
    const Original = globalThis.SharedArrayBuffer;
    let count = 0;
    globalThis.SharedArrayBuffer = new Proxy(Original, {
      construct(target, args) {
        count++;
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      f();
    } finally {
      globalThis.SharedArrayBuffer = Original;
    }
    return count;
  }

  const refused = (options: unknown, cls: typeof RangeError | typeof TypeError, message: RegExp): void => {
    let error: unknown;
    const allocated = allocations(() => {
      try {
        sharedChan(options as never);
      } catch (e) {
        error = e;
      }
    });
    expect(error, JSON.stringify(options)).toBeInstanceOf(cls);
    expect((error as Error).message, JSON.stringify(options)).toMatch(message);
    expect(allocated, `${JSON.stringify(options)}: buffers allocated before the refusal`).toBe(0);
  };

  it('control: the allocation counter sees a channel being created', () => {
    expect(allocations(() => spsc(4))).toBeGreaterThanOrEqual(1);
  });

  it('capacity 0 (a rendezvous) is a RangeError', () => {
    for (const type of ['f64', 'i32', 'u8'] as const) refused({ type, capacity: 0, spsc: true }, RangeError, /single-producer single-consumer.*capacity/);
  });

  it("policy 'sliding' is a RangeError; 'block' and 'dropping' are fine", () => {
    refused({ type: 'f64', capacity: 4, policy: 'sliding', spsc: true }, RangeError, /single-producer single-consumer.*sliding/);
    expect(spsc(4, { policy: 'block' }).policy).toBe('block');
    expect(spsc(4, { policy: 'dropping' }).policy).toBe('dropping');
  });

  it('an object channel with spsc: true is a TypeError (spsc is for numbers)', () => {
    refused({ capacity: 4, spsc: true }, TypeError, /spsc.*numbers/);
    refused({ codec: 'json', capacity: 4, spsc: true }, TypeError, /spsc.*numbers/);
    expect(sharedChan({ capacity: 4, spsc: false } as never).closed).toBe(false);
  });

  it('spsc that is not a boolean is a TypeError', () => {
    for (const spscValue of ['yes', 1, 0, {}, 'true', null]) refused({ type: 'f64', capacity: 4, spsc: spscValue }, TypeError, /spsc must be true or false/);
  });
});

describe('the spsc property', () => {
  it('says what the header says, in every thread that attaches', async () => {
    expect(sharedChan({ type: 'f64', capacity: 4 }).spsc).toBe(false);
    expect(sharedChan({ capacity: 4 }).spsc).toBe(false);
    const ch = spsc(4);
    expect(ch.spsc).toBe(true);
    expect(attach(ch.handle)).toBe(ch); // the same object in this thread
    expect(await peer.call('spsc', ch)).toBe(true);
    expect(await peer.call('spsc', sharedChan({ type: 'f64', capacity: 4 }))).toBe(false);
  });
});

describe('h. the close instant is the seal (S3)', () => {
  it('a close stopped after its flag, before its seal: still open, puts land; the next close() seals; the value arrives, then the end', () => {
    const ch = sharedChan({ type: 'f64', capacity: 4, spsc: true });
    const w = new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);
    Atomics.or(w, IDX_PROD_HEAD, FLAG_CLOSED); // what close() does first (ring-core.ts), alone
    expect(ch.closed).toBe(false);
    expect(ch.closeReason).toBeUndefined();
    expect(ch.offer(1)).toBe(true);
    ch.close(); // finds the flag set, and seals all the same
    expect(Atomics.load(w, IDX_PROD_TAIL) & FLAG_SEALED).not.toBe(0);
    expect(ch.closed).toBe(true);
    expect(ch.closeReason).toBe('closed');
    expect(ch.offer(2)).toBe(false);
    expect(ch.poll()).toBe(1);
    expect(ch.getSync({ timeout: 1000 })).toBeUndefined();
  });

  it('puts refused after the seal do not bump LAP, even at a 2^28 boundary', () => {
    const ch = sharedChan({ type: 'f64', capacity: 4, spsc: true, _startPosition: 2 ** 31 - 1 } as never) as SharedChan;
    const w = new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);
    ch.close();
    for (let i = 0; i < 5; i++) expect(ch.offer(i)).toBe(false);
    expect(Atomics.load(w, IDX_LAP)).toBe(0);
  });
});
