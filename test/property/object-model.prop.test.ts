/**
 * Model-based property tests of shared *object* channels (JSON codec), both parties in this
 * thread, like ./shared-model.prop.test.ts for numeric lanes, with what objects add:
 *   1. random histories of put / get / offer / poll / close / abort, plus `mutate` (change an
 *      object after it was put): every operation settles as the model says, and what arrives
 *      is the value as it was when put (shared-port.ts H5), decoded (a copy, equal as JSON).
 *      The ring is large, so only the message count limits puts.
 *   2. a small byte ring (64 or 128 bytes) and messages of 1 to ~150 bytes, so that the bytes
 *      limit as often as the count: offer / poll / get / close / abort against a model that
 *      counts both (a record is an 8-byte header plus the payload padded to 8; a message
 *      over maxMessageBytes is a RangeError that changes nothing). No put here ever waits
 *      for bytes: parked puts are property 1's, with bytes to spare.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { sharedChan, type Policy, type SharedChan } from '../../src/index.js';
import { propParams, testTimeout } from '../helpers/fc-params.js';
import { closeAndDrain, expectSameSettled, RealOps, runCommon, settleAndCompare } from './shared-history.js';
import { SharedChanModel } from './shared-chan-model.js';

type Msg = { k: number; s: string; a: number[] };
type Cmd =
  | { t: 'put'; v: Msg }
  | { t: 'get' }
  | { t: 'offer'; v: Msg }
  | { t: 'poll' }
  | { t: 'close' }
  | { t: 'abort'; k: number }
  | { t: 'mutate'; k: number };

const encoder = new TextEncoder();
/** Payload bytes of `v` under the JSON codec. */
const payloadBytes = (v: unknown): number => encoder.encode(JSON.stringify(v)).length;
/** Ring bytes a message of `v` takes: header plus payload padded to 8. */
const recordBytes = (v: unknown): number => 8 + ((payloadBytes(v) + 7) & ~7);
/** What a get receives for a value put now: its JSON copy. */
const snapshot = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The model: a FIFO of messages bounded by a count and by bytes, queues of waiting puts and gets. */
class Model extends SharedChanModel<unknown> {
  buf: { v: unknown; bytes: number }[] = [];
  used = 0;

  constructor(
    readonly n: number,
    readonly bytes: number,
    readonly policy: Policy,
  ) {
    super();
  }

  private fits(b: number): boolean {
    return this.buf.length < this.n && this.used + b <= this.bytes;
  }

  private push(v: unknown, b: number): void {
    this.buf.push({ v, bytes: b });
    this.used += b;
  }

  private shift(): unknown {
    const m = this.buf.shift()!;
    this.used -= m.bytes;
    return m.v;
  }

  protected override store(v: unknown): boolean {
    const b = recordBytes(v);
    if (this.fits(b)) this.push(v, b);
    else if (this.policy === 'sliding') {
      while (!this.fits(b)) this.shift();
      this.push(v, b);
    } else if (this.policy === 'block') return false;
    return true; // dropping: the value is dropped, the put succeeds
  }

  protected override take(): unknown {
    if (this.buf.length === 0) return undefined;
    const v = this.shift();
    // Freed room admits waiting puts, oldest first, while they fit.
    while (this.puts.length > 0 && this.fits(recordBytes(this.puts[0]!.v))) {
      const p = this.puts.shift()!;
      this.push(p.v, recordBytes(p.v));
      this.settled.set(p.id, { ok: true, value: true });
    }
    return v;
  }
}

const msgArb = (maxAscii: number): fc.Arbitrary<Msg> =>
  fc.record({
    k: fc.integer({ min: -1000, max: 1000 }),
    s: fc.oneof(fc.string({ maxLength: maxAscii }), fc.string({ maxLength: 12, unit: 'grapheme' })),
    a: fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 4 }),
  });

/** Runs `cmds` against a real channel and the model, comparing after every step. */
async function check(ch: SharedChan<Msg>, model: Model, cmds: Cmd[], label: string): Promise<void> {
  const real = new RealOps();
  const putValues: Msg[] = []; // the live objects given to put / offer, for `mutate`
  for (const [step, cmd] of cmds.entries()) {
    const where = `step ${step} ${JSON.stringify(cmd)} on ${label}`;
    switch (cmd.t) {
      case 'put': {
        const v = structuredClone(cmd.v); // a live object the test may mutate later
        putValues.push(v);
        model.put(real.start((signal) => ch.put(v, { signal })), snapshot(v));
        break;
      }
      case 'offer': {
        const v = structuredClone(cmd.v);
        putValues.push(v);
        if (payloadBytes(v) > model.bytes - 8) {
          expect(() => ch.offer(v), where).toThrow(RangeError);
        } else {
          expect(ch.offer(v), where).toBe(model.offer(snapshot(v)));
        }
        break;
      }
      case 'get':
      case 'poll':
      case 'close':
      case 'abort':
        runCommon(cmd, ch, model, real, where);
        break;
      case 'mutate': {
        // H5: changing an object after its put changes nothing that arrives.
        if (putValues.length === 0) break;
        const v = putValues[cmd.k % putValues.length]!;
        v.k += 1;
        v.s += '!';
        v.a.push(7);
        break;
      }
    }
    await settleAndCompare(ch, model, real, where);
    expect(ch.length, where).toBe(model.buf.length);
  }
  expect(await closeAndDrain(ch, model), label).toEqual(model.buf.map((m) => m.v));
  expectSameSettled(real, model, label);
}

const RUNS = 150;

test('object channels (JSON) follow the model for every policy, with parked puts and mutation after put', async () => {
  const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ t: fc.constant('put' as const), v: msgArb(40) }) },
    { weight: 5, arbitrary: fc.constant({ t: 'get' as const }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('offer' as const), v: msgArb(40) }) },
    { weight: 2, arbitrary: fc.constant({ t: 'poll' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('abort' as const), k: fc.nat(30) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('mutate' as const), k: fc.nat(30) }) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom<Policy>('block', 'sliding', 'dropping'),
      fc.array(cmdArb, { minLength: 1, maxLength: 40 }),
      async (n, policy, cmds) => {
        // The default ring (64 KiB) never limits these messages: only the count does.
        const ch = sharedChan<Msg>({ capacity: n, policy });
        await check(ch, new Model(n, 65_536, policy), cmds, `json capacity ${n} ${policy}`);
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS));

test('object channels (JSON) with a small byte ring follow a model that counts messages and bytes', async () => {
  const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ t: fc.constant('offer' as const), v: msgArb(120) }) },
    { weight: 4, arbitrary: fc.constant({ t: 'poll' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'get' as const }) },
    { weight: 1, arbitrary: fc.constant({ t: 'close' as const }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('abort' as const), k: fc.nat(30) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('mutate' as const), k: fc.nat(30) }) },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(64, 128),
      fc.constantFrom<Policy>('block', 'sliding', 'dropping'),
      fc.array(cmdArb, { minLength: 1, maxLength: 50 }),
      async (n, bytes, policy, cmds) => {
        const ch = sharedChan<Msg>({ capacity: n, bytes, policy });
        await check(ch, new Model(n, bytes, policy), cmds, `json capacity ${n}, ${bytes} bytes, ${policy}`);
      },
    ),
    propParams(RUNS),
  );
}, testTimeout(RUNS));
