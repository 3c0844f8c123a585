/**
 * Doorbells: how one thread sleeps on several shared channels at once (sab-design.md C.7).
 *
 * `Atomics.wait` watches one address, a select waits on several channels. So a thread that
 * blocks in `selectSync` takes a *slot* in a doorbell table (a small SharedArrayBuffer shared
 * by every channel of one runtime; each channel's handle carries it), sets its slot's bit in
 * the select mask of every channel it waits on (layout.ts block F), and sleeps on its slot's
 * futex word. Whoever clears a channel's WAITING flag to wake that side's sleepers also rings
 * every doorbell whose bit is set in that side's mask; a close rings both masks.
 *
 * Invariants:
 *   D1  a slot is held by at most one thread, between `take` and `release`; its bit is set in
 *       a channel's mask only while its holder is registered there (set before the holder's
 *       re-check, cleared before `release`).
 *   D2  a waiter reads its doorbell word e, sets its mask bits and the side's WAITING flag,
 *       re-tries every arm, and only then waits on the word while it is still e. A committer
 *       publishes, then reads WAITING, and if set clears it and rings the mask. Sequentially
 *       consistent atomics: either the waiter's re-try sees the publish, or the committer's
 *       clear comes after the waiter's flag store, and then its mask read after the waiter's
 *       bit, so the ring (which bumps the word past e) is not lost. wait.ts makes the same
 *       argument for single-channel sleepers; both ride on the same WAITING flag, so the
 *       steady state (nobody asleep) costs nothing more than before.
 *   D3  rings are hints: the woken thread re-tries, and sleeps again if another thread won.
 *
 * A thread uses one table: the first it meets (creating a channel, or attaching a handle that
 * carries one). A select over channels of different tables (created by threads that never
 * exchanged a channel) cannot sleep on one doorbell and polls instead (selectSync says so).
 */
import {
  DOORBELL_HOLDER_OFFSET,
  DOORBELL_IDX_ALLOC,
  DOORBELL_IDX_TABLE_ID,
  DOORBELL_MAGIC,
  DOORBELL_SLOTS,
  doorbellIndex,
  IDX_RX_SELECT_MASK,
  IDX_TX_SELECT_MASK,
  SELECT_MASK_WORDS,
  SZ_DOORBELL_TABLE,
} from './layout.js';

export class DoorbellTable {
  readonly buffer: SharedArrayBuffer;
  readonly words: Int32Array;
  /** The table's random id: the same in every thread that holds it. */
  readonly id: number;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.id = Atomics.load(this.words, DOORBELL_IDX_TABLE_ID);
  }

  /** Takes a free slot (D1) and marks it as this thread's. @returns the slot, or -1 when all 128 are held. */
  take(): number {
    const w = this.words;
    for (let k = 0; k < SELECT_MASK_WORDS; k++) {
      for (;;) {
        const held = Atomics.load(w, DOORBELL_IDX_ALLOC + k);
        if (held === -1) break; // all 32 bits held
        const bit = ~held & (held + 1); // lowest clear bit
        if (Atomics.compareExchange(w, DOORBELL_IDX_ALLOC + k, held, held | bit) === held) {
          const slot = k * 32 + (31 - Math.clz32(bit));
          Atomics.store(w, doorbellIndex(slot) + DOORBELL_HOLDER_OFFSET, THREAD_ID + 1);
          return slot;
        }
      }
    }
    return -1;
  }

  release(slot: number): void {
    Atomics.store(this.words, doorbellIndex(slot) + DOORBELL_HOLDER_OFFSET, 0);
    Atomics.and(this.words, DOORBELL_IDX_ALLOC + (slot >> 5), ~(1 << (slot & 31)));
  }

  /**
   * Frees the slots a dead thread held (it died blocked in a select, so it never released
   * them): clears their bits from the select masks of `headers` (the channels the caller knows
   * of; a bit left in another channel's mask only makes its committers ring a free slot: a
   * hint nobody needs), then the slot. Only for a thread known to be dead (D1).
   */
  releaseDeadHolder(threadId: number, headers: readonly Int32Array[]): void {
    if (!(threadId >= 0)) return;
    for (let slot = 0; slot < DOORBELL_SLOTS; slot++) {
      if (Atomics.load(this.words, doorbellIndex(slot) + DOORBELL_HOLDER_OFFSET) !== threadId + 1) continue;
      const bit = ~(1 << (slot & 31));
      for (const h of headers) {
        Atomics.and(h, IDX_RX_SELECT_MASK + (slot >> 5), bit);
        Atomics.and(h, IDX_TX_SELECT_MASK + (slot >> 5), bit);
      }
      this.release(slot);
    }
  }

  /** The slot's futex word now: read it before registering (D2). */
  epoch(slot: number): number {
    return Atomics.load(this.words, doorbellIndex(slot));
  }

  /** Sleeps while the slot's word is still `epoch`, at most `ms`. */
  sleep(slot: number, epoch: number, ms: number): void {
    Atomics.wait(this.words, doorbellIndex(slot), epoch, ms);
  }

  /** Rings every slot whose bit is set in the mask at `maskIdx` of a channel's header words. */
  ringMask(header: Int32Array, maskIdx: number): void {
    for (let k = 0; k < SELECT_MASK_WORDS; k++) {
      let bits = Atomics.load(header, maskIdx + k);
      while (bits !== 0) {
        const bit = bits & -bits;
        bits ^= bit;
        const at = doorbellIndex(k * 32 + (31 - Math.clz32(bit)));
        Atomics.add(this.words, at, 1);
        Atomics.notify(this.words, at, 1);
      }
    }
  }
}

/**
 * This thread's Node thread id (0 on the main thread), or -1 where there is none (browsers):
 * read through process.getBuiltinModule so that this module imports nothing Node-only.
 */
const THREAD_ID: number =
  (globalThis as { process?: { getBuiltinModule?: (id: string) => { threadId?: number } | undefined } }).process?.getBuiltinModule?.('node:worker_threads')
    ?.threadId ?? -1;

/** The table this thread uses (D: one per thread), once it has met one. */
let threadTable: DoorbellTable | null = null;

/** This thread's table, creating one if it has none yet (a thread that creates channels). */
export function ownTable(): DoorbellTable {
  if (threadTable === null) {
    const buffer = new SharedArrayBuffer(SZ_DOORBELL_TABLE);
    const w = new Int32Array(buffer);
    w[DOORBELL_IDX_TABLE_ID] = (Math.random() * 0x7fffffff) | 1;
    Atomics.store(w, 0, DOORBELL_MAGIC);
    threadTable = new DoorbellTable(buffer);
  }
  return threadTable;
}

/**
 * The table for a channel whose handle carries `buffer`: this thread's own when it is the
 * same table (two buffer objects may share one memory: compared by id), else a view of the
 * handle's, which this thread adopts if it had none. @returns null for a missing or foreign
 * buffer (an old or hand-made handle: its channel then works without doorbells).
 */
export function tableOf(buffer: unknown): DoorbellTable | null {
  if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength !== SZ_DOORBELL_TABLE) return null;
  const w = new Int32Array(buffer);
  if (Atomics.load(w, 0) !== DOORBELL_MAGIC) return null;
  if (threadTable !== null && threadTable.id === Atomics.load(w, DOORBELL_IDX_TABLE_ID)) return threadTable;
  const table = new DoorbellTable(buffer);
  threadTable ??= table;
  return table;
}

export { DOORBELL_SLOTS };
