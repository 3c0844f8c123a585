/**
 * Reference model of in-thread sabchan channels (API.md sections 1-3), used by the
 * model-based property tests. It is deliberately naive: plain arrays, no cleverness, and
 * every rule carries the API.md sentence it comes from ("API §2: ..."). Where API.md is
 * silent and the model had to pick, the comment says "MODEL CHOICE".
 *
 * The model is a *world* of channels plus the operations pending on them, because a select
 * can have arms on several channels and committing one arm withdraws all the others.
 * Every operation (put, get, select) is an op with an id and a list of arms:
 *   API §3: "`get()` and `put()` behave exactly as a one-arm select".
 * The model records the expected settlement of every op; the harness compares it with what
 * the real promises did.
 */

export type KindSpec =
  | { kind: 'unbuffered'; ctor: 'chan()' | 'chan(0)' }
  | { kind: 'fixed'; n: number; ctor: 'chan(n)' | 'chan(buffers.fixed(n))' }
  | { kind: 'sliding'; n: number }
  | { kind: 'dropping'; n: number }
  | { kind: 'promise' };

export type KindName = KindSpec['kind'];

export function describeKind(k: KindSpec): string {
  switch (k.kind) {
    case 'unbuffered':
      return k.ctor;
    case 'fixed':
      return k.ctor === 'chan(n)' ? `chan(${k.n})` : `chan(buffers.fixed(${k.n}))`;
    case 'sliding':
      return `chan(buffers.sliding(${k.n}))`;
    case 'dropping':
      return `chan(buffers.dropping(${k.n}))`;
    case 'promise':
      return 'promiseChan()';
  }
}

/** One arm of an op. A plain put/get is an op with exactly one arm. */
export type Arm = { dir: 'get'; ch: number } | { dir: 'put'; ch: number; value: unknown };

/** How the op's promise reports its result. */
export type Shape = 'put' | 'get' | 'select';

/** What an op's promise settled (or is expected to settle) with. */
export type Outcome =
  | { status: 'fulfilled'; value: unknown } // put/get: the resolved value
  | { status: 'selected'; value: unknown; ch: number | null } // select: [value, chans[ch]] or [default, null]
  | { status: 'rejected'; reason: unknown };

interface QueuedPut {
  op: number;
  arm: number;
  value: unknown;
}
interface QueuedGet {
  op: number;
  arm: number;
}

export class ModelChan {
  /** Buffered values, oldest first. Unused (always empty) for unbuffered channels. */
  readonly buf: unknown[] = [];
  /** API §2: "pending puts and pending gets are each served in arrival order" (FIFO queues). */
  readonly puts: QueuedPut[] = [];
  readonly gets: QueuedGet[] = [];
  closed = false;
  /** promiseChan only: the first value put, once there is one. */
  promised: { value: unknown } | null = null;

  constructor(readonly spec: KindSpec) {}

  get capacity(): number {
    return this.spec.kind === 'unbuffered' || this.spec.kind === 'promise' ? 0 : this.spec.n;
  }
}

interface PendingOp {
  shape: Shape;
  arms: Arm[];
}

export class ModelWorld {
  readonly chans: ModelChan[];
  /** Ops registered on channels and not yet completed. */
  readonly pending = new Map<number, PendingOp>();
  /** Expected settlement of every op that has completed (in the model). */
  readonly settled = new Map<number, Outcome>();

  constructor(specs: KindSpec[]) {
    this.chans = specs.map((s) => new ModelChan(s));
  }

  // ---------------------------------------------------------------- readiness

  /**
   * Can a get on `c` complete right now?
   * API §2 get: "resolves the next value, or `undefined` once the channel is closed and
   * drained" -- so a closed channel is always ready (with a value or with undefined).
   * API §2 promiseChan: "the first value put is delivered to every pending and future get,
   * forever".
   */
  canGet(c: ModelChan): boolean {
    if (c.closed) return true;
    if (c.spec.kind === 'promise') return c.promised !== null;
    // A buffered value, or (unbuffered) a pending put to rendezvous with. With a fixed buffer
    // pending puts only exist while the buffer is full, so the buffer check covers them.
    return c.buf.length > 0 || c.puts.length > 0;
  }

  /**
   * Can a put on `c` complete right now?
   * API §3: "a closed channel makes its arm ready at once" (a put arm yields false).
   * API §2: sliding/dropping "never blocks a put"; promiseChan later puts "resolve `true` and
   * are dropped" (so a promiseChan put never blocks either).
   */
  canPut(c: ModelChan): boolean {
    if (c.closed) return true;
    switch (c.spec.kind) {
      case 'sliding':
      case 'dropping':
      case 'promise':
        return true;
      case 'fixed':
        return c.gets.length > 0 || c.buf.length < c.spec.n;
      case 'unbuffered':
        return c.gets.length > 0;
    }
  }

  armReady(arm: Arm): boolean {
    const c = this.chans[arm.ch]!;
    return arm.dir === 'get' ? this.canGet(c) : this.canPut(c);
  }

  // ---------------------------------------------------------------- transfers

  /**
   * Take a value now (precondition: canGet). Returns what the get yields.
   */
  private takeNow(c: ModelChan): unknown {
    if (c.spec.kind === 'promise') {
      // API §2: delivered "to every pending and future get, forever" -> never consumed.
      // "Closed with no value: gets resolve `undefined`."
      return c.promised !== null ? c.promised.value : undefined;
    }
    if (c.buf.length > 0) {
      const v = c.buf.shift();
      // Fixed buffer: the get freed a slot, so the oldest pending put moves into the buffer
      // and resolves true. API §2 put: "resolves `true` once the value is ... stored in the
      // buffer"; FIFO: "pending puts ... are each served in arrival order". This also holds
      // after close: "puts already pending at close, stay deliverable in order".
      const p = c.puts.shift();
      if (p !== undefined) {
        c.buf.push(p.value);
        this.complete(p.op, p.arm, true);
      }
      return v;
    }
    const p = c.puts.shift();
    if (p !== undefined) {
      // Unbuffered rendezvous with the oldest pending put. API §2 put: "resolves `true` once
      // the value is handed to a getter".
      this.complete(p.op, p.arm, true);
      return p.value;
    }
    // API §2 get: "`undefined` once the channel is closed and drained".
    return undefined;
  }

  /**
   * Put a value now (precondition: canPut). Returns what the put resolves to.
   */
  private giveNow(c: ModelChan, v: unknown): boolean {
    // API §2: "Puts after close resolve `false`" (promiseChan too: "puts after close
    // resolve `false`"); the value is discarded.
    if (c.closed) return false;
    if (c.spec.kind === 'promise') {
      if (c.promised === null) {
        // API §2: "the first value put is delivered to every pending and future get";
        // "falsy values count as delivered".
        c.promised = { value: v };
        for (const g of [...c.gets]) if (this.pending.has(g.op)) this.complete(g.op, g.arm, v);
      }
      // API §2: "later puts (before close) resolve `true` and are dropped".
      return true;
    }
    // A waiting getter is served first, directly (it can only be waiting if the buffer is
    // empty). API §2 put: "handed to a getter"; FIFO: pending gets "served in arrival order".
    const g = c.gets.shift();
    if (g !== undefined) {
      this.complete(g.op, g.arm, v);
      return true;
    }
    switch (c.spec.kind) {
      case 'fixed':
        c.buf.push(v); // canPut guaranteed free space
        break;
      case 'sliding':
        // API §2: "sliding(n): ... when full, the oldest value is dropped".
        if (c.buf.length >= c.spec.n) c.buf.shift();
        c.buf.push(v);
        break;
      case 'dropping':
        // API §2: "dropping(n): ... when full, the new value is dropped". "Both puts resolve `true`."
        if (c.buf.length < c.spec.n) c.buf.push(v);
        break;
      case 'unbuffered':
        throw new Error('model: giveNow on an unbuffered channel with no getter');
    }
    return true;
  }

  // ---------------------------------------------------------------- op lifecycle

  /** Complete `op` through arm `arm` with `value`: settle it and withdraw all its arms. */
  private complete(op: number, arm: number, value: unknown): void {
    const p = this.pending.get(op);
    if (p === undefined) throw new Error(`model: completing op ${op} which is not pending`);
    this.withdraw(op);
    this.settled.set(
      op,
      p.shape === 'select'
        ? { status: 'selected', value, ch: p.arms[arm]!.ch }
        : { status: 'fulfilled', value },
    );
  }

  /** Remove every arm of `op` from every channel queue. */
  private withdraw(op: number): void {
    for (const c of this.chans) {
      for (let i = c.puts.length - 1; i >= 0; i--) if (c.puts[i]!.op === op) c.puts.splice(i, 1);
      for (let i = c.gets.length - 1; i >= 0; i--) if (c.gets[i]!.op === op) c.gets.splice(i, 1);
    }
    this.pending.delete(op);
  }

  /** Indices of the arms of a new op that could complete right now. */
  readyArms(arms: readonly Arm[]): number[] {
    const out: number[] = [];
    arms.forEach((a, i) => {
      if (this.armReady(a)) out.push(i);
    });
    return out;
  }

  /**
   * Start a new op. `choose` picks among ready arms (API §3: "uniformly random, or the
   * first in array order with `priority: true`"); the harness supplies the real choice when
   * the choice is random. Returns the arm that completed, -1 for default, or null if the op
   * was registered (pending).
   *
   * API §3: "Exactly one arm completes."
   * API §3: "With a `default` key present ... and no arm ready, resolves `[opts.default,
   * null]` at once and leaves nothing registered anywhere."
   * Otherwise every arm is registered (in arm order) at the tail of its channel's queue.
   * A select never pairs its own put arm with its own get arm (API §3): in this model arms
   * are only ever matched against *other* ops' queued arms, and an op only registers when
   * none of its arms is ready, so self-pairing cannot arise.
   */
  start(
    op: number,
    shape: Shape,
    arms: readonly Arm[],
    opts: { hasDefault: boolean; defaultValue?: unknown },
    choose: (ready: number[]) => number,
  ): number | null {
    const ready = this.readyArms(arms);
    if (ready.length > 0) {
      const i = choose(ready);
      if (!ready.includes(i)) throw new Error(`model: chosen arm ${i} is not ready`);
      const arm = arms[i]!;
      const c = this.chans[arm.ch]!;
      const value = arm.dir === 'get' ? this.takeNow(c) : this.giveNow(c, arm.value);
      this.settled.set(
        op,
        shape === 'select' ? { status: 'selected', value, ch: arm.ch } : { status: 'fulfilled', value },
      );
      return i;
    }
    if (opts.hasDefault) {
      this.settled.set(op, { status: 'selected', value: opts.defaultValue, ch: null });
      return -1;
    }
    this.pending.set(op, { shape, arms: [...arms] });
    arms.forEach((a, i) => {
      const c = this.chans[a.ch]!;
      if (a.dir === 'get') c.gets.push({ op, arm: i });
      else c.puts.push({ op, arm: i, value: a.value });
    });
    return null;
  }

  /**
   * API §2 Cancellation: "when `signal` aborts before the operation completed, the
   * operation is withdrawn (a put's value is never delivered; a get consumes nothing) and
   * the promise rejects with `signal.reason`". Aborting after completion changes nothing.
   */
  abort(op: number, reason: unknown): void {
    if (!this.pending.has(op)) return;
    this.withdraw(op);
    this.settled.set(op, { status: 'rejected', reason });
  }

  /** API §2: "An already-aborted signal rejects (it does not throw) without touching the channel." */
  preAborted(op: number, reason: unknown): void {
    this.settled.set(op, { status: 'rejected', reason });
  }

  /**
   * API §2 offer: "`true` only if the value was transferred now (to a waiting getter, into
   * free buffer space, or into a sliding/dropping buffer, whose policy then applies);
   * otherwise `false`, closed included. It never enqueues."
   * MODEL CHOICE (API.md is silent): on a promiseChan that already holds a value, offer
   * returns `true` and drops the value, exactly like a put there ("later puts (before close)
   * resolve `true` and are dropped"), and like core.async, whose promise buffer is never full.
   */
  offer(ch: number, v: unknown): boolean {
    const c = this.chans[ch]!;
    if (c.closed) return false;
    if (!this.canPut(c)) return false;
    return this.giveNow(c, v);
  }

  /**
   * API §2 poll: "returns a value available now (buffer or a pending put), else `undefined`.
   * It never enqueues." On a promiseChan the delivered value is available forever.
   */
  poll(ch: number): unknown {
    const c = this.chans[ch]!;
    return this.canGet(c) ? this.takeNow(c) : undefined;
  }

  /**
   * API §2 close: "idempotent. Pending gets resolve `undefined`. Values already buffered, and
   * puts already pending at close, stay deliverable in order (each such put resolves `true`
   * when its value is taken). ... `closed` is `true` from the close on."
   * A pending select whose get arm is on this channel completes through that arm with
   * `[undefined, ch]` (a closed channel makes a get arm ready); its other arms are withdrawn.
   */
  close(ch: number): void {
    const c = this.chans[ch]!;
    if (c.closed) return;
    c.closed = true;
    for (const g of [...c.gets]) if (this.pending.has(g.op)) this.complete(g.op, g.arm, undefined);
  }

  /** Ops still pending, oldest first. */
  pendingIds(): number[] {
    return [...this.pending.keys()].sort((a, b) => a - b);
  }

  /** A compact description of the model state, for failure messages. */
  describe(): string {
    return this.chans
      .map((c, i) => {
        const parts = [`ch${i} ${describeKind(c.spec)}${c.closed ? ' CLOSED' : ''}`];
        if (c.spec.kind === 'promise') parts.push(`value=${c.promised ? show(c.promised.value) : '<none>'}`);
        else if (c.spec.kind !== 'unbuffered') parts.push(`buf=[${c.buf.map(show).join(', ')}]`);
        parts.push(`puts=[${c.puts.map((p) => `op${p.op}:${show(p.value)}`).join(', ')}]`);
        parts.push(`gets=[${c.gets.map((g) => `op${g.op}`).join(', ')}]`);
        return parts.join(' ');
      })
      .join('\n');
  }
}

export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && Number.isNaN(v)) return 'NaN';
  if (typeof DOMException !== 'undefined' && v instanceof DOMException) return `DOMException(${v.name})`;
  if (v instanceof Error) return `Error(${JSON.stringify(v.message)})`;
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

export function showOutcome(o: Outcome | undefined): string {
  if (o === undefined) return 'pending';
  switch (o.status) {
    case 'fulfilled':
      return `resolved ${show(o.value)}`;
    case 'selected':
      return `resolved [${show(o.value)}, ${o.ch === null ? 'null' : o.ch === -1 ? '<an object that is not a channel passed in ops>' : `ch${o.ch}`}]`;
    case 'rejected':
      return `rejected ${show(o.reason)}`;
  }
}
