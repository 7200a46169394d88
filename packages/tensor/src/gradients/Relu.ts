import { Relu } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';
import { greater } from '../ops/compare.js';

/** Gradient of {@link Relu}.
 * @example
 * ```ts
 * registerGradient(reluGrad);
 * ```
 */
export const reluGrad: GradConfig = {
  kernelName: Relu,
  gradFunc: (dy, { inputs }) => ({ x: () => mul(dy, greater(inputs.x!, 0)) }),
};
