/**
 * `selectSync` and dead workers (supervise, ring.ts R5): a worker blocked in a select over a
 * channel whose producer died holding a reserved position is woken by the close and again by
 * the seal (which makes the channel read as drained); its last sleep ends by a ring of its
 * doorbell, not by its safety timeout (where a seal that rang no doorbell would leave it). A
 * consuming select loop receives exactly what was committed before the hole, then sees the
 * channel end. The dying worker is test/shared/supervise/victim.ts.
 */
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { sharedChan, supervise } from '../../src/index.js';
import { startTsWorker } from '../helpers/ts-worker.js';
import type { VictimPlan } from './supervise/victim.js';
import { checkDelivery, within } from './workers/pool.js';
import { get, selectState, untilRegistered, useSelectors } from './workers/selector-client.js';

const BOUND_MS = 8_000;
const selectors = useSelectors(1, 'select-supervise');

const victims: Worker[] = [];
afterEach(async () => {
  await Promise.all(victims.splice(0).map((w) => w.terminate()));
});

/** Starts a victim; resolves once it reserved its position (its 'holding' message) and exited. */
function startVictim(plan: VictimPlan): { worker: Worker; held: Promise<{ pos: number }>; exited: Promise<number> } {
  const worker = startTsWorker(new URL('./supervise/victim.ts', import.meta.url), plan);
  victims.push(worker);
  worker.on('error', () => undefined); // dying is the point
  const held = new Promise<{ pos: number }>((resolve) => worker.on('message', (m: { at: string; pos: number }) => m.at === 'holding' && resolve(m)));
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, held: within(held, BOUND_MS, "the victim's reservation"), exited: within(exited, BOUND_MS, 'the victim to exit') };
}

describe('selectSync over a channel whose producer died between reserve and commit', () => {
  for (const capacity of [1, 8]) {
    test(`capacity ${capacity}: the blocked select wakes on the close and on the seal, by its doorbell, and returns [undefined, ch]`, async () => {
      const ch = sharedChan({ type: 'f64', capacity });
      const other = sharedChan<any>({ capacity: 2 });
      // The victim reserves position 0 and hangs holding it; the select then blocks over the
      // channel; then the victim is killed: its exit closes the channel (a ring), and the
      // seal that follows makes it read as drained (another ring).
      const victim = startVictim({ kind: 'hold-put', id: 1, before: 0, death: { how: 'hang' }, handle: ch.handle });
      supervise(victim.worker, ch);
      expect((await victim.held).pos).toBe(0);
      const s = selectors()[0]!.run({ kind: 'select', arms: [get(other), get(ch)] });
      await untilRegistered([other, ch], 'rx', 'the select');
      await victim.worker.terminate();
      expect(await victim.exited).toBe(1);
      const r = await within(s, BOUND_MS, 'the select');
      expect(r).toMatchObject({ value: undefined, index: 1 });
      expect(r.doorbellWaits.length, 'it slept').toBeGreaterThan(0);
      expect(r.doorbellWaits.at(-1), 'its last sleep ended by a ring (the seal rings doorbells), not by the safety timeout').not.toBe('timed-out');
      expect(ch.closeReason).toBe('worker-exited');
      for (const c of [ch, other]) expect(selectState(c).rxMask).toEqual([0, 0, 0, 0]);
    });
  }

  test('a select loop consuming from it gets every committed value once, in order, then sees it end (the other channel stays open until closed)', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 16 });
    const other = sharedChan<any>({ capacity: 2 });
    const consumed = selectors()[0]!.run({ kind: 'consume', arms: [get(ch), get(other)], deadlineMs: 6_000, maxValues: 100 });
    const victim = startVictim({ kind: 'hold-put', id: 1, before: 10, death: { how: 'throw' }, handle: ch.handle });
    supervise(victim.worker, ch);
    expect((await victim.held).pos).toBe(10);
    expect(await victim.exited).toBe(1);
    // The select loop must reach the end of `ch` (closed and sealed) while `other` is open.
    for (let i = 0; i < 5000 && !(ch.closed && selectState(ch).rxWaiting !== 0 && selectState(other).rxWaiting !== 0); i++) await new Promise((r) => setTimeout(r, 1));
    expect(other.offer({ p: 2, s: 0 })).toBe(true);
    other.close();
    const r = await within(consumed, BOUND_MS, 'the consuming select loop');
    expect(r.ended).toBe('closed');
    expect(checkDelivery(new Map([[1, 10], [2, 1]]), r.streams.map((values, k) => ({ name: `arm ${k}`, values })))).toEqual([]);
  });
});
