/**
 * The Promise facade of every channel flavor: `put`, `get`, `offer`, `poll` and async
 * iteration written once on the port protocol, so both flavors behave the same by
 * construction. `put` and `get` are one-arm selects: pass 1 (`tryPut`/`tryGet`), then, if not
 * ready, a parked one-arm waiter (./single.ts). A flavor extends `ChanFacade` (imported from
 * ./facade.ts, which also installs the combinator methods) and implements the port protocol
 * and `close`.
 *
 * This module imports nothing that leads back to a channel class, so `ChanFacade` is defined
 * before any module that extends it is evaluated, whatever module a program enters by.
 */
import { signalOf } from '../errors.js';
import { ChanIterator } from '../internal/iterator.js';
import {
  NOT_READY,
  PORT,
  type Chan,
  type ChainOps,
  type GetWaiter,
  type NotReady,
  type Port,
  type PutWaiter,
  type WaitOptions,
} from '../protocol.js';
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
  let r: T | undefined | NotReady;
  try {
    r = port.tryGet();
  } catch (err) {
    return Promise.reject(err); // a message that could not be decoded (shared-port.ts H6)
  }
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

/** The Chan API on top of a flavor's port protocol. */
export abstract class ChanFacade<T> implements Chan<T>, Port<T> {
  readonly [PORT] = true as const;
  abstract readonly closed: boolean;
  abstract close(): void;
  abstract tryGet(): T | undefined | NotReady;
  abstract tryPut(value: T): boolean | NotReady;
  abstract parkGet(waiter: GetWaiter<T>): void;
  abstract parkPut(waiter: PutWaiter<T>): void;
  abstract withdrawGet(waiter: GetWaiter<T>): boolean;
  abstract withdrawPut(waiter: PutWaiter<T>): boolean;
  abstract checkPut(value: unknown, where: string): void;

  put(value: T, opts?: WaitOptions): Promise<boolean> {
    return put(this, value, opts);
  }

  get(opts?: WaitOptions): Promise<T | undefined> {
    return get(this, opts);
  }

  offer(value: T): boolean {
    return offer(this, value);
  }

  poll(): T | undefined {
    return poll(this);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return new ChanIterator<T>(this);
  }
}

/** The combinator methods: declared for the type here, installed by ./facade.ts. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ChanFacade<T> extends ChainOps<T> {}
