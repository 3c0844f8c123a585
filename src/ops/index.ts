/**
 * The combinators (issue 5), written against the port protocol and the public constructors
 * only, so they work on every channel flavor. Each chain method of a channel
 * (`ch.map(f)`, select/facade.ts) is the free function of the same name.
 */
export { asyncPipe, asyncPipeUnordered } from './async-pipe.js';
export { filter, takeWhile, dropWhile } from './filter.js';
export { collect, reduce, scan } from './fold.js';
export { distinct, group, groupBy } from './group.js';
export { map } from './map.js';
export { merge } from './merge.js';
export { mix } from './mix.js';
export type { Mix, MixState, SoloMode } from './mix.js';
export { mult } from './mult.js';
export { fromIterable, onto, pipe } from './pipe.js';
export type { Items } from './pipe.js';
export { pub } from './pub.js';
export { range } from './range.js';
export { drop, take } from './slice.js';
export { distribute, split } from './split.js';
export { tickTock } from './tick.js';
export { combineLatest, zip } from './zip.js';
