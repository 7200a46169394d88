import { Mul } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';

/** Gradient of {@link Mul}.
 * @example
 * ```ts
 * registerGradient(mulGrad);
 * ```
 */
export const mulGrad: GradConfig = {
  kernelName: Mul,
  gradFunc: (dy, { inputs }) => ({ a: () => mul(dy, inputs.b!), b: () => mul(dy, inputs.a!) }),
};
