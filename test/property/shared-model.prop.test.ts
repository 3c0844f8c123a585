/**
 * Model-based property test of shared (SharedArrayBuffer) channels, both parties in this
 * thread: random histories of put / get / offer / poll / close / abort on a buffered shared
 * channel of every policy, checked after every step against a small model of API.md sections
 * 2 and 4. It differs from the in-thread model in one rule: across threads a put that had not
 * entered the channel when it closed resolves false (section 4).
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sharedChan, type Policy, type SharedChan } from '../../src/index.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';
import { closeAndDrain, expectSameSettled, RealOps, runCommon, settleAndCompare } from './shared-history.js';
import { SharedChanModel } from './shared-chan-model.js';

type Cmd =
  | { t: 'put'; v: number }
  | { t: 'get' }
  | { t: 'offer'; v: number }
  | { t: 'poll' }
  | { t: 'close' }
  | { t: 'abort'; k: number };

/** The model: a FIFO buffer of `n` slots with a policy, FIFO queues of waiting puts and gets. */
class Model extends SharedChanModel<number> {
  buf: number[] = [];

  constructor(
    readonly n: number,
    readonly policy: Policy,
  ) {
    super();
  }

  protected override store(v: number): boolean {
    if (this.buf.length < this.n) this.buf.push(v);
    else if (this.policy === 'sliding') this.buf.push((this.buf.shift(), v));
    else if (this.policy === 'block') return false;
    return true; // dropping: full, the value is dropped; the put still succeeds
  }

  /** A value leaves now if one is there; a freed slot admits the oldest waiting put. */
  protected override take(): number | undefined {
    if (this.buf.length === 0) return undefined;
    const v = this.buf.shift()!;
    const p = this.puts.shift();
    if (p !== undefined) {
      this.buf.push(p.v);
      this.settled.set(p.id, { ok: true, value: true });
    }
    return v;
  }
}

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('put' as const), v: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constant(-0), fc.constant(Number.NaN)) }) },
  { weight: 5, arbitrary: fc.constant({ t: 'get' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('offer' as const), v: fc.integer({ min: 0, max: 1000 }) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'poll' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), k: fc.nat(30) }) },
);

/** Default number of random histories (NUM_RUNS overrides, SEED replays). */
const RUNS = 200;

test('shared channels follow the model for every policy, step by step', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom<Policy>('block', 'sliding', 'dropping'),
      fc.array(cmdArb, { minLength: 1, maxLength: 40 }),
      async (n, policy, cmds) => {
        const ch: SharedChan = sharedChan({ type: 'f64', capacity: n, policy });
        const model = new Model(n, policy);
        const real = new RealOps();
        for (const [step, cmd] of cmds.entries()) {
          const where = `step ${step} ${JSON.stringify(cmd)} on shared f64 capacity ${n} ${policy}`;
          switch (cmd.t) {
            case 'put':
              model.put(real.start((signal) => ch.put(cmd.v, { signal })), cmd.v);
              break;
            case 'offer':
              expect(ch.offer(cmd.v), where).toBe(model.offer(cmd.v));
              break;
            case 'get':
            case 'poll':
            case 'close':
            case 'abort':
              runCommon(cmd, ch, model, real, where);
              break;
          }
          await settleAndCompare(ch, model, real, where);
        }
        // Drain: what is left comes out in the model's order, then the channel ends.
        expect(await closeAndDrain(ch, model)).toEqual(model.buf);
        expectSameSettled(real, model);
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS));
