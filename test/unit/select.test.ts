/** select: validation, choice (random, priority, default), withdrawal of losing arms, abort. */
import { describe, expect, test } from 'vitest';
import { chan, MAX_PENDING, select, type Chan } from '../../src/index.js';
import { flush, isPending, track } from '../contract/pending.js';

function queued(c: Chan<unknown>): void {
  (c as unknown as { checkInvariants(): void }).checkInvariants();
}

describe('select validation comes before any arm acts', () => {
  test('a put arm with undefined throws TypeError and the ready get arm keeps its value', () => {
    const ready = chan<number>(1);
    ready.offer(1);
    const other = chan<unknown>();
    expect(() => select([ready, [other, undefined]], { priority: true })).toThrow(TypeError);
    expect(ready.poll()).toBe(1);
  });

  test.each([
    ['a number', 3],
    ['null', null],
    ['a promise', Promise.resolve(1)],
    ['a one-element array', [chan()]],
    ['a three-element array', [chan(), 1, 2]],
    ['a pair whose first element is not a channel', [{}, 1]],
  ])('a non-channel arm (%s) is a TypeError naming the arm', (_, arm) => {
    const c = chan<number>(1);
    c.offer(1);
    expect(() => select([c, arm as never])).toThrow(TypeError);
    expect(() => select([c, arm as never])).toThrow(/arm 1/);
    expect(c.poll()).toBe(1);
  });

  test('ops must be an array', () => {
    expect(() => select(chan() as never)).toThrow(TypeError);
  });

  test('an empty select without default throws; with default it resolves the default', async () => {
    expect(() => select([])).toThrow(/nothing could ever complete/);
    expect(await select([], { default: 7 })).toEqual([7, null]);
  });
});

describe('select choice', () => {
  test('uniform random choice among ready arms (4 ready arms, 8000 selects)', async () => {
    const chans = [0, 1, 2, 3].map(() => chan<number>(1));
    const wins = new Map<Chan<number>, number>(chans.map((c) => [c, 0]));
    for (let i = 0; i < 8000; i++) {
      for (const c of chans) c.offer(1);
      const [, c] = await select(chans);
      wins.set(c as Chan<number>, wins.get(c as Chan<number>)! + 1);
      for (const d of chans) d.poll();
    }
    // Expected 2000 each; sigma ~ 39, so +-300 is over 7 sigma.
    for (const n of wins.values()) expect(Math.abs(n - 2000)).toBeLessThan(300);
  });

  test('priority takes the first ready arm in array order', async () => {
    const a = chan<number>(1);
    const b = chan<number>(1);
    for (let i = 0; i < 100; i++) {
      a.offer(1);
      b.offer(2);
      expect(await select([b, a], { priority: true })).toEqual([2, b]);
      expect(a.poll()).toBe(1);
    }
  });

  test('a ready arm is never pre-empted by default', async () => {
    const c = chan<number>(1);
    for (let i = 0; i < 200; i++) {
      c.offer(i);
      expect(await select([chan(), c, chan()], { default: 'none' })).toEqual([i, c]);
    }
  });

  test('default may be any value, undefined included', async () => {
    expect(await select([chan()], { default: undefined })).toEqual([undefined, null]);
    expect(await select([chan()], { default: null })).toEqual([null, null]);
  });

  test('a put arm on a closed channel is ready at once with false, and nothing else stays registered', async () => {
    const open = chan<number>();
    const closed = chan<number>();
    closed.close();
    for (let i = 0; i < 3 * MAX_PENDING; i++) {
      expect(await select([open, [closed, 1]])).toEqual([false, closed]);
    }
    expect(open.offer(1)).toBe(false); // no leftover get arm took it
    queued(open);
  });
});

describe('parked select', () => {
  test('exactly one arm completes; the losers are withdrawn at once', async () => {
    const a = chan<number>();
    const b = chan<number>();
    const out = chan<number>();
    const s = select([a, b, [out, 9]]);
    expect(await isPending(s)).toBe(true);
    const put = track(b.put(2));
    expect(await s).toEqual([2, b]);
    await flush();
    expect(put.value).toBe(true);
    // The losers left nothing behind.
    expect(a.offer(1)).toBe(false);
    expect(out.poll()).toBeUndefined();
    for (const c of [a, b, out]) queued(c);
  });

  test('a put arm completes when a getter arrives, and the value reaches that getter', async () => {
    const a = chan<number>();
    const out = chan<string>();
    const s = select([a, [out, 'hello']]);
    expect(await out.get()).toBe('hello');
    expect(await s).toEqual([true, out]);
  });

  test('closing the channel of a parked get arm completes the select with undefined', async () => {
    const a = chan<number>();
    const b = chan<number>();
    const s = select([a, b]);
    b.close();
    expect(await s).toEqual([undefined, b]);
  });

  test('a parked put arm stays deliverable after its channel closes (core.async)', async () => {
    const out = chan<number>();
    const s = select([[out, 5]]);
    out.close();
    expect(await isPending(s)).toBe(true);
    expect(await out.get()).toBe(5);
    expect(await s).toEqual([true, out]);
  });

  test('abort withdraws every arm and rejects with the reason', async () => {
    const a = chan<number>();
    const out = chan<number>();
    const ac = new AbortController();
    const s = select([a, [out, 1]], { signal: ac.signal });
    ac.abort();
    await expect(s).rejects.toMatchObject({ name: 'AbortError' });
    expect(a.offer(1)).toBe(false);
    expect(out.poll()).toBeUndefined();
  });

  test('abort after the select completed changes nothing', async () => {
    const a = chan<number>();
    const ac = new AbortController();
    const s = select([a], { signal: ac.signal });
    await a.put(1);
    ac.abort();
    expect(await s).toEqual([1, a]);
  });

  test('hitting the pending limit on one arm rejects the select and withdraws its other arms', async () => {
    const crowded = chan<number>();
    const spare = chan<number>();
    const gets = Array.from({ length: MAX_PENDING }, () => crowded.get());
    await expect(select([spare, crowded], { priority: true })).rejects.toThrow(/1024/);
    expect(spare.offer(1)).toBe(false); // the spare arm was withdrawn
    crowded.close();
    await Promise.all(gets);
  });

  test('a select on the same channel twice (get arms) takes one value', async () => {
    const c = chan<number>();
    const s = select([c, c]);
    await c.put(1);
    expect(await s).toEqual([1, c]);
    expect(c.offer(2)).toBe(false);
    queued(c);
  });
});

describe('a select never pairs with itself', () => {
  // aiochan crashed with AttributeError when a select held a put and a get arm on the same
  // unbuffered channel and tried to match them. Go specifies that such a select blocks.
  test('regression (aiochan): put and get arms on one unbuffered channel block, then pair with others', async () => {
    const c = chan<number>();
    const s = select([c, [c, 1]]);
    expect(await isPending(s)).toBe(true);
    expect(await c.get()).toBe(1);
    expect(await s).toEqual([true, c]);

    const s2 = select([[c, 1], c]);
    await c.put(2);
    expect(await s2).toEqual([2, c]);
    queued(c);
  });

  test('two self-selects pair with each other and never receive their own value', async () => {
    const c = chan<number>();
    const run = async (me: number): Promise<number[]> => {
      const got: number[] = [];
      for (let i = 0; i < 500; i++) {
        const [v] = await select(me === 0 ? [[c, me], c] : [c, [c, me]]);
        if (typeof v === 'number') got.push(v);
      }
      return got;
    };
    const [a, b] = await Promise.all([run(0), run(1)]);
    expect(a.every((v) => v === 1)).toBe(true);
    expect(b.every((v) => v === 0)).toBe(true);
  });
});
