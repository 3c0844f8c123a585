/**
 * Bad input to object channels (API.md section 4): options are checked (TypeError /
 * RangeError naming the option), a value the codec cannot encode is a TypeError from every
 * put form and a message over maxMessageBytes a RangeError, with nothing enqueued and the
 * channel still working; bulk (numeric) methods are refused; a put that parks keeps the value
 * as it was when put (shared-port.ts H5); and a decode that throws (a custom codec) consumes
 * its message and leaves the channel working. Everything here runs in this thread; nothing
 * here parks a put for want of *bytes* (see object-cross-thread.test.ts for that).
 */
import { describe, expect, it } from 'vitest';
import { AttachError, attach, bytesCodec, select, sharedChan, structCodec, utf8Codec, type Codec, type SharedChan } from '../../src/index.js';
import { flush, track } from '../contract/pending.js';
import { throwsSync } from './throws-sync.js';
import { POISON, taggedCodec } from './workers/object-codecs.js';

/** The channel holds exactly `held` (in order) and still works: a put/get round trip. */
async function stillWorks<T>(ch: SharedChan<T>, held: T[], probe: T): Promise<void> {
  expect(ch.length, 'nothing was enqueued by the bad call').toBe(held.length);
  for (const v of held) expect(await ch.get()).toEqual(v);
  expect(ch.poll(), 'nothing extra was enqueued').toBeUndefined();
  expect(await ch.put(probe)).toBe(true);
  expect(await ch.get()).toEqual(probe);
}

/** Every single-value put form, called so that a throw is synchronous. */
const PUT_FORMS: [string, (ch: SharedChan<any>, v: unknown) => unknown][] = [
  ['put', (ch, v) => ch.put(v)],
  ['offer', (ch, v) => ch.offer(v)],
  ['putSync', (ch, v) => ch.putSync(v, { timeout: 1000 })],
  ['select put arm', (ch, v) => select([[ch, v]])],
];

const cyclic = (): unknown => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};

/** Values JSON cannot encode, each with a label. */
const NOT_JSON: [string, () => unknown][] = [
  ['a BigInt', () => 10n],
  ['a BigInt inside an object', () => ({ a: [1, 2n] })],
  ['a cyclic object', cyclic],
  ['a function', () => () => 1],
  ['a symbol', () => Symbol('s')],
  ['an object whose toJSON throws', () => ({ toJSON: () => { throw new Error('no'); } })],
];

const okCodec = (name: string): Codec<number> => ({ name, encode: (v, t) => (t.length < 1 ? -1 : ((t[0] = v), 1)), decode: (s) => s[0]! });

describe('object channel options', () => {
  it("both 'type' and 'codec' is a TypeError (even type: undefined)", () => {
    throwsSync(() => sharedChan({ type: 'f64', codec: 'json', capacity: 1 } as never), TypeError, /type.*codec|codec.*type/);
    throwsSync(() => sharedChan({ type: undefined, codec: 'json', capacity: 1 } as never), TypeError, /type.*codec|codec.*type/);
  });

  it('capacity: missing or a non-number is a TypeError; negative, fractional, NaN, infinite or too large is a RangeError', () => {
    throwsSync(() => sharedChan({} as never), TypeError, /capacity/);
    throwsSync(() => sharedChan({ capacity: '4' } as never), TypeError, /capacity/);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 28 + 1]) throwsSync(() => sharedChan({ capacity: bad }), RangeError, /capacity/);
  });

  it('bytes: a non-number is a TypeError; below 64, fractional, NaN or above 2^28 is a RangeError naming it', () => {
    for (const bad of ['4096', null, {}]) throwsSync(() => sharedChan({ capacity: 1, bytes: bad as never }), TypeError, /bytes/);
    for (const bad of [0, -64, 63, 100.5, NaN, 2 ** 28 + 1]) throwsSync(() => sharedChan({ capacity: 1, bytes: bad }), RangeError, /bytes/);
  });

  it('maxMessageBytes: a non-number is a TypeError; 0, negative, fractional or more than the ring holds is a RangeError naming it', () => {
    throwsSync(() => sharedChan({ capacity: 1, maxMessageBytes: '100' as never }), TypeError, /maxMessageBytes/);
    for (const bad of [0, -1, 1.5, NaN]) throwsSync(() => sharedChan({ capacity: 1, maxMessageBytes: bad }), RangeError, /maxMessageBytes/);
    // 128 bytes of ring hold one record of at most 120 payload bytes (8-byte header).
    throwsSync(() => sharedChan({ capacity: 1, bytes: 128, maxMessageBytes: 121 }), RangeError, /maxMessageBytes/);
    expect(sharedChan({ capacity: 1, bytes: 128, maxMessageBytes: 120 }).capacity).toBe(1);
  });

  it('codec: an unknown name or a malformed codec object is a TypeError', () => {
    throwsSync(() => sharedChan({ capacity: 1, codec: 'msgpack' as never }), TypeError, /msgpack/);
    throwsSync(() => sharedChan({ capacity: 1, codec: 42 as never }), TypeError);
    throwsSync(() => sharedChan({ capacity: 1, codec: { name: '', encode: () => 0, decode: () => 0 } }), TypeError, /name/);
    throwsSync(() => sharedChan({ capacity: 1, codec: { name: 'x', encode: () => 0 } as never }), TypeError, /decode/);
    throwsSync(() => sharedChan({ capacity: 1, codec: { name: 'x', decode: () => 0 } as never }), TypeError, /encode/);
    throwsSync(() => sharedChan({ capacity: 1, codec: { ...okCodec('x'), maxEncodedSize: 3 } as never }), TypeError, /maxEncodedSize/);
  });

  it('codec name: at most 63 bytes of UTF-8 (not characters), without NUL; longer is a RangeError', () => {
    expect(sharedChan({ capacity: 1, codec: okCodec('x'.repeat(63)) }).codec!.name).toBe('x'.repeat(63));
    throwsSync(() => sharedChan({ capacity: 1, codec: okCodec('x'.repeat(64)) }), RangeError, /63/);
    throwsSync(() => sharedChan({ capacity: 1, codec: okCodec('€'.repeat(22)) }), RangeError, /63/); // 22 chars, 66 bytes
    expect(sharedChan({ capacity: 1, codec: okCodec('€'.repeat(21)) }).codec!.name).toBe('€'.repeat(21)); // 63 bytes
    throwsSync(() => sharedChan({ capacity: 1, codec: okCodec('a\0b') }), RangeError, /NUL/);
  });

  it('policy: an unknown one is a RangeError; a rendezvous cannot slide or drop', () => {
    throwsSync(() => sharedChan({ capacity: 1, policy: 'newest' as never }), RangeError, /policy/);
    throwsSync(() => sharedChan({ capacity: 0, policy: 'sliding' }), RangeError, /rendezvous/);
    throwsSync(() => sharedChan({ capacity: 0, policy: 'dropping' }), RangeError, /rendezvous/);
  });

  it('bytes round up to a power of two; the default maxMessageBytes is what that ring holds (bytes - 8)', async () => {
    // bytes: 100 -> 128, so messages of up to 120 bytes: a JSON string of n chars is n + 2.
    const ch = sharedChan<string>({ capacity: 4, bytes: 100 });
    expect(ch.offer('x'.repeat(118))).toBe(true);
    throwsSync(() => ch.offer('y'.repeat(119)), RangeError, /maxMessageBytes \(120\)/);
    expect(ch.offer('z')).toBe(false); // the 128-byte record fills the ring: full by bytes
    await stillWorks(ch, ['x'.repeat(118)], 'probe');
  });

  it('the default ring (capacity 1: 64 KiB) takes a message of exactly 64 KiB - 8 bytes, not one more', async () => {
    const ch = sharedChan<string>({ capacity: 1 });
    throwsSync(() => ch.offer('x'.repeat(65_527)), RangeError, /maxMessageBytes \(65528\)/);
    expect(ch.length).toBe(0);
    expect(ch.offer('x'.repeat(65_526))).toBe(true);
    expect(ch.poll()).toBe('x'.repeat(65_526));
  });

  it('the default ring grows with capacity (256 bytes a message): capacity 1000 holds one message of 2^18 - 8 bytes', () => {
    const ch = sharedChan<string>({ capacity: 1000 });
    throwsSync(() => ch.offer('x'.repeat(262_135)), RangeError, /maxMessageBytes \(262136\)/);
    expect(ch.offer('x'.repeat(262_134))).toBe(true);
    expect(ch.poll()).toBe('x'.repeat(262_134));
  });

  it('maxMessageBytes above the default grows the ring to hold it', () => {
    const ch = sharedChan<string>({ capacity: 1, maxMessageBytes: 100_000 });
    expect(ch.offer('q'.repeat(99_998))).toBe(true);
    expect(ch.poll()).toBe('q'.repeat(99_998));
    throwsSync(() => ch.offer('q'.repeat(99_999)), RangeError, /maxMessageBytes \(100000\)/);
  });
});

describe('values the codec cannot encode: TypeError from every put form, nothing enqueued', () => {
  for (const [label, make] of NOT_JSON) {
    it(`json: ${label}`, async () => {
      for (const [form, put] of PUT_FORMS) {
        const ch = sharedChan<unknown>({ capacity: 2 });
        expect(ch.offer({ before: 1 })).toBe(true);
        throwsSync(() => put(ch, make()), TypeError, form === 'select put arm' ? /json/ : new RegExp(`${form.split(' ')[0]}.*json`));
        await stillWorks(ch, [{ before: 1 }], { after: form });
      }
    });
  }

  it('undefined is a TypeError from every put form (it is the closed marker), on every codec', async () => {
    const codecs: [string, () => SharedChan<any>, unknown][] = [
      ['json', () => sharedChan({ capacity: 2 }), 1],
      ['utf8', () => sharedChan({ codec: utf8Codec, capacity: 2 }), 's'],
      ['bytes', () => sharedChan({ codec: bytesCodec, capacity: 2 }), Uint8Array.of(1)],
      ['struct', () => sharedChan({ codec: structCodec({ a: 'u8' }), capacity: 2 }), { a: 1 }],
      ['custom', () => sharedChan({ codec: okCodec('custom'), capacity: 2 }), 7],
    ];
    for (const [name, make, probe] of codecs) {
      for (const [form, put] of PUT_FORMS) {
        const ch = make();
        throwsSync(() => put(ch, undefined), TypeError, /undefined/);
        expect(ch.length, `${name} ${form}`).toBe(0);
        await stillWorks(ch, [], probe);
      }
    }
  });

  it('struct: a wrong shape (missing field, wrong type, out of range, too long, wrong length, not an object) from every put form', async () => {
    const schema = { id: 'u8', x: 'f64', name: 'string:4', v: 'i16[2]' } as const;
    const good = { id: 1, x: 0.5, name: 'ab', v: [1, -1] };
    const bad: unknown[] = [
      { x: 1, name: '', v: [1, 2] },
      { ...good, id: 'a' },
      { ...good, id: 256 },
      { ...good, id: 1.5 },
      { ...good, name: 'toolong' },
      { ...good, v: [1] },
      { ...good, v: [1, 40_000] },
      null,
      5,
      'str',
    ];
    for (const value of bad) {
      for (const [form, put] of PUT_FORMS) {
        const ch = sharedChan({ codec: structCodec(schema), capacity: 2 });
        expect(ch.offer(good)).toBe(true);
        throwsSync(() => put(ch, value), TypeError, /struct/);
        expect(ch.length, `${form} of ${JSON.stringify(value)}`).toBe(1);
        await stillWorks(ch, [good], { ...good, id: 2 });
      }
    }
  });

  it('utf8 (non-string, lone surrogate) and bytes (non-Uint8Array) from every put form', async () => {
    for (const [form, put] of PUT_FORMS) {
      const u = sharedChan({ codec: utf8Codec, capacity: 2 });
      throwsSync(() => put(u, 5), TypeError, /utf8/);
      throwsSync(() => put(u, '\ud800'), TypeError, /surrogate/);
      throwsSync(() => put(u, null), TypeError, /utf8/);
      await stillWorks(u, [], form);
      const b = sharedChan({ codec: bytesCodec, capacity: 2 });
      throwsSync(() => put(b, [1, 2]), TypeError, /bytes/);
      throwsSync(() => put(b, new Uint16Array(2)), TypeError, /bytes/);
      throwsSync(() => put(b, 'ab'), TypeError, /bytes/);
      await stillWorks(b, [], Uint8Array.of(9));
    }
  });

  it('a custom codec whose encode throws TypeError: the same, and its error is the cause', async () => {
    const picky: Codec<number> = {
      name: 'picky',
      encode(v, t) {
        if (v < 0) throw new TypeError('picky codec: negative');
        if (t.length < 1) return -1;
        t[0] = v;
        return 1;
      },
      decode: (s) => s[0]!,
    };
    for (const [form, put] of PUT_FORMS) {
      const ch = sharedChan({ codec: picky, capacity: 2 });
      const e = throwsSync(() => put(ch, -1), TypeError, /negative/);
      expect((e.cause as Error | undefined)?.message ?? e.message, form).toMatch(/picky codec: negative/);
      await stillWorks(ch, [], 3);
    }
  });

  it('a custom codec that misreports its length (more than its target) is refused as a codec bug, nothing enqueued', async () => {
    const liar: Codec<number> = { name: 'liar', encode: (_v, t) => t.length + 1, decode: () => 0 };
    for (const [, put] of PUT_FORMS) {
      const ch = sharedChan({ codec: liar, capacity: 2 });
      throwsSync(() => put(ch, 1), TypeError, /liar/);
      expect(ch.length).toBe(0);
    }
  });

  it('a select put arm that cannot encode throws before any arm acts (a ready get arm beside it stays ready)', async () => {
    const ch = sharedChan<unknown>({ capacity: 2 });
    const ready = sharedChan<unknown>({ capacity: 1 });
    expect(ready.offer('r')).toBe(true);
    throwsSync(() => select([ready, [ch, 10n]], { priority: true }), TypeError, /json/);
    throwsSync(() => select([[ch, 'fine'], [ch, cyclic()]]), TypeError, /json/);
    expect(ready.length).toBe(1);
    expect(ch.length).toBe(0);
    await stillWorks(ch, [], 'ok');
  });

  it('a bad put on a full channel, or behind parked puts, throws at once (it does not park) and the order is kept', async () => {
    const ch = sharedChan<number | bigint>({ capacity: 1 });
    expect(ch.offer(1)).toBe(true);
    const p2 = ch.put(2); // parks (full by messages)
    throwsSync(() => ch.put(10n), TypeError);
    throwsSync(() => ch.putSync(10n, { timeout: 1000 }), TypeError);
    const p3 = ch.put(3);
    expect(await ch.get()).toBe(1);
    expect(await ch.get()).toBe(2);
    expect(await ch.get()).toBe(3);
    expect(await Promise.all([p2, p3])).toEqual([true, true]);
    // A rendezvous validates before it looks for a taker.
    const rv = sharedChan<unknown>({ capacity: 0 });
    const taker = track(rv.get());
    throwsSync(() => rv.put(cyclic()), TypeError);
    throwsSync(() => rv.offer(10n), TypeError);
    await flush();
    expect(taker.settled).toBe(false);
    expect(await rv.put({ ok: 1 })).toBe(true);
    expect(await taker.promise).toEqual({ ok: 1 });
  });
});

describe('a message over maxMessageBytes: RangeError from every put form, nothing enqueued', () => {
  it('json: one byte over is refused, exactly at the limit passes', async () => {
    for (const [form, put] of PUT_FORMS) {
      const ch = sharedChan<string>({ capacity: 2, maxMessageBytes: 64 });
      throwsSync(() => put(ch, 'x'.repeat(63)), RangeError, /maxMessageBytes \(64\)/); // 65 bytes
      throwsSync(() => put(ch, 'é'.repeat(32)), RangeError, /maxMessageBytes/); // 32 chars, 66 bytes
      expect(ch.length, form).toBe(0);
      expect(ch.offer('x'.repeat(62))).toBe(true); // 64 bytes
      await stillWorks(ch, ['x'.repeat(62)], form);
    }
  });

  it('a codec with maxEncodedSize (utf8, bytes, struct) and a custom codec without it: the same', async () => {
    const u = sharedChan({ codec: utf8Codec, capacity: 2, maxMessageBytes: 10 });
    throwsSync(() => u.offer('12345678901'), RangeError, /maxMessageBytes/);
    expect(u.offer('1234567890')).toBe(true);
    await stillWorks(u, ['1234567890'], '');
    const b = sharedChan({ codec: bytesCodec, capacity: 2, maxMessageBytes: 10 });
    throwsSync(() => b.put(new Uint8Array(11)), RangeError, /maxMessageBytes/);
    expect(b.length).toBe(0);
    const s = sharedChan({ codec: structCodec({ a: 'f64', b: 'f64' }), capacity: 2, maxMessageBytes: 15 });
    throwsSync(() => s.offer({ a: 1, b: 2 }), RangeError, /maxMessageBytes/); // always 16 bytes
    expect(s.length).toBe(0);
    const growing: Codec<number> = {
      name: 'growing',
      encode: (n, t) => (t.length < n ? -1 : (t.fill(7, 0, n), n)),
      decode: (src) => src.length,
    };
    const g = sharedChan({ codec: growing, capacity: 2, maxMessageBytes: 3000 });
    throwsSync(() => g.putSync(3001, { timeout: 1000 }), RangeError, /maxMessageBytes \(3000\)/);
    expect(g.offer(3000)).toBe(true); // grows its scratch past 1024 up to exactly the limit
    expect(g.offer(0)).toBe(true);
    expect(g.poll()).toBe(3000);
    expect(g.poll()).toBe(0);
  });
});

describe('bulk (numeric) methods on an object channel: TypeError', () => {
  it('putMany, putManySync, getMany, getManySync name the problem and change nothing', async () => {
    const ch = sharedChan<unknown>({ capacity: 4 });
    expect(ch.offer(1)).toBe(true);
    throwsSync(() => ch.putMany([1, 2]), TypeError, /numeric|objects/);
    throwsSync(() => ch.putManySync([1, 2], { timeout: 100 }), TypeError, /numeric|objects/);
    throwsSync(() => ch.getMany(new Float64Array(2)), TypeError, /numeric|objects/);
    throwsSync(() => ch.getManySync(new Float64Array(2), { timeout: 100 }), TypeError, /numeric|objects/);
    await stillWorks(ch, [1], 2);
  });
});

describe('H5: what arrives is the value as it was when put', () => {
  it('a put parked on a full channel, its object mutated after the put, arrives as it was', async () => {
    const ch = sharedChan<{ n: number; list: number[] }>({ capacity: 1 });
    expect(ch.offer({ n: 0, list: [] })).toBe(true);
    const o = { n: 1, list: [1] };
    const put = ch.put(o);
    o.n = 99;
    o.list.push(2);
    expect(await ch.get()).toEqual({ n: 0, list: [] });
    expect(await ch.get()).toEqual({ n: 1, list: [1] });
    expect(await put).toBe(true);
  });

  it('the same object put twice with a mutation between arrives twice, each as it was (no stale encoding reused)', async () => {
    const ch = sharedChan<{ n: number }>({ capacity: 4 });
    const o = { n: 1 };
    expect(ch.offer(o)).toBe(true);
    o.n = 2;
    expect(ch.offer(o)).toBe(true);
    o.n = 3;
    expect(await ch.put(o)).toBe(true);
    o.n = 4;
    expect(ch.putSync(o)).toBe(true);
    expect([ch.poll(), ch.poll(), ch.poll(), ch.poll()]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
  });

  it('an offer refused (full) then the object mutated: a later put of it sends the new state', async () => {
    const ch = sharedChan<{ n: number }>({ capacity: 1 });
    expect(ch.offer({ n: 0 })).toBe(true);
    const o = { n: 1 };
    expect(ch.offer(o)).toBe(false); // encoded (checked), refused
    o.n = 2;
    const put = ch.put(o); // parks
    o.n = 3;
    expect(ch.poll()).toEqual({ n: 0 });
    expect(await ch.get()).toEqual({ n: 2 });
    expect(await put).toBe(true);
  });

  it('several parked puts of one object, mutated in between, each arrive as they were', async () => {
    const ch = sharedChan<{ n: number }>({ capacity: 1 });
    expect(ch.offer({ n: 0 })).toBe(true);
    const o = { n: 1 };
    const puts: Promise<boolean>[] = [];
    for (let i = 1; i <= 5; i++) {
      o.n = i;
      puts.push(ch.put(o));
    }
    o.n = 100;
    const got: unknown[] = [];
    for (let i = 0; i <= 5; i++) got.push(await ch.get());
    expect(got).toEqual([0, 1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(await Promise.all(puts)).toEqual([true, true, true, true, true]);
  });

  it('a select put arm parked on a full channel sends the value as it was when select was called', async () => {
    const ch = sharedChan<{ n: number }>({ capacity: 1 });
    expect(ch.offer({ n: 0 })).toBe(true);
    const o = { n: 1 };
    const s = select([[ch, o]]);
    o.n = 2;
    expect(await ch.get()).toEqual({ n: 0 });
    expect(await s).toEqual([true, ch]);
    expect(await ch.get()).toEqual({ n: 1 });
  });

  it('rendezvous: a put met by a get parked in this thread hands over a decoded copy, not the object', async () => {
    const ch = sharedChan<{ n: number }>({ capacity: 0 });
    const get = ch.get();
    const o = { n: 1 };
    expect(await ch.put(o)).toBe(true);
    o.n = 2;
    const got = await get;
    expect(got).toEqual({ n: 1 });
    expect(got).not.toBe(o);
    // And a rendezvous put parked behind another one keeps its state too.
    const a = { n: 10 };
    const b = { n: 20 };
    const pa = ch.put(a);
    const pb = ch.put(b);
    a.n = 11;
    b.n = 21;
    expect(await ch.get()).toEqual({ n: 10 });
    expect(await ch.get()).toEqual({ n: 20 });
    expect(await Promise.all([pa, pb])).toEqual([true, true]);
  });

  it('bytes and struct codecs: a parked put of a Uint8Array / object mutated afterwards arrives as it was', async () => {
    const b = sharedChan({ codec: bytesCodec, capacity: 1 });
    expect(b.offer(Uint8Array.of(0))).toBe(true);
    const arr = Uint8Array.of(1, 2, 3);
    const pb = b.put(arr);
    arr.fill(9);
    expect(Array.from((await b.get())!)).toEqual([0]);
    expect(Array.from((await b.get())!)).toEqual([1, 2, 3]);
    expect(await pb).toBe(true);
    const s = sharedChan({ codec: structCodec({ id: 'u32', v: 'f64[2]' }), capacity: 1 });
    expect(s.offer({ id: 0, v: [0, 0] })).toBe(true);
    const o = { id: 1, v: [1.5, 2.5] };
    const ps = s.put(o);
    o.id = 2;
    o.v[0] = 99;
    expect(await s.get()).toEqual({ id: 0, v: [0, 0] });
    expect(await s.get()).toEqual({ id: 1, v: [1.5, 2.5] });
    expect(await ps).toBe(true);
  });

  it('a toJSON runs once, at the put: what it returned then is delivered', async () => {
    const ch = sharedChan<unknown>({ capacity: 1 });
    expect(ch.offer('first')).toBe(true);
    let calls = 0;
    const v = { toJSON: () => ({ call: ++calls }) };
    const put = ch.put(v); // parks
    expect(ch.poll()).toBe('first');
    expect(await ch.get()).toEqual({ call: 1 });
    expect(await put).toBe(true);
    expect(calls).toBe(1);
  });
});

describe('a decode that throws (custom codec): the message is consumed, the channel keeps working', () => {
  // Observed behaviour, documented: getSync and poll throw the codec's error; the poisoned
  // message is gone (consumed before decoding, message-ring.ts takeOne) and the next one
  // follows. get() throws it synchronously (it does not return a rejected promise).
  it('getSync and poll throw the decode error; the next message follows; nothing is stuck', async () => {
    const ch = sharedChan({ codec: taggedCodec('tagged'), capacity: 4 });
    for (const v of ['a', POISON, 'b', POISON]) expect(ch.offer(v)).toBe(true);
    expect(ch.getSync()).toBe('a');
    expect(() => ch.getSync()).toThrow(/poison/);
    expect(ch.length).toBe(2);
    expect(ch.poll()).toBe('b');
    expect(() => ch.poll()).toThrow(/poison/);
    expect(ch.length).toBe(0);
    // Every permit came back: the channel takes `capacity` messages again.
    for (const v of ['1', '2', '3', '4']) expect(ch.offer(v)).toBe(true);
    expect(ch.offer('5')).toBe(false);
    expect([ch.poll(), ch.poll(), ch.poll(), ch.poll()]).toEqual(['1', '2', '3', '4']);
  });

  it('get() on a poisoned message fails (throws or rejects) and consumes it; the next get gets the next message', async () => {
    const ch = sharedChan({ codec: taggedCodec('tagged'), capacity: 2 });
    expect(ch.offer(POISON)).toBe(true);
    expect(ch.offer('next')).toBe(true);
    let error: unknown;
    try {
      await ch.get();
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/poison/);
    expect(await ch.get()).toBe('next');
  });

  it("a producer's offer is not failed by a consumer's decode: a get parked in the same thread, then offer(poison)", async () => {
    // The offer's value enters the ring (it is consumed), so the offer succeeded: it must not
    // throw the consumer's decode error at the producer (a producer that retried on that
    // error would send the message twice). The parked get settles (the decode error, or the
    // next message) and the channel keeps working.
    const ch = sharedChan({ codec: taggedCodec('tagged'), capacity: 2 });
    const get = track(ch.get());
    let offered: unknown;
    let threw: unknown;
    try {
      offered = ch.offer(POISON);
    } catch (e) {
      threw = e;
    }
    expect(ch.offer('next')).toBe(true);
    await flush();
    expect(get.settled, 'the parked get settled').toBe(true);
    expect(threw, 'offer threw the consumer-side decode error').toBeUndefined();
    expect(offered).toBe(true);
  });
});

describe('a decode that throws on a rendezvous hand-off within this thread', () => {
  it('a get parked here, then put(poison): the get is not lost — it settles, or takes the next message', async () => {
    // The put hands its value to the parked get through a decoded copy (shared-chan.ts
    // tryPut). When that decode throws, the get must stay served: settle with the error, or
    // stay parked for the next message. A get that is neither (taken off the queue, marked
    // done, never completed) leaves a caller waiting forever on an open channel.
    const ch = sharedChan({ codec: taggedCodec('tagged'), capacity: 0 });
    try {
      const get = track(ch.get());
      try {
        ch.offer(POISON);
      } catch {
        // Whether the producer sees the decode error is the other test's concern.
      }
      const next = ch.put('next');
      await flush();
      await flush();
      expect(get.settled, 'the parked get settled (with the error or the next message)').toBe(true);
      if (get.error === undefined) expect(get.value).toBe('next');
      else expect(await ch.get()).toBe('next');
      expect(await next).toBe(true);
    } finally {
      ch.close(); // settles whatever is left parked, pass or fail
    }
  });
});

describe('attach options are checked in every thread, the one that created the channel included', () => {
  // attach's contract: a codec of another name than the channel's is an AttachError, and a
  // codec for a numeric channel a TypeError. A worker attaching for the first time gets
  // those errors (object-cross-thread.test.ts); a thread that attached already must not
  // silently ignore the options instead (the same call would then work in one thread and
  // throw in another).
  it('a custom codec channel: attach with a codec of another name throws AttachError here too', () => {
    const ch = sharedChan({ codec: taggedCodec('tagged'), capacity: 1 });
    throwsSync(() => attach(ch.handle, { codec: taggedCodec('other') }), AttachError, /tagged/);
    throwsSync(() => attach(ch.handle, { codec: 'json' }), AttachError, /tagged/);
    expect(attach(ch.handle, { codec: taggedCodec('tagged') })).toBe(ch); // the right name: the same object
    expect(attach(ch.handle)).toBe(ch);
  });

  it('a numeric channel: attach with a codec throws TypeError here too', () => {
    const ch = sharedChan({ type: 'f64', capacity: 1 });
    throwsSync(() => attach(ch.handle, { codec: 'json' } as never), TypeError, /codec/);
  });
});
