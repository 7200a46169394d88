import { Neg } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { neg } from '../ops/arithmetic.js';

/** Gradient of {@link Neg}.
 * @example
 * ```ts
 * registerGradient(negGrad);
 * ```
 */
export const negGrad: GradConfig = {
  kernelName: Neg,
  gradFunc: (dy, _ctx) => ({ x: () => neg(dy) }),
};
