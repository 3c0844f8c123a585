/**
 * Model-based property test of the numeric ring itself, through several views of one buffer
 * in this thread: each view stands for a thread, with its own cached tails and its own guess
 * of where the heads are (ring.ts reserves by CAS from that guess). Random interleavings of
 * single and bulk puts and takes, sliding drops and close, near the 31-bit wrap, checked after
 * every step against a FIFO: with one thread every answer is exact, so "full", "empty" and
 * "closed" must be exactly right even when the acting view's guess is stale, and no value may
 * be lost, duplicated or reordered.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { createNumericBuffer } from '../../src/shared/handle.js';
import { HEADER_WORDS, SZ_HEADER } from '../../src/shared/layout.js';
import { laneView } from '../../src/shared/lanes.js';
import { CLOSED } from '../../src/shared/ring-core.js';
import { NumericRing } from '../../src/shared/ring.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';

const VIEWS = 3;
const RUNS = 400;

type Cmd =
  | { t: 'put'; view: number }
  | { t: 'putMany'; view: number; count: number }
  | { t: 'take'; view: number }
  | { t: 'takeMany'; view: number; max: number }
  | { t: 'dropOldest'; view: number }
  | { t: 'close'; view: number };

const view = fc.integer({ min: 0, max: VIEWS - 1 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('put' as const), view }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('putMany' as const), view, count: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('take' as const), view }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('takeMany' as const), view, max: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('dropOldest' as const), view }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('close' as const), view }) },
);

function openViews(capacity: number, startBeforeWrap: number): NumericRing[] {
  const buffer = createNumericBuffer('f64', capacity, 'block', 2 ** 31 - startBeforeWrap);
  const slots = 2 ** Math.ceil(Math.log2(Math.max(capacity, 1)));
  return Array.from({ length: VIEWS }, () => new NumericRing(new Int32Array(buffer, 0, HEADER_WORDS), laneView('f64', buffer, SZ_HEADER, slots)));
}

test('views of one ring with stale head guesses and cached tails agree with a FIFO', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(1, 3, 8, 64),
      fc.integer({ min: 1, max: 200 }),
      fc.array(cmd, { minLength: 1, maxLength: 120 }),
      (capacity, startBeforeWrap, cmds) => {
        const views = openViews(capacity, startBeforeWrap);
        const fifo: number[] = [];
        let closed = false;
        let next = 0;
        for (const c of cmds) {
          const ring = views[c.view]!;
          const room = capacity - fifo.length;
          switch (c.t) {
            case 'put': {
              const r = ring.putOne(next);
              const want = closed ? CLOSED : room > 0 ? 1 : 0;
              expect(r).toBe(want);
              if (r === 1) fifo.push(next++);
              break;
            }
            case 'putMany': {
              const src = Array.from({ length: c.count }, (_, i) => next + i);
              const r = ring.putMany(src, 0, c.count);
              const want = closed ? CLOSED : Math.min(room, c.count);
              expect(r).toBe(want);
              if (r > 0) for (let i = 0; i < r; i++) fifo.push(next++);
              break;
            }
            case 'take':
            case 'dropOldest': {
              const r = c.t === 'take' ? ring.takeOne() : ring.dropOldest() ? 1 : 0;
              expect(r).toBe(fifo.length > 0 ? 1 : 0);
              if (r === 1) {
                const v = fifo.shift();
                if (c.t === 'take') expect(ring.value).toBe(v);
              }
              break;
            }
            case 'takeMany': {
              const dst = new Float64Array(c.max);
              const r = ring.takeMany(dst, 0, c.max);
              const want = fifo.splice(0, c.max);
              expect(r).toBe(want.length);
              expect([...dst.subarray(0, r)]).toEqual(want);
              break;
            }
            case 'close':
              expect(ring.close()).toBe(!closed);
              closed = true;
              break;
          }
          for (const v of views) {
            expect(v.length).toBe(fifo.length);
            expect(v.closed).toBe(closed);
            expect(v.drained()).toBe(closed && fifo.length === 0);
          }
        }
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS, 20));
