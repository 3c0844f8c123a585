/**
 * The Promise facade of every channel flavor: `put`, `get`, `offer` and `poll` written once
 * on the port protocol, so both flavors behave the same by construction. `put` and `get` are
 * one-arm selects: pass 1 (`tryPut`/`tryGet`), then, if not ready, a parked one-arm waiter
 * (./single.ts).
 */
import { signalOf } from '../errors.js';
import { NOT_READY, type Port, type WaitOptions } from '../protocol.js';
import { parkGet, parkPut } from './single.js';

/** Shared settled promises: the put fast path allocates nothing. */
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

export function put<T>(port: Port<T>, value: T, opts: WaitOptions | undefined): Promise<boolean> {
  port.checkPut(value, 'put');
  const signal = opts === undefined ? undefined : signalOf('put', opts);
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  const r = port.tryPut(value);
  if (r === true) return RESOLVED_TRUE;
  if (r === false) return RESOLVED_FALSE;
  return parkPut(port, value, signal);
}

export function get<T>(port: Port<T>, opts: WaitOptions | undefined): Promise<T | undefined> {
  const signal = opts === undefined ? undefined : signalOf('get', opts);
  if (signal !== undefined && signal.aborted) return Promise.reject(signal.reason);
  const r = port.tryGet();
  if (r !== NOT_READY) return Promise.resolve(r);
  return parkGet(port, signal);
}

export function offer<T>(port: Port<T>, value: T): boolean {
  port.checkPut(value, 'offer');
  return port.tryPut(value) === true;
}

export function poll<T>(port: Port<T>): T | undefined {
  const r = port.tryGet();
  return r === NOT_READY ? undefined : r;
}
