/**
 * A worker that runs `selectSync` (and the plain sync calls around it) on request, for the
 * select-*.test.ts files: one blocking task at a time, so a test can stage "a thread blocked
 * in selectSync over these channels" and then act on the channels from another thread.
 *
 * Requests: `{ id, task }` (./selector-client.ts); replies `{ id, ok: true, value }` or
 * `{ id, ok: false, name, message }` (the error a task threw, e.g. a TimeoutError).
 * Every looping task has a deadline and reports how it ended instead of hanging.
 *
 * Values on numeric channels are `encode(id, seq)` (./protocol.ts); on object channels the
 * message `{ p: id, s: seq, pad }`, reported back as the same number, so the main thread can
 * check every stream with pool.ts `checkDelivery`.
 */
import { parentPort } from 'node:worker_threads';
import { attach, selectSync, sharedChan, type SharedChan, type SharedChanHandle } from '../../../src/index.js';
import { DOORBELL_MAGIC, MAGIC } from '../../../src/shared/layout.js';
import { taggedCodec } from './object-codecs.js';
import { encode } from './protocol.js';
import { numberOf, valueFor } from './selector-values.js';

/** One arm: a get (no `put` key) or a put of `put`. */
export interface ArmSpec {
  handle: SharedChanHandle;
  put?: unknown;
  /** Attach with the tagged test codec (object-codecs.ts) instead of the channel's own. */
  tagged?: boolean;
}

export interface SelectOpts {
  priority?: boolean;
  timeout?: number;
  default?: unknown;
}

export type SelectorTask =
  /** One selectSync; reports the value, the winning arm's index (-1: default) and the doorbell waits it made. */
  | { kind: 'select'; arms: ArmSpec[]; opts?: SelectOpts }
  | { kind: 'getSync'; arm: ArmSpec; timeout?: number }
  | { kind: 'putSync'; arm: ArmSpec; value: unknown; timeout?: number }
  | { kind: 'close'; arm: ArmSpec }
  /** Creates a channel here (before anything is attached: this thread's doorbell table is then its own); answers its handle. */
  | { kind: 'ownChannel' }
  /** `rounds` selects over the arms (all gets): how often each arm won. */
  | { kind: 'count'; arms: ArmSpec[]; rounds: number; priority?: boolean; deadlineMs: number }
  /** `rounds` selects over [put arm of the round's number, the other arms]: which won each round. */
  | { kind: 'putRounds'; arms: ArmSpec[]; rounds: number }
  /** selectSync over get arms until every channel is closed and drained: one stream per arm. */
  | { kind: 'consume'; arms: ArmSpec[]; deadlineMs: number; maxValues: number }
  /**
   * Sends seq 0..count-1 of producer `id`: 'roundRobin' puts seq k on channel k % n
   * (alternating putSync and a one-arm selectSync; 'putSync': putSync only, which works on
   * rendezvous channels too), 'any' selects over a put arm on every
   * channel (the value lands wherever there is room first).
   */
  | { kind: 'produce'; arms: ArmSpec[]; id: number; count: number; mode: 'roundRobin' | 'putSync' | 'any'; deadlineMs: number }
  /**
   * `rounds` times on each channel: a putSync then a getSync, a one-arm put select then a
   * one-arm get select (each completes at once: nobody waits anywhere). Answers the
   * Atomics.notify calls this thread made meanwhile.
   */
  | { kind: 'quiet'; arms: ArmSpec[]; rounds: number }
  /** Go's TestSelfSelect: `rounds` selects of a put arm and a get arm on one channel. */
  | { kind: 'selfSelect'; arm: ArmSpec; id: number; rounds: number; putFirst: boolean; deadlineMs: number };

export interface SelectResult {
  value: unknown;
  /** Index of the winning arm; -1 for the default. */
  index: number;
  /** The result of each Atomics.wait this thread made on a doorbell table during the call. */
  doorbellWaits: string[];
}

export interface StreamsResult {
  /** Per arm, what it received, in order (object messages as encode(p, s)). */
  streams: number[][];
  ended: 'closed' | 'deadline' | 'full';
  note: string;
}

export interface ProduceResult {
  sent: number;
  ended: 'done' | 'closed' | 'deadline';
  note: string;
}

export interface SelfSelectResult {
  /** Values this worker's put arms delivered into the channel. */
  sent: number[];
  /** Values its get arms received. */
  received: number[];
  ended: 'done' | 'deadline';
}

const port = parentPort!;

/** Results of Atomics.wait on doorbell tables while `recording` (told apart by the table's magic word). */
let recording: string[] | null = null;
const originalWait = Atomics.wait;
Atomics.wait = ((ta: Int32Array, index: number, value: number, timeout?: number) => {
  const r = originalWait(ta, index, value, timeout);
  if (recording !== null && ta[0] === DOORBELL_MAGIC) recording.push(r);
  return r;
}) as typeof Atomics.wait;

/** Atomics.notify calls this thread made on doorbell tables and on channel headers while counting. */
let notifies: { doorbell: number; channel: number } | null = null;
const originalNotify = Atomics.notify;
Atomics.notify = ((ta: Int32Array, index: number, count?: number) => {
  if (notifies !== null) {
    if (ta[0] === DOORBELL_MAGIC) notifies.doorbell++;
    else if (ta[0] === MAGIC) notifies.channel++;
  }
  return originalNotify(ta, index, count);
}) as typeof Atomics.notify;

function chanOf(arm: ArmSpec): SharedChan<any> {
  return arm.tagged === true ? attach<string>(arm.handle, { codec: taggedCodec('tagged') }) : attach<any>(arm.handle);
}

function isTimeout(e: unknown): boolean {
  return e instanceof Error && e.name === 'TimeoutError';
}

function armsOf(specs: ArmSpec[]): (SharedChan<any> | [SharedChan<any>, unknown])[] {
  return specs.map((a) => (Object.hasOwn(a, 'put') ? ([chanOf(a), a.put] as [SharedChan<any>, unknown]) : chanOf(a)));
}

function run(task: SelectorTask): unknown {
  switch (task.kind) {
    case 'select': {
      const arms = armsOf(task.arms);
      recording = [];
      try {
        const [value, ch] = selectSync(arms, task.opts);
        const index = ch === null ? -1 : arms.findIndex((a) => (Array.isArray(a) ? a[0] : a) === ch);
        if (ch !== null && index < 0) throw new Error('selectSync returned a channel that is not one of the arms');
        return { value, index, doorbellWaits: recording } satisfies SelectResult;
      } finally {
        recording = null;
      }
    }
    case 'getSync':
      return chanOf(task.arm).getSync(task.timeout === undefined ? undefined : { timeout: task.timeout });
    case 'putSync':
      return chanOf(task.arm).putSync(task.value, task.timeout === undefined ? undefined : { timeout: task.timeout });
    case 'close':
      chanOf(task.arm).close();
      return undefined;
    case 'ownChannel':
      // A thread uses the first doorbell table it meets: after this, its own, not the main
      // thread's (call it before this worker attaches anything).
      return sharedChan({ type: 'f64', capacity: 1 }).handle;
    case 'putRounds': {
      const [putArm, ...others] = armsOf(task.arms);
      const target = (putArm as [SharedChan<any>, unknown])[0];
      const viaR: number[] = [];
      const viaB: unknown[] = [];
      for (let i = 0; i < task.rounds; i++) {
        const [value, ch] = selectSync([[target, i], ...others], { timeout: 10_000 });
        if (ch === target) {
          if (value !== true) throw new Error(`round ${i}: the put arm completed with ${String(value)}`);
          viaR.push(i);
        } else {
          viaB.push(value);
        }
      }
      return { viaR, viaB };
    }
    case 'count': {
      const arms = armsOf(task.arms);
      const counts = arms.map(() => 0);
      const deadline = performance.now() + task.deadlineMs;
      for (let i = 0; i < task.rounds; i++) {
        const [, ch] = selectSync(arms, { priority: task.priority === true, timeout: Math.max(0, deadline - performance.now()) });
        counts[arms.indexOf(ch as never)]!++;
      }
      return counts;
    }
    case 'quiet': {
      const chans = task.arms.map(chanOf);
      notifies = { doorbell: 0, channel: 0 };
      try {
        for (let i = 0; i < task.rounds; i++) {
          for (const c of chans) {
            const v = valueFor(c, 1, i);
            if (!c.putSync(v, { timeout: 0 })) throw new Error('quiet: putSync on a closed channel');
            c.getSync({ timeout: 0 });
            selectSync([[c, v]], { timeout: 0 });
            selectSync([c], { timeout: 0 });
          }
        }
        return { ...notifies };
      } finally {
        notifies = null;
      }
    }
    case 'consume':
      return consume(task.arms, task.deadlineMs, task.maxValues);
    case 'produce':
      return produce(task.arms, task.id, task.count, task.mode, task.deadlineMs);
    case 'selfSelect':
      return selfSelect(task.arm, task.id, task.rounds, task.putFirst, task.deadlineMs);
  }
}

function consume(specs: ArmSpec[], deadlineMs: number, maxValues: number): StreamsResult {
  const chans = specs.map(chanOf);
  const streams: number[][] = chans.map(() => []);
  let open = chans.slice();
  let total = 0;
  const deadline = performance.now() + deadlineMs;
  while (open.length > 0) {
    if (total >= maxValues) return { streams, ended: 'full', note: `received ${total} values, more than expected` };
    let r: [unknown, SharedChan<any> | null];
    try {
      r = selectSync(open, { timeout: Math.max(0, deadline - performance.now()) });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      return { streams, ended: 'deadline', note: `deadline with ${open.length} channels still open after ${total} values` };
    }
    const [v, ch] = r;
    if (v === undefined) {
      open = open.filter((c) => c !== ch);
      continue;
    }
    streams[chans.indexOf(ch!)]!.push(numberOf(v));
    total++;
  }
  return { streams, ended: 'closed', note: '' };
}

function produce(specs: ArmSpec[], id: number, count: number, mode: 'roundRobin' | 'putSync' | 'any', deadlineMs: number): ProduceResult {
  const chans = specs.map(chanOf);
  const deadline = performance.now() + deadlineMs;
  for (let seq = 0; seq < count; seq++) {
    const timeout = Math.max(0, deadline - performance.now());
    let ok: boolean;
    try {
      if (mode === 'any') {
        ok = selectSync(chans.map((c) => [c, valueFor(c, id, seq)] as const), { timeout })[0] as boolean;
      } else {
        const c = chans[seq % chans.length]!;
        const v = valueFor(c, id, seq);
        // Alternate the two ways of putting: a plain putSync and a one-arm selectSync.
        ok = mode === 'putSync' || (seq >> 1) % 2 === 0 ? c.putSync(v, { timeout }) : (selectSync([[c, v]], { timeout })[0] as boolean);
      }
    } catch (e) {
      if (!isTimeout(e)) throw e;
      return { sent: seq, ended: 'deadline', note: `producer ${id}: seq ${seq} still blocked at the deadline` };
    }
    if (!ok) return { sent: seq, ended: 'closed', note: `producer ${id}: a channel was closed at seq ${seq}` };
  }
  return { sent: count, ended: 'done', note: '' };
}

function selfSelect(spec: ArmSpec, id: number, rounds: number, putFirst: boolean, deadlineMs: number): SelfSelectResult {
  const c = chanOf(spec);
  const sent: number[] = [];
  const received: number[] = [];
  const deadline = performance.now() + deadlineMs;
  for (let i = 0; i < rounds; i++) {
    const v = encode(id, i);
    const arms = putFirst ? [[c, v] as const, c] : [c, [c, v] as const];
    let r: [unknown, SharedChan<any> | null];
    try {
      r = selectSync(arms, { timeout: Math.max(0, deadline - performance.now()) });
    } catch (e) {
      if (!isTimeout(e)) throw e;
      return { sent, received, ended: 'deadline' };
    }
    // Which arm won: a put yields a boolean, a get a number.
    if (typeof r[0] === 'boolean') {
      if (r[0] !== true) throw new Error(`selfSelect: a put arm resolved ${String(r[0])} on an open channel`);
      sent.push(v);
    } else {
      received.push(r[0] as number);
    }
  }
  return { sent, received, ended: 'done' };
}

port.on('message', ({ id, task }: { id: number; task: SelectorTask }) => {
  Promise.resolve()
    .then(() => run(task))
    .then(
      (value) => port.postMessage({ id, ok: true, value }),
      (err: Error) => port.postMessage({ id, ok: false, name: err.name, message: err.message }),
    );
});
port.postMessage({ ready: true });
