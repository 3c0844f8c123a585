/**
 * Exactly once through selects: 2 producer workers each send N values over 3 shared channels
 * (numbers and JSON messages mixed), 2 consumer workers each loop `selectSync` over all 3
 * until every one is closed and drained. Checked: the total, no duplicates, nothing lost,
 * each producer's values in order within every consumer's stream of every channel, and (for
 * round-robin producers) each value on the channel it was sent to.
 *
 * Producers: 'roundRobin' puts seq k on channel k % 3, alternating putSync and a one-arm
 * selectSync; 'putSync' the same with putSync only (rendezvous channels); 'any' selects over
 * a put arm on every channel. The main thread closes the channels once both producers are
 * done. Every task has a deadline and reports how it ended, so a hang fails with a message.
 */
import { describe, expect, test } from 'vitest';
import { sharedChan, type SharedChan } from '../../src/index.js';
import { decode } from './workers/protocol.js';
import { allAccepted, checkDelivery, total, within, type Stream } from './workers/pool.js';
import { get, selectState, useSelectors } from './workers/selector-client.js';

const DEADLINE_MS = 7_000;
const BOUND_MS = 9_000;
const selectors = useSelectors(4, 'select-stress');

interface Run {
  chans: () => SharedChan<any>[];
  perProducer: number;
  mode: 'roundRobin' | 'putSync' | 'any';
}

async function stress({ chans: make, perProducer, mode }: Run): Promise<void> {
  const chans = make();
  const [p1, p2, c1, c2] = selectors();
  const consumers = [c1!, c2!].map((c) => c.run({ kind: 'consume', arms: chans.map(get), deadlineMs: DEADLINE_MS, maxValues: 2 * perProducer + 1 }));
  let produced;
  try {
    produced = await within(
      Promise.all([p1!, p2!].map((p, i) => p.run({ kind: 'produce', arms: chans.map(get), id: i + 1, count: perProducer, mode, deadlineMs: DEADLINE_MS }))),
      BOUND_MS,
      'the producers',
    );
  } finally {
    for (const c of chans) c.close(); // lets the consumers end (drained) even when something failed
  }
  const results = await within(Promise.all(consumers), BOUND_MS, 'the consumers');
  const problems: string[] = [];
  for (const p of produced) if (p.ended !== 'done' || p.sent !== perProducer) problems.push(`producer ended '${p.ended}' after ${p.sent}: ${p.note}`);
  for (const [i, r] of results.entries()) if (r.ended !== 'closed') problems.push(`consumer ${i} ended '${r.ended}': ${r.note}`);
  const streams: Stream[] = results.flatMap((r, i) => r.streams.map((values, k) => ({ name: `consumer ${i} channel ${k}`, values })));
  problems.push(...checkDelivery(allAccepted(perProducer), streams));
  if (mode !== 'any') {
    for (const r of results) {
      r.streams.forEach((values, k) => {
        const stray = values.find((v) => decode(v).seq % 3 !== k);
        if (stray !== undefined) problems.push(`channel ${k} delivered seq ${decode(stray).seq} of producer ${decode(stray).id}, sent to channel ${decode(stray).seq % 3}`);
      });
    }
  }
  expect(problems).toEqual([]);
  expect(total(streams)).toBe(2 * perProducer);
  for (const c of chans) {
    expect(c.length).toBe(0);
    expect([selectState(c).rxMask, selectState(c).txMask], 'every select released its slot bits').toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  }
}

const f64 = (capacity: number): SharedChan => sharedChan({ type: 'f64', capacity });
const json = (capacity: number, bytes?: number): SharedChan<any> => sharedChan<any>(bytes === undefined ? { capacity } : { capacity, bytes });

describe('selectSync stress: 2 producers, 2 consumers selecting over 3 channels', () => {
  test('round-robin over f64 (capacity 4), json (3) and f64 (1): 2 x 20,000 values exactly once, in order', async () => {
    await stress({ chans: () => [f64(4), json(3), f64(1)], perProducer: 20_000, mode: 'roundRobin' });
  }, 20_000);

  test('producers select over a put arm on each channel (values land wherever there is room): 2 x 20,000', async () => {
    await stress({ chans: () => [json(2), f64(1), json(1, 256)], perProducer: 20_000, mode: 'any' });
  }, 20_000);

  test('json channels whose byte rings fill before their message counts (bytes 128 and 256, capacity 8): 2 x 10,000 through selects over put arms', async () => {
    await stress({ chans: () => [json(8, 256), json(8, 128), f64(1)], perProducer: 10_000, mode: 'any' });
  }, 20_000);

  test('rendezvous and buffered mixed (capacity 0, json 2, capacity 0), putSync producers: 2 x 4,000', async () => {
    await stress({ chans: () => [f64(0), json(2), json(0)], perProducer: 4_000, mode: 'putSync' });
  }, 20_000);
});
