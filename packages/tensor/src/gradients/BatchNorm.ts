import { runKernel } from '../engine.js';
import { BatchNorm, BatchNormGrad, BatchNormParamsGrad } from '../kernel_names.js';
import type { GradConfig } from '../kernel_registry.js';
import type { Tensor } from '../tensor.js';
import { reshape, slice } from '../ops/shape.js';

/** Gradient of {@link BatchNorm}: one kernel sums Σ dy·x̂ and Σ dy per channel (γ's and β's
 * gradients), another turns them into dx, through the batch statistics.
 * @example
 * ```ts
 * registerGradient(batchNormGrad);
 * ```
 */
export const batchNormGrad: GradConfig = {
  kernelName: BatchNorm,
  gradFunc: (dy, { inputs, attrs }) => {
    const { x, weight } = inputs;
    let sums: Tensor | null = null;
    const paramGrads = () => (sums ??= runKernel(BatchNormParamsGrad, { x: x!, dy }, attrs));
    const row = (r: number) => reshape(slice(paramGrads(), [r, 0], [1, -1]), [x!.shape[1]!]);
    return {
      x: () => runKernel(BatchNormGrad, { x: x!, dy, ...(weight ? { weight } : {}), paramGrads: paramGrads() }, attrs),
      weight: () => row(0),
      bias: () => row(1),
    };
  },
};
