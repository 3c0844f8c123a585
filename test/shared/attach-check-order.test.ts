/**
 * Regression test (found by review; it failed before the fix). The bug:
 * SPEC.md 9.2: attach makes the checks "in this order, and refuse[s] the buffer at the first
 * that fails", with an AttachError that names the failed check. handle.ts readConfig checks
 * SLOTS (8), DATA_OFFSET (11), POLICY (13) and check 14 before KIND (6), so a buffer of a
 * kind this reader does not know (corrupt, or a newer kind) is reported as a corrupt slot
 * count / policy instead of "kind ... unknown to this sabchan ... made by a newer sabchan".
 */
import { expect, it } from 'vitest';
import { AttachError, attach, sharedChan } from '../../src/index.js';
import { IDX_CHANNEL_ID_2, IDX_KIND, IDX_POLICY, IDX_SLOTS } from '../../src/shared/layout.js';

function copyWith(edit: (w: Int32Array) => void): SharedArrayBuffer {
  const ch = sharedChan({ type: 'i32', capacity: 4 });
  const copy = new SharedArrayBuffer(ch.handle.buffer.byteLength);
  new Uint8Array(copy).set(new Uint8Array(ch.handle.buffer));
  const w = new Int32Array(copy, 0, 256);
  w[IDX_CHANNEL_ID_2] = w[IDX_CHANNEL_ID_2]! ^ 0x5a5a5a5a;
  edit(w);
  return copy;
}

it.each([
  ['SLOTS 3', (w: Int32Array) => (w[IDX_SLOTS] = 3)],
  ['POLICY 9', (w: Int32Array) => (w[IDX_POLICY] = 9)],
])('an unknown KIND is reported as such (check 6) before %s (checks 8, 13)', (_, edit) => {
  const buffer = copyWith((w) => {
    w[IDX_KIND] = 7;
    edit(w);
  });
  let error: unknown;
  try {
    attach({ sabchan: 'shared-channel', buffer } as never);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AttachError);
  // Before the fix: "attach: corrupt channel header: slot count 3" / "... unknown policy 9".
  expect((error as Error).message).toMatch(/kind 7/);
});
