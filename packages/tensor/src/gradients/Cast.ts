import { Cast } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { cast } from '../ops/nn.js';

/** Gradient of {@link Cast}.
 * @example
 * ```ts
 * registerGradient(castGrad);
 * ```
 */
export const castGrad: GradConfig = {
  kernelName: Cast,
  gradFunc: (dy, { inputs }) => ({ x: () => cast(dy, inputs.x!.dtype) }),
};
