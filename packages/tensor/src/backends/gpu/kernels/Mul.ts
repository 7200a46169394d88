import { Mul } from '../../../kernel_names.js';
import type { KernelConfig } from '../../../kernel_registry.js';
import { elementwiseGpu } from '../elementwise.js';

/** gpu.js kernel for {@link Mul}.
 * @example
 * ```ts
 * registerKernel(mulConfig);
 * ```
 */
export const mulConfig: KernelConfig = { kernelName: Mul, backendName: 'gpu', kernelFunc: elementwiseGpu(Mul, ['a', 'b'], 'a * b') };
