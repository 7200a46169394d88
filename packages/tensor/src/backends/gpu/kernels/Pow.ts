import { Pow } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';
import { powSource } from '../pow.js';

/** gpu.js kernel for {@link Pow}.
 * @example
 * ```ts
 * registerKernel(powConfig);
 * ```
 */
export const powConfig: KernelConfig = { kernelName: Pow, backendName: 'gpu', kernelFunc: elementwiseGpu(Pow, ['a', 'b'], powSource('a', 'b')) };
