/**
 * A one-shot wake-up between the two loops of a pipeline (in-thread, no value): `wait()`
 * until the next `fire()`. A pending wait holds nothing: it never keeps a process alive.
 */
export class Signal {
  private promise: Promise<void> | null = null;
  private resolve: (() => void) | null = null;

  wait(): Promise<void> {
    return (this.promise ??= new Promise<void>((r) => (this.resolve = r)));
  }

  fire(): void {
    const resolve = this.resolve;
    this.promise = null;
    this.resolve = null;
    resolve?.();
  }
}
