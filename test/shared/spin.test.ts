/** setSpin: how long sync calls spin before they sleep; 0 must still hand values over (asleep). */
import { afterAll, expect, test } from 'vitest';
import { sharedChan } from '../../src/index.js';
import { Peer } from './peer.js';

const peer = new Peer();
afterAll(() => peer.terminate());

test('setSpin rejects what is not adaptive or 0 to 1e6 microseconds', () => {
  const ch = sharedChan({ type: 'i32', capacity: 1 });
  for (const bad of [-1, NaN, 2e6, '5', null]) expect(() => ch.setSpin(bad as never)).toThrow(RangeError);
  expect(ch.setSpin(0)).toBe(ch);
  expect(ch.setSpin('adaptive')).toBe(ch);
});

test.each([0, 5, 'adaptive'] as const)('with setSpin(%s) a blocked getSync is woken by a put in another thread', async (spin) => {
  const ch = sharedChan({ type: 'i32', capacity: 1 }).setSpin(spin);
  // The worker blocks in getSync on the empty channel; this thread's put must wake it.
  const got = peer.call('getSync', ch, { timeout: 5000 });
  await new Promise((r) => setTimeout(r, 20));
  expect(await ch.put(7)).toBe(true);
  expect(await got).toBe(7);
  // And the other way: this thread blocks (timeout bounds a lost wake-up) while the worker puts.
  const put = peer.call('putSync', ch, { value: 8 });
  expect(ch.getSync({ timeout: 5000 })).toBe(8);
  expect(await put).toBe(true);
});
