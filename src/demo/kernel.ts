/**
 * Demo stage for `npm start` part 6: a small numeric kernel (an LCG stream folded through
 * Math.sqrt, ~10 µs per call here), run by parallelPipe's workers and inline for comparison.
 * Integer arithmetic on the result path, so every thread computes the same bits.
 */
export default function kernel(x: number): number {
  let a = x | 0;
  let s = 0;
  for (let i = 0; i < 4000; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) | 0;
    s = (s + Math.floor(Math.sqrt(a >>> 0))) | 0;
  }
  return s >>> 0;
}
