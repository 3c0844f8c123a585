/**
 * Object channels (a byte ring and a codec) with the other party in a real worker thread:
 * the cross-thread contract on JSON channels (capacities 0, 1, 4), where every counterpart
 * operation runs in another thread and reaches this one only through the shared ring and its
 * wake-ups; a put that waits because the *bytes* are full (not the message count); and the
 * other codecs across a worker: struct, utf8 and bytes are found by the attaching thread on
 * its own, a custom codec must be passed there and must have the channel's codec name.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { bytesCodec, chan, select, sharedChan, structCodec, utf8Codec, type SharedChan } from '../../src/index.js';
import { track } from '../contract/pending.js';
import { settles } from '../helpers/async.js';
import { IDX_RX_WAITING, IDX_TX_EPOCH } from '../../src/shared/layout.js';
import { turns, usePeers, type Peer } from './peer.js';
import { ObjectPeer } from './workers/object-peer-client.js';
import { POISON, STRUCT_AB, taggedCodec } from './workers/object-codecs.js';

const { peer, blockedPeer } = usePeers();
const objectPeer = new ObjectPeer();
afterAll(async () => {
  await objectPeer.terminate();
});

/** Waits (bounded: up to ~1000 1 ms turns) until some thread's get is asleep on `ch` (RX_WAITING set). */
async function untilGetAsleep(ch: SharedChan<any>, what: string): Promise<void> {
  const words = new Int32Array(ch.handle.buffer, 0, 256);
  for (let i = 0; i < 1000; i++) {
    if (Atomics.load(words, IDX_RX_WAITING) !== 0) return;
    await turns(1);
  }
  throw new Error(`${what}: no get went to sleep on the channel`);
}

type Json = { n: number; tag: string; nested?: unknown };

/** Runs one of ./workers/peer.ts's operations on an object channel (it attaches with no options). */
function remote<R = unknown>(p: Peer, op: string, ch: SharedChan<any>, args: { value?: unknown; timeout?: number } = {}): Promise<R> {
  return p.call<R>(op, ch as unknown as SharedChan, args as { value?: number; timeout?: number });
}

/** A JSON message of roughly `size` bytes, recognisable by `n`. */
const msg = (n: number, size = 0): Json => ({ n, tag: 'é€😀'.repeat(1) + 'x'.repeat(size), nested: { list: [n, null, true, ''] } });

for (const capacity of [0, 1, 4]) {
  describe(`shared json across threads, capacity ${capacity}`, () => {
    const make = (): SharedChan<Json> => sharedChan<Json>({ capacity });

    test('a get in this thread waits until the worker puts; the object arrives equal (a decoded copy)', async () => {
      const c = make();
      const got = track(c.get());
      await turns();
      expect(got.settled).toBe(false);
      const put = remote(peer, 'putSync', c, { value: msg(7, 100) });
      expect(await got.promise).toEqual(msg(7, 100));
      expect(await put).toBe(true);
    });

    test("a getSync in the worker waits until this thread puts", async () => {
      const c = make();
      const get = track(remote<Json>(blockedPeer, 'getSync', c));
      await turns();
      expect(get.settled).toBe(false);
      expect(await c.put(msg(8))).toBe(true);
      expect(await get.promise).toEqual(msg(8));
    });

    test("the worker's putSync blocks while the channel is full (by messages), until this thread gets", async () => {
      const c = make();
      for (let i = 0; i < capacity; i++) expect(c.offer(msg(100 + i))).toBe(true);
      expect(c.offer(msg(99))).toBe(false);
      const put = track(remote(blockedPeer, 'putSync', c, { value: msg(1) }));
      await turns();
      expect(put.settled).toBe(false);
      for (let i = 0; i < capacity; i++) expect(await c.get()).toEqual(msg(100 + i));
      expect(await c.get()).toEqual(msg(1));
      expect(await put.promise).toBe(true);
    });

    test("one producer's values (1 byte to 2 KB) arrive in order, then the close", async () => {
      const c = make();
      const values = Array.from({ length: 120 }, (_, i) => msg(i, (i * 97) % 2048));
      const produced = (async () => {
        for (const value of values) expect(await remote(blockedPeer, 'putSync', c, { value })).toBe(true);
        await remote(blockedPeer, 'close', c);
      })();
      const got: Json[] = [];
      for await (const v of c) got.push(v);
      await produced;
      expect(got).toEqual(values);
    });

    test('a close in the worker wakes a get waiting here (undefined)', async () => {
      const c = make();
      const got = c.get();
      await turns(5);
      await remote(peer, 'close', c);
      expect(await got).toBeUndefined();
      expect(c.closed).toBe(true);
    });

    test("a close here wakes the worker's blocked getSync (undefined) and putSync (false)", async () => {
      const empty = make();
      const get = remote(blockedPeer, 'getSync', empty);
      await turns();
      empty.close();
      expect(await get).toBeUndefined();

      const full = make();
      for (let i = 0; i < capacity; i++) expect(full.offer(msg(i))).toBe(true);
      let first: Promise<boolean> | undefined;
      if (capacity === 0) {
        // A rendezvous put whose value entered the ring waits for a taker; the worker's
        // putSync behind it has not entered.
        first = full.put(msg(1));
        await turns(5);
      }
      const put = remote(blockedPeer, 'putSync', full, { value: msg(2) });
      await turns();
      full.close();
      expect(await put).toBe(false);
      if (first !== undefined) expect(await first).toBe(false); // withdrawn at the close: nobody took it
      for (let i = 0; i < capacity; i++) expect(await remote(peer, 'getSync', full)).toEqual(msg(i));
      expect(await remote(peer, 'getSync', full)).toBeUndefined();
    });

    if (capacity > 0) {
      test('values in the channel at the close are still delivered, to the other thread, in order', async () => {
        const c = make();
        const puts = Array.from({ length: capacity }, (_, i) => c.put(msg(10 + i, 300)));
        c.close();
        expect(c.offer(msg(99))).toBe(false); // closed: refused
        for (let i = 0; i < capacity; i++) expect(await remote(peer, 'getSync', c)).toEqual(msg(10 + i, 300));
        expect(await remote(peer, 'getSync', c)).toBeUndefined();
        expect(await Promise.all(puts)).toEqual(puts.map(() => true));
      });
    } else {
      test('a put here completes only after the worker took the value (rendezvous)', async () => {
        const c = make();
        const put = track(c.put(msg(5)));
        await turns();
        expect(put.settled).toBe(false);
        expect(await remote(peer, 'getSync', c)).toEqual(msg(5));
        expect(await put.promise).toBe(true);
      });

      test("the worker's putSync completes only after this thread took the value (rendezvous)", async () => {
        const c = make();
        const put = track(remote(blockedPeer, 'putSync', c, { value: msg(6) }));
        await turns();
        expect(put.settled).toBe(false);
        expect(c.length).toBe(1); // the value waits in the ring for its taker
        expect(await c.get()).toEqual(msg(6));
        expect(await put.promise).toBe(true);
      });

      test("the worker's putSync waiting for its taker at a close here returns false; its value is withdrawn", async () => {
        const c = make();
        const put = track(remote(blockedPeer, 'putSync', c, { value: msg(11, 40) }));
        await turns();
        expect(put.settled).toBe(false);
        expect(c.length).toBe(1); // in the ring, waiting
        c.close();
        expect(await put.promise).toBe(false);
        expect(c.length).toBe(0);
        expect(await c.get()).toBeUndefined(); // withdrawn: never delivered
      });

      test('a rendezvous put still waiting for its taker at the close resolves false; its value is withdrawn', async () => {
        const c = make();
        const put = c.put(msg(10));
        await turns(5);
        c.close();
        expect(await put).toBe(false);
        expect(await remote(peer, 'getSync', c)).toBeUndefined();
      });
    }

    test('an aborted get here consumes nothing: the value goes to the next get', async () => {
      const c = make();
      const ac = new AbortController();
      const aborted = c.get({ signal: ac.signal });
      ac.abort();
      await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
      const put = remote(blockedPeer, 'putSync', c, { value: msg(3) });
      expect(await c.get()).toEqual(msg(3));
      expect(await put).toBe(true);
    });

    test('a select parked in the worker (Promise facade there) completes from this thread', async () => {
      const a = make();
      const b = make();
      const s = peer.call<[unknown, number]>('select', a as unknown as SharedChan, { others: [b as unknown as SharedChan] });
      await turns();
      expect(await b.put(msg(5, 50))).toBe(true);
      expect(await s).toEqual([msg(5, 50), 1]);
      if (capacity > 0) {
        // The losing arm on `a` was withdrawn in the worker: a message put now stays here.
        expect(a.offer(msg(1))).toBe(true);
        await turns();
        expect(a.poll()).toEqual(msg(1));
      }
    });

    test('select here mixes an in-thread channel and this object channel fed by the worker', async () => {
      const local = chan<Json>();
      const c = make();
      const s = select([local, c]);
      const put = remote(blockedPeer, 'putSync', c, { value: msg(42, 10) });
      expect(await s).toEqual([msg(42, 10), c]);
      expect(await put).toBe(true);
      expect(local.offer(msg(1))).toBe(false); // the losing in-thread arm was withdrawn
    });

    if (capacity > 0) {
      test('a select put arm on a full object channel completes when the worker takes; its value as it was', async () => {
        const c = make();
        for (let i = 0; i < capacity; i++) c.offer(msg(i));
        const v = msg(99, 20);
        const s = select([chan<Json>(), [c, v]]);
        v.n = -1; // after the select: must not show (H5)
        for (let i = 0; i < capacity; i++) expect(await remote(peer, 'getSync', c)).toEqual(msg(i));
        expect(await s).toEqual([true, c]);
        expect(await remote(peer, 'getSync', c)).toEqual(msg(99, 20));
      });
    }

    test('a sync call with a timeout throws TimeoutError in the worker and moves nothing', async () => {
      const c = make();
      await expect(remote(peer, 'getSync', c, { timeout: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
      for (let i = 0; i < capacity; i++) c.offer(msg(i));
      await expect(remote(peer, 'putSync', c, { value: msg(50), timeout: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
      for (let i = 0; i < capacity; i++) expect(c.poll()).toEqual(msg(i));
      expect(c.poll()).toBeUndefined(); // the timed-out put left nothing behind
    });
  });
}

describe('a put waits while the bytes are full, with message permits to spare', () => {
  // 256 bytes of ring; a record is an 8-byte header plus the payload padded to 8.
  const make = (): SharedChan<string> => sharedChan<string>({ capacity: 8, bytes: 256 });
  const big = (c: string): string => c.repeat(180); // JSON '"ccc…"': 182 bytes, a 192-byte record

  test('precondition: the ring refuses by bytes while the count is below capacity', () => {
    const c = make();
    expect(c.offer(big('a'))).toBe(true);
    expect(c.offer(big('b'))).toBe(false); // 192 + 192 > 256
    expect(c.length).toBe(1);
    expect(c.offer('s')).toBe(true); // a small one still fits
    expect(c.poll()).toBe(big('a'));
    expect(c.poll()).toBe('s');
  });

  test("the worker's putSync of a large message waits until enough bytes are free, not just some", async () => {
    const c = make();
    expect(c.offer('s')).toBe(true); // a 16-byte record
    expect(c.offer(big('a'))).toBe(true); // 192 bytes: 208 used, 48 free
    const put = track(remote(blockedPeer, 'putSync', c, { value: big('b') }));
    await turns();
    expect(put.settled).toBe(false);
    expect(await c.get()).toBe('s'); // 64 free: still not enough
    await turns();
    expect(put.settled).toBe(false);
    expect(await c.get()).toBe(big('a')); // now it fits
    expect(await put.promise).toBe(true);
    expect(await c.get()).toBe(big('b'));
  });

  test('puts parked (Promise facade) for bytes in another thread enter, in order, as this thread takes', async () => {
    // The parked puts live in a worker of their own: if parking spun instead of waiting, it
    // would hang that worker (terminated below), not this test's thread.
    const c = make();
    const parker = new ObjectPeer();
    try {
      await parker.call('attach', c); // started and attached: its puts below find the ring full
      expect(c.offer(big('a'))).toBe(true);
      // 'small' would fit at once, but waits behind the older puts of its thread (H1).
      const puts = parker.call<boolean[]>('putAll', c, { values: [big('b'), big('c'), 'small'] });
      await turns();
      expect(c.length).toBe(1);
      expect(c.poll()).toBe(big('a'));
      expect(await settles(c.get(), "the worker's first parked put (waiting for bytes) entering")).toBe(big('b'));
      expect(await settles(c.get(), 'the second')).toBe(big('c'));
      expect(await settles(c.get(), 'the third')).toBe('small');
      expect(await settles(puts, 'the parked puts completing')).toEqual([true, true, true]);
    } finally {
      await parker.terminate();
    }
  });

  test('a put parked for bytes does not hold its thread: the thread still answers (it waits, it does not spin)', async () => {
    // Minimal form of the case above: with the bytes full (message permits to spare), a
    // Promise-facade put parks and returns its promise; the worker then answers 'attach'.
    const c = make();
    const parker = new ObjectPeer();
    try {
      await parker.call('attach', c);
      expect(c.offer(big('a'))).toBe(true);
      const put = track(parker.call<boolean[]>('putAll', c, { values: [big('b')] }));
      const answered = await settles(parker.call<{ codec: string }>('attach', c), 'the worker answering after it parked a put for bytes (is it spinning?)');
      expect(answered.codec).toBe('json');
      expect(put.settled).toBe(false);
      expect(c.poll()).toBe(big('a'));
      expect(await settles(put.promise, 'the parked put')).toEqual([true]);
      expect(c.poll()).toBe(big('b'));
    } finally {
      await parker.terminate();
    }
  });

  test('a putSync blocked in a worker sleeps while nothing happens: no wake-ups (TX epoch bumps) without a get, by messages or by bytes', async () => {
    // A blocked producer waits on the TX epoch; only a consumer's commit or a close has a
    // reason to bump it. Counting bumps while the channel sits idle is not a timing check: a
    // waiter that sleeps causes none, however long the pause; one that wakes itself causes
    // bumps at the rate it loops. 'By messages' is the control (capacity 1, one message in).
    const cases: [string, SharedChan<string>, string][] = [
      ['by messages', sharedChan<string>({ capacity: 1 }), 'x'],
      ['by bytes', make(), big('b')],
    ];
    for (const [label, c, value] of cases) {
      expect(c.offer(label === 'by bytes' ? big('a') : 'first')).toBe(true);
      const words = new Int32Array(c.handle.buffer, 0, 256);
      const put = track(remote(blockedPeer, 'putSync', c, { value }));
      await turns(); // the worker is blocked by now
      const before = Atomics.load(words, IDX_TX_EPOCH);
      await turns(50);
      const bumps = Atomics.load(words, IDX_TX_EPOCH) - before;
      expect(put.settled, label).toBe(false);
      c.poll(); // unblocks it, pass or fail
      expect(await put.promise, label).toBe(true);
      expect(c.poll(), label).toBe(value);
      expect(bumps, `${label}: TX epoch bumps while idle (the blocked put woke itself)`).toBeLessThanOrEqual(1);
    }
  });

  test("a close here wakes the worker's putSync blocked for bytes (false); the ring's message is still delivered", async () => {
    const c = make();
    expect(c.offer(big('a'))).toBe(true);
    const put = remote(blockedPeer, 'putSync', c, { value: big('b') });
    await turns();
    c.close();
    expect(await put).toBe(false);
    expect(await remote(peer, 'getSync', c)).toBe(big('a'));
    expect(await remote(peer, 'getSync', c)).toBeUndefined();
  });

  test('a worker putSync with a timeout blocked by bytes throws TimeoutError and leaves nothing behind', async () => {
    const c = make();
    expect(c.offer(big('a'))).toBe(true);
    await expect(remote(peer, 'putSync', c, { value: big('b'), timeout: 20 })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(c.poll()).toBe(big('a'));
    expect(c.poll()).toBeUndefined();
    expect(c.offer(big('c'))).toBe(true); // every byte and permit came back
  });
});

describe('other codecs across a worker', () => {
  test('struct: the worker attaches with no codec (rebuilt from the schema in the handle), both directions', async () => {
    const codec = structCodec({ id: 'u32', x: 'f64', ok: 'bool', name: 'string:12', v: 'i16[3]' });
    const c = sharedChan({ codec, capacity: 2 });
    const info = await objectPeer.call<{ codec: string }>('attach', c);
    expect(info.codec).toBe('struct');
    const a = { id: 7, x: -1.5, ok: true, name: 'héllo', v: [1, -2, 3] };
    expect(await objectPeer.call('putSync', c, { value: a })).toBe(true);
    expect(await c.get()).toEqual(a);
    const b = { id: 4_000_000_000, x: Infinity, ok: false, name: '', v: [-32768, 0, 32767] };
    expect(await c.put(b)).toBe(true);
    expect(await objectPeer.call('getSync', c)).toEqual(b);
    // The worker's struct codec validates as this one does: a wrong shape enqueues nothing there.
    await expect(objectPeer.call('putSync', c, { value: { id: -1, x: 0, ok: true, name: '', v: [0, 0, 0] } })).rejects.toMatchObject({
      name: expect.stringMatching(/TypeError|RangeError/),
    });
    expect(c.length).toBe(0);
  });

  test('struct: attach with an explicit struct codec of the same schema works; of another schema is refused', async () => {
    // Every struct codec is named 'struct', so the name check cannot tell schemas apart; the
    // handle carries the channel's schema, and a codec whose messages have another layout
    // would decode every message as garbage (here: { a: 1, b: 2 } read as { x: 513 }).
    const c = sharedChan({ codec: structCodec(STRUCT_AB), capacity: 2 });
    expect(c.offer({ a: 1, b: 2 })).toBe(true);
    expect(await objectPeer.call('getSync', c, { codec: 'structAB' })).toEqual({ a: 1, b: 2 });
    const other = sharedChan({ codec: structCodec(STRUCT_AB), capacity: 2 });
    expect(other.offer({ a: 1, b: 2 })).toBe(true);
    const r = await objectPeer.call('getSync', other, { codec: 'structX' }).then(
      (value) => ({ attached: true, value }),
      (e: Error) => ({ attached: false, name: e.name, message: e.message }),
    );
    expect(r, 'attach with a struct codec of another schema').toMatchObject({ attached: false, name: 'AttachError' });
    expect(other.poll()).toEqual({ a: 1, b: 2 }); // and the refused attach took nothing
  });

  test('utf8: strings (empty, non-ASCII, astral, 3 KB) both directions', async () => {
    const c = sharedChan({ codec: utf8Codec, capacity: 4, bytes: 4096 });
    expect((await objectPeer.call<{ codec: string }>('attach', c)).codec).toBe('utf8');
    const strings = ['', 'a', 'Grüße, 世界 😀', 'z'.repeat(3000)];
    expect(await objectPeer.call('putEach', c, { values: strings })).toBe(4);
    for (const s of strings) expect(await c.get()).toBe(s);
    for (const s of strings) expect(await c.put(s)).toBe(true);
    expect(await objectPeer.call('getEach', c, { count: 4 })).toEqual(strings);
  });

  test('bytes: Uint8Arrays (empty, 1 byte, 1000 bytes) both directions, copied', async () => {
    const c = sharedChan({ codec: bytesCodec, capacity: 3 });
    expect((await objectPeer.call<{ codec: string }>('attach', c)).codec).toBe('bytes');
    const arrays = [new Uint8Array(0), Uint8Array.of(255), Uint8Array.from({ length: 1000 }, (_, i) => (i * 31) & 255)];
    expect(await objectPeer.call('putEach', c, { values: arrays })).toBe(3);
    for (const a of arrays) {
      const got = await c.get();
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Array.from(got!)).toEqual(Array.from(a));
      expect(got!.buffer).not.toBe(c.handle.buffer); // a private copy, not a view on the ring
    }
    for (const a of arrays) expect(await c.put(a)).toBe(true);
    const back = await objectPeer.call<Uint8Array[]>('getEach', c, { count: 3 });
    expect(back.map((a) => Array.from(a))).toEqual(arrays.map((a) => Array.from(a)));
  });

  test('a custom codec: attach without it is an AttachError naming the codec; with another name too; with it, it works', async () => {
    const c = sharedChan({ codec: taggedCodec('tagged'), capacity: 2 });
    const missing = objectPeer.call('attach', c);
    await expect(missing).rejects.toMatchObject({ name: 'AttachError' });
    await expect(missing).rejects.toThrow(/'tagged'/);
    const other = objectPeer.call('attach', c, { codec: 'otherName' });
    await expect(other).rejects.toMatchObject({ name: 'AttachError' });
    await expect(other).rejects.toThrow(/'tagged'[\s\S]*'tagged-v2'|'tagged-v2'[\s\S]*'tagged'/);
    expect(await objectPeer.call<{ codec: string }>('attach', c, { codec: 'tagged' })).toMatchObject({ codec: 'tagged' });
    expect(await objectPeer.call('putSync', c, { codec: 'tagged', value: 'from the worker' })).toBe(true);
    expect(await c.get()).toBe('from the worker');
    expect(await c.put('from main')).toBe(true);
    expect(await objectPeer.call('getSync', c, { codec: 'tagged' })).toBe('from main');
  });

  test('a custom codec: a failed attach leaves nothing behind; the channel still works for both threads', async () => {
    const c = sharedChan({ codec: taggedCodec('tagged'), capacity: 2 });
    expect(c.offer('kept')).toBe(true);
    await expect(objectPeer.call('getSync', c)).rejects.toMatchObject({ name: 'AttachError' });
    expect(await objectPeer.call('getSync', c, { codec: 'tagged' })).toBe('kept');
  });
});

describe('a decode that throws (custom codec), the message coming from another thread', () => {
  test('a get parked here when the poison arrives settles, and a later message still reaches this thread', async () => {
    const c = sharedChan({ codec: taggedCodec('tagged'), capacity: 4 });
    try {
      const first = track(c.get());
      await turns(5);
      expect(await objectPeer.call('putSync', c, { codec: 'tagged', value: POISON })).toBe(true);
      expect(await objectPeer.call('putSync', c, { codec: 'tagged', value: 'after' })).toBe(true);
      // The poison is consumed by the decode that failed; what the parked get does about it
      // (reject with the decode error, or take the next message) is the implementation's
      // choice, but it must settle, and 'after' must not be lost.
      await settles(first.promise.catch(() => undefined), 'the parked get');
      const values: unknown[] = [];
      if (first.error === undefined) values.push(first.value);
      else expect(String(first.error)).toMatch(/poison/);
      if (!values.includes('after')) values.push(await settles(c.get(), 'a get after the poison'));
      expect(values).toEqual(['after']);
    } finally {
      c.close(); // settles whatever is left parked, pass or fail
    }
  });

  test("a worker's getSync blocked when the poison arrives throws the decode error; its next getSync gets the next message", async () => {
    const c = sharedChan({ codec: taggedCodec('tagged'), capacity: 4 });
    const first = objectPeer.call('getSync', c, { codec: 'tagged', timeout: 5000 });
    await untilGetAsleep(c, "the worker's getSync");
    expect(c.offer(POISON)).toBe(true);
    await expect(first).rejects.toThrow(/poison/);
    expect(c.length).toBe(0); // consumed all the same
    const second = objectPeer.call('getSync', c, { codec: 'tagged', timeout: 5000 });
    await untilGetAsleep(c, "the worker's second getSync");
    expect(c.offer('next')).toBe(true);
    expect(await second).toBe('next');
  });

  test("a Promise-facade get parked in a worker when the poison arrives: the worker survives, and the get settles", async () => {
    // The same decode failure as above, seen from a worker: an error escaping the wake-up
    // there is an unhandled rejection, which ends a Node worker thread.
    const c = sharedChan({ codec: taggedCodec('tagged'), capacity: 4 });
    const consumer = new ObjectPeer();
    try {
      await consumer.call('attach', c, { codec: 'tagged' }); // started and attached
      const get = consumer.call('get', c, { codec: 'tagged' }).then(
        (value): { ok: boolean; value?: unknown; message?: string } => ({ ok: true, value }),
        (e: Error) => ({ ok: false, message: e.message }),
      );
      await untilGetAsleep(c, "the worker's get");
      expect(c.offer(POISON)).toBe(true);
      await turns();
      expect(c.offer('next')).toBe(true);
      const r = await settles(get, "the worker's parked get");
      if (r.ok) expect(r).toEqual({ ok: true, value: 'next' });
      else {
        expect(r.message, 'the get failed because the worker died').not.toMatch(/object peer: worker/);
        expect(r.message).toMatch(/refusing to decode 'poison'/);
      }
      const alive = await settles(consumer.call<{ codec: string }>('attach', c, { codec: 'tagged' }), 'the worker answering after the poison');
      expect(alive.codec).toBe('tagged');
    } finally {
      c.close();
      await consumer.terminate();
    }
  });
});
