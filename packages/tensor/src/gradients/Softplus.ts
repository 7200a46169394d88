import { Softplus } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';
import { sigmoid } from '../ops/unary.js';

/** Gradient of {@link Softplus}.
 * @example
 * ```ts
 * registerGradient(softplusGrad);
 * ```
 */
export const softplusGrad: GradConfig = {
  kernelName: Softplus,
  gradFunc: (dy, { inputs }) => ({ x: () => mul(dy, sigmoid(inputs.x!)) }),
};
