import { BatchNormGrad, type BatchNormAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { batchNormInputGrad, channelLayout } from '../batch_norm.js';

/** CPU kernel for {@link BatchNormGrad}: dx from x, dy, γ and the per-channel sums.
 * @example
 * ```ts
 * registerKernel(batchNormGradConfig);
 * ```
 */
export const batchNormGradConfig: KernelConfig = {
  kernelName: BatchNormGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy, weight, paramGrads } = inputs;
    const [dx, info] = newOutput(x!.shape, x!.dtype);
    batchNormInputGrad(valuesOf(x!), valuesOf(dy!), weight ? valuesOf(weight) : null, valuesOf(paramGrads!), dx, channelLayout(x!.shape), (attrs as unknown as BatchNormAttrs).eps);
    return info;
  },
};
