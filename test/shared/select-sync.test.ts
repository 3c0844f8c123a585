/**
 * `selectSync` (API.md section 4, src/shared/select-sync.ts Y1-Y3): its input checks (pass 0:
 * nothing acts when anything is wrong), `default`, `priority`, closed channels, timeouts, the
 * result's identity, numbers and objects mixed, on this thread; and, with a worker blocked in
 * it, that whatever way it ends (a value, a timeout, a decode error) its doorbell slot is free
 * again and no select mask still names it (Y3), whichever slot it got (word 0 or 1 of the
 * masks, the sign bit, the last slot, none free) and when its channels share no doorbell
 * table at all (then it polls).
 */
import { describe, expect, test } from 'vitest';
import { chan, select, selectSync, sharedChan, type SharedChan } from '../../src/index.js';
import { DOORBELL_SLOTS } from '../../src/shared/layout.js';
import { POISON, taggedCodec } from './workers/object-codecs.js';
import { within } from './workers/pool.js';
import { bitsOf, get, heldSlots, holdSlots, put, selectState, untilRegistered, useSelectors } from './workers/selector-client.js';

const f64 = (capacity = 2): SharedChan => sharedChan({ type: 'f64', capacity });
const json = (capacity = 2): SharedChan<any> => sharedChan<any>({ capacity });
const BOUND_MS = 8_000;

/** Nothing registered: every mask word and WAITING flag of every channel is 0, and no doorbell slot is held. */
function expectUntouched(chans: SharedChan<any>[], what: string): void {
  for (const [i, c] of chans.entries()) {
    expect(selectState(c), `${what}: channel ${i}`).toEqual({ rxMask: [0, 0, 0, 0], txMask: [0, 0, 0, 0], rxWaiting: 0, txWaiting: 0 });
  }
  expect(heldSlots(chans[0]!), `${what}: doorbell slots held`).toEqual([0, 0, 0, 0]);
}

/** Y3: no mask of any channel names a slot, and no slot is held. */
function expectReleased(chans: SharedChan<any>[], what: string): void {
  for (const [i, c] of chans.entries()) {
    const s = selectState(c);
    expect([s.rxMask, s.txMask], `${what}: select masks of channel ${i}`).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  }
  expect(heldSlots(chans[0]!), `${what}: doorbell slots held`).toEqual([0, 0, 0, 0]);
}

describe('selectSync: bad input throws before any arm acts', () => {
  test('ops that are not an array: TypeError', () => {
    const a = f64();
    for (const ops of ['x', 5, null, undefined, {}, a, new Set([a])]) {
      expect(() => selectSync(ops as never), String(ops)).toThrow(TypeError);
    }
  });

  test('an in-thread channel, as a get or a put arm, is a TypeError that says to use select()', () => {
    const ready = f64();
    ready.offer(1);
    for (const bad of [chan<number>(), chan<number>(3), [chan<number>(1), 5]]) {
      expect(() => selectSync([ready, bad] as never, { priority: true })).toThrow(TypeError);
      expect(() => selectSync([ready, bad] as never, { priority: true })).toThrow(/select\(\)/);
    }
    expect(ready.length, 'the ready shared arm before it did not act').toBe(1);
  });

  test('arms that are neither a shared channel nor a [sharedChannel, value] pair: TypeError', () => {
    const a = f64();
    a.offer(1);
    for (const bad of [null, undefined, 5, 'c', [a], [a, 1, 2], [1, a], { ch: a }, [[a, 1]]]) {
      expect(() => selectSync([a, bad] as never, { priority: true }), JSON.stringify(bad) ?? String(bad)).toThrow(TypeError);
    }
    expect(a.length).toBe(1);
  });

  test('a hole in a sparse ops array is an arm that is not a shared channel: TypeError, as for select(), and no arm acts', () => {
    const a = f64();
    a.offer(1);
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [a, , a] as never;
    expect(() => select(sparse)).toThrow(TypeError);
    expect(() => selectSync(sparse)).toThrow(TypeError);
    expect(() => selectSync(sparse, { priority: true, default: 'd' })).toThrow(TypeError);
    expect(() => selectSync(new Array(2) as never, { default: 'd' })).toThrow(TypeError);
    expect(a.length).toBe(1);
  });

  test('a put arm with undefined, a wrong type, an out-of-range or an unencodable value: no arm acts', () => {
    const ready = f64(); // holds a value: a get arm on it is ready
    ready.offer(7);
    const room = f64(); // has room: a put arm on it is ready
    const obj = json();
    obj.offer({ n: 1 });
    const cases: [unknown, SharedChan<any>, unknown, ErrorConstructor][] = [
      ['undefined on f64', f64(), undefined, TypeError],
      ['undefined on json', json(), undefined, TypeError],
      ['a string on f64', f64(), '1', TypeError],
      ['300 on u8', sharedChan({ type: 'u8', capacity: 1 }), 300, RangeError],
      ['-1 on u32', sharedChan({ type: 'u32', capacity: 1 }), -1, RangeError],
      ['1.5 on i32', sharedChan({ type: 'i32', capacity: 1 }), 1.5, RangeError],
      ['a bigint on json', json(), 1n, TypeError],
      ['a function on json', json(), () => 1, TypeError],
      ['a symbol on json', json(), Symbol('s'), TypeError],
    ];
    for (const [what, ch, value, type] of cases) {
      for (const priority of [true, false]) {
        // The bad arm is last: in array order every other arm would have completed first.
        expect(() => selectSync([ready, [room, 1], obj, [ch, value]], { priority }), String(what)).toThrow(type);
      }
      expect(ch.length, `${String(what)}: nothing entered the bad arm's channel`).toBe(0);
    }
    expect([ready.length, room.length, obj.length], 'no other arm acted').toEqual([1, 0, 1]);
    expect(ready.poll()).toBe(7);
    expect(obj.poll()).toEqual({ n: 1 });
  });

  test('a put arm on a rendezvous shared channel: another ready arm wins and nothing is left exposed; default; closed; two are a TypeError', () => {
    const ready = f64();
    ready.offer(1);
    const rv = f64(0);
    expect(selectSync([ready, [rv, 2]], { priority: true })).toEqual([1, ready]);
    expect(rv.length).toBe(0); // its value never entered the ring
    expect(selectSync([[json(0), { a: 1 }]], { default: 0 })).toEqual([0, null]);
    expect(() => selectSync([[rv, 1], [f64(0), 2]])).toThrow(/second put arm on a rendezvous/);
    expect(() => selectSync([[rv, undefined]])).toThrow(TypeError);
    rv.close();
    expect(selectSync([[rv, 2]])).toEqual([false, rv]);
    // A get arm on a rendezvous channel is fine.
    expect(selectSync([rv])).toEqual([undefined, rv]);
  });

  test('no arms and no default: TypeError (nothing could ever complete); with a default: the default', () => {
    expect(() => selectSync([])).toThrow(TypeError);
    expect(() => selectSync([], {})).toThrow(TypeError);
    expect(() => selectSync([], { timeout: 10 })).toThrow(TypeError);
    expect(selectSync([], { default: 'd' })).toEqual(['d', null]);
    expect(selectSync([], { default: undefined })).toEqual([undefined, null]);
  });

  test('a bad timeout or options: TypeError / RangeError, and no arm acts', () => {
    const a = f64();
    a.offer(1);
    const room = f64();
    const cases: [unknown, ErrorConstructor][] = [
      [{ timeout: -1 }, RangeError],
      [{ timeout: NaN }, RangeError],
      [{ timeout: -Infinity }, RangeError],
      [{ timeout: '5' }, TypeError],
      [{ timeout: null }, TypeError],
      [{ timeout: 5n }, TypeError],
      [5, TypeError],
      ['opts', TypeError],
    ];
    for (const [opts, type] of cases) {
      expect(() => selectSync([a, [room, 2]], opts as never), JSON.stringify(opts, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).toThrow(type);
    }
    expect([a.length, room.length]).toEqual([1, 0]);
  });
});

describe('selectSync on one thread', () => {
  test('default with nothing ready: [default, null], and nothing registered (masks, WAITING flags, slots untouched)', () => {
    const chans = [f64(), json(), f64(1), json(1)];
    chans[2]!.offer(1); // full: its put arm is not ready
    chans[3]!.offer({ full: true });
    const arms = [chans[0]!, chans[1]!, [chans[2]!, 5] as const, [chans[3]!, { x: 1 }] as const];
    for (const d of ['none', 0, null, undefined, { d: 1 }]) {
      for (const priority of [true, false]) {
        const r = selectSync(arms, { default: d, priority });
        expect(r).toEqual([d, null]);
        if (typeof d === 'object' && d !== null) expect(r[0]).toBe(d);
      }
    }
    expectUntouched(chans, 'after defaults');
    expect(chans.map((c) => c.length)).toEqual([0, 0, 1, 1]);
    // A ready arm wins over the default.
    chans[0]!.offer(3);
    expect(selectSync(arms, { default: 'none' })).toEqual([3, chans[0]]);
  });

  test('priority: the first ready arm in array order, every time', () => {
    const a = f64(64);
    const b = f64(64);
    const c = json(64);
    for (let i = 0; i < 50; i++) {
      b.offer(i);
      c.offer({ i });
    }
    for (let i = 0; i < 50; i++) {
      expect(selectSync([a, b, c], { priority: true })).toEqual([i, b]);
    }
    for (let i = 0; i < 50; i++) expect(selectSync([a, b, c], { priority: true })).toEqual([{ i }, c]);
    // Put arms in order too: the first with room takes the value.
    const full = f64(1);
    full.offer(0);
    for (let i = 0; i < 64; i++) expect(selectSync([[full, -1], [a, i], [b, -2]], { priority: true })).toEqual([true, a]);
    expect(a.length).toBe(64);
    expect(selectSync([[full, -1], [a, 99], [b, 7]], { priority: true })).toEqual([true, b]);
    expect(b.poll()).toBe(7);
  });

  test('without priority the choice is uniform: 10,000 selects over two ready and two never-ready channels, each 45-55%', () => {
    // Go's TestSelectFairness (chan_test.go): |count - 5000| <= 500 is 10 standard deviations.
    const n = 10_000;
    const a = f64(n + 1);
    const b = f64(n + 1);
    for (let i = 0; i <= n; i++) {
      a.offer(1);
      b.offer(2);
    }
    const idle1 = f64();
    const idle2 = json();
    let fromA = 0;
    for (let i = 0; i < n; i++) {
      const [v, ch] = selectSync([idle1, a, idle2, b]);
      expect(ch === a ? 1 : 2).toBe(v);
      if (ch === a) fromA++;
    }
    expect(fromA).toBeGreaterThanOrEqual(4_500);
    expect(fromA).toBeLessThanOrEqual(5_500);
    // The same for put arms: two with room, one full.
    const full = f64(1);
    full.offer(0);
    const p = f64(n);
    const q = f64(n);
    for (let i = 0; i < n; i++) selectSync([[p, 1], [full, 2], [q, 3]]);
    expect(p.length + q.length).toBe(n);
    expect(p.length).toBeGreaterThanOrEqual(4_500);
    expect(p.length).toBeLessThanOrEqual(5_500);
  });

  test("the result's channel is the very object passed, for get and put arms", () => {
    const a = f64();
    const b = json();
    a.offer(1);
    const r1 = selectSync([a]);
    expect(r1[1]).toBe(a);
    const r2 = selectSync([[b, { k: 1 }]]);
    expect(r2).toEqual([true, b]);
    expect(r2[1]).toBe(b);
    const r3 = selectSync([b]);
    expect(r3[0]).toEqual({ k: 1 });
    expect(r3[1]).toBe(b);
  });

  test('a get arm on a closed channel delivers what was in it, then [undefined, ch]; never waits', () => {
    const a = f64(4);
    const b = json(4);
    a.offer(1);
    a.offer(2);
    b.offer('x');
    a.close();
    b.close();
    expect(selectSync([a, b], { priority: true })).toEqual([1, a]);
    expect(selectSync([a, b], { priority: true })).toEqual([2, a]);
    // `a` is closed and drained now: its arm is ready, with undefined.
    expect(selectSync([a, b], { priority: true })).toEqual([undefined, a]);
    expect(selectSync([b, a], { priority: true })).toEqual(['x', b]);
    expect(selectSync([b, a], { priority: true })).toEqual([undefined, b]);
    // An open empty channel next to a closed drained one: the closed arm is ready.
    const open = f64();
    for (let i = 0; i < 20; i++) expect(selectSync([open, a])).toEqual([undefined, a]);
    expect(selectSync([open, a], { default: 'd' })).toEqual([undefined, a]);
    expect(selectSync([open, a], { timeout: 0 })).toEqual([undefined, a]);
  });

  test('a put arm on a closed channel: [false, ch], the value not enqueued; a closed arm beats waiting', () => {
    const a = f64(4);
    const b = json(4);
    a.close();
    b.close();
    expect(selectSync([[a, 1]])).toEqual([false, a]);
    expect(selectSync([[b, { v: 1 }]])).toEqual([false, b]);
    const full = f64(1);
    full.offer(9);
    for (let i = 0; i < 20; i++) expect(selectSync([[full, 1], [a, 2]], { timeout: 0 })).toEqual([false, a]);
    expect([a.length, b.length, full.length]).toEqual([0, 0, 1]);
    expect(a.poll()).toBeUndefined();
    expect(full.poll()).toBe(9);
  });

  test('timeout: TimeoutError (name), nothing transferred, nothing left registered (Y3)', () => {
    const empty = f64();
    const emptyObj = json();
    const full = f64(1);
    full.offer(5);
    const fullObj = json(1);
    fullObj.offer({ old: true });
    const chans = [empty, emptyObj, full, fullObj];
    for (const timeout of [0, 5]) {
      let err: unknown;
      try {
        selectSync([empty, emptyObj, [full, 6], [fullObj, { neu: true }]], { timeout });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('TimeoutError');
      expectReleased(chans, `after a ${timeout} ms timeout`);
    }
    expect(chans.map((c) => c.length)).toEqual([0, 0, 1, 1]);
    expect(full.poll()).toBe(5);
    expect(fullObj.poll()).toEqual({ old: true });
    // A channel still works normally afterwards, here too.
    empty.offer(1);
    expect(selectSync([empty, emptyObj], { timeout: 5 })).toEqual([1, empty]);
  });

  test('numbers and objects mixed: each arm moves its own kind of value; objects arrive as equal copies', () => {
    const nums = f64(8);
    const i8 = sharedChan({ type: 'i8', capacity: 8 });
    const objs = json(8);
    const msg = { s: 'é€😀', list: [1, null, true, ''], nested: { n: -0.5 } };
    expect(selectSync([[nums, 1.25], [objs, msg]], { priority: true })).toEqual([true, nums]);
    expect(selectSync([[nums, 2], [objs, msg]], { priority: true })).toEqual([true, nums]);
    const full = f64(1);
    full.offer(0);
    expect(selectSync([[full, 3], [objs, msg], [i8, -128]], { priority: true })).toEqual([true, objs]);
    expect(selectSync([[full, 3], [i8, -128], [objs, msg]], { priority: true })).toEqual([true, i8]);
    const got = selectSync([objs, nums], { priority: true });
    expect(got[0]).toEqual(msg);
    expect(got[0]).not.toBe(msg);
    expect(got[1]).toBe(objs);
    expect(selectSync([objs, i8, nums], { priority: true })).toEqual([-128, i8]);
    expect(selectSync([objs, i8, nums], { priority: true })).toEqual([1.25, nums]);
    // Falsy values are values.
    for (const v of [0, null, false, '', NaN]) {
      const ch = typeof v === 'number' ? nums : objs;
      expect(selectSync([[ch, v]])).toEqual([true, ch]);
    }
    const rest: unknown[] = [];
    for (let r = selectSync([nums, objs], { priority: true, default: 'end' }); r[0] !== 'end'; r = selectSync([nums, objs], { priority: true, default: 'end' })) rest.push(r[0]);
    expect(rest).toEqual([2, 0, NaN, null, false, '']);
  });

  test('a put arm and a get arm on one buffered channel: it puts when empty, gets when full, never both (TestSelfSelect, one thread)', () => {
    const c = f64(1);
    for (let i = 0; i < 500; i++) {
      const arms = i % 4 < 2 ? [[c, i] as const, c] : [c, [c, i] as const];
      const r = selectSync(arms);
      if (i % 2 === 0) {
        expect(r, `round ${i}: empty channel`).toEqual([true, c]);
        expect(c.length).toBe(1);
      } else {
        expect(r, `round ${i}: full channel holds the previous round's value`).toEqual([i - 1, c]);
        expect(c.length).toBe(0);
      }
    }
    expectReleased([c], 'after the self-selects');
  });

  test('TestPseudoRandomSend: 100 selects of two put arms on one channel (capacity 100) send each value more than 10 times', () => {
    const c = f64(100);
    for (let i = 0; i < 100; i++) expect(selectSync([[c, 1], [c, 0]])).toEqual([true, c]);
    const counts = [0, 0];
    for (let v = selectSync([c], { default: -1 })[0]; v !== -1; v = selectSync([c], { default: -1 })[0]) counts[v as number]!++;
    expect(counts[0]! + counts[1]!).toBe(100);
    expect(counts[0]).toBeGreaterThan(10);
    expect(counts[1]).toBeGreaterThan(10);
  });

  test('put arms on sliding and dropping channels are always ready: the policy applies', () => {
    for (const make of [() => sharedChan({ type: 'f64', capacity: 1, policy: 'sliding' }), () => sharedChan<any>({ capacity: 1, policy: 'sliding' })]) {
      const c = make();
      c.offer(1);
      const full = f64(1);
      full.offer(0);
      expect(selectSync([[full, 9], [c, 2]], { timeout: 0 })).toEqual([true, c]);
      expect([c.poll(), c.poll()], 'sliding: the oldest was dropped').toEqual([2, undefined]);
    }
    const d = sharedChan({ type: 'f64', capacity: 1, policy: 'dropping' });
    d.offer(1);
    expect(selectSync([[d, 2]], { timeout: 0 })).toEqual([true, d]);
    expect([d.poll(), d.poll()], 'dropping: the new value was dropped').toEqual([1, undefined]);
  });

  test("this thread's parked Promise operations keep their place (per-thread FIFO): selectSync serves them first", async () => {
    // A Promise get parked here gets the next value; a selectSync after it waits for the one after.
    const c = f64(2);
    const parked = c.get();
    c.offer(1);
    expect(() => selectSync([c], { timeout: 5 })).toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    c.offer(2);
    expect(selectSync([c], { timeout: 5 })).toEqual([2, c]);
    expect(await parked).toBe(1);
    // A Promise put parked here on a full channel enters once a selectSync get made room.
    const full = f64(1);
    full.offer(10);
    const put = full.put(11);
    expect(selectSync([full])).toEqual([10, full]);
    expect(await put).toBe(true);
    expect(full.poll()).toBe(11);
    // A rendezvous put parked here is taken by a selectSync get arm, and then resolves true.
    const rv = f64(0);
    const handed = rv.put(5);
    expect(selectSync([rv], { timeout: 100 })).toEqual([5, rv]);
    expect(await handed).toBe(true);
    // A Promise get parked here receives a selectSync put arm's value.
    const e = json(1);
    const waiting = e.get();
    expect(selectSync([[e, { to: 'parked' }]])).toEqual([true, e]);
    expect(await waiting).toEqual({ to: 'parked' });
    expect(e.length).toBe(0);
    expectReleased([c, full, rv, e], 'after the mixed calls');
  });

  test('the same channel in several arms is fine', () => {
    const c = f64(4);
    c.offer(1);
    expect(selectSync([c, c, c])).toEqual([1, c]);
    expect(selectSync([[c, 2], [c, 3]], { priority: true })).toEqual([true, c]);
    expect(c.poll()).toBe(2);
    expect(() => selectSync([c, c], { timeout: 1 })).toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    expectReleased([c], 'after the timeout');
  });
});

describe('selectSync in a worker: whatever way it ends, its slot is free and no mask names it (Y3)', () => {
  const selectors = useSelectors(1, 'select-sync');

  test('woken by a put from this thread: returns the value; slot released, masks clear', async () => {
    const chans = [f64(), json(), f64(1), json(1)];
    chans[2]!.offer(0);
    chans[3]!.offer({ full: 1 });
    const s = selectors()[0]!.run({ kind: 'select', arms: [get(chans[0]!), get(chans[1]!), put(chans[2]!, 5), put(chans[3]!, { p: 1 })] });
    const slots = await untilRegistered([chans[0]!, chans[1]!], 'rx', 'get arms');
    expect(slots).toHaveLength(1);
    await untilRegistered([chans[2]!, chans[3]!], 'tx', 'put arms');
    expect(bitsOf(heldSlots(chans[0]!))).toEqual(slots);
    chans[1]!.offer({ hello: 'there' });
    expect(await within(s, BOUND_MS, 'the select')).toMatchObject({ value: { hello: 'there' }, index: 1 });
    expectReleased(chans, 'after it returned');
    expect(chans.map((c) => c.length)).toEqual([0, 0, 1, 1]);
  });

  test('a TimeoutError while asleep: slot released, masks clear, nothing moved', async () => {
    const chans = [f64(), json(), f64(1)];
    chans[2]!.offer(1);
    const s = selectors()[0]!.run({ kind: 'select', arms: [get(chans[0]!), get(chans[1]!), put(chans[2]!, 2)], opts: { timeout: 50 } });
    await expect(within(s, BOUND_MS, 'the select')).rejects.toMatchObject({ name: 'TimeoutError' });
    expectReleased(chans, 'after the timeout');
    expect(chans.map((c) => c.length)).toEqual([0, 0, 1]);
    expect(chans[2]!.poll()).toBe(1);
  });

  test('a message that cannot be decoded arrives while it sleeps: that error is thrown; slot released, masks clear; the next select works', async () => {
    const tagged = sharedChan<string>({ codec: taggedCodec('tagged'), capacity: 2 });
    const other = f64();
    const arms = [{ handle: tagged.handle, tagged: true }, get(other)];
    const s = selectors()[0]!.run({ kind: 'select', arms });
    await untilRegistered([tagged, other], 'rx', 'the select');
    tagged.offer(POISON);
    await expect(within(s, BOUND_MS, 'the select')).rejects.toThrow(/refusing to decode/);
    expectReleased([tagged, other], 'after the decode error');
    expect(tagged.length, 'the poisoned message was consumed').toBe(0);
    const again = selectors()[0]!.run({ kind: 'select', arms });
    await untilRegistered([tagged, other], 'rx', 'the second select');
    tagged.offer('fine');
    expect(await within(again, BOUND_MS, 'the second select')).toMatchObject({ value: 'fine', index: 0 });
    expectReleased([tagged, other], 'after the second select');
  });

  // Other slots held (as if other threads were blocked in selects) push the worker's select
  // into later slots: bit 31 (the sign bit of mask word 0), mask word 1, the last slot.
  for (const [label, heldCount, expected] of [
    ['slot 31 (the sign bit of mask word 0)', 31, 31],
    ['slot 32 (mask word 1)', 32, 32],
    ['slot 127 (the last)', 127, 127],
  ] as const) {
    test(`a select in ${label} is woken by a put and by a close`, async () => {
      const a = f64();
      const b = json();
      const release = holdSlots(a, Array.from({ length: heldCount }, (_, t) => t));
      try {
        for (const wake of ['put', 'close'] as const) {
          const s = selectors()[0]!.run({ kind: 'select', arms: [get(a), get(b)] });
          expect(await untilRegistered([a, b], 'rx', `the select (${wake})`)).toEqual([expected]);
          if (wake === 'put') b.offer({ w: expected });
          else a.close();
          const r = await within(s, BOUND_MS, `the select in slot ${expected} (${wake})`);
          expect(r).toMatchObject(wake === 'put' ? { value: { w: expected }, index: 1 } : { value: undefined, index: 0 });
          expect(r.doorbellWaits.at(-1), 'its last sleep ended by a ring, not the safety timeout').not.toBe('timed-out');
          for (const c of [a, b]) expect([selectState(c).rxMask, selectState(c).txMask]).toEqual([[0, 0, 0, 0], [0, 0, 0, 0]]);
          expect(bitsOf(heldSlots(a))).not.toContain(expected);
        }
      } finally {
        release();
      }
      expectReleased([a, b], 'after the slots were given back');
    });
  }

  test('with every doorbell slot held it still completes (it polls), and registers no mask bit', async () => {
    const a = f64();
    const b = json();
    const release = holdSlots(a, Array.from({ length: DOORBELL_SLOTS }, (_, t) => t));
    try {
      const s = selectors()[0]!.run({ kind: 'select', arms: [get(a), get(b)] });
      // It cannot register in a mask; wait until it set a WAITING flag instead (it is in pass 2).
      for (let i = 0; i < 2000 && selectState(a).rxWaiting === 0; i++) await new Promise((r) => setTimeout(r, 1));
      b.offer({ polled: true });
      expect(await within(s, BOUND_MS, 'the polling select')).toMatchObject({ value: { polled: true }, index: 1 });
      for (const c of [a, b]) expect(selectState(c).rxMask).toEqual([0, 0, 0, 0]);
      expect(heldSlots(a)).toEqual([-1, -1, -1, -1]);
    } finally {
      release();
    }
    expectReleased([a, b], 'after the slots were given back');
  });

  test('channels whose handles carry no doorbell table (older handles): it polls, and completes', async () => {
    const a = f64();
    const b = f64();
    // A handle without `doorbells`, as an older sabchan would make: attach in the worker
    // gives a channel that rings no doorbell.
    const bare = (c: SharedChan) => ({ handle: { sabchan: 'shared-channel' as const, buffer: c.handle.buffer } });
    const s = selectors()[0]!.run({ kind: 'select', arms: [bare(a), bare(b)] });
    for (let i = 0; i < 2000 && selectState(b).rxWaiting === 0; i++) await new Promise((r) => setTimeout(r, 1));
    b.offer(4);
    expect(await within(s, BOUND_MS, 'the select')).toMatchObject({ value: 4, index: 1 });
    expectReleased([a, b], 'after it returned');
  });
});
