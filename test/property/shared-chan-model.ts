/**
 * What the reference models of shared channels (./shared-model.prop.test.ts counts slots,
 * ./object-model.prop.test.ts counts messages and bytes) have in common: FIFO queues of
 * waiting puts and gets, close and abort, and what each operation settled with. How much
 * room the buffer has, and what a policy does when it is full, is each model's own.
 */

/** How an operation settled: fulfilled with `value`, or rejected (aborted). */
export type Settled = { ok: true; value: unknown } | { ok: false };

/** The bookkeeping of a shared channel's model; subclasses say how values enter and leave the buffer. */
export abstract class SharedChanModel<V> {
  puts: { id: number; v: V }[] = [];
  gets: { id: number }[] = [];
  closed = false;
  /** What each operation settled with; absent while it is pending. */
  settled = new Map<number, Settled>();

  /** `v` enters the buffer now by the policy if there is room; false when the put must wait (block, full). */
  protected abstract store(v: V): boolean;

  /** A value leaves now if one is there; the room it frees admits waiting puts, oldest first. */
  protected abstract take(): V | undefined;

  /** A value enters now if it can: to a waiting get, or the buffer by the policy. */
  private give(v: V): boolean {
    const g = this.gets.shift();
    if (g !== undefined) {
      this.settled.set(g.id, { ok: true, value: v });
      return true;
    }
    return this.store(v);
  }

  put(id: number, v: V): void {
    if (this.closed) this.settled.set(id, { ok: true, value: false });
    else if (this.puts.length === 0 && this.give(v)) this.settled.set(id, { ok: true, value: true });
    else this.puts.push({ id, v });
  }

  get(id: number): void {
    const v = this.gets.length === 0 ? this.take() : undefined;
    if (v !== undefined) this.settled.set(id, { ok: true, value: v });
    else if (this.closed) this.settled.set(id, { ok: true, value: undefined });
    else this.gets.push({ id });
  }

  offer(v: V): boolean {
    return !this.closed && this.puts.length === 0 && this.give(v);
  }

  poll(): V | undefined {
    return this.gets.length === 0 ? this.take() : undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const g of this.gets.splice(0)) this.settled.set(g.id, { ok: true, value: undefined });
    // API.md section 4: a put that had not entered the ring resolves false.
    for (const p of this.puts.splice(0)) this.settled.set(p.id, { ok: true, value: false });
  }

  abort(id: number): void {
    if (this.settled.has(id)) return;
    this.puts = this.puts.filter((p) => p.id !== id);
    this.gets = this.gets.filter((g) => g.id !== id);
    this.settled.set(id, { ok: false });
  }
}
