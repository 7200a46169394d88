import { runKernel } from '../engine.js';
import { Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import { sum } from '../ops/reduce.js';

/** Gradient of {@link Conv2D}: the input and weight gradients are kernels of their own; the bias's sums dy over N, H, W.
 * @example
 * ```ts
 * registerGradient(conv2DGrad);
 * ```
 */
export const conv2DGrad: GradConfig = {
  kernelName: Conv2D,
  gradFunc: (dy, { inputs, attrs }) => {
    const { x, w } = inputs;
    return {
      x: () => runKernel(Conv2DBackpropInput, { dy, w: w! }, { ...attrs, shape: x!.shape.slice() }),
      w: () => runKernel(Conv2DBackpropFilter, { x: x!, dy }, { ...attrs, shape: w!.shape.slice() }),
      bias: () => sum(dy, [0, 2, 3]),
    };
  },
};
