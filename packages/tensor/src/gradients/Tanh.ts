import { Tanh } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, sub } from '../ops/arithmetic.js';

/** Gradient of {@link Tanh}.
 * @example
 * ```ts
 * registerGradient(tanhGrad);
 * ```
 */
export const tanhGrad: GradConfig = {
  kernelName: Tanh,
  gradFunc: (dy, { output }) => ({ x: () => mul(dy, sub(1, mul(output, output))) }),
};
