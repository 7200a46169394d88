import { Sqrt } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { div, mul } from '../ops/arithmetic.js';

/** Gradient of {@link Sqrt}.
 * @example
 * ```ts
 * registerGradient(sqrtGrad);
 * ```
 */
export const sqrtGrad: GradConfig = {
  kernelName: Sqrt,
  gradFunc: (dy, { output }) => ({ x: () => div(dy, mul(output, 2)) }),
};
