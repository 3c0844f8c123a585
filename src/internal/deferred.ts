/**
 * Promise plumbing for parked operations, without allocating a closure per operation.
 *
 * `new Promise(executor)` normally takes a fresh arrow function that captures the operation;
 * here one shared executor stores the resolving functions on the operation named in
 * `target`, which is set just before and read synchronously inside the constructor.
 */

/** What a parked operation keeps so that a port can settle it later. */
export interface Settleable<T> {
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

let target: Settleable<any> | null = null;

function executor(resolve: (value: any) => void, reject: (reason: unknown) => void): void {
  target!.resolve = resolve;
  target!.reject = reject;
}

/** A new pending promise whose resolve/reject are stored on `op`. */
export function promiseFor<T>(op: Settleable<T>): Promise<T> {
  target = op;
  const promise = new Promise<T>(executor);
  target = null;
  return promise;
}

/**
 * Fulfilments deferred to a microtask (see select/settle.ts), as [resolve, value] pairs,
 * flushed in order by one microtask for the whole batch.
 */
const late: unknown[] = [];

function flushLate(): void {
  // Resolving only queues reactions, so nothing is appended while this runs; the index loop
  // would still take it if it were.
  for (let i = 0; i < late.length; i += 2) (late[i] as (v: unknown) => void)(late[i + 1]);
  late.length = 0;
}

/** Calls `resolve(value)` from a microtask queued now (shared with other late fulfilments). */
export function resolveLate<T>(resolve: (value: T) => void, value: T): void {
  if (late.length === 0) queueMicrotask(flushLate);
  late.push(resolve, value);
}
