/**
 * What waking a select costs, counted in `Atomics.notify` calls (never in time): this thread
 * wraps Atomics.notify while it acts (as bench/workers/count-atomics.ts does) and tells the
 * calls apart by the first word of the buffer they touch (a doorbell table's or a channel's
 * magic). doorbells.ts D2: a commit wakes a side only when its WAITING flag was set, ringing
 * each doorbell in that side's mask once; nobody is notified when nobody waits. The same holds
 * for single-producer single-consumer channels, whose commits take another path (spsc-ring.ts).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { DOORBELL_MAGIC, MAGIC } from '../../src/shared/layout.js';
import { within } from './workers/pool.js';
import { bitsOf, get, put, selectState, untilRegistered, useSelectors, type SelectResult } from './workers/selector-client.js';

const BOUND_MS = 8_000;
const selectors = useSelectors(3, 'select-wake-cost');

interface Counts {
  doorbell: number;
  channel: number;
}

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

/**
 * Starts counting this thread's Atomics.notify calls on doorbell tables and channel headers;
 * `restore` (also run after each test) stops it.
 */
function countNotifies(): Counts {
  const counts: Counts = { doorbell: 0, channel: 0 };
  const notify = Atomics.notify;
  restore = () => {
    Atomics.notify = notify;
  };
  Atomics.notify = ((ta: Int32Array, index: number, count?: number): number => {
    if (ta[0] === DOORBELL_MAGIC) counts.doorbell++;
    else if (ta[0] === MAGIC) counts.channel++;
    return notify(ta, index, count);
  }) as typeof Atomics.notify;
  return counts;
}

/** Counts this thread's Atomics.notify calls while `act` runs. */
function counted(act: () => void): Counts {
  const counts = countNotifies();
  try {
    act();
  } finally {
    restore!();
    restore = null;
  }
  return counts;
}

const mixed = (n: number, capacity: number): SharedChan<any>[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? sharedChan({ type: 'f64', capacity }) : sharedChan<any>({ capacity })));
const valueOn = (ch: SharedChan<any>, k: number): unknown => (ch.type === 'object' ? { k } : k);

function expectRingWake(r: SelectResult, what: string): void {
  expect(r.doorbellWaits.at(-1), `${what}: its last sleep ended by the safety timeout, not by a ring`).not.toBe('timed-out');
}

/**
 * A worker blocks in selectSync getting from `chans`; closing the third from this thread rings
 * its doorbell once (it waits on one side) and notifies each side's epoch at most once, and
 * the select completes with the close.
 */
async function expectCloseWakesSelect(chans: SharedChan<any>[]): Promise<void> {
  const [w] = selectors();
  const s = w!.run({ kind: 'select', arms: chans.map(get) });
  await untilRegistered(chans, 'rx', 'the select');
  const counts = counted(() => chans[2]!.close());
  expect(counts.doorbell).toBe(1);
  expect(counts.channel).toBeLessThanOrEqual(2);
  const r = await within(s, BOUND_MS, 'the select');
  expect(r).toMatchObject({ value: undefined, index: 2 });
  expectRingWake(r, 'the close');
}

describe('waking a worker blocked in selectSync over 4 channels', () => {
  test('one put on one channel: one doorbell ring and at most one epoch notify; the worker completes with that value', async () => {
    const [w] = selectors();
    for (let i = 0; i < 4; i++) {
      const chans = mixed(4, 2);
      const s = w!.run({ kind: 'select', arms: chans.map(get) });
      expect(await untilRegistered(chans, 'rx', `channel ${i}`)).toHaveLength(1);
      const c = chans[i]!;
      const counts = counted(() => expect(c.offer(valueOn(c, i))).toBe(true));
      expect(counts.doorbell, `channel ${i}: doorbell rings`).toBe(1);
      expect(counts.channel, `channel ${i}: epoch notifies`).toBeLessThanOrEqual(1);
      const r = await within(s, BOUND_MS, `channel ${i}`);
      expect(r).toMatchObject({ value: valueOn(c, i), index: i });
      expectRingWake(r, `channel ${i}`);

      // It returned: its bit is gone from every mask (Y3), so later commits ring no doorbell.
      // Each channel may still carry its WAITING flag from the select; the next commit clears
      // it (one epoch notify at most), and after that nothing at all is notified.
      const first = counted(() => {
        for (const x of chans) {
          expect(x.offer(valueOn(x, 10))).toBe(true);
          expect(x.poll()).toEqual(valueOn(x, 10));
        }
      });
      expect(first.doorbell, 'rings after the select returned').toBe(0);
      expect(first.channel, 'epoch notifies for the flags it left').toBeLessThanOrEqual(4);
      const later = counted(() => {
        for (let k = 0; k < 50; k++) {
          for (const x of chans) {
            expect(x.offer(valueOn(x, k))).toBe(true);
            expect(x.poll()).toEqual(valueOn(x, k));
          }
        }
      });
      expect(later, 'once the flags are cleared, nobody waits and nobody is notified').toEqual({ doorbell: 0, channel: 0 });
    }
  });

  test('one get that makes room for a put arm: one doorbell ring, at most one epoch notify', async () => {
    const [w] = selectors();
    for (let i = 0; i < 4; i++) {
      const chans = mixed(4, 1);
      for (const c of chans) c.offer(valueOn(c, 100));
      const s = w!.run({ kind: 'select', arms: chans.map((c, k) => put(c, valueOn(c, k))) });
      await untilRegistered(chans, 'tx', `channel ${i}`);
      const counts = counted(() => expect(chans[i]!.poll()).toEqual(valueOn(chans[i]!, 100)));
      expect(counts.doorbell).toBe(1);
      expect(counts.channel).toBeLessThanOrEqual(1);
      const r = await within(s, BOUND_MS, `channel ${i}`);
      expect(r).toMatchObject({ value: true, index: i });
      expectRingWake(r, `channel ${i}`);
    }
  });

  test('a close: one doorbell ring (the select waits on one side), at most one notify per side', async () => {
    await expectCloseWakesSelect(mixed(4, 2));
  });

  test('three workers blocked over the same 4 channels: one put rings each of their doorbells once, and exactly one takes the value', async () => {
    const chans = mixed(4, 4);
    const selects = selectors().map((w) => w.run({ kind: 'select', arms: chans.map(get) }));
    // Wait until all three are registered: three bits in every mask.
    for (let i = 0; i < 2000 && !chans.every((c) => bitsOf(selectState(c).rxMask).length === 3 && selectState(c).rxWaiting !== 0); i++) {
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(bitsOf(selectState(chans[1]!).rxMask)).toHaveLength(3);
    const counts = counted(() => expect(chans[1]!.offer({ first: true })).toBe(true));
    expect(counts.doorbell, 'one ring per registered select').toBe(3);
    expect(counts.channel).toBeLessThanOrEqual(1);
    // Two more values release the other two (wherever they are by then).
    for (let k = 0; k < 2; k++) expect(chans[3]!.offer({ more: k })).toBe(true);
    const results = await within(Promise.all(selects), BOUND_MS, 'the three selects');
    const values = results.map((r) => JSON.stringify(r.value)).sort();
    expect(values).toEqual([JSON.stringify({ first: true }), JSON.stringify({ more: 0 }), JSON.stringify({ more: 1 })]);
    for (const c of chans) expect(selectState(c).rxMask).toEqual([0, 0, 0, 0]);
  });
});

describe('nobody is notified when nobody waits', () => {
  test('this thread: puts, gets and selects on channels a worker attached but never waits on', async () => {
    const chans = mixed(4, 3);
    // The worker attaches them and moves values through them (nobody waits there either).
    expect(await selectors()[0]!.run({ kind: 'quiet', arms: chans.map(get), rounds: 200 })).toEqual({ doorbell: 0, channel: 0 });
    const counts = counted(() => {
      for (let k = 0; k < 200; k++) {
        for (const c of chans) {
          expect(c.offer(valueOn(c, k))).toBe(true);
          expect(c.poll()).toEqual(valueOn(c, k));
        }
      }
    });
    expect(counts).toEqual({ doorbell: 0, channel: 0 });
    // The Promise facade too, when nothing has to park (counted across the awaits).
    const c = chans[1]!;
    const tally = countNotifies();
    for (let k = 0; k < 100; k++) {
      expect(await c.put({ k })).toBe(true);
      expect(await c.get()).toEqual({ k });
    }
    restore!();
    restore = null;
    const promised = { ...tally };
    expect(promised).toEqual({ doorbell: 0, channel: 0 });
  });

  test('a worker: its puts, gets and one-arm selects on fresh channels notify nobody', async () => {
    const chans = mixed(3, 1);
    expect(await selectors()[1]!.run({ kind: 'quiet', arms: chans.map(get), rounds: 500 })).toEqual({ doorbell: 0, channel: 0 });
  });
});

describe('spsc channels (spsc-ring.ts): their commits and closes ring doorbells as the multi-party ring does', () => {
  const spscChans = (capacity: number): SharedChan[] => Array.from({ length: 4 }, () => sharedChan({ type: 'f64', capacity, spsc: true }));

  test('a put by the producer (this thread) wakes the consumer worker blocked in selectSync: one doorbell ring', async () => {
    const [w] = selectors();
    for (let i = 0; i < 4; i++) {
      const chans = spscChans(2);
      const s = w!.run({ kind: 'select', arms: chans.map(get) });
      expect(await untilRegistered(chans, 'rx', `channel ${i}`)).toHaveLength(1);
      const counts = counted(() => expect(chans[i]!.offer(i)).toBe(true));
      expect(counts.doorbell, `channel ${i}: doorbell rings`).toBe(1);
      expect(counts.channel, `channel ${i}: epoch notifies`).toBeLessThanOrEqual(1);
      const r = await within(s, BOUND_MS, `channel ${i}`);
      expect(r).toMatchObject({ value: i, index: i });
      expectRingWake(r, `channel ${i}`);
    }
  });

  test('a get by the consumer (this thread) that makes room wakes the producer worker blocked in selectSync: one doorbell ring', async () => {
    const [w] = selectors();
    for (let i = 0; i < 4; i++) {
      const chans = spscChans(1);
      // The worker fills each ring (one-arm selects complete at once): it becomes the producer.
      for (const [k, c] of chans.entries()) expect(await within(w!.run({ kind: 'select', arms: [put(c, 100 + k)] }), BOUND_MS, 'fill')).toMatchObject({ value: true });
      const s = w!.run({ kind: 'select', arms: chans.map((c, k) => put(c, k)) });
      await untilRegistered(chans, 'tx', `channel ${i}`);
      const counts = counted(() => expect(chans[i]!.poll()).toBe(100 + i));
      expect(counts.doorbell, `channel ${i}: doorbell rings`).toBe(1);
      expect(counts.channel).toBeLessThanOrEqual(1);
      const r = await within(s, BOUND_MS, `channel ${i}`);
      expect(r).toMatchObject({ value: true, index: i });
      expectRingWake(r, `channel ${i}`);
      expect(chans[i]!.poll()).toBe(i);
    }
  });

  test('a close from this thread wakes the consumer worker blocked in selectSync: one doorbell ring', async () => {
    await expectCloseWakesSelect(spscChans(2));
  });
});
