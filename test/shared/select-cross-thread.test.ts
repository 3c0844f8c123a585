/**
 * `selectSync` with real threads on both sides: a worker blocked in a select over 2-4 shared
 * channels is woken by whatever makes one arm ready, on any of them and from any thread (a
 * put or a close here, a put or a get in another worker); and Go's select conformance tests
 * (semantics.md 3.3) run across threads: TestSelectFairness, doubleselect, TestSelfSelect,
 * select6 and select7; and the Promise `select` on this thread over in-thread channels and
 * shared channels fed by workers.
 *
 * Before acting, a test waits until the worker's select is registered on every channel (its
 * doorbell bit and the WAITING flag are set, right before its last re-check and sleep), so
 * the action can only reach it through the doorbell; each select reports its sleeps, and the
 * last must not have ended by the safety timeout (a lost ring would end it that way).
 */
import { describe, expect, test } from 'vitest';
import { attach, chan, select, sharedChan, type Chan, type SharedChan, type SharedChanHandle } from '../../src/index.js';
import { decode, encode } from './workers/protocol.js';
import { allAccepted, checkDelivery, total, within, type Stream } from './workers/pool.js';
import { get, put, Selector, selectState, untilRegistered, useSelectors, type SelectResult } from './workers/selector-client.js';
import { numberOf, valueFor } from './workers/selector-values.js';

const BOUND_MS = 8_000;
const DEADLINE_MS = 6_000;
const selectors = useSelectors(4, 'select-cross-thread');

const f64 = (capacity: number): SharedChan => sharedChan({ type: 'f64', capacity });
const json = (capacity: number): SharedChan<any> => sharedChan<any>({ capacity });

/** n channels alternating f64 and json, of the given capacity. */
const mixed = (n: number, capacity: number): SharedChan<any>[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? f64(capacity) : json(capacity)));

/** The value test `k` sends on `ch`: a number or a message. */
const valueOn = (ch: SharedChan<any>, k: number): unknown => (ch.type === 'object' ? { k, s: 'é'.repeat(k % 5) } : k + 0.5);

function expectRingWake(r: SelectResult, what: string): void {
  expect(r.doorbellWaits.length, `${what}: the select never slept on its doorbell`).toBeGreaterThan(0);
  expect(r.doorbellWaits.at(-1), `${what}: its last sleep ended by the safety timeout, not by a ring`).not.toBe('timed-out');
}

function expectMasksClear(chans: SharedChan<any>[], what: string): void {
  for (const [i, c] of chans.entries()) {
    const s = selectState(c);
    expect([s.rxMask, s.txMask], `${what}: masks of channel ${i}`).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  }
}

describe('a worker blocked in selectSync is woken by any arm becoming ready', () => {
  for (const n of [2, 4]) {
    for (const capacity of [0, 1, 3]) {
      test(`get arms over ${n} channels (capacity ${capacity}): a put here, a put in another worker, a close here, a close in another worker, on each channel`, async () => {
        const [w, other] = selectors();
        for (let i = 0; i < n; i++) {
          for (const how of ['put here', 'put in a worker', 'close here', 'close in a worker'] as const) {
            const chans = mixed(n, capacity);
            const what = `${how} on channel ${i} of ${n}`;
            const s = w!.run({ kind: 'select', arms: chans.map(get) });
            await untilRegistered(chans, 'rx', what);
            const c = chans[i]!;
            const v = valueOn(c, i);
            let putDone: Promise<unknown> = Promise.resolve(true);
            if (how === 'put here') putDone = c.put(v);
            else if (how === 'put in a worker') putDone = other!.run({ kind: 'putSync', arm: get(c), value: v });
            else if (how === 'close here') c.close();
            else await other!.run({ kind: 'close', arm: get(c) });
            const r = await within(s, BOUND_MS, what);
            expect(r, what).toMatchObject({ value: how.startsWith('put') ? v : undefined, index: i });
            expect(await within(putDone, BOUND_MS, `${what}: the put`), `${what}: the put completed`).toBe(true);
            expectRingWake(r, what);
            expectMasksClear(chans, what);
            expect(chans.map((x) => x.length), `${what}: nothing else moved`).toEqual(chans.map(() => 0));
          }
        }
      });
    }
  }

  for (const n of [2, 4]) {
    test(`put arms over ${n} full channels: a get here, a get in another worker, a close, on each channel`, async () => {
      const [w, other] = selectors();
      for (let i = 0; i < n; i++) {
        for (const how of ['get here', 'get in a worker', 'close here'] as const) {
          const capacity = 1 + (i % 2);
          const chans = mixed(n, capacity);
          for (const c of chans) for (let k = 0; k < capacity; k++) expect(c.offer(valueOn(c, 100 + k))).toBe(true);
          const what = `${how} on channel ${i} of ${n}`;
          const s = w!.run({ kind: 'select', arms: chans.map((c, k) => put(c, valueOn(c, k))) });
          await untilRegistered(chans, 'tx', what);
          const c = chans[i]!;
          if (how === 'get here') expect(c.poll()).toEqual(valueOn(c, 100));
          else if (how === 'get in a worker') expect(await other!.run({ kind: 'getSync', arm: get(c) })).toEqual(valueOn(c, 100));
          else c.close();
          const r = await within(s, BOUND_MS, what);
          expect(r, what).toMatchObject({ value: how !== 'close here', index: i });
          expectRingWake(r, what);
          expectMasksClear(chans, what);
          // Only the winning arm's value moved: it is last in channel i; the others still hold just their old values.
          for (const [k, x] of chans.entries()) {
            const got: unknown[] = [];
            for (let m = x.poll(); m !== undefined; m = x.poll()) got.push(m);
            const old = Array.from({ length: capacity }, (_, j) => valueOn(x, 100 + j));
            if (k !== i) expect(got, `${what}: channel ${k}`).toEqual(old);
            else if (how === 'close here') expect(got, `${what}: the closed channel`).toEqual(old);
            else expect(got, `${what}: the channel that made room`).toEqual([...old.slice(1), valueOn(x, k)]);
          }
        }
      }
    });
  }

  test('get and put arms mixed over 4 channels, woken by a get elsewhere of a put arm, or a put elsewhere of a get arm', async () => {
    const [w, other] = selectors();
    for (let round = 0; round < 8; round++) {
      const chans = mixed(4, 1);
      chans[2]!.offer(valueOn(chans[2]!, 7)); // full: a put arm on it waits
      chans[3]!.offer(valueOn(chans[3]!, 8));
      const s = w!.run({ kind: 'select', arms: [get(chans[0]!), get(chans[1]!), put(chans[2]!, valueOn(chans[2]!, 9)), put(chans[3]!, valueOn(chans[3]!, 10))] });
      await untilRegistered(chans.slice(0, 2), 'rx', `round ${round}`);
      await untilRegistered(chans.slice(2), 'tx', `round ${round}`);
      const i = round % 4;
      if (i < 2) await other!.run({ kind: 'putSync', arm: get(chans[i]!), value: valueOn(chans[i]!, 11) });
      else expect(await other!.run({ kind: 'getSync', arm: get(chans[i]!) })).toEqual(valueOn(chans[i]!, i === 2 ? 7 : 8));
      const r = await within(s, BOUND_MS, `round ${round}`);
      expect(r).toMatchObject({ value: i < 2 ? valueOn(chans[i]!, 11) : true, index: i });
      expectRingWake(r, `round ${round}`);
      expectMasksClear(chans, `round ${round}`);
    }
  });

  test('a timeout racing with a put or a get elsewhere: either the arm completed (and the value moved) or TimeoutError (and nothing moved), never both, never neither', async () => {
    const [w] = selectors();
    const outcomes = { done: 0, timedOut: 0 };
    for (let round = 0; round < 60; round++) {
      const gets = round % 2 === 0;
      const chans = mixed(3, 1);
      const i = round % 3;
      if (!gets) for (const c of chans) c.offer(valueOn(c, 100));
      const v = valueOn(chans[i]!, round);
      const s = w!
        .run({ kind: 'select', arms: chans.map((c, k) => (gets ? get(c) : put(c, valueOn(c, k)))), opts: { timeout: 1 + (round % 4) } })
        .then(
          (r) => ({ ok: true as const, r }),
          (e: Error) => ({ ok: false as const, e }),
        );
      await new Promise((r) => setTimeout(r, round % 5));
      // Make arm i ready, from this thread.
      if (gets) expect(chans[i]!.offer(v)).toBe(true);
      else expect(chans[i]!.poll()).toEqual(valueOn(chans[i]!, 100));
      const out = await within(s, BOUND_MS, `round ${round}`);
      const what = `round ${round} (${gets ? 'get' : 'put'} arms)`;
      if (out.ok) {
        outcomes.done++;
        expect(out.r, what).toMatchObject({ value: gets ? v : true, index: i });
        if (gets) expect(chans[i]!.length, `${what}: the value was taken`).toBe(0);
        else expect(chans[i]!.poll(), `${what}: the put arm's value is in the channel`).toEqual(valueOn(chans[i]!, i));
      } else {
        outcomes.timedOut++;
        expect(out.e.name, what).toBe('TimeoutError');
        if (gets) expect(chans[i]!.poll(), `${what}: the value is still there`).toEqual(v);
        else expect(chans[i]!.length, `${what}: the put arm put nothing`).toBe(0);
      }
      for (const [k, c] of chans.entries()) if (k !== i) expect(c.length, `${what}: channel ${k}`).toBe(gets ? 0 : 1);
      expectMasksClear(chans, what);
    }
    expect(outcomes.done + outcomes.timedOut).toBe(60);
  });

  test('several workers blocked in selects over the same channels: each put wakes one to take it, none is lost or taken twice', async () => {
    const [a, b, c, feeder] = selectors();
    const chans = mixed(3, 2);
    for (let round = 0; round < 4; round++) {
      const selects = [a!, b!, c!].map((s) => s.run({ kind: 'select', arms: chans.map(get) }));
      // Three values, one per selector, from a worker and from here, on varying channels.
      await untilRegistered(chans, 'rx', `round ${round}`);
      const sent: number[] = [];
      for (let k = 0; k < 3; k++) {
        const ch = chans[(round + k) % 3]!;
        const v = valueFor(ch, round + 1, k);
        sent.push(numberOf(v));
        if (k === 1) await feeder!.run({ kind: 'putSync', arm: get(ch), value: v });
        else expect(await ch.put(v)).toBe(true);
      }
      const got = (await within(Promise.all(selects), BOUND_MS, `round ${round}`)).map((r) => numberOf(r.value));
      expect(got.sort(), `round ${round}`).toEqual(sent.sort());
      expectMasksClear(chans, `round ${round}`);
    }
  });

  test('a worker whose own doorbell table differs (it created a channel before attaching ours): selects over our channels ring; over channels of both tables it polls', async () => {
    const [w] = await Selector.start(1, 'own-table');
    try {
      const own = attach((await w!.run({ kind: 'ownChannel' })) as SharedChanHandle);
      const a = f64(1);
      const b = json(1);
      // Over channels of this thread's table only: it sleeps on a doorbell there.
      const s1 = w!.run({ kind: 'select', arms: [get(a), get(b)] });
      await untilRegistered([a, b], 'rx', 'the select over our channels');
      b.offer({ rung: 1 });
      const r1 = await within(s1, BOUND_MS, 'the select over our channels');
      expect(r1).toMatchObject({ value: { rung: 1 }, index: 1 });
      expectRingWake(r1, 'the select over our channels');
      // Over a channel of each table: no common doorbell; it polls and still completes, from either side.
      for (const [k, c] of [a, own].entries()) {
        const s2 = w!.run({ kind: 'select', arms: [get(a), get(own)] });
        for (let i = 0; i < 2000 && selectState(c).rxWaiting === 0; i++) await new Promise((r) => setTimeout(r, 1));
        c.offer(k + 0.25);
        expect(await within(s2, BOUND_MS, `the polling select (${k})`)).toMatchObject({ value: k + 0.25, index: k });
      }
      expectMasksClear([a, b, own], 'after the selects');
    } finally {
      await w!.terminate();
    }
  });
});

describe("Go's select conformance across threads", () => {
  test('TestSelectFairness: a worker selects 10,000 times over two ready and two never-ready channels; each ready one wins 45-55%', async () => {
    const n = 10_000;
    const a = f64(n + 1);
    const b = json(n + 1);
    for (let i = 0; i <= n; i++) {
      a.offer(1);
      b.offer(2);
    }
    const counts = await within(
      selectors()[0]!.run({ kind: 'count', arms: [get(f64(1)), get(a), get(json(1)), get(b)], rounds: n, deadlineMs: DEADLINE_MS }),
      BOUND_MS,
      'the fairness run',
    );
    expect(counts[0]! + counts[2]!, 'never-ready arms won').toBe(0);
    expect(counts[1]! + counts[3]!).toBe(n);
    expect(counts[1]).toBeGreaterThanOrEqual(4_500);
    expect(counts[1]).toBeLessThanOrEqual(5_500);
    // With priority the first ready arm always wins.
    expect(await selectors()[0]!.run({ kind: 'count', arms: [get(a), get(b)], rounds: 100, priority: true, deadlineMs: DEADLINE_MS })).toEqual([100, 0]);
  });

  test('doubleselect: a worker sends 0..n-1 each through a select over 4 put arms; 3 workers select over the 4 channels; every value arrives exactly once', async () => {
    const n = 6_000;
    const [sender, ...receivers] = selectors();
    const chans = mixed(4, 1);
    const received = receivers.map((r) => r.run({ kind: 'consume', arms: chans.map(get), deadlineMs: DEADLINE_MS, maxValues: n + 1 }));
    let produced;
    try {
      produced = await within(sender!.run({ kind: 'produce', arms: chans.map(get), id: 1, count: n, mode: 'any', deadlineMs: DEADLINE_MS }), BOUND_MS, 'the sender');
    } finally {
      for (const c of chans) c.close();
    }
    expect(produced).toMatchObject({ sent: n, ended: 'done' });
    const results = await within(Promise.all(received), BOUND_MS, 'the receivers');
    const streams: Stream[] = results.flatMap((r, i) => r.streams.map((values, k) => ({ name: `receiver ${i} channel ${k}`, values })));
    expect(results.map((r) => r.ended)).toEqual(['closed', 'closed', 'closed']);
    expect(checkDelivery(new Map([[1, n]]), streams)).toEqual([]);
    expect(total(streams)).toBe(n);
  });

  test('doubleselect with two senders and this thread among the receivers (Promise select over the same shared channels)', async () => {
    const n = 2_000;
    const [s1, s2, r1, r2] = selectors();
    const chans = mixed(3, 2);
    const received = [r1!, r2!].map((r) => r.run({ kind: 'consume', arms: chans.map(get), deadlineMs: DEADLINE_MS, maxValues: 2 * n + 1 }));
    const mine = (async (): Promise<Stream[]> => {
      const out: number[][] = chans.map(() => []);
      let open: SharedChan<any>[] = chans.slice();
      const deadline = performance.now() + DEADLINE_MS;
      while (open.length > 0 && performance.now() < deadline) {
        const [v, ch] = await select(open);
        if (v === undefined) open = open.filter((c) => c !== ch);
        else out[chans.indexOf(ch as SharedChan<any>)]!.push(numberOf(v));
      }
      return out.map((values, k) => ({ name: `main channel ${k}`, values }));
    })();
    let produced;
    try {
      produced = await within(
        Promise.all([1, 2].map((id, i) => [s1!, s2!][i]!.run({ kind: 'produce', arms: chans.map(get), id, count: n, mode: 'any', deadlineMs: DEADLINE_MS }))),
        BOUND_MS,
        'the senders',
      );
    } finally {
      for (const c of chans) c.close();
    }
    expect(produced.map((p) => [p.sent, p.ended])).toEqual([
      [n, 'done'],
      [n, 'done'],
    ]);
    const results = await within(Promise.all(received), BOUND_MS, 'the worker receivers');
    const streams: Stream[] = [...results.flatMap((r, i) => r.streams.map((values, k) => ({ name: `receiver ${i} channel ${k}`, values }))), ...(await within(mine, BOUND_MS, 'this thread'))];
    expect(checkDelivery(allAccepted(n), streams)).toEqual([]);
    expect(total(streams)).toBe(2 * n);
  });

  for (const capacity of [0, 1, 10]) {
    test(`TestSelfSelect (capacity ${capacity}): two workers each select 1000 times over a put and a get arm on one channel; nothing is duplicated or lost`, async () => {
      const [w1, w2] = selectors();
      const c = f64(capacity);
      const rounds = 1000;
      const results = await within(
        Promise.all([
          w1!.run({ kind: 'selfSelect', arm: get(c), id: 1, rounds, putFirst: true, deadlineMs: DEADLINE_MS }),
          w2!.run({ kind: 'selfSelect', arm: get(c), id: 2, rounds, putFirst: false, deadlineMs: DEADLINE_MS }),
        ]),
        BOUND_MS,
        'the self-selects',
      );
      expect(results.map((r) => r.ended), 'with a capacity one arm is always ready: no select may block for long').toEqual(['done', 'done']);
      const left: number[] = [];
      for (let v = c.poll(); v !== undefined; v = c.poll()) left.push(v);
      const sent = results.flatMap((r) => r.sent);
      const got = [...results.flatMap((r) => r.received), ...left];
      expect(new Set(sent).size, 'a value was put twice').toBe(sent.length);
      expect(got.slice().sort((x, y) => x - y), 'every value put was received once (or is still in the channel)').toEqual(sent.slice().sort((x, y) => x - y));
      for (const r of results) {
        expect(r.sent.length + r.received.length).toBe(rounds);
        // A select's get arm can only have taken a value put before it: never this round's own.
        for (const v of r.received) {
          const { id, seq } = decode(v);
          const own = results[id - 1]!.sent;
          expect(own, `value ${id}:${seq} was never sent`).toContain(v);
        }
      }
      expect(left.length).toBeLessThanOrEqual(capacity);
      expectMasksClear([c], 'after the self-selects');
    });
  }

  for (const capacity of [0, 1]) {
    test(`select6 (issue 2075, capacity ${capacity}): a select that won on c2 leaves c1 working for a plain receiver and for itself`, async () => {
      // Go: A selects over <-c1 and <-c2; B receives <-c1; c2 <- true lets A win on c2; then
      // A receives <-c1 too. Both later sends on c1 must be received.
      const [a, b, sender] = selectors();
      const c1 = f64(capacity);
      const c2 = json(capacity);
      const sel = a!.run({ kind: 'select', arms: [get(c1), get(c2)] });
      const plain = b!.run({ kind: 'getSync', arm: get(c1), timeout: DEADLINE_MS });
      await untilRegistered([c1, c2], 'rx', 'A');
      await sender!.run({ kind: 'putSync', arm: get(c2), value: { ok: true } });
      expect(await within(sel, BOUND_MS, 'A')).toMatchObject({ value: { ok: true }, index: 1 });
      const again = a!.run({ kind: 'getSync', arm: get(c1), timeout: DEADLINE_MS });
      const sends = [c1.put(1), c1.put(2)];
      expect(await within(Promise.all(sends), BOUND_MS, 'the two sends on c1')).toEqual([true, true]);
      const got = await within(Promise.all([plain, again]), BOUND_MS, 'the two receivers');
      expect((got as number[]).sort()).toEqual([1, 2]);
      expectMasksClear([c1, c2], 'after select6');
    });
  }

  test('TestSelectDuplicateChannel: a select over c, c, d wakes on d; a plain receiver blocked on c still gets the later put to c', async () => {
    const [sel, plain, feeder] = selectors();
    for (const capacity of [0, 1]) {
      const c = f64(capacity);
      const d = json(capacity);
      const s = sel!.run({ kind: 'select', arms: [get(c), get(c), get(d)] });
      await untilRegistered([c, d], 'rx', 'the select');
      const g = plain!.run({ kind: 'getSync', arm: get(c), timeout: DEADLINE_MS });
      await feeder!.run({ kind: 'putSync', arm: get(d), value: { d: 1 } });
      expect(await within(s, BOUND_MS, 'the select')).toMatchObject({ value: { d: 1 }, index: 2 });
      expect(await within(c.put(8), BOUND_MS, 'the put to c')).toBe(true);
      expect(await within(g, BOUND_MS, 'the plain receiver')).toBe(8);
      expectMasksClear([c, d], `capacity ${capacity}`);
    }
  });

  test('select7: every receiver form meets every sender form across threads (capacity 1: 3 x 3; capacity 0: 3 receivers x a plain put)', async () => {
    const [rx, tx] = selectors();
    type Form = 'plain' | 'select1' | 'select2';
    const forms: Form[] = ['plain', 'select1', 'select2'];
    for (const capacity of [1, 0]) {
      for (const recv of forms) {
        for (const send of capacity === 0 ? (['plain'] as Form[]) : forms) {
          const what = `capacity ${capacity}, receiver ${recv}, sender ${send}`;
          const c = f64(capacity);
          const never = json(1); // an extra arm that never becomes ready
          never.offer('full');
          const received =
            recv === 'plain'
              ? rx!.run({ kind: 'getSync', arm: get(c), timeout: DEADLINE_MS })
              : rx!.run({ kind: 'select', arms: recv === 'select1' ? [get(c)] : [get(sharedChan({ capacity: 1 })), get(c)] }).then((r) => r.value);
          // Let the receiver block first (Go's select7 starts it in a goroutine first).
          for (let i = 0; i < 2000 && selectState(c).rxWaiting === 0; i++) await new Promise((r) => setTimeout(r, 1));
          const sent =
            send === 'plain'
              ? tx!.run({ kind: 'putSync', arm: get(c), value: 7, timeout: DEADLINE_MS })
              : tx!.run({ kind: 'select', arms: send === 'select1' ? [put(c, 7)] : [put(never, 'x'), put(c, 7)] }).then((r) => r.value);
          expect(await within(Promise.all([received, sent]), BOUND_MS, what), what).toEqual([7, true]);
          expect(never.poll(), `${what}: the never-ready arm did not act`).toBe('full');
          expect(never.poll()).toBeUndefined();
        }
      }
    }
  });
});

describe('the Promise select on this thread over in-thread channels and shared channels fed by workers', () => {
  test('every value from 2 worker producers (shared) and 2 in-thread producers arrives exactly once, in order per producer and channel', async () => {
    const n = 1_500;
    const [p1, p2, r1] = selectors();
    const shared = [f64(2), json(2)];
    const local: Chan<number>[] = [chan<number>(), chan<number>(3)];
    const produced = [p1!, p2!].map((p, i) =>
      p.run({ kind: 'produce', arms: [get(shared[i]!)], id: i + 1, count: n, mode: 'roundRobin', deadlineMs: DEADLINE_MS }).then((r) => {
        shared[i]!.close();
        return r;
      }),
    );
    // In-thread producers 3 and 4 put with the Promise API (and close when done).
    const localDone = local.map(async (c, i) => {
      for (let s = 0; s < n; s++) if (!(await c.put(encode(i + 3, s)))) return s;
      c.close();
      return n;
    });
    // A worker also selects over the same shared channels, competing with this thread.
    const workerGot = r1!.run({ kind: 'consume', arms: shared.map(get), deadlineMs: DEADLINE_MS, maxValues: 2 * n + 1 });
    const all = [...local, ...shared] as Chan<any>[];
    const out: number[][] = all.map(() => []);
    let open = all.slice();
    const deadline = performance.now() + DEADLINE_MS;
    while (open.length > 0 && performance.now() < deadline) {
      const [v, ch] = await select(open);
      if (v === undefined) open = open.filter((c) => c !== ch);
      else out[all.indexOf(ch!)]!.push(numberOf(v));
    }
    expect(open.length, 'channels still open at the deadline').toBe(0);
    expect((await within(Promise.all(produced), BOUND_MS, 'worker producers')).map((r) => [r.sent, r.ended])).toEqual([
      [n, 'done'],
      [n, 'done'],
    ]);
    expect(await Promise.all(localDone)).toEqual([n, n]);
    const w = await within(workerGot, BOUND_MS, 'the worker receiver');
    expect(w.ended).toBe('closed');
    const streams: Stream[] = [
      ...out.map((values, k) => ({ name: `main arm ${k}`, values })),
      ...w.streams.map((values, k) => ({ name: `worker arm ${k}`, values })),
    ];
    expect(checkDelivery(allAccepted(n, 4), streams)).toEqual([]);
    expect(total(streams)).toBe(4 * n);
    expect(out[0]!.length + out[1]!.length, 'the in-thread channels only reach this thread').toBe(2 * n);
  });

  test("this thread's Promise select put arms (shared and in-thread channels) feed a worker blocked in selectSync", async () => {
    const n = 1_000;
    const [r1] = selectors();
    const shared = [f64(1), json(1)];
    const local = chan<number>(); // nobody ever takes from it: its put arm never wins
    const got = r1!.run({ kind: 'consume', arms: shared.map(get), deadlineMs: DEADLINE_MS, maxValues: n + 1 });
    const wins = [0, 0];
    for (let s = 0; s < n; s++) {
      const [ok, ch] = await within(select([[local, -1], [shared[0]!, encode(1, s)], [shared[1]!, { p: 1, s }]]), BOUND_MS, `put ${s}`);
      expect(ok).toBe(true);
      expect(ch).not.toBe(local);
      wins[shared.indexOf(ch as SharedChan<any>)]!++;
    }
    for (const c of shared) c.close();
    const r = await within(got, BOUND_MS, 'the worker');
    expect(r.ended).toBe('closed');
    expect(checkDelivery(new Map([[1, n]]), r.streams.map((values, k) => ({ name: `arm ${k}`, values })))).toEqual([]);
    expect(r.streams.map((s) => s.length)).toEqual(wins);
    expect(local.poll()).toBeUndefined();
  });
});
