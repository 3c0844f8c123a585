/**
 * How a parked operation's promise is fulfilled once a port committed it.
 *
 * When the port says `late` (a buffered channel: the party that completed the waiter can
 * make progress at once), the promise is fulfilled from a queued microtask rather than now.
 * The port has already committed the waiter synchronously (the value is already its,
 * protocol P1); only the promise settles one microtask later, so the completing party runs
 * its next step first. Without this, a consumer parked on an empty buffered channel resumes
 * before the producer, finds the buffer empty again and parks again: both sides alternate
 * park/hand-off forever (lockstep), paying a waiter and a pending promise per value. With it,
 * the producer runs one step ahead and both sides settle into the synchronous fast path
 * (bench/: an awaited buffered pair went from ~92 to ~72 ns, the cost of two awaits). The
 * same holds for a producer parked on a full buffer.
 *
 * A rendezvous is the opposite case: the completing party has nothing to run ahead into,
 * and a late fulfilment would only add ticks, so the port passes `late = false` there.
 *
 * Only fulfilment is ever deferred; rejections (abort, pending limit) are immediate, and no
 * ordering guarantee changes: values still go to waiters in FIFO order.
 */
export function fulfil<T>(resolve: (value: T) => void, value: T, late: boolean): void {
  // One microtask per fulfilment: batching them into one microtask was measured slower in
  // the select benchmark (it bunches the producers' continuations together).
  if (late) queueMicrotask(() => resolve(value));
  else resolve(value);
}
