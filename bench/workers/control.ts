/**
 * The command protocol between the main thread and a producer worker of the throughput
 * scenarios, over a small SharedArrayBuffer: the worker starts once per task and then
 * produces one iteration per RUN command, so thread start-up never lands in a timed region.
 *
 * Commands travel through shared memory, not postMessage, because the worker spends its life
 * blocked (in Atomics.wait or a busy loop) and would not see a message; the main thread only
 * ever stores and notifies, so it never blocks on this protocol.
 */
import { parentPort } from 'node:worker_threads';

/** Int32 word indices of the control buffer. */
export const SEQ = 0; // bumped by the main thread with every command
export const CMD = 1; // RUN or STOP, written before SEQ is bumped
export const ACK = 2; // bumped by the main thread once it has received a whole iteration
export const GAVE_UP = 3; // set by the worker when an iteration threw or stalled
export const CONTROL_WORDS = 4;

export const RUN = 1;
export const STOP = 2;

/** The message a worker posts once it is set up and about to wait for its first command. */
export const READY = 'ready';
/** Posted before `release` runs on a stall, so the main thread can say why its values stopped coming. */
export const STALLED = 'stalled';

/**
 * How long a producer waits for the main thread to acknowledge an iteration before it
 * declares a stall. Equal to the in-thread suite's stall timeout.
 */
export const ACK_TIMEOUT_MS = 15_000;

export function signalReady(): void {
  parentPort!.postMessage(READY);
}

/**
 * Runs `iteration` once per RUN command until STOP. After each iteration it waits for the
 * main thread's ACK; if none comes within ACK_TIMEOUT_MS, the main thread is stuck waiting
 * for values that never arrive (lost values, a lost wake-up) and cannot help itself when it
 * is blocked in a sync call, so `release` gets to unblock it (by closing the channel). An
 * iteration that throws also calls `release` first: the error event cannot reach a main
 * thread that is blocked.
 */
export function serveIterations(ctl: Int32Array, iteration: () => void, release: () => void): void {
  let seq = 0;
  let acked = 0;
  for (;;) {
    // Returns at once when the main thread already bumped SEQ while we were busy.
    while (Atomics.load(ctl, SEQ) === seq) Atomics.wait(ctl, SEQ, seq);
    seq = Atomics.load(ctl, SEQ);
    if (Atomics.load(ctl, CMD) === STOP) return;
    try {
      iteration();
    } catch (err) {
      Atomics.store(ctl, GAVE_UP, 1);
      release();
      throw err;
    }
    acked++;
    if (!awaitAck(ctl, acked)) {
      if (Atomics.load(ctl, CMD) !== STOP) {
        Atomics.store(ctl, GAVE_UP, 1);
        parentPort!.postMessage(STALLED);
        release();
      }
      return;
    }
  }
}

/** True once ACK reaches `expected`; false on STOP or after ACK_TIMEOUT_MS. */
function awaitAck(ctl: Int32Array, expected: number): boolean {
  const deadline = performance.now() + ACK_TIMEOUT_MS;
  for (;;) {
    const ack = Atomics.load(ctl, ACK);
    if (ack >= expected) return true;
    if (Atomics.load(ctl, CMD) === STOP) return false;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctl, ACK, ack, left);
  }
}
