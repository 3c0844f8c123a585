/**
 * What a channel goes through when a supervised worker dies (./supervise.ts; SPEC.md 8.5):
 * it is marked, closed with a reason every thread can read, and, if a reservation the dead
 * worker made is never committed, sealed where its producers' tail stalled (ring-core.ts R5, R6).
 *
 * Invariants (on top of ring-core.ts R1-R6):
 *   D1  STATE_WORKER_EXITED, EXIT_CODE and CLOSE_REASON_WORKER_EXITED are written before the
 *       close sets FLAG_CLOSED, so a thread that sees the channel closed also sees why.
 *       CLOSE_REASON is first-writer-wins (CAS from 0); so is EXIT_CODE, and a supervisor
 *       writes its exit code before it tries the reason: once CLOSE_REASON says
 *       WORKER_EXITED, EXIT_CODE is set if any exit code was known.
 *   D2  a ring is sealed only after D1, on a closed ring whose buffer promises that every
 *       party commits by CAS (FEATURE_SEALED_COMMIT), and only at a PROD_TAIL value that
 *       stayed unchanged for a whole grace period (a producer that merely lost its core for
 *       longer than that sees its put report false: never true-but-lost, by R5).
 *   D3  the repair ends: after the close, PROD_TAIL moves only by commits of reservations made
 *       before it (finitely many), so it either reaches PROD_HEAD (nothing to repair) or stops.
 * Nothing here runs on the hot path: only after a worker's exit, on the supervising thread.
 */
import {
  CLOSE_REASON_WORKER_EXITED,
  FEATURE_SEALED_COMMIT,
  FLAG_CLOSED,
  FLAG_EXIT_CODE,
  FLAG_SEALED,
  IDX_CLOSE_REASON,
  IDX_EXIT_CODE,
  IDX_PROD_HEAD,
  IDX_PROD_TAIL,
  IDX_REQUIRED_FEATURES,
  IDX_RX_EPOCH,
  IDX_RX_SELECT_MASK,
  IDX_STATE,
  IDX_TX_EPOCH,
  IDX_TX_SELECT_MASK,
  POSITION_MASK,
  STATE_WORKER_EXITED,
} from './layout.js';
import type { DoorbellTable } from './doorbells.js';
import { wake } from './ring-core.js';

/** Why a shared channel closed: `close()` was called, or a supervised worker exited. */
export type CloseReason = 'closed' | 'worker-exited';

/**
 * How long PROD_TAIL must stay still after a dead-worker close before the ring is sealed. A
 * live producer commits within microseconds of its reservation; this only has to outlast a
 * thread that lost its core. Longer costs only how soon blocked calls settle.
 */
export const SEAL_GRACE_MS = 50;

/** `undefined` while open; otherwise why it closed (unknown codes read as 'closed', SPEC.md 8.4). */
export function closeReasonOf(words: Int32Array): CloseReason | undefined {
  if ((Atomics.load(words, IDX_PROD_HEAD) & FLAG_CLOSED) === 0) return undefined;
  return Atomics.load(words, IDX_CLOSE_REASON) === CLOSE_REASON_WORKER_EXITED ? 'worker-exited' : 'closed';
}

/** The exit code of the worker whose exit closed the channel, if it closed that way (D1). */
export function workerExitCodeOf(words: Int32Array): number | undefined {
  if (closeReasonOf(words) !== 'worker-exited') return undefined;
  const word = Atomics.load(words, IDX_EXIT_CODE);
  if ((word & FLAG_EXIT_CODE) === 0) return undefined;
  return (word << 1) >> 1; // bits 0-30, sign-extended
}

/**
 * Step 1 of a dead-worker close (D1): marks the death, then records the exit code and the
 * reason unless the channel is already closed. The caller then closes the channel, which
 * sets FLAG_CLOSED and wakes everyone.
 */
export function markWorkerExited(words: Int32Array, exitCode: number | undefined): void {
  Atomics.or(words, IDX_STATE, STATE_WORKER_EXITED);
  if ((Atomics.load(words, IDX_PROD_HEAD) & FLAG_CLOSED) !== 0) return;
  if (exitCode !== undefined) Atomics.compareExchange(words, IDX_EXIT_CODE, 0, FLAG_EXIT_CODE | (exitCode & POSITION_MASK));
  Atomics.compareExchange(words, IDX_CLOSE_REASON, 0, CLOSE_REASON_WORKER_EXITED);
}

/**
 * Step 2, after the close: watches PROD_TAIL every SEAL_GRACE_MS and seals it where it
 * stalled short of PROD_HEAD (D2), which ends the stream there, fails the puts still waiting
 * for their turn to commit, and wakes everyone. Stops once sealed or fully committed (D3).
 */
export function repairWhenStalled(words: Int32Array, doorbells: DoorbellTable | null = null): void {
  if ((Atomics.load(words, IDX_REQUIRED_FEATURES) & FEATURE_SEALED_COMMIT) === 0) return;
  let last = -1; // no PROD_TAIL value: the first check only takes a sample
  const check = (): void => {
    const headWord = Atomics.load(words, IDX_PROD_HEAD);
    const tail = Atomics.load(words, IDX_PROD_TAIL);
    if ((headWord & FLAG_CLOSED) === 0) return; // not closed: nothing may be sealed (R5)
    if ((tail & FLAG_SEALED) !== 0 || tail === (headWord & POSITION_MASK)) return;
    if (tail === last && seal(words, tail, doorbells)) return;
    last = tail;
    later(check);
  };
  check();
}

/** Seals PROD_TAIL at `tail` (R5). @returns false if it moved first (then look again later). */
function seal(words: Int32Array, tail: number, doorbells: DoorbellTable | null): boolean {
  if (Atomics.compareExchange(words, IDX_PROD_TAIL, tail, tail | FLAG_SEALED) !== tail) return false;
  // Consumers sleep on RX_EPOCH, threads in selectSync on their doorbells; committers waiting
  // for their turn nap on PROD_TAIL.
  wake(words, IDX_RX_EPOCH);
  wake(words, IDX_TX_EPOCH);
  doorbells?.ringMask(words, IDX_RX_SELECT_MASK);
  doorbells?.ringMask(words, IDX_TX_SELECT_MASK);
  Atomics.notify(words, IDX_PROD_TAIL);
  return true;
}

/** Runs `f` after the grace period without keeping a Node process alive for it. */
function later(f: () => void): void {
  const timer = setTimeout(f, SEAL_GRACE_MS) as unknown as { unref?: () => void };
  timer.unref?.();
}
