/** chan(), buffers.*, promiseChan() and timeout(): construction, policies and bad input. */
import { describe, expect, test } from 'vitest';
import { buffers, chan, promiseChan, select, timeout } from '../../src/index.js';
import { flush, isPending, track } from '../contract/pending.js';

describe('chan() arguments', () => {
  test('chan() and chan(0) are unbuffered: a put waits for a getter', async () => {
    for (const c of [chan<number>(), chan<number>(0)]) {
      expect(await isPending(c.put(1))).toBe(true);
      expect(await c.get()).toBe(1);
    }
  });

  test('chan(n) and buffers.fixed(n) buffer n values', async () => {
    for (const c of [chan<number>(3), chan<number>(buffers.fixed(3))]) {
      expect([c.offer(1), c.offer(2), c.offer(3), c.offer(4)]).toEqual([true, true, true, false]);
    }
  });

  test('a large fixed buffer costs nothing up front and grows as it fills', () => {
    const c = chan<number>(1_000_000);
    for (let i = 0; i < 5000; i++) expect(c.offer(i)).toBe(true);
    for (let i = 0; i < 5000; i++) expect(c.poll()).toBe(i);
  });

  test.each([
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('chan(%s) is a RangeError that names the value', (_, n) => {
    expect(() => chan(n)).toThrow(RangeError);
    expect(() => chan(n)).toThrow(String(n));
  });

  test.each([
    ['a string', '3'],
    ['null', null],
    ['a plain object', { kind: 'fixed', size: 3 }],
    ['a boolean', true],
  ])('chan(%s) is a TypeError', (_, arg) => {
    expect(() => chan(arg as never)).toThrow(TypeError);
    expect(() => chan(arg as never)).toThrow(/buffers\.fixed\|sliding\|dropping/);
  });

  test.each(['fixed', 'sliding', 'dropping'] as const)('buffers.%s rejects sizes below 1 and non-numbers', (kind) => {
    expect(() => buffers[kind](0)).toThrow(RangeError);
    expect(() => buffers[kind](-2)).toThrow(RangeError);
    expect(() => buffers[kind](2.5)).toThrow(RangeError);
    expect(() => buffers[kind]('2' as never)).toThrow(TypeError);
    expect(() => buffers[kind](0)).toThrow(/>= 1/);
  });

  test('a buffer spec is a description: each channel gets its own storage', () => {
    const spec = buffers.fixed(1);
    const a = chan<number>(spec);
    const b = chan<number>(spec);
    expect(a.offer(1)).toBe(true);
    expect(b.offer(2)).toBe(true);
    expect([a.poll(), b.poll()]).toEqual([1, 2]);
  });
});

describe('sliding and dropping buffers', () => {
  test('sliding: a put never waits; when full the oldest value is dropped', async () => {
    const c = chan<number>(buffers.sliding(2));
    for (const v of [1, 2, 3, 4]) expect(await c.put(v)).toBe(true);
    expect([c.poll(), c.poll(), c.poll()]).toEqual([3, 4, undefined]);
  });

  test('dropping: a put never waits; when full the new value is dropped', async () => {
    const c = chan<number>(buffers.dropping(2));
    for (const v of [1, 2, 3, 4]) expect(await c.put(v)).toBe(true);
    expect([c.poll(), c.poll(), c.poll()]).toEqual([1, 2, undefined]);
  });

  test('offer on a full sliding or dropping buffer transfers and applies the policy', () => {
    const s = chan<number>(buffers.sliding(1));
    const d = chan<number>(buffers.dropping(1));
    expect([s.offer(1), s.offer(2), d.offer(1), d.offer(2)]).toEqual([true, true, true, true]);
    expect([s.poll(), d.poll()]).toEqual([2, 1]);
  });

  test('a waiting getter receives the value directly', async () => {
    for (const c of [chan<number>(buffers.sliding(1)), chan<number>(buffers.dropping(1))]) {
      const g = c.get();
      await c.put(5);
      expect(await g).toBe(5);
    }
  });

  test('close keeps the buffered values', async () => {
    const c = chan<number>(buffers.sliding(2));
    await c.put(1);
    await c.put(2);
    await c.put(3);
    c.close();
    expect([await c.get(), await c.get(), await c.get()]).toEqual([2, 3, undefined]);
  });
});

describe('promiseChan', () => {
  test('the first value goes to every pending and future get, forever', async () => {
    const p = promiseChan<string>();
    const pending = [p.get(), p.get()];
    expect(await p.put('first')).toBe(true);
    expect(await Promise.all(pending)).toEqual(['first', 'first']);
    expect(await p.get()).toBe('first');
    expect(p.poll()).toBe('first');
  });

  test('later puts resolve true and are dropped; puts after close resolve false', async () => {
    const p = promiseChan<number>();
    await p.put(1);
    expect(await p.put(2)).toBe(true);
    expect(p.offer(3)).toBe(true);
    p.close();
    expect(await p.put(4)).toBe(false);
    expect(await p.get()).toBe(1);
    expect(await p.get()).toBe(1);
  });

  // aiochan's promise buffer tested "has a value" by truthiness, so putting 0 then 5 yielded 5.
  test('regression (aiochan): a falsy first value counts as delivered', async () => {
    for (const first of [0, '', false, null, NaN]) {
      const p = promiseChan<unknown>();
      await p.put(first);
      await p.put(5);
      expect(await p.get()).toEqual(first);
    }
  });

  test('closed with no value, gets resolve undefined', async () => {
    const p = promiseChan<number>();
    const g = p.get();
    p.close();
    expect(await g).toBeUndefined();
    expect(await p.get()).toBeUndefined();
  });

  test('puts never wait, so a promise channel never has pending puts', async () => {
    const p = promiseChan<number>();
    const puts = Array.from({ length: 2000 }, (_, i) => p.put(i));
    expect(await Promise.all(puts)).toEqual(puts.map(() => true));
  });
});

describe('timeout', () => {
  test('closes no earlier than ms after creation', async () => {
    const start = performance.now();
    expect(await timeout(25).get()).toBeUndefined();
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
  });

  test('each call makes a fresh channel', () => {
    expect(timeout(1)).not.toBe(timeout(1));
  });

  test('timeout(0) closes on a later turn, not synchronously', async () => {
    const t = timeout(0);
    expect(t.closed).toBe(false);
    expect(await t.get()).toBeUndefined();
    expect(t.closed).toBe(true);
  });

  test.each([
    ['-5', -5],
    ['NaN', NaN],
    ['Infinity', Infinity],
  ])('timeout(%s) is a RangeError', (_, ms) => {
    expect(() => timeout(ms)).toThrow(RangeError);
  });

  test('timeout of a non-number is a TypeError', () => {
    expect(() => timeout('10' as never)).toThrow(TypeError);
  });

  test('in a select, the timeout arm wins when nothing else arrives', async () => {
    const replies = chan<string>();
    const t = timeout(5);
    expect(await select([replies, t])).toEqual([undefined, t]);
    // The losing arm left nothing on `replies`.
    const late = track(replies.put('late'));
    await flush();
    expect(late.settled).toBe(false);
  });
});
