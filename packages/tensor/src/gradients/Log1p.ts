import { Log1p } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { add, div } from '../ops/arithmetic.js';

/** Gradient of {@link Log1p}.
 * @example
 * ```ts
 * registerGradient(log1pGrad);
 * ```
 */
export const log1pGrad: GradConfig = {
  kernelName: Log1p,
  gradFunc: (dy, { inputs }) => ({ x: () => div(dy, add(inputs.x!, 1)) }),
};
