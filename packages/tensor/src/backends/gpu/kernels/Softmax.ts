import { Softmax } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { softmaxGpu } from '../softmax.js';

/** gpu.js kernel for {@link Softmax}.
 * @example
 * ```ts
 * registerKernel(softmaxConfig);
 * ```
 */
export const softmaxConfig: KernelConfig = { kernelName: Softmax, backendName: 'gpu', kernelFunc: softmaxGpu(Softmax, false) };
