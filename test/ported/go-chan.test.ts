// Ported conformance tests: Go's test/chan programs and runtime/chan_test.go.
//
// Provenance: the Go programs test/chan/{fifo,goroutines,nonblock,sieve1,powser1,doubleselect,
// select,select3,select6,select7,sendstmt,zerosize}.go and the runtime tests TestSelectFairness,
// TestPseudoRandomSend, TestSelfSelect, TestSelectDuplicateChannel, TestMultiConsumer and
// TestNonblockSelectRace{,2} from src/runtime/chan_test.go, all from golang/go
// (Copyright The Go Authors, BSD-style licence). This file is a re-implementation in
// TypeScript written from descriptions of those programs (reference/semantics.md, sections 3.3
// and 4); it contains no Go source.
//
// Adaptations, applied throughout (see reference/semantics.md section 4):
// - A send on a closed channel resolves `false` instead of panicking.
// - `undefined` is the closed marker and cannot be sent; zero values (0, false, '') and `null`
//   are ordinary values and are still sent wherever Go sends them.
// - We have no nil channels: where Go disables a select case with a nil channel, the arm is
//   simply omitted from the ops array (said again at each such place).
// - Goroutines are async tasks; "blocks" means "still pending after a few macrotask turns".
// - Go's infinite goroutine loops are bounded by a large count (FOREVER); the networks are
//   abandoned parked when a test ends, as Go abandons its goroutines at exit.

import { describe, expect, it } from 'vitest';
import { chan, select } from '../../src/index.js';
import {
  gosched,
  rng,
  settles,
  sleep,
  spawn,
  stillPendingAfterTurns,
  track,
} from '../helpers/async.js';

type Chan<T> = ReturnType<typeof chan<T>>;

/** Upper bound standing in for Go's `for {}` in long-lived goroutines. */
const FOREVER = 1_000_000;

/** A default value that no channel in these tests ever carries. */
const DEFAULT = Symbol('default');

describe('fifo.go', () => {
  it('AsynchFifo: a buffered(10) channel returns 0..9 in order', async () => {
    const ch = chan<number>(10);
    for (let i = 0; i < 10; i++) expect(await ch.put(i)).toBe(true);
    const got: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) got.push(await ch.get());
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('SynchFifo: a chain of 10 tasks on an unbuffered channel each receive their own index', async () => {
    // Each task waits for a token on `inp`, receives one value from `ch`, expects its own
    // index, then passes the token on. Main sends 0..9 on `ch`.
    const errors: unknown[] = [];
    const received: number[] = [];
    const ch = chan<number>();
    let inp = chan<number>();
    const start = inp;
    const chain = async (val: number, tokenIn: Chan<number>, tokenOut: Chan<number>) => {
      await tokenIn.get();
      const v = await ch.get();
      received[val] = v as number;
      await tokenOut.put(1);
    };
    for (let i = 0; i < 10; i++) {
      const out = chan<number>();
      void spawn(errors, () => chain(i, inp, out));
      inp = out;
    }
    expect(await start.put(0)).toBe(true);
    for (let i = 0; i < 10; i++) expect(await ch.put(i)).toBe(true);
    expect(await settles(inp.get(), 'last token')).toBe(1);
    expect(errors).toEqual([]);
    expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('pending gets and pending puts on an unbuffered channel are served in arrival order', async () => {
    // The arrival-order half of fifo.go made explicit: ten parked getters, then ten puts;
    // ten parked putters, then ten gets.
    const c = chan<number>();
    const gets = Array.from({ length: 10 }, () => c.get());
    for (let i = 0; i < 10; i++) expect(await c.put(i)).toBe(true);
    expect(await Promise.all(gets)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const puts = Array.from({ length: 10 }, (_, i) => c.put(i * 10));
    const got: (number | undefined)[] = [];
    for (let i = 0; i < 10; i++) got.push(await c.get());
    expect(got).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(await Promise.all(puts)).toEqual(Array(10).fill(true));
  });
});

describe('goroutines.go', () => {
  it('10,000 tasks chained by unbuffered channels pass the value 1 to the left end', async () => {
    const n = 10_000;
    const errors: unknown[] = [];
    const leftmost = chan<number>();
    let right = leftmost;
    for (let i = 0; i < n; i++) {
      const left = right;
      right = chan<number>();
      const r = right;
      // Go: `left <- <-right`
      void spawn(errors, async () => {
        await left.put((await r.get()) as number);
      });
    }
    expect(await right.put(1)).toBe(true);
    expect(await settles(leftmost.get(), 'leftmost')).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('nonblock.go', () => {
  // Go's rows are int32, int64, bool and string; the zero-value rows are ours, to check that
  // falsy values are never confused with "nothing there" (only `undefined` is special here).
  const rows: { name: string; toReceiver: unknown; fromSender: unknown }[] = [
    { name: 'int32', toReceiver: 123, fromSender: 234 },
    { name: 'int64', toReceiver: 123456, fromSender: 234567 },
    { name: 'bool', toReceiver: true, fromSender: true },
    { name: 'string', toReceiver: 'hello', fromSender: 'hello again' },
    { name: 'zero number', toReceiver: 0, fromSender: 0 },
    { name: 'false', toReceiver: false, fromSender: false },
    { name: 'empty string', toReceiver: '', fromSender: '' },
  ];
  const maxTries = 10_000;
  // Go sleeps on a 10 µs ticker between tries; one macrotask turn plays that role here.
  const pause = gosched;

  for (const buffer of [0, 1]) {
    for (const row of rows) {
      it(`buffer ${buffer}, ${row.name}: select+default sends and receives without blocking`, async () => {
        const errors: unknown[] = [];
        const c = chan<unknown>(buffer);
        const sync = chan<boolean>();

        // A select-receive with default on an empty channel takes the default.
        const empty = await select([c], { default: DEFAULT });
        expect(empty[0]).toBe(DEFAULT);
        expect(empty[1]).toBe(null);

        // Non-blocking send loop: succeeds once the receiver is parked (or at once into free
        // buffer space), and the receiver checks the value.
        let receivedByTask: unknown = DEFAULT;
        void spawn(errors, async () => {
          receivedByTask = await c.get();
          await sync.put(true);
        });
        let tries = 0;
        for (;;) {
          const [v, which] = await select([[c, row.toReceiver]], { default: DEFAULT });
          if (which === c) {
            expect(v).toBe(true);
            break;
          }
          expect(v).toBe(DEFAULT);
          if (++tries > maxTries) throw new Error(`${row.name}: non-blocking send never succeeded`);
          await pause();
        }
        await sync.get();
        expect(receivedByTask).toBe(row.toReceiver);

        // Non-blocking receive loop: gets the sender task's value.
        void spawn(errors, async () => {
          await c.put(row.fromSender);
          await sync.put(true);
        });
        if (buffer > 0) await sync.get();
        tries = 0;
        let got: unknown = DEFAULT;
        for (;;) {
          const [v, which] = await select([c], { default: DEFAULT });
          if (which === c) {
            got = v;
            break;
          }
          if (++tries > maxTries) throw new Error(`${row.name}: non-blocking receive never succeeded`);
          await pause();
        }
        expect(got).toBe(row.fromSender);
        if (buffer === 0) await sync.get();
        expect(errors).toEqual([]);
      });
    }
  }
});

describe('sieve1.go', () => {
  it('a daisy chain of filter tasks on unbuffered channels yields the first 25 primes', async () => {
    // Go's generator counts forever; ours counts to LIMIT and closes, the close propagates
    // down the chain, and the sieve closes `primes`, so every task ends.
    const LIMIT = 200;
    const errors: unknown[] = [];
    const tasks: Promise<void>[] = [];

    const generate = async (ch: Chan<number>) => {
      for (let i = 2; i < LIMIT; i++) if (!(await ch.put(i))) break;
      ch.close();
    };
    const filter = async (inp: Chan<number>, out: Chan<number>, prime: number) => {
      for (let k = 0; k < LIMIT; k++) {
        const i = await inp.get();
        if (i === undefined) break;
        if (i % prime !== 0) await out.put(i);
      }
      out.close();
    };
    const sieve = async (primes: Chan<number>) => {
      let ch = chan<number>();
      tasks.push(spawn(errors, () => generate(ch)));
      for (let k = 0; k < LIMIT; k++) {
        const prime = await ch.get();
        if (prime === undefined) break;
        await primes.put(prime);
        const ch1 = chan<number>();
        const from = ch;
        tasks.push(spawn(errors, () => filter(from, ch1, prime)));
        ch = ch1;
      }
      primes.close();
    };

    const primes = chan<number>();
    tasks.push(spawn(errors, () => sieve(primes)));
    const first25 = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97];
    const got: number[] = [];
    for (let i = 0; i < first25.length; i++) got.push((await primes.get()) as number);
    expect(got).toEqual(first25);

    // Drain the rest (primes below LIMIT) and check that everything shut down.
    const rest: number[] = [];
    for (let k = 0; k < LIMIT; k++) {
      const p = await settles(primes.get(), 'primes after 97');
      if (p === undefined) break;
      rest.push(p);
    }
    expect(rest).toEqual([101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199]);
    await settles(Promise.all(tasks), 'sieve tasks');
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// powser1.go: McIlroy's power series as a demand-driven network of unbuffered channels.

/** Exact rationals on BigInt. `den === 0n` is Go's `finis` end marker. */
class Rat {
  readonly num: bigint;
  readonly den: bigint;
  constructor(num: bigint, den: bigint) {
    if (den === 0n) {
      this.num = 1n;
      this.den = 0n;
      return;
    }
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = Rat.gcd(num < 0n ? -num : num, den);
    this.num = num / g;
    this.den = den / g;
  }
  private static gcd(a: bigint, b: bigint): bigint {
    while (b !== 0n) [a, b] = [b, a % b];
    return a === 0n ? 1n : a;
  }
  static of(u: number | bigint, v: number | bigint = 1): Rat {
    return new Rat(BigInt(u), BigInt(v));
  }
  get end(): boolean {
    return this.den === 0n;
  }
  add(o: Rat): Rat {
    return new Rat(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  mul(o: Rat): Rat {
    return new Rat(this.num * o.num, this.den * o.den);
  }
  neg(): Rat {
    return new Rat(-this.num, this.den);
  }
  inv(): Rat {
    if (this.num === 0n) throw new Error('zero divide in inv');
    return new Rat(this.den, this.num);
  }
  toString(): string {
    if (this.end) return 'finis';
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

/** Builds one fresh power-series world (Go's Init()): constructors plus Ones and Twos. */
function powserWorld(errors: unknown[]) {
  interface Dch {
    req: Chan<number>;
    dat: Chan<Rat>;
  }
  type PS = Dch;
  type Dch2 = [Dch, Dch];

  let seqno = 0;
  const zero = Rat.of(0);
  const one = Rat.of(1);
  const finis = Rat.of(1, 0);
  const go = (f: () => Promise<unknown>) => void spawn(errors, f);
  const mkdch = (): Dch => ({ req: chan<number>(), dat: chan<Rat>() });
  const mkdch2 = (): Dch2 => [mkdch(), mkdch()];

  // dosplit: serve one demand channel onto two outputs read at different rates; each
  // generation hands over to the next through release channels (see powser1.go).
  const dosplit = async (inp: Dch, out: Dch2, wait: Chan<number>): Promise<void> => {
    let both = false; // do not service both channels
    const [, first] = await select([out[0].req, wait]);
    if (first === wait) {
      both = true;
      const [, which] = await select([out[0].req, out[1].req]);
      if (which === out[1].req) [out[0], out[1]] = [out[1], out[0]];
    }
    seqno++;
    await inp.req.put(seqno);
    const release = chan<number>();
    go(() => dosplit(inp, out, release));
    const dat = await inp.dat.get();
    if (dat === undefined) throw new Error('dosplit: input closed');
    await out[0].dat.put(dat);
    if (!both) await wait.get();
    await out[1].req.get();
    await out[1].dat.put(dat);
    await release.put(0);
  };
  const split = async (inp: Dch, out: Dch2): Promise<void> => {
    const release = chan<number>();
    go(() => dosplit(inp, out, release));
    await release.put(0);
  };
  const put = async (dat: Rat, out: Dch): Promise<void> => {
    await out.req.get();
    await out.dat.put(dat);
  };
  const get = async (inp: Dch): Promise<Rat> => {
    seqno++;
    await inp.req.put(seqno);
    const r = await inp.dat.get();
    if (r === undefined) throw new Error('get: series channel closed');
    return r;
  };
  // getn: one rat from each of 2 demand channels, by a select over the request sends and the
  // data receives. Go disables a case by setting its channel to nil; we have no nil channels,
  // so a disabled case is simply omitted from the ops array.
  const getn = async (inp: Dch[]): Promise<Rat[]> => {
    const n = inp.length;
    if (n !== 2) throw new Error('bad n in getn');
    const req: (Chan<number> | null)[] = inp.map((d) => d.req);
    const dat: (Chan<Rat> | null)[] = [null, null];
    const out: Rat[] = [zero, zero];
    for (let k = 2 * n; k > 0; k--) {
      seqno++;
      const ops: (Chan<Rat> | readonly [Chan<number>, number])[] = [];
      for (const r of req) if (r) ops.push([r, seqno] as const);
      for (const d of dat) if (d) ops.push(d);
      const [v, which] = await select(ops);
      // Both inputs may be the same series (Mul(Ones, Ones)), so the same channel can appear
      // in two arms; since the arms are interchangeable, the first enabled match takes it.
      const ri = req.findIndex((r) => r !== null && r === which);
      if (ri >= 0) {
        if (v !== true) throw new Error(`getn: request send resolved ${String(v)}`);
        dat[ri] = inp[ri]!.dat;
        req[ri] = null;
        continue;
      }
      const di = dat.findIndex((d) => d !== null && d === which);
      if (di < 0) throw new Error('getn: select returned a channel that was not among its arms');
      if (!(v instanceof Rat)) throw new Error(`getn: data receive gave ${String(v)}`);
      out[di] = v;
      dat[di] = null;
    }
    return out;
  };
  const get2 = (in0: Dch, in1: Dch) => getn([in0, in1]);
  const copy = async (inp: Dch, out: Dch): Promise<void> => {
    for (let k = 0; k < FOREVER; k++) {
      await out.req.get();
      await out.dat.put(await get(inp));
    }
  };
  const repeat = async (dat: Rat, out: Dch): Promise<void> => {
    for (let k = 0; k < FOREVER; k++) await put(dat, out);
  };

  const Split = (U: PS): Dch2 => {
    const UU = mkdch2();
    go(() => split(U, UU));
    return UU;
  };
  const Add = (U: PS, V: PS): PS => {
    const Z = mkdch();
    go(async () => {
      for (let k = 0; k < FOREVER; k++) {
        await Z.req.get();
        const uv = await get2(U, V);
        switch (Number(uv[0]!.end) + 2 * Number(uv[1]!.end)) {
          case 0:
            await Z.dat.put(uv[0]!.add(uv[1]!));
            break;
          case 1:
            await Z.dat.put(uv[1]!);
            await copy(V, Z);
            break;
          case 2:
            await Z.dat.put(uv[0]!);
            await copy(U, Z);
            break;
          case 3:
            await Z.dat.put(finis);
        }
      }
    });
    return Z;
  };
  const Cmul = (c: Rat, U: PS): PS => {
    const Z = mkdch();
    go(async () => {
      let done = false;
      for (let k = 0; k < FOREVER && !done; k++) {
        await Z.req.get();
        const u = await get(U);
        if (u.end) done = true;
        else await Z.dat.put(c.mul(u));
      }
      await Z.dat.put(finis);
    });
    return Z;
  };
  const Sub = (U: PS, V: PS): PS => Add(U, Cmul(one.neg(), V));
  const Rep = (c: Rat): PS => {
    const Z = mkdch();
    go(() => repeat(c, Z));
    return Z;
  };
  // UV = u*v + x*(u*VV + v*UU) + x*x*UU*VV
  const Mul = (U: PS, V: PS): PS => {
    const Z = mkdch();
    go(async () => {
      await Z.req.get();
      const uv = await get2(U, V);
      if (uv[0]!.end || uv[1]!.end) {
        await Z.dat.put(finis);
      } else {
        await Z.dat.put(uv[0]!.mul(uv[1]!));
        const UU = Split(U);
        const VV = Split(V);
        const W = Add(Cmul(uv[0]!, VV[0]), Cmul(uv[1]!, UU[0]));
        await Z.req.get();
        await Z.dat.put(await get(W));
        await copy(Add(W, Mul(UU[1], VV[1])), Z);
      }
    });
    return Z;
  };
  const Diff = (U: PS): PS => {
    const Z = mkdch();
    go(async () => {
      await Z.req.get();
      let u = await get(U);
      if (!u.end) {
        let done = false;
        for (let i = 1; !done && i < FOREVER; i++) {
          u = await get(U);
          if (u.end) done = true;
          else {
            await Z.dat.put(Rat.of(i).mul(u));
            await Z.req.get();
          }
        }
      }
      await Z.dat.put(finis);
    });
    return Z;
  };
  const Integ = (c: Rat, U: PS): PS => {
    const Z = mkdch();
    go(async () => {
      await put(c, Z);
      let done = false;
      for (let i = 1; !done && i < FOREVER; i++) {
        await Z.req.get();
        const u = await get(U);
        if (u.end) done = true;
        await Z.dat.put(Rat.of(1, i).mul(u));
      }
      await Z.dat.put(finis);
    });
    return Z;
  };
  // Z = exp(U), DZ = Z*DU, integrate. Go's split blocks its caller until the first
  // generation took the release token; ours is awaited for the same effect.
  const Exp = async (U: PS): Promise<PS> => {
    const ZZ = mkdch2();
    await split(Integ(one, Mul(ZZ[0], Diff(U))), ZZ);
    return ZZ[1];
  };
  // U(c x^n): each Ui is multiplied by c^i and followed by n-1 zeros.
  const MonSubst = (U: PS, c0: Rat, n: number): PS => {
    const Z = mkdch();
    go(async () => {
      let c = one;
      for (let k = 0; k < FOREVER; k++) {
        await Z.req.get();
        const u = await get(U);
        await Z.dat.put(u.mul(c));
        c = c.mul(c0);
        if (u.end) {
          await Z.dat.put(finis);
          break;
        }
        for (let i = 1; i < n; i++) {
          await Z.req.get();
          await Z.dat.put(zero);
        }
      }
    });
    return Z;
  };

  /** The first `count` terms of U, as strings (so a mismatch prints readably). */
  const terms = async (U: PS, count: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(String(await get(U)));
    return out;
  };

  const Ones = Rep(one);
  const Twos = Rep(Rat.of(2));
  return { Ones, Twos, zero, one, Add, Sub, Cmul, Mul, Diff, Integ, Exp, MonSubst, terms };
}

describe('powser1.go', () => {
  const N = 10;
  const show = (rs: Rat[]) => rs.map(String);

  it('Ones = 1 1 1 1 1', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    expect(await w.terms(w.Ones, 5)).toEqual(show(Array(5).fill(w.one)));
    expect(errors).toEqual([]);
  });

  it('Add(Ones, Ones), Add(Ones, Twos), Sub(Ones, Twos) (Go builds these but checks 0 terms; we check 5)', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    expect(await w.terms(w.Add(w.Ones, w.Ones), 5)).toEqual(show(Array(5).fill(Rat.of(2))));
    expect(await w.terms(w.Add(w.Ones, w.Twos), 5)).toEqual(show(Array(5).fill(Rat.of(3))));
    expect(await w.terms(w.Sub(w.Ones, w.Twos), 5)).toEqual(show(Array(5).fill(Rat.of(-1))));
    expect(errors).toEqual([]);
  });

  it('Diff(Ones) = 1 2 3 ... 10', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    const want = Array.from({ length: N }, (_, i) => Rat.of(i + 1));
    expect(await w.terms(w.Diff(w.Ones), N)).toEqual(show(want));
    expect(errors).toEqual([]);
  });

  it('Integ(0, Ones) = 0 1 1/2 1/3 ... 1/9', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    const want = Array.from({ length: N }, (_, i) => (i === 0 ? w.zero : Rat.of(1, i)));
    expect(await w.terms(w.Integ(w.zero, w.Ones), N)).toEqual(show(want));
    expect(errors).toEqual([]);
  });

  it('Cmul(-1, Twos) = -2 x 10', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    expect(await w.terms(w.Cmul(w.one.neg(), w.Twos), 10)).toEqual(show(Array(10).fill(Rat.of(-2))));
    expect(errors).toEqual([]);
  });

  it('Mul(Ones, Ones) = 1 2 3 ... 10', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    const want = Array.from({ length: N }, (_, i) => Rat.of(i + 1));
    expect(await w.terms(w.Mul(w.Ones, w.Ones), N)).toEqual(show(want));
    expect(errors).toEqual([]);
  });

  it('Exp(Ones) = 1 1 3/2 13/6 73/24 167/40 4051/720 37633/5040 43817/4480 4596553/362880', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    const want = [
      Rat.of(1),
      Rat.of(1),
      Rat.of(3, 2),
      Rat.of(13, 6),
      Rat.of(73, 24),
      Rat.of(167, 40),
      Rat.of(4051, 720),
      Rat.of(37633, 5040),
      Rat.of(43817, 4480),
      Rat.of(4596553, 362880),
    ];
    expect(await w.terms(await w.Exp(w.Ones), N)).toEqual(show(want));
    expect(errors).toEqual([]);
  });

  it('ATan = Integ(0, MonSubst(Ones, -1, 2)) = 0 1 0 -1/3 0 1/5 0 -1/7 0 1/9', async () => {
    const errors: unknown[] = [];
    const w = powserWorld(errors);
    const want: Rat[] = [];
    for (let c = 1, i = 0; i < N; i++) {
      if (i % 2 === 0) want.push(w.zero);
      else {
        want.push(Rat.of(c, i));
        c = -c;
      }
    }
    const at = w.Integ(w.zero, w.MonSubst(w.Ones, w.one.neg(), 2));
    expect(await w.terms(at, N)).toEqual(show(want));
    expect(errors).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('doubleselect.go', () => {
  it('at most one case of a 4-way select fires: no duplicates, and all n values arrive', async () => {
    // The sender's 4-way select of `i` over c1..c4 must complete exactly one arm per round.
    // A select that completed two arms would show up as a duplicate at the receiver; one that
    // completed none while reporting success would show up as a missing value.
    const n = 20_000;
    const errors: unknown[] = [];
    const cs = [chan<number>(), chan<number>(), chan<number>(), chan<number>()];
    const done = chan<boolean>();
    const cmux = chan<number>();
    const badResults: unknown[] = [];

    void spawn(errors, async () => {
      try {
        for (let i = 0; i < n; i++) {
          const [v, which] = await select(cs.map((c) => [c, i] as const));
          if (v !== true || !cs.includes(which as Chan<number>)) badResults.push([v, i]);
        }
      } finally {
        for (const c of cs) c.close();
      }
    });
    const mux = async (out: Chan<number>, inp: Chan<number>) => {
      for await (const v of inp) await out.put(v);
      await done.put(true);
    };
    for (const c of cs) void spawn(errors, () => mux(cmux, c));
    const seen = new Set<number>();
    const duplicates: number[] = [];
    const recver = spawn(errors, async () => {
      for await (const v of cmux) {
        if (seen.has(v)) duplicates.push(v);
        seen.add(v);
      }
    });
    for (let k = 0; k < 4; k++) await done.get();
    cmux.close();
    await settles(recver, 'receiver');
    expect(errors).toEqual([]);
    expect(badResults).toEqual([]);
    expect(duplicates).toEqual([]);
    expect(seen.size).toBe(n);
  });
});

describe('select3.go: the block / no-block matrix', () => {
  // Go's testBlock runs f in a goroutine and races it against a sleep. Here: start f, let a
  // few macrotask turns pass, then look at whether it settled. Go's testPanic rows for "send
  // on a closed channel" become "resolves false" rows.
  const blocks = (p: Promise<unknown>) => stillPendingAfterTurns(track(p));

  it('nil channels: not portable; an omitted arm leaves a select with only default, which never blocks', async () => {
    // Go: a nil send/receive blocks forever, and a nil case in a select with default is never
    // chosen. We have no nil channels: the nil case is omitted, leaving `select([], {default})`.
    expect(await select([], { default: DEFAULT })).toEqual([DEFAULT, null]);
  });

  it('sending to a channel with free buffer space never blocks', async () => {
    const ch = chan<number>(1);
    expect(await blocks(ch.put(7))).toBe(false);
  });

  it('receiving from a closed channel never blocks: 10 times undefined', async () => {
    const closedch = chan<number>();
    closedch.close();
    for (let i = 0; i < 10; i++) {
      const t = track(closedch.get());
      expect(await stillPendingAfterTurns(t, 0)).toBe(false);
      expect(t.value).toBe(undefined);
    }
  });

  it('sending to a closed channel resolves false (Go panics), plain and in a select', async () => {
    const closedch = chan<number>();
    closedch.close();
    const plain = track(closedch.put(7));
    expect(await stillPendingAfterTurns(plain)).toBe(false);
    expect(plain.value).toBe(false);
    const sel = track(select([[closedch, 7]]));
    expect(await stillPendingAfterTurns(sel)).toBe(false);
    expect(sel.value![0]).toBe(false);
    expect(sel.value![1]).toBe(closedch);
  });

  it('receiving from a non-ready channel blocks', async () => {
    expect(await blocks(chan<number>().get())).toBe(true);
  });

  it('empty selects: Go blocks forever, our contract throws TypeError (nothing could complete)', () => {
    // This also covers Go's "selects with only nil channels always block": with nil arms
    // omitted, such a select is the empty select.
    expect(() => select([])).toThrow(TypeError);
  });

  it('a select on a non-ready channel blocks', async () => {
    expect(await blocks(select([chan<number>()]))).toBe(true);
    expect(await blocks(select([[chan<number>(), 7]]))).toBe(true);
  });

  it('selects with default never block; `default: undefined` counts as present', async () => {
    expect(await blocks(select([], { default: 1 }))).toBe(false);
    expect(await select([chan<number>()], { default: 'd' })).toEqual(['d', null]);
    expect(await select([[chan<number>(), 7]], { default: 'd' })).toEqual(['d', null]);
    const withUndefined = track(select([chan<number>()], { default: undefined }));
    expect(await stillPendingAfterTurns(withUndefined)).toBe(false);
    expect(withUndefined.value).toEqual([undefined, null]);
  });

  it('selects with ready channels do not block and skip the default', async () => {
    const a = chan<number>(1);
    const [v1, w1] = await select([[a, 7]], { default: DEFAULT });
    expect(v1).toBe(true);
    expect(w1).toBe(a);
    const b = chan<number>(1);
    await b.put(7);
    const [v2, w2] = await select([b], { default: DEFAULT });
    expect(v2).toBe(7);
    expect(w2).toBe(b);
  });

  it('a select receive from a closed channel does not block and yields [undefined, ch]', async () => {
    const closedch = chan<number>();
    closedch.close();
    const t = track(select([closedch]));
    expect(await stillPendingAfterTurns(t)).toBe(false);
    expect(t.value![0]).toBe(undefined);
    expect(t.value![1]).toBe(closedch);
  });

  it('a select with a put and a get on the same unbuffered channel blocks (no self match)', async () => {
    // Go: "select should not get confused if it sees itself". aiochan crashed here.
    const c = chan<number>();
    const t = track(select([[c, 1], c]));
    expect(await stillPendingAfterTurns(t)).toBe(true);
    // Both arms really are registered: an outside getter pairs with the put arm...
    expect(await settles(c.get(), 'outside get')).toBe(1);
    const r = await settles(t.promise, 'self-select after outside get');
    expect(r[0]).toBe(true);
    expect(r[1]).toBe(c);
    // ...and, in a fresh select, an outside putter pairs with the get arm.
    const t2 = track(select([[c, 1], c]));
    expect(await stillPendingAfterTurns(t2)).toBe(true);
    expect(await settles(c.put(5), 'outside put')).toBe(true);
    const r2 = await settles(t2.promise, 'self-select after outside put');
    expect(r2[0]).toBe(5);
    expect(r2[1]).toBe(c);
  });
});

describe('select6.go (issue 2075)', () => {
  it('a select that lost on c1 does not corrupt c1\'s waiter queue', async () => {
    // Story: Go once left the failed case of a select in c1's receiver queue in a corrupt
    // state when the select was last in that queue. A plain receiver and a selector both wait
    // on c1; the selector wins on c2 instead. Later, two sends on c1 must both be received:
    // one by the plain receiver, one by the former selector's follow-up receive.
    const errors: unknown[] = [];
    const c1 = chan<boolean>();
    const c2 = chan<boolean>();
    const c3 = chan<boolean>();
    let dummyFired = false;
    const plain = spawn(errors, async () => {
      await c1.get();
    });
    const selector = spawn(errors, async () => {
      const [, which] = await select([c1, c2]);
      if (which === c1) {
        dummyFired = true;
        return;
      }
      await c3.put(true);
      await c1.get();
    });
    void spawn(errors, async () => {
      await c2.put(true);
    });
    expect(await settles(c3.get(), 'c3')).toBe(true);
    expect(await settles(c1.put(true), 'first c1 <- true')).toBe(true);
    expect(await settles(c1.put(true), 'second c1 <- true')).toBe(true);
    await settles(Promise.all([plain, selector]), 'receivers');
    expect(dummyFired).toBe(false);
    expect(errors).toEqual([]);
  });
});

describe('select7.go: rendezvous with the value discarded, all 9 receiver x sender forms', () => {
  const receivers: Record<string, (c: Chan<number>) => Promise<unknown>> = {
    'plain get': (c) => c.get(),
    'one-arm select': (c) => select([c]),
    // Go's recv3 adds a nil-channel case; without nil channels we add a fresh channel that is
    // never ready, which keeps the "extra never-ready case" the program is about.
    'select + never-ready arm': (c) => select([c, chan<number>()]),
  };
  const senders: Record<string, (c: Chan<number>) => Promise<unknown>> = {
    'plain put': (c) => c.put(1),
    'one-arm select put': (c) => select([[c, 1]]),
    'select put + never-ready put arm': (c) => select([[c, 1], [chan<number>(), 1]]),
  };
  for (const [rn, recv] of Object.entries(receivers)) {
    for (const [sn, send] of Object.entries(senders)) {
      for (const receiverFirst of [true, false]) {
        it(`${rn} x ${sn} (${receiverFirst ? 'receiver parks first' : 'sender parks first'})`, async () => {
          const c = chan<number>();
          let r: Promise<unknown>;
          let s: Promise<unknown>;
          if (receiverFirst) {
            r = recv(c);
            await gosched(); // Go: runtime.Gosched() before sending
            s = send(c);
          } else {
            s = send(c);
            await gosched();
            r = recv(c);
          }
          await settles(Promise.all([r, s]), `${rn} x ${sn}`);
        });
      }
    }
  }
});

describe('select.go', () => {
  it('Send(a, b): 2 sends OR-ing to 3, then Send(a, none) = 1', async () => {
    // Go's Send loops over `select { a <- GetValue(); b <- GetValue(); default }`, setting a
    // channel to nil after it sent. With no nil channels, a sent-on channel's arm is omitted.
    // Go also checks that GetValue ran exactly 10 times (every send expression is evaluated on
    // each select entry, nil cases included); our select receives already-evaluated values
    // from the caller, so that count would only test this file, not sabchan, and is left out.
    let shift = 0;
    const getValue = () => 1 << shift;
    const send = async (a: Chan<number> | null, b: Chan<number> | null): Promise<number> => {
      let i = 0;
      for (let k = 0; k < 10; k++) {
        const ops: (readonly [Chan<number>, number])[] = [];
        if (a) ops.push([a, getValue()]);
        if (b) ops.push([b, getValue()]);
        const [v, which] = await select(ops, { default: DEFAULT });
        if (which === null) {
          expect(v).toBe(DEFAULT);
          break;
        }
        expect(v).toBe(true);
        i++;
        if (which === a) a = null;
        else if (which === b) b = null;
        else throw new Error('select returned a channel that was not among its arms');
        shift++;
      }
      return i;
    };
    const a = chan<number>(1);
    const b = chan<number>(1);
    expect(await send(a, b)).toBe(2);
    const va = (await a.get()) as number;
    const vb = (await b.get()) as number;
    expect(va | vb).toBe(3);
    expect(await send(a, null)).toBe(1);
    expect(a.poll()).toBe(1 << 2);
  });
});

describe('sendstmt.go', () => {
  it('channel of channels: the channel received from cc is the one the select sends 2 on', async () => {
    const ch = chan<number>(1);
    expect(await ch.put(1)).toBe(true);
    expect(await ch.get()).toBe(1);
    const cc = chan<Chan<number>>(1);
    expect(await cc.put(ch)).toBe(true);
    // Go: `select { case <-cc <- 2: default: panic("nonblock") }`. The channel operand is
    // evaluated on entry, i.e. by the caller here.
    const target = (await cc.get()) as Chan<number>;
    expect(target).toBe(ch);
    const [v, which] = await select([[target, 2]], { default: DEFAULT });
    expect(v).toBe(true);
    expect(which).toBe(ch);
    expect(await ch.get()).toBe(2);
  });

  it('`c <- false || true` sends true', async () => {
    const c = chan<boolean>(1);
    expect(await c.put(false || true)).toBe(true);
    expect(await c.get()).toBe(true);
  });
});

describe('zerosize.go: signal-only channels', () => {
  // Go's zero-size element types (struct{}, [0]byte) have no value worth carrying; the
  // natural JS "unit" values are `null` and `{}`. The trap is `undefined`, our closed marker,
  // so the unit must be something else and must come back as itself.
  for (const buffer of [0, 1]) {
    it(`buffer ${buffer}: null and {} travel as ordinary values, distinct from the closed marker`, async () => {
      const n = chan<null>(buffer);
      const p = n.put(null);
      expect(await n.get()).toBe(null);
      expect(await p).toBe(true);
      const unit = {};
      const e = chan<object>(buffer);
      const pe = e.put(unit);
      expect(await e.get()).toBe(unit);
      expect(await pe).toBe(true);
      const sp = select([[n, null]]);
      const [got, which] = await select([n]);
      expect(got).toBe(null);
      expect(which).toBe(n);
      expect(await sp).toEqual([true, n]);
      n.close();
      expect(await n.get()).toBe(undefined);
    });
  }
});

// ---------------------------------------------------------------------------------------------
// runtime/chan_test.go

describe('runtime: TestSelectFairness', () => {
  it('over 10,000 selects between two always-ready channels, c1 wins 4,500..5,500 times', async () => {
    // Two buffered channels pre-filled with trials+1 values and two that are never ready. If
    // the choice among ready arms is uniform, cnt1 ~ Binomial(10000, 0.5): mean 5000,
    // sigma 50, and the bound is Go's 10 sigma.
    const trials = 10_000;
    const errors: unknown[] = [];
    const c1 = chan<number>(trials + 1);
    const c2 = chan<number>(trials + 1);
    for (let i = 0; i < trials + 1; i++) {
      expect(c1.offer(1)).toBe(true);
      expect(c2.offer(2)).toBe(true);
    }
    const c3 = chan<number>();
    const c4 = chan<number>();
    const out = chan<number>();
    const done = chan<number>();
    const worker = spawn(errors, async () => {
      for (let k = 0; k < trials + 2; k++) {
        const [b] = await select([c3, c4, c1, c2]);
        const [, which] = await select([[out, b as number], done]);
        if (which === done) return;
      }
    });
    let cnt1 = 0;
    let cnt2 = 0;
    const unexpected: unknown[] = [];
    for (let i = 0; i < trials; i++) {
      const b = await out.get();
      if (b === 1) cnt1++;
      else if (b === 2) cnt2++;
      else unexpected.push(b);
    }
    done.close();
    await settles(worker, 'fairness worker');
    expect(errors).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(cnt1 + cnt2).toBe(trials);
    expect(cnt1).toBeGreaterThanOrEqual(4500);
    expect(cnt1).toBeLessThanOrEqual(5500);
  });
});

describe('runtime: TestPseudoRandomSend', () => {
  for (const cap of [0, 100]) {
    it(`capacity ${cap}: 100 selects of [[c, 1], [c, 0]] send each value more than 10 times`, async () => {
      // With capacity 0 the receiver yields a macrotask turn before each receive (Go's
      // Gosched), so the select is usually already parked with both arms on c when the
      // receiver arrives: the choice among a parked select's arms must be random too.
      const n = 100;
      const errors: unknown[] = [];
      const c = chan<number>(cap);
      const l: number[] = [];
      const receiver = spawn(errors, async () => {
        for (let i = 0; i < n; i++) {
          await gosched();
          l.push((await c.get()) as number);
        }
      });
      for (let i = 0; i < n; i++) {
        const [v, which] = await select([
          [c, 1],
          [c, 0],
        ]);
        expect(v).toBe(true);
        expect(which).toBe(c);
      }
      await settles(receiver, 'receiver');
      expect(errors).toEqual([]);
      const n1 = l.filter((x) => x === 1).length;
      const n0 = l.filter((x) => x === 0).length;
      expect(n0 + n1).toBe(n);
      expect(n0, `zeros (ones: ${n1})`).toBeGreaterThan(n / 10);
      expect(n1, `ones (zeros: ${n0})`).toBeGreaterThan(n / 10);
    });
  }
});

describe('runtime: TestSelfSelect', () => {
  for (const cap of [0, 10]) {
    it(`capacity ${cap}: two tasks x 1000 selects of [[c, p], c] in both orders: no deadlock${cap === 0 ? ', never a self receive' : ''}`, async () => {
      const errors: unknown[] = [];
      const selfReceives: string[] = [];
      const c = chan<number>(cap);
      const task = async (p: number) => {
        for (let i = 0; i < 1000; i++) {
          const ops = p === 0 || i % 2 === 0 ? [[c, p] as const, c] : [c, [c, p] as const];
          const [v, which] = await select(ops);
          if (which !== c) throw new Error('select returned a foreign channel');
          // A put arm resolves `true`; a get arm resolves the other task's p (0 or 1).
          if (cap === 0 && v === p && typeof v === 'number') selfReceives.push(`task ${p}, iteration ${i}`);
        }
      };
      const both = Promise.all([spawn(errors, () => task(0)), spawn(errors, () => task(1))]);
      await settles(both, 'self-select tasks (deadlock?)', 2000);
      expect(errors).toEqual([]);
      expect(selfReceives).toEqual([]);
    });
  }
});

describe('runtime: TestSelectDuplicateChannel', () => {
  it('a select queued twice on c, woken through d, does not corrupt c\'s queue', async () => {
    // Story: Go once corrupted c.recvq when a select with two cases on c was woken through d
    // and dequeued itself from c. A later send on c must reach the plain receiver B.
    const c = chan<number>();
    const d = chan<number>();
    const a = track(select([c, c, d])); // goroutine A, queued first on c (twice)
    await sleep(1);
    const b = track(c.get()); // goroutine B, queued on c after A
    await sleep(1);
    expect(await settles(d.put(7), 'd <- 7')).toBe(true); // wakes A, which leaves c
    const [va, wa] = await settles(a.promise, 'A');
    expect(va).toBe(7);
    expect(wa).toBe(d);
    expect(await settles(c.put(8), 'c <- 8')).toBe(true); // wakes B
    expect(await settles(b.promise, 'B')).toBe(8);
  });
});

describe('runtime: TestMultiConsumer', () => {
  it('23 workers ranging over q (buffer 69) forward to r: count and sum match', async () => {
    const nwork = 23;
    const niter = 271_828;
    const pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    const errors: unknown[] = [];
    const q = chan<number>(nwork * 3);
    const r = chan<number>(nwork * 3);
    const workers: Promise<void>[] = [];
    for (let w = 0; w < nwork; w++) {
      workers.push(
        spawn(errors, async () => {
          for await (const v of q) {
            // mess with the fifo-ish nature of range
            if (pn[w % pn.length] === v) await gosched();
            await r.put(v);
          }
        }),
      );
    }
    let expectSum = 0;
    void spawn(errors, async () => {
      for (let i = 0; i < niter; i++) {
        const v = pn[i % pn.length]!;
        expectSum += v;
        await q.put(v);
      }
      q.close(); // no more work
      await Promise.all(workers); // workers done
      r.close(); // ... so there can be no more results
    });
    let n = 0;
    let s = 0;
    for await (const v of r) {
      n++;
      s += v;
    }
    expect(errors).toEqual([]);
    expect(n).toBe(niter);
    expect(s).toBe(expectSum);
  });
});

describe('runtime: TestNonblockSelectRace analogues', () => {
  // Go races a select-with-default over c1 (ready) and c2 against a main goroutine that fills
  // (Race) or closes (Race2) c2 and only then drains c1: at every instant one arm is ready, so
  // the select must never take the default. On one JS thread the race becomes interleaving:
  // both sides yield a seeded-random number of microtask and macrotask turns between steps.
  for (const variant of ['fill c2', 'close c2'] as const) {
    it(`${variant}: 1000 seeded interleavings never take the default`, async () => {
      const n = 1000;
      const random = rng(variant === 'fill c2' ? 2075 : 4142);
      const yieldSome = async () => {
        const k = Math.floor(random() * 4);
        for (let i = 0; i < k; i++) await (random() < 0.5 ? Promise.resolve() : gosched());
      };
      const defaults: number[] = [];
      for (let i = 0; i < n; i++) {
        const c1 = chan<number>(1);
        const c2 = variant === 'fill c2' ? chan<number>(1) : chan<number>();
        expect(c1.offer(1)).toBe(true);
        const selector = (async () => {
          await yieldSome();
          const [, which] = await select([c1, c2], { default: DEFAULT });
          if (which === null) defaults.push(i);
        })();
        const main = (async () => {
          await yieldSome();
          if (variant === 'fill c2') expect(await c2.put(1)).toBe(true);
          else c2.close();
          await yieldSome();
          await select([c1], { default: DEFAULT });
        })();
        await Promise.all([selector, main]);
      }
      expect(defaults).toEqual([]);
    });
  }
});
