import { Equal } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Equal}.
 * @example
 * ```ts
 * registerKernel(equalConfig);
 * ```
 */
export const equalConfig: KernelConfig = { kernelName: Equal, backendName: 'gpu', kernelFunc: elementwiseGpu(Equal, ['a', 'b'], '(a === b ? 1 : 0)') };
