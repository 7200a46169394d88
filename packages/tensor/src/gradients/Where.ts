import { Where } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { where } from '../ops/compare.js';

/** Gradient of {@link Where}.
 * @example
 * ```ts
 * registerGradient(whereGrad);
 * ```
 */
export const whereGrad: GradConfig = {
  kernelName: Where,
  gradFunc: (dy, { inputs }) => ({
    a: () => where(inputs.condition!, dy, 0),
    b: () => where(inputs.condition!, 0, dy),
  }),
};
