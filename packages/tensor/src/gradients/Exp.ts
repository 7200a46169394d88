import { Exp } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { mul } from '../ops/arithmetic.js';

/** Gradient of {@link Exp}.
 * @example
 * ```ts
 * registerGradient(expGrad);
 * ```
 */
export const expGrad: GradConfig = {
  kernelName: Exp,
  gradFunc: (dy, { output }) => ({ x: () => mul(dy, output) }),
};
