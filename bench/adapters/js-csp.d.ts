/**
 * Minimal typings for js-csp 1.0.1 (it ships none): only what the benchmark uses.
 * The package is CommonJS; its default import is the whole API object.
 * (The adapter is `jscsp.ts`: a `js-csp.ts` beside this file would make tsc skip it.)
 */
declare module 'js-csp' {
  /** Opaque channel handle; the private member makes the type nominal. */
  export class Channel {
    private readonly opaque: unknown;
  }

  /** Opaque operation that a go block yields to the scheduler. */
  export interface Instruction {
    readonly kind: 'js-csp instruction';
  }

  /** What `yield alts(...)` resumes with. */
  export interface AltsResult<T> {
    value: T | null;
    channel: Channel;
  }

  interface JsCsp {
    /** `chan()` or `chan(0)`: unbuffered; `chan(n)`: fixed buffer of n. */
    chan(size?: number): Channel;
    /** Runs a generator as a process; the returned channel receives its return value. */
    go<R>(body: () => Generator<Instruction, R, never>): Channel;
    /** `value` must not be null: null is js-csp's closed marker. */
    put(ch: Channel, value: unknown): Instruction;
    take(ch: Channel): Instruction;
    alts(ops: readonly Channel[]): Instruction;
    takeAsync(ch: Channel, callback: (value: unknown) => void): void;
  }

  const csp: JsCsp;
  export default csp;
}
