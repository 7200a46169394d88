import { runKernel } from '../engine.js';
import { AdaptiveAvgPool2D, AdaptiveAvgPool2DGrad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';

/** Gradient of {@link AdaptiveAvgPool2D}: each dy spread evenly over its window.
 * @example
 * ```ts
 * registerGradient(adaptiveAvgPool2DGrad);
 * ```
 */
export const adaptiveAvgPool2DGrad: GradConfig = {
  kernelName: AdaptiveAvgPool2D,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => runKernel(AdaptiveAvgPool2DGrad, { dy }, { ...attrs, shape: inputs.x!.shape.slice() }) }),
};
