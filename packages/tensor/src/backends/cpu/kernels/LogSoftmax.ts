import { LogSoftmax } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { softmaxKernel } from '../softmax.js';

/** CPU kernel for {@link LogSoftmax}.
 * @example
 * ```ts
 * registerKernel(logSoftmaxConfig);
 * ```
 */
export const logSoftmaxConfig: KernelConfig = { kernelName: LogSoftmax, backendName: 'cpu', kernelFunc: softmaxKernel(true) };
