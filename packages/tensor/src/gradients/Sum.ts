import { Sum } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { reducedShape } from '../shape.js';

/** Gradient of {@link Sum}.
 * @example
 * ```ts
 * registerGradient(sumGrad);
 * ```
 */
export const sumGrad: GradConfig = {
  kernelName: Sum,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => broadcastTo(reshape(dy, reducedShape(inputs.x!.shape, attrs.axes as number[], true)), inputs.x!.shape) }),
};
