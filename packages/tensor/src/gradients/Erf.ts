import { Erf } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';
import { exp } from '../ops/unary.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** Gradient of {@link Erf}: `2/√π·e^(−x²)`.
 * @example
 * ```ts
 * registerGradient(erfGrad);
 * ```
 */
export const erfGrad: GradConfig = {
  kernelName: Erf,
  gradFunc: (dy, { inputs }) => ({ x: () => mul(dy, mul(exp(mul(mul(inputs.x!, inputs.x!), -1)), TWO_OVER_SQRT_PI)) }),
};
