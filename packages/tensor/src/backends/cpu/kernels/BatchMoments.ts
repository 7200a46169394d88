import { BatchMoments } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { newOutput, valuesOf } from '../backend_cpu.js';
import { channelLayout, channelMoments } from '../batch_norm.js';

/** CPU kernel for {@link BatchMoments}: `[2, C]` of the mean and the biased variance per channel.
 * @example
 * ```ts
 * registerKernel(batchMomentsConfig);
 * ```
 */
export const batchMomentsConfig: KernelConfig = {
  kernelName: BatchMoments,
  backendName: 'cpu',
  kernelFunc: ({ inputs }) => {
    const x = inputs.x!;
    const layout = channelLayout(x.shape);
    const mean = new Float64Array(layout.C), variance = new Float64Array(layout.C);
    channelMoments(valuesOf(x), layout, mean, variance);
    const [out, info] = newOutput([2, layout.C], x.dtype);
    out.set(mean);
    out.set(variance, layout.C);
    return info;
  },
};
