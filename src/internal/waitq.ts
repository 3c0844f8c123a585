/**
 * FIFO of parked waiters (Go's waitq, core.async's puts/takes queues), intrusive so that a
 * waiter withdrawn by a select or an abort leaves in O(1) with no node allocation.
 *
 * Invariants:
 *   Q1  `length` equals the number of linked waiters; `queued` is true exactly for them.
 *   Q2  every queued waiter is live (`flag.done === false`): whoever sets `flag.done`
 *       (a port committing it, a select committing a sibling, an abort) removes it, or has
 *       already shifted it out, in the same synchronous step. So `length` counts only live
 *       operations and the MAX_PENDING limit can never be reached by dead ones.
 */
import type { Linked } from '../protocol.js';

export class WaitQueue<W extends Linked<W>> {
  /** Oldest waiter, served first. */
  private head: W | null = null;
  /** Newest waiter. */
  private tail: W | null = null;
  /** Number of queued waiters (Q1). */
  length = 0;

  push(w: W): void {
    w.queued = true;
    w.next = null;
    w.prev = this.tail;
    if (this.tail === null) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    this.length++;
  }

  /** Queues `w` first, before every waiter already queued (a waiter taken back into line). */
  unshift(w: W): void {
    w.queued = true;
    w.prev = null;
    w.next = this.head;
    if (this.head === null) this.tail = w;
    else this.head.prev = w;
    this.head = w;
    this.length++;
  }

  /** The oldest waiter, left in place, or null when empty. */
  first(): W | null {
    return this.head;
  }

  /** Removes and returns the oldest waiter, or null when empty. */
  shift(): W | null {
    const w = this.head;
    if (w !== null) this.unlink(w);
    return w;
  }

  /** Removes `w` if it is queued here; a no-op otherwise (protocol P6). */
  remove(w: W): void {
    if (w.queued) this.unlink(w);
  }

  private unlink(w: W): void {
    if (w.prev === null) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === null) this.tail = w.prev;
    else w.next.prev = w.prev;
    w.next = w.prev = null;
    w.queued = false;
    this.length--;
  }
}
