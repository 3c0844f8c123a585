/**
 * Model-based property tests for in-thread channels (API.md sections 1-3).
 *
 * The reference model is ./model.ts (read it as the spec: each rule cites API.md); the
 * interpreter that drives real channels and the model side by side is ./harness.ts.
 *
 * Runs: NUM_RUNS (default per property below), SEED / FC_PATH to replay a failure
 * (see ../helpers/fc-params.ts). fast-check prints seed, path and the shrunk command list;
 * the error message carries the executed trace with concrete values and the model state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buffers, chan, select } from '../../src/index.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';
import {
  ALL_KINDS,
  type ArmSpec,
  type Cmd,
  DEFAULT_WEIGHTS,
  Harness,
  type RealChan,
  anyKindArb,
  armArb,
  cmdArb,
  flush,
  kindArb,
  makeReal,
  reasonArb,
  selectArb,
  valSpecArb,
} from './harness.js';
import type { KindSpec } from './model.js';

const RUNS = 200;

// ---------------------------------------------------------------------------------------
// 1. Random op sequences on one channel, for every buffer kind, against the model.
//    put/get (may stay pending; most get their own AbortController, some are bare calls),
//    offer, poll, close,
//    abort of a chosen pending op (or of a completed one: must change nothing),
//    single-channel selects (get/put arms, priority, default), already-aborted signals,
//    and put(undefined)/offer(undefined)/select put arm undefined (sync TypeError, no effect).
// ---------------------------------------------------------------------------------------
describe('channel model: random operation sequences on one channel', () => {
  it.each(ALL_KINDS)(
    '%s channel agrees with the reference model',
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(kindArb(kind), fc.array(cmdArb(1), { maxLength: 40, size: 'max' }), async (spec, cmds) => {
          await new Harness([spec]).runAll(cmds);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});

// API §2 close semantics get their own property: a random open history (buffered values,
// parked puts and gets, parked selects), then close(), then a random history on the closed
// channel -- pending gets resolve undefined, buffered values and parked puts stay deliverable
// in order (each put resolving true when taken), later puts resolve false, offer is false.
describe('channel model: close in the middle of a random history', () => {
  it(
    'any kind: open history, close, closed history agree with the model',
    async () => {
      const noClose = { ...DEFAULT_WEIGHTS, close: 0 };
      await fc.assert(
        fc.asyncProperty(
          anyKindArb,
          fc.array(cmdArb(1, noClose), { maxLength: 25, size: 'max' }),
          fc.array(cmdArb(1, noClose), { maxLength: 15, size: 'max' }),
          async (spec, before, after) => {
            await new Harness([spec]).runAll([...before, { t: 'close', ch: 0 }, ...after]);
          },
        ),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});

// ---------------------------------------------------------------------------------------
// 2. Several channels of mixed kinds with cross-channel selects and all the other commands.
// ---------------------------------------------------------------------------------------
const worldArb = fc
  .integer({ min: 2, max: 3 })
  .chain((k) =>
    fc.tuple(fc.array(anyKindArb, { minLength: k, maxLength: k }), fc.array(cmdArb(k), { maxLength: 40, size: 'max' })),
  );

describe('channel model: several channels of mixed kinds', () => {
  it(
    'random operation sequences, including cross-channel selects, agree with the model',
    async () => {
      await fc.assert(
        fc.asyncProperty(worldArb, async ([specs, cmds]) => {
          await new Harness(specs).runAll(cmds);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});

// ---------------------------------------------------------------------------------------
// (a) API §2: "An already-aborted signal rejects (it does not throw) without touching the
//     channel." From a random reachable state, already-aborted put/get/select calls must
//     return a promise rejecting with exactly `signal.reason`, and the channel(s) must then
//     behave exactly as if the calls never happened (probe + random suffix vs the model).
// ---------------------------------------------------------------------------------------
const preAbortedArb = (k: number): fc.Arbitrary<Cmd> =>
  fc.oneof(
    fc.record({ t: fc.constant('preAborted' as const), form: fc.constant('put' as const), ch: fc.nat({ max: k - 1 }), v: valSpecArb, reason: reasonArb }),
    fc.record({ t: fc.constant('preAborted' as const), form: fc.constant('get' as const), ch: fc.nat({ max: k - 1 }), reason: reasonArb }),
    fc.record({
      t: fc.constant('preAborted' as const),
      form: fc.constant('select' as const),
      arms: fc.array(armArb(k), { minLength: 1, maxLength: 3 }),
      priority: fc.boolean(),
      reason: reasonArb,
    }),
  );

/** For every channel: poll, offer, poll, put, get -- whatever was touched shows up here. */
function probes(k: number): Cmd[] {
  const out: Cmd[] = [];
  for (let ch = 0; ch < k; ch++) {
    out.push({ t: 'poll', ch }, { t: 'offer', ch, v: 'fresh' }, { t: 'poll', ch }, { t: 'put', ch, v: 'fresh', sig: true }, { t: 'get', ch, sig: true });
  }
  return out;
}

describe('(a) already-aborted signals', () => {
  it(
    'reject with signal.reason and touch nothing, from any reachable state',
    async () => {
      const noPre = { ...DEFAULT_WEIGHTS, preAborted: 0 };
      const arb = fc.integer({ min: 1, max: 2 }).chain((k) =>
        fc.record({
          specs: fc.array(anyKindArb, { minLength: k, maxLength: k }),
          prefix: fc.array(cmdArb(k, noPre), { maxLength: 15, size: 'max' }),
          aborted: fc.array(preAbortedArb(k), { minLength: 1, maxLength: 3 }),
          suffix: fc.array(cmdArb(k, noPre), { maxLength: 8, size: 'max' }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ specs, prefix, aborted, suffix }) => {
          const h = new Harness(specs);
          for (const c of prefix) await h.run(c);
          const first = h.ops.length;
          for (const c of aborted) await h.run(c);
          // Explicitly: each of them rejected, and the reason is exactly signal.reason
          // (identity is what Harness.compare checks against the model's record).
          for (const op of h.ops.slice(first)) expect(op.outcome?.status, op.label).toBe('rejected');
          for (const c of probes(specs.length)) await h.run(c);
          await h.runAll(suffix);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});

// ---------------------------------------------------------------------------------------
// (b) Per-putter FIFO and exactly-once under random interleavings (fc.scheduler).
//     API §2: "FIFO: one putter's values arrive in order; pending puts and pending gets are
//     each served in arrival order."  Several concurrent putters (put / offer-then-put /
//     select put arm / bursts of up to 3 puts in flight at once) and consumers (get / poll-then-get / select get arm); the scheduler
//     decides who runs next at every step.
// ---------------------------------------------------------------------------------------
type PutMode = 'put' | 'offer' | 'select' | 'burst';
type GetMode = 'get' | 'poll' | 'select';

const fifoKindArb: fc.Arbitrary<KindSpec> = fc.oneof(
  kindArb('unbuffered'),
  fc.record({ kind: fc.constant('fixed' as const), n: fc.integer({ min: 1, max: 3 }), ctor: fc.constant('chan(n)' as const) }),
  kindArb('sliding'),
  kindArb('dropping'),
);

describe('(b) per-putter FIFO with concurrent putters and consumers', () => {
  it(
    'each putter\'s values arrive in its order; blocking kinds deliver every value exactly once',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fifoKindArb,
          fc.array(
            fc.record({ count: fc.integer({ min: 1, max: 6 }), mode: fc.constantFrom<PutMode>('put', 'offer', 'select', 'burst') }),
            { minLength: 2, maxLength: 4 },
          ),
          fc.array(fc.constantFrom<GetMode>('get', 'poll', 'select'), { minLength: 1, maxLength: 3 }),
          async (s, spec, putters, consumers) => {
            const ch = makeReal(spec);
            const step = () => s.schedule(Promise.resolve(), 'step');
            const sent: number[] = [];
            const putResults: unknown[] = [];
            const received: number[][] = consumers.map(() => []);

            const putterTasks = putters.map(async ({ count, mode }, p) => {
              const valueOf = (i: number) => (p + 1) * 100 + i; // putter p, sequence number i
              for (let i = 0; i < count; ) {
                await step();
                if (mode === 'burst') {
                  // Up to 3 puts in flight from this one putter: parked puts must be served
                  // in arrival order, so they still arrive in call order.
                  const burst: Promise<boolean>[] = [];
                  for (const end = Math.min(count, i + 3); i < end; i++) {
                    sent.push(valueOf(i));
                    burst.push(ch.put(valueOf(i)));
                  }
                  putResults.push(...(await Promise.all(burst)));
                  continue;
                }
                const v = valueOf(i++);
                sent.push(v);
                if (mode === 'put') putResults.push(await ch.put(v));
                else if (mode === 'offer') putResults.push(ch.offer(v) || (await ch.put(v)));
                else {
                  const [ok, c] = await select([[ch, v]]);
                  expect(c).toBe(ch);
                  putResults.push(ok);
                }
              }
            });
            // Close only after every put completed, so "closed and drained" means everything.
            const all = Promise.all(putterTasks).then(() => ch.close());
            const consumerTasks = consumers.map(async (mode, ci) => {
              for (;;) {
                await step();
                let v: unknown;
                if (mode === 'get') v = await ch.get();
                else if (mode === 'poll') v = ch.poll() ?? (await ch.get());
                else {
                  const [got, c] = await select([ch]);
                  expect(c).toBe(ch);
                  v = got;
                }
                if (v === undefined) return;
                received[ci]!.push(v as number);
              }
            });

            let timer: NodeJS.Timeout | undefined;
            const deadlock = new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no progress for 1 s (deadlock?)\n${String(s)}`)), 1000);
            });
            try {
              await Promise.race([s.waitFor(Promise.all([all, ...consumerTasks])), deadlock]);
            } finally {
              clearTimeout(timer);
            }

            // Every put form resolved true (API §2: sliding/dropping "Both puts resolve `true`").
            expect(putResults.every((r) => r === true), `put results ${JSON.stringify(putResults)}`).toBe(true);
            // Per-putter order, as seen by each consumer (one consumer's takes are sequential,
            // so its values from one putter must be in that putter's order).
            for (const seq of received) {
              for (let p = 1; p <= putters.length; p++) {
                const mine = seq.filter((v) => Math.floor(v / 100) === p);
                expect(mine, `consumer sequence ${JSON.stringify(seq)}`).toEqual([...mine].sort((a, b) => a - b));
              }
            }
            const all_ = received.flat().sort((a, b) => a - b);
            // Never duplicated, never invented.
            expect(new Set(all_).size).toBe(all_.length);
            for (const v of all_) expect(sent).toContain(v);
            if (spec.kind === 'unbuffered' || spec.kind === 'fixed') {
              // Exactly once: multiset received == multiset sent.
              expect(all_).toEqual([...sent].sort((a, b) => a - b));
            }
          },
        ),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );
});

// ---------------------------------------------------------------------------------------
// (c) select among k channels with random readiness.
//     API §3: "Exactly one arm completes"; "The `chan` in the result is the very object
//     passed in `ops`"; with `default` and no arm ready: "resolves `[opts.default, null]` at
//     once and leaves nothing registered anywhere". Every channel is prepared by random
//     setup commands (buffered values, pending puts/gets, closed...), then the select runs,
//     then optionally a trigger for one arm, then probes on every channel (poll, offer,
//     poll, put, get: a leftover registered arm would swallow one of these, or a consumed
//     value would be missing) and a random suffix -- all compared with the model.
// ---------------------------------------------------------------------------------------
const setupWeights = { put: 3, offer: 3, get: 2, close: 1, poll: 1 };

describe('(c) select among k channels with random readiness', () => {
  it(
    'exactly one ready arm completes, with the very chan object, consuming nothing elsewhere',
    async () => {
      const arb = fc.integer({ min: 1, max: 4 }).chain((k) =>
        fc.record({
          specs: fc.array(anyKindArb, { minLength: k, maxLength: k }),
          setup: fc.array(cmdArb(k, setupWeights), { maxLength: 12, size: 'max' }),
          sel: selectArb(k, 1),
          trigger: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
          suffix: fc.array(cmdArb(k), { maxLength: 10, size: 'max' }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(arb, async ({ specs, setup, sel, trigger, suffix }) => {
          const h = new Harness(specs);
          for (const c of setup) await h.run(c);
          const selId = h.ops.length;
          await h.run(sel);
          const selOp = h.ops[selId]!;
          if (h.model.pending.has(selId) && trigger !== undefined) {
            // Make one arm ready from outside: a put for a get arm, a get for a put arm.
            const arm: ArmSpec = sel.arms[trigger % sel.arms.length]!;
            await h.run(arm.dir === 'get' ? { t: 'put', ch: arm.ch, v: 'fresh', sig: false } : { t: 'get', ch: arm.ch, sig: false });
          }
          if (selOp.outcome !== undefined && selOp.outcome.status === 'selected') {
            // The result names one of the passed channels (identity), or null for default.
            const o = selOp.outcome;
            if (o.ch === null) expect(sel.dflt).not.toBe('none');
            else expect(sel.arms.some((a) => a.ch === o.ch)).toBe(true);
          }
          for (const c of probes(specs.length)) await h.run(c);
          await h.runAll(suffix);
        }),
        propParams(RUNS),
      );
    },
    testTimeout(RUNS),
  );

  it('without priority, the choice among ready arms is not fixed to array order', async () => {
    // API §3: "When several arms are ready the choice is uniformly random". 200 selects over
    // two always-ready channels; each should win about 100 times (sd ~7). Below 40 is ~8.5 sd.
    const a = chan<number>(1);
    const b = chan<number>(1);
    const wins = new Map<RealChan, number>([
      [a, 0],
      [b, 0],
    ]);
    for (let i = 0; i < 200; i++) {
      a.offer(1); // no-op when already full
      b.offer(2);
      const [, c] = await select([a, b]);
      expect(c === a || c === b).toBe(true);
      wins.set(c as RealChan, wins.get(c as RealChan)! + 1);
    }
    expect(wins.get(a)!).toBeGreaterThan(40);
    expect(wins.get(b)!).toBeGreaterThan(40);
    // And with priority the first ready arm always wins.
    for (let i = 0; i < 20; i++) {
      a.offer(1);
      b.offer(2);
      const [, c] = await select([b, a], { priority: true });
      expect(c).toBe(b);
    }
  });

  it('default with no ready arm leaves nothing registered (unbuffered get/put arms, full fixed put arm)', async () => {
    // A deterministic companion to the property: unbuffered get arm and put arm, fixed(1)
    // full put arm; after the default, none of them may act.
    const g = chan<number>();
    const p = chan<number>();
    const f = chan<number>(buffers.fixed(1));
    expect(f.offer(7)).toBe(true);
    const marker = Symbol('d');
    const res = await select([g, [p, 1], [f, 2]], { default: marker });
    expect(res).toEqual([marker, null]);
    expect(g.offer(3)).toBe(false); // no getter registered on g
    expect(p.poll()).toBe(undefined); // no putter registered on p
    expect(f.poll()).toBe(7);
    expect(f.poll()).toBe(undefined); // 2 did not move into the freed slot
    const put = g.put(4);
    await flush();
    let settled = false;
    void put.then(() => (settled = true));
    await flush();
    expect(settled).toBe(false); // a later put is not swallowed by a ghost arm
    expect(g.poll()).toBe(4);
    expect(await put).toBe(true);
  });
});
