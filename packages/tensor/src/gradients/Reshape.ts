import { Reshape } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { reshape } from '../ops/shape.js';

/** Gradient of {@link Reshape}.
 * @example
 * ```ts
 * registerGradient(reshapeGrad);
 * ```
 */
export const reshapeGrad: GradConfig = {
  kernelName: Reshape,
  gradFunc: (dy, { inputs }) => ({ x: () => reshape(dy, inputs.x!.shape) }),
};
