import { BatchNormParamsGrad, type BatchNormAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { batchNormParamsGrad, channelLayout } from '../batch_norm.js';

/** CPU kernel for {@link BatchNormParamsGrad}: `[2, C]` of Σ dy·x̂ and Σ dy per channel.
 * @example
 * ```ts
 * registerKernel(batchNormParamsGradConfig);
 * ```
 */
export const batchNormParamsGradConfig: KernelConfig = {
  kernelName: BatchNormParamsGrad,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, dy } = inputs;
    const layout = channelLayout(x!.shape);
    const [out, info] = newOutput([2, layout.C], x!.dtype);
    batchNormParamsGrad(valuesOf(x!), valuesOf(dy!), out, layout, (attrs as unknown as BatchNormAttrs).eps);
    return info;
  },
};
