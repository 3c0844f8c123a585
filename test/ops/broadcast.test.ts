/** mult (lockstep broadcast), pub/sub (topics), mix (mute, pause, solo). */
import { afterEach, describe, expect, test } from 'vitest';
import { chan, mix, type Chan } from '../../src/index.js';
import { isPending } from '../contract/pending.js';
import { closeAll, drain, flavors, settles, source } from './helpers.js';

afterEach(closeAll);

describe.each(flavors)('$name channels', (flavor) => {
  const src = (values: Iterable<number>): Chan<number> => source(flavor, values);

  describe('mult', () => {
    test('every tap gets every value, and taps close when the source closes', async () => {
      const m = src([1, 2, 3]).mult();
      const a = m.tap();
      const b = m.tap(flavor.make());
      expect(await Promise.all([drain(a), drain(b)])).toEqual([
        [1, 2, 3],
        [1, 2, 3],
      ]);
    });

    test('lockstep: the next value is taken only once every tap took the current one', async () => {
      const input = flavor.make(8);
      for (const v of [1, 2, 3]) await input.put(v);
      const m = input.mult();
      const fast = m.tap();
      const slow = m.tap();
      expect(await settles(fast.get(), 'fast 1')).toBe(1);
      const fast2 = fast.get();
      expect(await isPending(fast2)).toBe(true); // value 2 waits for the slow tap to take 1
      expect(await settles(slow.get(), 'slow 1')).toBe(1);
      expect(await settles(fast2, 'fast 2')).toBe(2);
      input.close();
      m.untapAll();
    });

    test('with no taps, values are dropped', async () => {
      const input = flavor.make(8);
      const m = input.mult();
      await input.put(1);
      await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
      const t = m.tap();
      await input.put(2);
      input.close();
      expect(await drain(t)).toEqual([2]);
    });

    test('untap withdraws the value on offer; a tap with close: false stays open', async () => {
      const input = flavor.make(8);
      for (const v of [1, 2]) await input.put(v);
      input.close();
      const m = input.mult();
      const kept = m.tap(flavor.make(8), { close: false });
      const gone = m.tap();
      await settles(new Promise((r) => setTimeout(r, 2)), 'a pause'); // value 1 on offer to `gone`
      expect(m.untap(gone)).toBe(gone);
      expect(await settles(kept.collect(2), 'kept')).toEqual([1, 2]);
      expect(gone.poll()).toBe(undefined); // the offer was withdrawn
      expect(kept.closed).toBe(false);
      expect(gone.closed).toBe(false); // untapped taps are not closed by the source
    });

    test('a closed tap is untapped and the others go on', async () => {
      const m = src([1, 2, 3]).mult();
      const closed = m.tap();
      closed.close();
      expect(await drain(m.tap())).toEqual([1, 2, 3]);
    });

    test('a tap added after the source ended closes at once', async () => {
      const input = flavor.make();
      const m = input.mult();
      input.close();
      await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
      expect(await drain(m.tap())).toEqual([]);
    });
  });

  describe('pub/sub', () => {
    test('each value goes to the subscribers of its topic; others are dropped', async () => {
      const input = flavor.make(8);
      const p = input.pub((x) => (x % 3 === 0 ? 'fizz' : x % 2 === 0 ? 'even' : 'odd'));
      const fizz = p.sub('fizz', chan<number>(16));
      const even1 = p.sub('even', chan<number>(16));
      const even2 = p.sub('even', chan<number>(16));
      await input.onto([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(await drain(fizz)).toEqual([3, 6, 9]);
      expect(await drain(even1)).toEqual([2, 4, 8]);
      expect(await drain(even2)).toEqual([2, 4, 8]);
    });

    test('closing the source closes close: true subscribers, not close: false ones (aiochan closed none)', async () => {
      const input = flavor.make(8);
      const p = input.pub(() => 'all');
      const closing = p.sub('all');
      const staying = p.sub('all', chan<number>(8), { close: false });
      await input.put(1);
      input.close();
      expect(await drain(closing)).toEqual([1]);
      expect(await settles(staying.get(), 'staying')).toBe(1);
      expect(await isPending(staying.get())).toBe(true);
    });

    test('unsub stops delivery to that subscriber; unsubAll of an unknown topic is a no-op', async () => {
      const input = flavor.make(8);
      const p = input.pub((x) => x % 2);
      const a = p.sub(0, chan<number>(8));
      const b = p.sub(0, chan<number>(8));
      expect(p.unsub(0, b)).toBe(b);
      expect(p.unsubAll('missing' as unknown as number)).toBe(p);
      await input.onto([2, 4]);
      expect(await drain(a)).toEqual([2, 4]);
      expect(b.poll()).toBe(undefined);
    });

    test('unsubAll() removes every topic; later values are dropped', async () => {
      const input = flavor.make(8);
      const p = input.pub((x) => x % 2);
      const a = p.sub(0, chan<number>(8), { close: false });
      p.unsubAll();
      const c = p.sub(1, chan<number>(8));
      await input.onto([2, 3]);
      expect(await drain(c)).toEqual([3]);
      expect(a.poll()).toBe(undefined);
    });

    test('with per-topic buffers, a stalled topic does not hold up the others', async () => {
      const input = flavor.make(8);
      const p = input.pub((x) => x % 2, { buffer: () => 4 });
      const stalled = p.sub(0); // nobody reads it
      const busy = p.sub(1, chan<number>(8));
      await input.onto([0, 1, 2, 3]);
      expect(await drain(busy)).toEqual([1, 3]);
      expect(await settles(stalled.collect(), 'stalled')).toEqual([0, 2]);
    });
  });
});

describe('mix', () => {
  /** An input channel of letters; returns the channel (buffered so puts never wait). */
  const letters = (...xs: string[]): Chan<string> => {
    const c = chan<string>(16);
    for (const x of xs) c.offer(x);
    return c;
  };

  test('forwards every admixed input; a closed input is removed; the mix never closes out', async () => {
    const out = chan<string>(16);
    const m = mix(out);
    const a = letters('a1', 'a2');
    const b = letters('b1');
    m.admix(a).admix(b);
    a.close();
    const got = await settles(out.collect(3), 'three values');
    expect(got.sort()).toEqual(['a1', 'a2', 'b1']);
    expect(await isPending(out.get())).toBe(true);
    out.close();
  });

  test('mute: the input is read and its values dropped', async () => {
    const out = chan<string>(16);
    const m = mix(out);
    const muted = letters('m1', 'm2');
    const open = letters('o1');
    m.toggle(muted, { mute: true }).admix(open);
    expect(await settles(out.get(), 'o1')).toBe('o1');
    await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
    expect(muted.poll()).toBe(undefined); // consumed
    expect(out.poll()).toBe(undefined); // but not forwarded
    out.close();
  });

  test('pause: the input is not read until unpaused', async () => {
    const out = chan<string>(16);
    const m = mix(out);
    const paused = letters('p1');
    m.toggle(paused, { pause: true });
    await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
    expect(out.poll()).toBe(undefined);
    m.toggle(paused, { pause: false });
    expect(await settles(out.get(), 'p1')).toBe('p1');
    out.close();
  });

  test("solo in soloMode 'mute' (default): only soloed inputs are forwarded, others are consumed", async () => {
    const out = chan<string>(16);
    const m = mix(out);
    const solo = letters('s1');
    const other = letters('x1');
    m.toggle([
      [solo, { solo: true }],
      [other, {}],
    ]);
    expect(await settles(out.get(), 's1')).toBe('s1');
    await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
    expect(other.poll()).toBe(undefined); // muted: read and dropped
    expect(out.poll()).toBe(undefined);
    out.close();
  });

  test("solo in soloMode 'pause': the others are not read", async () => {
    const out = chan<string>(16);
    const m = mix(out).soloMode('pause');
    const solo = letters('s1');
    const other = letters('x1');
    m.toggle(solo, { solo: true }).admix(other);
    expect(await settles(out.get(), 's1')).toBe('s1');
    await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
    expect(other.poll()).toBe('x1'); // paused: still there
    out.close();
  });

  test('unmix stops reading an input', async () => {
    const out = chan<string>(16);
    const m = mix(out);
    const a = letters();
    m.admix(a);
    await settles(new Promise((r) => setTimeout(r, 1)), 'a pause');
    m.unmix(a);
    a.offer('late');
    await settles(new Promise((r) => setTimeout(r, 2)), 'a pause');
    expect(a.poll()).toBe('late');
    m.unmixAll();
    out.close();
  });

  test('works with shared inputs', async () => {
    const out = flavors[1]!.make(16);
    const m = mix(out);
    const input = source(flavors[1]!, [1, 2, 3]);
    m.admix(input);
    expect(await settles(out.collect(3), 'three values')).toEqual([1, 2, 3]);
  });
});
