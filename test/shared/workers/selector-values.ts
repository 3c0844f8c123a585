/**
 * How the select-*.test.ts workers (./selector.ts) and the main thread write a producer's
 * values: `encode(id, seq)` on numeric channels, a message `{ p: id, s: seq, pad }` of varying
 * size on object channels; `numberOf` maps either back to `encode(id, seq)`, so every stream
 * can be checked with pool.ts `checkDelivery`.
 */
import type { SharedChan } from '../../../src/index.js';
import { encode } from './protocol.js';

export function valueFor(ch: SharedChan<any>, id: number, seq: number): unknown {
  return ch.type === 'object' ? { p: id, s: seq, pad: 'x'.repeat(seq % 13) } : encode(id, seq);
}

export function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = v as { p: number; s: number };
  return encode(m.p, m.s);
}
