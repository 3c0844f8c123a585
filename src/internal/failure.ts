/**
 * Pipeline failures: which channel was closed because the stage feeding it failed, and why.
 *
 * A channel's own semantics never change: a get on a failed channel still resolves
 * `undefined` once it is closed and drained. The error rides beside the channel, keyed by
 * the channel object, so that async iteration, `collect` and `onto` can report it, and so
 * that a stage reading a failed channel can pass the same error on to its own output.
 *
 * Invariants:
 *   F1  the first error recorded on a channel wins; later ones are ignored (the first is the
 *       cause, the rest are consequences).
 *   F2  a recorded failure is never cleared; the WeakMap lets it go with the channel.
 */

/** channel object -> the error that failed the stage writing into it. */
const failures = new WeakMap<object, unknown>();

/**
 * Records `err` as the reason `ch` is (about to be) closed early (F1: first wins).
 * An `undefined` reason (`throw undefined`) is wrapped, so that `failureOf` can report it.
 */
export function recordFailure(ch: object, err: unknown): void {
  if (failures.has(ch)) return;
  failures.set(
    ch,
    err === undefined ? new Error('sabchan: a pipeline stage threw or rejected with undefined') : err,
  );
}

/** The error recorded on `ch`, or `undefined` if the stage writing into it did not fail. */
export function failureOf(ch: object): unknown {
  return failures.get(ch);
}
