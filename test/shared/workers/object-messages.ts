/**
 * The messages of the object-channel stress tests (./object-agent.ts and the main thread).
 *
 * Messages are JSON values of varying shapes and sizes (a bare number, a string, an object,
 * an array; from 1 byte to about 2 KB) that carry their producer and sequence number, and a
 * padding whose length and content are a function of both: a consumer checks every message
 * it gets against that function, so a torn or misplaced copy (a payload that wraps the end of
 * the ring, say) shows as corruption, not only as a lost or duplicated id.
 */
import { decode as decodeId, encode as encodeId } from './protocol.js';

/** Padding length for (id, seq): mostly small, some medium, a few near 2 KB. */
export function padLength(id: number, seq: number): number {
  const h = (Math.imul(seq + 1, 2654435761) ^ Math.imul(id, 40503)) >>> 0;
  const r = h % 100;
  if (r < 45) return h % 17;
  if (r < 90) return (h >>> 8) % 300;
  return 1500 + ((h >>> 8) % 500);
}

function padOf(id: number, seq: number): string {
  const n = padLength(id, seq);
  const c = String.fromCharCode(97 + ((seq + id) % 26));
  // A non-ASCII character now and then: multi-byte UTF-8 in the payload.
  return seq % 7 === 0 && n > 0 ? 'é' + c.repeat(n - 1) : c.repeat(n);
}

/** The message producer `id` sends as number `seq`: one of four shapes, by seq. */
export function messageOf(id: number, seq: number): unknown {
  switch (seq % 4) {
    case 0:
      return encodeId(id, seq); // a bare number (about 10 bytes)
    case 1:
      return `${id}:${seq}:${padOf(id, seq)}`;
    case 2:
      return { id, seq, pad: padOf(id, seq), nested: { ok: true, list: [seq, null] } };
    default:
      return [id, seq, padOf(id, seq)];
  }
}

/** The (id, seq) a message claims, or a description of what is wrong with it. */
export function check(m: unknown): { id: number; seq: number } | string {
  let id: number;
  let seq: number;
  if (typeof m === 'number') {
    ({ id, seq } = decodeId(m));
  } else if (typeof m === 'string') {
    const [a, b] = m.split(':');
    id = Number(a);
    seq = Number(b);
  } else if (Array.isArray(m)) {
    id = m[0] as number;
    seq = m[1] as number;
  } else if (typeof m === 'object' && m !== null) {
    id = (m as { id: number }).id;
    seq = (m as { seq: number }).seq;
  } else {
    return `not a message: ${JSON.stringify(m)}`;
  }
  if (!Number.isInteger(id) || !Number.isInteger(seq) || id < 1 || seq < 0) return `bad id/seq in ${JSON.stringify(m).slice(0, 80)}`;
  const expected = JSON.stringify(messageOf(id, seq));
  const got = JSON.stringify(m);
  if (got !== expected) return `producer ${id} seq ${seq}: got ${got.length} chars ${got.slice(0, 60)}…, expected ${expected.length} chars ${expected.slice(0, 60)}…`;
  return { id, seq };
}
