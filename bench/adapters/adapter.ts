/**
 * The one interface every contender implements, plus the check that keeps them honest.
 *
 * Each scenario method *prepares* a workload (creates the channels) and returns a Transfer;
 * the runner prepares outside the timed region and times only the Transfer. A contender that
 * cannot do a scenario leaves the method out, and the report prints `—` for it.
 */

/** Runs one prepared transfer; resolves once every value arrived and was verified. */
export type Transfer = () => Promise<void>;

export type ScenarioId = 'buffered' | 'unbuffered' | 'select';

export interface Contender {
  readonly name: string;
  /** How this contender deviates from the scenario as written, printed as a footnote. */
  readonly notes?: Partial<Record<ScenarioId, string>>;
  /** A baseline written here, not a library: never counted as "the fastest peer". */
  readonly baseline?: boolean;
  // Function-valued properties, not methods: the runner calls them detached from the object.
  /** 1 producer → 1 consumer over a channel of `capacity`, values 0..n-1, every op awaited. */
  readonly buffered?: (n: number, capacity: number) => Transfer;
  /** As `buffered`, over a rendezvous channel (or the closest thing the contender has). */
  readonly unbuffered?: (n: number) => Transfer;
  /** 4 producers, each into its own channel; 1 consumer selects over all 4. */
  readonly select4?: (nPerChan: number, capacity: number) => Transfer;
  /** The select4 workload without select: 4 producers into one channel, plain gets. */
  readonly plainGet4?: (nPerChan: number, capacity: number) => Transfer;
}

/**
 * Producer indices of the 4-producer workloads. Producer k sends k·n … (k+1)·n-1, so
 * together they cover 0..4n-1 exactly once, as `verifyTally` expects.
 */
export const FOUR_PRODUCERS = [0, 1, 2, 3] as const;

/** What a consumer saw: a lossy or duplicating channel changes the count or the sum. */
export interface Tally {
  count: number;
  sum: number;
}

/**
 * Throws unless the consumer received exactly `n` values summing to 0 + 1 + … + (n-1).
 * Producers therefore send disjoint ranges that together cover 0..n-1 once.
 */
export function verifyTally(contender: string, tally: Tally, n: number): void {
  const expectedSum = (n * (n - 1)) / 2; // exact in a double for n well beyond 10^7
  if (tally.count !== n || tally.sum !== expectedSum) {
    throw new Error(
      `${contender}: received ${tally.count} values summing to ${tally.sum}, ` +
        `expected ${n} values summing to ${expectedSum}`,
    );
  }
}

/**
 * Awaits the consumer and all producers together (so a failure on either side surfaces
 * instead of leaving an unhandled rejection) and then verifies what the consumer received.
 */
export async function finishTransfer(
  contender: string,
  n: number,
  consumer: Promise<Tally>,
  producers: Promise<unknown>[],
): Promise<void> {
  const [tally] = await Promise.all([consumer, Promise.all(producers)]);
  verifyTally(contender, tally, n);
}
