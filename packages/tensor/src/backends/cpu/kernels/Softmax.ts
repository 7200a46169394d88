import { Softmax } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { softmaxKernel } from '../softmax.js';

/** CPU kernel for {@link Softmax}.
 * @example
 * ```ts
 * registerKernel(softmaxConfig);
 * ```
 */
export const softmaxConfig: KernelConfig = { kernelName: Softmax, backendName: 'cpu', kernelFunc: softmaxKernel(false) };
