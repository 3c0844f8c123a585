/**
 * `timeout(ms)`: a fresh channel that closes once `ms` milliseconds have passed.
 *
 * Each call makes a new channel (aiochan, Go); core.async's sharing of timeouts within 10 ms
 * is not copied, since it makes "no earlier than ms" false. The timer keeps the process alive
 * until it fires, like any setTimeout: a program awaiting only a timeout must not exit early.
 */
import { describe } from '../errors.js';
import type { Chan } from '../protocol.js';
import { chan } from './chan.js';

/** setTimeout's largest delay; longer waits are made of several steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * @returns a channel that closes (gets resolve `undefined`) no earlier than `ms` after now.
 * @throws {TypeError} if `ms` is not a number.
 * @throws {RangeError} if `ms` is negative, NaN or infinite.
 * @example
 * const [v, c] = await select([replies, timeout(100)]);
 * if (c !== replies) console.log('no reply within 100 ms');
 */
export function timeout(ms: number): Chan<never> {
  if (typeof ms !== 'number') throw new TypeError(`timeout: ms must be a number, got ${describe(ms)}`);
  if (!(ms >= 0) || ms === Infinity) {
    throw new RangeError(`timeout: ms must be a finite number >= 0, got ${ms}`);
  }
  const c = chan<never>();
  const deadline = performance.now() + ms;
  // Timers may fire a fraction of a millisecond early; re-arm until the deadline has passed,
  // so that "no earlier than ms" holds exactly.
  const fire = (): void => {
    const left = deadline - performance.now();
    if (left > 0) setTimeout(fire, Math.min(Math.ceil(left), MAX_TIMER_MS));
    else c.close();
  };
  setTimeout(fire, Math.min(Math.ceil(ms), MAX_TIMER_MS));
  return c;
}
