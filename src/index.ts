/**
 * sabchan: Go/core.async-style CSP channels for TypeScript.
 * Public surface: explicit named re-exports only (API.md is the contract).
 */
export { chan, promiseChan } from './core/chan.js';
export { buffers } from './core/buffers.js';
export type { BufferSpec } from './core/buffers.js';
export { timeout } from './core/timers.js';
export { select } from './select/select.js';
export type { SelectArm, SelectOptions, SelectResult } from './select/select.js';
export { PendingLimitError } from './errors.js';
export { MAX_PENDING } from './protocol.js';
export type { Chan, WaitOptions } from './protocol.js';
export { sharedChan, attach } from './shared/create.js';
export { selectSync } from './shared/select-sync.js';
export type { SyncSelectArm, SyncSelectOptions } from './shared/select-sync.js';
export type { SharedChanOptions, NumericChanOptions, ObjectChanOptions, AttachOptions } from './shared/create.js';
export { SharedChan } from './shared/shared-chan.js';
export { supervise } from './shared/supervise.js';
export type { StopSupervising, SupervisedChannel, SupervisedWorker } from './shared/supervise.js';
export type { CloseReason } from './shared/repair.js';
export type { NumericArray } from './shared/bulk-ops.js';
export type { SharedChanHandle, Policy } from './shared/handle.js';
export type { LaneType } from './shared/layout.js';
export { TimeoutError, AttachError, SpscOwnerError } from './errors.js';
export { jsonCodec, utf8Codec, bytesCodec, structCodec } from './codec/index.js';
export type { Codec, CodecOption, StructCodec, StructCodecOptions, StructFieldLayout, StructFieldType, StructSchema, StructValue } from './codec/index.js';

// ---- combinators and pipelines (issue 5; src/ops) ------------------------------------------
export {
  asyncPipe,
  asyncPipeUnordered,
  collect,
  combineLatest,
  distinct,
  distribute,
  drop,
  dropWhile,
  filter,
  fromIterable,
  group,
  groupBy,
  map,
  merge,
  mix,
  mult,
  onto,
  pipe,
  pub,
  range,
  reduce,
  scan,
  split,
  take,
  takeWhile,
  tickTock,
  zip,
} from './ops/index.js';
export type { Items, Mix, MixState, SoloMode } from './ops/index.js';
export { failureOf as pipelineError } from './internal/failure.js';
export type {
  BufferLike,
  CloseOptions,
  FnStageOptions,
  MapOptions,
  Mult,
  OutSpec,
  Pub,
  PubOptions,
  SplitOptions,
  StageOptions,
} from './protocol.js';

// ---- parallel pipes over a worker pool (issue 5; src/shared/pool) ----------------------------
export { parallelPipe, parallelPipeUnordered } from './shared/pool/parallel-pipe.js';
export type { ParallelPipeOptions } from './shared/pool/parallel-pipe.js';
