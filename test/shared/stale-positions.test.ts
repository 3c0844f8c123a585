/**
 * A thread's guessed head (ring.ts, message-ring.ts: a take CASes from where this thread's last
 * take ended) is subject to the LAP rule like a remembered tail (SPEC 5.2, 5.3): once more
 * than 2^31 positions have gone by while the thread was idle, a 31-bit guess can alias any
 * position, even PROD_TAIL itself, and "empty from the guess is exact" would then be false:
 * the take would report empty next to values that are there.
 *
 * 2^31 positions of traffic take minutes, so these tests move the header words the way that
 * traffic would have (and bump LAP as its commits would), then take with the idle view.
 *
 * The same for a rendezvous put whose value waits to be taken: it asks whether CONS_TAIL
 * passed its position, and a 31-bit answer flips once CONS_TAIL is 2^30 positions on.
 */
import { expect, test } from 'vitest';
import { jsonCodec } from '../../src/codec/index.js';
import { sharedChan } from '../../src/index.js';
import { createNumericBuffer, createObjectBuffer } from '../../src/shared/handle.js';
import {
  HEADER_WORDS,
  IDX_CONS_HEAD,
  IDX_CONS_TAIL,
  IDX_LAP,
  IDX_MSG_FREE,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_TX_EPOCH,
  POSITION_MASK,
  RECORD_HEADER_BYTES,
  SZ_HEADER,
} from '../../src/shared/layout.js';
import { laneView } from '../../src/shared/lanes.js';
import { MessageRing } from '../../src/shared/message-ring.js';
import { NumericRing } from '../../src/shared/ring.js';

/** Sets the four positions: the ring then holds [consumed, published). */
function setPositions(words: Int32Array, consumed: number, published: number): void {
  Atomics.store(words, IDX_CONS_HEAD, consumed);
  Atomics.store(words, IDX_CONS_TAIL, consumed);
  Atomics.store(words, IDX_PROD_HEAD, published);
  Atomics.store(words, IDX_PROD_TAIL, published);
  // 2^31 positions are 8 crossings of a multiple of 2^28, each bumping LAP.
  Atomics.add(words, IDX_LAP, 8);
}

test('a numeric take whose guess aliases PROD_TAIL after 2^31 positions still finds the values', () => {
  const buffer = createNumericBuffer('f64', 8, 'block');
  const words = new Int32Array(buffer, 0, HEADER_WORDS);
  const lane = laneView('f64', buffer, SZ_HEADER, 8) as Float64Array;
  const idle = new NumericRing(words, lane);
  expect(idle.putOne(1)).toBe(1);
  expect(idle.takeOne()).toBe(1); // its guess of CONS_HEAD is now 1
  // Others put and took 2^31 - 5 more values, then put 5 that are still there: [2^31 - 4, 1).
  const first = (1 - 5) & POSITION_MASK;
  for (let i = 0; i < 5; i++) lane[(first + i) & 7] = 100 + i;
  setPositions(words, first, 1);
  const taken: number[] = [];
  while (idle.takeOne() === 1) taken.push(idle.value);
  expect(taken).toEqual([100, 101, 102, 103, 104]);
});

test('a message take whose guess aliases PROD_TAIL after 2^31 byte positions still finds the message', () => {
  const buffer = createObjectBuffer({ bytes: 256, capacity: 4, policy: 'block', maxMessageBytes: 64, codecName: 'json' });
  const words = new Int32Array(buffer, 0, HEADER_WORDS);
  const idle = new MessageRing<unknown>(words, buffer, jsonCodec);
  expect(idle.putOne('a')).toBe(1);
  expect(idle.takeOne()).toBe(1); // its guess of CONS_HEAD is the end of that record
  const end = Atomics.load(words, IDX_CONS_HEAD);
  // Others moved 2^31 - 16 bytes through, then put one record of 16 bytes that is still there.
  const payload = new TextEncoder().encode('7');
  const start = (end - (RECORD_HEADER_BYTES + 8)) & POSITION_MASK;
  const offset = start & 255;
  const heads = new Int32Array(buffer, SZ_HEADER, 64);
  heads[offset >> 2] = payload.length;
  heads[(offset >> 2) + 1] = 0;
  new Uint8Array(buffer, SZ_HEADER, 256).set(payload, offset + RECORD_HEADER_BYTES);
  Atomics.sub(words, IDX_MSG_FREE, 1);
  setPositions(words, start, end);
  expect(idle.takeOne()).toBe(1);
  expect(idle.value).toBe(7);
});

test('a rendezvous put whose value was taken long ago completes, however far the positions went on', async () => {
  const ch = sharedChan({ type: 'f64', capacity: 0 });
  const words = new Int32Array(ch.handle.buffer, 0, HEADER_WORDS);
  const put = ch.put(1); // parks; its value enters the ring at `pos` and waits to be taken
  const pos = Atomics.load(words, IDX_PROD_TAIL) - 1;
  // A consumer took it, then 2^30 + 5 more values went through: a 31-bit distance from `pos`
  // now says CONS_TAIL is behind it.
  setPositions(words, (pos + 1 + 2 ** 30 + 5) & POSITION_MASK, (pos + 1 + 2 ** 30 + 5) & POSITION_MASK);
  // That traffic's commits would have woken this thread's parked put, as this does.
  Atomics.add(words, IDX_TX_EPOCH, 1);
  Atomics.notify(words, IDX_TX_EPOCH);
  const outcome = await Promise.race([put, new Promise((r) => setTimeout(() => r('still waiting after 2 s'), 2000))]);
  expect(outcome).toBe(true);
});
