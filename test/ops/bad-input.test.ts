/** Bad arguments are a TypeError or RangeError that names the argument, thrown before anything runs. */
import { describe, expect, test } from 'vitest';
import {
  asyncPipe,

  chan,
  collect,
  combineLatest,
  distribute,
  fromIterable,
  group,
  map,
  merge,
  mix,
  onto,
  pub,
  range,
  sharedChan,
  split,
  take,
  tickTock,
  zip,
  type Chan,
} from '../../src/index.js';

const c = (): Chan<number> => chan<number>(4);
const bad = (f: () => unknown, E: typeof TypeError | typeof RangeError, message: RegExp) =>
  expect(f).toThrow(expect.objectContaining({ name: E.name, message: expect.stringMatching(message) }));

describe('every combinator validates its arguments synchronously', () => {
  test('functions', () => {
    bad(() => map(c(), 3 as never), TypeError, /map: f must be a function/);
    bad(() => c().filter(null as never), TypeError, /filter: p must be a function/);
    bad(() => c().reduce('x' as never), TypeError, /reduce: f must be a function/);
    bad(() => asyncPipe(c(), 2, {} as never), TypeError, /asyncPipe: f must be a function/);
    bad(() => pub(c(), undefined as never), TypeError, /pub: topicFn must be a function/);
    bad(() => split(c(), 1 as never), TypeError, /split: p must be a function/);
  });

  test('counts', () => {
    bad(() => take(c(), -1), RangeError, /take: n must be an integer >= 0, got -1/);
    bad(() => c().drop(1.5), RangeError, /drop: n must be an integer >= 0/);
    bad(() => group(c(), 0), RangeError, /group: n must be an integer >= 1, got 0/);
    bad(() => c().take('2' as never), TypeError, /take: n must be a number/);
    bad(() => c().asyncPipe(0, async (x) => x), RangeError, /asyncPipe: n must be an integer >= 1/);
    bad(() => collect(c(), -2), RangeError, /collect: n must be an integer >= 0/);
  });

  test('channels', () => {
    bad(() => map({} as never, (x) => x), TypeError, /map: ch must be a channel/);
    bad(() => merge('ab' as never), TypeError, /merge: chs must be an array of channels/);
    bad(() => zip([c(), 5 as never]), TypeError, /zip: chs\[1\] must be a channel/);
    bad(() => combineLatest([null as never]), TypeError, /combineLatest: chs\[0\] must be a channel/);
    bad(() => c().pipe({} as never), TypeError, /pipe: to must be a channel/);
    bad(() => mix(3 as never), TypeError, /mix: out must be a channel/);
    bad(() => collect(null as never), TypeError, /collect: ch must be a channel/);
  });

  test('options', () => {
    bad(() => c().map((x) => x, 5 as never), TypeError, /map: options must be an object/);
    bad(() => c().map((x) => x, { close: 'no' as never }), TypeError, /map: options.close must be a boolean/);
    bad(() => c().map((x) => x, { onError: 1 as never }), TypeError, /map: options.onError must be a function/);
    bad(() => c().map((x) => [x], { flatten: 'yes' as never }), TypeError, /map: options.flatten must be a boolean/);
    bad(() => c().map((x) => x, { out: -1 }), RangeError, /map: options.out must be a channel, a buffer size/);
    bad(() => c().map((x) => x, { out: 'big' as never }), TypeError, /map: options.out must be a channel/);
    bad(() => split(c(), () => true, { out: [c()] as never }), TypeError, /split: options.out must be a pair/);
    bad(() => pub(c(), (x) => x, { buffer: 3 as never }), TypeError, /pub: options.buffer must be a function/);
  });

  test('sources', () => {
    bad(() => fromIterable(42 as never), TypeError, /fromIterable: items must be an iterable/);
    bad(() => onto(c(), null as never), TypeError, /onto: items must be an iterable/);
    bad(() => range(0, 10, 0), RangeError, /range: step must not be 0/);
    bad(() => range('3' as never), TypeError, /range: end must be a number/);
    bad(() => range(NaN), RangeError, /range: end must be a finite number/);
    bad(() => tickTock(0), RangeError, /tickTock: ms must be a finite number > 0/);
    bad(() => tickTock('1' as never), TypeError, /tickTock: ms must be a number/);
  });

  test('mix modes and distribute to a rendezvous shared channel', () => {
    const m = mix(chan<number>());
    bad(() => m.toggle(c(), { loud: true } as never), TypeError, /toggle: unknown mode "loud"/);
    bad(() => m.toggle(c(), { mute: 1 } as never), TypeError, /toggle: mute must be a boolean/);
    bad(() => m.soloMode('skip' as never), TypeError, /soloMode: mode must be 'mute' or 'pause'/);
    const rendezvous = sharedChan({ type: 'f64', capacity: 0 });
    const another = sharedChan({ type: 'f64', capacity: 0 });
    bad(() => distribute(c(), [rendezvous, c(), another]), TypeError, /distribute: outs\[0\] and outs\[2\] are both cross-thread rendezvous channels/);
    rendezvous.close();
    another.close();
  });

  test('a bad call changes nothing: the input keeps its values', async () => {
    const input = c();
    await input.put(1);
    expect(() => input.take(-1)).toThrow(RangeError);
    expect(() => input.map((x) => x, { out: 1.5 })).toThrow(RangeError);
    expect(await input.get()).toBe(1);
  });
});
