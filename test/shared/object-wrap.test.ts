/**
 * Object channels at the edges of their position space. Byte positions are free-running
 * 31-bit counters that wrap from 2^31 - 1 to 0 (records are 8-aligned, so positions are
 * multiples of 8), and a record's payload may continue at byte 0 of the data region (its
 * header never wraps: message-ring.ts). The test-only option `_startPosition` starts a channel
 * just before the wrap, so that every alignment of a record against the end of the data region
 * coincides with the position wrap: single messages of every size class, full and empty
 * rings, sliding drops, rendezvous hand-offs and withdrawals, close and drained detection,
 * and cross-thread traffic. LAP (bumped each time PROD_TAIL crosses a multiple of 2^28) is
 * checked at 2^28 and at the wrap itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { bytesCodec, sharedChan, type SharedChan } from '../../src/index.js';
import { IDX_CONS_HEAD, IDX_CONS_TAIL, IDX_LAP, IDX_PROD_HEAD, IDX_PROD_TAIL, POSITION_MASK } from '../../src/shared/layout.js';
import { ObjectPeer } from './workers/object-peer-client.js';

const WRAP = 2 ** 31;
const peer = new ObjectPeer();
afterAll(async () => {
  await peer.terminate();
});

function objChan<T = unknown>(opts: { capacity: number; bytes: number; start: number; policy?: 'block' | 'sliding' | 'dropping' }): SharedChan<T> {
  return sharedChan<T>({ capacity: opts.capacity, bytes: opts.bytes, policy: opts.policy, _startPosition: opts.start } as never);
}

function positions(ch: SharedChan<any>): { head: number; prodTail: number; consHead: number; consTail: number; lap: number } {
  const w = new Int32Array(ch.handle.buffer, 0, 256);
  return {
    head: Atomics.load(w, IDX_PROD_HEAD) & POSITION_MASK,
    prodTail: Atomics.load(w, IDX_PROD_TAIL),
    consHead: Atomics.load(w, IDX_CONS_HEAD),
    consTail: Atomics.load(w, IDX_CONS_TAIL),
    lap: Atomics.load(w, IDX_LAP),
  };
}

/** A JSON string message of exactly `bytes` encoded bytes (>= 3), recognisable by `i`. */
function message(i: number, bytes: number): string {
  const head = `${i}:`;
  const fill = Math.max(0, bytes - 2 - head.length);
  return head + String.fromCharCode(97 + (i % 26)).repeat(fill);
}
/** Encoded sizes cycling through every padding remainder and across the 8-byte grid. */
const SIZES = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 23, 24, 25, 31, 33, 40, 47, 48, 49, 56];

describe('in one thread: records cross the end of the data region and the 2^31 wrap intact', () => {
  it('precondition: _startPosition (rounded down to 8) puts the positions before 2^31; traffic wraps them to small numbers', () => {
    const ch = objChan<string>({ capacity: 4, bytes: 64, start: WRAP - 13 });
    expect(positions(ch)).toMatchObject({ head: WRAP - 16, prodTail: WRAP - 16, consHead: WRAP - 16, consTail: WRAP - 16 });
    expect(ch.offer(message(0, 20))).toBe(true); // a 32-byte record: [2^31 - 16, 2^31 + 16)
    expect(positions(ch).head).toBe(16);
    expect(ch.poll()).toBe(message(0, 20));
    expect(positions(ch)).toMatchObject({ head: 16, prodTail: 16, consHead: 16, consTail: 16 });
  });

  for (const bytes of [64, 256]) {
    it(`a ${bytes}-byte ring: every 8-byte start offset before the wrap, every size class, fill levels 1..4`, () => {
      for (let d = 8; d <= bytes + 16; d += 8) {
        const ch = objChan<string>({ capacity: 4, bytes, start: WRAP - d });
        const where = `bytes ${bytes}, start 2^31 - ${d}`;
        let next = 0;
        let expected = 0;
        // Enough traffic for several laps of the ring past the wrap.
        for (let step = 0; step < 40; step++) {
          const k = (step % 4) + 1;
          let put = 0;
          for (let j = 0; j < k; j++) {
            const size = Math.min(SIZES[(next + step) % SIZES.length]!, bytes - 8);
            if (!ch.offer(message(next, size))) break; // full by bytes: take first
            next++;
            put++;
          }
          expect(put, `${where}, step ${step}: an empty ring refused a message`).toBeGreaterThan(0);
          for (let j = 0; j < put; j++) {
            // Each message names its index and repeats one letter: order and content show.
            const got = ch.poll();
            expect(typeof got, where).toBe('string');
            const [idx, fill] = (got as string).split(':');
            expect(Number(idx), `${where}: order`).toBe(expected);
            expect(fill, `${where}: content of message ${expected}`).toBe(String.fromCharCode(97 + (expected % 26)).repeat(fill!.length));
            expected++;
          }
          expect(ch.length, where).toBe(0);
        }
        const p = positions(ch);
        expect(p.head, `${where}: traffic went past the wrap`).toBeLessThan(WRAP / 2);
        expect(p).toMatchObject({ prodTail: p.head, consHead: p.head, consTail: p.head });
      }
    });
  }

  it('zero-length messages (bytes codec) are header-only records: 8 fill a 64-byte ring, across the wrap', () => {
    for (let d = 8; d <= 64; d += 8) {
      const ch = sharedChan({ codec: bytesCodec, capacity: 16, bytes: 64, _startPosition: WRAP - d } as never) as unknown as SharedChan<Uint8Array>;
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 8; i++) expect(ch.offer(new Uint8Array(0)), `start 2^31 - ${d}`).toBe(true);
        expect(ch.offer(new Uint8Array(0))).toBe(false); // 8 headers: the ring is full by bytes
        expect(ch.length).toBe(8);
        for (let i = 0; i < 8; i++) expect(ch.poll()!.length).toBe(0);
        expect(ch.poll()).toBeUndefined();
        // A 1-byte message after them: a 16-byte record, placed where the headers were.
        expect(ch.offer(Uint8Array.of(200 + round))).toBe(true);
        expect(Array.from(ch.poll()!)).toEqual([200 + round]);
      }
    }
  });

  it('a record that exactly fills the ring, placed at every offset across the wrap (payload split at every point)', () => {
    for (let d = 8; d <= 72; d += 8) {
      const ch = objChan<string>({ capacity: 2, bytes: 64, start: WRAP - d });
      for (let i = 0; i < 10; i++) {
        const m = message(i, 56); // 8 + 56 = 64: the whole ring
        expect(ch.offer(m), `start 2^31 - ${d}, message ${i}`).toBe(true);
        expect(ch.offer('x')).toBe(false); // full by bytes
        expect(ch.poll()).toBe(m);
        // Then a small one, to shift the next big one's offset by 16.
        expect(ch.offer(message(100 + i, 5))).toBe(true);
        expect(ch.poll()).toBe(message(100 + i, 5));
      }
    }
  });

  it('non-ASCII payloads split across the end of the ring come back whole (multi-byte characters cut in two)', () => {
    for (let d = 8; d <= 64; d += 8) {
      const ch = objChan<{ s: string }>({ capacity: 4, bytes: 64, start: WRAP - d });
      for (let i = 0; i < 12; i++) {
        const v = { s: '€😀é'.slice(0, 1 + (i % 4)) + 'ü'.repeat(i % 5) };
        expect(ch.offer(v)).toBe(true);
        expect(ch.poll()).toEqual(v);
      }
    }
  });

  it('sliding across the wrap: a large message evicts as many small ones as it needs, oldest first', () => {
    const ch = objChan<string>({ capacity: 8, bytes: 128, start: WRAP - 40, policy: 'sliding' });
    // 6 records of 24 bytes: 144 > 128, so the 6th drops the oldest; 1..5 hold 120 bytes.
    for (let i = 0; i < 6; i++) expect(ch.offer(message(i, 12))).toBe(true);
    expect(ch.length).toBe(5);
    // An 80-byte record needs 72 more bytes than the 8 free: 1, 2 and 3 go.
    expect(ch.offer(message(9, 70))).toBe(true);
    const got: string[] = [];
    for (let v = ch.poll(); v !== undefined; v = ch.poll()) got.push(v);
    expect(got).toEqual([message(4, 12), message(5, 12), message(9, 70)]);
    expect(positions(ch).head).toBeLessThan(WRAP / 2);
  });

  it('dropping across the wrap: a message that does not fit (bytes) is dropped, the ring keeps what it had', () => {
    const ch = objChan<string>({ capacity: 8, bytes: 64, start: WRAP - 24, policy: 'dropping' });
    expect(ch.offer(message(0, 30))).toBe(true); // 40-byte record across the wrap
    expect(ch.offer(message(1, 30))).toBe(true); // dropped: 24 bytes free
    expect(ch.length).toBe(1);
    expect(ch.offer(message(2, 10))).toBe(true); // a 24-byte record fits exactly
    expect([ch.poll(), ch.poll(), ch.poll()]).toEqual([message(0, 30), message(2, 10), undefined]);
  });

  it('close and drained detection across the wrap: messages put before the close are delivered, then undefined', async () => {
    for (const d of [8, 16, 24, 32, 40]) {
      const ch = objChan<string>({ capacity: 4, bytes: 64, start: WRAP - d });
      expect(ch.offer(message(0, 10))).toBe(true);
      expect(ch.offer(message(1, 20))).toBe(true);
      ch.close();
      expect(ch.offer('late')).toBe(false);
      expect(await ch.get()).toBe(message(0, 10));
      expect(await ch.get()).toBe(message(1, 20));
      expect(await ch.get()).toBeUndefined();
      expect(ch.getSync()).toBeUndefined();
    }
  });

  it('rendezvous at the wrap: hand-offs, and a putSync withdrawn by its timeout at position 2^31 - 8', async () => {
    const ch = objChan<{ n: number }>({ capacity: 0, bytes: 64, start: WRAP - 8 });
    expect(() => ch.putSync({ n: -1 }, { timeout: 5 })).toThrow(expect.objectContaining({ name: 'TimeoutError' }));
    expect(ch.length).toBe(0);
    expect(ch.poll()).toBeUndefined(); // withdrawn: nothing to take
    for (let i = 0; i < 20; i++) {
      const get = ch.get();
      expect(await ch.put({ n: i })).toBe(true);
      expect(await get).toEqual({ n: i });
      const put = ch.put({ n: 100 + i }); // enters the ring, waits for its taker
      expect(await ch.get()).toEqual({ n: 100 + i });
      expect(await put).toBe(true);
    }
    expect(positions(ch).head).toBeLessThan(WRAP / 2);
  });

  it('LAP moves once when PROD_TAIL crosses 2^28, and once at the 2^31 wrap; traffic is intact across both', () => {
    for (const [start, label] of [[2 ** 28 - 24, '2^28'], [WRAP - 24, '2^31']] as const) {
      const ch = objChan<string>({ capacity: 4, bytes: 64, start });
      const lap0 = positions(ch).lap;
      for (let i = 0; i < 8; i++) {
        expect(ch.offer(message(i, 9))).toBe(true); // 24-byte records
        expect(ch.poll(), label).toBe(message(i, 9));
      }
      expect(positions(ch).lap - lap0, label).toBe(1);
    }
  });
});

describe('across threads: messages cross the wrap intact and in order', () => {
  it('a worker produces (putSync) across the wrap, this thread consumes (get)', async () => {
    const ch = objChan<string>({ capacity: 3, bytes: 128, start: WRAP - 40 });
    const values = Array.from({ length: 60 }, (_, i) => message(i, SIZES[i % SIZES.length]! + 30));
    const sent = peer.call<number>('putEach', ch, { values, timeout: 5000 });
    const got: string[] = [];
    for (let i = 0; i < values.length; i++) got.push((await ch.get())!);
    expect(await sent).toBe(values.length);
    expect(got).toEqual(values);
    expect(positions(ch).head).toBeLessThan(WRAP / 2);
  });

  it('this thread produces (putSync) across the wrap, a worker consumes (getSync)', async () => {
    const ch = objChan<{ i: number; s: string }>({ capacity: 3, bytes: 128, start: WRAP - 16 });
    const values = Array.from({ length: 60 }, (_, i) => ({ i, s: 'é'.repeat(i % 40) }));
    const got = peer.call<unknown[]>('getEach', ch, { count: values.length, timeout: 5000 });
    for (const v of values) expect(ch.putSync(v, { timeout: 5000 })).toBe(true);
    expect(await got).toEqual(values);
  });
});
