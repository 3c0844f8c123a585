/**
 * What is measured: three workloads, every contender on the same one, plus the targets
 * that the select scenario is judged against.
 */
import type { Contender, ScenarioId, Transfer } from './adapters/adapter.js';
import { measurementOf, type RowResult } from './measure.js';

/** One table row: a contender's way of doing the scenario, or `—` when it has none. */
export interface Row {
  readonly label: string;
  readonly contender: Contender;
  /** `main`: the scenario as written; `plainGet`: sabchan's select-free reference row. */
  readonly variant: 'main' | 'plainGet';
  /** Creates the channels; absent when the contender cannot do the scenario. */
  readonly prepare: (() => Transfer) | undefined;
}

export interface Ratio {
  readonly value: number;
  /**
   * Relative margin of error in percent: the two rows' rme combined. Absent for ratios of
   * single measurements (the cross-thread latency percentiles), which have none.
   */
  readonly rme?: number;
}

export interface TargetResult {
  readonly description: string;
  /** Absent when a row it needs failed or was not run. */
  readonly ratio: Ratio | undefined;
  readonly goal: '<=' | '>=';
  readonly threshold: number;
}

export interface Scenario {
  readonly id: ScenarioId;
  readonly title: string;
  /** What one transferred value counts as in the throughput column. */
  readonly unit: 'pairs/s' | 'values/s';
  readonly valuesPerIteration: number;
  rows(contenders: readonly Contender[]): Row[];
  targets?(results: readonly RowResult[]): TargetResult[];
}

const CAPACITY = 64;
const BUFFERED_VALUES = 200_000;
const UNBUFFERED_VALUES = 50_000;
const SELECT_VALUES_PER_CHAN = 50_000;
const ONE_TO_ONE = '1 producer → 1 consumer, every put/get awaited';

const count = (n: number) => n.toLocaleString('en');

/** The rows every scenario has: each contender's own method, if it has one. */
function mainRows(
  contenders: readonly Contender[],
  prepareWith: (c: Contender) => (() => Transfer) | undefined,
): Row[] {
  return contenders.map((c) => ({
    label: c.name,
    contender: c,
    variant: 'main',
    prepare: prepareWith(c),
  }));
}

/** A thunk that prepares one transfer, or `undefined` when the contender lacks the method. */
function preparer<A extends unknown[]>(method: ((...args: A) => Transfer) | undefined, ...args: A) {
  return method && (() => method(...args));
}

const buffered: Scenario = {
  id: 'buffered',
  title: `buffered: capacity ${CAPACITY}, ${count(BUFFERED_VALUES)} values, ${ONE_TO_ONE}`,
  unit: 'pairs/s',
  valuesPerIteration: BUFFERED_VALUES,
  rows: (contenders) =>
    mainRows(contenders, (c) => preparer(c.buffered, BUFFERED_VALUES, CAPACITY)),
  targets: (results) => [versusFastestPeer(results, 'sabchan', 1.5)],
};

const unbuffered: Scenario = {
  id: 'unbuffered',
  title: `unbuffered (rendezvous): ${count(UNBUFFERED_VALUES)} values, ${ONE_TO_ONE}`,
  unit: 'pairs/s',
  valuesPerIteration: UNBUFFERED_VALUES,
  rows: (contenders) =>
    mainRows(contenders, (c) => preparer(c.unbuffered, UNBUFFERED_VALUES)),
  // @thi.ng/csp has no rendezvous and runs with capacity 1 (footnoted), so the target is
  // also shown against the fastest peer that has a true rendezvous channel.
  targets: (results) => [
    versusFastestPeer(results, 'sabchan', 2),
    versusFastestPeer(results, 'sabchan', 2, { rendezvousOnly: true }),
  ],
};

const select: Scenario = {
  id: 'select',
  title:
    `select over 4 channels (capacity ${CAPACITY}): 4 producers × ` +
    `${count(SELECT_VALUES_PER_CHAN)} values, 1 consumer selecting until it has them all`,
  unit: 'values/s',
  valuesPerIteration: 4 * SELECT_VALUES_PER_CHAN,
  rows: (contenders) => [
    ...mainRows(contenders, (c) => preparer(c.select4, SELECT_VALUES_PER_CHAN, CAPACITY)),
    // Only contenders that offer the select-free reference row get one (sabchan).
    ...contenders.flatMap<Row>((c) => {
      const prepare = preparer(c.plainGet4, SELECT_VALUES_PER_CHAN, CAPACITY);
      if (!prepare) return [];
      const label = `${c.name} plain get (1 chan, 4 producers)`;
      return [{ label, contender: c, variant: 'plainGet', prepare }];
    }),
  ],
  targets(results) {
    const sabchanSelect = find(results, 'sabchan', 'main');
    const sabchanPlain = find(results, 'sabchan', 'plainGet');
    return [
      {
        // Cost per value is 1/throughput, so select cost ÷ plain cost = plain ops ÷ select ops.
        description: 'sabchan select cost ÷ sabchan plain-get cost',
        ratio: ratioOf(sabchanPlain, sabchanSelect),
        goal: '<=',
        threshold: 1.5,
      },
      versusFastestPeer(results, 'sabchan', 2),
    ];
  },
};

export const SCENARIOS: readonly Scenario[] = [buffered, unbuffered, select];

/** `ours` ÷ the fastest library in the same table (baselines written here do not count). */
function versusFastestPeer(
  results: readonly RowResult[],
  ours: string,
  threshold: number,
  { rendezvousOnly = false } = {},
): TargetResult {
  const throughput = (r: RowResult) => measurementOf(r)?.opsPerSec ?? 0;
  const fastestPeer = results
    .filter((r) => r.contender !== ours && !r.baseline && r.variant === 'main' && measurementOf(r))
    .filter((r) => !rendezvousOnly || !r.substitute)
    .sort((a, b) => throughput(b) - throughput(a))[0];
  const which = rendezvousOnly ? 'fastest peer with a true rendezvous' : 'fastest peer';
  return {
    description: `${ours} ÷ ${which} (${fastestPeer?.label ?? 'none'})`,
    ratio: ratioOf(find(results, ours, 'main'), fastestPeer),
    goal: '>=',
    threshold,
  };
}

function find(results: readonly RowResult[], contender: string, variant: Row['variant']) {
  return results.find((r) => r.contender === contender && r.variant === variant);
}

/** Throughput ratio a ÷ b, with the rme of a quotient (relative errors add in quadrature). */
export function ratioOf(
  a: Pick<RowResult, 'outcome'> | undefined,
  b: Pick<RowResult, 'outcome'> | undefined,
): Ratio | undefined {
  const ma = measurementOf(a);
  const mb = measurementOf(b);
  if (!ma || !mb) return undefined;
  return { value: ma.opsPerSec / mb.opsPerSec, rme: Math.hypot(ma.rme, mb.rme) };
}
