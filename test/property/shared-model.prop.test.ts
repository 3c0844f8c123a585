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

type Cmd =
  | { t: 'put'; v: number }
  | { t: 'get' }
  | { t: 'offer'; v: number }
  | { t: 'poll' }
  | { t: 'close' }
  | { t: 'abort'; k: number };

type Settled = { ok: true; value: unknown } | { ok: false };

/** The model: a FIFO buffer with a policy, FIFO queues of waiting puts and gets. */
class Model {
  buf: number[] = [];
  puts: { id: number; v: number }[] = [];
  gets: { id: number }[] = [];
  closed = false;
  /** What each operation settled with; absent while it is pending. */
  settled = new Map<number, Settled>();

  constructor(
    readonly n: number,
    readonly policy: Policy,
  ) {}

  /** A value enters now if it can: to a waiting get, or the buffer by the policy. */
  private give(v: number): boolean {
    const g = this.gets.shift();
    if (g !== undefined) {
      this.settled.set(g.id, { ok: true, value: v });
      return true;
    }
    if (this.buf.length < this.n) this.buf.push(v);
    else if (this.policy === 'sliding') this.buf.push((this.buf.shift(), v));
    else if (this.policy === 'block') return false;
    return true; // dropping: full, the value is dropped; the put still succeeds
  }

  /** A value leaves now if one is there; a freed slot admits the oldest waiting put. */
  private take(): number | undefined {
    if (this.buf.length === 0) return undefined;
    const v = this.buf.shift()!;
    const p = this.puts.shift();
    if (p !== undefined) {
      this.buf.push(p.v);
      this.settled.set(p.id, { ok: true, value: true });
    }
    return v;
  }

  put(id: number, v: number): void {
    if (this.closed) this.settled.set(id, { ok: true, value: false });
    else if (this.puts.length === 0 && this.give(v)) this.settled.set(id, { ok: true, value: true });
    else this.puts.push({ id, v });
  }

  get(id: number): void {
    const v = this.gets.length === 0 ? this.take() : undefined;
    if (v !== undefined) this.settled.set(id, { ok: true, value: v });
    else if (this.closed) this.settled.set(id, { ok: true, value: undefined });
    else this.gets.push({ id });
  }

  offer(v: number): boolean {
    return !this.closed && this.puts.length === 0 && this.give(v);
  }

  poll(): number | undefined {
    return this.gets.length === 0 ? this.take() : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const g of this.gets.splice(0)) this.settled.set(g.id, { ok: true, value: undefined });
    // API.md section 4: a put that had not entered the ring resolves false.
    for (const p of this.puts.splice(0)) this.settled.set(p.id, { ok: true, value: false });
  }

  abort(id: number): void {
    if (this.settled.has(id)) return;
    this.puts = this.puts.filter((p) => p.id !== id);
    this.gets = this.gets.filter((g) => g.id !== id);
    this.settled.set(id, { ok: false });
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

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

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
        const real = new Map<number, Settled>();
        const aborters: AbortController[] = [];
        const track = (id: number, p: Promise<unknown>): void => {
          p.then(
            (value) => real.set(id, { ok: true, value }),
            () => real.set(id, { ok: false }),
          );
        };
        for (const [step, cmd] of cmds.entries()) {
          const where = `step ${step} ${JSON.stringify(cmd)} on shared f64 capacity ${n} ${policy}`;
          switch (cmd.t) {
            case 'put': {
              const id = aborters.length;
              aborters.push(new AbortController());
              track(id, ch.put(cmd.v, { signal: aborters[id]!.signal }));
              model.put(id, cmd.v);
              break;
            }
            case 'get': {
              const id = aborters.length;
              aborters.push(new AbortController());
              track(id, ch.get({ signal: aborters[id]!.signal }));
              model.get(id);
              break;
            }
            case 'offer':
              expect(ch.offer(cmd.v), where).toBe(model.offer(cmd.v));
              break;
            case 'poll':
              expect(ch.poll(), where).toEqual(model.poll());
              break;
            case 'close':
              ch.close();
              model.close();
              break;
            case 'abort': {
              if (aborters.length === 0) break;
              const id = cmd.k % aborters.length;
              aborters[id]!.abort();
              model.abort(id);
              break;
            }
          }
          await flush();
          expect(Object.fromEntries(real), where).toEqual(Object.fromEntries(model.settled));
          expect(ch.closed, where).toBe(model.closed);
        }
        // Drain: what is left comes out in the model's order, then the channel ends.
        ch.close();
        model.close();
        await flush();
        const rest: unknown[] = [];
        for (let v = ch.poll(); v !== undefined; v = ch.poll()) rest.push(v);
        expect(rest).toEqual(model.buf);
        expect(Object.fromEntries(real)).toEqual(Object.fromEntries(model.settled));
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS));
