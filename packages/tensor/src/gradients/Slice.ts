import { Slice } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { pad } from '../ops/shape.js';

/** Gradient of {@link Slice}.
 * @example
 * ```ts
 * registerGradient(sliceGrad);
 * ```
 */
export const sliceGrad: GradConfig = {
  kernelName: Slice,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => pad(dy, attrs.begin as number[], inputs.x!.shape) }),
};
