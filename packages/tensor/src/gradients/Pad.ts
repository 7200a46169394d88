import { Pad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { slice } from '../ops/shape.js';

/** Gradient of {@link Pad}.
 * @example
 * ```ts
 * registerGradient(padGrad);
 * ```
 */
export const padGrad: GradConfig = {
  kernelName: Pad,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => slice(dy, attrs.before as number[], inputs.x!.shape) }),
};
