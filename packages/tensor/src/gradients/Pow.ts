import { Pow } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, pow, sub } from '../ops/arithmetic.js';
import { equal, greaterEqual, where } from '../ops/compare.js';
import { log } from '../ops/unary.js';

/** Gradient of {@link Pow}.
 * @example
 * ```ts
 * registerGradient(powGrad);
 * ```
 */
export const powGrad: GradConfig = {
  kernelName: Pow,
  gradFunc: (dy, { inputs, output }) => ({
    // d/da a^b = b·a^(b−1); PyTorch defines it as 0 where b = 0 (not 0·0^−1 = NaN at a = 0)
    a: () => where(equal(inputs.b!, 0), 0, mul(dy, mul(inputs.b!, pow(inputs.a!, sub(inputs.b!, 1))))),
    // d/db a^b = a^b·log a; PyTorch defines it as 0 where a = 0 and b ≥ 0
    b: () => mul(dy, where(mul(equal(inputs.a!, 0), greaterEqual(inputs.b!, 0)), 0, mul(output, log(inputs.a!)))),
  }),
};
