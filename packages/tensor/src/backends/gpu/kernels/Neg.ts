import { Neg } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Neg}.
 * @example
 * ```ts
 * registerKernel(negConfig);
 * ```
 */
export const negConfig: KernelConfig = { kernelName: Neg, backendName: 'gpu', kernelFunc: elementwiseGpu(Neg, ['x'], '-x') };
