import { runKernel } from '../engine.js';
import { MaxPool2D, MaxPool2DGrad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';

/** Gradient of {@link MaxPool2D}: dy goes to the first maximum of each window, as PyTorch.
 * @example
 * ```ts
 * registerGradient(maxPool2DGrad);
 * ```
 */
export const maxPool2DGrad: GradConfig = {
  kernelName: MaxPool2D,
  gradFunc: (dy, { inputs, attrs }) => ({ x: () => runKernel(MaxPool2DGrad, { x: inputs.x!, dy }, attrs) }),
};
