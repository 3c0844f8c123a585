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
