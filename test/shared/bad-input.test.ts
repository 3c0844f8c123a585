/**
 * Bad input to shared channels (API.md sections 1 and 4): every put form validates before
 * anything is enqueued (TypeError for a non-number or undefined, RangeError for a non-integer
 * or out-of-range value in an integer lane; putMany checks every element first), invalid
 * options are refused (RangeError / TypeError), attach refuses things that are not channel
 * handles and buffers that are foreign, zeroed, truncated, corrupt or of a newer layout
 * (AttachError / TypeError, naming what was wrong), and sync calls that time out throw an
 * error named 'TimeoutError' having transferred nothing. After each bad call the channel still
 * works (a put/get round trip).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachError, attach, select, sharedChan, type LaneType, type SharedChan } from '../../src/index.js';
import {
  FEATURE_DOORBELLS,
  FEATURE_SPSC,
  IDX_CAPACITY,
  IDX_CHANNEL_ID_2,
  IDX_DATA_OFFSET,
  IDX_KIND,
  IDX_LANE,
  IDX_POLICY,
  IDX_REQUIRED_FEATURES,
  IDX_SLOT_BYTES,
  IDX_SLOTS,
  IDX_VERSION,
  POLICY_SLIDING,
} from '../../src/shared/layout.js';
import { rng } from '../helpers/async.js';
import { throwsSync, type ErrorClass } from './throws-sync.js';
import { Agent, within } from './workers/pool.js';

function throwsTimeout(f: () => unknown): Error {
  let error: unknown;
  try {
    const r = f();
    throw new Error(`expected a TimeoutError, but the call returned ${String(r)}`);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name, (error as Error).message).toBe('TimeoutError');
  return error as Error;
}

/** The channel is unchanged (holds `held` values, in order) and still works. */
async function stillWorks(ch: SharedChan, held: number[], probe = 1): Promise<void> {
  expect(ch.length, 'nothing was enqueued by the bad call').toBe(held.length);
  for (const v of held) expect(await ch.get()).toBe(v);
  expect(ch.poll(), 'nothing extra was enqueued').toBeUndefined();
  expect(await ch.put(probe)).toBe(true);
  expect(await ch.get()).toBe(probe);
}

const INTEGER_LANES = {
  i32: [-(2 ** 31), 2 ** 31 - 1],
  u32: [0, 2 ** 32 - 1],
  i16: [-(2 ** 15), 2 ** 15 - 1],
  u16: [0, 2 ** 16 - 1],
  i8: [-128, 127],
  u8: [0, 255],
} as const;
const ALL_LANES: LaneType[] = ['f64', 'f32', 'i32', 'u32', 'i16', 'u16', 'i8', 'u8'];

/** Every single-value put form, called so that a throw is synchronous. */
const PUT_FORMS: [string, (ch: SharedChan, v: unknown) => unknown][] = [
  ['put', (ch, v) => ch.put(v as number)],
  ['offer', (ch, v) => ch.offer(v as number)],
  ['putSync', (ch, v) => ch.putSync(v as number, { timeout: 1000 })],
  // Without options putSync first tries its fast path (shared-chan.ts), which must refuse too.
  ['putSync without options', (ch, v) => ch.putSync(v as number)],
  ['putMany', (ch, v) => ch.putMany([7, v as number, 8])],
  ['putManySync', (ch, v) => ch.putManySync([7, v as number, 8], { timeout: 1000 })],
];

const NOT_NUMBERS: unknown[] = ['1', '', null, true, {}, [], [1], 1n, Symbol('s'), () => 1, new Number(1)];

describe('values: wrong type, wrong range, undefined — every put form, every lane', () => {
  for (const type of ALL_LANES) {
    it(`${type}: non-numbers throw TypeError, undefined throws TypeError, nothing is enqueued`, async () => {
      const ch = sharedChan({ type, capacity: 4 });
      expect(ch.offer(3)).toBe(true); // a value already held must stay, in place
      for (const [form, call] of PUT_FORMS) {
        for (const bad of NOT_NUMBERS) {
          const e = throwsSync(() => call(ch, bad), TypeError);
          expect(e.message, `${form}(${typeof bad})`).toMatch(/number/i);
          expect(ch.length, `${form}(${typeof bad}) enqueued something`).toBe(1);
        }
        const e = throwsSync(() => call(ch, undefined), TypeError);
        expect(e.message, `${form}(undefined)`).toMatch(/undefined/);
        expect(ch.length, `${form}(undefined) enqueued something`).toBe(1);
      }
      await stillWorks(ch, [3]);
    });
  }

  for (const [type, [min, max]] of Object.entries(INTEGER_LANES) as [LaneType, readonly [number, number]][]) {
    it(`${type}: non-integers and values outside [${min}, ${max}] throw RangeError and enqueue nothing; the bounds themselves pass`, async () => {
      const ch = sharedChan({ type, capacity: 4 });
      expect(ch.offer(5)).toBe(true);
      const bads = [0.5, min + 0.5, max - 0.5, NaN, Infinity, -Infinity, min - 1, max + 1, 2 ** 53, -(2 ** 53)];
      for (const [form, call] of PUT_FORMS) {
        for (const bad of bads) {
          const e = throwsSync(() => call(ch, bad), RangeError);
          expect(e.message, `${form}(${bad})`).toContain(type);
          expect(ch.length, `${form}(${bad}) on ${type} enqueued something`).toBe(1);
        }
      }
      await stillWorks(ch, [5]);
      // The bounds (and -0) are fine, and arrive unchanged.
      for (const v of [min, max, 0]) {
        expect(await ch.put(v)).toBe(true);
        expect(await ch.get()).toBe(v);
      }
    });
  }

  it('a select put arm validates like put: TypeError / RangeError before any arm acts, nothing enqueued', async () => {
    // API.md 3/4: "Validation comes first" and bad input "changes nothing"; select accepts
    // shared channels. Each bad arm is tried alone and beside a ready get arm.
    const cases: [LaneType, unknown, ErrorClass][] = [
      ['f64', 'x', TypeError],
      ['f64', null, TypeError],
      ['f64', undefined, TypeError],
      ['u8', 300, RangeError],
      ['u8', -1, RangeError],
      ['i32', 1.5, RangeError],
      ['u8', '7', TypeError],
    ];
    for (const [type, bad, cls] of cases) {
      const ch = sharedChan({ type, capacity: 4 });
      const ready = sharedChan({ type: 'f64', capacity: 1 });
      expect(ready.offer(1)).toBe(true);
      const where = `select([[${type} channel, ${String(bad)}]])`;
      let threw: unknown;
      try {
        const r = select([[ch, bad]]);
        r.catch(() => undefined);
      } catch (e) {
        threw = e;
      }
      expect(ch.length, `${where} enqueued a value`).toBe(0);
      expect(threw, `${where} did not throw`).toBeInstanceOf(cls);
      throwsSync(() => select([ready, [ch, bad]], { priority: true }), cls);
      expect(ready.length, `${where}: the get arm acted`).toBe(1);
      await stillWorks(ch, []);
    }
  });

  it('float lanes carry NaN, ±Infinity and -0 as ordinary values', async () => {
    for (const type of ['f64', 'f32'] as const) {
      const ch = sharedChan({ type, capacity: 8 });
      for (const v of [NaN, Infinity, -Infinity, -0, 0]) expect(ch.offer(v), `${type} ${v}`).toBe(true);
      const got = [await ch.get(), await ch.get(), await ch.get(), await ch.get(), await ch.get()];
      expect(got).toEqual([NaN, Infinity, -Infinity, -0, 0]);
      expect(Object.is(got[3], -0), `${type}: -0 kept its sign`).toBe(true);
    }
  });

  it('putMany / putManySync validate every element first: a bad element anywhere (first, middle, last, a hole) enqueues none', async () => {
    const ch = sharedChan({ type: 'i16', capacity: 16 });
    expect(ch.offer(-1)).toBe(true);
    // eslint-disable-next-line no-sparse-arrays
    const holey = [1, , 3] as unknown as number[];
    const cases: [unknown[] | ArrayLike<number>, ErrorClass][] = [
      [['x', 2, 3], TypeError],
      [[1, 2, 'x'], TypeError],
      [[1, undefined, 3], TypeError],
      [holey, TypeError],
      [[1, 2, 40_000], RangeError],
      [[1.5, 2, 3], RangeError],
      [Float64Array.from([1, 2, 2.5]), RangeError], // a typed array of another kind is checked too
      [Int32Array.from([1, 2, 1 << 20]), RangeError],
      [Uint16Array.from([1, 65535]), RangeError],
    ];
    for (const [src, cls] of cases) {
      throwsSync(() => ch.putMany(src as number[]), cls);
      throwsSync(() => ch.putManySync(src as number[], { timeout: 1000 }), cls);
      expect(ch.length, `putMany(${Array.from(src as ArrayLike<unknown>).map(String).join(',')})`).toBe(1);
    }
    // Not an array at all: TypeError.
    for (const src of [undefined, null, 5, 'abc', { length: 'x' }]) {
      throwsSync(() => ch.putMany(src as never), TypeError);
      throwsSync(() => ch.putManySync(src as never), TypeError);
    }
    await stillWorks(ch, [-1]);
    expect(await ch.putMany(Int16Array.from([-32768, 32767]))).toBe(2);
    expect([await ch.get(), await ch.get()]).toEqual([-32768, 32767]);
  });

  it('a bad put on a full channel throws at once (it does not park) and the channel keeps working', async () => {
    const ch = sharedChan({ type: 'u8', capacity: 1 });
    expect(ch.offer(9)).toBe(true);
    throwsSync(() => ch.put(256), RangeError);
    throwsSync(() => ch.put('9' as never), TypeError);
    throwsSync(() => ch.putMany([1, -1]), RangeError);
    throwsSync(() => ch.putSync(undefined as never, { timeout: 1000 }), TypeError);
    await stillWorks(ch, [9]);
    // A rendezvous channel validates before it looks for a taker, too.
    const rv = sharedChan({ type: 'i8', capacity: 0 });
    const taker = rv.get();
    throwsSync(() => rv.put(128), RangeError);
    throwsSync(() => rv.offer(undefined as never), TypeError);
    expect(await rv.put(-128)).toBe(true);
    expect(await taker).toBe(-128);
  });

  it('getMany / getManySync want a typed array to fill', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 2 });
    expect(ch.offer(1)).toBe(true);
    for (const dst of [[0, 0], null, undefined, 3, new DataView(new ArrayBuffer(8))]) {
      throwsSync(() => ch.getMany(dst as never), TypeError);
      throwsSync(() => ch.getManySync(dst as never, { timeout: 1000 }), TypeError);
    }
    await stillWorks(ch, [1]);
  });
});

describe('options: type, capacity, policy', () => {
  it('a non-object options argument is a TypeError', () => {
    for (const bad of [undefined, null, 8, 'f64', true]) throwsSync(() => sharedChan(bad as never), TypeError);
  });

  it('an unknown type is a RangeError naming the valid ones', () => {
    for (const type of ['f16', 'F64', 'int', 'float', 'i64', 'u64', '', 'toString', '__proto__', 'constructor', undefined, null, 8]) {
      const e = throwsSync(() => sharedChan({ type: type as never, capacity: 4 }), RangeError);
      expect(e.message, String(type)).toMatch(/f64/);
    }
  });

  it('capacity: a non-number is a TypeError; negative, fractional, NaN, infinite or above 2^30 is a RangeError', () => {
    for (const capacity of ['8', undefined, null, {}, [8], 8n, true]) {
      throwsSync(() => sharedChan({ type: 'f64', capacity: capacity as never }), TypeError);
    }
    for (const capacity of [-1, -0.5, 1.5, NaN, Infinity, -Infinity, 2 ** 30 + 1, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      throwsSync(() => sharedChan({ type: 'f64', capacity }), RangeError, /capacity/);
    }
  });

  it('an unknown policy is a RangeError; a rendezvous (capacity 0) cannot slide or drop', () => {
    for (const policy of ['fifo', '', 'BLOCK', 'slide', null, 0, 1, {}]) {
      throwsSync(() => sharedChan({ type: 'f64', capacity: 4, policy: policy as never }), RangeError, /policy/);
    }
    for (const policy of ['sliding', 'dropping'] as const) {
      throwsSync(() => sharedChan({ type: 'f64', capacity: 0, policy }), RangeError);
      expect(sharedChan({ type: 'f64', capacity: 1, policy }).policy).toBe(policy);
    }
    expect(sharedChan({ type: 'f64', capacity: 0, policy: 'block' }).capacity).toBe(0);
  });
});

describe('attach: not a handle, foreign, zeroed, truncated, corrupt, newer', () => {
  const original = sharedChan({ type: 'i32', capacity: 8 });

  /** A fresh buffer with the original's bytes (attachable on its own), then edited. */
  function copyOf(ch: SharedChan, edit?: (words: Int32Array) => void, bytes = ch.handle.buffer.byteLength): SharedArrayBuffer {
    const copy = new SharedArrayBuffer(bytes);
    new Uint8Array(copy).set(new Uint8Array(ch.handle.buffer).subarray(0, Math.min(bytes, ch.handle.buffer.byteLength)));
    const words = new Int32Array(copy, 0, Math.floor(Math.min(bytes, 1024) / 4));
    // A copy is another channel: give it its own identity, or attach would hand back `ch`.
    if (words.length > IDX_CHANNEL_ID_2) words[IDX_CHANNEL_ID_2] = words[IDX_CHANNEL_ID_2]! ^ 0x5a5a5a5a;
    edit?.(words);
    return copy;
  }
  const handleOf = (buffer: unknown): never => ({ sabchan: 'shared-channel', buffer }) as never;

  it('control: an unedited copy of a channel buffer attaches and works', async () => {
    const ch = attach(handleOf(copyOf(original)));
    expect(ch).not.toBe(original);
    expect(ch.capacity).toBe(8);
    await stillWorks(ch, []);
  });

  it('things that are not handles are a TypeError', async () => {
    const bads = [
      undefined,
      null,
      42,
      'handle',
      {},
      { buffer: undefined },
      { buffer: new ArrayBuffer(2048) },
      { buffer: new Uint8Array(new SharedArrayBuffer(2048)) },
      { buffer: 'x' },
      original.handle.buffer, // the bare buffer is not a handle
      original, // nor is the channel object
    ];
    for (const bad of bads) throwsSync(() => attach(bad as never), TypeError, /attach/);
    await stillWorks(original, []);
  });

  it('a foreign SharedArrayBuffer (random bytes) is an AttachError', async () => {
    const seed = Date.now() % 1_000_000;
    const rand = rng(seed);
    for (const size of [1024, original.handle.buffer.byteLength, 4096]) {
      const sab = new SharedArrayBuffer(size);
      const bytes = new Uint8Array(sab);
      for (let i = 0; i < size; i++) bytes[i] = Math.floor(rand() * 256);
      const e = throwsSync(() => attach(handleOf(sab)), AttachError);
      expect(e.name).toBe('AttachError');
      expect(e.message, `seed ${seed}`).toMatch(/not a sabchan|magic/i);
    }
    await stillWorks(original, []);
  });

  it('a zeroed buffer is an AttachError saying so', async () => {
    for (const size of [1024, original.handle.buffer.byteLength]) {
      throwsSync(() => attach(handleOf(new SharedArrayBuffer(size))), AttachError, /zero/i);
    }
    await stillWorks(original, []);
  });

  it('a truncated buffer (shorter than a header, or a header whose slots are cut off) is an AttachError', async () => {
    for (const size of [0, 4, 100, 1020]) {
      throwsSync(() => attach(handleOf(copyOf(original, undefined, size))), AttachError, /bytes|header|small/i);
    }
    const full = original.handle.buffer.byteLength;
    for (const size of [1024, full - 4, full - 1]) {
      throwsSync(() => attach(handleOf(copyOf(original, undefined, size))), AttachError, /corrupt|bytes/i);
    }
    await stillWorks(original, []);
  });

  it('a buffer of a newer layout major version is an AttachError naming the versions; a newer minor attaches', async () => {
    for (const major of [2, 3, 0x7fff]) {
      const sab = copyOf(original, (w) => {
        w[IDX_VERSION] = (major << 16) | 0;
      });
      throwsSync(() => attach(handleOf(sab)), AttachError, new RegExp(`${major}\\.0.*newer|newer.*${major}\\.0`));
    }
    const minor = attach(handleOf(copyOf(original, (w) => (w[IDX_VERSION] = (1 << 16) | 9))));
    await stillWorks(minor, []);
    await stillWorks(original, []);
  });

  it('a buffer that requires protocol features this version lacks is an AttachError saying to upgrade', async () => {
    // Bits 0, 1 and 2 (FEATURE_DOORBELLS, FEATURE_SEALED_COMMIT, FEATURE_SPSC) are known since layout 1.1.
    for (const bits of [8, 0x40, 0x80000000 | 0]) {
      const sab = copyOf(original, (w) => (w[IDX_REQUIRED_FEATURES] = bits));
      throwsSync(() => attach(handleOf(sab)), AttachError, /requires protocol features.*upgrade/);
    }
    await stillWorks(original, []);
  });

  it('a rendezvous header with a sliding policy is refused as corrupt, as sharedChan refuses it', async () => {
    const rendezvous = sharedChan({ type: 'i32', capacity: 0 });
    const sab = copyOf(rendezvous, (w) => (w[IDX_POLICY] = POLICY_SLIDING));
    throwsSync(() => attach(handleOf(sab)), AttachError, /rendezvous/);
  });

  it('an spsc header with policy sliding, with capacity 0, without FEATURE_SEALED_COMMIT or of kind object is refused as corrupt', () => {
    const spsc = sharedChan({ type: 'i32', capacity: 4, spsc: true });
    const edits: [string, (w: Int32Array) => void][] = [
      ['sliding', (w) => (w[IDX_POLICY] = POLICY_SLIDING)],
      ['capacity 0', (w) => (w[IDX_CAPACITY] = 0)],
      ['no sealed commit', (w) => (w[IDX_REQUIRED_FEATURES] = FEATURE_DOORBELLS | FEATURE_SPSC)],
    ];
    for (const [what, edit] of edits) {
      expect(() => attach(handleOf(copyOf(spsc, edit))), what).toThrow(/corrupt.*single-producer single-consumer/);
    }
    const object = sharedChan({ capacity: 4, bytes: 64 });
    const sab = copyOf(object as never, (w) => (w[IDX_REQUIRED_FEATURES] |= FEATURE_SPSC));
    throwsSync(() => attach(handleOf(sab)), AttachError, /corrupt.*single-producer single-consumer object/);
  });

  it('corrupt header fields (kind, lane, slots, capacity, slot size, data offset, policy, version 0) are AttachErrors', async () => {
    const edits: [string, (w: Int32Array) => void][] = [
      ['kind', (w) => (w[IDX_KIND] = 77)],
      ['lane', (w) => (w[IDX_LANE] = 99)],
      ['slots not a power of two', (w) => (w[IDX_SLOTS] = 6)],
      ['slots zero', (w) => (w[IDX_SLOTS] = 0)],
      ['capacity above slots', (w) => (w[IDX_CAPACITY] = 9)],
      ['negative capacity', (w) => (w[IDX_CAPACITY] = -1)],
      ['slot size', (w) => (w[IDX_SLOT_BYTES] = 8)],
      ['data offset', (w) => (w[IDX_DATA_OFFSET] = 512)],
      ['policy', (w) => (w[IDX_POLICY] = 9)],
      ['version 0.x', (w) => (w[IDX_VERSION] = 3)],
    ];
    for (const [what, edit] of edits) {
      const e = throwsSync(() => attach(handleOf(copyOf(original, edit))), AttachError);
      expect(e.message, what).toMatch(/attach/);
    }
    await stillWorks(original, []);
  });
});

describe('sync timeouts: TimeoutError, nothing transferred', () => {
  let agent: Agent;
  beforeAll(async () => {
    [agent] = (await Agent.start(1, 'bad-input agent')) as [Agent];
  }, 30_000);
  afterAll(async () => {
    await agent.terminate();
  });

  it('putSync on a full channel and putManySync with nothing entering throw TimeoutError; the channel holds what it held', async () => {
    const ch = sharedChan({ type: 'u16', capacity: 2 });
    expect(await ch.putMany([1, 2])).toBe(2);
    throwsTimeout(() => ch.putSync(3, { timeout: 20 }));
    throwsTimeout(() => ch.putManySync([3, 4], { timeout: 20 }));
    throwsTimeout(() => ch.putSync(3, { timeout: 0 }));
    await stillWorks(ch, [1, 2]);
  });

  it('putManySync with a timeout that ends part-way returns how many entered (those arrive, the rest do not)', async () => {
    const ch = sharedChan({ type: 'u16', capacity: 2 });
    expect(ch.offer(1)).toBe(true);
    expect(ch.putManySync([2, 3, 4], { timeout: 20 })).toBe(1);
    await stillWorks(ch, [1, 2]);
  });

  it('getSync and getManySync on an empty channel throw TimeoutError and take nothing: a later value goes to the next get', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 2 });
    throwsTimeout(() => ch.getSync({ timeout: 20 }));
    throwsTimeout(() => ch.getManySync(new Int32Array(2), { timeout: 20 }));
    throwsTimeout(() => ch.getSync({ timeout: 0 }));
    // A value put by another thread after the timeout is still there for the next get.
    expect(await within(agent.run({ kind: 'putOne', handle: ch.handle, value: 77, timeout: 1000 }), 10_000, 'worker put')).toEqual({ result: true });
    expect(ch.getSync({ timeout: 1000 })).toBe(77);
    await stillWorks(ch, []);
  });

  it('rendezvous: a putSync with a timeout and no taker throws TimeoutError, and its value is never delivered', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    throwsTimeout(() => ch.putSync(5, { timeout: 20 }));
    expect(ch.length).toBe(0);
    expect(ch.poll()).toBeUndefined();
    throwsTimeout(() => ch.getSync({ timeout: 20 }));
    // Nor does another thread receive it later.
    const later = await within(agent.run({ kind: 'getOne', handle: ch.handle, timeout: 50 }), 10_000, 'worker get');
    expect(later.errorName, 'a worker get after the timed-out put').toBe('TimeoutError');
    // The same with the put in a worker and the get on the main thread.
    const put = await within(agent.run({ kind: 'putOne', handle: ch.handle, value: 6, timeout: 20 }), 10_000, 'worker put');
    expect(put.errorName).toBe('TimeoutError');
    throwsTimeout(() => ch.getSync({ timeout: 20 }));
    ch.close();
    expect(await ch.get()).toBeUndefined();
  });

  it('rendezvous: putManySync with a timeout and no taker throws TimeoutError and delivers nothing (like putSync)', async () => {
    const ch = sharedChan({ type: 'i32', capacity: 0 });
    throwsTimeout(() => ch.putManySync([5], { timeout: 20 }));
    throwsTimeout(() => ch.putManySync(Int32Array.from([6, 7]), { timeout: 20 }));
    expect(ch.length).toBe(0);
    expect(ch.poll()).toBeUndefined();
    const later = await within(agent.run({ kind: 'getOne', handle: ch.handle, timeout: 50 }), 10_000, 'worker get');
    expect(later.errorName, `a worker get after the timed-out putManySync got ${String(later.result)}`).toBe('TimeoutError');
    ch.close();
    expect(await ch.get()).toBeUndefined();
  });

  it('a bad timeout option is refused (TypeError / RangeError) and changes nothing', async () => {
    const ch = sharedChan({ type: 'f64', capacity: 2 });
    expect(ch.offer(1)).toBe(true);
    for (const timeout of [-1, NaN, -Infinity]) {
      throwsSync(() => ch.putSync(2, { timeout }), RangeError);
      throwsSync(() => ch.getSync({ timeout }), RangeError);
    }
    for (const opts of [{ timeout: '20' }, { timeout: null }, 20, 'x']) {
      throwsSync(() => ch.putSync(2, opts as never), TypeError);
      throwsSync(() => ch.getSync(opts as never), TypeError);
    }
    await stillWorks(ch, [1]);
  });
});
