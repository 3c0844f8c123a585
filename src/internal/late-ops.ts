/**
 * Stages whose code lives in a layer the channel facade may not import: `parallelPipe` and
 * `parallelPipeUnordered` (src/shared/pool), which would make the facade depend on the
 * cross-thread flavor and close an import cycle (facade -> pool -> SharedChan -> facade)
 * that breaks class evaluation order. Their module registers them here when it loads; the
 * facade's chain methods (`ch.parallelPipe(...)`) look them up when called. The package's
 * entry point loads that module, so they are always there for users of 'sabchan'.
 */

/** A registered stage: `(input, n, module, opts) => output channel`. */
export type LateStage = (input: never, n: number, module: string | URL, opts?: never) => unknown;

const stages: { parallelPipe?: LateStage; parallelPipeUnordered?: LateStage } = {};

export type LateStageName = keyof typeof stages;

export function registerLateStage(name: LateStageName, stage: LateStage): void {
  stages[name] = stage;
}

export function lateStage(name: LateStageName): LateStage {
  const stage = stages[name];
  if (stage === undefined) {
    throw new Error(`ch.${name}(...): the parallel pipes are not loaded; import ${name} from the package's entry point, which loads them`);
  }
  return stage;
}
