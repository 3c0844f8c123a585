// The stage every contender of `npm run bench:pipes` runs: a small numeric kernel (an LCG
// stream folded through Math.sqrt), about 10 µs per call on the project's VM. Plain JS so that
// piscina's workers, sabchan's pool and the inline loop load the very same function.
// Integer arithmetic only on the result path: every thread computes the same bits, so the
// checksums of all contenders must agree exactly.
export const ITERATIONS = 4000;

export default function kernel(x) {
  let a = x | 0;
  let s = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) | 0;
    s = (s + Math.floor(Math.sqrt(a >>> 0))) | 0;
  }
  return s >>> 0;
}
