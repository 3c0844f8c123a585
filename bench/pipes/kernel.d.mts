/** Types of ./kernel.mjs (plain JS so every contender's workers load it as is). */
export declare const ITERATIONS: number;
export default function kernel(x: number): number;
