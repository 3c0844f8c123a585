/**
 * Regression test (found by review; it failed before the fix). The bug:
 * MessageRing.encode (src/shared/message-ring.ts:124) passes `this.out` to the codec, then
 * records `outValue`/`outLength` for whatever `this.out` is *after* the call. A JSON value
 * whose toJSON puts a larger message on the same channel re-enters encode, which replaces
 * `this.out` with a grown buffer; the outer put then sends the first n bytes of the inner
 * message's encoding: a corrupt message that the put reported as delivered.
 */
import { expect, it } from 'vitest';
import { sharedChan } from '../../src/index.js';

it('a put whose toJSON puts a large message on the same channel delivers both values intact', async () => {
  const ch = sharedChan({ capacity: 4 });
  const big = 'x'.repeat(3000); // > the 1024-byte initial scratch: the nested encode grows it
  const outer = {
    toJSON() {
      ch.offer(big);
      return 'small';
    },
  };
  expect(ch.offer(outer)).toBe(true);
  expect(await ch.get()).toBe(big);
  // Before the fix: rejects with "json codec: cannot decode 7 bytes: Unterminated string" (the
  // bytes are '"xxxxxx', the start of the inner message).
  expect(await ch.get()).toBe('small');
});
