/**
 * What every producer worker of the throughput scenarios gets in `workerData.data`, and the
 * values it sends: 0, 1, …, n-1 per iteration, one at a time or in batches of `batch`
 * consecutive values, so the main thread can check count and sum as the in-thread suite does.
 */
export interface StreamData {
  /** The control words (control.ts). */
  readonly ctl: Int32Array;
  /** Values per iteration; a multiple of `batch`. */
  readonly n: number;
  /** 1: one value per operation; otherwise values per batch. */
  readonly batch: number;
}

/** Throws unless every iteration is made of whole batches (else count and sum cannot match). */
export function checkShape(n: number, batch: number): void {
  if (!Number.isInteger(n / batch)) throw new RangeError(`n = ${n} is not a multiple of batch = ${batch}`);
}

/** Fills `batch` with base, base + 1, …: the batch that starts at value `base`. */
export function fillBatch(batch: Float64Array, base: number): void {
  for (let i = 0; i < batch.length; i++) batch[i] = base + i;
}
