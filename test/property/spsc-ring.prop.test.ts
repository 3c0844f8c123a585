/**
 * Model-based property test of the single-producer single-consumer ring (src/shared/spsc-ring.ts
 * S2-S4) through three views of one buffer in this thread, each standing for a thread with its
 * own cached copy of the other side's tail: view 0 only puts (putOne, putMany), view 1 only
 * takes (takeOne, takeMany), view 2 only closes; every view reads length / closed / drained().
 * A side's view may also be replaced by a fresh one (a thread whose channel object was collected
 * attaches again: it must pick up at the shared tails). Random interleavings start near the
 * 31-bit wrap and near a LAP boundary (2^28), and are checked after every step against a FIFO:
 * with one thread every answer is exact, so "full", "empty", "closed" and "drained" must be
 * exactly right although each side's cached tail is stale, and no value may be lost,
 * duplicated or reordered. Why: the SPSC ring trusts its caches without a LAP check (S4) and
 * ends the stream at a sealed tail (S3); a wrong distance or seal shows here as a wrong answer.
 *
 * Ownership (S1) cannot be tested here: a thread's token is per channel id, so every view in
 * one thread is the same owner. test/shared/spsc.test.ts tests it across threads.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createNumericBuffer } from '../../src/shared/handle.js';
import { FLAG_SEALED, HEADER_WORDS, IDX_PROD_TAIL, SZ_HEADER } from '../../src/shared/layout.js';
import { laneView } from '../../src/shared/lanes.js';
import { CLOSED } from '../../src/shared/ring-core.js';
import { SpscRing } from '../../src/shared/spsc-ring.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';

const RUNS = 400;
const PRODUCER = 0;
const CONSUMER = 1;
const CLOSER = 2;

type Cmd =
  | { t: 'put' }
  | { t: 'putMany'; count: number }
  | { t: 'take' }
  | { t: 'takeMany'; max: number; typed: boolean }
  | { t: 'close' }
  | { t: 'reopen'; side: typeof PRODUCER | typeof CONSUMER };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.constant({ t: 'put' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('putMany' as const), count: fc.integer({ min: 1, max: 80 }) }) },
  { weight: 5, arbitrary: fc.constant({ t: 'take' as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('takeMany' as const), max: fc.integer({ min: 1, max: 80 }), typed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reopen' as const), side: fc.constantFrom(PRODUCER, CONSUMER) }) },
);

let channels = 0;

function opener(capacity: number, start: number): () => SpscRing {
  const buffer = createNumericBuffer('f64', capacity, 'block', start, true);
  const slots = 2 ** Math.ceil(Math.log2(capacity));
  const id = `spsc-prop-${++channels}`; // the thread's token is per channel id (S1)
  return () => new SpscRing(new Int32Array(buffer, 0, HEADER_WORDS), laneView('f64', buffer, SZ_HEADER, slots), id);
}

test('a producer view, a consumer view and a closer view of one SPSC ring agree with a FIFO', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1, 3, 8, 64, 100),
      fc.constantFrom(2 ** 31, 2 ** 28),
      fc.integer({ min: 1, max: 300 }),
      fc.array(cmd, { minLength: 1, maxLength: 150 }),
      (capacity, boundary, beforeBoundary, cmds) => {
        const open = opener(capacity, (boundary - beforeBoundary) % 2 ** 31);
        const views = [open(), open(), open()];
        const fifo: number[] = [];
        let closed = false;
        let next = 0;
        for (const [step, c] of cmds.entries()) {
          const where = `step ${step} (${JSON.stringify(c)}), capacity ${capacity}, start ${boundary} - ${beforeBoundary}`;
          const room = capacity - fifo.length;
          switch (c.t) {
            case 'put': {
              const r = views[PRODUCER]!.putOne(next);
              expect(r, where).toBe(closed ? CLOSED : room > 0 ? 1 : 0);
              if (r === 1) fifo.push(next++);
              break;
            }
            case 'putMany': {
              // A typed source of 32+ takes the TypedArray.set path; the rest the loop.
              const src = c.count % 2 === 0 ? Float64Array.from({ length: c.count }, (_, i) => next + i) : Array.from({ length: c.count }, (_, i) => next + i);
              const r = views[PRODUCER]!.putMany(src, 0, c.count);
              expect(r, where).toBe(closed ? CLOSED : Math.min(room, c.count));
              for (let i = 0; i < r; i++) fifo.push(next++);
              break;
            }
            case 'take': {
              const ring = views[CONSUMER]!;
              const r = ring.takeOne();
              expect(r, where).toBe(fifo.length > 0 ? 1 : 0);
              if (r === 1) expect(ring.value, where).toBe(fifo.shift());
              break;
            }
            case 'takeMany': {
              const dst = c.typed ? new Float64Array(c.max + 2) : new Array<number>(c.max + 2).fill(-1);
              const r = views[CONSUMER]!.takeMany(dst as Float64Array, 2, c.max);
              const want = fifo.splice(0, c.max);
              expect(r, where).toBe(want.length);
              expect([...dst.slice(2, 2 + r)], where).toEqual(want);
              break;
            }
            case 'close':
              expect(views[CLOSER]!.close(), where).toBe(!closed);
              closed = true;
              // S3: the close seals PROD_TAIL before it returns.
              expect((Atomics.load(views[CLOSER]!.words, IDX_PROD_TAIL) & FLAG_SEALED) !== 0, where).toBe(true);
              break;
            case 'reopen':
              views[c.side] = open();
              break;
          }
          for (const [i, v] of views.entries()) {
            expect(v.length, `${where}: view ${i} length`).toBe(fifo.length);
            expect(v.closed, `${where}: view ${i} closed`).toBe(closed);
            expect(v.drained(), `${where}: view ${i} drained`).toBe(closed && fifo.length === 0);
          }
        }
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS, 20));
