/**
 * Many JSON messages of varying sizes (1 byte to ~2 KB), several threads, one object channel
 * whose byte ring is small (4-16 KiB), so that payloads wrap the end of the ring all the time
 * and puts wait for bytes as well as for message permits:
 *   - 'block': every message arrives exactly once (count and per-message id set), each
 *     producer's messages in order in every consumer's stream, every message intact (the
 *     consumer checks its content against what its producer sends for that id);
 *   - 'sliding' / 'dropping': what arrives is, per producer, a subsequence of what it sent
 *     (in order, no duplicates, nothing it did not send), every message intact.
 * Producers (2 worker agents) mix putSync and offer loops, consumers (2 worker agents) getSync
 * and poll, both with seeded pauses so that either side blocks. Every task gives up at a
 * deadline and reports, so a hang fails with a message. Replay with SABCHAN_SEED=<n>.
 */
import { describe, expect, it } from 'vitest';
import { sharedChan, type Policy, type SharedChan } from '../../src/index.js';
import type { ObjectConsumeResult, ObjectProduceResult, ObjectTask } from './workers/object-agent.js';
import { check as checkMessage } from './workers/object-messages.js';
import { allAccepted, checkDelivery, expectNoProblems, total, within, type Stream } from './workers/pool.js';
import { decode, encode } from './workers/protocol.js';
import { TaskWorker, useWorkers } from './workers/task-worker.js';

const BASE_SEED = Number(process.env.SABCHAN_SEED ?? Date.now() % 1_000_000);
const DEADLINE_MS = 8_000;
const BOUND_MS = 11_000;

/** One worker running ./workers/object-agent.ts, one task at a time. */
class ObjectAgent extends TaskWorker<ObjectTask> {
  constructor(name: string) {
    super(name, new URL('./workers/object-agent.ts', import.meta.url));
  }

  override run(task: Extract<ObjectTask, { kind: 'produce' }>): Promise<ObjectProduceResult>;
  override run(task: Extract<ObjectTask, { kind: 'consume' }>): Promise<ObjectConsumeResult>;
  override run(task: ObjectTask): Promise<unknown> {
    return super.run(task);
  }
}

const getAgents = useWorkers(async () => {
  const agents = Array.from({ length: 4 }, (_, i) => new ObjectAgent(`object agent ${i}`));
  await within(Promise.all(agents.map((a) => a.ready)), 20_000, 'starting the object agents');
  return agents;
});

interface Run {
  capacity: number;
  bytes: number;
  perProducer: number;
  policy: Policy;
  seed: number;
  /** Consumer 0 closes the channel after receiving this many messages. */
  closeAfter?: number;
  /** The main thread is the second consumer (await ch.get(), the Promise facade). */
  mainConsumer?: boolean;
}

/** The main thread's consumer: await get() until closed and drained, checking every message. */
async function mainConsume(ch: SharedChan<unknown>, maxValues: number): Promise<ObjectConsumeResult> {
  const out = new Float64Array(maxValues);
  const notes: string[] = [];
  let corrupt = 0;
  let n = 0;
  const deadline = performance.now() + DEADLINE_MS;
  for (;;) {
    if (performance.now() > deadline) return { values: out.subarray(0, n), ended: 'deadline', corrupt, notes: [...notes, `main: deadline after ${n}`] };
    const m = await ch.get();
    if (m === undefined) return { values: out.subarray(0, n), ended: 'closed', corrupt, notes };
    const r = checkMessage(m);
    if (typeof r === 'string') {
      corrupt++;
      if (notes.length < 5) notes.push(r);
    } else if (n < maxValues) {
      out[n++] = encode(r.id, r.seq);
    }
  }
}

async function stress(run: Run): Promise<{ streams: Stream[]; producers: ObjectProduceResult[]; context: string }> {
  const { capacity, bytes, perProducer, policy, seed } = run;
  const ch = sharedChan({ capacity, bytes, policy });
  const context = `seed ${seed} (SABCHAN_SEED=${BASE_SEED}), ${policy}, capacity ${capacity}, bytes ${bytes}, ${2 * perProducer} messages`;
  const [p0, p1, c0, c1] = getAgents();
  const consumed = (run.mainConsumer === true ? [c0!] : [c0!, c1!]).map((a, i) =>
    a.run({
      kind: 'consume',
      handle: ch.handle,
      seed: seed + 10 + i,
      maxValues: 2 * perProducer + 1,
      pauseChance: 0.002,
      pauseMaxMs: 2,
      pollShare: 0.3,
      ...(i === 0 && run.closeAfter !== undefined ? { closeAfter: run.closeAfter } : {}),
      deadlineMs: DEADLINE_MS,
    }),
  );
  const produced = [p0!, p1!].map((a, i) =>
    a.run({
      kind: 'produce',
      handle: ch.handle,
      id: i + 1,
      count: perProducer,
      seed: seed + i,
      pauseChance: 0.002,
      pauseMaxMs: 2,
      // offer loops spin on a full channel; a rendezvous offer succeeds only with a taker
      // parked in the same thread, so never there.
      offerShare: policy === 'block' && capacity > 0 ? 0.2 : 0,
      deadlineMs: DEADLINE_MS,
    }),
  );
  if (run.mainConsumer === true) consumed.push(mainConsume(ch, 2 * perProducer + 1));
  let producers: ObjectProduceResult[];
  try {
    producers = await within(Promise.all(produced), BOUND_MS, `producers (${context})`);
  } finally {
    ch.close(); // lets the consumers finish (drained) even when something failed
  }
  const results = await within(Promise.all(consumed), BOUND_MS, `consumers (${context})`);
  const problems: string[] = [];
  for (const [i, p] of producers.entries()) {
    if (run.closeAfter !== undefined) {
      if (p.ended === 'deadline') problems.push(`producer ${i + 1} ended at the deadline after ${p.sent} ${p.note}`);
    } else if (p.ended !== 'done' || p.sent !== perProducer) problems.push(`producer ${i + 1} ended '${p.ended}' after ${p.sent} of ${perProducer} ${p.note}`);
  }
  for (const [i, r] of results.entries()) {
    if (r.ended !== 'closed') problems.push(`consumer ${i} ended '${r.ended}', not on closed-and-drained ${r.notes.join('; ')}`);
    if (r.corrupt > 0) problems.push(`consumer ${i}: ${r.corrupt} corrupt messages: ${r.notes.join('; ')}`);
  }
  expectNoProblems(problems, context);
  if (process.env.SABCHAN_STATS !== undefined) console.log(`${context}: received ${results.map((r) => r.values.length).join(' + ')}`);
  return { streams: results.map((r, i) => ({ name: `consumer ${i}`, values: r.values })), producers, context };
}

describe('object channel stress: 2 producers, 2 consumers, JSON messages of 1 B to 2 KB', () => {
  it('block, capacity 64, a 16 KiB ring: 24k messages exactly once, in order per producer, intact', async () => {
    const perProducer = 12_000;
    const { streams, context } = await stress({ capacity: 64, bytes: 16_384, perProducer, policy: 'block', seed: BASE_SEED });
    expectNoProblems(checkDelivery(allAccepted(perProducer), streams), context);
    expect(total(streams), context).toBe(2 * perProducer);
  }, 30_000);

  it('block, capacity 5, a 4 KiB ring (two large messages fill it): 8k messages exactly once, in order, intact', async () => {
    const perProducer = 4_000;
    const { streams, context } = await stress({ capacity: 5, bytes: 4096, perProducer, policy: 'block', seed: BASE_SEED + 100 });
    expectNoProblems(checkDelivery(allAccepted(perProducer), streams), context);
    expect(total(streams), context).toBe(2 * perProducer);
  }, 30_000);

  it('rendezvous (capacity 0): 2k messages exactly once, in order, intact', async () => {
    const perProducer = 1_000;
    const { streams, context } = await stress({ capacity: 0, bytes: 4096, perProducer, policy: 'block', seed: BASE_SEED + 200 });
    expectNoProblems(checkDelivery(allAccepted(perProducer), streams), context);
    expect(total(streams), context).toBe(2 * perProducer);
  }, 30_000);

  for (const policy of ['sliding', 'dropping'] as const) {
    it(`${policy}, capacity 8, a 4 KiB ring: what arrives is a subsequence per producer, no duplicates, intact`, async () => {
      const perProducer = 5_000;
      const { streams, context } = await stress({ capacity: 8, bytes: 4096, perProducer, policy, seed: BASE_SEED + (policy === 'sliding' ? 300 : 400) });
      const problems: string[] = [];
      const seen = new Set<number>();
      let received = 0;
      for (const s of streams) {
        const last = new Map<number, number>();
        for (let i = 0; i < s.values.length; i++) {
          const v = s.values[i]!;
          const { id, seq } = decode(v);
          received++;
          if ((id !== 1 && id !== 2) || seq >= perProducer) problems.push(`${s.name}[${i}]: id ${id} seq ${seq} was never sent`);
          if (seen.has(v)) problems.push(`${s.name}[${i}]: producer ${id} seq ${seq} received twice`);
          seen.add(v);
          const prev = last.get(id);
          if (prev !== undefined && seq <= prev) problems.push(`${s.name}[${i}]: producer ${id} seq ${seq} after seq ${prev} (out of order)`);
          last.set(id, seq);
          if (problems.length > 20) break;
        }
      }
      expectNoProblems(problems, context);
      // Something got through, and never more than was sent.
      expect(received, context).toBeGreaterThan(0);
      expect(received, context).toBeLessThanOrEqual(2 * perProducer);
    }, 30_000);
  }

  it('block, capacity 16, a 4 KiB ring, closed by a consumer mid-stream: every accepted message exactly once, nothing else', async () => {
    const perProducer = 20_000;
    const { streams, producers, context } = await stress({ capacity: 16, bytes: 4096, perProducer, policy: 'block', seed: BASE_SEED + 500, closeAfter: 3_000 });
    // Accepted = the puts that returned true (seq 0..sent-1): each arrives exactly once, in
    // order; nothing a producer was refused (false after the close) arrives.
    const accepted = new Map(producers.map((p, i) => [i + 1, p.sent]));
    const problems = checkDelivery(accepted, streams);
    expectNoProblems(problems, `${context}, accepted ${[...accepted.values()].join(' + ')}`);
    expect(producers.some((p) => p.ended === 'closed'), `${context}: the close stopped a producer`).toBe(true);
    expect(total(streams)).toBe(producers[0]!.sent + producers[1]!.sent);
  }, 30_000);

  it('block, capacity 8, a 4 KiB ring, the main thread one of the consumers (await get): exactly once, in order, intact', async () => {
    const perProducer = 4_000;
    const { streams, context } = await stress({ capacity: 8, bytes: 4096, perProducer, policy: 'block', seed: BASE_SEED + 600, mainConsumer: true });
    expectNoProblems(checkDelivery(allAccepted(perProducer), streams), context);
    expect(total(streams), context).toBe(2 * perProducer);
  }, 30_000);
});
