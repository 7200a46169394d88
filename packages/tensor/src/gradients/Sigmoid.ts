import { Sigmoid } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul, sub } from '../ops/arithmetic.js';

/** Gradient of {@link Sigmoid}.
 * @example
 * ```ts
 * registerGradient(sigmoidGrad);
 * ```
 */
export const sigmoidGrad: GradConfig = {
  kernelName: Sigmoid,
  gradFunc: (dy, { output }) => ({ x: () => mul(dy, mul(output, sub(1, output))) }),
};
