/**
 * Ring positions are free-running 31-bit counters that wrap from 2^31 - 1 to 0. The hidden
 * test-only option `_startPosition` starts a channel just before the wrap, so that single
 * values, batches that straddle it (putMany / getMany, including the bulk-copy path for 32+
 * values), close and drained detection, rendezvous withdrawal and cross-thread traffic all
 * cross it. Capacities 1, 3 (4 slots: not a power of two), 8, 64 and rendezvous.
 */
import { describe, expect, it } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { IDX_CONS_TAIL, IDX_PROD_HEAD, POSITION_MASK } from '../../src/shared/layout.js';
import { useAgents, checkDelivery, consumeTask, receiveAlternating, within } from './workers/pool.js';

const WRAP = 2 ** 31;
const DEADLINE_MS = 5_000;
const BOUND_MS = 7_000;
const CROSS_THREAD_TIMEOUT_MS = 30_000;

function wrapChan(capacity: number, startBeforeWrap: number, type: 'u32' | 'f64' = 'u32'): SharedChan {
  return sharedChan({ type, capacity, _startPosition: WRAP - startBeforeWrap } as never);
}

/** A bijective u32 sequence: any reorder, loss or duplicate shows. */
const val = (i: number): number => (Math.imul(i, 2654435761) + 12345) >>> 0;
const vals = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => val(from + i));

const slotsOf = (capacity: number): number => 2 ** Math.ceil(Math.log2(Math.max(capacity, 1)));

/** Start offsets before the wrap: every offset in the first lap (up to 12), and a few more. */
function offsets(capacity: number): number[] {
  const slots = slotsOf(capacity);
  const set = new Set<number>();
  for (let d = 1; d <= Math.min(slots + 1, 12); d++) set.add(d);
  for (const d of [slots - 1, slots, slots + 1, 2 * slots + 1]) if (d >= 1) set.add(d);
  return [...set].sort((a, b) => a - b);
}

const agents = useAgents(2, 'wrap agent');

/** The ring's producer head and consumer tail positions, read from the header. */
function positions(ch: SharedChan): { head: number; consTail: number } {
  const w = new Int32Array(ch.handle.buffer, 0, 256);
  return { head: Atomics.load(w, IDX_PROD_HEAD) & POSITION_MASK, consTail: Atomics.load(w, IDX_CONS_TAIL) };
}

function throwsTimeout(f: () => unknown): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a TimeoutError').toBeInstanceOf(Error);
  expect((error as Error).name).toBe('TimeoutError');
}

describe('in one thread: values cross the 2^31 position wrap intact and in order', () => {
  it('precondition: _startPosition puts the positions just before 2^31, and traffic wraps them to small numbers', async () => {
    const ch = wrapChan(3, 2);
    expect(positions(ch)).toEqual({ head: WRAP - 2, consTail: WRAP - 2 });
    expect(await ch.putMany([1, 2, 3])).toBe(3);
    expect(positions(ch).head).toBe(1);
    expect(await ch.getMany(new Uint32Array(3))).toBe(3);
    expect(positions(ch)).toEqual({ head: 1, consTail: 1 });
  });

  for (const capacity of [1, 3, 8, 64]) {
    it(`capacity ${capacity}: single values (put/offer/putSync, get/poll/getSync), every start offset`, async () => {
      for (const d of offsets(capacity)) {
        const ch = wrapChan(capacity, d);
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        let next = 0;
        let expected = 0;
        // Fill levels 1..capacity in turn, until well past the wrap (and past a second lap).
        const steps = Math.ceil((3 * slotsOf(capacity) + d) / Math.max(1, (capacity + 1) / 2)) + 2;
        for (let step = 0; step < steps; step++) {
          const k = (step % capacity) + 1;
          for (let i = 0; i < k; i++) {
            const v = val(next++);
            const how = (step + i) % 3;
            if (how === 0) expect(await ch.put(v), where).toBe(true);
            else if (how === 1) expect(ch.offer(v), where).toBe(true);
            else expect(ch.putSync(v, { timeout: 1000 }), where).toBe(true);
          }
          expect(ch.length, `${where}, step ${step}: length after putting ${k}`).toBe(k);
          if (k === capacity) expect(ch.offer(1), `${where}: offer on a full channel`).toBe(false);
          for (let i = 0; i < k; i++) {
            const how = (step + i) % 3;
            const got = how === 0 ? await ch.get() : how === 1 ? ch.poll() : ch.getSync({ timeout: 1000 });
            expect(got, `${where}, step ${step}, value #${expected}`).toBe(val(expected++));
          }
          expect(ch.length, `${where}, step ${step}: length after draining`).toBe(0);
          expect(ch.poll(), `${where}: poll on an empty channel`).toBeUndefined();
        }
      }
    });

    it(`capacity ${capacity}: batches straddling the wrap (putMany/getMany, putManySync/getManySync), every start offset`, async () => {
      for (const d of offsets(capacity)) {
        const ch = wrapChan(capacity, d);
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        let next = 0;
        let expected = 0;
        const laps = Math.ceil((3 * slotsOf(capacity) + d) / capacity) + 2;
        for (let lap = 0; lap < laps; lap++) {
          // A full batch, then a partial one, alternating the async and sync forms and the
          // source kind (plain array: per-element path; typed array: bulk path at 32+).
          const size = lap % 2 === 0 ? capacity : Math.max(1, capacity - 1 - (lap % capacity));
          const batch = vals(next, size);
          next += size;
          const src = lap % 4 < 2 ? batch : Uint32Array.from(batch);
          const n = lap % 3 === 0 ? ch.putManySync(src, { timeout: 1000 }) : await ch.putMany(src);
          expect(n, `${where}, lap ${lap}: put count`).toBe(size);
          expect(ch.length, `${where}, lap ${lap}`).toBe(size);
          const dst = lap % 5 < 3 ? new Uint32Array(size) : new Float64Array(size + 3);
          const got: number[] = [];
          while (got.length < size) {
            const k = lap % 2 === 0 ? await ch.getMany(dst) : ch.getManySync(dst, { timeout: 1000 });
            expect(k, `${where}, lap ${lap}: getMany count`).toBeGreaterThan(0);
            got.push(...Array.from(dst.subarray(0, k)));
          }
          expect(got, `${where}, lap ${lap}`).toEqual(vals(expected, size));
          expected += size;
          expect(ch.length, `${where}, lap ${lap}`).toBe(0);
        }
      }
    });

    it(`capacity ${capacity}: a putMany larger than the channel, fed across the wrap by a getMany loop`, async () => {
      for (const d of [1, 2, Math.max(1, capacity - 1), capacity + 1]) {
        const ch = wrapChan(capacity, d);
        const total = 5 * capacity + 7;
        const putting = ch.putMany(Uint32Array.from(vals(0, total)));
        const got: number[] = [];
        const dst = new Uint32Array(Math.max(1, Math.ceil(capacity / 2)));
        while (got.length < total) {
          const k = await within(ch.getMany(dst), BOUND_MS, `getMany, capacity ${capacity}, start 2^31 - ${d}`);
          got.push(...Array.from(dst.subarray(0, k)));
        }
        expect(await putting).toBe(total);
        expect(got, `capacity ${capacity}, start 2^31 - ${d}`).toEqual(vals(0, total));
      }
    });
  }

  it('close and drained detection across the wrap: values put before the close are delivered, then undefined', async () => {
    for (const capacity of [1, 3, 8]) {
      for (const d of [1, 2, 3, capacity]) {
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        const ch = wrapChan(capacity, d);
        const values = vals(0, capacity);
        expect(await ch.putMany(values), where).toBe(capacity);
        ch.close();
        expect(await ch.put(1), where).toBe(false);
        expect(ch.offer(1), where).toBe(false);
        const got: (number | undefined)[] = [];
        for (let i = 0; i <= capacity; i++) got.push(await ch.get());
        expect(got, where).toEqual([...values, undefined]);
        expect(ch.getSync({ timeout: 1000 }), where).toBeUndefined();
        expect(await ch.getMany(new Uint32Array(4)), where).toBe(0);
      }
    }
  });

  it('close exactly at the wrap (head at 2^31 - 1, and at 0): a parked get settles, the ring drains, then undefined', async () => {
    for (const d of [1, 2]) {
      const ch = wrapChan(4, d);
      expect(ch.offer(11)).toBe(true); // head: 2^31 - 1 (d = 2) or 0 (d = 1)
      expect(await ch.get()).toBe(11);
      const parked = ch.get();
      ch.close();
      expect(await within(parked, BOUND_MS, `parked get at close, start 2^31 - ${d}`)).toBeUndefined();
      expect(ch.closed).toBe(true);
    }
    for (const d of [1, 2]) {
      const ch = wrapChan(4, d);
      expect(ch.offer(21) && ch.offer(22)).toBe(true);
      ch.close();
      expect([await ch.get(), await ch.get(), await ch.get()], `start 2^31 - ${d}`).toEqual([21, 22, undefined]);
    }
  });

  it('rendezvous at the wrap: handoffs in one thread, and a putSync withdrawn by its timeout at position 2^31 - 1', async () => {
    for (const d of [1, 2, 3]) {
      const ch = wrapChan(0, d);
      const where = `rendezvous, start 2^31 - ${d}`;
      for (let i = 0; i < 6; i++) {
        const put = ch.put(val(i));
        expect(await ch.get(), where).toBe(val(i));
        expect(await put, where).toBe(true);
      }
    }
    const ch = wrapChan(0, 1); // the first put sits at position 2^31 - 1
    throwsTimeout(() => ch.putSync(5, { timeout: 10 }));
    expect(ch.length).toBe(0);
    expect(ch.poll()).toBeUndefined();
    for (let i = 0; i < 4; i++) {
      const put = ch.put(val(i));
      expect(await ch.get()).toBe(val(i));
      expect(await put).toBe(true);
    }
  });
});

describe('across threads: values cross the wrap intact and in order', () => {
  for (const capacity of [0, 1, 3, 8, 64]) {
    it(`capacity ${capacity}: a worker produces (putSync + putManySync), the main thread consumes (get / getMany)`, async () => {
      for (const d of [1, 2, Math.max(1, capacity), slotsOf(capacity) + 1]) {
        const ch = wrapChan(capacity, d);
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        const total = Math.max(40, 6 * capacity);
        // Items: singles and runs of 2..(2 * capacity + 1) values (longer than the ring too).
        const items: (number | number[])[] = [];
        for (let i = 0, turn = 0; i < total; turn++) {
          const run = Math.min(turn % 3 === 0 ? 1 : 2 + (turn % (2 * Math.max(capacity, 1))), total - i);
          items.push(run === 1 ? val(i) : vals(i, run));
          i += run;
        }
        const sending = agents()[0]!.run({ kind: 'sendList', handle: ch.handle, items, deadlineMs: DEADLINE_MS });
        const got = await receiveAlternating(ch, total, new Uint32Array(Math.max(2, capacity)), BOUND_MS, where);
        const sent = await within(sending, BOUND_MS, `worker producer (${where})`);
        expect(sent, where).toMatchObject({ sent: total, ended: 'done' });
        expect(got, where).toEqual(vals(0, total));
      }
    }, CROSS_THREAD_TIMEOUT_MS);

    it(`capacity ${capacity}: the main thread produces (put / putMany), a worker consumes (getSync + getManySync)`, async () => {
      for (const d of [1, 2, Math.max(1, capacity), slotsOf(capacity) + 1]) {
        const ch = wrapChan(capacity, d);
        const where = `capacity ${capacity}, start 2^31 - ${d}`;
        const total = Math.max(40, 6 * capacity);
        const receiving = agents()[1]!.run({
          kind: 'receiveCount',
          handle: ch.handle,
          count: total,
          batches: [1, 2, Math.max(1, capacity), 1, 2 * capacity + 1, 33],
          deadlineMs: DEADLINE_MS,
        });
        for (let i = 0, turn = 0; i < total; turn++) {
          const run = Math.min(turn % 2 === 0 ? 1 : 1 + (turn % (2 * Math.max(capacity, 1) + 1)), total - i);
          if (run === 1) expect(await within(ch.put(val(i)), BOUND_MS, `put (${where})`), where).toBe(true);
          else expect(await within(ch.putMany(vals(i, run)), BOUND_MS, `putMany (${where})`), where).toBe(run);
          i += run;
        }
        const got = await within(receiving, BOUND_MS, `worker consumer (${where})`);
        expect(got.ended, `${where}: ${got.note}`).toBe('done');
        expect(Array.from(got.values), where).toEqual(vals(0, total));
      }
    }, CROSS_THREAD_TIMEOUT_MS);
  }

  it('2 producers and 2 consumers (main + a worker each side) across the wrap, capacity 3: exactly once, in order per producer', async () => {
    const seed = Date.now() % 1_000_000;
    const ch = wrapChan(3, 40, 'f64');
    const perProducer = 20_000;
    const consumer = agents()[1]!.run(consumeTask({ handle: ch.handle, seed, maxValues: 2 * perProducer, maxBatch: 5 }));
    const producer = agents()[0]!.run({
      kind: 'produce',
      handle: ch.handle,
      id: 1,
      count: perProducer,
      seed,
      maxBatch: 5,
      singleShare: 0.5,
      deadlineMs: DEADLINE_MS,
    });
    const mainProducer = (async () => {
      for (let seq = 0; seq < perProducer; ) {
        if (seq % 3 === 0) {
          const n = Math.min(4, perProducer - seq);
          const batch = Array.from({ length: n }, (_, i) => 2 * 2 ** 32 + seq + i);
          if ((await ch.putMany(batch)) !== n) throw new Error('putMany cut short');
          seq += n;
        } else {
          if (!(await ch.put(2 * 2 ** 32 + seq))) throw new Error('put refused');
          seq++;
        }
      }
    })();
    const mainValues: number[] = [];
    const mainConsumer = (async () => {
      for await (const v of ch) {
        mainValues.push(v);
        if (mainValues.length > 2 * perProducer) break; // more than was sent: stop, and fail below
      }
    })();
    const [p] = await within(Promise.all([producer, mainProducer]), BOUND_MS, `producers (seed ${seed})`);
    ch.close();
    const [c] = await within(Promise.all([consumer, mainConsumer]), BOUND_MS, `consumers (seed ${seed})`);
    expect(p.sent, `seed ${seed}`).toBe(perProducer);
    expect(c.ended, `seed ${seed}: ${c.note}`).toBe('closed');
    const problems = checkDelivery(
      new Map([
        [1, perProducer],
        [2, perProducer],
      ]),
      [
        { name: 'worker consumer', values: c.values },
        { name: 'main consumer', values: mainValues },
      ],
    );
    expect(problems, `seed ${seed}:\n${problems.join('\n')}`).toEqual([]);
  }, CROSS_THREAD_TIMEOUT_MS);
});
