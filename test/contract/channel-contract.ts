/**
 * The channel contract: every statement of API.md sections 1–3 that holds for any flavor,
 * as one suite parameterised by a channel factory and run for capacities 0, 1 and 4
 * (Go's TestChan loop over capacities). A new flavor passes this suite or is not done.
 *
 * It defines no tests by itself; call `channelContract(name, factory)` from a test file.
 */
import { describe, expect, test } from 'vitest';
import { MAX_PENDING, select, type Chan } from '../../src/index.js';
import { flush, isPending, track } from './pending.js';

export type ChanFactory = <T>(capacity: number) => Chan<T>;

export interface ContractOptions {
  /** Values the flavor carries that are easy to mistake for "nothing" (default: null, 0, false, '', NaN). */
  readonly falsyValues?: readonly unknown[];
  /**
   * What close does to puts still waiting (API.md): in-thread they stay deliverable
   * ('delivered', the default); across threads a put that had not entered the channel
   * resolves false ('rejected'), while values already in it are still delivered.
   */
  readonly pendingPutsAtClose?: 'delivered' | 'rejected';
  /** False when a rendezvous channel cannot be a select put arm (cross-thread, for now). */
  readonly rendezvousPutArms?: boolean;
  /**
   * A get may take up to this many values out of the channel at once into the getting
   * thread (a shared channel's `setPrefetch(n)`, capacities > 0 only): the room they leave
   * goes to waiting puts at once. Default 1 (one get, one value).
   */
  readonly prefetch?: number;
}

/** Calls the flavor's invariant check, when it has one, so every step is verified. */
function check(c: Chan<unknown>): void {
  (c as { checkInvariants?: () => void }).checkInvariants?.();
}

/** Fills a channel of `capacity` so that the next put has to wait. */
async function fill(c: Chan<number>, capacity: number): Promise<void> {
  for (let i = 0; i < capacity; i++) expect(await c.put(100 + i)).toBe(true);
}

export function channelContract(flavor: string, make: ChanFactory, options: ContractOptions = {}): void {
  const falsyValues = options.falsyValues ?? [null, 0, false, '', NaN];
  const pendingPutsAtClose = options.pendingPutsAtClose ?? 'delivered';
  const rendezvousPutArms = options.rendezvousPutArms ?? true;
  const prefetch = options.prefetch ?? 1;
  for (const capacity of [0, 1, 4]) {
    describe(`${flavor} channel contract, capacity ${capacity}`, () => {
      test('a get on an empty channel waits until a put arrives', async () => {
        const c = make<number>(capacity);
        const got = c.get();
        expect(await isPending(got)).toBe(true);
        expect(await c.put(7)).toBe(true);
        expect(await got).toBe(7);
        check(c);
      });

      test('a put waits only when the buffer is full, and resolves true once taken', async () => {
        const c = make<number>(capacity);
        await fill(c, capacity);
        const put = track(c.put(1));
        await flush();
        expect(put.settled).toBe(false);
        for (let i = 0; i < capacity; i++) expect(await c.get()).toBe(100 + i);
        expect(await c.get()).toBe(1);
        await flush();
        expect(put.value).toBe(true);
        check(c);
      });

      test('a get that frees buffer space lets the oldest waiting put in at once', async () => {
        const c = make<number>(capacity);
        await fill(c, capacity);
        const first = track(c.put(1));
        const second = track(c.put(2));
        await c.get();
        check(c);
        await flush();
        // Slots the get freed: one, or as many as it prefetched (all that were buffered).
        const freed = capacity === 0 ? 1 : Math.min(prefetch, capacity);
        expect(first.value).toBe(true);
        expect(second.settled).toBe(freed >= 2);
        // The freed slots went to the waiting puts first.
        if (capacity > 0) expect(c.offer(3)).toBe(freed > 2);
      });

      test('one putter\'s values arrive in order (FIFO)', async () => {
        const c = make<number>(capacity);
        const n = 50;
        const producer = (async () => {
          for (let i = 0; i < n; i++) await c.put(i);
          c.close();
        })();
        const got: number[] = [];
        for await (const v of c) got.push(v);
        await producer;
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i));
      });

      test('parked gets are served in arrival order', async () => {
        const c = make<number>(capacity);
        const gets = [c.get(), c.get(), c.get()];
        for (const v of [1, 2, 3]) await c.put(v);
        expect(await Promise.all(gets)).toEqual([1, 2, 3]);
        check(c);
      });

      test('parked puts are served in arrival order, after buffered values', async () => {
        const c = make<number>(capacity);
        await fill(c, capacity);
        const puts = [c.put(1), c.put(2), c.put(3)];
        const got: (number | undefined)[] = [];
        for (let i = 0; i < capacity + 3; i++) got.push(await c.get());
        expect(got).toEqual([...Array.from({ length: capacity }, (_, i) => 100 + i), 1, 2, 3]);
        expect(await Promise.all(puts)).toEqual([true, true, true]);
        check(c);
      });

      test(`falsy values are ordinary values: ${falsyValues.map(String).join(', ')}`, async () => {
        const c = make<unknown>(capacity);
        const values = falsyValues;
        const producer = (async () => {
          for (const v of values) expect(await c.put(v)).toBe(true);
          c.close();
        })();
        const got: unknown[] = [];
        for await (const v of c) got.push(v);
        await producer;
        expect(got).toEqual(values);
      });

      describe('close', () => {
        test('pending gets resolve undefined and closed becomes true', async () => {
          const c = make<number>(capacity);
          const gets = [c.get(), c.get()];
          expect(c.closed).toBe(false);
          c.close();
          expect(c.closed).toBe(true);
          expect(await Promise.all(gets)).toEqual([undefined, undefined]);
          check(c);
        });

        if (pendingPutsAtClose === 'delivered') {
          test('buffered values and puts pending at close stay deliverable, in order', async () => {
            const c = make<number>(capacity);
            await fill(c, capacity);
            const pending = [c.put(1), c.put(2)].map(track);
            c.close();
            const expected = [...Array.from({ length: capacity }, (_, i) => 100 + i), 1, 2];
            for (const v of expected) expect(await c.get()).toBe(v);
            await flush();
            expect(pending.map((p) => p.value)).toEqual([true, true]);
            expect(await c.get()).toBeUndefined();
            expect(await c.get()).toBeUndefined();
            check(c);
          });
        } else {
          test('values in the channel at close stay deliverable; puts that had not entered resolve false', async () => {
            const c = make<number>(capacity);
            await fill(c, capacity);
            const pending = [c.put(1), c.put(2)].map(track);
            await flush();
            c.close();
            const got: number[] = [];
            for (let v = await c.get(); v !== undefined; v = await c.get()) got.push(v);
            await flush();
            const buffered = Array.from({ length: capacity }, (_, i) => 100 + i);
            // Exactly the puts that resolved true were delivered, after the buffered values.
            const delivered = [1, 2].filter((_, i) => pending[i]!.value === true);
            expect(got).toEqual([...buffered, ...delivered]);
            expect(pending.every((p) => p.settled)).toBe(true);
            // A full channel admits no waiting put, except that a rendezvous holds one value.
            expect(delivered.length).toBeLessThanOrEqual(capacity === 0 ? 1 : 0);
          });
        }

        test('a put after close resolves false and is discarded', async () => {
          const c = make<number>(capacity);
          c.close();
          expect(await c.put(1)).toBe(false);
          expect(c.offer(2)).toBe(false);
          expect(await c.get()).toBeUndefined();
          check(c);
        });

        test('close is idempotent', async () => {
          const c = make<number>(capacity);
          if (capacity > 0) await c.put(1);
          c.close();
          c.close();
          expect(c.closed).toBe(true);
          if (capacity > 0) expect(await c.get()).toBe(1);
          expect(await c.get()).toBeUndefined();
        });
      });

      describe('offer and poll', () => {
        test('offer transfers only when a getter waits or the buffer has room; it never enqueues', async () => {
          const c = make<number>(capacity);
          for (let i = 0; i < capacity; i++) expect(c.offer(i)).toBe(true);
          expect(c.offer(99)).toBe(false);
          const got = c.poll();
          expect(got).toBe(capacity > 0 ? 0 : undefined);
          if (capacity === 0) {
            const g = c.get();
            expect(c.offer(5)).toBe(true);
            expect(await g).toBe(5);
          }
          // 99 was never enqueued: draining yields only what offer accepted.
          c.close();
          const rest: number[] = [];
          for await (const v of c) rest.push(v);
          expect(rest).toEqual(Array.from({ length: Math.max(capacity - 1, 0) }, (_, i) => i + 1));
        });

        test('poll takes a buffered value or a pending put, else undefined; it never enqueues', async () => {
          const c = make<number>(capacity);
          expect(c.poll()).toBeUndefined();
          const put = track(c.put(3)); // buffered, or pending when unbuffered
          expect(c.poll()).toBe(3);
          await flush();
          expect(put.value).toBe(true);
          expect(c.poll()).toBeUndefined();
          // The failed polls left nothing behind that could swallow a later put.
          const later = track(c.put(4));
          expect(await c.get()).toBe(4);
          await flush();
          expect(later.value).toBe(true);
          check(c);
        });

        test('poll on a closed, drained channel is undefined', () => {
          const c = make<number>(capacity);
          c.close();
          expect(c.poll()).toBeUndefined();
        });
      });

      describe('bad input', () => {
        test('undefined is refused synchronously by every put form; nothing is enqueued', async () => {
          const c = make<unknown>(capacity);
          expect(() => c.put(undefined)).toThrow(TypeError);
          expect(() => c.put(undefined)).toThrow(/closed marker/);
          expect(() => c.offer(undefined)).toThrow(TypeError);
          expect(() => select([[c, undefined]])).toThrow(TypeError);
          expect(c.poll()).toBeUndefined();
          const g = c.get();
          await c.put(1);
          expect(await g).toBe(1);
          check(c);
        });

        test('a malformed signal option is a TypeError', () => {
          const c = make<number>(capacity);
          expect(() => c.get({ signal: 'nope' as never })).toThrow(TypeError);
          expect(() => c.put(1, { signal: {} as never })).toThrow(TypeError);
        });
      });

      describe('cancellation with AbortSignal', () => {
        test('an aborted get consumes nothing: the next value goes to the next getter', async () => {
          const c = make<number>(capacity);
          const ac = new AbortController();
          const aborted = c.get({ signal: ac.signal });
          const other = c.get();
          ac.abort();
          await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
          await c.put(1);
          expect(await other).toBe(1);
          check(c);
        });

        test('an aborted put is never delivered', async () => {
          const c = make<number>(capacity);
          await fill(c, capacity);
          const ac = new AbortController();
          const aborted = c.put(1, { signal: ac.signal });
          const kept = c.put(2);
          ac.abort(new Error('changed my mind'));
          await expect(aborted).rejects.toThrow('changed my mind');
          for (let i = 0; i < capacity; i++) await c.get();
          expect(await c.get()).toBe(2);
          expect(await kept).toBe(true);
          check(c);
        });

        test('an already-aborted signal rejects without touching the channel', async () => {
          const c = make<number>(capacity);
          const reason = new Error('already');
          const signal = AbortSignal.abort(reason);
          if (capacity > 0) await c.put(1);
          await expect(c.get({ signal })).rejects.toBe(reason);
          await expect(c.put(2, { signal })).rejects.toBe(reason);
          await expect(select([c], { signal })).rejects.toBe(reason);
          if (capacity > 0) expect(c.poll()).toBe(1);
          expect(c.poll()).toBeUndefined();
        });

        test('a signal that aborts after completion changes nothing', async () => {
          const c = make<number>(capacity);
          const ac = new AbortController();
          const got = c.get({ signal: ac.signal });
          await c.put(5);
          expect(await got).toBe(5);
          ac.abort();
          await flush();
          expect(await c.put(6, { signal: ac.signal }).catch((e: Error) => e.name)).toBe('AbortError');
        });
      });

      describe(`the ${MAX_PENDING} pending-operation limit`, () => {
        test(`the ${MAX_PENDING + 1}th pending get rejects with a helpful error; the channel keeps working`, async () => {
          const c = make<number>(capacity);
          const gets = Array.from({ length: MAX_PENDING }, () => c.get());
          await expect(c.get()).rejects.toThrow(/1024 pending gets.*buffer/);
          await c.put(0);
          expect(await gets[0]).toBe(0);
          c.close();
          await Promise.all(gets);
        });

        test(`the ${MAX_PENDING + 1}th pending put rejects; the channel keeps working`, async () => {
          const c = make<number>(capacity);
          await fill(c, capacity);
          const puts = Array.from({ length: MAX_PENDING }, (_, i) => c.put(i));
          await expect(c.put(-1)).rejects.toThrow(/1024 pending puts/);
          for (let i = 0; i < capacity; i++) await c.get();
          expect(await c.get()).toBe(0);
          expect(await puts[0]).toBe(true);
        });

        test('withdrawn operations and losing select arms never count toward the limit', async () => {
          const c = make<number>(capacity);
          const other = make<number>(capacity);
          for (let i = 0; i < 3 * MAX_PENDING; i++) {
            const ac = new AbortController();
            const g = c.get({ signal: ac.signal });
            ac.abort();
            await g.catch(() => undefined);
          }
          for (let i = 0; i < 2 * MAX_PENDING; i++) {
            const s = select([c, other]);
            await other.put(i);
            expect((await s)[1]).toBe(other);
          }
          const last = c.get();
          await c.put(42);
          expect(await last).toBe(42);
          check(c);
        });
      });

      describe('async iteration', () => {
        test('yields until closed and drained', async () => {
          const c = make<number>(capacity);
          const producer = (async () => {
            for (let i = 1; i <= 5; i++) await c.put(i);
            c.close();
          })();
          const got: number[] = [];
          for await (const v of c) got.push(v);
          await producer;
          expect(got).toEqual([1, 2, 3, 4, 5]);
        });

        test('leaving the loop early neither closes the channel nor consumes a further value', async () => {
          const c = make<number>(capacity);
          const producer = (async () => {
            for (let i = 1; i <= 3; i++) await c.put(i);
          })();
          for await (const v of c) {
            if (v === 1) break;
          }
          expect(c.closed).toBe(false);
          expect(await c.get()).toBe(2);
          expect(await c.get()).toBe(3);
          await producer;
        });
      });

      describe('get and put are one-arm selects', () => {
        // A flavor that refuses rendezvous put arms up front tests that in its own file.
        if (capacity > 0 || rendezvousPutArms) test('select([c]) and select([[c, v]]) behave as get and put', async () => {
          const c = make<number>(capacity);
          const s = select([c]);
          expect(await isPending(s)).toBe(true);
          expect(await select([[c, 9]])).toEqual([true, c]);
          expect(await s).toEqual([9, c]);
          c.close();
          expect(await select([[c, 1]])).toEqual([false, c]);
          expect(await select([c])).toEqual([undefined, c]);
        });

        test('select returns the very channel object passed', async () => {
          const c = make<number>(capacity);
          const d = make<number>(capacity);
          const s = select([c, d]);
          await d.put(1);
          const [v, ch] = await s;
          expect(v).toBe(1);
          expect(ch).toBe(d);
        });

        test('with default and nothing ready, nothing is left registered', async () => {
          const empty = make<number>(capacity);
          const full = make<number>(capacity);
          await fill(full, capacity);
          const putArm = capacity > 0 || rendezvousPutArms ? [[full, 1] as const] : [];
          expect(await select([empty, ...putArm], { default: 'd' })).toEqual(['d', null]);
          expect(await select([empty], { default: undefined })).toEqual([undefined, null]);
          // No get arm was left on `empty`: an offer finds no getter (or lands in the buffer).
          expect(empty.offer(2)).toBe(capacity > 0);
          // No put arm was left on `full`: after the buffered values, nothing more arrives.
          for (let i = 0; i < capacity; i++) expect(full.poll()).toBe(100 + i);
          expect(full.poll()).toBeUndefined();
          check(empty);
          check(full);
        });
      });
    });
  }
}
