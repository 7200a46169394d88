// Powers on gpu.js. GLSL's pow(x, y) is exp2(y·log2 x): undefined for x < 0 and inexact for small
// integer exponents (3² may come out 8.999999). Integer exponents up to 16 are computed by repeated
// multiplication instead (exact where float32 is), and the sign and zero cases follow Math.pow.
import { lit } from './codegen.js';

/** Largest |exponent| computed by repeated multiplication. */
export const MAX_INTEGER_EXPONENT = 16;

/** gpu.js source for `base ^ p` with a constant exponent `p` (an expression, or statements with `return`).
 * @example
 * ```ts
 * powScalarSource('x', 2); // 'x * x'
 * ```
 */
export function powScalarSource(base: string, p: number): string {
  if (p === 0) return '1';
  if (p === 1) return base;
  if (p === 0.5) return `Math.sqrt(${base})`;
  if (Number.isInteger(p) && Math.abs(p) <= MAX_INTEGER_EXPONENT) {
    const product = new Array<string>(Math.abs(p)).fill(base).join(' * ');
    return p > 0 ? product : `1 / (${product})`;
  }
  const odd = Number.isInteger(p) && Math.abs(p % 2) === 1;
  // a non-integer power of a negative is NaN: sqrt of a negative computed at run time (a constant may be folded to 0)
  const negative = Number.isInteger(p) ? (odd ? '-r' : 'r') : `Math.sqrt(-1 - Math.abs(${base}))`;
  return `if (${base} === 0) { return ${p > 0 ? '0' : `1 / Math.abs(${base})`}; }
const r = Math.pow(Math.abs(${base}), ${lit(p)});
return ${base} < 0 ? ${negative} : r;`;
}

/** gpu.js statements for `a ^ b` with a tensor exponent.
 * @example
 * ```ts
 * const body = powSource('a', 'b');
 * ```
 */
export function powSource(a: string, b: string): string {
  const n = MAX_INTEGER_EXPONENT;
  return `if (Math.floor(${b}) === ${b} && Math.abs(${b}) <= ${n}) {
let r = 1;
const e = Math.abs(${b});
for (let k = 0; k < ${n}; k++) { if (k < e) { r = r * ${a}; } }
return ${b} < 0 ? 1 / r : r;
}
if (${a} === 0) { return ${b} > 0 ? 0 : 1 / Math.abs(${a}); }
const r = Math.pow(Math.abs(${a}), ${b});
if (${a} < 0) {
if (Math.floor(${b}) !== ${b}) { return Math.sqrt(-1 - Math.abs(${a})); }
const h = ${b} * 0.5;
return Math.floor(h) === h ? r : -r;
}
return r;`;
}
