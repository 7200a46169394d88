import { runKernel } from '../engine.js';
import { AvgPool2D, AvgPool2DGrad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';

/** Gradient of {@link AvgPool2D}: each dy spread evenly over its window.
 * @example
 * ```ts
 * registerGradient(avgPool2DGrad);
 * ```
 */
export const avgPool2DGrad: GradConfig = {
  kernelName: AvgPool2D,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => runKernel(AvgPool2DGrad, { dy }, { ...attrs, shape: inputs.x!.shape.slice() }) }),
};
