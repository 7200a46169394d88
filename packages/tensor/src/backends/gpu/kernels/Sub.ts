import { Sub } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Sub}.
 * @example
 * ```ts
 * registerKernel(subConfig);
 * ```
 */
export const subConfig: KernelConfig = { kernelName: Sub, backendName: 'gpu', kernelFunc: elementwiseGpu(Sub, ['a', 'b'], 'a - b') };
