import { LogSoftmax } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { softmaxGpu } from '../softmax.js';

/** gpu.js kernel for {@link LogSoftmax}.
 * @example
 * ```ts
 * registerKernel(logSoftmaxConfig);
 * ```
 */
export const logSoftmaxConfig: KernelConfig = { kernelName: LogSoftmax, backendName: 'gpu', kernelFunc: softmaxGpu(LogSoftmax, true) };
