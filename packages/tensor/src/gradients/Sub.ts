import { Sub } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { neg } from '../ops/arithmetic.js';

/** Gradient of {@link Sub}.
 * @example
 * ```ts
 * registerGradient(subGrad);
 * ```
 */
export const subGrad: GradConfig = {
  kernelName: Sub,
  gradFunc: (dy, _ctx) => ({ a: () => dy, b: () => neg(dy) }),
};
