/**
 * Why a stage's output channel closed, when it closed because the stage failed.
 *
 * A failing stage (a combinator in ops/, a worker pool in shared/pool/) records the error on
 * its OUTPUT channel, then closes it; async iteration of that channel throws the error once it
 * has yielded every value delivered before the close. A WeakMap keyed by the channel object,
 * so channels need no extra field and a collected channel takes its error with it.
 * The first error recorded wins: the root cause, not the failures it caused downstream.
 */

const failures = new WeakMap<object, { readonly err: unknown }>();

/** Records `err` as the reason `ch` is closing (ignored if a failure is already recorded). */
export function recordFailure(ch: object, err: unknown): void {
  if (!failures.has(ch)) failures.set(ch, { err });
}

/** The error recorded on `ch`, or `undefined` if it did not fail. */
export function failureOf(ch: object): unknown | undefined {
  return failures.get(ch)?.err;
}
