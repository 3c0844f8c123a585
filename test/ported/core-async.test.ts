// Ported conformance tests: clojure/core.async's tests.
//
// Provenance: clojure/core.async (Copyright Rich Hickey and contributors, Eclipse Public
// License 1.0), tests under src/test/clojure (async_test.clj, timers_test.clj, the pending-put
// and pending-take limit tests) and src/test/cljs (the `cleanup` and `dispatch-bugs` tests).
// This file is a re-implementation in TypeScript written from descriptions of those tests
// (reference/semantics.md, sections 2.7 and 2.10); it contains no Clojure source. It also pins
// two aiochan bugs the port must not reproduce (semantics.md section 0, item 8).
//
// Adaptations: core.async's `nil` is our `undefined` (the closed marker); `alts!` is `select`,
// `:default` is the `default` key and returns `[x, null]` instead of `[x :default]`;
// `offer!` returning nil is `offer` returning false; an AssertionError for the 1024 limit is
// a rejected Promise carrying an Error.

import { describe, expect, it } from 'vitest';
import { chan, promiseChan, select, timeout } from '../../src/index.js';
import { settles, sleep, stillPendingAfterTurns, track } from '../helpers/async.js';

type Chan<T> = ReturnType<typeof chan<T>>;

const LIMIT = 1024;

/** Resolves to the rejection reason of `p`, or fails if `p` fulfils. */
async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got fulfilment with ${String(v)}`);
    },
    (e: unknown) => e,
  );
}

function expectLimitError(e: unknown): void {
  expect(e).toBeInstanceOf(Error);
  const msg = (e as Error).message;
  expect(msg).toMatch(/1024/);
  expect(msg).toMatch(/buffer/i);
}

describe('test-write-on-closed', () => {
  it('10,000 x select([open, [closed, true]], {priority: true}) each resolve [false, closed] and never hit the limit', async () => {
    // Story: a put arm on a closed channel is ready at once with `false`, and the select must
    // commit there, withdrawing the get arm it may already have registered on `open`. aiochan
    // forgot to commit, so each call left a live getter on `open` and the 1025th call threw.
    // core.async keeps this test at 10,000 iterations.
    const open = chan<boolean>();
    const closed = chan<boolean>();
    closed.close();
    const wrong: unknown[] = [];
    for (let i = 0; i < 10_000; i++) {
      const [v, which] = await select([open, [closed, true]], { priority: true });
      if (v !== false || which !== closed) wrong.push([i, v, which === open ? 'open' : which]);
    }
    expect(wrong).toEqual([]);
    // Nothing is left registered on `open`: with no getter waiting, an offer fails...
    expect(open.offer(true)).toBe(false);
    // ...and `open` still accepts the full 1024 pending gets.
    const gets = Array.from({ length: LIMIT }, () => open.get());
    expectLimitError(await rejectionOf(open.get()));
    for (let i = 0; i < LIMIT; i++) expect(open.offer(i % 2 === 0)).toBe(true);
    expect(await Promise.all(gets)).toEqual(Array.from({ length: LIMIT }, (_, i) => i % 2 === 0));
  });

  it('without priority too: the random order never changes the outcome', async () => {
    const open = chan<boolean>();
    const closed = chan<boolean>();
    closed.close();
    let wrong = 0;
    for (let i = 0; i < 2000; i++) {
      const [v, which] = await select([open, [closed, true]]);
      if (v !== false || which !== closed) wrong++;
    }
    expect(wrong).toBe(0);
    expect(open.offer(true)).toBe(false);
  });
});

describe('cleanup (CLJS): defaulted alts leave nothing behind', () => {
  it('1024 x select([[c, x]], {default: 42}) then a plain put works, and c still takes 1024 pending puts', async () => {
    // Story: core.async registered the arms, then committed to default, leaving dead handlers
    // in the queue; without cleanup they counted toward the 1024 limit and the next put! threw.
    const c = chan<number>();
    for (let x = 0; x < LIMIT; x++) {
      const r = await select([[c, x]], { default: 42 });
      expect(r).toEqual([42, null]);
    }
    expect(c.poll()).toBe(undefined); // no defaulted put arm is still offering its value
    const puts = Array.from({ length: LIMIT }, (_, i) => c.put(1000 + i));
    expectLimitError(await rejectionOf(c.put(-1)));
    expect(await c.get()).toBe(1000);
    expect(await puts[0]).toBe(true);
  });

  it('1024 x select([c], {default: 42}) then a plain get works, and c still takes 1024 pending gets', async () => {
    const c = chan<number>();
    for (let x = 0; x < LIMIT; x++) {
      const r = await select([c], { default: 42 });
      expect(r).toEqual([42, null]);
    }
    expect(c.offer(7)).toBe(false); // no defaulted get arm is still waiting
    const gets = Array.from({ length: LIMIT }, () => c.get());
    expectLimitError(await rejectionOf(c.get()));
    expect(await c.put(0)).toBe(true);
    expect(await gets[0]).toBe(0);
  });
});

describe('the 1024 pending-operation limit', () => {
  it('the 1025th pending put rejects with an Error naming 1024; the channel keeps working in order', async () => {
    const c = chan<number>();
    const puts = Array.from({ length: LIMIT }, (_, i) => c.put(i));
    expectLimitError(await rejectionOf(c.put(LIMIT)));
    // core.async: afterwards the first take gets 0, and a put returns true.
    expect(await c.get()).toBe(0);
    expect(await puts[0]).toBe(true);
    const late = c.put(9999); // a slot is free again: accepted as pending, not rejected
    const got: (number | undefined)[] = [];
    for (let i = 1; i <= LIMIT; i++) got.push(await c.get());
    expect(got).toEqual([...Array.from({ length: LIMIT - 1 }, (_, i) => i + 1), 9999]);
    expect(await late).toBe(true);
    expect(await Promise.all(puts)).toEqual(Array(LIMIT).fill(true));
  });

  it('the 1025th pending get rejects with an Error naming 1024; the channel keeps working in order', async () => {
    const c = chan<number>();
    const gets = Array.from({ length: LIMIT }, () => c.get());
    expectLimitError(await rejectionOf(c.get()));
    expect(await c.put(0)).toBe(true);
    expect(await gets[0]).toBe(0);
    expect(await c.put(1)).toBe(true);
    expect(await gets[1]).toBe(1);
    for (let i = 2; i < LIMIT; i++) expect(c.offer(i)).toBe(true);
    expect(await Promise.all(gets)).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
  });

  it('a parked select arm counts as one pending operation', async () => {
    const c = chan<number>();
    const d = chan<number>();
    const sels = Array.from({ length: LIMIT }, () => select([c, d]));
    expectLimitError(await rejectionOf(c.get()));
    for (let i = 0; i < LIMIT; i++) expect(c.offer(i)).toBe(true);
    const results = await Promise.all(sels);
    expect(results.every(([, w]) => w === c)).toBe(true);
  });

  it('losing select arms never count: 2048 selects won on d leave c free for 1024 pending gets', async () => {
    // Story: core.async's "dirty handlers". A select parked on [c, d] that completes on d
    // leaves an inactive handler in c's queue unless it is cleaned up; if it counted, c would
    // hit the limit after 1024 such selects.
    const c = chan<number>();
    const d = chan<number>();
    for (let round = 0; round < 2; round++) {
      const sels = Array.from({ length: LIMIT }, () => select([c, d]));
      for (let i = 0; i < LIMIT; i++) expect(d.offer(i)).toBe(true);
      const results = await Promise.all(sels);
      expect(results.every(([, w]) => w === d)).toBe(true);
    }
    expect(c.offer(1)).toBe(false); // no stale get arm is waiting on c
    const gets = Array.from({ length: LIMIT }, () => c.get());
    expectLimitError(await rejectionOf(c.get()));
    for (let i = 0; i < LIMIT; i++) expect(c.offer(i)).toBe(true);
    expect(await Promise.all(gets)).toEqual(Array.from({ length: LIMIT }, (_, i) => i));
  });
});

describe('promise-chan', () => {
  it('a put fulfils all pending gets; later puts succeed but are dropped; close keeps the value', async () => {
    const c = promiseChan<string>();
    const t1 = c.get();
    const t2 = c.get();
    expect(await c.put('val')).toBe(true);
    expect(await settles(t1, 't1')).toBe('val');
    expect(await settles(t2, 't2')).toBe('val');
    // then puts succeed but are dropped
    expect(await c.put('LOST')).toBe(true);
    expect(await c.get()).toBe('val');
    // then takes succeed with the original value
    for (let i = 0; i < 3; i++) expect(await c.get()).toBe('val');
    // a select get arm sees it too
    const [v, which] = await select([c, chan<string>()]);
    expect(v).toBe('val');
    expect(which).toBe(c);
    // then after close takes continue returning the value
    c.close();
    expect(await c.get()).toBe('val');
    expect(await c.get()).toBe('val');
    // puts after close resolve false
    expect(await c.put('after close')).toBe(false);
    expect(await c.get()).toBe('val');
  });

  it('close with no value fulfils all pending gets with undefined; then puts fail', async () => {
    const c = promiseChan<string>();
    const t1 = c.get();
    const t2 = c.get();
    c.close();
    expect(await settles(t1, 't1')).toBe(undefined);
    expect(await settles(t2, 't2')).toBe(undefined);
    expect(await c.get()).toBe(undefined);
    expect(await c.get()).toBe(undefined);
    expect(await c.put('val')).toBe(false);
    expect(await c.get()).toBe(undefined);
  });

  it('close after a put keeps delivering the promised value', async () => {
    const c = promiseChan<string>();
    expect(await c.put('val')).toBe(true);
    expect(await c.get()).toBe('val');
    expect(await c.get()).toBe('val');
    c.close();
    expect(await c.get()).toBe('val');
    expect(await c.get()).toBe('val');
  });

  it('a falsy first value counts as delivered: put 0 then 5 yields 0 (aiochan yielded 5)', async () => {
    // Story: aiochan's promise buffer tested `if self._val` for "has a value", so after
    // put(0), put(5) replaced it. Every falsy value must count.
    for (const first of [0, false, '', null, Number.NaN] as const) {
      const c = promiseChan<unknown>();
      const pending = c.get();
      expect(await c.put(first)).toBe(true);
      expect(await c.put(5)).toBe(true);
      expect(Object.is(await settles(pending, `pending get (${String(first)})`), first)).toBe(true);
      expect(Object.is(await c.get(), first)).toBe(true);
      c.close();
      expect(Object.is(await c.get(), first)).toBe(true);
    }
  });
});

describe('timers', () => {
  it('timeouts of 80, 60, 70 and 50 ms close in the order 50, 60, 70, 80', async () => {
    const order: number[] = [];
    const gets = [80, 60, 70, 50].map((ms) =>
      timeout(ms)
        .get()
        .then((v) => {
          order.push(ms);
          return v;
        }),
    );
    expect(await Promise.all(gets)).toEqual([undefined, undefined, undefined, undefined]);
    expect(order).toEqual([50, 60, 70, 80]);
  });

  it('a get on timeout(ms) resolves undefined, never earlier than ms after creation', async () => {
    // The one timing assertion in these files: a lower bound, with 2 ms of timer slack
    // (Node may fire a timer up to ~1 ms early as measured by performance.now()).
    const SLACK = 2;
    for (const ms of [1, 5, 15, 30]) {
      const t0 = performance.now();
      const c = timeout(ms);
      expect(c.closed).toBe(false);
      const v = await c.get();
      const elapsed = performance.now() - t0;
      expect(v).toBe(undefined);
      expect(elapsed, `timeout(${ms}) resolved after ${elapsed.toFixed(2)} ms`).toBeGreaterThanOrEqual(ms - SLACK);
      expect(c.closed).toBe(true);
      expect(await c.get()).toBe(undefined); // closed stays closed
    }
    // A get that starts late still waits for the deadline set at creation, not a fresh one.
    const t0 = performance.now();
    const late = timeout(30);
    await sleep(10);
    await late.get();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(30 - SLACK);
  });
});

describe('offer! / poll!', () => {
  it('buffer 2: offer true, true, false; get 1; poll 2, then undefined', async () => {
    const c = chan<number>(2);
    expect(c.offer(1)).toBe(true);
    expect(c.offer(2)).toBe(true);
    expect(c.offer(3)).toBe(false);
    expect(await c.get()).toBe(1);
    expect(c.poll()).toBe(2);
    expect(c.poll()).toBe(undefined);
  });

  it('unbuffered with nobody waiting: offer false, poll undefined; neither enqueues', async () => {
    const c = chan<number>();
    expect(c.offer(1)).toBe(false);
    expect(c.poll()).toBe(undefined);
    // Neither left anything behind: a later get does not receive the offered 1.
    const g = track(c.get());
    expect(await stillPendingAfterTurns(g)).toBe(true);
    // And with a counterpart waiting, both succeed at once.
    expect(c.offer(2)).toBe(true);
    expect(await g.promise).toBe(2);
    const p = c.put(3);
    expect(c.poll()).toBe(3);
    expect(await p).toBe(true);
    c.close();
    expect(c.offer(4)).toBe(false);
    expect(c.poll()).toBe(undefined);
  });
});

describe('blocking facts (async_test.clj)', () => {
  it('a get blocks until a put arrives; a put on a full buffer blocks until space frees', async () => {
    const c = chan<number>(1);
    const g = track(c.get());
    expect(await stillPendingAfterTurns(g)).toBe(true);
    expect(await c.put(1)).toBe(true);
    expect(await settles(g.promise, 'get')).toBe(1);
    expect(await c.put(2)).toBe(true); // fills the buffer
    const p = track(c.put(3));
    expect(await stillPendingAfterTurns(p)).toBe(true); // "still blocked" after 20 ms
    expect(await c.get()).toBe(2);
    expect(await settles(p.promise, 'put 3')).toBe(true);
    expect(await c.get()).toBe(3);
  });

  it('close keeps buffered values and pending puts deliverable in order (close! docstring); later puts fail', async () => {
    // "Logically closing happens after all puts have been delivered": puts parked at close
    // stay parked until a get takes their value, and each then resolves true. (Go's senders
    // would panic here; this is the core.async lineage.)
    const c = chan<number>(1);
    expect(await c.put(1)).toBe(true);
    const p2 = track(c.put(2));
    const p3 = track(c.put(0)); // a zero value, still an ordinary value
    c.close();
    expect(c.closed).toBe(true);
    expect(await c.put(4)).toBe(false);
    expect(await stillPendingAfterTurns(p2)).toBe(true);
    expect(await c.get()).toBe(1);
    expect(await settles(p2.promise, 'put 2')).toBe(true);
    expect(await c.get()).toBe(2);
    expect(await c.get()).toBe(0);
    expect(await settles(p3.promise, 'put 0')).toBe(true);
    expect(await c.get()).toBe(undefined);
  });

  it('two blocked getters on a buffer-1 channel and one put: exactly one gets 42, the other stays pending', async () => {
    const c = chan<number>(1);
    const g1 = track(c.get());
    const g2 = track(c.get());
    expect(await c.put(42)).toBe(true);
    await sleep(20);
    const done = [g1, g2].filter((g) => g.state !== 'pending');
    expect(done.length).toBe(1);
    expect(done[0]!.value).toBe(42);
    // Beyond core.async's "exactly one": our FIFO contract says it is the first getter.
    expect(g1.value).toBe(42);
    expect(g2.state).toBe('pending');
    expect(await c.put(43)).toBe(true);
    expect(await settles(g2.promise, 'second getter')).toBe(43);
  });

  it('dispatch-bugs (CLJS): put A into the buffer, put B queued; after one get both puts have resolved true', async () => {
    // Story: CLJS once moved the queued put's value into the buffer on take but forgot to
    // fire that put's callback, so the putter of B never learnt its value was accepted.
    const c = chan<string>(1);
    const pa = track(c.put('A')); // goes into the buffer
    const pb = track(c.put('B')); // goes into the pending puts
    expect(await stillPendingAfterTurns(pb)).toBe(true);
    expect(pa.state).toBe('fulfilled');
    expect(await c.get()).toBe('A');
    await sleep(0);
    expect(pa.value).toBe(true);
    expect(pb.state).toBe('fulfilled');
    expect(pb.value).toBe(true);
    expect(c.poll()).toBe('B'); // B moved into the buffer
  });
});

describe('alts with a timeout arm pairs with a waiting counterpart', () => {
  it('select([c, timeout(6000)], {priority: true}) on an unbuffered c with a parked put gives [value, c]', async () => {
    const c = chan<string>();
    const p = c.put('value');
    const [v, which] = await settles(select([c, timeout(6000)], { priority: true }), 'select');
    expect(v).toBe('value');
    expect(which).toBe(c);
    expect(await p).toBe(true);
  });

  it('select([[c, v], timeout(6000)], {priority: true}) with a parked get gives [true, c]', async () => {
    const c: Chan<string> = chan<string>();
    const g = c.get();
    const [v, which] = await settles(select([[c, 'v'], timeout(6000)], { priority: true }), 'select');
    expect(v).toBe(true);
    expect(which).toBe(c);
    expect(await g).toBe('v');
  });
});
