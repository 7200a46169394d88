import { Sqrt } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Sqrt}.
 * @example
 * ```ts
 * registerKernel(sqrtConfig);
 * ```
 */
export const sqrtConfig: KernelConfig = { kernelName: Sqrt, backendName: 'gpu', kernelFunc: elementwiseGpu(Sqrt, ['x'], 'Math.sqrt(x)') };
