import { BatchNorm, type BatchNormAttrs } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { batchNormForward, channelLayout } from '../batch_norm.js';

/** CPU kernel for {@link BatchNorm}: statistics and normalisation in three passes over x (one with given statistics).
 * @example
 * ```ts
 * registerKernel(batchNormConfig);
 * ```
 */
export const batchNormConfig: KernelConfig = {
  kernelName: BatchNorm,
  backendName: 'cpu',
  kernelFunc: ({ inputs, attrs }) => {
    const { x, weight, bias, mean, variance } = inputs;
    const [out, info] = newOutput(x!.shape, x!.dtype);
    const given = mean && variance ? { mean: valuesOf(mean), variance: valuesOf(variance) } : null;
    batchNormForward(valuesOf(x!), weight ? valuesOf(weight) : null, bias ? valuesOf(bias) : null, out, channelLayout(x!.shape), (attrs as unknown as BatchNormAttrs).eps, given);
    return info;
  },
};
